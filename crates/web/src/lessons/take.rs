//! `GET /lessons`, `GET /lessons/{id}`, `POST /lessons/{id}`: the lessons of the school, one
//! lesson's video and questions, and a member's answers. Answers are taken within the lesson's
//! period only (both days included); a completion earns `weekly_lesson` points once (idempotency
//! key `lesson:{id}:{person}`) in the same transaction.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::lessons::{self as dblessons, LessonRow};
use redbranch_db::people::PersonId;
use redbranch_db::points as dbpoints;
use redbranch_domain::authz::Permission;
use redbranch_domain::error::FieldError;
use redbranch_domain::lessons::{Question, open_on, score};
use serde::Serialize;

use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::points::my_person;
use crate::render::field_message;
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// Answers: one option index per question, in order.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct AnswerInput {
    #[serde(default)]
    pub answers: Vec<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Completed {
    pub lesson_id: i64,
    pub score: usize,
    pub of: usize,
    pub as_member: bool,
    pub points: i64,
}

/// Records a completion with its points, in one transaction. After the period, or a second
/// time, it is refused and nothing is written.
pub async fn complete_lesson(
    st: &AppState,
    u: &CurrentUser,
    id: i64,
    input: &AnswerInput,
) -> AppResult<Completed> {
    let person = my_person(st, u).await?;
    let lesson = dblessons::lesson(&st.db.conn, u.tenant, id).await?;
    if !open_on(st.clock.today(), (lesson.starts_on, lesson.ends_on)) {
        return Err(
            FieldError::new("field.lesson_answers", "lessons.error.closed")
                .with("from", lesson.starts_on)
                .with("to", lesson.ends_on)
                .into(),
        );
    }
    let questions = lesson.questions();
    let right = score(&questions, &input.answers)?;
    let txn = redbranch_db::points::begin_write(&st.db.conn).await?;
    let pid = PersonId(person.id);
    let as_member =
        dblessons::complete(&txn, u.tenant, id, pid, i64::try_from(right).unwrap_or(0)).await?;
    let key = format!("lesson:{id}:{}", person.id);
    let award = dbpoints::award(&txn, u.tenant, pid, "weekly_lesson", &key, st.clock.now()).await;
    // A school whose rule table has no weekly_lesson still records the completion.
    let points = match award {
        Ok(a) => a.points,
        Err(redbranch_db::DbError::Conflict("unknown_activity")) => 0,
        Err(e) => return Err(e.into()),
    };
    txn.commit().await?;
    Ok(Completed {
        lesson_id: id,
        score: right,
        of: questions.len(),
        as_member,
        points,
    })
}

#[derive(Template)]
#[template(path = "lessons/index.html")]
struct LessonsPage {
    page: Page,
    lessons: Vec<(LessonRow, bool)>,
    today: chrono::NaiveDate,
    may_publish: bool,
    publish: super::manage::PublishForm,
}

pub async fn show_lessons(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    super::manage::render_index(&st, &ctx, &u, super::manage::PublishForm::default()).await
}

pub(super) async fn render_lessons(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    publish: super::manage::PublishForm,
) -> AppResult<Response> {
    let refused = !publish.errors.is_empty();
    let lessons = dblessons::lessons(&st.db.conn, u.tenant, u.person_id.map(PersonId)).await?;
    let mut res = render(&LessonsPage {
        page: ctx.page("lessons.title"),
        lessons,
        today: st.clock.today(),
        may_publish: u.grants.anywhere(Permission::PublishLessons),
        publish,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[derive(Template)]
#[template(path = "lessons/show.html")]
struct LessonPage {
    page: Page,
    l: LessonRow,
    video_src: String,
    questions: Vec<Question>,
    open: bool,
    done: bool,
    error: String,
    chosen: HashMap<usize, usize>,
}

async fn render_lesson(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    id: i64,
    (error, chosen): (String, HashMap<usize, usize>),
) -> AppResult<Response> {
    let l = dblessons::lesson(&st.db.conn, u.tenant, id).await?;
    let done = dblessons::lessons(&st.db.conn, u.tenant, u.person_id.map(PersonId))
        .await?
        .into_iter()
        .any(|(x, d)| x.id == id && d);
    let open = open_on(st.clock.today(), (l.starts_on, l.ends_on));
    let mut page = ctx.page_titled(l.title.clone());
    page.back = Some("/lessons".into());
    let refused = !error.is_empty();
    let questions = l.questions();
    let mut res = render(&LessonPage {
        page,
        video_src: super::video_src(&l),
        l,
        questions,
        open,
        done,
        error,
        chosen,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn show_lesson(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    render_lesson(&st, &ctx, &u, id, (String::new(), HashMap::new())).await
}

/// The plain form posts `q0=1&q1=0…`.
pub async fn submit_answers(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let n = dblessons::lesson(&st.db.conn, u.tenant, id)
        .await?
        .questions()
        .len();
    let mut chosen = HashMap::new();
    let mut answers = Vec::with_capacity(n);
    for i in 0..n {
        match form
            .get(&format!("q{i}"))
            .and_then(|v| v.parse::<usize>().ok())
        {
            Some(a) => {
                chosen.insert(i, a);
                answers.push(a);
            }
            None => answers.push(usize::MAX),
        }
    }
    match complete_lesson(&st, &u, id, &AnswerInput { answers }).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/lessons/{id}"),
            "ok",
            "lessons.completed",
            st.settings.cookie_secure,
        )),
        Err(AppError::Invalid(errs)) => {
            let msg = errs
                .0
                .first()
                .map(|e| field_message(ctx.locale, e))
                .unwrap_or_default();
            render_lesson(&st, &ctx, &u, id, (msg, chosen)).await
        }
        Err(AppError::Conflict("already_completed")) => Ok(redirect_with_flash(
            &format!("/lessons/{id}"),
            "error",
            "error.already_completed",
            st.settings.cookie_secure,
        )),
        Err(e) => Err(e),
    }
}
