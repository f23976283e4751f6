//! The Party branch's decision on a recommendation: accepted as the basis for 积极分子, or
//! declined. Only a passed recommendation is decided, once, on a day between the 推优大会 and
//! today; the decision is audited. Not accepting needs a reason (at most 500 characters): the
//! League branch and the candidate are owed one, and it stays on the record.

use redbranch_db::ConnectionTrait;
use redbranch_db::league::{self as dbleague, ACCEPTED, DECLINED, Decision};
use redbranch_db::people::{self as dbpeople, PersonId};
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::error::{FieldError, FieldErrors};
use serde::Deserialize;
use serde_json::json;

use super::record::date_field;
use crate::error::{AppError, AppResult};
use crate::members::PersonOrgs;
use crate::session::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Default, Clone, Deserialize)]
pub struct DecisionRequest {
    /// `accepted` or `declined`.
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub on: String,
    /// Why not accepted: required with `declined`.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The longest reason kept; longer is refused rather than cut.
const MAX_REASON: usize = 500;

/// Records the decision on recommendation `id` if `u` may record Party steps for the candidate
/// on their Party org (not their League org: the recommendation goes *to* the Party).
pub async fn decide_recommendation(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    id: i64,
    req: &DecisionRequest,
) -> AppResult<()> {
    let (rec, meeting) = dbleague::get_recommendation(c, u.tenant, id).await?;
    let person = dbpeople::get(c, u.tenant, PersonId(rec.person_id)).await?;
    let orgs = PersonOrgs::of(c, u.tenant, &person).await?;
    let party = orgs
        .party
        .as_ref()
        .ok_or(Forbidden(Permission::RecordPipeline))?;
    u.grants
        .ensure(Permission::RecordPipeline, &party.org_path())?;

    // Decided once: a second decision is the conflict whatever it says (the update below
    // guards the race; this answers before the form's own faults are weighed).
    if rec.decision.is_some() {
        return Err(AppError::Conflict("already_decided"));
    }
    let mut errs = FieldErrors::default();
    let decision = match req.decision.trim() {
        ACCEPTED => Some(ACCEPTED),
        DECLINED => Some(DECLINED),
        _ => {
            errs.push(FieldError::new("field.decision", "league.unknown_decision"));
            None
        }
    };
    let on = date_field("field.decided_on", &req.on, st.clock.today(), &mut errs);
    if let Some(d) = on.filter(|d| *d < meeting.held_on) {
        errs.push(
            FieldError::new("field.decided_on", "league.decided_before_meeting")
                .with("meeting", meeting.held_on)
                .with("on", d),
        );
    }
    if !rec.passed {
        errs.push(FieldError::new("field.decision", "league.not_passed"));
    }
    let reason = req
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    if decision == Some(DECLINED) && reason.is_none() {
        errs.push(FieldError::new(
            "field.decision_reason",
            "league.reason_required",
        ));
    }
    if reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > MAX_REASON)
    {
        errs.push(
            FieldError::new("field.decision_reason", "error.too_long").with("max", MAX_REASON),
        );
    }
    errs.into_result()?;
    let (Some(decision), Some(on)) = (decision, on) else {
        return Err(AppError::BadRequest("bad_json"));
    };
    let d = Decision {
        decision,
        on,
        reason: reason.clone(),
        by: u.user_id,
    };
    dbleague::decide(c, u.tenant, id, d).await?;
    let e = crate::audit::entry(
        u,
        "league_recommendation_decision",
        "person",
        person.id,
        Some(party.org_path()),
        Some(json!({"recommendation": id, "decision": rec.decision})),
        Some(
            json!({"recommendation": id, "decision": decision, "on": on, "reason": reason, "meeting_on": meeting.held_on}),
        ),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(())
}
