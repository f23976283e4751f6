//! One data row of a roster: each cell read into its typed field, then the checks across fields.

use chrono::NaiveDate;

use super::RosterRecord;
use super::cells::{
    birth_from_id, date_of, free_text, gender, id_card, optional, political_status,
    student_no_text, text_of,
};
use super::columns::Column;
use super::grid::Cell;
use super::header::HeaderMap;
use crate::error::FieldError;
use crate::people::{PersonData, PersonName, PhoneNo, StudentNo};

static EMPTY: Cell = Cell::Empty;

/// The 发展党员 stages in the order 《中国共产党发展党员工作细则》 prescribes (第二至四章):
/// application, activist, development target, admission, full membership.
const PIPELINE: [Column; 5] = [
    Column::PartyAppliedOn,
    Column::ActivistOn,
    Column::TargetOn,
    Column::PartyJoinedOn,
    Column::ConfirmedOn,
];

/// The outcome of one row: a record when nothing is wrong, and the 学号 either way so that
/// duplicates can be found among invalid rows too.
pub(crate) struct ParsedRow {
    pub student_no: Option<StudentNo>,
    pub record: Option<RosterRecord>,
    pub errors: Vec<(Column, FieldError)>,
    pub zero_padded: bool,
}

/// Errors of one row, each filed under its column (whatever field a value type names).
struct Collect(Vec<(Column, FieldError)>);

impl Collect {
    fn take<T>(&mut self, c: Column, r: Result<Option<T>, FieldError>) -> Option<T> {
        r.unwrap_or_else(|e| {
            self.0.push((
                c,
                FieldError {
                    field: c.field(),
                    ..e
                },
            ));
            None
        })
    }
}

pub(crate) struct RowReader<'a> {
    pub map: &'a HeaderMap,
    /// Width that 学号 lost their leading zeros from, and how many zeros they may have lost.
    pub zero_pad: Option<(usize, usize)>,
}

impl RowReader<'_> {
    pub fn parse(&self, cells: &[Cell], sheet: usize, row: usize) -> ParsedRow {
        let cell = |c: Column| {
            self.map
                .position(c)
                .and_then(|p| cells.get(p))
                .unwrap_or(&EMPTY)
        };
        let mut e = Collect(Vec::new());
        let (student_no, zero_padded) =
            match student_no_text(cell(Column::StudentNo), self.zero_pad) {
                Ok((text, padded)) => (
                    e.take(Column::StudentNo, StudentNo::parse(&text).map(Some)),
                    padded,
                ),
                Err(err) => (e.take::<StudentNo>(Column::StudentNo, Err(err)), false),
            };
        let name = e.take(
            Column::Name,
            text_of(cell(Column::Name)).and_then(|t| PersonName::parse(&t).map(Some)),
        );
        let status = e.take(
            Column::PoliticalStatus,
            political_status(cell(Column::PoliticalStatus)),
        );
        let mut gender = e.take(Column::Gender, gender(cell(Column::Gender)));
        let id_card = e.take(Column::IdCard, id_card(cell(Column::IdCard)));
        let phone = e.take(Column::Phone, optional(cell(Column::Phone), PhoneNo::parse));
        let mut text = |c: Column| e.take(c, free_text(cell(c)));
        let (ethnicity, college, major) = (
            text(Column::Ethnicity),
            text(Column::College),
            text(Column::Major),
        );
        let (grade, class_name) = (text(Column::Grade), text(Column::ClassName));
        let (league_branch, party_branch) = (text(Column::LeagueBranch), text(Column::PartyBranch));
        let mut date = |c: Column| e.take(c, date_of(cell(c)));
        let mut birth_date = birth_from_id(cell(Column::BirthDate), id_card.as_ref())
            .or_else(|| date(Column::BirthDate));
        let dates = [
            date(Column::LeagueJoinedOn),
            date(Column::PartyAppliedOn),
            date(Column::ActivistOn),
            date(Column::TargetOn),
            date(Column::PartyJoinedOn),
            date(Column::ConfirmedOn),
        ];
        let mut errors = e.0;

        // The 身份证号 is the better-checked source (it carries a checksum): fill what the row
        // leaves empty from it, and refuse a row where the two disagree.
        if let Some(id) = &id_card {
            match birth_date {
                None if cell(Column::BirthDate).is_blank() => birth_date = Some(id.birth_date()),
                Some(d) if d != id.birth_date() => errors.push((
                    Column::BirthDate,
                    FieldError::new(Column::BirthDate.field(), "error.id_card_birth_mismatch")
                        .with("id_date", id.birth_date().format("%Y-%m-%d")),
                )),
                _ => {}
            }
            match gender {
                None if cell(Column::Gender).is_blank() => gender = Some(id.gender()),
                Some(g) if g != id.gender() => errors.push((
                    Column::Gender,
                    FieldError::new(Column::Gender.field(), "error.id_card_gender_mismatch"),
                )),
                _ => {}
            }
        }
        self.check_order(birth_date, &dates, &mut errors);

        let [
            league_joined_on,
            party_applied_on,
            activist_on,
            target_on,
            party_joined_on,
            confirmed_on,
        ] = dates;
        let record = match (errors.is_empty(), student_no.clone(), name, status) {
            (true, Some(student_no), Some(name), Some(political_status)) => Some(RosterRecord {
                sheet,
                row,
                person: PersonData {
                    student_no,
                    name,
                    gender,
                    ethnicity,
                    birth_date,
                    id_card,
                    phone,
                    college,
                    major,
                    grade,
                    class_name,
                    political_status,
                    league_joined_on,
                    party_applied_on,
                    activist_on,
                    target_on,
                    party_joined_on,
                    confirmed_on,
                },
                league_branch,
                party_branch,
            }),
            _ => None,
        };
        ParsedRow {
            student_no,
            record,
            errors,
            zero_padded,
        }
    }

    /// Nothing happens before birth, and the 发展党员 stages follow each other in order.
    fn check_order(
        &self,
        birth: Option<NaiveDate>,
        dates: &[Option<NaiveDate>; 6],
        errors: &mut Vec<(Column, FieldError)>,
    ) {
        let order_error = |c: Column, other: Column, other_date: NaiveDate| {
            let other_header = self.map.text(other).unwrap_or(other.header());
            FieldError::new(c.field(), "error.date_order")
                .with("other", other_header)
                .with("other_date", other_date.format("%Y-%m-%d"))
        };
        if let Some(b) = birth {
            for (c, d) in [Column::LeagueJoinedOn]
                .into_iter()
                .chain(PIPELINE)
                .zip(dates)
            {
                if d.is_some_and(|d| d < b) {
                    errors.push((c, order_error(c, Column::BirthDate, b)));
                }
            }
        }
        let mut previous: Option<(Column, NaiveDate)> = None;
        for (c, d) in PIPELINE.into_iter().zip(&dates[1..]) {
            let Some(d) = *d else { continue };
            if let Some((pc, pd)) = previous
                && d < pd
            {
                errors.push((c, order_error(c, pc, pd)));
            }
            previous = Some((c, d));
        }
    }
}
