//! `GET /learn/courses/{id}/study?org=` (and `/api/v1/courses/{id}/study`): how far the members
//! of an org and of every org below it have studied a course — members who completed it ÷
//! members, rolled up the tree as the weekly lesson's participation is, with the org's children
//! ranked. For those who oversee the org's members (`ViewMembers`) or write its courses
//! (`AuthorContent`); only orgs the course reaches (its audience subtrees, or any for a public
//! course). Nobody is ranked as a person (RULES §6, 形式主义).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use redbranch_db::courses::{self as dbcourses, Course, StudyRate};
use redbranch_db::org::{self as dborg, Org};
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::courses::Visibility;
use redbranch_domain::org::{OrgId, OrgPath, Tree};
use redbranch_domain::points::{percent_text, permille};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct StudyQuery {
    pub org: Option<i64>,
}

/// One org's row: the counts and the rate (tenths of a percent, and as text).
#[derive(Debug, Clone, Serialize)]
pub struct RateRow {
    #[serde(flatten)]
    pub r: StudyRate,
    pub rate_permille: Option<i64>,
    pub rate_text: String,
}

/// The course's study rates under an org.
#[derive(Debug, Clone, Serialize)]
pub struct StudyView {
    pub course_id: i64,
    pub course_title: String,
    pub org_id: i64,
    pub org_name: String,
    /// The org first, then its subtree in tree order.
    pub rows: Vec<RateRow>,
    /// The org's children, best rate first.
    pub children: Vec<RateRow>,
}

fn may_read(u: &CurrentUser, path: &OrgPath) -> bool {
    u.grants.allows(Permission::ViewMembers, path)
        || u.grants.allows(Permission::AuthorContent, path)
}

/// The org asked for, or the first the course reaches that the caller may read.
async fn org_of(
    st: &AppState,
    u: &CurrentUser,
    course: &Course,
    asked: Option<i64>,
) -> AppResult<Org> {
    let c = &st.db.conn;
    let public = Visibility::from_code(&course.visibility) == Some(Visibility::Public);
    let audience: Vec<OrgPath> =
        dborg::by_ids(c, u.tenant, &dbcourses::audience_of(c, course.id).await?)
            .await?
            .iter()
            .map(Org::org_path)
            .collect();
    let reached = |p: &OrgPath| public || audience.iter().any(|a| a.contains(p));
    let org = match asked {
        Some(id) => dborg::get(c, u.tenant, OrgId(id)).await?,
        None => {
            let mut roots: Vec<OrgPath> = audience.clone();
            for p in [Permission::ViewMembers, Permission::AuthorContent] {
                roots.extend(u.grants.scope(p).roots);
            }
            let first = roots
                .iter()
                .find(|p| reached(p) && may_read(u, p))
                .and_then(|p| p.ids().last().copied())
                .ok_or(AppError::Forbidden(Forbidden(Permission::ViewMembers)))?;
            dborg::get(c, u.tenant, first).await?
        }
    };
    let path = org.org_path();
    if !may_read(u, &path) {
        return Err(AppError::Forbidden(Forbidden(Permission::ViewMembers)));
    }
    if !reached(&path) {
        return Err(AppError::BadRequest("course_not_for_org"));
    }
    Ok(org)
}

pub async fn load_study(
    st: &AppState,
    u: &CurrentUser,
    course_id: i64,
    org: Option<i64>,
) -> AppResult<StudyView> {
    let course = dbcourses::course(&st.db.conn, u.tenant, course_id).await?;
    let org = org_of(st, u, &course, org).await?;
    let tree = Tree::from_code(&org.tree).unwrap_or(Tree::Party);
    let rows: Vec<RateRow> =
        dbcourses::study_rollup(&st.db.conn, u.tenant, course.id, &org.org_path(), tree)
            .await?
            .into_iter()
            .map(|r| {
                let rate = permille(r.completed, r.members);
                RateRow {
                    rate_permille: rate,
                    rate_text: percent_text(rate),
                    r,
                }
            })
            .collect();
    let mut children: Vec<RateRow> = rows
        .iter()
        .filter(|r| r.r.parent_id == Some(org.id))
        .cloned()
        .collect();
    children.sort_by_key(|r| std::cmp::Reverse(r.rate_permille.unwrap_or(-1)));
    Ok(StudyView {
        course_id: course.id,
        course_title: course.title,
        org_id: org.id,
        org_name: org.name,
        rows,
        children,
    })
}

#[derive(Template)]
#[template(path = "courses/study.html")]
struct StudyPage {
    page: Page,
    v: StudyView,
}

pub async fn show_study(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<StudyQuery>,
) -> AppResult<Response> {
    let v = load_study(&st, &u, parse_id(&raw)?, q.org).await?;
    let mut page =
        ctx.page_titled(ctx.ta("courses.study_title", &[("title", v.course_title.clone())]));
    page.back = Some(format!("/learn/courses/{}", v.course_id));
    render(&StudyPage { page, v })
}
