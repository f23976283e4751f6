//! Recording one step of a person's pipeline: parse what the recorder stated, check it against
//! the rules of 《中国共产党发展党员工作细则》, and write the step, its milestone and the audit
//! entry on the caller's connection (a transaction of one step, or of a whole cohort).

use chrono::NaiveDate;
use redbranch_db::ConnectionTrait;
use redbranch_db::people::{self as dbpeople, Person, PersonId};
use redbranch_db::pipeline::{self as dbpipeline, NewStep, RecordedStep};
use redbranch_domain::authz::Permission;
use redbranch_domain::dates::parse_date;
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::people::PoliticalStatus;
use redbranch_domain::pipeline::{
    Fact, Introducer, PipelineSettings, Refusal, Step, StepFacts, Vote,
};
use serde::Deserialize;
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::members::PersonOrgs;
use crate::session::CurrentUser;
use crate::state::AppState;

/// The longest override reason kept; longer is refused rather than cut.
const MAX_REASON: usize = 500;

/// What a recorder states about one step (the API's JSON body; the page's form fields).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct RecordRequest {
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub on: String,
    /// Person ids of the 培养联系人.
    #[serde(default)]
    pub cultivators: Vec<i64>,
    /// Person ids of the 入党介绍人.
    #[serde(default)]
    pub introducers: Vec<i64>,
    pub training_days: Option<u32>,
    pub training_hours: Option<u32>,
    pub entitled: Option<u32>,
    pub present: Option<u32>,
    pub yes: Option<u32>,
    pub publicity_start: Option<String>,
    pub publicity_end: Option<String>,
    pub leaving_on: Option<String>,
    /// Set by an administrator recording a step the rules refuse.
    pub override_reason: Option<String>,
}

/// A step written, with what the recorder should know: flags, and on an override the rules it
/// went past.
pub struct Recorded {
    pub row: RecordedStep,
    pub step: Step,
    pub overridden: bool,
    pub notices: Vec<FieldError>,
}

/// The school's pipeline settings: the national defaults, with what the school has set in its
/// settings under `"pipeline"`.
pub async fn settings(st: &AppState, u: &CurrentUser) -> AppResult<PipelineSettings> {
    settings_of(&st.db.conn, u.tenant).await
}

/// [`settings`] for a school by id (the daily job has no signed-in user).
pub async fn settings_of(
    c: &impl ConnectionTrait,
    tenant: redbranch_db::tenants::TenantId,
) -> AppResult<PipelineSettings> {
    crate::settings::school_section(c, tenant, "pipeline").await
}

fn date(field: &'static str, raw: &str, errs: &mut FieldErrors) -> Option<NaiveDate> {
    let parsed = parse_date(raw);
    if parsed.is_none() {
        errs.push(FieldError::new(field, "error.date_format").with("value", raw));
    }
    parsed
}

fn optional_date(
    field: &'static str,
    raw: &Option<String>,
    errs: &mut FieldErrors,
) -> Option<NaiveDate> {
    raw.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| date(field, s, errs))
}

/// The political status of each of `ids`, in order; each must be a person of the same school.
async fn statuses(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    ids: &[i64],
) -> AppResult<Vec<PoliticalStatus>> {
    let found = dbpeople::by_ids(c, u.tenant, ids).await?;
    ids.iter()
        .map(|id| {
            let p = found
                .iter()
                .find(|p| p.id == *id)
                .ok_or(AppError::BadRequest("unknown_person"))?;
            Ok(PoliticalStatus::from_code(&p.political_status).unwrap_or(PoliticalStatus::Masses))
        })
        .collect()
}

fn as_fields(v: &[Refusal]) -> Vec<FieldError> {
    v.iter()
        .map(|r| FieldError {
            field: "field.pipeline_step",
            code: r.key(),
            args: r.args.clone(),
        })
        .collect()
}

