//! `GET /points/boards?org=&period=&by=`: leaderboards. Orgs (the children of an org: branches
//! of a college, colleges of the school) by average points per member and by participation,
//! for a day, week, month or all time — always shown, organisation-level rates being what the
//! central notices allow. People of a branch only where the school opted in (RULES.md §6, the
//! notices against "指尖上的形式主义"). The week's 学习标兵 of a branch: last week's top earner.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Duration;
use redbranch_db::org::{self as dborg, Org};
use redbranch_db::points as dbpoints;
use redbranch_domain::authz::Permission;
use redbranch_domain::org::{OrgId, OrgKind, OrgPath, Tree};
use redbranch_domain::points::{Period, percent_text, permille};
use serde::{Deserialize, Serialize};

use super::settings;
use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct BoardQuery {
    pub org: Option<i64>,
    #[serde(default)]
    pub period: String,
    /// `avg` (default) or `participation`.
    #[serde(default)]
    pub by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrgRow {
    pub org_id: i64,
    pub name: String,
    pub members: i64,
    pub points: i64,
    pub participants: i64,
    /// Average points per member, in tenths.
    pub avg_tenths: i64,
    pub avg_text: String,
    pub participation_permille: Option<i64>,
    pub participation_text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonRow {
    pub rank: usize,
    pub person_id: i64,
    pub name: String,
    pub points: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BoardView {
    pub org_id: i64,
    pub org_name: String,
    pub period: &'static str,
    pub by: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
    pub orgs: Vec<OrgRow>,
    /// People of the org, where the school opted in to individual rankings.
    pub individual_ranking: bool,
    pub people: Vec<PersonRow>,
    /// Last week's top earner of a branch (学习标兵).
    pub star: Option<PersonRow>,
}

fn tree_of(o: &Org) -> Tree {
    OrgKind::from_code(&o.kind).map_or(Tree::Party, OrgKind::tree)
}

/// The org asked for, or the first the user may view.
async fn pick_org(st: &AppState, u: &CurrentUser, id: Option<i64>) -> AppResult<Org> {
    let id = match id {
        Some(id) => id,
        None => {
            let scope = u.grants.scope(Permission::ViewOrg);
            let root = scope.roots.first().ok_or(AppError::NotFound)?;
            root.ids().last().map(|i| i.0).ok_or(AppError::NotFound)?
        }
    };
    Ok(dborg::get(&st.db.conn, u.tenant, OrgId(id)).await?)
}

pub async fn load_board(st: &AppState, u: &CurrentUser, q: &BoardQuery) -> AppResult<BoardView> {
    let org = pick_org(st, u, q.org).await?;
    let path = OrgPath::from_stored(org.path.clone());
    u.grants.ensure(Permission::ViewOrg, &path)?;
    let period = Period::from_code(&q.period).unwrap_or_default();
    let by = if q.by == "participation" {
        "participation"
    } else {
        "avg"
    };
    let today = st.clock.today();
    let range = period.range(today);
    let tree = tree_of(&org);
    let c = &st.db.conn;
    let rows = dbpoints::org_board(c, u.tenant, (tree, org.id, &path), range).await?;
    let mut orgs: Vec<OrgRow> = rows
        .into_iter()
        .map(|r| {
            let avg_tenths = if r.members > 0 {
                (r.points * 10 + r.members / 2) / r.members
            } else {
                0
            };
            let part = permille(r.participants, r.members);
            OrgRow {
                org_id: r.org_id,
                name: r.name,
                members: r.members,
                points: r.points,
                participants: r.participants,
                avg_tenths,
                avg_text: format!("{}.{}", avg_tenths / 10, avg_tenths % 10),
                participation_permille: part,
                participation_text: percent_text(part),
            }
        })
        .collect();
    if by == "participation" {
        orgs.sort_by_key(|r| std::cmp::Reverse(r.participation_permille.unwrap_or(-1)));
    } else {
        orgs.sort_by_key(|r| std::cmp::Reverse(r.avg_tenths));
    }
    let individual_ranking = settings(st, u).await?.individual_ranking;
    let mut people = Vec::new();
    if individual_ranking {
        let list = match range {
            Some(r) => dbpoints::people_in_period(c, u.tenant, (tree, &path), r, 100).await?,
            None => dbpoints::top_in_subtree(c, u.tenant, (tree, &path), 100).await?,
        };
        people = ranked(list);
    }
    let holds_members = OrgKind::from_code(&org.kind).is_some_and(OrgKind::holds_members);
    let star = if holds_members {
        let monday = Period::Week.range(today).map_or(today, |(m, _)| m);
        let last = (monday - Duration::days(7), monday - Duration::days(1));
        ranked(dbpoints::people_in_period(c, u.tenant, (tree, &path), last, 1).await?)
            .into_iter()
            .next()
    } else {
        None
    };
    Ok(BoardView {
        org_id: org.id,
        org_name: org.name,
        period: period.code(),
        by,
        from: range.map(|r| r.0.to_string()),
        to: range.map(|r| r.1.to_string()),
        orgs,
        individual_ranking,
        people,
        star,
    })
}

/// Ranks with ties sharing a place (1, 2, 2, 4).
fn ranked(list: Vec<dbpoints::PersonBoardRow>) -> Vec<PersonRow> {
    let mut out: Vec<PersonRow> = Vec::with_capacity(list.len());
    for (i, r) in list.into_iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.points == r.points => prev.rank,
            _ => i + 1,
        };
        out.push(PersonRow {
            rank,
            person_id: r.person_id,
            name: r.name,
            points: r.points,
        });
    }
    out
}

#[derive(Template)]
#[template(path = "points/boards.html")]
struct BoardsPage {
    page: Page,
    b: BoardView,
    periods: Vec<(&'static str, String)>,
}

pub async fn show_boards(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Query(q): Query<BoardQuery>,
) -> AppResult<Response> {
    let b = load_board(&st, &u, &q).await?;
    let periods = Period::ALL
        .into_iter()
        .map(|p| {
            (
                p.code(),
                ctx.t(&format!("points.period.{}", p.code())).to_string(),
            )
        })
        .collect();
    let mut page = ctx.page("points.boards_title");
    page.back = Some("/points".into());
    render(&BoardsPage { page, b, periods })
}
