//! The election pages: the list (with the form to create one), an election (ballot, results,
//! published ballots, objections) and the receipt check, and the plain-form POSTs behind them.
//! Voting itself needs the browser's script (`assets/ballot.js`): the token must be blinded
//! where the server cannot see it; everything else works without JavaScript.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::elections as dbel;
use redbranch_domain::authz::Permission;
use redbranch_domain::elections::Quorum;
use serde::Deserialize;

use super::{ElectionInput, ElectionRow, ElectionView, ObjectionInput, check_receipt, load, view};
use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::render::field_message;
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// A refused form: what was typed and the message per field.
#[derive(Debug, Default)]
pub struct Failed {
    pub values: HashMap<String, String>,
    pub errors: HashMap<&'static str, String>,
}

impl Failed {
    pub fn from_error(ctx: &Ctx, e: AppError, values: HashMap<String, String>) -> AppResult<Self> {
        let AppError::Invalid(errs) = e else {
            return Err(e);
        };
        let mut errors = HashMap::new();
        for f in &errs.0 {
            errors
                .entry(f.field)
                .and_modify(|m: &mut String| {
                    m.push('；');
                    m.push_str(&field_message(ctx.locale, f));
                })
                .or_insert_with(|| field_message(ctx.locale, f));
        }
        Ok(Self { values, errors })
    }
    pub fn err(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
    pub fn val(&self, name: &str, default: &str) -> String {
        self.values
            .get(name)
            .cloned()
            .unwrap_or_else(|| default.to_string())
    }
}

#[derive(Template)]
#[template(path = "elections/index.html")]
struct ListPage {
    page: Page,
    rows: Vec<(ElectionRow, String)>,
    /// (id, name) of the branches where the caller may hold an election.
    branches: Vec<(i64, String)>,
    quorums: Vec<(&'static str, String)>,
    today: String,
    failed: Failed,
}

async fn render_list(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    failed: Failed,
) -> AppResult<Response> {
    let rows = super::list(st, u)
        .await?
        .into_iter()
        .map(|r| {
            let s = ctx.t(&r.status.key()).to_string();
            (r, s)
        })
        .collect();
    let scope = u.grants.scope(Permission::ManageVotes);
    let branches = dbel::branches_in(&st.db.conn, u.tenant, &scope)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let quorums = [Quorum::Half, Quorum::FourFifths]
        .into_iter()
        .map(|q| (q.code(), ctx.t(&q.key()).to_string()))
        .collect();
    let refused = !failed.errors.is_empty();
    let mut res = render(&ListPage {
        page: ctx.page("elections.title"),
        rows,
        branches,
        quorums,
        today: st.clock.today().to_string(),
        failed,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn list_elections(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    render_list(&st, &ctx, &u, Failed::default()).await
}

pub async fn create_election_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let input = ElectionInput {
        org_id: get("org_id"),
        title: get("title"),
        seats: get("seats"),
        quorum: get("quorum"),
        opens_on: get("opens_on"),
        closes_on: get("closes_on"),
        publicity_days: get("publicity_days"),
        candidates: super::create::Candidates::Text(get("candidates")),
    };
    let txn = st.db.conn.begin().await?;
    match super::create_election(&st, &txn, &u, &input).await {
        Ok(e) => {
            txn.commit().await?;
            Ok(redirect_with_flash(
                &format!("/elections/{}", e.id),
                "ok",
                "elections.created",
                st.settings.cookie_secure,
            ))
        }
        Err(e) => {
            drop(txn);
            let failed = Failed::from_error(&ctx, e, form)?;
            render_list(&st, &ctx, &u, failed).await
        }
    }
}

#[derive(Template)]
#[template(path = "elections/show.html")]
struct ShowPage {
    page: Page,
    v: ElectionView,
    status_name: String,
    quorum_name: String,
    /// (name, votes, outcome name, elected) once counted.
    results: Vec<(String, u64, String, bool)>,
    turnout: String,
    quorum_met: bool,
    phase: &'static str,
    voter: i64,
    ballot_js: String,
    objections: Vec<(String, String)>,
    failed: Failed,
}

fn result_rows(ctx: &Ctx, v: &ElectionView) -> (Vec<(String, u64, String, bool)>, String) {
    let Some(r) = &v.result else {
        return (Vec::new(), String::new());
    };
    let rows = r["candidates"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    let o = c["outcome"].as_str().unwrap_or("not_elected");
                    (
                        c["name"].as_str().unwrap_or_default().to_string(),
                        c["votes"].as_u64().unwrap_or(0),
                        ctx.t(&format!("elections.outcome.{o}")).to_string(),
                        o == "elected",
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let pm = r["turnout_permille"].as_u64().unwrap_or(0);
    (rows, format!("{}.{} %", pm / 10, pm % 10))
}

async fn render_show(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    raw: &str,
    failed: Failed,
) -> AppResult<Response> {
    let l = load(st, u, raw).await?;
    let v = view(st, &l).await?;
    let (results, turnout) = result_rows(ctx, &v);
    let mut page = ctx.page_titled(v.title.clone());
    page.back = Some("/elections".into());
    let refused = !failed.errors.is_empty();
    let quorum_met = v
        .result
        .as_ref()
        .is_some_and(|r| r["quorum_met"].as_bool() == Some(true));
    let mut res = render(&ShowPage {
        page,
        quorum_met,
        phase: v.status.code(),
        voter: u.person_id.unwrap_or(0),
        ballot_js: crate::assets::url("ballot.js"),
        objections: v
            .objections
            .iter()
            .map(|o| {
                (
                    o.body.clone(),
                    crate::fmt::beijing(o.created_at, "%Y-%m-%d %H:%M"),
                )
            })
            .collect(),
        status_name: ctx.t(&v.status.key()).to_string(),
        quorum_name: ctx.t(&format!("elections.quorum.{}", v.quorum)).to_string(),
        v,
        results,
        turnout,
        failed,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show_election(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    render_show(&st, &ctx, &u, &raw, Failed::default()).await
}

/// One of open / close / tally, from its button.
async fn act(st: &AppState, u: &CurrentUser, raw: &str, what: &str) -> AppResult<Response> {
    let l = load(st, u, raw).await?;
    let txn = st.db.conn.begin().await?;
    let key = match what {
        "open" => {
            super::open_election(&txn, u, &l).await?;
            "elections.opened"
        }
        "close" => {
            super::close_election(&txn, u, &l).await?;
            "elections.closed"
        }
        _ => {
            super::tally_election(st, &txn, u, &l).await?;
            "elections.tallied"
        }
    };
    txn.commit().await?;
    Ok(redirect_with_flash(
        &format!("/elections/{}", l.e.id),
        "ok",
        key,
        st.settings.cookie_secure,
    ))
}

pub async fn open_election_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    act(&st, &u, &raw, "open").await
}

pub async fn close_election_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    act(&st, &u, &raw, "close").await
}

pub async fn tally_election_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    act(&st, &u, &raw, "tally").await
}

pub async fn file_objection_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let l = load(&st, &u, &raw).await?;
    let input = ObjectionInput {
        body: form.get("body").cloned().unwrap_or_default(),
    };
    let txn = st.db.conn.begin().await?;
    match super::file_objection(&st, &txn, &u, &l, &input).await {
        Ok(_) => {
            txn.commit().await?;
            Ok(redirect_with_flash(
                &format!("/elections/{}", l.e.id),
                "ok",
                "elections.objection_filed",
                st.settings.cookie_secure,
            ))
        }
        Err(e) => {
            drop(txn);
            let failed = Failed::from_error(&ctx, e, form)?;
            render_show(&st, &ctx, &u, &raw, failed).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ReceiptQuery {
    #[serde(default)]
    pub token: String,
}

#[derive(Template)]
#[template(path = "elections/receipt.html")]
struct ReceiptPage {
    page: Page,
    election_id: i64,
    token: String,
    asked: bool,
    /// The names chosen on the ballot found, if found.
    found: Option<Vec<String>>,
    error: String,
}

/// `GET /elections/{id}/receipt?token=…`: is the ballot of this receipt in the box, and what
/// does it say? Signed in to see the page, but the answer depends only on the receipt.
pub async fn show_receipt(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<ReceiptQuery>,
) -> AppResult<Response> {
    let l = load(&st, &u, &raw).await?;
    let asked = !q.token.trim().is_empty();
    let (mut found, mut error) = (None, String::new());
    if asked {
        match check_receipt(&st, &raw, &q.token).await {
            Ok(Some(r)) => {
                let cands = dbel::candidates(&st.db.conn, l.e.id).await?;
                found = Some(
                    r.choices
                        .iter()
                        .filter_map(|c| {
                            cands
                                .iter()
                                .find(|x| i64::from(x.position) == i64::from(*c))
                                .map(|x| x.name.clone())
                        })
                        .collect(),
                );
            }
            Ok(None) => error = ctx.t("elections.receipt_not_found").to_string(),
            Err(AppError::Invalid(e)) => {
                error =
                    e.0.first()
                        .map(|f| field_message(ctx.locale, f))
                        .unwrap_or_default();
            }
            Err(e) => return Err(e),
        }
    }
    let mut page = ctx.page("elections.receipt_title");
    page.back = Some(format!("/elections/{}", l.e.id));
    render(&ReceiptPage {
        page,
        election_id: l.e.id,
        token: q.token.trim().to_string(),
        asked,
        found,
        error,
    })
}
