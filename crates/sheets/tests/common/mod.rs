//! Workbooks the integration tests build for themselves.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

const HEADERS: [&str; 5] = ["学号", "姓名", "身份证号", "政治面貌", "入团时间"];

/// A college-office workbook: merged title, header on row 2, a numeric 学号 and a date cell.
pub fn office_workbook() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("计科2101班")?;
    ws.merge_range(
        0,
        0,
        0,
        4,
        "计算机学院学生名单（2025年10月）",
        &Format::new().set_bold(),
    )?;
    for (c, h) in (0u16..).zip(HEADERS) {
        ws.write_string(1, c, h)?;
    }
    ws.write_string(2, 0, "0121010101")?;
    ws.write_string(2, 1, "张三")?;
    ws.write_string(2, 2, "42010620040501002X")?;
    ws.write_string(2, 3, "共青团员")?;
    let joined = ExcelDateTime::from_ymd(2019, 5, 4)?;
    ws.write_date_with_format(2, 4, &joined, &Format::new().set_num_format("yyyy-mm-dd"))?;
    ws.write_number(3, 0, 121010102.0)?;
    ws.write_string(3, 1, "李四")?;
    ws.write_string(3, 3, "团员")?;
    ws.write_number(3, 4, 43589.0)?;
    ws.write_string(5, 0, "合计 2人")?;
    let hidden = wb.add_worksheet();
    hidden.set_name("旧名单")?;
    hidden.write_string(0, 0, "学号")?;
    hidden.write_string(0, 1, "姓名")?;
    hidden.write_string(1, 0, "0121010101")?;
    hidden.set_hidden(true);
    wb.save_to_buffer()
}
