//! Elections and votes on the web side: who may see, run and vote in an election, the view the
//! page and the API share, and the routes. The actions live in one file per group: `create`,
//! `lifecycle` (open, close, count, objections), `ballot` (signing a blinded ballot, the
//! anonymous ballot box, receipts) and `pages`.
//!
//! Who is who: whoever holds `ManageVotes` on the election's org runs it; whoever is on its roll
//! votes; whoever holds `ViewOrg` there (the branch's members) sees it and its published
//! ballots. Everyone else is refused before anything is read.

mod ballot;
mod create;
mod lifecycle;
mod pages;

pub use ballot::{CastInput, IssueInput, cast_ballot, check_receipt, issue_ballot};
pub use create::{ElectionInput, create_election};
pub use lifecycle::{
    ObjectionInput, close_election, file_objection, open_election, tally_election,
};
pub use pages::Failed;

use redbranch_db::elections::{self as dbel, Candidate, Election, Objection};
use redbranch_db::org::{self as dborg, Org};
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::elections::ballot::PublicKey;
use redbranch_domain::elections::{Quorum, Status, in_window};
use redbranch_domain::org::{OrgId, Tree};
use serde::Serialize;
use serde_json::Value;

use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::session::CurrentUser;
use crate::state::AppState;

/// An election with what the caller is to it.
pub struct Loaded {
    pub e: Election,
    pub org: Org,
    pub status: Status,
    /// `ManageVotes` on the org.
    pub manage: bool,
    /// On the roll: `Some(issued)`.
    pub voter: Option<bool>,
}

impl Loaded {
    pub fn tree(&self) -> Tree {
        Tree::from_code(&self.e.tree).unwrap_or(Tree::Party)
    }

    pub fn ensure_manage(&self) -> AppResult<()> {
        if self.manage {
            Ok(())
        } else {
            Err(AppError::Forbidden(Forbidden(Permission::ManageVotes)))
        }
    }
}

/// The election at `raw` for `u`: refused unless they run it, are on its roll or see its org.
pub async fn load(st: &AppState, u: &CurrentUser, raw: &str) -> AppResult<Loaded> {
    let id = parse_id(raw)?;
    let e = dbel::get(&st.db.conn, u.tenant, id).await?;
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(e.org_id)).await?;
    let path = org.org_path();
    let manage = u.grants.ensure(Permission::ManageVotes, &path).is_ok();
    let voter = match u.person_id {
        Some(p) => dbel::voter(&st.db.conn, e.id, p).await?,
        None => None,
    };
    if !manage && voter.is_none() {
        u.grants.ensure(Permission::ViewOrg, &path)?;
    }
    let status = Status::from_code(&e.status).unwrap_or(Status::Draft);
    Ok(Loaded {
        e,
        org,
        status,
        manage,
        voter,
    })
}

/// An election as the page and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct ElectionView {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub tree: &'static str,
    pub title: String,
    pub seats: i32,
    pub quorum: &'static str,
    pub opens_on: String,
    pub closes_on: String,
    pub publicity_days: i32,
    pub status: Status,
    pub public_key: PublicKey,
    pub candidates: Vec<Candidate>,
    pub eligible: u64,
    /// Ballots signed (voters who took a ballot).
    pub issued: u64,
    /// Ballots in the ballot box; never more than `issued`.
    pub cast: u64,
    /// The count, once tallied.
    pub result: Option<Value>,
    pub tallied_on: String,
    pub publicity_until: String,
    pub may_manage: bool,
    pub on_roll: bool,
    pub ballot_taken: bool,
    /// Open and within its dates today.
    pub voting_now: bool,
    /// Under 公示 today: objections are accepted.
    pub in_publicity: bool,
    /// Objections, for those who run the election.
    pub objections: Vec<Objection>,
}

