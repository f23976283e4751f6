//! The one error type of the web layer and its mapping to HTTP.
//!
//! Handlers return `AppError`; its `IntoResponse` only records *what* went wrong (status and a
//! stable snake_case code) in the response's extensions. The `render_errors` middleware then
//! renders it for the request it belongs to: JSON for `/api`, an HTML page otherwise, in the
//! caller's language. Unexpected errors become a bare 500; their detail goes only to the log.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use redbranch_db::DbError;
use redbranch_domain::authz::Forbidden;
use redbranch_domain::error::{FieldError, FieldErrors};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthenticated,
    /// A login and password (or code) that do not match, for the API; the pages say it inline.
    #[error("bad credentials")]
    BadCredentials,
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// A request that is wrong as a whole; the code is a catalogue key under `error.`.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("too many requests")]
    TooManyRequests,
    #[error("payload too large")]
    TooLarge,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(e.into())
    }
}

/// Beginning or committing a transaction: `txn.commit().await?` in a handler.
impl From<redbranch_db::DbErr> for AppError {
    fn from(e: redbranch_db::DbErr) -> Self {
        DbError::from(e).into()
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::NotFound,
            DbError::Duplicate(_) => AppError::Conflict("duplicate"),
            DbError::Conflict(code) => AppError::Conflict(code),
            other => AppError::Internal(other.into()),
        }
    }
}

/// What `render_errors` needs to render an error.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    /// Stable snake_case code, also the catalogue key `error.<code>`.
    pub code: &'static str,
    pub fields: Vec<FieldError>,
}

impl AppError {
    pub fn info(&self) -> ErrorInfo {
        let (status, code, fields) = match self {
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found", vec![]),
            AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated", vec![]),
            AppError::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials", vec![]),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", vec![]),
            AppError::Invalid(e) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.0.clone()),
            AppError::BadRequest(c) => (StatusCode::BAD_REQUEST, *c, vec![]),
            AppError::Conflict(c) => (StatusCode::CONFLICT, *c, vec![]),
            AppError::TooManyRequests => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_requests", vec![])
            }
            AppError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large", vec![]),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", vec![]),
        };
        ErrorInfo {
            status,
            code,
            fields,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "internal error");
        }
        let info = self.info();
        let mut res = info.status.into_response();
        res.extensions_mut().insert(info);
        res
    }
}

pub type AppResult<T> = Result<T, AppError>;
