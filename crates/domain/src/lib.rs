//! RedBranch's domain: plain types and the rules that regulations impose on them.
//! Nothing here does I/O; every rule cites its source.

pub mod appraisal;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod courses;
pub mod dates;
pub mod discipline;
pub mod dossier;
pub mod elections;
pub mod error;
pub mod org;
pub mod people;
#[macro_use]
pub mod pipeline;
pub mod exams;
pub mod league;
pub mod lessons;
pub mod links;
pub mod mall;
pub mod matches;
pub mod meetings;
pub mod notices;
pub mod points;
pub mod questions;
pub mod quiz;
pub mod roster;
pub mod tasks;
pub mod text;
