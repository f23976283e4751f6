//! Recording one step for a cohort at once (集中培训 for 40 people, the same days and hours):
//! `POST /api/v1/pipeline/bulk`, and the page `GET|POST /orgs/{id}/pipeline/bulk` that lists the
//! people of an org who are at that step, with checkboxes.
//!
//! Every person goes through [`crate::pipeline::record_step`], the same rules and audit entry
//! as one step recorded alone, inside ONE transaction: either everyone is recorded or nobody
//! is. Each person runs in a savepoint, so that one refusal (on PostgreSQL an aborted statement
//! poisons the whole transaction) does not stop the others being checked: the refusal report
//! names every refused person with the rule, not just the first.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use redbranch_db::TransactionTrait;
use redbranch_db::people::{self as dbpeople, Person};
use redbranch_domain::authz::Permission;
use redbranch_domain::error::FieldError;
use redbranch_domain::pipeline::Step;
use redbranch_i18n::Locale;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{RecordRequest, record_step, settings};
use crate::api::parse_json;
use crate::error::{AppError, AppResult};
use crate::members::PersonOrgs;
use crate::page::Ctx;
use crate::render::field_message;
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// More people than any cohort; a larger list is a mistake or an attempt to tie up the server.
pub const MAX_PEOPLE: usize = 500;

/// The API's body: the step and its facts as for one person, and who.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct BulkRequest {
    #[serde(default)]
    pub person_ids: Vec<i64>,
    #[serde(flatten)]
    pub record: RecordRequest,
}

/// One person the step was refused for, and why, in the reader's language.
#[derive(Debug, Clone, Serialize)]
pub struct Refused {
    pub person_id: i64,
    pub name: String,
    pub student_no: String,
    pub messages: Vec<String>,
}

/// What a bulk action did: everyone recorded, or nobody and who stopped it.
pub enum Outcome {
    Recorded(usize),
    Refused(Vec<Refused>),
}

fn refusal_of(locale: Locale, p: Option<&Person>, id: i64, messages: Vec<String>) -> Refused {
    Refused {
        person_id: id,
        name: p.map(|p| p.name.clone()).unwrap_or_default(),
        student_no: p.map(|p| p.student_no.clone()).unwrap_or_default(),
        messages: if messages.is_empty() {
            vec![redbranch_i18n::tr(locale, "error.invalid").to_string()]
        } else {
            messages
        },
    }
}

/// Why `record_step` said no, as sentences; `None` for an error that is not about the person
/// (a database failure), which the caller passes on.
fn messages_of(locale: Locale, e: &AppError) -> Option<Vec<String>> {
    let t = |k: &str| redbranch_i18n::tr(locale, k).to_string();
    match e {
        AppError::Invalid(f) => Some(
            f.0.iter()
                .map(|f| format!("{}：{}", t(f.field), field_message(locale, f)))
                .collect(),
        ),
        AppError::Conflict(_) => Some(vec![t("error.pipeline_io_already_recorded")]),
        AppError::Forbidden(_) => Some(vec![t("error.forbidden")]),
        AppError::NotFound | AppError::BadRequest(_) => Some(vec![t("error.unknown_person")]),
        _ => None,
    }
}

/// Records `req` for every person in it, or for nobody.
pub async fn record_for_all(
    st: &AppState,
    u: &CurrentUser,
    locale: Locale,
    req: &BulkRequest,
) -> AppResult<Outcome> {
    let mut ids = req.person_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(FieldError::new("field.pipeline_io_people", "error.required").into());
    }
    if ids.len() > MAX_PEOPLE {
        return Err(
            FieldError::new("field.pipeline_io_people", "error.pipeline_io_too_many")
                .with("max", MAX_PEOPLE)
                .into(),
        );
    }
    // A step code or date that is wrong for one is wrong for all: say it once.
    if Step::from_code(req.record.step.trim()).is_none() {
        return Err(FieldError::new("field.pipeline_step", "error.unknown_step").into());
    }
    let s = settings(st, u).await?;
    let people = dbpeople::by_ids(&st.db.conn, u.tenant, &ids).await?;
    let org_of = PersonOrgs::of_many(st, u.tenant, &people).await?;
    let txn = st.db.conn.begin().await?;
    let mut refused = Vec::new();
    for id in ids.iter().copied() {
        let Some(p) = people.iter().find(|p| p.id == id) else {
            refused.push(refusal_of(locale, None, id, Vec::new()));
            continue;
        };
        let orgs = org_of.get(&p.id).cloned().unwrap_or_default();
        if let Err(e) = orgs.ensure(&u.grants, Permission::RecordPipeline) {
            let msgs = messages_of(locale, &AppError::Forbidden(e)).unwrap_or_default();
            refused.push(refusal_of(locale, Some(p), id, msgs));
            continue;
        }
        let sp = txn.begin().await?;
        match record_step(st, &sp, u, &s, (p, &orgs), &req.record).await {
            Ok(_) => sp.commit().await?,
            Err(e) => {
                sp.rollback().await?;
                let msgs = messages_of(locale, &e).ok_or(e)?;
                refused.push(refusal_of(locale, Some(p), id, msgs));
            }
        }
    }
    if !refused.is_empty() {
        txn.rollback().await?;
        return Ok(Outcome::Refused(refused));
    }
    txn.commit().await?;
    Ok(Outcome::Recorded(ids.len()))
}

/// `POST /api/v1/pipeline/bulk`: 201 with the count, or 422 listing every refused person.
pub async fn record_bulk_api(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<Response> {
    let req: BulkRequest = parse_json(&body)?;
    match record_for_all(&st, &u, ctx.locale, &req).await? {
        Outcome::Recorded(n) => Ok((
            StatusCode::CREATED,
            Json(json!({"step": req.record.step.trim(), "recorded": n})),
        )
            .into_response()),
        Outcome::Refused(refused) => {
            let body = json!({"error": {
                "code": "bulk_refused",
                "message": ctx.ta("pipeline_io.bulk_refused", &[("n", refused.len().to_string())]),
                "fields": [],
                "refused": refused,
            }});
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
    }
}
