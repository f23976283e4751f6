//! Quizzes on the web side: 每日答题, 每周答题, 专项答题 and 挑战答题 — start (or resume) a round,
//! hand it in, answer a challenge question by question, the wrong-answer book. Answers are
//! checked here on the server; a client sees a question's answer only after answering it.
//!
//! A finished round earns its points in the transaction that finishes it: a handed-in round in
//! its group's ([`handin`]), a challenge through `crate::points::earn`.

pub mod handin;
mod pages;
pub mod paper;

pub use pages::routes;

use chrono::{DateTime, Utc};
use redbranch_db::TransactionTrait;
use redbranch_db::questions::{self as dbq};
use redbranch_db::quiz::{self as dbquiz, Given, NewAttempt, QuizAttempt};
use redbranch_domain::error::FieldError;
use redbranch_domain::quiz::{QuizMode, QuizSettings, percent, pick, serve};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;
use crate::state::AppState;
use paper::{AnswerIn, MarkedView, QuestionView};

/// What a person asks to start.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StartInput {
    #[serde(default)]
    pub mode: String,
    pub bank_id: Option<i64>,
    #[serde(default)]
    pub topic: String,
}

/// A round as the person sees it: open (questions without answers; a challenge shows only the
/// current one) or finished (every question marked).
#[derive(Debug, Clone, Serialize)]
pub struct AttemptView {
    pub id: i64,
    pub mode: QuizMode,
    pub total: i64,
    pub correct: i64,
    pub finished: bool,
    pub percent: usize,
    pub questions: Vec<QuestionView>,
    pub marked: Vec<MarkedView>,
    pub started_at: DateTime<Utc>,
}

/// The school's quiz numbers.
pub async fn settings(st: &AppState, u: &CurrentUser) -> AppResult<QuizSettings> {
    crate::settings::school_section(&st.db.conn, u.tenant, "quiz").await
}

/// Starts a round, or resumes today's (this week's) open one. A daily or weekly quiz already
/// handed in is refused (`quiz_already_taken`).
pub async fn start(st: &AppState, u: &CurrentUser, input: &StartInput) -> AppResult<AttemptView> {
    let mode = QuizMode::from_code(input.mode.trim())
        .ok_or_else(|| FieldError::new("field.quiz_mode", "error.required"))?;
    let slot = mode.slot(st.clock.today());
    if let Some(slot) = &slot
        && let Some(a) = dbquiz::in_slot(&st.db.conn, u.user_id, slot).await?
    {
        if a.finished_at.is_some() {
            return Err(AppError::Conflict("quiz_already_taken"));
        }
        return view(st, u, &a).await;
    }
    let topic = Some(input.topic.trim().to_string()).filter(|t| !t.is_empty());
    let banks: Vec<i64> = match (mode, input.bank_id) {
        (QuizMode::Topic, None) => {
            return Err(FieldError::new("field.quiz_bank", "error.required").into());
        }
        (_, Some(id)) => vec![crate::questions::quiz_bank(st, u, id).await?.id],
        (_, None) => crate::questions::quiz_banks(st, u)
            .await?
            .iter()
            .map(|b| b.id)
            .collect(),
    };
    let pool = dbq::pool(&st.db.conn, &banks, None, topic.as_deref()).await?;
    let n = settings(st, u).await?.count(mode);
    let ids = pick(&pool, n, &mut rand::thread_rng());
    if ids.is_empty() {
        return Err(AppError::Conflict("no_questions"));
    }
    let rows = dbq::by_ids(&st.db.conn, u.tenant, &ids).await?;
    let shape: Vec<(i64, usize)> = ids
        .iter()
        .filter_map(|id| rows.get(id).map(|r| (*id, r.question.options.len())))
        .collect();
    let items = serve(&shape, true, &mut rand::thread_rng());
    let new = NewAttempt {
        user: u.user_id,
        mode,
        slot: slot.clone(),
        bank_id: input.bank_id,
        topic,
        items,
        now: st.clock.now(),
    };
    let a = match dbquiz::start(&st.db.conn, u.tenant, new).await {
        Ok(a) => a,
        // Another node (or tab) started today's round a moment ago: resume that one.
        Err(redbranch_db::DbError::Duplicate(_)) => {
            let slot = slot.unwrap_or_default();
            dbquiz::in_slot(&st.db.conn, u.user_id, &slot)
                .await?
                .ok_or(AppError::Conflict("quiz_already_taken"))?
        }
        Err(e) => return Err(e.into()),
    };
    view(st, u, &a).await
}

