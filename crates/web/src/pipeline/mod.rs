//! The 发展党员 pipeline on the web side: recording a step against the rules (shared by the API,
//! the pages and bulk actions) and the school's settings for it.

pub mod record;

pub use record::{RecordRequest, Recorded, record_step, settings};
pub mod bulk;
pub mod bulk_page;
pub mod export;
pub mod forms;
pub mod import;
pub mod import_pages;
pub mod io_routes;
