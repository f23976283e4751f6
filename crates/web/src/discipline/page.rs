//! `GET|POST /members/{id}/discipline`: a person's 党纪处分 records and the form to record one,
//! for those with `ApprovePipeline` on the person's Party org (linked from the profile only for
//! them), with each record's forms to restore Party rights (留党察看) and to withdraw it (撤销).
//! A refusal re-renders the page (422) with the message under the field and what was typed
//! kept.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::discipline as dbdiscipline;
use redbranch_db::org as dborg;
use redbranch_db::people::{Person, PersonId};
use redbranch_db::{DatabaseTransaction, TransactionTrait};
use redbranch_domain::discipline::DisciplineKind;
use serde::Deserialize;

use super::{DisciplineRequest, person_for, record_discipline, withdraw_discipline};
use crate::error::{AppError, AppResult};
use crate::members::PersonOrgs;
use crate::orgs::{FormErrors, parse_id};
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// What was typed into the form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct DisciplineForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub decided_on: String,
    #[serde(default)]
    pub probation_years: String,
    #[serde(default)]
    pub restored_on: String,
    #[serde(default)]
    pub decided_by_org: String,
    #[serde(default)]
    pub document_no: String,
    #[serde(default)]
    pub reason: String,
}

pub struct RecordRow {
    pub id: i64,
    pub kind: String,
    pub decided_on: String,
    /// "留党察看一年，至 2025-03-01" and the restoration, for 留党察看.
    pub period: String,
    pub under_now: bool,
    pub org: String,
    pub document_no: String,
    pub reason: String,
    /// A 留党察看 without a restoration: the form to record one is offered.
    pub restorable: bool,
    /// The refusal of that form, when it was just refused.
    pub restore_error: Option<String>,
    /// "已于 … 撤销：reason" for a withdrawn record; empty while it stands (and the form to
    /// withdraw it is offered).
    pub withdrawn: String,
    /// The refusal of the withdrawal form, when it was just refused, and what was typed.
    pub withdraw_error: Option<String>,
    pub withdraw_typed: String,
}

/// One of the forms under a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RecordForm {
    Restore,
    Withdraw,
}

impl RecordForm {
    /// The message shown when it is done.
    fn flash(self) -> &'static str {
        match self {
            Self::Restore => "discipline.flash_restored",
            Self::Withdraw => "discipline.flash_withdrawn",
        }
    }
}

/// A refusal of one record's form: the record, the form, the message, what was typed.
struct RecordRefusal {
    id: i64,
    form: RecordForm,
    message: String,
    typed: String,
}

