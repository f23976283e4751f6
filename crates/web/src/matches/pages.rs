//! The match pages: `/quiz/match` (pick 双人对战 or 四人赛 and a bank; recent matches) and
//! `/quiz/match/{id}` (the room). The room is drawn by `assets/match.js` from what the socket
//! pushes; the page carries the words it needs, already translated, in data attributes.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use redbranch_db::matches::{self as dbm, Player, Room};
use redbranch_db::questions::Bank;
use redbranch_domain::matches::MatchSize;

use super::{MatchView, QueueInput};
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::session::{SignedIn, redirect_with_flash};
use crate::state::AppState;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/quiz/match", get(show_hub).post(queue_form))
        .route("/quiz/match/{id}", get(show_room))
}

#[derive(Template)]
#[template(path = "matches/hub.html")]
struct HubPage {
    page: Page,
    banks: Vec<Bank>,
    recent: Vec<(Player, Room)>,
}

impl HubPage {
    fn size_label(&self, code: &str) -> &'static str {
        let key = MatchSize::from_code(code).map_or("matches.size.duel", MatchSize::label_key);
        redbranch_i18n::tr(self.page.locale, key)
    }
    fn status_label(&self, code: &str) -> String {
        redbranch_i18n::tr(self.page.locale, &format!("matches.status.{code}")).to_string()
    }
}

async fn show_hub(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    let banks = crate::questions::quiz_banks(&st, &u).await?;
    let recent = dbm::recent(&st.db.conn, u.user_id, 10).await?;
    render(&HubPage {
        page: ctx.page("matches.title"),
        banks,
        recent,
    })
}

#[derive(Debug, serde::Deserialize)]
struct QueueForm {
    #[serde(default)]
    size: String,
    #[serde(default)]
    bank_id: String,
}

async fn queue_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Form(f): Form<QueueForm>,
) -> AppResult<Response> {
    let input = QueueInput {
        size: f.size,
        bank_id: f.bank_id.trim().parse().ok(),
    };
    match super::queue(&st, &u, &input).await {
        Ok(v) => Ok(Redirect::to(&format!("/quiz/match/{}", v.id)).into_response()),
        Err(AppError::Conflict("no_questions")) => Ok(redirect_with_flash(
            "/quiz/match",
            "error",
            "quiz.no_questions",
            st.settings.cookie_secure,
        )),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "matches/room.html")]
struct RoomPage {
    page: Page,
    v: MatchView,
    match_js: String,
}

async fn show_room(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let room = super::load(&st, &u, parse_id(&raw)?).await?;
    let v = super::view(&st, &u, &room).await?;
    render(&RoomPage {
        page: ctx.page("matches.title"),
        v,
        match_js: crate::assets::url("match.js"),
    })
}
