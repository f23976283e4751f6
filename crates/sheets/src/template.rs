//! The downloadable roster template: the import's columns, one example row marked 示例 (which
//! the importer skips), text-formatted number columns, drop-downs, and a sheet of instructions.
//!
//! The text is Chinese on purpose: the headers are the import contract and the file goes to
//! Chinese college offices, so it is content, not interface.

use chrono::NaiveDate;
use redbranch_domain::roster::{Cell, Column, EXAMPLE_MARK, TEMPLATE_HEADERS};
use rust_xlsxwriter::{DataValidation, Format, Note, Workbook, XlsxError};

use crate::error::SheetError;
use crate::write::{Formats, Widths, col, finish_table, write_header, write_row};

/// Rows that carry the drop-downs: more than any college lists in one file.
const TEMPLATE_ROWS: u32 = 5000;

const GENDERS: &[&str] = &["男", "女"];
const STATUSES: &[&str] = &[
    "群众",
    "共青团员",
    "入党申请人",
    "入党积极分子",
    "发展对象",
    "中共预备党员",
    "中共党员",
];

/// What to write in each column, in template order.
const GUIDE: [(&str, &str); 20] = [
    (
        "必填",
        "学号（教职工填工号），4–20 位字母或数字。本列已设为文本格式，开头的 0 会保留",
    ),
    ("必填", "与身份证上一致"),
    ("选填", "男 或 女；不填时按身份证号识别"),
    ("选填", "如：汉族"),
    (
        "选填",
        "如 2004-05-01，也可写 2004.5.1 或 2004年5月1日；不填时按身份证号识别",
    ),
    (
        "选填",
        "18 位，末位可以是 X。本列已设为文本格式，请勿改成数字，否则后几位会丢失",
    ),
    ("选填", "11 位手机号"),
    ("选填", "学院全称"),
    ("选填", "专业全称"),
    ("选填", "如：2021"),
    ("选填", "如：计科2101班"),
    (
        "必填",
        "群众、共青团员、入党申请人、入党积极分子、发展对象、中共预备党员、中共党员 之一",
    ),
    ("选填", "日期，写法同出生日期"),
    (
        "选填",
        "日期。申请入党、确定积极分子、确定发展对象、入党、转正的时间须依次不早于前一项",
    ),
    ("选填", "日期"),
    ("选填", "日期"),
    ("选填", "日期（成为预备党员的时间）"),
    ("选填", "日期"),
    ("选填", "团支部全称，如：计科2101班团支部"),
    ("选填", "党支部全称"),
];

/// `.xlsx` bytes of the roster template.
pub fn roster_template() -> Result<Vec<u8>, SheetError> {
    let mut workbook = Workbook::new();
    write_roster_sheet(&mut workbook)?;
    write_guide_sheet(&mut workbook)?;
    Ok(workbook.save_to_buffer()?)
}

fn write_roster_sheet(workbook: &mut Workbook) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("花名册")?;
    let formats = Formats::new();
    // Typed-in 学号 and 身份证号 must stay text, and dates must look like dates, on every row
    // the secretary fills in, not only on the example.
    for c in Column::ALL {
        let format = match c {
            Column::StudentNo | Column::IdCard | Column::Phone => Some(&formats.text),
            c if c.is_date() => Some(&formats.date),
            _ => None,
        };
        if let Some(f) = format {
            sheet.set_column_format(col(c.index())?, f)?;
        }
    }
    write_header(sheet, TEMPLATE_HEADERS, &formats.header)?;
    let required = formats.header.clone().set_font_color(0xC00000);
    for c in Column::REQUIRED {
        sheet.write_string_with_format(0, col(c.index())?, c.header(), &required)?;
        sheet.insert_note(
            0,
            col(c.index())?,
            &Note::new("必填").set_author("RedBranch"),
        )?;
    }
    let mut widths = Widths::of_headers(TEMPLATE_HEADERS);
    sheet.set_row_format(1, &Format::new().set_italic().set_font_color(0x808080))?;
    write_row(sheet, 1, &example_row(), &formats, &mut widths)?;
    let example_note =
        Note::new("这一行是填写示例，导入时会自动跳过，也可以直接删除。").set_author("RedBranch");
    sheet.insert_note(1, col(Column::Name.index())?, &example_note)?;

    for (c, list) in [
        (Column::Gender, GENDERS),
        (Column::PoliticalStatus, STATUSES),
    ] {
        let validation = DataValidation::new().allow_list_strings(list)?;
        sheet.add_data_validation(
            1,
            col(c.index())?,
            TEMPLATE_ROWS,
            col(c.index())?,
            &validation,
        )?;
    }
    finish_table(sheet, TEMPLATE_HEADERS.len(), 1, &widths)
}

/// A complete, valid person whose name carries the 示例 mark.
fn example_row() -> Vec<Cell> {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).map_or(Cell::Empty, Cell::Date);
    vec![
        Cell::from("0121010101"),
        Cell::from(format!("{EXAMPLE_MARK}：张三")),
        Cell::from("女"),
        Cell::from("汉族"),
        date(2004, 5, 1),
        // A valid GB 11643 number for a woman born 2004-05-01 (check character X).
        Cell::from("42010620040501002X"),
        Cell::from("13912345678"),
        Cell::from("计算机学院"),
        Cell::from("计算机科学与技术"),
        Cell::Number(2021.0),
        Cell::from("计科2101班"),
        Cell::from("共青团员"),
        date(2019, 5, 4),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::from("计科2101班团支部"),
        Cell::Empty,
    ]
}

fn write_guide_sheet(workbook: &mut Workbook) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("填写说明")?;
    let formats = Formats::new();
    let headers = ["列名", "是否必填", "填写要求"];
    write_header(sheet, &headers, &formats.header)?;
    let mut widths = Widths::of_headers(&headers);
    let mut row = 0;
    for (header, (required, guide)) in TEMPLATE_HEADERS.iter().zip(GUIDE) {
        row += 1;
        write_row(
            sheet,
            row,
            &[Cell::from(*header), Cell::from(required), Cell::from(guide)],
            &formats,
            &mut widths,
        )?;
    }
    let closing = [
        Cell::from("第 2 行"),
        Cell::Empty,
        Cell::from(
            "“花名册”表第 2 行是示例，导入时自动跳过。表头上方可以有标题行，列的顺序可以调整",
        ),
    ];
    write_row(sheet, row + 1, &closing, &formats, &mut widths)?;
    finish_table(sheet, headers.len(), row + 1, &widths)
}
