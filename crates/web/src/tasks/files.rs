//! What the task and notice forms share: a refused form's typed values and messages, files
//! attached to a result or a notice (checked like dossier documents, stored in the database),
//! and sending a file back.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use redbranch_db::ConnectionTrait;
use redbranch_db::tasks::{self as dbtasks, Attachment, NewAttachment};
use redbranch_domain::dossier::{megabytes, sniff};
use redbranch_domain::error::{FieldError, FieldErrors};
use sha2::{Digest, Sha256};

use super::task_for;
use crate::dossier::{Upload, attachment_response, clean_filename};
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::Ctx;
use crate::render::field_message;
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// A refused form: what was typed, and the message under each field (by field key).
#[derive(Debug, Default, Clone)]
pub struct FormState {
    pub values: HashMap<String, String>,
    pub multi: Vec<(String, String)>,
    pub errors: HashMap<&'static str, String>,
}

impl FormState {
    pub fn from_errors(ctx: &Ctx, values: HashMap<String, String>, errs: &FieldErrors) -> Self {
        let mut s = Self {
            values,
            ..Self::default()
        };
        for e in &errs.0 {
            s.errors.insert(e.field, field_message(ctx.locale, e));
        }
        s
    }

    /// What was typed into `name`, or "".
    pub fn v(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    /// Whether `value` was among the values sent for `name` (a multiple select, checkboxes).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.multi.iter().any(|(k, v)| k == name && v == value)
    }

    /// The message under `field` (a `field.*` key), or "".
    pub fn e(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }

    pub fn any(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// Checks the file of `up` (type from its bytes, size within `max`) without storing it: the
/// field error to report, or the checked file. `None` when no file was chosen.
pub fn check_file<'a>(
    up: &'a Upload,
    field: &'static str,
    max: usize,
    errs: &mut FieldErrors,
) -> Option<(&'a str, &'a [u8], &'static str)> {
    let (name, bytes) = up.file.as_ref()?;
    if up.too_large {
        errs.push(FieldError::new(field, "tasks.error.too_large").with("mb", megabytes(max)));
        return None;
    }
    match sniff(bytes) {
        Some(t) => Some((name.as_str(), bytes.as_slice(), t.content_type())),
        None => {
            errs.push(FieldError::new(field, "dossier.error.file_type"));
            None
        }
    }
}

/// Stores a checked file for `owner` (`task_result`, `notice`).
pub async fn store_attachment(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (owner, owner_id): (&'static str, i64),
    (name, bytes, content_type): (&str, &[u8], &'static str),
) -> AppResult<Attachment> {
    Ok(dbtasks::add_attachment(
        c,
        u.tenant,
        NewAttachment {
            owner,
            owner_id,
            filename: clean_filename(name),
            content_type,
            sha256: hex::encode(Sha256::digest(bytes)),
            content: bytes.to_vec(),
            by: u.user_id,
        },
    )
    .await?)
}

/// The file as an attachment (see [`attachment_response`]).
pub fn file_response(a: Attachment) -> Response {
    attachment_response(a.content, &a.content_type, &a.filename)
}

/// `GET /tasks/{id}/files/{file}` (and under `/api/v1`): a file of one of the task's results, to
/// whoever may see the task.
pub async fn download_file(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path((raw, raw_file)): Path<(String, String)>,
) -> AppResult<Response> {
    let (task, _, _) = task_for(&st, &u, &raw).await?;
    let file = parse_id(&raw_file)?;
    let results: Vec<i64> = dbtasks::results_of(&st.db.conn, u.tenant, task.id)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let a = dbtasks::attachment(&st.db.conn, u.tenant, ("task_result", &results), file)
        .await
        .map_err(AppError::from)?;
    Ok(file_response(a))
}
