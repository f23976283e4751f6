//! The plain-form POSTs behind the course pages, and the new-course page. A write that succeeds
//! redirects with a flash; a refused one re-renders the page with the messages and what was typed.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::courses as dbcourses;
use redbranch_db::org as dborg;
use redbranch_domain::authz::{Forbidden, Permission};

use super::author::{CourseInput, LessonInput, PublishInput, ensure_author};
use super::show_course::{Failed, render_course};
use super::{
    Access, add_lesson, create_course, publish_course, settings, store_media, withdraw_course,
};
use crate::dossier::read_upload;
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::render::field_message;
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// A urlencoded body as (name, value) pairs, keeping repeated names (checkbox lists).
fn pairs(body: &Bytes) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

fn one(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

fn failed_from(
    ctx: &Ctx,
    form: &'static str,
    values: HashMap<String, String>,
    e: &AppError,
) -> Option<Failed> {
    let AppError::Invalid(errs) = e else {
        return None;
    };
    Some(Failed {
        form,
        values,
        errors: errs
            .0
            .iter()
            .map(|f| (f.field, field_message(ctx.locale, f)))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "courses/new.html")]
struct NewCoursePage {
    page: Page,
    orgs: Vec<(i64, String)>,
    failed: Failed,
}

impl NewCoursePage {
    fn err(&self, field: &str) -> String {
        self.failed.errors.get(field).cloned().unwrap_or_default()
    }
    fn val(&self, name: &str) -> String {
        self.failed.values.get(name).cloned().unwrap_or_default()
    }
}

async fn render_new(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    failed: Failed,
) -> AppResult<Response> {
    let scope = u.grants.scope(Permission::AuthorContent);
    if scope.is_empty() {
        return Err(Forbidden(Permission::AuthorContent).into());
    }
    let ids: Vec<i64> = scope
        .roots
        .iter()
        .filter_map(|r| r.ids().last().map(|i| i.0))
        .collect();
    let orgs = dborg::by_ids(&st.db.conn, u.tenant, &ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut page = ctx.page("courses.new_title");
    page.back = Some("/learn".into());
    let refused = !failed.errors.is_empty();
    let mut res = render(&NewCoursePage { page, orgs, failed })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /learn/new`.
pub async fn show_new_course(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    render_new(&st, &ctx, &u, Failed::default()).await
}

/// `POST /learn/courses`: fields `org_id`, `title`, `summary`, `topic`, `tags` (comma-separated).
pub async fn create_course_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<Response> {
    let p = pairs(&body);
    let input = CourseInput {
        org_id: one(&p, "org_id").parse().unwrap_or(0),
        title: one(&p, "title"),
        summary: one(&p, "summary"),
        topic: one(&p, "topic"),
        tags: vec![one(&p, "tags")],
    };
    let txn = st.db.conn.begin().await?;
    match create_course(&txn, &u, &input).await {
        Ok(course) => {
            txn.commit().await?;
            Ok(redirect_with_flash(
                &format!("/learn/courses/{}", course.id),
                "ok",
                "courses.created",
                st.settings.cookie_secure,
            ))
        }
        Err(e) => {
            let values = p.into_iter().collect();
            match failed_from(&ctx, "course", values, &e) {
                Some(f) => render_new(&st, &ctx, &u, f).await,
                None => Err(e),
            }
        }
    }
}

/// The course at `raw` for one of its authors.
async fn authored(
    st: &AppState,
    u: &CurrentUser,
    raw: &str,
) -> AppResult<(dbcourses::Course, Access)> {
    let course = dbcourses::course(&st.db.conn, u.tenant, parse_id(raw)?).await?;
    ensure_author(u, &course)?;
    Ok((
        course,
        Access {
            open: true,
            author: true,
        },
    ))
}

/// After a course form: back to the course with a flash, or the page again with the errors.
async fn finish(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    course_id: i64,
    result: AppResult<()>,
    (form, values): (&'static str, HashMap<String, String>),
    ok_key: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/learn/courses/{course_id}"),
            "ok",
            ok_key,
            st.settings.cookie_secure,
        )),
        Err(e) => match failed_from(ctx, form, values, &e) {
            Some(f) => {
                // Re-read: the refused write changed nothing.
                let opened = authored(st, u, &course_id.to_string()).await?;
                render_course(st, ctx, Some(u), opened, f).await
            }
            None => Err(e),
        },
    }
}

/// `POST /learn/courses/{id}/lessons` (multipart; CSRF token in the query): `title`, `kind`,
/// `body` for an article, `file` and `duration_min` for media.
pub async fn add_lesson_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    form: Multipart,
) -> AppResult<Response> {
    let (course, _) = authored(&st, &u, &raw).await?;
    let max = settings(&st, u.tenant)
        .await?
        .effective_max(st.settings.max_upload_bytes);
    let up = read_upload(form, max).await?;
    let duration = up.field("duration_min").replace(',', ".");
    let mut input = LessonInput {
        title: up.field("title").to_string(),
        kind: up.field("kind").to_string(),
        body: up.field("body").to_string(),
        media_id: None,
        duration_secs: duration
            .parse::<f64>()
            .ok()
            .filter(|m| m.is_finite() && *m >= 0.0)
            .map(|m| (m * 60.0).round().min(f64::from(u32::MAX)) as u32),
    };
    let txn = st.db.conn.begin().await?;
    let result = async {
        if input.kind != "article" && up.file.is_some() {
            input.media_id = Some(store_media(&txn, &u, &course, &up, max).await?.id);
        }
        add_lesson(&txn, &u, &course, &input).await.map(|_| ())
    }
    .await;
    if result.is_ok() {
        txn.commit().await?;
    } else {
        txn.rollback().await?;
    }
    let values = up.fields.clone();
    finish(
        &st,
        &ctx,
        &u,
        course.id,
        result,
        ("lesson", values),
        "courses.lesson_added",
    )
    .await
}

/// `POST /learn/courses/{id}/publish`: `visibility` and, for `orgs`, one `org_ids` per org.
pub async fn publish_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let (course, _) = authored(&st, &u, &raw).await?;
    let p = pairs(&body);
    let input = PublishInput {
        visibility: one(&p, "visibility"),
        org_ids: p
            .iter()
            .filter(|(k, _)| k == "org_ids")
            .filter_map(|(_, v)| v.parse().ok())
            .collect(),
    };
    let txn = st.db.conn.begin().await?;
    let result = publish_course(&st, &txn, &u, &course, &input).await;
    if result.is_ok() {
        txn.commit().await?;
    }
    let values = p.into_iter().collect();
    finish(
        &st,
        &ctx,
        &u,
        course.id,
        result,
        ("publish", values),
        "courses.published",
    )
    .await
}

/// `POST /learn/courses/{id}/withdraw`.
pub async fn withdraw_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (course, _) = authored(&st, &u, &raw).await?;
    let txn = st.db.conn.begin().await?;
    withdraw_course(&txn, &u, &course).await?;
    txn.commit().await?;
    Ok(redirect_with_flash(
        &format!("/learn/courses/{}", course.id),
        "ok",
        "courses.withdrawn",
        st.settings.cookie_secure,
    ))
}
