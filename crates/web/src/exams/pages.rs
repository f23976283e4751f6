//! The exam pages: `/exams` (exams reaching the viewer; a form for authors), `/exams/{id}` (rules,
//! the viewer's attempts, start; for authors publish and results), `/exams/papers/{id}` (answer
//! within the time limit, or see the marked paper).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use redbranch_db::exams::{self as dbexams, Exam, ExamAttempt};
use redbranch_db::questions::Bank;
use redbranch_domain::exams::{Draw, credits_text};
use redbranch_domain::questions::QuestionKind;

use super::{ExamInput, PaperView, ResultRow};
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::quiz::paper::answers_from_form;
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/exams", get(list_exams).post(create_exam_form))
        .route("/exams/{id}", get(show_exam))
        .route("/exams/{id}/publish", post(publish_form))
        .route("/exams/{id}/start", post(start_form))
        .route("/exams/papers/{id}", get(show_paper).post(submit_form))
}

#[derive(Template)]
#[template(path = "exams/index.html")]
struct ExamsPage {
    page: Page,
    exams: Vec<Exam>,
    orgs: Vec<(i64, String)>,
    banks: Vec<Bank>,
    error: String,
    values: HashMap<String, String>,
}

impl ExamsPage {
    fn val(&self, name: &str, default: &str) -> String {
        self.values
            .get(name)
            .cloned()
            .unwrap_or_else(|| default.to_string())
    }
}

async fn exams_page(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    error: String,
    values: HashMap<String, String>,
) -> AppResult<Response> {
    let exams = super::listed(st, u).await?;
    let orgs: Vec<(i64, String)> = crate::questions::author_orgs(st, u)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let banks = if orgs.is_empty() {
        Vec::new()
    } else {
        crate::questions::listed_banks(st, u).await?
    };
    let refused = !error.is_empty();
    let mut res = render(&ExamsPage {
        page: ctx.page("exams.title"),
        exams,
        orgs,
        banks,
        error,
        values,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn list_exams(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    exams_page(&st, &ctx, &u, String::new(), HashMap::new()).await
}

async fn create_exam_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Form(f): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let get = |k: &str| f.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let num = |k: &str| get(k).parse::<i64>().unwrap_or(0);
    let topic = Some(get("topic")).filter(|t| !t.is_empty());
    let draws = QuestionKind::ALL
        .into_iter()
        .filter_map(|k| {
            let n = usize::try_from(num(&format!("count_{}", k.code()))).unwrap_or(0);
            (n > 0).then(|| Draw {
                kind: k,
                topic: topic.clone(),
                count: n,
            })
        })
        .collect();
    let input = ExamInput {
        org_id: get("org_id").parse().ok(),
        bank_id: get("bank_id").parse().ok(),
        title: get("title"),
        minutes: num("minutes"),
        max_attempts: num("max_attempts"),
        pass_percent: num("pass_percent"),
        credits: get("credits"),
        shuffle: get("shuffle") == "on",
        question_ids: Vec::new(),
        draws,
    };
    match super::create(&st, &u, &input).await {
        Ok(e) => Ok(redirect_with_flash(
            &format!("/exams/{}", e.id),
            "ok",
            "exams.created",
            st.settings.cookie_secure,
        )),
        Err(AppError::Invalid(errs)) => {
            let msg = errs
                .0
                .iter()
                .map(|e| {
                    format!(
                        "{}：{}",
                        ctx.t(e.field),
                        crate::render::field_message(ctx.locale, e)
                    )
                })
                .collect::<Vec<_>>()
                .join("；");
            exams_page(&st, &ctx, &u, msg, f).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "exams/show.html")]
struct ExamPage {
    page: Page,
    exam: Exam,
    author: bool,
    published: bool,
    credits: String,
    mine: Vec<ExamAttempt>,
    results: Vec<ResultRow>,
    can_start: bool,
}

async fn show_exam(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let (exam, author) = match super::authored(&st, &u, id).await {
        Ok(e) => (e, true),
        Err(_) => (super::takeable(&st, &u, id).await?, false),
    };
    let mine = dbexams::attempts_of(&st.db.conn, exam.id, u.user_id).await?;
    let results = if author {
        super::results(&st, &exam).await?
    } else {
        Vec::new()
    };
    let published = exam.status == "published";
    let used = i64::try_from(mine.len()).unwrap_or(i64::MAX);
    let open = mine.iter().any(|a| {
        a.submitted_at.is_none() && redbranch_domain::exams::in_time(a.deadline_at, st.clock.now())
    });
    let mut page = ctx.page_titled(exam.title.clone());
    page.back = Some("/exams".into());
    render(&ExamPage {
        page,
        credits: credits_text(exam.credit_tenths),
        can_start: published
            && (open || redbranch_domain::exams::may_start(used, exam.max_attempts)),
        exam,
        author,
        published,
        mine,
        results,
    })
}

async fn publish_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let e = super::authored(&st, &u, parse_id(&raw)?).await?;
    super::publish(&st, &u, &e).await?;
    Ok(redirect_with_flash(
        &format!("/exams/{}", e.id),
        "ok",
        "exams.published",
        st.settings.cookie_secure,
    ))
}

async fn start_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let e = super::takeable(&st, &u, parse_id(&raw)?).await?;
    match super::start(&st, &u, &e).await {
        Ok(p) => Ok(Redirect::to(&format!("/exams/papers/{}", p.attempt_id)).into_response()),
        Err(AppError::Conflict(_)) => Ok(redirect_with_flash(
            &format!("/exams/{}", e.id),
            "error",
            "exams.no_attempts_left",
            st.settings.cookie_secure,
        )),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "exams/paper.html")]
struct PaperPage {
    page: Page,
    p: PaperView,
    credits: String,
    deadline: String,
}

async fn show_paper(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let a = dbexams::attempt(&st.db.conn, u.tenant, u.user_id, parse_id(&raw)?).await?;
    let exam = dbexams::get(&st.db.conn, u.tenant, a.exam_id).await?;
    let p = super::paper_view(&st, &u, &exam, &a).await?;
    let mut page = ctx.page_titled(exam.title.clone());
    page.back = Some(format!("/exams/{}", exam.id));
    let deadline = crate::fmt::beijing(p.deadline_at, "%Y-%m-%d %H:%M");
    render(&PaperPage {
        page,
        credits: credits_text(p.credit_tenths),
        deadline,
        p,
    })
}

async fn submit_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    match super::submit(&st, &u, id, &answers_from_form(&pairs)).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/exams/papers/{id}"),
            "ok",
            "exams.submitted",
            st.settings.cookie_secure,
        )),
        Err(AppError::Conflict("time_over")) => Ok(redirect_with_flash(
            &format!("/exams/papers/{id}"),
            "error",
            "error.time_over",
            st.settings.cookie_secure,
        )),
        Err(e) => Err(e),
    }
}