/// Checks `req` for `person` and, if the rules allow it (or an administrator overrides them with
/// a reason), writes the step, its milestone and the audit entry on `c`. Nothing is written when
/// it returns an error.
pub async fn record_step(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    s: &PipelineSettings,
    (person, orgs): (&Person, &PersonOrgs),
    req: &RecordRequest,
) -> AppResult<Recorded> {
    let mut errs = FieldErrors::default();
    let step = Step::from_code(req.step.trim());
    if step.is_none() {
        errs.push(FieldError::new("field.pipeline_step", "error.unknown_step"));
    }
    let on = date("field.pipeline_on", req.on.trim(), &mut errs);
    let publicity_start = optional_date("field.publicity_start", &req.publicity_start, &mut errs);
    let publicity_end = optional_date("field.publicity_end", &req.publicity_end, &mut errs);
    let leaving_on = optional_date("field.leaving_on", &req.leaving_on, &mut errs);
    let reason = req
        .override_reason
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > MAX_REASON)
    {
        errs.push(
            FieldError::new("field.override_reason", "error.too_long").with("max", MAX_REASON),
        );
    }
    let today = st.clock.today();
    if on.is_some_and(|d| d > today) {
        errs.push(
            FieldError::new("field.pipeline_on", "error.date_in_future").with("today", today),
        );
    }
    let (Some(step), Some(on)) = (step, on) else {
        return Err(errs.into());
    };
    if step.by_higher_committee() {
        orgs.ensure(&u.grants, Permission::ApprovePipeline)?;
    }
    let birth = person.birth_date;
    let vote = match (req.entitled, req.present, req.yes) {
        (Some(entitled), Some(present), Some(yes)) => Some(Vote {
            entitled,
            present,
            yes,
        }),
        _ => None,
    };
    for fact in step.needs() {
        let missing = match fact {
            Fact::BirthDate => birth.is_none(),
            Fact::Cultivators => req.cultivators.is_empty(),
            Fact::Introducers => req.introducers.is_empty(),
            Fact::Training => req.training_days.is_none() && req.training_hours.is_none(),
            Fact::Vote => vote.is_none(),
        };
        if missing {
            errs.push(FieldError::new(fact.field(), "error.required"));
        }
    }
    errs.into_result()?;

    // 细则 第十四条: an introducer under 留党察看 on the step's day, rights not restored, is
    // refused; their discipline records are read on the step's transaction.
    let disciplined = crate::discipline::under_probation(c, u, &req.introducers, on).await?;
    let introducers = statuses(c, u, &req.introducers)
        .await?
        .into_iter()
        .zip(disciplined)
        .map(|(status, under_probation_discipline)| Introducer {
            status,
            under_probation_discipline,
        })
        .collect();
    let (league_member, recommendation) = if step == Step::RecommendActivist {
        crate::league::party_facts(c, u, person).await?
    } else {
        (false, None)
    };
    let facts = StepFacts {
        on,
        birth_date: birth,
        cultivators: req.cultivators.len(),
        introducers,
        training_days: req.training_days.unwrap_or(0),
        training_hours: req.training_hours.unwrap_or(0),
        vote,
        publicity: publicity_start.zip(publicity_end),
        leaving_on,
        league_member,
        recommendation,
    };
    let steps = dbpipeline::steps_of(c, u.tenant, PersonId(person.id)).await?;
    let history = dbpipeline::history(&steps);
    let checked = s.check_step(step, &history, &facts);
    let overridden = !checked.is_clear();
    if overridden {
        let may_override = orgs
            .ensure(&u.grants, Permission::OverridePipelineRule)
            .is_ok();
        if reason.is_none() || !may_override {
            return Err(AppError::Invalid(FieldErrors(as_fields(&checked.refusals))));
        }
    }
    let details = json!({
        "cultivators": req.cultivators, "introducers": req.introducers,
        "training_days": req.training_days, "training_hours": req.training_hours,
        "vote": vote.map(|v| json!({"entitled": v.entitled, "present": v.present, "yes": v.yes})),
        "publicity": facts.publicity, "leaving_on": leaving_on,
        "refused_under": checked.refusals.iter().map(|r| r.rule.code()).collect::<Vec<_>>(),
    });
    let milestone = s.milestone(step, &history, on);
    let org = orgs.party.as_ref().map(|o| o.org_path());
    let row = dbpipeline::record(
        c,
        u.tenant,
        PersonId(person.id),
        NewStep {
            step,
            on,
            details: details.clone(),
            override_reason: if overridden { reason.clone() } else { None },
            by: u.user_id,
        },
        milestone,
    )
    .await?;
    let action = if overridden {
        "pipeline_override"
    } else {
        "pipeline_step"
    };
    let mut after = json!({"step": step.code(), "on": on, "details": details});
    if overridden {
        after["override_reason"] = json!(reason);
    }
    // A milestone changes the person's status and one of its dates: the entry shows both sides.
    let before = milestone.map(|_| json!({"political_status": person.political_status}));
    if let Some(m) = milestone {
        after["political_status"] = json!(m.status.code());
        after["status_since"] = json!(m.date);
    }
    let e = crate::audit::entry(u, action, "person", person.id, org, before, Some(after));
    redbranch_db::audit::append(c, u.tenant, e).await?;

    let overridden_rules: &[Refusal] = if overridden { &checked.refusals } else { &[] };
    let mut notices = as_fields(&checked.notices);
    notices.extend(as_fields(overridden_rules));
    Ok(Recorded {
        row,
        step,
        overridden,
        notices,
    })
}