#[derive(Template)]
#[template(path = "discipline/show.html")]
struct DisciplinePage {
    page: Page,
    person_id: i64,
    records: Vec<RecordRow>,
    kinds: Vec<(&'static str, String)>,
    /// The Party orgs that may have decided: the person's own and those above it.
    orgs: Vec<(i64, String)>,
    typed: DisciplineForm,
    errors: FormErrors,
}

async fn render_page(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    (person, orgs): (&Person, &PersonOrgs),
    refused: Option<(DisciplineForm, FormErrors)>,
    record_refused: Option<RecordRefusal>,
) -> AppResult<Response> {
    let c = &st.db.conn;
    let mut deciders: Vec<dborg::Org> = Vec::new();
    if let Some(own) = &orgs.party {
        deciders = dborg::ancestors(c, u.tenant, own).await?;
        deciders.push(own.clone());
        deciders.reverse();
    }
    let today = st.clock.today();
    let rows = dbdiscipline::records_of(c, u.tenant, PersonId(person.id)).await?;
    let mut records = Vec::with_capacity(rows.len());
    for r in &rows {
        let rule = dbdiscipline::as_rule(r);
        let org = match r.decided_by_org {
            Some(id) => match deciders.iter().find(|o| o.id == id) {
                Some(o) => o.name.clone(),
                None => dborg::get(c, u.tenant, redbranch_domain::org::OrgId(id))
                    .await
                    .map(|o| o.name)
                    .unwrap_or_default(),
            },
            None => String::new(),
        };
        let period = match rule.and_then(|d| Some((d, d.period_ends()?))) {
            Some((d, end)) => {
                let mut p = ctx.ta(
                    "discipline.period",
                    &[
                        ("years", (d.probation_months.unwrap_or(0) / 12).to_string()),
                        ("end", end.format("%Y-%m-%d").to_string()),
                    ],
                );
                if let Some(restored) = d.restored_on {
                    p.push_str(&ctx.ta(
                        "discipline.restored",
                        &[("on", restored.format("%Y-%m-%d").to_string())],
                    ));
                }
                p
            }
            None => String::new(),
        };
        let refusal = |form: RecordForm| {
            record_refused
                .as_ref()
                .filter(|x| x.id == r.id && x.form == form)
        };
        let withdrawn = match (r.withdrawn_at, &r.withdrawn_reason) {
            (Some(at), reason) => ctx.ta(
                "discipline.withdrawn",
                &[
                    ("on", crate::fmt::beijing(at, "%Y-%m-%d")),
                    ("reason", reason.clone().unwrap_or_default()),
                ],
            ),
            (None, _) => String::new(),
        };
        records.push(RecordRow {
            id: r.id,
            restorable: r.kind == DisciplineKind::Probation.code()
                && r.restored_on.is_none()
                && r.withdrawn_at.is_none(),
            restore_error: refusal(RecordForm::Restore).map(|x| x.message.clone()),
            withdrawn,
            withdraw_error: refusal(RecordForm::Withdraw).map(|x| x.message.clone()),
            withdraw_typed: refusal(RecordForm::Withdraw)
                .map(|x| x.typed.clone())
                .unwrap_or_default(),
            kind: DisciplineKind::from_code(&r.kind)
                .map_or_else(|| r.kind.clone(), |k| ctx.t(k.key()).to_string()),
            decided_on: r.decided_on.format("%Y-%m-%d").to_string(),
            period,
            under_now: rule.is_some_and(|d| d.under_probation_on(today)),
            org,
            document_no: r.document_no.clone().unwrap_or_default(),
            reason: r.reason.clone(),
        });
    }
    let status = if refused.is_some() || record_refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (typed, errors) = refused.unwrap_or_else(|| {
        let form = DisciplineForm {
            decided_on: today.format("%Y-%m-%d").to_string(),
            ..DisciplineForm::default()
        };
        (form, FormErrors::default())
    });
    let mut page = ctx.page_titled(ctx.ta("discipline.title_of", &[("name", person.name.clone())]));
    page.back = Some(format!("/members/{}", person.id));
    let mut res = render(&DisciplinePage {
        page,
        person_id: person.id,
        records,
        kinds: DisciplineKind::ALL
            .iter()
            .map(|k| (k.code(), ctx.t(k.key()).to_string()))
            .collect(),
        orgs: deciders.into_iter().map(|o| (o.id, o.name)).collect(),
        typed,
        errors,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn show_discipline(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (person, orgs) = person_for(&st, &u, &raw).await?;
    render_page(&st, &ctx, &u, (&person, &orgs), None, None).await
}

pub async fn submit_discipline(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(f): Form<DisciplineForm>,
) -> AppResult<Response> {
    let (person, orgs) = person_for(&st, &u, &raw).await?;
    let years = f.probation_years.trim();
    let req = DisciplineRequest {
        kind: f.kind.clone(),
        decided_on: f.decided_on.clone(),
        // Only 留党察看 has a period: the select's value is ignored for the other kinds.
        probation_years: if f.kind == DisciplineKind::Probation.code() {
            years.parse().ok()
        } else {
            None
        },
        restored_on: Some(f.restored_on.clone()),
        decided_by_org: f.decided_by_org.trim().parse().ok(),
        document_no: Some(f.document_no.clone()),
        reason: f.reason.clone(),
    };
    let txn = st.db.conn.begin().await?;
    match record_discipline(&st, &txn, &u, (&person, &orgs), &req).await {
        Ok(_) => {
            txn.commit().await?;
            Ok(redirect_with_flash(
                &format!("/members/{}/discipline", person.id),
                "ok",
                "discipline.flash_recorded",
                st.settings.cookie_secure,
            ))
        }
        Err(AppError::Invalid(errors)) => {
            drop(txn);
            let errors = FormErrors::new(&ctx, "discipline", &errors);
            render_page(&st, &ctx, &u, (&person, &orgs), Some((f, errors)), None).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RestoreForm {
    #[serde(default)]
    pub restored_on: String,
}

/// `POST /members/{id}/discipline/{rec}/restore`: Party rights restored after a 留党察看.
pub async fn submit_restore(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path((raw, raw_rec)): Path<(String, String)>,
    Form(f): Form<RestoreForm>,
) -> AppResult<Response> {
    let (person, orgs) = person_for(&st, &u, &raw).await?;
    let rec = parse_id(&raw_rec)?;
    let txn = st.db.conn.begin().await?;
    let done =
        super::restore_discipline(&st, &txn, &u, (&person, &orgs), rec, &f.restored_on).await;
    let form = (rec, RecordForm::Restore, String::new());
    answer(&st, &ctx, &u, (&person, &orgs), txn, done, form).await
}

#[derive(Debug, Default, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    pub reason: String,
}

/// `POST /members/{id}/discipline/{rec}/withdraw`: a record withdrawn (撤销), with the reason.
pub async fn submit_withdraw(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path((raw, raw_rec)): Path<(String, String)>,
    Form(f): Form<WithdrawForm>,
) -> AppResult<Response> {
    let (person, orgs) = person_for(&st, &u, &raw).await?;
    let rec = parse_id(&raw_rec)?;
    let txn = st.db.conn.begin().await?;
    let done = withdraw_discipline(&txn, &u, (&person, &orgs), rec, &f.reason).await;
    let form = (rec, RecordForm::Withdraw, f.reason);
    answer(&st, &ctx, &u, (&person, &orgs), txn, done, form).await
}

/// Answers one record's form (`form`: the record, which form, what was typed): done, it
/// commits and goes back to the page with that form's message; refused, the page again (422)
/// with the message under that form and nothing written.
async fn answer<T>(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    (person, orgs): (&Person, &PersonOrgs),
    txn: DatabaseTransaction,
    done: AppResult<T>,
    (id, form, typed): (i64, RecordForm, String),
) -> AppResult<Response> {
    let message = match done {
        Ok(_) => {
            txn.commit().await?;
            return Ok(redirect_with_flash(
                &format!("/members/{}/discipline", person.id),
                "ok",
                form.flash(),
                st.settings.cookie_secure,
            ));
        }
        Err(AppError::Invalid(errors)) => errors
            .0
            .iter()
            .map(|e| crate::render::field_line(ctx.locale, e))
            .collect::<Vec<_>>()
            .join("；"),
        Err(AppError::Conflict(code)) => ctx.t(&format!("error.{code}")).to_string(),
        Err(e) => return Err(e),
    };
    drop(txn);
    let refused = RecordRefusal {
        id,
        form,
        message,
        typed,
    };
    render_page(st, ctx, u, (person, orgs), None, Some(refused)).await
}
