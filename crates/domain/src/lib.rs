//! RedBranch's domain: plain types and the rules that regulations impose on them.
//! Nothing here does I/O; every rule cites its source.

pub mod error;
pub mod text;
pub mod dates;
pub mod people;
pub mod org;
pub mod roster;
pub mod auth;
pub mod authz;
pub mod audit;
