//! `GET /points`: the member's own points — lifetime total, balance, 段位 with what is left to
//! the next, badges, today's rules, and the ledger with the reason for every entry.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use redbranch_db::people::PersonId;
use redbranch_db::points as dbpoints;
use redbranch_domain::points::{self as rules, badges_of, level_of};
use serde::{Deserialize, Serialize};

use super::{activity_name, my_person, settings};
use crate::error::AppResult;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    pub id: i64,
    pub at: String,
    pub kind: String,
    pub activity: String,
    pub activity_name: String,
    pub points: i64,
    pub requested: i64,
    /// `points.reason.<code>` code and its text.
    pub reason: String,
    pub reason_text: String,
    pub rule_version: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleRow {
    pub code: String,
    pub name: String,
    pub points: i64,
    pub daily_cap: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PointsView {
    pub person_id: i64,
    pub earned: i64,
    pub spent: i64,
    pub balance: i64,
    pub level: &'static str,
    pub level_name: String,
    pub next_level_name: String,
    pub to_next: i64,
    pub badges: Vec<(&'static str, String)>,
    /// (rank, of) in the school, only where the school opted in to individual rankings.
    pub rank: Option<(i64, i64)>,
    pub rule_version: String,
    pub daily_max: i64,
    pub rules: Vec<RuleRow>,
    pub history: Vec<HistoryRow>,
    /// The id to pass as `before` for older entries, if there are more.
    pub more_before: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct HistoryQuery {
    pub before: Option<i64>,
}

const PAGE: u64 = 30;

pub async fn load_points(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    before: Option<i64>,
) -> AppResult<PointsView> {
    let person = my_person(st, u).await?;
    let c = &st.db.conn;
    let id = PersonId(person.id);
    let totals = dbpoints::totals(c, u.tenant, id).await?;
    let (level, next) = level_of(totals.earned);
    let rank = if settings(st, u).await?.individual_ranking {
        Some(dbpoints::rank_in_school(c, u.tenant, id).await?)
    } else {
        None
    };
    let table = rules::in_force(&dbpoints::rule_tables(c, u.tenant).await?, st.clock.today());
    let rows = dbpoints::history(c, u.tenant, id, before, PAGE).await?;
    let more_before = (rows.len() as u64 == PAGE)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    let history = rows
        .into_iter()
        .map(|r| {
            let reason_text = match r.kind.as_str() {
                "award" => ctx.ta(
                    &format!("points.reason.{}", r.reason),
                    &[
                        ("requested", r.requested.to_string()),
                        ("version", r.rule_version.clone().unwrap_or_default()),
                    ],
                ),
                _ => r.reason.clone(),
            };
            HistoryRow {
                id: r.id,
                at: crate::fmt::beijing(r.at, "%Y-%m-%d %H:%M"),
                kind: r.kind.clone(),
                activity_name: match r.kind.as_str() {
                    "award" => activity_name(ctx, &r.activity),
                    k => ctx.t(&format!("points.kind.{k}")).to_string(),
                },
                activity: r.activity,
                points: r.points,
                requested: r.requested,
                reason: r.reason,
                reason_text,
                rule_version: r.rule_version,
            }
        })
        .collect();
    Ok(PointsView {
        person_id: person.id,
        earned: totals.earned,
        spent: totals.spent,
        balance: totals.balance(),
        level: level.code,
        level_name: ctx.t(&format!("points.level.{}", level.code)).to_string(),
        next_level_name: next
            .map(|(l, _)| ctx.t(&format!("points.level.{}", l.code)).to_string())
            .unwrap_or_default(),
        to_next: next.map(|(_, left)| left).unwrap_or(0),
        badges: badges_of(totals.earned)
            .into_iter()
            .map(|b| (b, ctx.t(&format!("points.badge.{b}")).to_string()))
            .collect(),
        rank,
        rule_version: table.version.clone(),
        daily_max: table.daily_max,
        rules: table
            .rules
            .iter()
            .map(|r| RuleRow {
                code: r.code.clone(),
                name: activity_name(ctx, &r.code),
                points: r.points,
                daily_cap: r.daily_cap,
            })
            .collect(),
        history,
        more_before,
    })
}

#[derive(Template)]
#[template(path = "points/index.html")]
struct PointsPage {
    page: Page,
    v: PointsView,
    /// Whether to offer the adjustments page (`ManagePoints` somewhere).
    may_adjust: bool,
}

pub async fn show_points(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Query(q): Query<HistoryQuery>,
) -> AppResult<Response> {
    let v = load_points(&st, &ctx, &u, q.before).await?;
    render(&PointsPage {
        page: ctx.page("points.title"),
        v,
        may_adjust: u
            .grants
            .anywhere(redbranch_domain::authz::Permission::ManagePoints),
    })
}
