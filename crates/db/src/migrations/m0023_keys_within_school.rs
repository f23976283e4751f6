//! On PostgreSQL, the rows a quiz hand-in writes name their person, account or question
//! together with their school, in one foreign key: `(tenant_id, person_id)` references
//! `people (tenant_id, id)` where there were two keys, one to `tenants` and one to `people`.
//!
//! PostgreSQL checks each foreign key of each inserted row with a query of its own, and in a
//! deadline burst those checks were a quarter of the database's CPU (docs/BENCHMARKS.md).
//! One key instead of two is one check instead of two, and it says more: a ledger row cannot
//! name a person of another school. SQLite checks keys in-process with an index probe, so
//! there the tables keep their keys; changing them would mean rebuilding the ledger table.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0023_keys_within_school"
    }
}

/// (table, column, referenced table): the keys merged with the row's `tenant_id`.
const MERGED: &[(&str, &str, &str)] = &[
    ("wrong_answers", "user_id", "users"),
    ("wrong_answers", "question_id", "questions"),
    ("points_ledger", "person_id", "people"),
    ("points_daily", "person_id", "people"),
    ("points_totals", "person_id", "people"),
];

/// The referenced tables, each given the unique `(tenant_id, id)` a composite key needs.
const REFERENCED: &[&str] = &["users", "questions", "people"];

/// The tables whose `tenant_id` key to `tenants` the merged keys replace.
const TENANT_KEYED: &[&str] = &[
    "wrong_answers",
    "points_ledger",
    "points_daily",
    "points_totals",
];

fn up() -> Vec<String> {
    let mut s: Vec<String> = REFERENCED
        .iter()
        .map(|t| format!("CREATE UNIQUE INDEX {t}_in_school ON {t} (tenant_id, id)"))
        .collect();
    for (table, column, parent) in MERGED {
        s.push(format!(
            "ALTER TABLE {table} DROP CONSTRAINT {table}_{column}_fkey, \
             ADD CONSTRAINT {table}_{column}_fkey FOREIGN KEY (tenant_id, {column}) \
             REFERENCES {parent} (tenant_id, id)"
        ));
    }
    for table in TENANT_KEYED {
        s.push(format!(
            "ALTER TABLE {table} DROP CONSTRAINT {table}_tenant_id_fkey"
        ));
    }
    s
}

fn down() -> Vec<String> {
    let mut s: Vec<String> = TENANT_KEYED
        .iter()
        .map(|t| {
            format!(
                "ALTER TABLE {t} ADD CONSTRAINT {t}_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id)"
            )
        })
        .collect();
    for (table, column, parent) in MERGED {
        s.push(format!(
            "ALTER TABLE {table} DROP CONSTRAINT {table}_{column}_fkey, \
             ADD CONSTRAINT {table}_{column}_fkey FOREIGN KEY ({column}) REFERENCES {parent} (id)"
        ));
    }
    s.extend(
        REFERENCED
            .iter()
            .map(|t| format!("DROP INDEX {t}_in_school")),
    );
    s
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        super::run_per_backend(manager, up, Vec::new).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        super::run_per_backend(manager, down, Vec::new).await
    }
}
