//! The 发展党员 pipeline on the web side: recording a step against the rules (shared by the API,
//! the pages and bulk actions), the record page, the board, the daily deadline job, and the
//! documents in and out (Excel export, printable forms, import, bulk actions).

pub mod board;
pub mod bulk;
pub mod bulk_page;
pub mod due;
pub mod export;
pub mod forms;
pub mod import;
pub mod import_pages;
pub mod io_routes;
pub mod record;
pub mod show_pipeline;

pub use record::{RecordRequest, Recorded, record_step, settings};
pub use show_pipeline::{show_pipeline_page, submit_step};
