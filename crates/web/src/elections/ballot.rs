//! The secret ballot (ADR 0007): a voter on the roll has one blinded token signed while signed
//! in; later, without any session, the ballot box takes (token, signature, choices), checks the
//! signature and that the token is new, and stores them with nothing else. The token is the
//! voter's receipt.

use redbranch_db::elections as dbel;
use redbranch_db::{DbError, TransactionTrait};
use redbranch_domain::elections::ballot::{self, SigningKey};
use redbranch_domain::elections::{Status, check_choices, in_window};
use redbranch_domain::error::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::Loaded;
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::session::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct IssueInput {
    /// `fdh(token) · r^e mod n`, hex.
    #[serde(default)]
    pub blinded: String,
}

/// Refuses unless the election takes votes today.
fn ensure_voting(st: &AppState, e: &dbel::Election) -> AppResult<()> {
    if Status::from_code(&e.status) != Some(Status::Open) {
        return Err(AppError::Conflict("election_not_open"));
    }
    if !in_window(st.clock.today(), e.opens_on, e.closes_on) {
        return Err(AppError::Conflict("election_outside_window"));
    }
    Ok(())
}

/// Signs the caller's blinded token, once per voter. Returns the blind signature, hex.
pub async fn issue_ballot(
    st: &AppState,
    u: &CurrentUser,
    l: &Loaded,
    input: &IssueInput,
) -> AppResult<String> {
    let Some(person) = u.person_id.filter(|_| l.voter.is_some()) else {
        return Err(AppError::Conflict("election_not_on_roll"));
    };
    ensure_voting(st, &l.e)?;
    let key = SigningKey::from_text(&st.crypto.open(&l.e.key_sealed)?)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("election key unreadable")))?;
    let blinded = ballot::parse_hex(&input.blinded)
        .filter(|b| *b < key.n)
        .ok_or_else(|| FieldError::new("field.ballot_blinded", "elections.error.bad_blinded"))?;
    let sig = ballot::sign_blinded(&key, &blinded)
        .ok_or_else(|| FieldError::new("field.ballot_blinded", "elections.error.bad_blinded"))?;
    let txn = st.db.conn.begin().await?;
    dbel::mark_issued(&txn, l.e.id, person)
        .await
        .map_err(|_| AppError::Conflict("ballot_already_issued"))?;
    // Who took a ballot is as public as the signed roll at a meeting; what they chose is not
    // knowable from here (the server never sees the token).
    let entry = crate::audit::entry(
        u,
        "election_ballot_issued",
        "election",
        l.e.id,
        Some(l.org.org_path()),
        None,
        Some(json!({"issued": true})),
    );
    redbranch_db::audit::append(&txn, u.tenant, entry).await?;
    txn.commit().await?;
    Ok(sig.to_str_radix(16))
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct CastInput {
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub signature: String,
    /// Candidate positions (0-based).
    #[serde(default)]
    pub choices: Vec<u32>,
}

/// What the ballot box answers: the receipt is the token itself.
#[derive(Debug, Clone, Serialize)]
pub struct Receipt {
    pub election_id: i64,
    pub receipt: String,
    pub choices: Vec<u32>,
}

fn choices_text(choices: &[u32]) -> String {
    let mut c = choices.to_vec();
    c.sort_unstable();
    c.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

pub fn parse_choices(s: &str) -> Vec<u32> {
    s.split(',').filter_map(|x| x.parse().ok()).collect()
}

/// The anonymous ballot box. No session is looked at, and one that is present is refused: a
/// ballot sent with the voter's cookie would tie them to it in the request itself.
pub async fn cast_ballot(
    st: &AppState,
    signed_in: bool,
    raw: &str,
    input: &CastInput,
) -> AppResult<Receipt> {
    if signed_in {
        return Err(AppError::BadRequest("ballot_with_session"));
    }
    let id = parse_id(raw)?;
    let e = dbel::get_for_ballot_box(&st.db.conn, id).await?;
    ensure_voting(st, &e)?;
    let token = input.token.trim();
    if !ballot::is_token(token) {
        return Err(FieldError::new("field.ballot_token", "elections.error.bad_token").into());
    }
    let (Some(n), Some(ex)) = (ballot::parse_hex(&e.key_n), ballot::parse_hex(&e.key_e)) else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "election key unreadable"
        )));
    };
    let sig = ballot::parse_hex(&input.signature)
        .filter(|s| ballot::verify(&n, &ex, e.id, token, s))
        .ok_or_else(|| {
            FieldError::new("field.ballot_signature", "elections.error.bad_signature")
        })?;
    let candidates = dbel::candidates(&st.db.conn, e.id).await?;
    check_choices(
        &input.choices,
        u32::try_from(candidates.len()).unwrap_or(u32::MAX),
        u32::try_from(e.seats).unwrap_or(1),
    )?;
    let text = choices_text(&input.choices);
    let sig_hex = sig.to_str_radix(16);
    // A single insert: it either stores the whole ballot or, for a token already used, nothing.
    dbel::cast(&st.db.conn, e.id, token, &sig_hex, &text)
        .await
        .map_err(|err| match err {
            DbError::Duplicate(_) => AppError::Conflict("ballot_token_used"),
            other => other.into(),
        })?;
    Ok(Receipt {
        election_id: e.id,
        receipt: token.to_string(),
        choices: parse_choices(&text),
    })
}

/// The ballot a receipt stands for, if it is in the ballot box. Anyone holding the receipt may
/// ask; the receipt itself is the secret.
pub async fn check_receipt(st: &AppState, raw: &str, token: &str) -> AppResult<Option<Receipt>> {
    let id = parse_id(raw)?;
    let token = token.trim().to_ascii_lowercase();
    if !ballot::is_token(&token) {
        return Err(FieldError::new("field.ballot_token", "elections.error.bad_token").into());
    }
    let b = dbel::ballot(&st.db.conn, id, &token).await?;
    Ok(b.map(|b| Receipt {
        election_id: id,
        receipt: b.token,
        choices: parse_choices(&b.choices),
    }))
}
