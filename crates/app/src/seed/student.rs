//! One synthetic student: identity, political status and dates, shared by the demo and the
//! generator.

use chrono::NaiveDate;
use rand::Rng;
use redbranch_domain::people::{Gender, PoliticalStatus};

use super::person;
use super::pipeline::{self, AS_OF, Life, PartyDates, minus_days, plus_months};

/// Everything generated about one student except where they study.
#[derive(Debug, Clone)]
pub struct Student {
    pub name: String,
    pub gender: Gender,
    pub ethnicity: &'static str,
    pub id_card: String,
    pub phone: String,
    pub life: Life,
    pub status: PoliticalStatus,
    pub league_joined: Option<NaiveDate>,
    pub dates: PartyDates,
}

impl Student {
    /// Whether the person belongs to a 团支部: everyone but 群众 (Party members under 28 keep
    /// their 团籍, 《中国共产主义青年团章程》第八条).
    pub fn in_league(&self) -> bool {
        self.league_joined.is_some()
    }

    /// Whether a Party branch tracks them: applicants and further along.
    pub fn in_party_branch(&self) -> bool {
        self.status >= PoliticalStatus::PartyApplicant
    }

    /// Makes the student a 正式党员 if their age and enrolment allow it.
    pub fn promote_to_party_member(&mut self, rng: &mut impl Rng) -> bool {
        match pipeline::sample(rng, PoliticalStatus::PartyMember, &self.life) {
            Some(d) => {
                self.status = PoliticalStatus::PartyMember;
                self.dates = d;
                self.league_joined = self.league_joined.or(Some(league_joined(rng, &self.life)));
                true
            }
            None => false,
        }
    }
}

/// The day a student of `grade` enrolled (入学).
pub fn enrolment(grade: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(grade, 9, 1).unwrap_or_default()
}

/// Graduation of a four-year undergraduate of `grade`.
pub fn graduation(grade: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(grade + 4, 6, 30).unwrap_or_default()
}

/// Years at school on [`AS_OF`]: 0 for freshmen.
pub fn seniority(grade: i32) -> usize {
    usize::try_from(pipeline::academic_year(AS_OF) - grade)
        .unwrap_or(0)
        .min(3)
}

/// A student of `grade` in a college where `female_pct` per cent of students are women.
pub fn student(rng: &mut impl Rng, grade: i32, female_pct: u32) -> Student {
    let gender = if rng.gen_range(0..100) < female_pct {
        Gender::Female
    } else {
        Gender::Male
    };
    let birth = person::birth_date(rng, grade);
    let life = Life {
        birth,
        enrolled: enrolment(grade),
        leaves: graduation(grade),
    };
    let wanted = pipeline::draw_status(rng, seniority(grade));
    let (status, dates) = pipeline::settle(rng, wanted, &life);
    let league_joined = (status != PoliticalStatus::Masses).then(|| league_joined(rng, &life));
    Student {
        name: person::name(rng, gender),
        gender,
        ethnicity: person::ethnicity(rng),
        id_card: person::id_card(rng, birth, gender),
        phone: person::phone(rng),
        life,
        status,
        league_joined,
        dates,
    }
}

/// 入团: between 14 (团章 第一条) and a month before enrolment, often on 五四 Youth Day.
fn league_joined(rng: &mut impl Rng, life: &Life) -> NaiveDate {
    let lo = plus_months(life.birth, 14 * 12);
    let hi = minus_days(life.enrolled, 30).max(lo);
    let span = u64::try_from((hi - lo).num_days()).unwrap_or(0);
    let d = pipeline::plus_days(lo, rng.gen_range(0..=span));
    let may_fourth = NaiveDate::from_ymd_opt(chrono::Datelike::year(&d), 5, 4).unwrap_or(d);
    if rng.gen_range(0..100) < 35 && (lo..=hi).contains(&may_fourth) {
        may_fourth
    } else {
        d
    }
}