pub async fn view(st: &AppState, l: &Loaded) -> AppResult<ElectionView> {
    let c = &st.db.conn;
    let (eligible, issued, cast) = dbel::counts(c, l.e.id).await?;
    let today = st.clock.today();
    let voting_now = l.status == Status::Open && in_window(today, l.e.opens_on, l.e.closes_on);
    let in_publicity =
        l.status == Status::Tallied && l.e.publicity_until.is_some_and(|d| today <= d);
    let objections = if l.manage {
        dbel::objections(c, l.e.id).await?
    } else {
        Vec::new()
    };
    Ok(ElectionView {
        id: l.e.id,
        org_id: l.org.id,
        org_name: l.org.name.clone(),
        tree: l.tree().code(),
        title: l.e.title.clone(),
        seats: l.e.seats,
        quorum: Quorum::from_code(&l.e.quorum)
            .unwrap_or(Quorum::Half)
            .code(),
        opens_on: l.e.opens_on.to_string(),
        closes_on: l.e.closes_on.to_string(),
        publicity_days: l.e.publicity_days,
        status: l.status,
        public_key: PublicKey {
            n: l.e.key_n.clone(),
            e: l.e.key_e.clone(),
        },
        candidates: dbel::candidates(c, l.e.id).await?,
        eligible,
        issued,
        cast,
        result: l
            .e
            .result
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok()),
        tallied_on: crate::fmt::date_opt(l.e.tallied_on),
        publicity_until: crate::fmt::date_opt(l.e.publicity_until),
        may_manage: l.manage,
        on_roll: l.voter.is_some(),
        ballot_taken: l.voter == Some(true),
        voting_now,
        in_publicity,
        objections,
    })
}

/// One row of a list of elections.
#[derive(Debug, Clone, Serialize)]
pub struct ElectionRow {
    pub id: i64,
    pub title: String,
    pub org_id: i64,
    pub status: Status,
    pub opens_on: String,
    pub closes_on: String,
}

/// Elections of the orgs the caller sees and those on whose roll they are.
pub async fn list(st: &AppState, u: &CurrentUser) -> AppResult<Vec<ElectionRow>> {
    let scope = u.grants.scope(Permission::ViewOrg);
    let rows = dbel::list(&st.db.conn, u.tenant, &scope, u.person_id).await?;
    Ok(rows
        .into_iter()
        .map(|e| ElectionRow {
            id: e.id,
            status: Status::from_code(&e.status).unwrap_or(Status::Draft),
            title: e.title,
            org_id: e.org_id,
            opens_on: e.opens_on.to_string(),
            closes_on: e.closes_on.to_string(),
        })
        .collect())
}

/// Every published ballot with the public key: what anyone on the branch needs to check each
/// signature and count again. Only once voting has ended, so no running tally leaks.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedBallots {
    pub election_id: i64,
    pub public_key: PublicKey,
    pub fdh: &'static str,
    pub issued: u64,
    pub cast: u64,
    pub ballots: Vec<redbranch_db::elections::Ballot>,
}

pub async fn published_ballots(st: &AppState, l: &Loaded) -> AppResult<PublishedBallots> {
    if matches!(l.status, Status::Draft | Status::Open) {
        return Err(AppError::Conflict("election_still_open"));
    }
    let (_, issued, cast) = dbel::counts(&st.db.conn, l.e.id).await?;
    Ok(PublishedBallots {
        election_id: l.e.id,
        public_key: PublicKey {
            n: l.e.key_n.clone(),
            e: l.e.key_e.clone(),
        },
        fdh: "m = OS2IP(SHA256(I2OSP(0,4) || msg) || SHA256(I2OSP(1,4) || msg) || …)[..len(n)] mod n, msg = \"redbranch-ballot:{election_id}:{token}\"; valid iff signature^e mod n == m",
        issued,
        cast,
        ballots: dbel::ballots(&st.db.conn, l.e.id).await?,
    })
}

/// The election pages and their form posts (merged into the main router).
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/elections",
            get(pages::list_elections).post(pages::create_election_form),
        )
        .route("/elections/{id}", get(pages::show_election))
        .route("/elections/{id}/open", post(pages::open_election_form))
        .route("/elections/{id}/close", post(pages::close_election_form))
        .route("/elections/{id}/tally", post(pages::tally_election_form))
        .route(
            "/elections/{id}/objections",
            post(pages::file_objection_form),
        )
        .route("/elections/{id}/receipt", get(pages::show_receipt))
}
