//! `GET /members/{id}/pipeline`: a person's 发展党员 record — the 25 steps by stage, what is
//! recorded and when, and the form for the next step — and `POST` of that form.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::people::{self as dbpeople, Person, PersonId};
use redbranch_db::pipeline as dbpipeline;
use redbranch_domain::authz::Permission;
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::pipeline::{Fact, Stage, Step};
use serde::Deserialize;

use super::{RecordRequest, record_step, settings};
use crate::error::{AppError, AppResult};
use crate::members::{PersonOrgs, viewable_person};
use crate::orgs::FormErrors;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// One step as the page lists it.
pub struct StepRow {
    pub number: u8,
    pub name: String,
    pub on: Option<String>,
    pub overridden: bool,
    pub next: bool,
}

pub struct StageBlock {
    pub name: String,
    pub steps: Vec<StepRow>,
}

/// What was typed into the next-step form (kept when it is refused).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub on: String,
    /// 学号/工号 of the 培养联系人, separated by commas, spaces or 、.
    #[serde(default)]
    pub cultivators: String,
    #[serde(default)]
    pub introducers: String,
    #[serde(default)]
    pub training_days: String,
    #[serde(default)]
    pub training_hours: String,
    #[serde(default)]
    pub entitled: String,
    #[serde(default)]
    pub present: String,
    #[serde(default)]
    pub yes: String,
    #[serde(default)]
    pub publicity_start: String,
    #[serde(default)]
    pub publicity_end: String,
    #[serde(default)]
    pub leaving_on: String,
    #[serde(default)]
    pub override_reason: String,
}

/// The next step's form: which inputs it shows, what was typed and the errors.
pub struct NextForm {
    pub step: Step,
    pub name: String,
    pub number: u8,
    pub due: Option<String>,
    pub needs_cultivators: bool,
    pub needs_introducers: bool,
    pub needs_training: bool,
    pub needs_vote: bool,
    /// The admission 支部大会 also takes the 公示 period and a leaving date.
    pub is_admission_meeting: bool,
    pub may_override: bool,
    pub typed: StepForm,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "pipeline/show.html")]
struct PipelinePage {
    page: Page,
    person_id: i64,
    stages: Vec<StageBlock>,
    next: Option<NextForm>,
    may_record: bool,
    /// The next step is the 上级党委's, and this viewer is not it.
    awaiting_approval: bool,
    notices: Vec<String>,
}

/// How the page is shown: fresh, after recording with flags to read, or with a refused form.
enum Shown {
    Fresh,
    Flagged(Vec<String>),
    Refused(Box<(StepForm, FormErrors)>),
}

