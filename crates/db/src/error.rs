//! Errors of the database layer.

use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the payload names the constraint or column.
    #[error("duplicate: {0}")]
    Duplicate(String),
    /// The row changed or the operation makes no sense in the current state.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("not supported on this backend: {0}")]
    Unsupported(&'static str),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Db(DbErr),
}

impl From<DbErr> for DbError {
    fn from(e: DbErr) -> Self {
        match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(msg)) => DbError::Duplicate(msg),
            _ => DbError::Db(e),
        }
    }
}

impl From<sea_orm::TransactionError<DbError>> for DbError {
    fn from(e: sea_orm::TransactionError<DbError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(c) => c.into(),
            sea_orm::TransactionError::Transaction(t) => t,
        }
    }
}
