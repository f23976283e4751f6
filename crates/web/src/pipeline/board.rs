//! `GET /pipeline?org=…` and `GET /api/v1/orgs/{id}/pipeline/board`: the pipeline board. A school or
//! college sees its sub-orgs with how many people are at each status and how many deadlines
//! are near or overdue there (rolled up the tree); a branch sees its people by status, each
//! with their furthest step.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use redbranch_db::org::{self as dborg, Org};
use redbranch_db::pipeline::board as dbboard;
use redbranch_db::pipeline::due::IN_PIPELINE;
use redbranch_domain::authz::Permission;
use redbranch_domain::org::OrgId;
use redbranch_domain::org::OrgPath;
use redbranch_domain::people::PoliticalStatus;
use redbranch_domain::pipeline::Step;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// One sub-org's line on the board: people per status (in `IN_PIPELINE` order) and deadlines.
pub struct BoardRow {
    pub org_id: i64,
    pub name: String,
    pub counts: [i64; 4],
    pub near: i64,
    pub overdue: i64,
}

/// Someone of a branch on its board.
pub struct Card {
    pub id: i64,
    pub name: String,
    pub step: String,
}

/// The board of one org.
pub struct Board {
    pub org: Org,
    /// Sub-orgs, when the org has any.
    pub rows: Vec<BoardRow>,
    pub total: BoardRow,
    /// For a branch: its people per status, in `IN_PIPELINE` order.
    pub columns: Vec<(String, Vec<Card>)>,
}

fn status_index(code: &str) -> Option<usize> {
    IN_PIPELINE.iter().position(|s| s.code() == code)
}

async fn board(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    (org, children): (Org, Vec<Org>),
) -> AppResult<Board> {
    let c = &st.db.conn;
    let root = org.org_path();
    let counts = dbboard::org_counts(c, u.tenant, &root).await?;
    let empty = |org_id: i64, name: String| BoardRow {
        org_id,
        name,
        counts: [0; 4],
        near: 0,
        overdue: 0,
    };
    let mut total = empty(org.id, org.name.clone());
    let mut rows: Vec<BoardRow> = children
        .iter()
        .map(|ch| empty(ch.id, ch.name.clone()))
        .collect();
    let child_paths: Vec<OrgPath> = children.iter().map(Org::org_path).collect();
    // Each org's counts belong to the sub-org whose subtree holds it (or only to the total,
    // for people placed directly on the org itself).
    let add = |r: &mut BoardRow, oc: &dbboard::OrgCounts| {
        for (n, m) in r.counts.iter_mut().zip(oc.by_status()) {
            *n += m;
        }
        r.near += oc.near;
        r.overdue += oc.overdue;
    };
    for oc in &counts {
        add(&mut total, oc);
        let p = OrgPath::from_stored(oc.path.clone());
        if let Some(r) = child_paths.iter().position(|cp| cp.contains(&p)) {
            add(&mut rows[r], oc);
        }
    }
    let mut columns = Vec::new();
    if children.is_empty() {
        let people = dbboard::people_of_branch(c, u.tenant, org.id).await?;
        let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
        let mut furthest: HashMap<i64, Step> = HashMap::new();
        for (person, code) in dbboard::steps_of_people(c, u.tenant, &ids).await? {
            if let Some(s) = Step::from_code(&code) {
                let e = furthest.entry(person).or_insert(s);
                *e = (*e).max(s);
            }
        }
        columns = IN_PIPELINE
            .iter()
            .map(|s| (ctx.t(s.label_key()).to_string(), Vec::new()))
            .collect();
        for p in people {
            if let Some(i) = status_index(&p.political_status) {
                let step = furthest.get(&p.id).map_or_else(String::new, |s| {
                    ctx.ta(
                        "pipeline_ui.card_step",
                        &[
                            ("number", s.number().to_string()),
                            ("step", ctx.t(s.key()).to_string()),
                        ],
                    )
                });
                columns[i].1.push(Card {
                    id: p.id,
                    name: p.name,
                    step,
                });
            }
        }
    }
    Ok(Board {
        org,
        rows,
        total,
        columns,
    })
}

/// The org to show, with its children: the one asked for, if the viewer may see it, else the
/// top of their scope.
async fn org_for(st: &AppState, u: &CurrentUser, asked: Option<i64>) -> AppResult<(Org, Vec<Org>)> {
    let (org, children) = match asked {
        // One query for the org and its sub-orgs: a board is read often (issue #3's target).
        Some(id) => dborg::with_children(&st.db.conn, u.tenant, OrgId(id)).await?,
        None => {
            let scope = u.grants.scope(Permission::ViewMembers);
            let mut party = Vec::new();
            for r in &scope.roots {
                if let Some(id) = r.ids().last() {
                    let o = dborg::get(&st.db.conn, u.tenant, *id).await?;
                    if o.tree == "party" {
                        party.push(o);
                    }
                }
            }
            party.sort_by_key(|o| o.depth);
            let org = party.into_iter().next().ok_or(AppError::Forbidden(
                redbranch_domain::authz::Forbidden(Permission::ViewMembers),
            ))?;
            let children = dborg::children(&st.db.conn, u.tenant, org.org_id()).await?;
            (org, children)
        }
    };
    u.grants.ensure(Permission::ViewMembers, &org.org_path())?;
    Ok((org, children))
}

#[derive(Debug, Default, Deserialize)]
pub struct BoardQuery {
    pub org: Option<String>,
}

#[derive(Template)]
#[template(path = "pipeline/board.html")]
struct BoardPage {
    page: Page,
    b: Board,
    statuses: Vec<String>,
}

pub async fn show_board(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Query(q): Query<BoardQuery>,
) -> AppResult<Response> {
    let asked = q.org.as_deref().map(parse_id).transpose()?;
    let org = org_for(&st, &u, asked).await?;
    let b = board(&st, &ctx, &u, org).await?;
    let mut page = ctx.page_titled(ctx.ta("pipeline_ui.board_of", &[("org", b.org.name.clone())]));
    if let Some(parent) = b.org.parent_id {
        page.back = Some(format!("/pipeline?org={parent}"));
    }
    render(&BoardPage {
        page,
        statuses: IN_PIPELINE
            .iter()
            .map(|s| ctx.t(s.label_key()).to_string())
            .collect(),
        b,
    })
}

fn counts_json(r: &BoardRow) -> Value {
    let by_status: serde_json::Map<String, Value> = IN_PIPELINE
        .iter()
        .zip(r.counts)
        .map(|(s, n): (&PoliticalStatus, i64)| (s.code().to_string(), json!(n)))
        .collect();
    json!({"org_id": r.org_id, "name": r.name, "by_status": by_status, "near": r.near, "overdue": r.overdue})
}

pub async fn board_json(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let org = org_for(&st, &u, Some(parse_id(&raw)?)).await?;
    let b = board(&st, &ctx, &u, org).await?;
    let people: Vec<Value> = IN_PIPELINE
        .iter()
        .zip(&b.columns)
        .flat_map(|(s, (_, cards))| {
            cards.iter().map(move |c| {
                json!({"id": c.id, "name": c.name, "political_status": s.code(), "step": c.step})
            })
        })
        .collect();
    Ok(Json(json!({
        "org": {"id": b.org.id, "name": b.org.name},
        "total": counts_json(&b.total),
        "rows": b.rows.iter().map(counts_json).collect::<Vec<_>>(),
        "people": people,
    })))
}
