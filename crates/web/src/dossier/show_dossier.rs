//! `GET /members/{id}/dossier`: the person's dossier page, and the plain-form POSTs behind its
//! forms. A refused form re-renders the page (422) with the message under the field and what
//! was typed kept; a write that succeeds redirects back with a flash.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::TransactionTrait;
use redbranch_db::people::{Person, PersonId};
use redbranch_domain::dossier::{RemarkKind, megabytes, quarter_of};
use redbranch_domain::pipeline::{Material, Step};

use super::view::{DossierView, load};
use super::write::{AnswerInput, RemarkInput, ReportInput, ReviewInput};
use super::{Access, max_document_bytes, person_for, read_upload, store_document};
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::render::field_message;
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// A form that was refused: which one (and which row, for per-row forms), what was typed, and
/// the message for each field.
#[derive(Debug, Default)]
pub struct Failed {
    pub form: &'static str,
    pub row: i64,
    pub values: HashMap<String, String>,
    pub errors: HashMap<&'static str, String>,
}

#[derive(Template)]
#[template(path = "dossier/show.html")]
struct DossierPage {
    page: Page,
    person_id: i64,
    access: Access,
    d: DossierView,
    failed: Failed,
    /// (code, name) of what the viewer may upload.
    materials: Vec<(&'static str, String)>,
    steps: Vec<(&'static str, String)>,
    remark_kinds: Vec<(&'static str, String)>,
    current_quarter: String,
    max_mb: usize,
}

impl DossierPage {
    /// The message under `field` of `form` (of row `row`), if that form was refused.
    fn err(&self, form: &str, row: &i64, field: &str) -> String {
        if self.failed.form == form && self.failed.row == *row {
            self.failed.errors.get(field).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }

    /// What was typed into `name` of a refused `form`, or `default`.
    fn val(&self, form: &str, row: &i64, name: &str, default: &str) -> String {
        if self.failed.form == form && self.failed.row == *row {
            self.failed.values.get(name).cloned().unwrap_or_default()
        } else {
            default.to_string()
        }
    }
}

async fn render_page(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    (person, access): (&Person, Access),
    failed: Failed,
) -> AppResult<Response> {
    let d = load(st, ctx, u, PersonId(person.id)).await?;
    let mut page = ctx.page_titled(ctx.ta("dossier.title", &[("name", person.name.clone())]));
    page.back = Some(format!("/members/{}", person.id));
    let materials = Material::ALL
        .into_iter()
        .filter(|m| access.may_upload(*m))
        .map(|m| (m.code(), ctx.t(m.key()).to_string()))
        .collect();
    let steps = Step::ALL
        .into_iter()
        .map(|s| (s.code(), format!("{} {}", s.number(), ctx.t(s.key()))))
        .collect();
    let remark_kinds = RemarkKind::ALL
        .into_iter()
        .map(|k| (k.code(), ctx.t(&k.key()).to_string()))
        .collect();
    let refused = !failed.form.is_empty();
    let mut res = render(&DossierPage {
        page,
        person_id: person.id,
        access,
        d,
        failed,
        materials,
        steps,
        remark_kinds,
        current_quarter: quarter_of(st.clock.today()).to_string(),
        max_mb: megabytes(max_document_bytes(st, u).await?),
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show_dossier(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let (person, _, access) = person_for(&st, &u, &raw).await?;
    render_page(&st, &ctx, &u, (&person, access), Failed::default()).await
}

/// After a form: back to the dossier with a flash, or the page again with the field errors.
async fn finish(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    (person, access): (&Person, Access),
    result: AppResult<()>,
    mut failed: Failed,
    ok_key: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/members/{}/dossier", person.id),
            "ok",
            ok_key,
            st.settings.cookie_secure,
        )),
        Err(AppError::Invalid(errs)) => {
            for e in &errs.0 {
                failed.errors.insert(e.field, field_message(ctx.locale, e));
            }
            render_page(st, ctx, u, (person, access), failed).await
        }
        Err(e) => Err(e),
    }
}

fn failed(form: &'static str, row: i64, values: HashMap<String, String>) -> Failed {
    Failed {
        form,
        row,
        values,
        errors: HashMap::new(),
    }
}

/// Runs one write in a transaction that commits only if it succeeded.
macro_rules! in_txn {
    ($st:expr, |$c:ident| $body:expr) => {{
        let txn = $st.db.conn.begin().await?;
        let $c = &txn;
        let r = $body;
        if r.is_ok() {
            txn.commit().await?;
        }
        r
    }};
}

pub async fn upload_document_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    form: Multipart,
) -> AppResult<Response> {
    let (person, orgs, access) = person_for(&st, &u, &raw).await?;
    access.ensure(access.may_upload_any())?;
    let max = max_document_bytes(&st, &u).await?;
    let up = read_upload(form, max).await?;
    let kind = Material::from_code(up.field("kind"));
    let result = in_txn!(st, |c| match kind {
        Some(k) => store_document(c, &u, (&person, &orgs, access), &up, k, max)
            .await
            .map(|_| ()),
        None => Err(redbranch_domain::error::FieldError::new(
            "field.document_kind",
            "error.required"
        )
        .into()),
    });
    let kept = failed("upload", 0, up.fields.clone());
    finish(
        &st,
        &ctx,
        &u,
        (&person, access),
        result,
        kept,
        "dossier.uploaded",
    )
    .await
}

pub async fn write_remark_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let (person, orgs, access) = person_for(&st, &u, &raw).await?;
    let field = |k: &str| f.get(k).cloned().unwrap_or_default();
    let input = RemarkInput {
        kind: field("kind"),
        period: field("period"),
        body: field("body"),
    };
    let subject = (&person, &orgs, access);
    let result = in_txn!(st, |c| super::write_remark(&st, c, &u, subject, &input)
        .await
        .map(|_| ()));
    let kept = failed("remark", 0, f);
    finish(
        &st,
        &ctx,
        &u,
        (&person, access),
        result,
        kept,
        "dossier.remark_saved",
    )
    .await
}

pub async fn review_remark_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path((raw, raw_remark)): Path<(String, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let (person, orgs, access) = person_for(&st, &u, &raw).await?;
    let id = parse_id(&raw_remark)?;
    let field = |k: &str| f.get(k).cloned().unwrap_or_default();
    let input = ReviewInput {
        verdict: field("verdict"),
        comment: field("comment"),
    };
    let subject = (&person, &orgs, access);
    let result = in_txn!(st, |c| super::review_remark(c, &u, subject, id, &input)
        .await);
    let kept = failed("review", id, f);
    finish(
        &st,
        &ctx,
        &u,
        (&person, access),
        result,
        kept,
        "dossier.review_saved",
    )
    .await
}

/// A 思想汇报 from the page: text and/or a file, stored together or not at all.
pub async fn submit_report_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    form: Multipart,
) -> AppResult<Response> {
    let (person, orgs, access) = person_for(&st, &u, &raw).await?;
    access.ensure(access.may_report())?;
    let max = max_document_bytes(&st, &u).await?;
    let up = read_upload(form, max).await?;
    let subject = (&person, &orgs, access);
    let result = in_txn!(st, |c| {
        let mut input = ReportInput {
            quarter: up.field("quarter").to_string(),
            body: up.field("body").to_string(),
            document_id: None,
        };
        let stored = match up.file {
            Some(_) => store_document(c, &u, subject, &up, Material::ThoughtReport, max)
                .await
                .map(|d| Some(d.id)),
            None => Ok(None),
        };
        match stored {
            Ok(doc) => {
                input.document_id = doc;
                super::submit_report(&st, c, &u, subject, &input)
                    .await
                    .map(|_| ())
            }
            Err(e) => Err(e),
        }
    });
    let kept = failed("report", 0, up.fields.clone());
    finish(
        &st,
        &ctx,
        &u,
        (&person, access),
        result,
        kept,
        "dossier.report_saved",
    )
    .await
}

pub async fn answer_report_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path((raw, raw_report)): Path<(String, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let (person, orgs, access) = person_for(&st, &u, &raw).await?;
    let id = parse_id(&raw_report)?;
    let input = AnswerInput {
        answer: f.get("answer").cloned().unwrap_or_default(),
    };
    let subject = (&person, &orgs, access);
    let result = in_txn!(st, |c| super::answer_report(c, &u, subject, id, &input)
        .await);
    let kept = failed("answer", id, f);
    finish(
        &st,
        &ctx,
        &u,
        (&person, access),
        result,
        kept,
        "dossier.answer_saved",
    )
    .await
}
