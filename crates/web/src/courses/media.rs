//! Media of courses and of weekly lessons: storing an upload after its bytes have been checked,
//! and serving it with range requests (206 / 416) so that a phone can seek in a video.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use redbranch_db::ConnectionTrait;
use redbranch_db::courses::{self as dbcourses, Course, Media, NewMedia};
use redbranch_db::lessons as dblessons;
use redbranch_domain::courses::{
    LessonKind, MediaType, RangeAnswer, Visibility, answer_range, sniff_media,
};
use redbranch_domain::dossier::megabytes;
use redbranch_domain::error::FieldError;
use serde_json::json;

use super::author::ensure_author;
use super::{Viewer, open_course};
use crate::dossier::{Upload, clean_filename};
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::session::CurrentUser;
use crate::state::AppState;

/// Checks and stores the file of `up` as media of the course, with its audit entry (the sha256
/// names the file; its bytes never enter the log). Writes nothing on a refusal.
pub async fn store_media(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    course: &Course,
    up: &Upload,
    max: usize,
) -> AppResult<Media> {
    ensure_author(u, course)?;
    let owner = redbranch_domain::org::OrgPath::from_stored(course.owner_path.clone());
    let checked = checked_file(up, max, false)?;
    store_checked(
        c,
        u,
        (course.id, owner),
        checked,
        ("course_media_upload", "course", course.id),
    )
    .await
}

/// A file that passed the checks: its name as sent, type and bytes.
pub struct CheckedFile<'a> {
    name: &'a str,
    mtype: MediaType,
    bytes: &'a [u8],
}

/// The file of `up` if one was sent, within `max` bytes, of an accepted type (decided from the
/// bytes; only MP4/WebM when `video_only`). Refusals name the file field.
pub fn checked_file(up: &Upload, max: usize, video_only: bool) -> AppResult<CheckedFile<'_>> {
    let field = if video_only {
        "field.lesson_video_file"
    } else {
        "field.lesson_file"
    };
    let Some((name, bytes)) = &up.file else {
        return Err(FieldError::new(field, "error.required").into());
    };
    if up.too_large {
        return Err(FieldError::new(field, "courses.error.too_large")
            .with("mb", megabytes(max))
            .into());
    }
    match sniff_media(bytes) {
        Some(mtype) if !video_only || mtype.lesson_kind() == LessonKind::Video => {
            Ok(CheckedFile { name, mtype, bytes })
        }
        _ if video_only => {
            Err(FieldError::new("field.lesson_video_file", "lessons.error.not_video").into())
        }
        _ => Err(FieldError::new("field.lesson_file", "courses.error.file_type").into()),
    }
}

/// Stores a checked file in `course_media` under the course `holder` (chunked, ADR 0011) and
/// audits it as `action` on `(entity, id)`, in the caller's transaction.
pub async fn store_checked(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (holder, org): (i64, redbranch_domain::org::OrgPath),
    f: CheckedFile<'_>,
    (action, entity, id): (&str, &str, i64),
) -> AppResult<Media> {
    let filename = clean_filename(f.name);
    let m = dbcourses::add_media(
        c,
        u.tenant,
        NewMedia {
            course_id: holder,
            filename,
            content_type: f.mtype.content_type(),
            bytes: f.bytes.to_vec(),
            by: u.user_id,
        },
    )
    .await?;
    let after = json!({"media_id": m.id, "filename": m.filename, "content_type": m.content_type,
        "size_bytes": m.size_bytes, "sha256": m.sha256});
    let e = crate::audit::entry(u, action, entity, id, Some(org), None, Some(after));
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(m)
}

fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
}

/// `GET /media/{id}` (and `/api/v1/media/{id}`): the file to whoever may open its course, whole
/// or the one range asked for.
pub async fn serve_media(
    State(st): State<AppState>,
    Viewer(viewer): Viewer,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let m = dbcourses::media(&st.db.conn, parse_id(&raw)?).await?;
    // A weekly lesson's video is the lesson's to share; any other media its course's.
    let public = match dblessons::by_media(&st.db.conn, m.id).await? {
        Some((lesson, tenant)) => {
            crate::lessons::ensure_may_watch(&st, viewer.as_ref(), lesson, tenant).await?;
            false
        }
        None => {
            let (course, _) = open_course(&st, viewer.as_ref(), m.course_id).await?;
            course.status == dbcourses::PUBLISHED
                && Visibility::from_code(&course.visibility) == Some(Visibility::Public)
        }
    };
    let length = u64::try_from(m.size_bytes).unwrap_or(0);
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let answer = answer_range(range, length);
    let (status, first, last) = match answer {
        RangeAnswer::Unsatisfiable => {
            let mut res = Response::new(Body::empty());
            *res.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            res.headers_mut().insert(
                header::CONTENT_RANGE,
                header_value(&format!("bytes */{length}")),
            );
            return Ok(res);
        }
        RangeAnswer::Partial(r) => (StatusCode::PARTIAL_CONTENT, r.first, r.last),
        RangeAnswer::Whole if length == 0 => (StatusCode::OK, 1, 0),
        RangeAnswer::Whole => (StatusCode::OK, 0, length - 1),
    };
    let body = if first > last {
        Vec::new()
    } else {
        dbcourses::media_bytes(&st.db.conn, &m, first, last)
            .await
            .map_err(AppError::from)?
    };
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, header_value(&m.content_type));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::ETAG, header_value(&format!("\"{}\"", m.sha256)));
    if status == StatusCode::PARTIAL_CONTENT {
        h.insert(
            header::CONTENT_RANGE,
            header_value(&format!("bytes {first}-{last}/{length}")),
        );
    }
    // The stored type was sniffed on upload; the browser must not second-guess it.
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if public {
            "public, max-age=3600"
        } else {
            "private, max-age=3600"
        }),
    );
    Ok(res)
}