async fn render_page(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    (person, orgs): (&Person, &PersonOrgs),
    shown: Shown,
) -> AppResult<Response> {
    let (typed, notices, status) = match shown {
        Shown::Fresh => (None, Vec::new(), StatusCode::OK),
        Shown::Flagged(n) => (None, n, StatusCode::OK),
        Shown::Refused(b) => (Some(*b), Vec::new(), StatusCode::UNPROCESSABLE_ENTITY),
    };
    let steps = dbpipeline::steps_of(&st.db.conn, u.tenant, PersonId(person.id)).await?;
    let history = dbpipeline::history(&steps);
    let s = settings(st, u).await?;
    let next = history.next_step();
    let stages = Stage::ALL
        .iter()
        .map(|stage| StageBlock {
            name: ctx.t(stage.key()).to_string(),
            steps: Step::ALL
                .iter()
                .filter(|step| step.stage() == *stage)
                .map(|step| {
                    let rec = steps.iter().find(|(s, _)| s == step).map(|(_, r)| r);
                    StepRow {
                        number: step.number(),
                        name: ctx.t(step.key()).to_string(),
                        on: rec.map(|r| r.happened_on.format("%Y-%m-%d").to_string()),
                        overridden: rec.is_some_and(|r| r.override_reason.is_some()),
                        next: next == Some(*step),
                    }
                })
                .collect(),
        })
        .collect();
    let may_record = orgs.ensure(&u.grants, Permission::RecordPipeline).is_ok();
    let may_approve = orgs.ensure(&u.grants, Permission::ApprovePipeline).is_ok();
    let awaiting_approval = next.is_some_and(|n| n.by_higher_committee()) && !may_approve;
    let next = next.filter(|n| may_record && (!n.by_higher_committee() || may_approve));
    let next = next.map(|step| {
        let (typed, errors) = typed.unwrap_or_else(|| {
            (
                StepForm {
                    on: st.clock.today().format("%Y-%m-%d").to_string(),
                    ..StepForm::default()
                },
                FormErrors::default(),
            )
        });
        NextForm {
            step,
            name: ctx.t(step.key()).to_string(),
            number: step.number(),
            due: s
                .due_date(step, &history)
                .map(|d| d.format("%Y-%m-%d").to_string()),
            needs_cultivators: step.needs().contains(&Fact::Cultivators),
            needs_introducers: step.needs().contains(&Fact::Introducers),
            needs_training: step.needs().contains(&Fact::Training),
            needs_vote: step.needs().contains(&Fact::Vote),
            is_admission_meeting: step == Step::AdmissionMeeting,
            may_override: orgs
                .ensure(&u.grants, Permission::OverridePipelineRule)
                .is_ok(),
            typed,
            errors,
        }
    });
    let mut page =
        ctx.page_titled(ctx.ta("pipeline_ui.title_of", &[("name", person.name.clone())]));
    page.back = Some(format!("/members/{}", person.id));
    let mut res = render(&PipelinePage {
        page,
        person_id: person.id,
        stages,
        next,
        may_record,
        awaiting_approval,
        notices,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn show_pipeline_page(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (person, orgs) = viewable_person(&st, &u, &raw).await?;
    render_page(&st, &ctx, &u, (&person, &orgs), Shown::Fresh).await
}

/// The people named by 学号/工号 in `raw`, as ids; an unknown number is an error on `field`.
pub(crate) async fn ids_of(
    st: &AppState,
    u: &CurrentUser,
    field: &'static str,
    raw: &str,
    errs: &mut FieldErrors,
) -> AppResult<Vec<i64>> {
    let mut ids = Vec::new();
    for no in raw
        .split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace())
        .filter(|s| !s.is_empty())
    {
        match dbpeople::by_student_no(&st.db.conn, u.tenant, no).await? {
            Some(p) => ids.push(p.id),
            None => errs.push(FieldError::new(field, "error.unknown_student_no").with("value", no)),
        }
    }
    Ok(ids)
}

/// A count typed into a form (blank is none); anything else than a whole number is an error.
pub(crate) fn count(field: &'static str, raw: &str, errs: &mut FieldErrors) -> Option<u32> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let n = raw.parse().ok();
    if n.is_none() {
        errs.push(FieldError::new(field, "error.not_a_count").with("value", raw));
    }
    n
}

fn text(raw: &str) -> Option<String> {
    Some(raw.trim().to_string()).filter(|s| !s.is_empty())
}

pub async fn submit_step(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    let (person, orgs) = viewable_person(&st, &u, &raw).await?;
    orgs.ensure(&u.grants, Permission::RecordPipeline)?;
    let mut errs = FieldErrors::default();
    let req = RecordRequest {
        step: f.step.clone(),
        on: f.on.clone(),
        cultivators: ids_of(&st, &u, "field.cultivators", &f.cultivators, &mut errs).await?,
        introducers: ids_of(&st, &u, "field.introducers", &f.introducers, &mut errs).await?,
        training_days: count("field.training", &f.training_days, &mut errs),
        training_hours: count("field.training", &f.training_hours, &mut errs),
        entitled: count("field.vote", &f.entitled, &mut errs),
        present: count("field.vote", &f.present, &mut errs),
        yes: count("field.vote", &f.yes, &mut errs),
        publicity_start: text(&f.publicity_start),
        publicity_end: text(&f.publicity_end),
        leaving_on: text(&f.leaving_on),
        override_reason: text(&f.override_reason),
    };
    let result = match errs.into_result() {
        Err(e) => Err(AppError::Invalid(e)),
        Ok(()) => {
            let s = settings(&st, &u).await?;
            let txn = st.db.conn.begin().await?;
            match record_step(&st, &txn, &u, &s, (&person, &orgs), &req).await {
                Ok(done) => {
                    txn.commit().await?;
                    Ok(done)
                }
                Err(e) => Err(e),
            }
        }
    };
    match result {
        Ok(done) if done.notices.is_empty() => Ok(redirect_with_flash(
            &format!("/members/{}/pipeline", person.id),
            "ok",
            "pipeline_ui.flash_recorded",
            st.settings.cookie_secure,
        )),
        // Flags (a candidate leaving soon, rules an administrator overrode) must be read, so the
        // page is shown with them rather than a flash that disappears.
        Ok(done) => {
            let notices = done
                .notices
                .iter()
                .map(|n| crate::render::field_message(ctx.locale, n))
                .collect();
            render_page(&st, &ctx, &u, (&person, &orgs), Shown::Flagged(notices)).await
        }
        Err(AppError::Invalid(errors)) => {
            let errors = FormErrors::new(&ctx, "next", &errors);
            render_page(
                &st,
                &ctx,
                &u,
                (&person, &orgs),
                Shown::Refused(Box::new((f, errors))),
            )
            .await
        }
        Err(e) => Err(e),
    }
}
