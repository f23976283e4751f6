//! The question-bank pages: `/questions` (banks, and a form to create one), `/questions/{id}`
//! (a bank: topics, questions for authors, import with a report, export, publish).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use redbranch_db::questions::{self as dbq, Bank, QuestionRow};
use redbranch_domain::error::FieldError;

use super::{BankInput, ImportReport};
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/questions", get(list_banks).post(create_bank_form))
        .route("/questions/{id}", get(show_bank))
        .route("/questions/{id}/import", post(import_form))
        .route("/questions/{id}/publish", post(publish_form))
        .route("/questions/{id}/export.xlsx", get(export_form))
}

pub struct BankLine {
    pub bank: Bank,
    pub questions: i64,
    pub published: bool,
}

#[derive(Template)]
#[template(path = "questions/index.html")]
struct BanksPage {
    page: Page,
    banks: Vec<BankLine>,
    /// (org id, name) where the viewer may create a bank.
    orgs: Vec<(i64, String)>,
    error: String,
    values: HashMap<String, String>,
}

impl BanksPage {
    fn val(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }
}

async fn banks_page(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    error: String,
    values: HashMap<String, String>,
) -> AppResult<Response> {
    let counts = dbq::counts(&st.db.conn, u.tenant).await?;
    let banks = super::listed_banks(st, u)
        .await?
        .into_iter()
        .map(|b| BankLine {
            questions: counts.get(&b.id).copied().unwrap_or(0),
            published: b.status == "published",
            bank: b,
        })
        .collect();
    let orgs = super::author_orgs(st, u)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let refused = !error.is_empty();
    let mut res = render(&BanksPage {
        page: ctx.page("questions.title"),
        banks,
        orgs,
        error,
        values,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn list_banks(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    banks_page(&st, &ctx, &u, String::new(), HashMap::new()).await
}

#[derive(Debug, serde::Deserialize)]
struct BankForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

async fn create_bank_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Form(f): Form<BankForm>,
) -> AppResult<Response> {
    let input = BankInput {
        org_id: f.org_id.trim().parse().ok(),
        name: f.name.clone(),
        description: f.description.clone(),
    };
    match super::create_bank(&st, &u, &input).await {
        Ok(b) => Ok(redirect_with_flash(
            &format!("/questions/{}", b.id),
            "ok",
            "questions.created",
            st.settings.cookie_secure,
        )),
        Err(AppError::Invalid(e)) => {
            let msg =
                e.0.iter()
                    .map(|e| {
                        format!(
                            "{}：{}",
                            ctx.t(e.field),
                            crate::render::field_message(ctx.locale, e)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("；");
            let values = HashMap::from([
                ("org_id".to_string(), f.org_id),
                ("name".to_string(), f.name),
                ("description".to_string(), f.description),
            ]);
            banks_page(&st, &ctx, &u, msg, values).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "questions/show.html")]
struct BankPage {
    page: Page,
    bank: Bank,
    author: bool,
    published: bool,
    count: i64,
    topics: Vec<(String, i64)>,
    questions: Vec<QuestionRow>,
    page_no: u64,
    pages: u64,
    report: Option<ImportReport>,
    import_error: String,
}

impl BankPage {
    fn answer_of(&self, r: &QuestionRow) -> String {
        r.question.answer_text()
    }

    /// `A. 甲　B. 乙`.
    fn options_of(&self, r: &QuestionRow) -> String {
        r.question
            .options
            .iter()
            .zip(redbranch_domain::questions::LETTERS)
            .map(|(o, l)| format!("{l}. {o}"))
            .collect::<Vec<_>>()
            .join("　")
    }
}

#[derive(Debug, serde::Deserialize)]
struct PageQuery {
    #[serde(default)]
    page: Option<u64>,
}

const PER_PAGE: u64 = 30;

async fn bank_page(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    id: i64,
    page_no: u64,
    (report, import_error): (Option<ImportReport>, String),
) -> AppResult<Response> {
    let (bank, author) = match super::authored_bank(st, u, id).await {
        Ok(b) => (b, true),
        Err(_) => (super::quiz_bank(st, u, id).await?, false),
    };
    let topics = dbq::topics(&st.db.conn, bank.id).await?;
    let (questions, count) = if author {
        let (rows, total) =
            dbq::page(&st.db.conn, bank.id, (page_no - 1) * PER_PAGE, PER_PAGE).await?;
        (rows, i64::try_from(total).unwrap_or(0))
    } else {
        let n = dbq::counts(&st.db.conn, u.tenant).await?;
        (Vec::new(), n.get(&bank.id).copied().unwrap_or(0))
    };
    let pages = u64::try_from(count).unwrap_or(0).div_ceil(PER_PAGE).max(1);
    let mut page = ctx.page_titled(bank.name.clone());
    page.back = Some("/questions".into());
    let refused = report.as_ref().is_some_and(|r| !r.issues.is_empty()) || !import_error.is_empty();
    let mut res = render(&BankPage {
        page,
        published: bank.status == "published",
        bank,
        author,
        count,
        topics,
        questions,
        page_no,
        pages,
        report,
        import_error,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn show_bank(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    bank_page(
        &st,
        &ctx,
        &u,
        id,
        q.page.unwrap_or(1).max(1),
        (None, String::new()),
    )
    .await
}

/// Multipart: `file`, and `mode` = `preview` or `commit`.
async fn import_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    form: Multipart,
) -> AppResult<Response> {
    let bank = super::authored_bank(&st, &u, parse_id(&raw)?).await?;
    let up = crate::dossier::read_upload(form, st.settings.max_upload_bytes).await?;
    let commit = up.field("mode") == "commit";
    let result = match up.file {
        None => Err(FieldError::new("field.import_file", "error.required").into()),
        Some(_) if up.too_large => Err(AppError::TooLarge),
        Some((name, bytes)) => {
            super::import(&st, &u, ctx.locale, &bank, (&bytes, &name), commit).await
        }
    };
    match result {
        Ok(r) if r.imported.is_some() => Ok(redirect_with_flash(
            &format!("/questions/{}", bank.id),
            "ok",
            "questions.imported",
            st.settings.cookie_secure,
        )),
        Ok(r) => bank_page(&st, &ctx, &u, bank.id, 1, (Some(r), String::new())).await,
        Err(AppError::Invalid(e)) => {
            let msg =
                e.0.iter()
                    .map(|e| crate::render::field_message(ctx.locale, e))
                    .collect::<Vec<_>>()
                    .join("；");
            bank_page(&st, &ctx, &u, bank.id, 1, (None, msg)).await
        }
        Err(e) => Err(e),
    }
}

async fn publish_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let bank = super::authored_bank(&st, &u, parse_id(&raw)?).await?;
    super::publish(&st, &u, &bank).await?;
    Ok(redirect_with_flash(
        &format!("/questions/{}", bank.id),
        "ok",
        "questions.published",
        st.settings.cookie_secure,
    ))
}

async fn export_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let bank = super::authored_bank(&st, &u, parse_id(&raw)?).await?;
    let bytes = super::export(&st, &bank).await?;
    Ok(crate::api::xlsx_response(
        bytes,
        &format!("question-bank-{}.xlsx", bank.id),
    ))
}
