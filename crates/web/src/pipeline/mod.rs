//! The 发展党员 pipeline on the web side: recording a step against the rules (shared by the API,
//! the pages and bulk actions) and the school's settings for it.

pub mod board;
pub mod due;
pub mod record;
pub mod show_pipeline;

pub use record::{RecordRequest, Recorded, record_step, settings};
pub use show_pipeline::{show_pipeline_page, submit_step};
