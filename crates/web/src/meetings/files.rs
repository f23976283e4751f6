//! Photos and attachments of a meeting: uploaded by whoever runs it (type decided from the
//! bytes, size within the school's limit), downloaded by whoever may read the meeting.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use redbranch_db::ConnectionTrait;
use redbranch_db::meetings::{self as dbm, FileMeta, NewFile};
use redbranch_domain::dossier::{FileType, megabytes, sniff};
use redbranch_domain::error::{FieldError, FieldErrors};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{Loaded, meeting_for};
use crate::dossier::{Upload, clean_filename, disposition};
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// The largest file the school accepts now, capped by the server's upload limit.
pub async fn max_file_bytes(st: &AppState, u: &CurrentUser) -> AppResult<usize> {
    Ok(super::settings(&st.db.conn, u.tenant)
        .await?
        .max_file_bytes
        .min(st.settings.max_upload_bytes))
}

/// Checks and stores the file of `up` with its audit entry; writes nothing on a refusal.
pub async fn store_file(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
    up: &Upload,
    max: usize,
) -> AppResult<FileMeta> {
    l.access.ensure_manage()?;
    let mut errs = FieldErrors::default();
    let file = match &up.file {
        None => {
            errs.push(FieldError::new("field.meeting_file", "error.required"));
            None
        }
        Some(_) if up.too_large => {
            errs.push(
                FieldError::new("field.meeting_file", "dossier.error.too_large")
                    .with("mb", megabytes(max)),
            );
            None
        }
        Some((name, bytes)) => match sniff(bytes) {
            Some(t) => Some((name, bytes, t)),
            None => {
                errs.push(FieldError::new(
                    "field.meeting_file",
                    "dossier.error.file_type",
                ));
                None
            }
        },
    };
    errs.into_result()?;
    let Some((name, bytes, ftype)) = file else {
        return Err(AppError::BadRequest("upload_broken"));
    };
    let kind = match ftype {
        FileType::Jpeg | FileType::Png => "photo",
        FileType::Pdf | FileType::Docx => "attachment",
    };
    let meta = dbm::add_file(
        c,
        u.tenant,
        l.meeting.id,
        NewFile {
            kind,
            filename: clean_filename(name),
            content_type: ftype.content_type(),
            sha256: hex::encode(Sha256::digest(bytes)),
            content: bytes.clone(),
            by: u.user_id,
        },
    )
    .await?;
    let after = json!({"file_id": meta.id, "kind": meta.kind, "filename": meta.filename,
        "content_type": meta.content_type, "size_bytes": meta.size_bytes, "sha256": meta.sha256});
    super::write::audit(c, u, l, "meeting_file", None, after).await?;
    Ok(meta)
}

/// `GET /meetings/{id}/files/{file}` (and under `/api/v1`): the file, as an attachment.
pub async fn download_file(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path((raw, raw_file)): Path<(String, String)>,
) -> AppResult<Response> {
    let l = meeting_for(&st, &u, &raw).await?;
    let id = parse_id(&raw_file)?;
    let f = dbm::file(&st.db.conn, u.tenant, l.meeting.id, id).await?;
    let mut res = Response::new(Body::from(f.content));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&f.content_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_DISPOSITION, disposition(&f.filename));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}
