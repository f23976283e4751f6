//! The quiz pages: `/quiz` (start a daily, weekly, topic or challenge round; recent rounds;
//! credits), `/quiz/{id}` (answer, or see the marked round), `/quiz/wrong` (错题本). Plain forms:
//! radio buttons, check boxes and text boxes named `q<question id>`.

use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use redbranch_db::exams as dbexams;
use redbranch_db::people::PersonId;
use redbranch_db::questions::{self as dbq, Bank};
use redbranch_db::quiz::{self as dbquiz, QuizAttempt};
use redbranch_domain::quiz::QuizMode;

use super::paper::{AnswerIn, answers_from_form};
use super::{AttemptView, StartInput};
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::session::{SignedIn, redirect_with_flash};
use crate::state::AppState;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/quiz", get(show_hub))
        .route("/quiz/start", post(start_form))
        .route("/quiz/wrong", get(show_wrong_book))
        .route("/quiz/{id}", get(show_round).post(submit_form))
        .route("/quiz/{id}/answer", post(answer_form))
}

#[derive(Template)]
#[template(path = "quiz/hub.html")]
struct HubPage {
    page: Page,
    banks: Vec<Bank>,
    recent: Vec<QuizAttempt>,
    credits: Vec<redbranch_db::exams::Credit>,
    credits_total: String,
    daily_done: bool,
}

impl HubPage {
    fn mode_label(&self, code: &str) -> &'static str {
        let key = QuizMode::from_code(code).map_or("quiz.mode.topic", QuizMode::label_key);
        redbranch_i18n::tr(self.page.locale, key)
    }
    fn tenths(&self, t: &i64) -> String {
        redbranch_domain::exams::credits_text(*t)
    }
}

async fn show_hub(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    let banks = crate::questions::quiz_banks(&st, &u).await?;
    let recent = dbquiz::recent(&st.db.conn, u.user_id, 10).await?;
    let credits = match u.person_id {
        Some(p) => dbexams::credits_of(&st.db.conn, u.tenant, PersonId(p)).await?,
        None => Vec::new(),
    };
    let total: i64 = credits.iter().map(|c| c.tenths).sum();
    let slot = QuizMode::Daily.slot(st.clock.today()).unwrap_or_default();
    let daily_done = dbquiz::in_slot(&st.db.conn, u.user_id, &slot)
        .await?
        .is_some_and(|a| a.finished_at.is_some());
    render(&HubPage {
        page: ctx.page("quiz.title"),
        banks,
        recent,
        credits,
        credits_total: redbranch_domain::exams::credits_text(total),
        daily_done,
    })
}

#[derive(Debug, serde::Deserialize)]
struct StartForm {
    #[serde(default)]
    mode: String,
    #[serde(default)]
    bank_id: String,
    #[serde(default)]
    topic: String,
}

async fn start_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Form(f): Form<StartForm>,
) -> AppResult<Response> {
    let input = StartInput {
        mode: f.mode,
        bank_id: f.bank_id.trim().parse().ok(),
        topic: f.topic,
    };
    match super::start(&st, &u, &input).await {
        Ok(v) => Ok(axum::response::IntoResponse::into_response(
            axum::response::Redirect::to(&format!("/quiz/{}", v.id)),
        )),
        Err(AppError::Conflict(code)) => Ok(redirect_with_flash(
            "/quiz",
            "error",
            match code {
                "quiz_already_taken" => "quiz.already_taken",
                _ => "quiz.no_questions",
            },
            st.settings.cookie_secure,
        )),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "quiz/round.html")]
struct RoundPage {
    page: Page,
    v: AttemptView,
    challenge: bool,
}

async fn show_round(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let a = dbquiz::attempt(&st.db.conn, u.tenant, u.user_id, parse_id(&raw)?).await?;
    let v = super::view(&st, &u, &a).await?;
    let mut page = ctx.page_titled(ctx.t(v.mode.label_key()).to_string());
    page.back = Some("/quiz".into());
    render(&RoundPage {
        page,
        challenge: v.mode == QuizMode::Challenge,
        v,
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
    super::submit(&st, &u, id, &answers_from_form(&pairs)).await?;
    Ok(redirect_with_flash(
        &format!("/quiz/{id}"),
        "ok",
        "quiz.submitted",
        st.settings.cookie_secure,
    ))
}

async fn answer_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let mut answers = answers_from_form(&pairs);
    // A question left blank still counts as answered (wrongly): the form names it.
    let current = pairs
        .iter()
        .find(|(k, _)| k == "current")
        .and_then(|(_, v)| v.parse::<i64>().ok());
    let answer = match (answers.pop(), current) {
        (Some(a), _) => a,
        (None, Some(q)) => AnswerIn {
            question_id: q,
            given: Vec::new(),
        },
        (None, None) => return Err(AppError::BadRequest("bad_form")),
    };
    super::answer_challenge(&st, &u, id, &answer).await?;
    Ok(axum::response::IntoResponse::into_response(
        axum::response::Redirect::to(&format!("/quiz/{id}")),
    ))
}

pub struct WrongLine {
    pub stem: String,
    pub kind_key: &'static str,
    pub options: String,
    pub answer: String,
    pub explanation: String,
    pub times: i64,
    pub last_answer: String,
}

#[derive(Template)]
#[template(path = "quiz/wrong.html")]
struct WrongPage {
    page: Page,
    rows: Vec<WrongLine>,
}

async fn show_wrong_book(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    let book = dbquiz::wrong_book(&st.db.conn, u.user_id, 200).await?;
    let ids: Vec<i64> = book.iter().map(|w| w.question_id).collect();
    let qs = dbq::by_ids(&st.db.conn, u.tenant, &ids).await?;
    let rows = book
        .iter()
        .filter_map(|w| {
            let q = &qs.get(&w.question_id)?.question;
            Some(WrongLine {
                stem: q.stem.clone(),
                kind_key: q.kind.label_key(),
                options: q
                    .options
                    .iter()
                    .zip(redbranch_domain::questions::LETTERS)
                    .map(|(o, l)| format!("{l}. {o}"))
                    .collect::<Vec<_>>()
                    .join("　"),
                answer: q.answer_text(),
                explanation: q.explanation.clone().unwrap_or_default(),
                times: w.times,
                last_answer: w.last_answer.clone(),
            })
        })
        .collect();
    let mut page = ctx.page("quiz.wrong_book");
    page.back = Some("/quiz".into());
    render(&WrongPage { page, rows })
}
