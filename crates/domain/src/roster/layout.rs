//! What the rows below the header are besides people: totals, notes, the template's example,
//! a repeated header; and the 学号 width that numbers lost their leading zeros from.

use super::cells::student_no_digits;
use super::columns::Column;
use super::grid::Cell;
use super::header::HeaderMap;
use crate::text::compact;

/// What a non-blank row below the header holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowKind {
    Person,
    /// `合计 3000人`, `总计`, `共 3000 人`.
    Total,
    /// `制表人：…`, `注：…` under the table.
    Note,
    /// The template's example row, marked 示例.
    Example,
    /// The header again, as when several class lists were pasted one under another.
    RepeatedHeader,
}

const TOTAL_WORDS: &[&str] = &["合计", "总计", "小计", "共计", "总人数", "人数合计"];
const NOTE_WORDS: &[&str] = &[
    "制表",
    "填表",
    "审核",
    "负责人",
    "注:",
    "备注:",
    "说明:",
    "填报",
];

/// Marks the template's example row; no 学号 or name contains it.
pub const EXAMPLE_MARK: &str = "示例";

pub(crate) fn classify(cells: &[Cell], map: &HeaderMap) -> RowKind {
    let at = |c: Column| {
        map.position(c)
            .and_then(|p| cells.get(p))
            .unwrap_or(&Cell::Empty)
    };
    let (student_no_cell, name_cell) = (at(Column::StudentNo), at(Column::Name));
    let first_cell = cells.iter().find(|c| !c.is_blank()).unwrap_or(&Cell::Empty);
    if starts_with(student_no_cell, EXAMPLE_MARK) || starts_with(name_cell, EXAMPLE_MARK) {
        return RowKind::Example;
    }
    // Nearly every row starts with a 学号 or a 序号: decide those without allocating.
    if leads_with_digit(first_cell) {
        return RowKind::Person;
    }

    // `合  计` is spaced out to fill the cell; compacting undoes that.
    let first = compact(&first_cell.text());
    if TOTAL_WORDS.iter().any(|w| first.starts_with(w))
        || (first.starts_with('共') && first.ends_with('人'))
    {
        return RowKind::Total;
    }
    let (student_no, name) = (compact(&student_no_cell.text()), compact(&name_cell.text()));
    if Column::from_header(&student_no) == Some(Column::StudentNo)
        && Column::from_header(&name) == Some(Column::Name)
    {
        return RowKind::RepeatedHeader;
    }
    let looks_like_student_no =
        !student_no.is_empty() && student_no.bytes().all(|b| b.is_ascii_alphanumeric());
    if !looks_like_student_no && NOTE_WORDS.iter().any(|w| first.starts_with(w)) {
        return RowKind::Note;
    }
    RowKind::Person
}

fn starts_with(cell: &Cell, prefix: &str) -> bool {
    matches!(cell, Cell::Text(s) if s.trim_start().starts_with(prefix))
}

fn leads_with_digit(cell: &Cell) -> bool {
    match cell {
        Cell::Number(_) => true,
        Cell::Text(s) => s
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c)),
        _ => false,
    }
}

/// Longest 学号 this importer considers (StudentNo allows 20 characters).
const MAX_WIDTH: usize = 20;

/// The width and the most leading zeros seen among all-digit 学号 that kept their zeros, when
/// such 学号 are the majority of that width; shorter all-digit 学号 then lost theirs to Excel
/// (a number cell cannot hold `0122010114`). `None` when the column shows no zero-led scheme.
pub(crate) fn zero_pad_width(rows: &[Vec<Cell>], position: usize) -> Option<(usize, usize)> {
    let mut by_width = [0usize; MAX_WIDTH + 1];
    let mut zero_led = [0usize; MAX_WIDTH + 1];
    let mut max_zeros = [0usize; MAX_WIDTH + 1];
    for row in rows {
        let Some(cell) = row.get(position) else {
            continue;
        };
        let digits = student_no_digits(cell);
        let width = digits.len();
        if width == 0 || width > MAX_WIDTH || !digits.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        by_width[width] += 1;
        let zeros = digits.bytes().take_while(|b| *b == b'0').count();
        if zeros > 0 && zeros < width {
            zero_led[width] += 1;
            max_zeros[width] = max_zeros[width].max(zeros);
        }
    }
    let width = (1..=MAX_WIDTH).max_by_key(|w| (zero_led[*w], *w))?;
    (zero_led[width] > 0 && zero_led[width] * 2 >= by_width[width])
        .then_some((width, max_zeros[width]))
}

#[cfg(test)]
mod tests {
    use super::super::header::find_header;
    use super::*;

    fn row(cells: &[&str]) -> Vec<Cell> {
        cells.iter().map(|s| Cell::from(*s)).collect()
    }

    fn kind(cells: Vec<Cell>) -> RowKind {
        let map = find_header(&[row(&["学号", "姓名", "政治面貌"])]).unwrap();
        classify(&cells, &map)
    }

    #[test]
    fn totals_notes_examples_and_repeated_headers_are_not_people() {
        assert_eq!(kind(row(&["合计 3000人"])), RowKind::Total);
        assert_eq!(kind(row(&["", "共 31 人"])), RowKind::Total);
        assert_eq!(kind(row(&["合  计", "", "3000"])), RowKind::Total);
        assert_eq!(kind(row(&["制表人：王老师"])), RowKind::Note);
        assert_eq!(kind(row(&["注：1. 学号为 10 位数字"])), RowKind::Note);
        assert_eq!(
            kind(row(&["0121010101", "示例：张三", "共青团员"])),
            RowKind::Example
        );
        assert_eq!(
            kind(row(&["学号", "姓名", "政治面貌"])),
            RowKind::RepeatedHeader
        );
        assert_eq!(
            kind(row(&["0121010101", "张三", "共青团员"])),
            RowKind::Person
        );
    }

    #[test]
    fn a_person_row_starting_with_a_note_word_stays_a_person() {
        assert_eq!(kind(row(&["0121010101", "审核", "群众"])), RowKind::Person);
    }

    #[test]
    fn the_zero_led_width_is_found_when_most_of_that_width_keep_their_zero() {
        let rows = vec![
            vec![Cell::from("0122010101")],
            vec![Cell::from("0122010102")],
            vec![Cell::Number(122010103.0)],
        ];
        assert_eq!(zero_pad_width(&rows, 0), Some((10, 1)));
    }

    #[test]
    fn no_padding_where_no_number_starts_with_zero() {
        let rows = vec![
            vec![Cell::from("2021010101")],
            vec![Cell::Number(2021010102.0)],
            vec![Cell::from("姓名")],
        ];
        assert_eq!(zero_pad_width(&rows, 0), None);
    }
}
