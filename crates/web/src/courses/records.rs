//! `GET /learn/me`: the signed-in person's own study records — time credited per lesson and day,
//! lessons completed — and the results imported from other platforms. Only one's own: rankings
//! are not shown (RULES.md §6: individual rankings are never the default public view).

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use redbranch_db::courses as dbcourses;
use redbranch_db::links as dblinks;
use redbranch_db::people::PersonId;
use redbranch_domain::links::Source;
use serde::Serialize;

use crate::error::AppResult;
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize)]
pub struct RecordRow {
    pub lesson_id: i64,
    pub lesson_title: String,
    pub course_title: String,
    pub day: String,
    pub seconds: i64,
    pub completed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResultRow {
    pub source: String,
    pub source_name: String,
    pub period: String,
    pub score: Option<i64>,
    pub completed: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct MyRecords {
    pub records: Vec<RecordRow>,
    pub external: Vec<ResultRow>,
    pub total_seconds: i64,
    pub completed_lessons: usize,
}

/// The records of the user's own person (empty for an account without one).
pub async fn my_records(st: &AppState, ctx: &Ctx, u: &CurrentUser) -> AppResult<MyRecords> {
    let Some(person) = u.person_id.map(PersonId) else {
        return Ok(MyRecords::default());
    };
    let c = &st.db.conn;
    let rows = dbcourses::records_of(c, u.tenant, person).await?;
    let lesson_ids: Vec<i64> = rows.iter().map(|r| r.lesson_id).collect();
    let lessons = dbcourses::lessons_by_ids(c, u.tenant, &lesson_ids).await?;
    let course_ids: Vec<i64> = lessons.iter().map(|l| l.course_id).collect();
    let courses: HashMap<i64, String> = dbcourses::courses_by_ids(c, u.tenant, &course_ids)
        .await?
        .into_iter()
        .map(|c| (c.id, c.title))
        .collect();
    let lessons: HashMap<i64, (String, i64)> = lessons
        .into_iter()
        .map(|l| (l.id, (l.title, l.course_id)))
        .collect();
    let records: Vec<RecordRow> = rows
        .into_iter()
        .map(|r| {
            let (title, course) = lessons.get(&r.lesson_id).cloned().unwrap_or_default();
            RecordRow {
                lesson_id: r.lesson_id,
                lesson_title: title,
                course_title: courses.get(&course).cloned().unwrap_or_default(),
                day: r.day.format("%Y-%m-%d").to_string(),
                seconds: r.seconds,
                completed: r.completed_at.is_some(),
            }
        })
        .collect();
    let external = dblinks::results_of(c, u.tenant, person)
        .await?
        .into_iter()
        .map(|r| ResultRow {
            source_name: Source::from_code(&r.source)
                .map(|s| ctx.t(s.label_key()).to_string())
                .unwrap_or_else(|| r.source.clone()),
            source: r.source,
            period: r.period,
            score: r.score,
            completed: r.completed,
        })
        .collect();
    Ok(MyRecords {
        total_seconds: records.iter().map(|r| r.seconds).sum(),
        completed_lessons: records.iter().filter(|r| r.completed).count(),
        records,
        external,
    })
}

#[derive(Template)]
#[template(path = "courses/me.html")]
struct RecordsPage {
    page: Page,
    r: MyRecords,
}

pub async fn show_records(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    let r = my_records(&st, &ctx, &u).await?;
    let mut page = ctx.page("courses.me_title");
    page.back = Some("/learn".into());
    render(&RecordsPage { page, r })
}
