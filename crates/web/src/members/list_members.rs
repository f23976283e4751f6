//! `GET /members`: search, filter, sort and page through the people the viewer may see. An htmx
//! request gets only the table, so typing in the search box refreshes it in place.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use redbranch_db::people::{self as dbpeople, MemberRow};
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::people::{Gender, PoliticalStatus};

use super::MemberQuery;
use crate::error::{AppError, AppResult};
use crate::orgs::wants_fragment;
use crate::page::{Ctx, Page, render};
use crate::session::SignedIn;
use crate::state::AppState;

const PER_PAGE: u64 = 20;

pub struct RowView {
    pub id: i64,
    pub student_no: String,
    pub name: String,
    pub gender: String,
    pub status: String,
    pub status_class: &'static str,
    pub college: String,
    pub grade: String,
    pub class_name: String,
    pub party_org: String,
    pub league_org: String,
}

/// A sortable column header.
pub struct SortLink {
    pub label: String,
    pub href: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    pub aria: &'static str,
}

/// Everything `_table.html` shows.
pub struct ListView {
    pub rows: Vec<RowView>,
    pub total: u64,
    pub page_no: u64,
    pub pages: u64,
    pub base_query: String,
    pub by_no: SortLink,
    pub by_name: SortLink,
    pub by_grade: SortLink,
    pub by_status: SortLink,
    pub filtered: bool,
    pub import_href: &'static str,
}

#[derive(Template)]
#[template(path = "members/index.html")]
struct MembersPage {
    page: Page,
    list: ListView,
    query: MemberQuery,
    statuses: Vec<(&'static str, String)>,
    export_href: Option<String>,
}

#[derive(Template)]
#[template(path = "members/_table.html")]
struct MembersTable {
    page: Page,
    list: ListView,
}

/// The badge a political status wears: Party red for members, League colours for 团员.
pub fn status_class(s: Option<PoliticalStatus>) -> &'static str {
    match s {
        Some(PoliticalStatus::PartyMember | PoliticalStatus::ProbationaryMember) => "badge-party",
        Some(PoliticalStatus::LeagueMember) => "badge-league",
        Some(
            PoliticalStatus::PartyActivist
            | PoliticalStatus::DevelopmentTarget
            | PoliticalStatus::PartyApplicant,
        ) => "badge-warn",
        _ => "badge-muted",
    }
}

fn row_view(ctx: &Ctx, r: MemberRow) -> RowView {
    let status = PoliticalStatus::from_code(&r.political_status);
    RowView {
        id: r.id,
        student_no: r.student_no,
        name: r.name,
        gender: r
            .gender
            .as_deref()
            .and_then(Gender::from_code)
            .map(|g| ctx.t(g.label_key()).to_string())
            .unwrap_or_default(),
        status: status.map_or(r.political_status.clone(), |s| {
            ctx.t(s.label_key()).to_string()
        }),
        status_class: status_class(status),
        college: r.college.unwrap_or_default(),
        grade: r.grade.unwrap_or_default(),
        class_name: r.class_name.unwrap_or_default(),
        party_org: r.party_org_name.unwrap_or_default(),
        league_org: r.league_org_name.unwrap_or_default(),
    }
}

fn sort_link(ctx: &Ctx, q: &MemberQuery, key: &str, label_key: &str) -> SortLink {
    let current = q
        .sort
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or("student_no");
    let aria = match (current == key, q.dir.as_deref() == Some("desc")) {
        (true, true) => "descending",
        (true, false) => "ascending",
        _ => "none",
    };
    SortLink {
        label: ctx.t(label_key).to_string(),
        href: q.sort_href(key),
        aria,
    }
}

pub async fn list_members(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    headers: HeaderMap,
    Query(q): Query<MemberQuery>,
) -> AppResult<Response> {
    let scope = u.grants.scope(Permission::ViewMembers);
    if scope.is_empty() {
        return Err(AppError::Forbidden(Forbidden(Permission::ViewMembers)));
    }
    let filter = q.to_filter(&st, u.tenant, PER_PAGE, PER_PAGE).await?;
    let result = dbpeople::list(&st.db.conn, u.tenant, &scope, &filter).await?;
    let pages = result.pages();
    let list = ListView {
        total: result.total,
        page_no: result.page,
        pages,
        base_query: q.base_query(),
        by_no: sort_link(&ctx, &q, "student_no", "field.student_no"),
        by_name: sort_link(&ctx, &q, "name", "field.name"),
        by_grade: sort_link(&ctx, &q, "grade", "field.grade"),
        by_status: sort_link(&ctx, &q, "status", "field.political_status"),
        filtered: q.is_filtered(),
        import_href: if u.grants.anywhere(Permission::ImportRoster) {
            "/import"
        } else {
            ""
        },
        rows: result.rows.into_iter().map(|r| row_view(&ctx, r)).collect(),
    };
    let mut res = if wants_fragment(&headers) {
        render(&MembersTable {
            page: ctx.page("nav.members"),
            list,
        })?
    } else {
        let export_href = u.grants.anywhere(Permission::ExportMembers).then(|| {
            let fq = q.filter_query();
            if fq.is_empty() {
                "/members/export.xlsx".to_string()
            } else {
                format!("/members/export.xlsx?{fq}")
            }
        });
        let statuses = PoliticalStatus::ALL
            .into_iter()
            .map(|s| (s.code(), ctx.t(s.label_key()).to_string()))
            .collect();
        render(&MembersPage {
            page: ctx.page("nav.members"),
            list,
            query: q,
            statuses,
            export_href,
        })?
    };
    // The same URL answers with a page or a fragment: caches must keep them apart.
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("HX-Request"));
    Ok(res)
}
