//! `GET /members/{id}/league`: a person's 发展团员 record — the 9 steps with their dates, the
//! form for the next step (for the League branch), and the 推优 recommendations — and `POST`
//! of that form.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::league as dbleague;
use redbranch_db::people::{Person, PersonId};
use redbranch_domain::authz::Permission;
use redbranch_domain::error::FieldErrors;
use redbranch_domain::league::LeagueStep;
use serde::Deserialize;

use super::{LeagueRequest, ensure_league, record_league_step, settings};
use crate::error::{AppError, AppResult};
use crate::members::{PersonOrgs, viewable_person};
use crate::orgs::FormErrors;
use crate::page::{Ctx, Page, render};
use crate::pipeline::show_pipeline::{count, ids_of};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

pub struct LeagueRow {
    pub name: String,
    pub on: Option<String>,
    pub league_no: Option<String>,
    pub next: bool,
}

/// What was typed into the next-step form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct LeagueForm {
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub class_hours: String,
    /// 学号 of the 入团介绍人.
    #[serde(default)]
    pub introducers: String,
    #[serde(default)]
    pub entitled: String,
    #[serde(default)]
    pub present: String,
    #[serde(default)]
    pub yes: String,
    #[serde(default)]
    pub league_no: String,
}

pub struct LeagueNext {
    pub code: &'static str,
    pub name: String,
    pub needs: &'static [&'static str],
    pub typed: LeagueForm,
    pub errors: FormErrors,
}

impl LeagueNext {
    pub fn needs(&self, field: &str) -> bool {
        self.needs.contains(&field)
    }
}

#[derive(Template)]
#[template(path = "league/show.html")]
struct LeaguePage {
    page: Page,
    person_id: i64,
    steps: Vec<LeagueRow>,
    next: Option<LeagueNext>,
    /// (meeting day, passed, the Party branch's decision) of each 推优.
    recommendations: Vec<(String, bool, String)>,
}

async fn render_page(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    (person, orgs): (&Person, &PersonOrgs),
    refused: Option<(LeagueForm, FormErrors)>,
) -> AppResult<Response> {
    let c = &st.db.conn;
    let pid = PersonId(person.id);
    let recorded = dbleague::league_steps_of(c, u.tenant, pid).await?;
    let next = match recorded.last() {
        Some((s, _)) => s.next(),
        None => Some(LeagueStep::SubmitApplication),
    };
    let steps = LeagueStep::ALL
        .iter()
        .map(|s| {
            let r = recorded.iter().find(|(x, _)| x == s).map(|(_, r)| r);
            LeagueRow {
                name: ctx.t(s.key()).to_string(),
                on: r.map(|r| r.happened_on.format("%Y-%m-%d").to_string()),
                league_no: r.and_then(|r| r.league_no.clone()),
                next: next == Some(*s),
            }
        })
        .collect();
    let may_record = ensure_league(orgs, &u.grants, Permission::RecordPipeline).is_ok();
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let next = next.filter(|_| may_record).map(|s| {
        let (typed, errors) = refused.unwrap_or_else(|| {
            (
                LeagueForm {
                    on: st.clock.today().format("%Y-%m-%d").to_string(),
                    ..LeagueForm::default()
                },
                FormErrors::default(),
            )
        });
        LeagueNext {
            code: s.code(),
            name: ctx.t(s.key()).to_string(),
            needs: s.needs(),
            typed,
            errors,
        }
    });
    let recommendations = dbleague::recommendations_of(c, u.tenant, pid)
        .await?
        .into_iter()
        .map(|(r, m)| {
            let decision = match r.decision.as_deref() {
                Some(dbleague::ACCEPTED) => ctx.t("league_ui.accepted"),
                Some(_) => ctx.t("league_ui.declined"),
                None => ctx.t("league_ui.undecided"),
            };
            (
                m.held_on.format("%Y-%m-%d").to_string(),
                r.passed,
                decision.to_string(),
            )
        })
        .collect();
    let mut page = ctx.page_titled(ctx.ta("league_ui.title_of", &[("name", person.name.clone())]));
    page.back = Some(format!("/members/{}", person.id));
    let mut res = render(&LeaguePage {
        page,
        person_id: person.id,
        steps,
        next,
        recommendations,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn show_league_page(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (person, orgs) = viewable_person(&st, &u, &raw).await?;
    render_page(&st, &ctx, &u, (&person, &orgs), None).await
}

pub async fn submit_league_step(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(f): Form<LeagueForm>,
) -> AppResult<Response> {
    let (person, orgs) = viewable_person(&st, &u, &raw).await?;
    ensure_league(&orgs, &u.grants, Permission::RecordPipeline)?;
    let mut errs = FieldErrors::default();
    let introducers = ids_of(
        &st,
        &u,
        "field.league_introducers",
        &f.introducers,
        &mut errs,
    )
    .await?;
    let req = LeagueRequest {
        step: f.step.clone(),
        on: f.on.clone(),
        class_hours: count("field.class_hours", &f.class_hours, &mut errs),
        introducers,
        entitled: count("field.vote", &f.entitled, &mut errs),
        present: count("field.vote", &f.present, &mut errs),
        yes: count("field.vote", &f.yes, &mut errs),
        league_no: Some(f.league_no.trim().to_string()).filter(|s| !s.is_empty()),
    };
    let result = match errs.into_result() {
        Err(e) => Err(AppError::Invalid(e)),
        Ok(()) => {
            let s = settings(&st, &u).await?;
            let txn = st.db.conn.begin().await?;
            let r = record_league_step(&st, &txn, &u, &s, (&person, &orgs), &req).await;
            if r.is_ok() {
                txn.commit().await?;
            }
            r
        }
    };
    match result {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/members/{}/league", person.id),
            "ok",
            "pipeline_ui.flash_recorded",
            st.settings.cookie_secure,
        )),
        Err(AppError::Invalid(errors)) => {
            let errors = FormErrors::new(&ctx, "next", &errors);
            render_page(&st, &ctx, &u, (&person, &orgs), Some((f, errors))).await
        }
        Err(e) => Err(e),
    }
}
