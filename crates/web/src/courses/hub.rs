//! `GET /learn`: the learning hub — the courses the viewer may open (public ones without signing
//! in), filtered by topic or tag, and the school's links out to 学习强国, 智慧团建, 青年大学习.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use redbranch_db::courses::{self as dbcourses, Course, CourseFilter, PUBLISHED};
use redbranch_db::links::Link;
use redbranch_db::tenants::TenantId;
use redbranch_domain::authz::Permission;
use serde::{Deserialize, Serialize};

use super::{Viewer, course_viewer, default_tenant};
use crate::error::AppResult;
use crate::page::{Ctx, Page, render};
use crate::session::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct HubQuery {
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub tag: String,
}

impl HubQuery {
    pub fn filter(&self) -> CourseFilter {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        CourseFilter {
            topic: opt(&self.topic),
            tag: opt(&self.tag),
        }
    }
}

/// A course as lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct CourseCard {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub topic: Option<String>,
    pub tags: Vec<String>,
    pub visibility: String,
    pub status: String,
}

impl CourseCard {
    pub fn is_draft(&self) -> bool {
        self.status != PUBLISHED
    }
}

/// The courses the viewer may open in their school (anonymous: the default school's public
/// ones), as cards.
pub async fn list_courses(
    st: &AppState,
    viewer: Option<&CurrentUser>,
    filter: &CourseFilter,
) -> AppResult<(TenantId, Vec<CourseCard>)> {
    let tenant = match viewer {
        Some(u) => u.tenant,
        None => default_tenant(st).await?,
    };
    let cv = course_viewer(st, viewer).await?;
    let rows = dbcourses::list_visible(&st.db.conn, tenant, &cv, filter).await?;
    let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
    let mut tags = dbcourses::tags_of(&st.db.conn, &ids).await?;
    let cards = rows
        .into_iter()
        .map(|c: Course| CourseCard {
            tags: tags.remove(&c.id).unwrap_or_default(),
            id: c.id,
            title: c.title,
            summary: c.summary,
            topic: c.topic,
            visibility: c.visibility,
            status: c.status,
        })
        .collect();
    Ok((tenant, cards))
}

#[derive(Template)]
#[template(path = "courses/hub.html")]
struct HubPage {
    page: Page,
    courses: Vec<CourseCard>,
    links: Vec<Link>,
    topics: Vec<String>,
    q: HubQuery,
    may_author: bool,
    may_manage_links: bool,
    may_import: bool,
    signed_in: bool,
}

pub async fn show_hub(
    State(st): State<AppState>,
    ctx: Ctx,
    Viewer(viewer): Viewer,
    Query(q): Query<HubQuery>,
) -> AppResult<Response> {
    let (tenant, courses) = list_courses(&st, viewer.as_ref(), &q.filter()).await?;
    let links = redbranch_db::links::links(&st.db.conn, tenant).await?;
    let topics = dbcourses::topics(&st.db.conn, tenant).await?;
    let g = viewer.as_ref().map(|u| &u.grants);
    render(&HubPage {
        page: ctx.page("courses.hub_title"),
        courses,
        links,
        topics,
        q,
        may_author: g.is_some_and(|g| g.anywhere(Permission::AuthorContent)),
        may_manage_links: g.is_some_and(|g| g.anywhere(Permission::ManageSettings)),
        may_import: g.is_some_and(|g| g.anywhere(Permission::ImportStudyResults)),
        signed_in: viewer.is_some(),
    })
}
