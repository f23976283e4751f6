//! The League side of issue #3 on the web: recording 发展团员 steps, 推优大会 and the Party
//! branch's decision (shared by the API and the pages), and the facts the Party pipeline reads
//! from the League (a 团员 under 28 needs an accepted recommendation to become an activist).

mod decide;
mod decide_page;
mod recommend;
mod recommend_page;
mod record;
pub mod show_league;

pub use decide::{DecisionRequest, decide_recommendation};
pub use recommend::{CandidateRequest, RecommendRequest, record_recommendation};
pub(crate) use record::date_field;
pub use record::{LeagueRequest, record_league_step};

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use redbranch_db::ConnectionTrait;
use redbranch_db::league as dbleague;
use redbranch_db::people::{Person, PersonId};
use redbranch_domain::authz::{Forbidden, Grants, Permission};
use redbranch_domain::league::{LeagueSettings, Recommendation, is_league_member};
use redbranch_domain::people::PoliticalStatus;

use redbranch_domain::org::OrgKind;

use crate::error::{AppError, AppResult};
use crate::members::PersonOrgs;
use crate::page::Ctx;
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// The 推优入党 pages, merged into the main router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/orgs/{id}/recommendations",
            get(show_recommendations).post(recommend_page::submit_meeting),
        )
        .route(
            "/orgs/{id}/recommendations/{rec}/decision",
            post(decide_page::submit_decision),
        )
}

/// `GET /orgs/{id}/recommendations`: a League branch holds its 推优大会 here; a Party branch
/// decides on the recommendations of its people. Any other org has neither.
async fn show_recommendations(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let org = recommend_page::org_for(&st, &u, &raw).await?;
    match org.org_kind() {
        Some(OrgKind::LeagueBranch) => recommend_page::show_meeting_page(&st, &ctx, &u, &org).await,
        Some(OrgKind::PartyBranch) => decide_page::show_decisions(&st, &ctx, &u, &org).await,
        _ => Err(AppError::BadRequest("not_a_branch")),
    }
}

/// The school's League settings: the defaults, with what the school set under `"league"`.
pub async fn settings(st: &AppState, u: &CurrentUser) -> AppResult<LeagueSettings> {
    crate::settings::school_section(&st.db.conn, u.tenant, "league").await
}

/// `p` on the person's League org: League work is the League's, so a Party-only grant does not
/// reach it. Someone in no League org is covered only by a school-level grant.
pub fn ensure_league(orgs: &PersonOrgs, grants: &Grants, p: Permission) -> Result<(), Forbidden> {
    let only_league = PersonOrgs {
        party: None,
        league: orgs.league.clone(),
    };
    only_league.ensure(grants, p)
}

/// What the Party pipeline needs from the League about `person` at step 3: whether they are a
/// 团员, and their latest accepted recommendation with its validity.
/// Everything is read on `c`, the caller's transaction: taking a second pool connection while
/// the transaction holds one can deadlock the pool under load.
pub async fn party_facts(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    person: &Person,
) -> AppResult<(bool, Option<Recommendation>)> {
    let status =
        PoliticalStatus::from_code(&person.political_status).unwrap_or(PoliticalStatus::Masses);
    let member = is_league_member(status, person.league_joined_on);
    let recs = dbleague::recommendations_of(c, u.tenant, PersonId(person.id)).await?;
    let s: LeagueSettings = crate::settings::school_section(c, u.tenant, "league").await?;
    Ok((
        member,
        dbleague::latest_accepted(&recs).map(|d| s.recommendation(d)),
    ))
}
