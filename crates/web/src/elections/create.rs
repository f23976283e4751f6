//! Creating an election: title, seats, candidates (学号 of members of the branch), dates, 公示
//! days and quorum rule; the roll is fixed from the branch's members at creation, and a fresh
//! RSA key is made for it (ADR 0007). Shared by the page form and the JSON API.

use chrono::NaiveDate;
use redbranch_db::ConnectionTrait;
use redbranch_db::elections::{self as dbel, Election, NewElection};
use redbranch_db::org as dborg;
use redbranch_domain::authz::Permission;
use redbranch_domain::elections::Quorum;
use redbranch_domain::elections::ballot::{self, KEY_BITS};
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::org::{OrgId, OrgKind, Tree};
use redbranch_domain::people::PoliticalStatus;
use serde::Deserialize;
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;
use crate::state::AppState;

/// Candidates as the form sends them (one text, 学号 separated by spaces, commas or new lines)
/// or as the API does (a list).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Candidates {
    Text(String),
    List(Vec<String>),
}

impl Default for Candidates {
    fn default() -> Self {
        Self::Text(String::new())
    }
}

impl Candidates {
    pub fn numbers(&self) -> Vec<String> {
        match self {
            Self::Text(t) => t
                .split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == '、')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            Self::List(l) => l.iter().map(|s| s.trim().to_string()).collect(),
        }
    }
    pub fn as_text(&self) -> String {
        self.numbers().join("\n")
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ElectionInput {
    #[serde(default)]
    pub org_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub seats: String,
    #[serde(default)]
    pub quorum: String,
    #[serde(default)]
    pub opens_on: String,
    #[serde(default)]
    pub closes_on: String,
    #[serde(default)]
    pub publicity_days: String,
    #[serde(default)]
    pub candidates: Candidates,
}

fn number(field: &'static str, raw: &str, (lo, hi): (i64, i64)) -> Result<i64, FieldError> {
    let v = raw
        .trim()
        .parse::<i64>()
        .map_err(|_| FieldError::new(field, "error.required"))?;
    if v < lo || v > hi {
        return Err(FieldError::new(field, "elections.error.out_of_range")
            .with("min", lo)
            .with("max", hi));
    }
    Ok(v)
}

fn date(field: &'static str, raw: &str) -> Result<NaiveDate, FieldError> {
    raw.trim()
        .parse()
        .map_err(|_| FieldError::new(field, "error.required"))
}

/// Who has a vote: in a Party branch the 正式党员 (预备党员 have none: 党章 第七条); in a League
/// branch every member.
fn votes(tree: Tree, status: &str) -> bool {
    match tree {
        Tree::Party => status == PoliticalStatus::PartyMember.code(),
        Tree::League => true,
    }
}

pub async fn create_election(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    input: &ElectionInput,
) -> AppResult<Election> {
    let org_id = input
        .org_id
        .trim()
        .parse::<i64>()
        .map_err(|_| FieldError::new("field.election_org", "error.required"))?;
    let org = dborg::get(c, u.tenant, OrgId(org_id))
        .await
        .map_err(|_| FieldError::new("field.election_org", "error.required"))?;
    u.grants.ensure(Permission::ManageVotes, &org.org_path())?;
    let tree = org.org_kind().map(OrgKind::tree).unwrap_or(Tree::Party);
    let today = st.clock.today();
    let mut errs = FieldErrors::default();
    let title = input.title.trim().to_string();
    if title.is_empty() || title.chars().count() > 100 {
        errs.push(FieldError::new(
            "field.election_title",
            "elections.error.title",
        ));
    }
    let seats = errs.take(number("field.election_seats", &input.seats, (1, 50)));
    let quorum = match input.quorum.trim() {
        "" => Some(Quorum::Half),
        q => {
            let q = Quorum::from_code(q);
            if q.is_none() {
                errs.push(FieldError::new("field.election_quorum", "error.required"));
            }
            q
        }
    };
    let opens = errs.take(date("field.election_opens_on", &input.opens_on));
    let closes = errs.take(date("field.election_closes_on", &input.closes_on));
    if let (Some(o), Some(c)) = (opens, closes) {
        if c < o {
            errs.push(FieldError::new(
                "field.election_closes_on",
                "elections.error.closes_before_opens",
            ));
        } else if c < today {
            errs.push(FieldError::new(
                "field.election_closes_on",
                "elections.error.closes_in_past",
            ));
        }
    }
    let publicity = match input.publicity_days.trim() {
        "" => Some(5),
        raw => errs.take(number("field.election_publicity_days", raw, (1, 30))),
    };
    let roll: Vec<_> = dbel::branch_members(c, u.tenant, org.id, tree)
        .await?
        .into_iter()
        .filter(|(_, _, status)| votes(tree, status))
        .collect();
    if roll.is_empty() {
        errs.push(FieldError::new(
            "field.election_org",
            "elections.error.empty_roll",
        ));
    }
    let numbers = input.candidates.numbers();
    let mut candidates = Vec::new();
    for no in &numbers {
        let found = match redbranch_db::people::by_student_no(c, u.tenant, no).await? {
            Some(p) => roll.iter().find(|(id, _, _)| *id == p.id).cloned(),
            None => None,
        };
        match found {
            Some((id, name, _)) if !candidates.iter().any(|(i, _)| *i == id) => {
                candidates.push((id, name));
            }
            Some(_) => errs.push(
                FieldError::new(
                    "field.election_candidates",
                    "elections.error.duplicate_candidate",
                )
                .with("no", no),
            ),
            None => errs.push(
                FieldError::new("field.election_candidates", "elections.error.not_on_roll")
                    .with("no", no),
            ),
        }
    }
    if numbers.is_empty() {
        errs.push(FieldError::new(
            "field.election_candidates",
            "error.required",
        ));
    }
    if let Some(s) = seats
        && !candidates.is_empty()
        && usize::try_from(s).unwrap_or(usize::MAX) > candidates.len()
    {
        errs.push(
            FieldError::new(
                "field.election_seats",
                "elections.error.seats_over_candidates",
            )
            .with("candidates", candidates.len()),
        );
    }
    errs.into_result()?;
    let (Some(seats), Some(quorum), Some(opens), Some(closes), Some(publicity)) =
        (seats, quorum, opens, closes, publicity)
    else {
        return Err(FieldErrors::default().into());
    };
    // Key generation takes a second or so of CPU: off the async workers.
    let (public, signing) =
        tokio::task::spawn_blocking(|| ballot::generate(&mut rand::rngs::OsRng, KEY_BITS))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(|e| AppError::Internal(anyhow::anyhow!("election key: {e}")))?;
    let sealed = st.crypto.seal(&signing.to_text())?;
    let names: Vec<String> = candidates.iter().map(|(_, n)| n.clone()).collect();
    let eligible = roll.len();
    let e = dbel::create(
        c,
        u.tenant,
        NewElection {
            org_id: org.id,
            tree,
            title,
            seats: i32::try_from(seats).unwrap_or(1),
            quorum: quorum.code(),
            opens_on: opens,
            closes_on: closes,
            publicity_days: i32::try_from(publicity).unwrap_or(5),
            key_n: public.n,
            key_e: public.e,
            key_sealed: sealed,
            candidates,
            voters: roll.into_iter().map(|(id, _, _)| id).collect(),
            by: u.user_id.0,
        },
    )
    .await?;
    let after = json!({"title": e.title, "seats": e.seats, "quorum": e.quorum, "candidates": names,
        "eligible": eligible, "opens_on": e.opens_on, "closes_on": e.closes_on});
    let entry = crate::audit::entry(
        u,
        "create",
        "election",
        e.id,
        Some(org.org_path()),
        None,
        Some(after),
    );
    redbranch_db::audit::append(c, u.tenant, entry).await?;
    Ok(e)
}
