//! On PostgreSQL, room on each page of `quiz_attempts` for the rounds on it to be handed in.
//!
//! A round is written when started and again when handed in, then about twice as large (its
//! answers: 464 and 976 bytes for the burst benchmark's rounds of five questions). Packed full,
//! the handed-in version could not stay on its page, so each hand-in added an entry to every
//! index of the table and left a dead row for vacuum; PostgreSQL then spent time clearing the
//! duplicate entries out of the index pages (docs/BENCHMARKS.md, issue #5). With half of each
//! page left free, the room the rounds on it will take anyway, three hand-ins in four stay on
//! their page (a "HOT" update) in the burst benchmark, against one in four with 30 % free.
//! Only pages written from now on get the room. SQLite has no such setting and rewrites the
//! row in place.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0024_room_for_updates"
    }
}

/// (table, percent of each page filled by inserts).
const FILL: &[(&str, u8)] = &[("quiz_attempts", 50)];

fn set() -> Vec<String> {
    FILL.iter()
        .map(|(t, f)| format!("ALTER TABLE {t} SET (fillfactor = {f})"))
        .collect()
}

fn reset() -> Vec<String> {
    FILL.iter()
        .map(|(t, _)| format!("ALTER TABLE {t} RESET (fillfactor)"))
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        super::run_per_backend(manager, set, Vec::new).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        super::run_per_backend(manager, reset, Vec::new).await
    }
}
