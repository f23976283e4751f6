//! Database layer: one SeaORM codebase and one migration set for SQLite and PostgreSQL.
//!
//! Modules carry the same names as in `redbranch-domain` and `redbranch-web`: `org`, `people`,
//! `auth`, `audit`, `import`, `pipeline`, `tenants`. Each owns its tables' entities and its query functions.
//! Every query that lists personal data takes a [`authz::Scope`](redbranch_domain::authz::Scope)
//! and filters by it in SQL.

pub mod appraisal;
pub mod audit;
pub mod auth;
mod batch;
pub mod courses;
pub mod crypto;
pub mod discipline;
pub mod dossier;
pub mod elections;
pub mod error;
pub mod exams;
pub mod import;
pub mod league;
pub mod lessons;
pub mod links;
pub mod mall;
pub mod matches;
pub mod meetings;
pub mod migrations;
pub mod notices;
pub mod org;
pub mod people;
pub mod pipeline;
pub mod points;
pub mod questions;
pub mod quiz;
pub mod tasks;
pub mod tenants;

use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use sea_orm_migration::MigratorTrait;

pub use error::DbError;
pub use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, TransactionTrait};

/// How much of a SQLite file is memory-mapped (256 MiB: a 100 k-member school is about 70 MiB).
const SQLITE_MMAP_BYTES: u64 = 256 * 1024 * 1024;

/// SQLite's per-connection page cache in KiB: its default (2 MiB), restated so that a bulk
/// operation that enlarges it for a while can put it back.
pub(crate) const SQLITE_CACHE_KIB: u32 = 2000;

/// A handle on the database, cheap to clone (it wraps a connection pool).
#[derive(Clone, Debug)]
pub struct Db {
    pub conn: DatabaseConnection,
}

impl Db {
    /// Connects to a `sqlite://…` or `postgres://…` URL.
    ///
    /// SQLite gets WAL (readers never block the writer), foreign keys on and a busy timeout so
    /// concurrent writers wait instead of failing. Its file is memory-mapped: every pooled
    /// connection then reads pages from the one shared OS page cache instead of through a
    /// `read()` per page into its own small cache, which made a list page six times slower.
    /// Temporary tables and indices (sorts, statement journals) stay in memory rather than in
    /// files created and deleted per statement.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, DbError> {
        let mut opts = ConnectOptions::new(url.to_string());
        opts.max_connections(max_connections)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        if url.starts_with("sqlite:") {
            opts.map_sqlx_sqlite_opts(|o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string())
                    .pragma("temp_store", "memory")
                    .create_if_missing(true)
            });
        }
        let conn = Database::connect(opts).await?;
        Ok(Self { conn })
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), DbError> {
        migrations::Migrator::up(&self.conn, None).await?;
        Ok(())
    }

    /// Refreshes the planner's statistics after a bulk load (a roster import, `generate`).
    ///
    /// PostgreSQL plans the member list from them: on a freshly loaded, unanalysed table it
    /// guessed 300 people in a school of 100 k and chose plans hundreds of times slower until
    /// autovacuum caught up. SQLite keeps none (its plans are steered in the queries), so this
    /// does nothing there.
    pub async fn refresh_statistics(&self) -> Result<(), DbError> {
        if self.backend() == DbBackend::Postgres {
            self.conn
                .execute_unprepared("ANALYZE people, memberships, orgs, audit_log")
                .await?;
        }
        Ok(())
    }

    /// A trivial round trip, for `/readyz`.
    pub async fn ping(&self) -> Result<(), DbError> {
        self.conn.ping().await?;
        Ok(())
    }

    /// Copies a consistent snapshot of a SQLite database to `dest` while the server runs.
    pub async fn backup_sqlite(&self, dest: &str) -> Result<(), DbError> {
        if self.backend() != DbBackend::Sqlite {
            return Err(DbError::Unsupported("backup_postgres"));
        }
        let stmt = sea_orm::Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "VACUUM INTO ?",
            [dest.into()],
        );
        self.conn.execute_raw(stmt).await?;
        Ok(())
    }
}
