//! Recording a 推优大会: a League branch's vote on its candidates for the Party, checked for
//! quorum, eligibility and quota (RULES §5), written with its audit entry in one transaction.

use redbranch_db::ConnectionTrait;
use redbranch_db::league::{self as dbleague, Meeting, NewMeeting, RecommendationRow};
use redbranch_db::org::Org;
use redbranch_db::people::{self as dbpeople, PersonId};
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::league::{Candidate, LeagueSettings, Refusal};
use redbranch_i18n::Locale;
use serde::Deserialize;
use serde_json::json;

use super::record::{as_fields, date_field};
use crate::error::{AppError, AppResult};
use crate::render::field_message;
use crate::session::CurrentUser;
use crate::state::AppState;

/// Candidates one meeting may vote on; more is a typing accident, not a branch.
const MAX_CANDIDATES: usize = 50;

#[derive(Debug, Clone, Deserialize)]
pub struct CandidateRequest {
    pub person_id: i64,
    pub yes: u32,
}

/// A 推优大会 as the recorder states it.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct RecommendRequest {
    #[serde(default)]
    pub on: String,
    pub entitled: Option<u32>,
    pub present: Option<u32>,
    #[serde(default)]
    pub candidates: Vec<CandidateRequest>,
}

fn count(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// A refusal about one candidate, named: "张三：推优对象须年满 18 周岁…".
fn about(locale: Locale, name: &str, r: &Refusal) -> FieldError {
    let reason = field_message(
        locale,
        &FieldError {
            field: "field.candidate",
            code: r.key(),
            args: r.args.clone(),
        },
    );
    FieldError::new("field.candidate", "league.candidate_refused")
        .with("name", name)
        .with("reason", reason)
}

/// Checks and writes a 推优大会 of the League branch `org`. The caller has checked the
/// permission; nothing is written when this returns an error.
pub async fn record_recommendation(
    st: &AppState,
    c: &impl ConnectionTrait,
    (u, locale): (&CurrentUser, Locale),
    s: &LeagueSettings,
    org: &Org,
    req: &RecommendRequest,
) -> AppResult<(Meeting, Vec<RecommendationRow>)> {
    let mut errs = FieldErrors::default();
    let on = date_field("field.meeting_on", &req.on, st.clock.today(), &mut errs);
    if req.entitled.is_none() {
        errs.push(FieldError::new("field.entitled", "error.required"));
    }
    if req.present.is_none() {
        errs.push(FieldError::new("field.present", "error.required"));
    }
    if req.candidates.is_empty() || req.candidates.len() > MAX_CANDIDATES {
        errs.push(
            FieldError::new("field.candidate", "league.candidates_count")
                .with("max", MAX_CANDIDATES),
        );
    }
    let ids: Vec<i64> = req.candidates.iter().map(|c| c.person_id).collect();
    let found = dbpeople::by_ids(c, u.tenant, &ids).await?;
    let mut candidates = Vec::new();
    for (i, cand) in req.candidates.iter().enumerate() {
        let Some(p) = found.iter().find(|p| p.id == cand.person_id) else {
            return Err(AppError::BadRequest("unknown_person"));
        };
        if ids[..i].contains(&cand.person_id) {
            errs.push(
                FieldError::new("field.candidate", "league.candidate_twice").with("name", &p.name),
            );
        }
        if p.league_org_id != Some(org.id) {
            errs.push(
                FieldError::new("field.candidate", "league.candidate_elsewhere")
                    .with("name", &p.name),
            );
        }
        // Eligibility is counted from these dates: without them it cannot be shown.
        for (field, value) in [
            ("field.birth_date", p.birth_date),
            ("field.league_joined_on", p.league_joined_on),
            ("field.party_applied_on", p.party_applied_on),
        ] {
            if value.is_none() {
                let label = redbranch_i18n::tr(locale, field);
                errs.push(
                    FieldError::new("field.candidate", "league.candidate_missing")
                        .with("name", &p.name)
                        .with("field", label),
                );
            }
        }
        if let (Some(birth_date), Some(league_joined_on), Some(party_applied_on)) =
            (p.birth_date, p.league_joined_on, p.party_applied_on)
        {
            candidates.push(Candidate {
                birth_date,
                league_joined_on,
                party_applied_on,
                yes: cand.yes,
            });
        }
    }
    errs.into_result()?;
    // Each of these pushed an error above when missing.
    let (Some(on), Some(entitled), Some(present)) = (on, req.entitled, req.present) else {
        return Err(AppError::BadRequest("bad_json"));
    };
    let members =
        u32::try_from(dbleague::member_count(c, u.tenant, org.id).await?).unwrap_or(u32::MAX);
    let verdicts = s
        .check_recommendation_meeting(on, (entitled, present, members), &candidates)
        .map_err(|refusals| {
            let mut out = FieldErrors::default();
            for r in &refusals {
                let who = r
                    .arg("n")
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|n| req.candidates.get(n.checked_sub(1)?))
                    .and_then(|cand| found.iter().find(|p| p.id == cand.person_id));
                match who {
                    Some(p) => out.push(about(locale, &p.name, r)),
                    None => out
                        .0
                        .extend(as_fields("field.meeting", std::slice::from_ref(r)).0),
                }
            }
            AppError::Invalid(out)
        })?;
    let quota = s.quota(members);
    let results: Vec<_> = req
        .candidates
        .iter()
        .zip(&verdicts)
        .map(|(cand, v)| (PersonId(cand.person_id), count(cand.yes), v.passed))
        .collect();
    let (meeting, rows) = dbleague::record_meeting(
        c,
        u.tenant,
        NewMeeting {
            org: org.id,
            held_on: on,
            entitled: count(entitled),
            present: count(present),
            members: count(members),
            quota: count(quota),
            by: u.user_id,
        },
        &results,
    )
    .await?;
    let after = json!({
        "held_on": on, "entitled": entitled, "present": present, "members": members, "quota": quota,
        "candidates": rows.iter().map(|r| json!({"person_id": r.person_id, "yes": r.yes_votes, "passed": r.passed})).collect::<Vec<_>>(),
    });
    let e = crate::audit::entry(
        u,
        "league_recommendation_meeting",
        "org",
        org.id,
        Some(org.org_path()),
        None,
        Some(after),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok((meeting, rows))
}
