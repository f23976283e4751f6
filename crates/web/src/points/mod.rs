//! Points on the web side: the member's own points page (balance, 段位, badges, history with
//! the reason for every entry), leaderboards of orgs (and of people where the school opts in),
//! and the administrators' adjustments (`/points/adjust`) and rule tables. Pages and the JSON API share the
//! functions here.

mod adjust_page;
mod boards;
mod my_points;
mod write;

pub use adjust_page::{show_adjust, submit_adjust};
pub use boards::{BoardQuery, BoardView, load_board, show_boards};
pub use my_points::{PointsView, load_points, show_points};
pub use write::{AdjustInput, AwardInput, adjust_points, award_points, publish_rules};

use redbranch_db::people::{self as dbpeople, Person, PersonId};
use redbranch_domain::points::PointsSettings;

use crate::error::{AppError, AppResult};
use crate::members::PersonOrgs;
use crate::page::Ctx;
use crate::session::CurrentUser;
use crate::state::AppState;

/// The school's points settings (defaults unless set under `"points"`).
pub async fn settings(st: &AppState, u: &CurrentUser) -> AppResult<PointsSettings> {
    crate::settings::school_section(&st.db.conn, u.tenant, "points").await
}

/// The signed-in user's own person record; an account without one has no points.
pub async fn my_person(st: &AppState, u: &CurrentUser) -> AppResult<Person> {
    let id = u.person_id.ok_or(AppError::BadRequest("no_person"))?;
    Ok(dbpeople::get(&st.db.conn, u.tenant, PersonId(id)).await?)
}

/// The orgs of person `id`, read on `c` (a transaction's own connection).
pub async fn person_orgs(
    c: &impl redbranch_db::ConnectionTrait,
    u: &CurrentUser,
    id: i64,
) -> AppResult<PersonOrgs> {
    let p = dbpeople::get(c, u.tenant, PersonId(id)).await?;
    let load = |id: Option<i64>| async move {
        match id {
            Some(id) => {
                match redbranch_db::org::get(c, u.tenant, redbranch_domain::org::OrgId(id)).await {
                    Ok(o) => Ok(Some(o)),
                    Err(redbranch_db::DbError::NotFound) => Ok(None),
                    Err(e) => Err(AppError::from(e)),
                }
            }
            None => Ok(None),
        }
    };
    Ok(PersonOrgs {
        party: load(p.party_org_id).await?,
        league: load(p.league_org_id).await?,
    })
}

/// The name of an activity: `points.activity.<code>`, or the code for one a school invented.
pub fn activity_name(ctx: &Ctx, code: &str) -> String {
    let key = format!("points.activity.{code}");
    let t = ctx.t(&key);
    if t == key {
        code.to_string()
    } else {
        t.to_string()
    }
}

/// The page routes (merged into the main router).
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/points", get(show_points))
        .route("/points/boards", get(show_boards))
        .route("/points/adjust", get(show_adjust).post(submit_adjust))
}

/// Pays the points an activity earns, inside the caller's transaction, so the activity and its
/// points land together or not at all. `key` makes a retry pay nothing twice. An account with
/// no person record, or a school whose rule table has no such activity, earns nothing — the
/// activity itself is still recorded by the caller.
pub async fn earn(
    txn: &impl redbranch_db::ConnectionTrait,
    u: &CurrentUser,
    activity: &str,
    key: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> AppResult<i64> {
    let Some(person) = u.person_id else {
        return Ok(0);
    };
    match redbranch_db::points::award(txn, u.tenant, PersonId(person), activity, key, at).await {
        Ok(a) => Ok(a.points),
        Err(redbranch_db::DbError::Conflict("unknown_activity")) => Ok(0),
        Err(e) => Err(e.into()),
    }
}
