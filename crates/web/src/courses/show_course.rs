//! `GET /learn/courses/{id}`: a course — its lessons with the viewer's progress, and for its
//! authors the forms to add a lesson, publish and withdraw. A refused form re-renders this page
//! (422) with the message under the field and what was typed kept.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::courses::{self as dbcourses, Course, PUBLISHED};
use redbranch_db::org::{self as dborg, Org};
use redbranch_db::people::PersonId;
use redbranch_domain::authz::Permission;
use redbranch_domain::courses::{LessonKind, Visibility};
use redbranch_domain::dossier::megabytes;

use super::{Access, Viewer, open_course, settings};
use crate::error::AppResult;
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::session::CurrentUser;
use crate::state::AppState;

/// A refused form: which one, what was typed, the message per field.
#[derive(Debug, Default)]
pub struct Failed {
    pub form: &'static str,
    pub values: HashMap<String, String>,
    pub errors: HashMap<&'static str, String>,
}

/// A lesson as the course page lists it.
pub struct LessonRow {
    pub id: i64,
    pub title: String,
    pub kind_name: String,
    pub minutes: i64,
    pub completed: bool,
    pub started: bool,
}

#[derive(Template)]
#[template(path = "courses/course.html")]
struct CoursePage {
    page: Page,
    course: Course,
    tags: Vec<String>,
    lessons: Vec<LessonRow>,
    access: Access,
    published: bool,
    public: bool,
    audience: Vec<String>,
    /// (code, name) of lesson kinds.
    kinds: Vec<(&'static str, String)>,
    /// Orgs the author may publish to: (id, name).
    orgs: Vec<(i64, String)>,
    failed: Failed,
    max_mb: usize,
    signed_in: bool,
}

impl CoursePage {
    fn err(&self, form: &str, field: &str) -> String {
        if self.failed.form == form {
            self.failed.errors.get(field).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }
    fn val(&self, form: &str, name: &str) -> String {
        if self.failed.form == form {
            self.failed.values.get(name).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }
}

/// Orgs an author may publish to: where they hold `AuthorContent`, and the orgs right below.
async fn publish_targets(st: &AppState, u: &CurrentUser) -> AppResult<Vec<Org>> {
    let scope = u.grants.scope(Permission::AuthorContent);
    let mut out: Vec<Org> = Vec::new();
    for root in &scope.roots {
        let Some(id) = root.ids().last().copied() else {
            continue;
        };
        let Ok(org) = dborg::get(&st.db.conn, u.tenant, id).await else {
            continue;
        };
        let children = dborg::children(&st.db.conn, u.tenant, id).await?;
        out.push(org);
        out.extend(children);
    }
    out.dedup_by_key(|o| o.id);
    Ok(out)
}

pub async fn render_course(
    st: &AppState,
    ctx: &Ctx,
    viewer: Option<&CurrentUser>,
    (course, access): (Course, Access),
    failed: Failed,
) -> AppResult<Response> {
    let c = &st.db.conn;
    let lessons = dbcourses::lessons_of(
        c,
        redbranch_db::tenants::TenantId(course.tenant_id),
        course.id,
    )
    .await?;
    let ids: Vec<i64> = lessons.iter().map(|l| l.id).collect();
    let progress = match viewer.and_then(|u| u.person_id.map(|p| (u, p))) {
        Some((u, p)) => dbcourses::progress(c, u.tenant, PersonId(p), &ids).await?,
        None => HashMap::new(),
    };
    let rows = lessons
        .iter()
        .map(|l| {
            let p = progress.get(&l.id).copied().unwrap_or_default();
            LessonRow {
                id: l.id,
                title: l.title.clone(),
                kind_name: LessonKind::from_code(&l.kind)
                    .map(|k| ctx.t(k.label_key()).to_string())
                    .unwrap_or_default(),
                minutes: p.seconds / 60,
                completed: p.completed,
                started: p.seconds > 0,
            }
        })
        .collect();
    let tags = dbcourses::tags_of(c, &[course.id])
        .await?
        .remove(&course.id)
        .unwrap_or_default();
    let audience_ids = dbcourses::audience_of(c, course.id).await?;
    let audience = dborg::by_ids(
        c,
        redbranch_db::tenants::TenantId(course.tenant_id),
        &audience_ids,
    )
    .await?
    .into_iter()
    .map(|o| o.name)
    .collect();
    let (orgs, max_mb) = match viewer.filter(|_| access.author) {
        Some(u) => {
            let orgs = publish_targets(st, u).await?;
            let max = settings(st, u.tenant)
                .await?
                .effective_max(st.settings.max_upload_bytes);
            (
                orgs.into_iter().map(|o| (o.id, o.name)).collect(),
                megabytes(max),
            )
        }
        None => (Vec::new(), 0),
    };
    let kinds = LessonKind::ALL
        .into_iter()
        .map(|k| (k.code(), ctx.t(k.label_key()).to_string()))
        .collect();
    let mut page = ctx.page_titled(course.title.clone());
    page.back = Some("/learn".into());
    let refused = !failed.form.is_empty();
    let mut res = render(&CoursePage {
        page,
        tags,
        lessons: rows,
        access,
        published: course.status == PUBLISHED,
        public: Visibility::from_code(&course.visibility) == Some(Visibility::Public),
        audience,
        kinds,
        orgs,
        failed,
        max_mb,
        signed_in: viewer.is_some(),
        course,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show_course(
    State(st): State<AppState>,
    ctx: Ctx,
    Viewer(viewer): Viewer,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let opened = open_course(&st, viewer.as_ref(), parse_id(&raw)?).await?;
    render_course(&st, &ctx, viewer.as_ref(), opened, Failed::default()).await
}
