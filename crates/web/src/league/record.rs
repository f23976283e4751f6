//! Recording one 发展团员 step: parse what the recorder stated, check it against
//! 《中国共产主义青年团发展团员工作细则》, and write the step, the person's joining date (at
//! approval) and the audit entry on the caller's transaction.

use chrono::NaiveDate;
use redbranch_db::ConnectionTrait;
use redbranch_db::league::{self as dbleague, LeagueStepRow, NewLeagueStep};
use redbranch_db::people::{self as dbpeople, Person, PersonId};
use redbranch_domain::dates::parse_date;
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::league::{
    LeagueIntroducer, LeagueSettings, LeagueStep, LeagueStepFacts, LeagueVote, Refusal,
    is_league_member,
};
use redbranch_domain::people::PoliticalStatus;
use serde::Deserialize;
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::members::PersonOrgs;
use crate::session::CurrentUser;
use crate::state::AppState;

/// What a recorder states about one League step (the API's JSON body; the page's form).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct LeagueRequest {
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub on: String,
    pub class_hours: Option<u32>,
    /// Person ids of the 入团介绍人.
    #[serde(default)]
    pub introducers: Vec<i64>,
    pub entitled: Option<u32>,
    pub present: Option<u32>,
    pub yes: Option<u32>,
    /// 发展团员编号, at approval.
    pub league_no: Option<String>,
}

/// A date field: refused when malformed or after today.
pub(crate) fn date_field(
    field: &'static str,
    raw: &str,
    today: NaiveDate,
    errs: &mut FieldErrors,
) -> Option<NaiveDate> {
    let Some(d) = parse_date(raw.trim()) else {
        errs.push(FieldError::new(field, "error.date_format").with("value", raw));
        return None;
    };
    if d > today {
        errs.push(FieldError::new(field, "error.date_in_future").with("today", today));
        return None;
    }
    Some(d)
}

pub(super) fn as_fields(field: &'static str, v: &[Refusal]) -> FieldErrors {
    FieldErrors(
        v.iter()
            .map(|r| FieldError {
                field,
                code: r.key(),
                args: r.args.clone(),
            })
            .collect(),
    )
}

/// Checks `req` for `person` and, if the rules allow it, writes the step, the joining date and
/// the audit entry on `c`. Nothing is written when it returns an error.
pub async fn record_league_step(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    s: &LeagueSettings,
    (person, orgs): (&Person, &PersonOrgs),
    req: &LeagueRequest,
) -> AppResult<(LeagueStep, LeagueStepRow)> {
    let mut errs = FieldErrors::default();
    let step = LeagueStep::from_code(req.step.trim());
    if step.is_none() {
        errs.push(FieldError::new("field.league_step", "error.unknown_step"));
    }
    let on = date_field("field.pipeline_on", &req.on, st.clock.today(), &mut errs);
    let (Some(step), Some(on)) = (step, on) else {
        return Err(errs.into());
    };
    let vote = match (req.entitled, req.present, req.yes) {
        (Some(entitled), Some(present), Some(yes)) => Some(LeagueVote {
            entitled,
            present,
            yes,
        }),
        _ => None,
    };
    for field in step.needs() {
        let missing = match *field {
            "field.birth_date" => person.birth_date.is_none(),
            "field.class_hours" => req.class_hours.is_none(),
            "field.league_introducers" => req.introducers.is_empty(),
            _ => vote.is_none(),
        };
        if missing {
            errs.push(FieldError::new(field, "error.required"));
        }
    }
    errs.into_result()?;

    let found = dbpeople::by_ids(c, u.tenant, &req.introducers).await?;
    let introducers = req
        .introducers
        .iter()
        .map(|id| {
            let p = found
                .iter()
                .find(|p| p.id == *id)
                .ok_or(AppError::BadRequest("unknown_person"))?;
            let status =
                PoliticalStatus::from_code(&p.political_status).unwrap_or(PoliticalStatus::Masses);
            Ok(LeagueIntroducer {
                league_member: is_league_member(status, p.league_joined_on),
                party_member: status.is_party_member(),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let facts = LeagueStepFacts {
        birth_date: person.birth_date,
        class_hours: req.class_hours,
        introducers,
        vote,
        number: req.league_no.clone(),
    };
    let steps = dbleague::league_steps_of(c, u.tenant, PersonId(person.id)).await?;
    let history = dbleague::history(&steps);
    let refusals = s.check_step(step, &history, on, &facts);
    if !refusals.is_empty() {
        return Err(AppError::Invalid(as_fields("field.league_step", &refusals)));
    }
    let league_no = if step == LeagueStep::Approval {
        s.check_number(req.league_no.as_deref(), on)
            .map_err(|r| AppError::Invalid(as_fields("field.league_no", &[r])))?
    } else {
        None
    };
    let details = json!({
        "class_hours": req.class_hours, "introducers": req.introducers,
        "vote": vote.map(|v| json!({"entitled": v.entitled, "present": v.present, "yes": v.yes})),
    });
    let milestone = step.milestone(on);
    let row = dbleague::record_step(
        c,
        u.tenant,
        PersonId(person.id),
        NewLeagueStep {
            step,
            on,
            details: details.clone(),
            league_no: league_no.clone(),
            by: u.user_id,
        },
        milestone,
    )
    .await?;
    let before = milestone.map(|_| {
        json!({"political_status": person.political_status, "league_joined_on": person.league_joined_on})
    });
    let mut after = json!({"league_step": step.code(), "on": on, "details": details});
    if let Some(m) = milestone {
        after["league_joined_on"] = json!(m.joined_on);
        after["league_no"] = json!(league_no);
    }
    let org = orgs.league.as_ref().map(|o| o.org_path());
    let e = crate::audit::entry(
        u,
        "league_step",
        "person",
        person.id,
        org,
        before,
        Some(after),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok((step, row))
}
