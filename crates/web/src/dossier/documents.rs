//! Documents of a dossier: reading a multipart upload, storing a document after its bytes have
//! been checked, and sending it back as an attachment.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use redbranch_db::ConnectionTrait;
use redbranch_db::dossier::{self as dbdossier, DocumentMeta, NewDocument};
use redbranch_db::people::{Person, PersonId};
use redbranch_domain::dossier::{megabytes, sniff};
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::pipeline::{Material, Step};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{Access, person_for};
use crate::error::{AppError, AppResult};
use crate::members::PersonOrgs;
use crate::orgs::parse_id;
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// Longest filename kept, in characters (the rest of a longer name is cut, the extension kept
/// by the cut being at the front).
const MAX_FILENAME: usize = 120;

/// A multipart form: its text fields, and the file of the field `file` if one was chosen.
#[derive(Debug, Default)]
pub struct Upload {
    pub fields: HashMap<String, String>,
    /// Every text field in order, repeated names included (a multiple select, checkboxes).
    pub all: Vec<(String, String)>,
    /// Filename as sent, and the bytes (only up to the limit: see `too_large`).
    pub file: Option<(String, Vec<u8>)>,
    /// The file went past the limit; its bytes were not kept.
    pub too_large: bool,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", |s| s.trim())
    }
}

fn broken(_: axum::extract::multipart::MultipartError) -> AppError {
    AppError::BadRequest("upload_broken")
}

/// Reads a multipart form, keeping at most `max` bytes of the file. The rest of an oversize file
/// is read and dropped, so the client gets the refusal instead of a reset connection.
pub async fn read_upload(mut form: Multipart, max: usize) -> AppResult<Upload> {
    let mut up = Upload::default();
    while let Some(mut field) = form.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let filename = field.file_name().unwrap_or_default().to_string();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| AppError::TooLarge)? {
                if up.too_large || bytes.len() + chunk.len() > max {
                    up.too_large = true;
                    bytes = Vec::new();
                } else {
                    bytes.extend_from_slice(&chunk);
                }
            }
            // A form submitted without choosing a file sends an empty, nameless part.
            if !filename.is_empty() || !bytes.is_empty() || up.too_large {
                up.file = Some((filename, bytes));
            }
        } else {
            let text = field.text().await.map_err(broken)?;
            up.all.push((name.clone(), text.clone()));
            up.fields.insert(name, text);
        }
    }
    Ok(up)
}

/// The filename shown and offered on download: no directories, no control characters.
pub fn clean_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = base.chars().filter(|c| !c.is_control()).collect();
    let n = name.chars().count();
    let name: String = name.chars().skip(n.saturating_sub(MAX_FILENAME)).collect();
    if name.trim().is_empty() {
        "document".into()
    } else {
        name.trim().to_string()
    }
}

/// Checks and stores the file of `up` as a `kind` document of the person, with its audit entry
/// (the sha256 names the file; its bytes never enter the log). Writes nothing on a refusal.
pub async fn store_document(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (person, orgs, access): (&Person, &PersonOrgs, Access),
    up: &Upload,
    kind: Material,
    max: usize,
) -> AppResult<DocumentMeta> {
    access.ensure(access.may_upload(kind))?;
    let mut errs = FieldErrors::default();
    let step = match up.field("step") {
        "" => None,
        s => {
            let step = Step::from_code(s);
            if step.is_none() {
                errs.push(FieldError::new("field.document_step", "error.unknown_step"));
            }
            step
        }
    };
    let file = match &up.file {
        None => {
            errs.push(FieldError::new("field.document_file", "error.required"));
            None
        }
        Some(_) if up.too_large => {
            errs.push(
                FieldError::new("field.document_file", "dossier.error.too_large")
                    .with("mb", megabytes(max)),
            );
            None
        }
        Some((name, bytes)) => match sniff(bytes) {
            Some(t) => Some((name, bytes, t)),
            None => {
                errs.push(FieldError::new(
                    "field.document_file",
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
    let sha256 = hex::encode(Sha256::digest(bytes));
    let meta = dbdossier::add_document(
        c,
        u.tenant,
        PersonId(person.id),
        NewDocument {
            step,
            kind: kind.code().to_string(),
            filename: clean_filename(name),
            content_type: ftype.content_type(),
            sha256,
            content: bytes.clone(),
            by: u.user_id,
        },
    )
    .await?;
    let after = json!({
        "document_id": meta.id, "kind": meta.kind, "step": meta.step, "filename": meta.filename,
        "content_type": meta.content_type, "size_bytes": meta.size_bytes, "sha256": meta.sha256,
    });
    let org = orgs.party.as_ref().map(|o| o.org_path());
    let e = crate::audit::entry(
        u,
        "dossier_document",
        "person",
        person.id,
        org,
        None,
        Some(after),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(meta)
}

/// RFC 5987 `attr-char`: everything else in a `filename*` is percent-encoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment` with an ASCII fallback name for old clients and the real (often Chinese) name
/// as `filename*` (RFC 6266 section 4.3, RFC 5987).
pub(crate) fn disposition(filename: &str) -> HeaderValue {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = utf8_percent_encode(filename, ATTR_CHAR);
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// `GET /members/{id}/documents/{doc}` (and the same under `/api/v1`): the file, as an
/// attachment, to whoever may read the dossier.
pub async fn download_document(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path((raw, raw_doc)): Path<(String, String)>,
) -> AppResult<Response> {
    let (person, _, _) = person_for(&st, &u, &raw).await?;
    let doc_id = parse_id(&raw_doc)?;
    let doc = dbdossier::document(&st.db.conn, u.tenant, PersonId(person.id), doc_id).await?;
    Ok(attachment_response(
        doc.content,
        &doc.content_type,
        &doc.filename,
    ))
}

/// Stored bytes sent back as a download: the stored (sniffed) type, which the browser must not
/// second-guess, the name in RFC 6266 form, and never kept in a shared computer's cache.
pub fn attachment_response(content: Vec<u8>, content_type: &str, filename: &str) -> Response {
    let mut res = Response::new(Body::from(content));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_DISPOSITION, disposition(filename));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chinese_filename_is_offered_in_rfc_5987_form() {
        let v = disposition("入党申请书 2024.pdf");
        let s = v.to_str().unwrap_or_default();
        assert!(
            s.starts_with("attachment; filename=\"______2024.pdf\""),
            "{s}"
        );
        assert!(
            s.ends_with(
                "filename*=UTF-8''%E5%85%A5%E5%85%9A%E7%94%B3%E8%AF%B7%E4%B9%A6%202024.pdf"
            ),
            "{s}"
        );
    }

    #[test]
    fn a_filename_loses_its_directories_and_control_characters() {
        assert_eq!(clean_filename("C:\\Users\\张\\申请书.pdf"), "申请书.pdf");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("a\r\nb.pdf"), "ab.pdf");
        assert_eq!(clean_filename(""), "document");
    }
}
