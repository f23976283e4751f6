//! Database layer: one SeaORM codebase for SQLite and PostgreSQL.
