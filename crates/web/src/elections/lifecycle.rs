//! An election's life after creation: open it, close it, count it (which starts the 公示), and
//! objections during the 公示. Each step is one conditional update with its audit entry; the
//! count checks every ballot's signature again and is stored with a digest of the ballots it
//! counted, so anyone can recompute it from the published list.

use redbranch_db::ConnectionTrait;
use redbranch_db::elections::{self as dbel, Objection};
use redbranch_domain::elections::ballot::{self, BigUint};
use redbranch_domain::elections::{
    Outcome, Quorum, Status, outcomes, publicity_until, quorum_met, turnout_permille,
};
use redbranch_domain::error::FieldError;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Loaded;
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;
use crate::state::AppState;

async fn audit(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
    action: &str,
    after: Value,
) -> AppResult<()> {
    let e = crate::audit::entry(
        u,
        action,
        "election",
        l.e.id,
        Some(l.org.org_path()),
        None,
        Some(after),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(())
}

pub async fn open_election(c: &impl ConnectionTrait, u: &CurrentUser, l: &Loaded) -> AppResult<()> {
    l.ensure_manage()?;
    dbel::set_status(c, u.tenant, l.e.id, Status::Draft, Status::Open)
        .await
        .map_err(|_| AppError::Conflict("election_wrong_status"))?;
    audit(c, u, l, "election_open", json!({"status": "open"})).await
}

pub async fn close_election(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
) -> AppResult<()> {
    l.ensure_manage()?;
    dbel::set_status(c, u.tenant, l.e.id, Status::Open, Status::Closed)
        .await
        .map_err(|_| AppError::Conflict("election_wrong_status"))?;
    let (eligible, issued, cast) = dbel::counts(c, l.e.id).await?;
    let after = json!({"status": "closed", "eligible": eligible, "issued": issued, "cast": cast});
    audit(c, u, l, "election_close", after).await
}

/// The count of a closed election: every signature checked, votes per candidate, turnout,
/// quorum, outcomes, and the published check that no more ballots were cast than signed.
pub async fn count(c: &impl ConnectionTrait, l: &Loaded) -> AppResult<Value> {
    let (n, e) = match (ballot::parse_hex(&l.e.key_n), ballot::parse_hex(&l.e.key_e)) {
        (Some(n), Some(e)) => (n, e),
        _ => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "election key unreadable"
            )));
        }
    };
    let cands = dbel::candidates(c, l.e.id).await?;
    let ballots = dbel::ballots(c, l.e.id).await?;
    let (eligible, issued, _) = dbel::counts(c, l.e.id).await?;
    let mut votes = vec![0u64; cands.len()];
    let mut digest = Sha256::new();
    let mut valid = 0u64;
    for b in &ballots {
        let sig = ballot::parse_hex(&b.signature).unwrap_or(BigUint::from(0u8));
        if !ballot::verify(&n, &e, l.e.id, &b.token, &sig) {
            continue;
        }
        valid += 1;
        digest.update(format!("{}|{}|{}\n", b.token, b.signature, b.choices));
        for ch in b.choices.split(',').filter(|s| !s.is_empty()) {
            if let Some(v) = ch.parse::<usize>().ok().and_then(|i| votes.get_mut(i)) {
                *v += 1;
            }
        }
    }
    let quorum = Quorum::from_code(&l.e.quorum).unwrap_or(Quorum::Half);
    let met = quorum_met(quorum, valid, eligible);
    let seats = u64::try_from(l.e.seats).unwrap_or(1);
    let outs = outcomes(&votes, valid, seats, met);
    let rows: Vec<Value> = cands
        .iter()
        .zip(votes.iter().zip(outs.iter()))
        .map(|(cand, (v, o))| {
            json!({"position": cand.position, "name": cand.name, "votes": v, "outcome": o})
        })
        .collect();
    Ok(json!({
        "eligible": eligible,
        "issued": issued,
        "cast": valid,
        "invalid": ballots.len() as u64 - valid,
        "issued_covers_cast": issued >= valid,
        "turnout_permille": turnout_permille(valid, eligible),
        "quorum": quorum.code(),
        "quorum_met": met,
        "candidates": rows,
        "elected": outs.iter().filter(|o| **o == Outcome::Elected).count(),
        "ballots_sha256": hex::encode(digest.finalize()),
    }))
}

pub async fn tally_election(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
) -> AppResult<Value> {
    l.ensure_manage()?;
    if l.status != Status::Closed {
        return Err(AppError::Conflict("election_wrong_status"));
    }
    let result = count(c, l).await?;
    let today = st.clock.today();
    let days = u32::try_from(l.e.publicity_days).unwrap_or(5);
    let until = publicity_until(today, days);
    dbel::record_tally(c, u.tenant, l.e.id, result.to_string(), (today, until))
        .await
        .map_err(|_| AppError::Conflict("election_wrong_status"))?;
    let after = json!({"result": result, "publicity_until": until});
    audit(c, u, l, "election_tally", after).await?;
    Ok(result)
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ObjectionInput {
    #[serde(default)]
    pub body: String,
}

/// An objection to a counted election, during its 公示, by anyone who may see it.
pub async fn file_objection(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    l: &Loaded,
    input: &ObjectionInput,
) -> AppResult<Objection> {
    let today = st.clock.today();
    let open = l.status == Status::Tallied && l.e.publicity_until.is_some_and(|d| today <= d);
    if !open {
        return Err(AppError::Conflict("election_not_in_publicity"));
    }
    let body = input.body.trim().to_string();
    if body.is_empty() || body.chars().count() > 2000 {
        return Err(
            FieldError::new("field.objection_body", "elections.error.objection_body").into(),
        );
    }
    let row = dbel::add_objection(c, u.tenant, l.e.id, body, u.user_id.0).await?;
    audit(
        c,
        u,
        l,
        "election_objection",
        json!({"objection_id": row.id, "body": row.body}),
    )
    .await?;
    Ok(row)
}
