//! Spreadsheet files in and out: `.xlsx`, `.xls` and `.csv` become the importer's cell grid
//! ([`Sheet`]), and tables become `.xlsx` files that keep 学号 and 身份证号 as text.
//!
//! No business rules live here: what a cell means is decided in `redbranch_domain::roster`.

mod biff_guard;
mod error;
mod limits;
mod read;
mod template;
mod text;
mod write;
mod xls_guard;
mod xlsx;

pub use error::SheetError;
pub use limits::{MAX_COLUMNS, MAX_GRID_CELLS, MAX_ROWS, MAX_UNZIPPED_BYTES};
pub use read::read_workbook;
pub use redbranch_domain::roster::{Cell, Sheet};
pub use template::roster_template;
pub use write::write_xlsx;
