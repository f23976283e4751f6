//! Writing courses: create a course, add a lesson, publish or withdraw — each checked, then
//! written with its audit entry on the caller's transaction. Shared by the pages (form fields)
//! and the JSON API (the same names in a JSON body). Every function makes the authoring check
//! itself, visibly: `AuthorContent` on the org that owns the course.

use redbranch_db::ConnectionTrait;
use redbranch_db::courses::{self as dbcourses, Course, Lesson, NewCourse, NewLesson, PUBLISHED};
use redbranch_db::org::{self as dborg};
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::courses::{
    LessonKind, MAX_SUMMARY, MAX_TITLE, MediaType, Visibility, check_article, parse_line,
    parse_tags,
};
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::org::{OrgId, OrgPath};
use serde::Deserialize;
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;
use crate::state::AppState;

/// Longest topic, in characters.
const MAX_TOPIC: usize = 20;
/// Longest media length an author may give: a day.
const MAX_DURATION_SECS: u32 = 86_400;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct CourseInput {
    /// The org that owns the course (its authors are those with `AuthorContent` there).
    #[serde(default)]
    pub org_id: i64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// 专题, e.g. 党史学习教育.
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct LessonInput {
    #[serde(default)]
    pub title: String,
    /// A `LessonKind` code; empty: the kind of the media file.
    #[serde(default)]
    pub kind: String,
    /// The article (HTML or plain paragraphs).
    #[serde(default)]
    pub body: String,
    /// A media file uploaded to this course first.
    #[serde(default)]
    pub media_id: Option<i64>,
    /// Length of the audio or video in seconds, as the author states it.
    #[serde(default)]
    pub duration_secs: Option<u32>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct PublishInput {
    /// `public` or `orgs`.
    #[serde(default)]
    pub visibility: String,
    /// For `orgs`: the orgs whose subtrees may open the course.
    #[serde(default)]
    pub org_ids: Vec<i64>,
}

fn owner_path(course: &Course) -> OrgPath {
    OrgPath::from_stored(course.owner_path.clone())
}

/// The visible authoring check on a course.
pub fn ensure_author(u: &CurrentUser, course: &Course) -> AppResult<()> {
    if u.tenant.0 != course.tenant_id {
        return Err(AppError::NotFound);
    }
    u.grants
        .ensure(Permission::AuthorContent, &owner_path(course))?;
    Ok(())
}

fn audit_entry(
    u: &CurrentUser,
    action: &str,
    course: &Course,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> redbranch_db::audit::Entry {
    crate::audit::entry(
        u,
        action,
        "course",
        course.id,
        Some(owner_path(course)),
        before,
        Some(after),
    )
}

/// Creates a draft course owned by `input.org_id`.
pub async fn create_course(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    input: &CourseInput,
) -> AppResult<Course> {
    let mut errs = FieldErrors::default();
    let title = errs.take(parse_line(&input.title, "field.course_title", MAX_TITLE));
    let summary = input.summary.trim().to_string();
    if summary.chars().count() > MAX_SUMMARY {
        errs.push(
            FieldError::new("field.course_summary", "error.too_long").with("max", MAX_SUMMARY),
        );
    }
    let topic = match input.topic.trim() {
        "" => None,
        t => errs.take(parse_line(t, "field.course_topic", MAX_TOPIC)),
    };
    let tags = errs.take(parse_tags(&input.tags.join(",")));
    let org = match dborg::get(c, u.tenant, OrgId(input.org_id)).await {
        Ok(o) => Some(o),
        Err(redbranch_db::DbError::NotFound) => {
            errs.push(FieldError::new("field.course_org", "error.required"));
            None
        }
        Err(e) => return Err(e.into()),
    };
    errs.into_result()?;
    let (Some(title), Some(tags), Some(org)) = (title, tags, org) else {
        return Err(AppError::BadRequest("bad_request"));
    };
    u.grants
        .ensure(Permission::AuthorContent, &org.org_path())?;
    let course = dbcourses::create_course(
        c,
        u.tenant,
        NewCourse {
            owner_org_id: org.id,
            owner_path: org.org_path(),
            title,
            summary,
            topic,
            tags: tags.clone(),
            by: u.user_id,
        },
    )
    .await?;
    let after =
        json!({"title": course.title, "org_id": org.id, "topic": course.topic, "tags": tags});
    redbranch_db::audit::append(
        c,
        u.tenant,
        audit_entry(u, "course_create", &course, None, after),
    )
    .await?;
    Ok(course)
}

/// Adds a lesson at the end of the course: an article (checked and sanitised) or a media file
/// already uploaded to the course, whose sniffed type must fit the kind.
pub async fn add_lesson(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    course: &Course,
    input: &LessonInput,
) -> AppResult<Lesson> {
    ensure_author(u, course)?;
    let mut errs = FieldErrors::default();
    let title = errs.take(parse_line(&input.title, "field.lesson_title", MAX_TITLE));
    let media = match input.media_id {
        Some(id) => match dbcourses::media(c, id).await {
            Ok(m) if m.course_id == course.id => Some(m),
            Ok(_) | Err(redbranch_db::DbError::NotFound) => {
                errs.push(FieldError::new(
                    "field.lesson_file",
                    "courses.error.unknown_media",
                ));
                None
            }
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let media_kind = media
        .as_ref()
        .and_then(|m| MediaType::from_content_type(&m.content_type))
        .map(MediaType::lesson_kind);
    let kind = match input.kind.trim() {
        "" => media_kind,
        k => LessonKind::from_code(k),
    };
    let mut body = None;
    match kind {
        None => errs.push(FieldError::new("field.lesson_kind", "error.required")),
        Some(LessonKind::Article) => match check_article(&input.body) {
            Ok(html) => body = Some(html),
            Err(e) => errs.push(
                FieldError::new("field.lesson_body", e.code())
                    .with("kb", redbranch_domain::courses::MAX_ARTICLE_BYTES / 1024),
            ),
        },
        Some(k) => {
            if media.is_none() && input.media_id.is_none() {
                errs.push(FieldError::new("field.lesson_file", "error.required"));
            } else if media_kind.is_some_and(|m| m != k) {
                errs.push(FieldError::new(
                    "field.lesson_file",
                    "courses.error.media_kind",
                ));
            }
        }
    }
    if input
        .duration_secs
        .is_some_and(|d| d == 0 || d > MAX_DURATION_SECS)
    {
        errs.push(
            FieldError::new("field.lesson_duration", "courses.error.duration")
                .with("max", MAX_DURATION_SECS / 60),
        );
    }
    errs.into_result()?;
    let (Some(title), Some(kind)) = (title, kind) else {
        return Err(AppError::BadRequest("bad_request"));
    };
    let lesson = dbcourses::add_lesson(
        c,
        u.tenant,
        course.id,
        NewLesson {
            title,
            kind,
            body,
            media_id: if kind == LessonKind::Article {
                None
            } else {
                media.map(|m| m.id)
            },
            duration_secs: input.duration_secs,
            by: u.user_id,
        },
    )
    .await?;
    let after = json!({"lesson_id": lesson.id, "title": lesson.title, "kind": lesson.kind,
        "media_id": lesson.media_id, "published": course.status == PUBLISHED});
    redbranch_db::audit::append(
        c,
        u.tenant,
        audit_entry(u, "lesson_add", course, None, after),
    )
    .await?;
    Ok(lesson)
}

/// Publishes a course to everyone (school-level authors only) or to org subtrees the author
/// covers. A course without lessons is not published.
pub async fn publish_course(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    course: &Course,
    input: &PublishInput,
) -> AppResult<()> {
    ensure_author(u, course)?;
    let visibility = Visibility::from_code(input.visibility.trim())
        .ok_or_else(|| FieldError::new("field.course_visibility", "error.required"))?;
    if dbcourses::lessons_of(c, u.tenant, course.id)
        .await?
        .is_empty()
    {
        return Err(FieldError::new("field.course_visibility", "courses.error.no_lessons").into());
    }
    let mut audience: Vec<i64> = Vec::new();
    match visibility {
        Visibility::Public => {
            // The school's public face is the school's to publish, not a branch's.
            let roots = dborg::roots(c, u.tenant).await?;
            let school_level = roots
                .iter()
                .any(|r| u.grants.allows(Permission::AuthorContent, &r.org_path()));
            if !school_level {
                return Err(Forbidden(Permission::AuthorContent).into());
            }
        }
        Visibility::Orgs => {
            let mut ids = input.org_ids.clone();
            ids.sort_unstable();
            ids.dedup();
            let orgs = dborg::by_ids(c, u.tenant, &ids).await?;
            if ids.is_empty() || orgs.len() != ids.len() {
                return Err(FieldError::new("field.course_audience", "error.required").into());
            }
            for o in &orgs {
                u.grants.ensure(Permission::AuthorContent, &o.org_path())?;
            }
            audience = ids;
        }
    }
    let before = json!({"status": course.status, "visibility": course.visibility,
        "audience": dbcourses::audience_of(c, course.id).await?});
    dbcourses::publish(
        c,
        u.tenant,
        course.id,
        (visibility, &audience),
        u.user_id,
        st.clock.now(),
    )
    .await?;
    let after = json!({"status": PUBLISHED, "visibility": visibility.code(), "audience": audience});
    redbranch_db::audit::append(
        c,
        u.tenant,
        audit_entry(u, "course_publish", course, Some(before), after),
    )
    .await?;
    Ok(())
}

/// Takes a published course back to draft (audited).
pub async fn withdraw_course(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    course: &Course,
) -> AppResult<()> {
    ensure_author(u, course)?;
    dbcourses::withdraw(c, u.tenant, course.id).await?;
    let before = json!({"status": course.status, "visibility": course.visibility});
    redbranch_db::audit::append(
        c,
        u.tenant,
        audit_entry(
            u,
            "course_withdraw",
            course,
            Some(before),
            json!({"status": "draft"}),
        ),
    )
    .await?;
    Ok(())
}