/// The round as its owner sees it now.
pub async fn view(st: &AppState, u: &CurrentUser, a: &QuizAttempt) -> AppResult<AttemptView> {
    let items = dbquiz::items(a)?;
    let answers = dbquiz::answers(a)?;
    let ids: Vec<i64> = items.iter().map(|s| s.question_id).collect();
    let rows = dbq::by_ids(&st.db.conn, u.tenant, &ids).await?;
    let mode = QuizMode::from_code(&a.mode).unwrap_or(QuizMode::Topic);
    let finished = a.finished_at.is_some();
    let mut marked = Vec::new();
    for (s, g) in items.iter().zip(&answers) {
        if let Some(row) = rows.get(&s.question_id) {
            marked.push(paper::marked(row, s, &g.given, g.correct));
        }
    }
    let open: Vec<&redbranch_domain::quiz::Served> = if finished {
        Vec::new()
    } else if mode == QuizMode::Challenge {
        items.get(answers.len()).into_iter().collect()
    } else {
        items.iter().collect()
    };
    let questions = open
        .into_iter()
        .filter_map(|s| rows.get(&s.question_id).map(|r| paper::view(r, s)))
        .collect();
    Ok(AttemptView {
        id: a.id,
        mode,
        total: a.total,
        correct: a.correct,
        finished,
        percent: percent(
            usize::try_from(a.correct).unwrap_or(0),
            usize::try_from(if mode == QuizMode::Challenge {
                i64::try_from(answers.len()).unwrap_or(0)
            } else {
                a.total
            })
            .unwrap_or(0),
        ),
        questions,
        marked: if finished || mode == QuizMode::Challenge {
            marked
        } else {
            Vec::new()
        },
        started_at: a.started_at,
    })
}

/// Hands in a round (not a challenge): every answer must belong to it; a second hand-in is
/// refused (`already_submitted`) and changes nothing. Written with whatever other hand-ins are
/// waiting on this node ([`handin`]); a refusal concerns this one only.
pub async fn submit(
    st: &AppState,
    u: &CurrentUser,
    id: i64,
    answers: &[AnswerIn],
) -> AppResult<AttemptView> {
    handin::hand_in(
        st,
        handin::HandIn {
            tenant: u.tenant,
            user: u.user_id,
            person: u.person_id,
            attempt: id,
            answers: answers.to_vec(),
            at: st.clock.now(),
        },
    )
    .await
}

async fn book_wrong(
    c: &impl redbranch_db::ConnectionTrait,
    u: &CurrentUser,
    given: &[Given],
    now: DateTime<Utc>,
) -> AppResult<()> {
    dbquiz::add_wrong(c, u.tenant, u.user_id, given, now).await?;
    Ok(())
}

/// One step of a challenge: the answer must be to the current question; a wrong one (or the
/// last question) ends the run.
pub async fn answer_challenge(
    st: &AppState,
    u: &CurrentUser,
    id: i64,
    answer: &AnswerIn,
) -> AppResult<AttemptView> {
    let a = dbquiz::attempt(&st.db.conn, u.tenant, u.user_id, id).await?;
    if a.mode != QuizMode::Challenge.code() {
        return Err(AppError::BadRequest("not_a_challenge"));
    }
    if a.finished_at.is_some() {
        return Err(AppError::Conflict("already_submitted"));
    }
    let items = dbquiz::items(&a)?;
    let mut given = dbquiz::answers(&a)?;
    let current = items
        .get(given.len())
        .ok_or(AppError::Conflict("already_submitted"))?;
    if current.question_id != answer.question_id {
        return Err(FieldError::new("field.answers", "quiz.error.not_current")
            .with("id", answer.question_id)
            .into());
    }
    let rows = dbq::by_ids(&st.db.conn, u.tenant, &[current.question_id]).await?;
    let row = rows.get(&current.question_id).ok_or(AppError::NotFound)?;
    let correct = paper::mark_one(row, current, &answer.given);
    given.push(Given {
        question_id: current.question_id,
        given: answer.given.clone(),
        correct,
    });
    let right = a.correct + i64::from(correct);
    let now = st.clock.now();
    let finish = (!correct || given.len() == items.len()).then_some(now);
    let txn = st.db.conn.begin().await?;
    dbquiz::record(&txn, &a, &given, right, finish).await?;
    if !correct {
        book_wrong(&txn, u, &given[given.len() - 1..], now).await?;
    }
    // A challenge that ends on its first question earned nothing.
    if finish.is_some() && right > 0 {
        let key = format!("quiz:{}", a.id);
        crate::points::earn(&txn, u, QuizMode::Challenge.activity(), &key, now).await?;
    }
    txn.commit().await?;
    let a = dbquiz::attempt(&st.db.conn, u.tenant, u.user_id, id).await?;
    view(st, u, &a).await
}
