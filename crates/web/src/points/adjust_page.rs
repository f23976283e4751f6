//! `GET/POST /points/adjust`: an administrator's points adjustments. They find a person of their
//! scope (name, 学号 or pinyin initials), enter a signed amount and a reason, and the entry goes
//! into the append-only ledger through [`adjust_points`] (the API's own function: `ManagePoints`
//! on the person's org, audited as `points_adjust`, never below a zero balance). The person sees
//! it with its reason on their `/points` page.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::people::{self as dbpeople, MemberFilter, MemberRow, PersonId};
use redbranch_db::points as dbpoints;
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::error::FieldError;
use serde::Deserialize;

use super::write::{AdjustInput, adjust_points};
use super::{activity_name, person_orgs};
use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::render::field_message;
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// How many people a search shows: enough to pick from, few enough for a phone.
const FOUND_MAX: u64 = 20;
/// How many of the person's latest ledger entries the page shows.
const RECENT: u64 = 10;

#[derive(Debug, Default, Deserialize)]
pub struct AdjustQuery {
    #[serde(default)]
    pub q: String,
    pub person: Option<i64>,
}

/// The adjustment form as typed (kept when refused).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AdjustForm {
    #[serde(default)]
    pub person_id: String,
    /// A signed whole number: `+20`, `-5`, `10`.
    #[serde(default)]
    pub points: String,
    #[serde(default)]
    pub reason: String,
    /// Made when the form is drawn, so a double click records one adjustment.
    #[serde(default)]
    pub idempotency_key: String,
}

/// The chosen person as the page shows them.
struct Chosen {
    id: i64,
    name: String,
    student_no: String,
    earned: i64,
    balance: i64,
    /// (when, amount, what, why) of the latest entries.
    recent: Vec<(String, i64, String, String)>,
}

#[derive(Template)]
#[template(path = "points/adjust.html")]
struct AdjustPage {
    page: Page,
    q: String,
    found: Option<Vec<MemberRow>>,
    chosen: Option<Chosen>,
    form: AdjustForm,
    errors: HashMap<&'static str, String>,
}

impl AdjustPage {
    fn err(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

/// Reads `+20`, `-5`, `１０` (full-width digits, as a Chinese keyboard may type them).
fn parse_points(raw: &str) -> Option<i64> {
    let s: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '＋' => '+',
            '－' | '−' => '-',
            c => c,
        })
        .collect();
    s.strip_prefix('+').unwrap_or(&s).parse().ok()
}

/// The person, checked: `ManagePoints` on their org (403 otherwise), with balance and history.
async fn chosen(st: &AppState, ctx: &Ctx, u: &CurrentUser, id: i64) -> AppResult<Chosen> {
    let c = &st.db.conn;
    let orgs = person_orgs(c, u, id).await?;
    orgs.ensure(&u.grants, Permission::ManagePoints)?;
    let p = dbpeople::get(c, u.tenant, PersonId(id)).await?;
    let totals = dbpoints::totals(c, u.tenant, PersonId(id)).await?;
    let recent = dbpoints::history(c, u.tenant, PersonId(id), None, RECENT)
        .await?
        .into_iter()
        .map(|r| {
            let what = match r.kind.as_str() {
                "award" => activity_name(ctx, &r.activity),
                k => ctx.t(&format!("points.kind.{k}")).to_string(),
            };
            let why = if r.kind == "award" {
                String::new()
            } else {
                r.reason
            };
            (
                crate::fmt::beijing(r.at, "%Y-%m-%d %H:%M"),
                r.points,
                what,
                why,
            )
        })
        .collect();
    Ok(Chosen {
        id,
        name: p.name,
        student_no: p.student_no,
        earned: totals.earned,
        balance: totals.balance(),
        recent,
    })
}

async fn render_page(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    q: AdjustQuery,
    mut form: AdjustForm,
    errors: HashMap<&'static str, String>,
) -> AppResult<Response> {
    let scope = u.grants.scope(Permission::ManagePoints);
    if scope.is_empty() {
        return Err(AppError::Forbidden(Forbidden(Permission::ManagePoints)));
    }
    let q_text = q.q.trim().to_string();
    let found = if q_text.is_empty() {
        None
    } else {
        let f = MemberFilter {
            q: Some(q_text.clone()),
            page: 1,
            per_page: FOUND_MAX,
            ..Default::default()
        };
        Some(
            dbpeople::list(&st.db.conn, u.tenant, &scope, &f)
                .await?
                .rows,
        )
    };
    let chosen = match q.person {
        Some(id) => Some(chosen(st, ctx, u, id).await?),
        None => None,
    };
    if form.idempotency_key.is_empty() {
        form.idempotency_key = format!("page:{:016x}", rand::random::<u64>());
    }
    let refused = !errors.is_empty();
    let mut page = ctx.page("points.adjust_title");
    page.back = Some("/points".into());
    let mut res = render(&AdjustPage {
        page,
        q: q_text,
        found,
        chosen,
        form,
        errors,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show_adjust(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Query(q): Query<AdjustQuery>,
) -> AppResult<Response> {
    render_page(&st, &ctx, &u, q, AdjustForm::default(), HashMap::new()).await
}

pub async fn submit_adjust(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Form(form): Form<AdjustForm>,
) -> AppResult<Response> {
    let person_id: i64 = form
        .person_id
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("bad_request"))?;
    let back = format!("/points/adjust?person={person_id}");
    let again = |errors: HashMap<&'static str, String>| {
        let q = AdjustQuery {
            q: String::new(),
            person: Some(person_id),
        };
        render_page(&st, &ctx, &u, q, form.clone(), errors)
    };
    let Some(points) = parse_points(&form.points) else {
        let e = FieldError::new("field.adjust_points", "points.error.adjust_range");
        return again(HashMap::from([(e.field, field_message(ctx.locale, &e))])).await;
    };
    let input = AdjustInput {
        person_id,
        points,
        reason: form.reason.clone(),
        idempotency_key: form.idempotency_key.clone(),
    };
    let txn = dbpoints::begin_write(&st.db.conn).await?;
    match adjust_points(&txn, &u, &input).await {
        Ok(_) => {
            txn.commit().await?;
            Ok(redirect_with_flash(
                &back,
                "ok",
                "points.adjusted",
                st.settings.cookie_secure,
            ))
        }
        Err(AppError::Invalid(errs)) => {
            drop(txn);
            let errors = errs
                .0
                .iter()
                .map(|e| (e.field, field_message(ctx.locale, e)))
                .collect();
            again(errors).await
        }
        Err(AppError::Conflict("insufficient_points")) => {
            drop(txn);
            let e = FieldError::new("field.adjust_points", "points.error.below_zero");
            again(HashMap::from([(e.field, field_message(ctx.locale, &e))])).await
        }
        // The same form sent twice (a double click, a reload): the first one counted.
        Err(AppError::Conflict("replayed")) => Ok(redirect_with_flash(
            &back,
            "ok",
            "error.replayed",
            st.settings.cookie_secure,
        )),
        Err(e) => Err(e),
    }
}
