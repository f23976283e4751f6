//! `GET /learn/lessons/{id}`: one lesson — the article, or the image, audio, video or document —
//! with the heartbeat script when a signed-in member studies a published course.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use redbranch_db::courses::{self as dbcourses, Lesson, PUBLISHED, Progress};
use redbranch_db::people::PersonId;
use redbranch_db::tenants::TenantId;
use redbranch_domain::courses::{LessonKind, required_seconds};
use serde::Serialize;

use super::{Viewer, open_course, settings};
use crate::assets;
use crate::error::AppResult;
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::session::CurrentUser;
use crate::state::AppState;

/// A media file as a lesson shows it.
#[derive(Debug, Clone, Serialize)]
pub struct MediaRef {
    pub id: i64,
    pub url: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// A lesson with its media and the viewer's progress (the page and the API).
#[derive(Debug, Clone, Serialize)]
pub struct LessonView {
    pub id: i64,
    pub course_id: i64,
    pub course_title: String,
    pub position: i32,
    pub title: String,
    pub kind: String,
    /// Sanitised HTML of an article.
    pub body: Option<String>,
    pub media: Option<MediaRef>,
    pub duration_secs: Option<i32>,
    /// Seconds that complete the lesson (none: an image or document, not timed).
    pub required_seconds: Option<u32>,
    pub progress: Progress,
    /// Whether heartbeats count here: a signed-in person, a published course, a timed lesson.
    pub studied: bool,
    pub heartbeat_secs: u32,
    pub prev_id: Option<i64>,
    pub next_id: Option<i64>,
}

/// The lesson `id` for the viewer, refused as its course is.
pub async fn load(st: &AppState, viewer: Option<&CurrentUser>, id: i64) -> AppResult<LessonView> {
    let c = &st.db.conn;
    let lesson: Lesson = dbcourses::lesson_anywhere(c, id).await?;
    let (course, _) = open_course(st, viewer, lesson.course_id).await?;
    let tenant = TenantId(course.tenant_id);
    let s = settings(st, tenant).await?;
    let siblings = dbcourses::lessons_of(c, tenant, course.id).await?;
    let at = siblings.iter().position(|l| l.id == lesson.id);
    let prev_id = at
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| siblings.get(i))
        .map(|l| l.id);
    let next_id = at.and_then(|i| siblings.get(i + 1)).map(|l| l.id);
    let media = match lesson.media_id {
        Some(mid) => {
            let m = dbcourses::media(c, mid).await?;
            Some(MediaRef {
                id: m.id,
                url: format!("/media/{}", m.id),
                filename: m.filename,
                content_type: m.content_type,
                size_bytes: m.size_bytes,
            })
        }
        None => None,
    };
    let kind = LessonKind::from_code(&lesson.kind);
    let duration = lesson.duration_secs.and_then(|d| u32::try_from(d).ok());
    let person = viewer
        .filter(|u| u.tenant == tenant)
        .and_then(|u| u.person_id)
        .map(PersonId);
    let progress = match person {
        Some(p) => dbcourses::progress(c, tenant, p, &[lesson.id])
            .await?
            .remove(&lesson.id)
            .unwrap_or_default(),
        None => Progress::default(),
    };
    Ok(LessonView {
        id: lesson.id,
        course_id: course.id,
        course_title: course.title,
        position: lesson.position,
        title: lesson.title,
        body: lesson.body,
        media,
        duration_secs: lesson.duration_secs,
        required_seconds: kind.and_then(|k| required_seconds(k, duration, &s)),
        progress,
        studied: person.is_some()
            && course.status == PUBLISHED
            && kind.is_some_and(LessonKind::is_timed),
        heartbeat_secs: s.heartbeat_secs,
        kind: lesson.kind,
        prev_id,
        next_id,
    })
}

#[derive(Template)]
#[template(path = "courses/lesson.html")]
struct LessonPage {
    page: Page,
    l: LessonView,
    study_js: String,
}

impl LessonPage {
    fn is(&self, kind: &str) -> bool {
        self.l.kind == kind
    }
}

pub async fn show_lesson(
    State(st): State<AppState>,
    ctx: Ctx,
    Viewer(viewer): Viewer,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let l = load(&st, viewer.as_ref(), parse_id(&raw)?).await?;
    let mut page = ctx.page_titled(l.title.clone());
    page.back = Some(format!("/learn/courses/{}", l.course_id));
    render(&LessonPage {
        page,
        l,
        study_js: assets::url("study.js"),
    })
}
