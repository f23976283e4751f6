//! Exams on the web side: authoring (create from a bank, publish — audited), taking (start or
//! resume within the time limit, hand in once, marked at once), results for the authors, and
//! credits (学分) on the person's record for a pass.
//!
//! An exam belongs to an org: its authors hold `ManageQuestions` there; it reaches the people of
//! that org's subtree (everybody, for a root org). Its bank need not be published — an exam's
//! questions should not be practised in advance.

mod pages;

pub use pages::routes;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use redbranch_db::TransactionTrait;
use redbranch_db::exams::{self as dbexams, Exam, ExamAttempt, NewCredit, NewExam, NewExamAttempt};
use redbranch_db::org as dborg;
use redbranch_db::people::PersonId;
use redbranch_db::questions as dbq;
use redbranch_db::quiz::{self as dbquiz, Given};
use redbranch_domain::authz::Permission;
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::exams::{
    Draw, ExamRules, ExamSpec, deadline, in_time, may_start, parse_credits, passed, points,
};
use redbranch_domain::org::{OrgId, OrgPath};
use redbranch_domain::questions::QuestionKind;
use redbranch_domain::quiz::{pick, serve};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::{AppError, AppResult};
use crate::quiz::paper::{self, AnswerIn, MarkedView, QuestionView};
use crate::session::CurrentUser;
use crate::state::AppState;

pub fn exam_path(e: &Exam) -> OrgPath {
    OrgPath::from_stored(e.org_path.clone())
}

/// What an author sends to create an exam.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExamInput {
    pub org_id: Option<i64>,
    pub bank_id: Option<i64>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub minutes: i64,
    #[serde(default)]
    pub max_attempts: i64,
    #[serde(default)]
    pub pass_percent: i64,
    /// `1.5`; empty for none.
    #[serde(default)]
    pub credits: String,
    #[serde(default)]
    pub shuffle: bool,
    /// Fixed questions; empty for a random paper.
    #[serde(default)]
    pub question_ids: Vec<i64>,
    #[serde(default)]
    pub draws: Vec<Draw>,
}

pub async fn create(st: &AppState, u: &CurrentUser, input: &ExamInput) -> AppResult<Exam> {
    let mut errs = FieldErrors::default();
    let title = redbranch_domain::text::normalise(&input.title);
    if title.is_empty() || title.chars().count() > 100 {
        errs.push(FieldError::new("field.exam_title", "error.required"));
    }
    let credit_tenths = errs.take(parse_credits(&input.credits)).unwrap_or(0);
    let rules = ExamRules {
        minutes: input.minutes,
        max_attempts: input.max_attempts,
        pass_percent: input.pass_percent,
        credit_tenths,
    };
    if let Err(e) = rules.check() {
        e.into_iter().for_each(|f| errs.push(f));
    }
    let org_id = input
        .org_id
        .ok_or_else(|| FieldError::new("field.exam_org", "error.required"))?;
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(org_id))
        .await
        .map_err(|_| FieldError::new("field.exam_org", "error.required"))?;
    u.grants
        .ensure(Permission::ManageQuestions, &org.org_path())?;
    let bank_id = input
        .bank_id
        .ok_or_else(|| FieldError::new("field.exam_bank", "error.required"))?;
    let bank = dbq::bank(&st.db.conn, u.tenant, bank_id).await?;
    // The author must author the bank, or the bank must be published and reach them.
    let bank_path = crate::questions::bank_path(&bank);
    if !u.grants.allows(Permission::ManageQuestions, &bank_path) {
        crate::questions::quiz_bank(st, u, bank.id).await?;
    }
    let spec = if input.question_ids.is_empty() {
        check_draws(st, bank.id, &input.draws, &mut errs).await?;
        ExamSpec::Random {
            draws: input.draws.clone(),
        }
    } else {
        let mut ids = input.question_ids.clone();
        ids.dedup();
        let pool: HashSet<i64> = dbq::pool(&st.db.conn, &[bank.id], None, None)
            .await?
            .into_iter()
            .collect();
        if let Some(bad) = ids.iter().find(|i| !pool.contains(i)) {
            errs.push(
                FieldError::new("field.exam_questions", "exams.error.not_in_bank").with("id", bad),
            );
        }
        ExamSpec::Fixed { question_ids: ids }
    };
    if spec.size() == 0 {
        errs.push(FieldError::new("field.exam_questions", "error.required"));
    }
    errs.into_result()?;
    let txn = st.db.conn.begin().await?;
    let exam = dbexams::create(
        &txn,
        u.tenant,
        NewExam {
            org_id,
            org_path: org.org_path(),
            bank_id: bank.id,
            title,
            spec,
            minutes: rules.minutes,
            max_attempts: rules.max_attempts,
            pass_percent: rules.pass_percent,
            credit_tenths,
            shuffle: input.shuffle,
            by: u.user_id,
        },
    )
    .await?;
    let e = crate::audit::entry(
        u,
        "exam_create",
        "exam",
        exam.id,
        Some(org.org_path()),
        None,
        Some(json!({"title": exam.title, "bank_id": bank.id})),
    );
    redbranch_db::audit::append(&txn, u.tenant, e).await?;
    txn.commit().await?;
    Ok(exam)
}

/// Each draw must be satisfiable from the bank: enough questions of its type and topic.
async fn check_draws(
    st: &AppState,
    bank: i64,
    draws: &[Draw],
    errs: &mut FieldErrors,
) -> AppResult<()> {
    for d in draws {
        let have = dbq::pool(&st.db.conn, &[bank], Some(d.kind), d.topic.as_deref())
            .await?
            .len();
        if have < d.count {
            errs.push(
                FieldError::new("field.exam_questions", "exams.error.not_enough")
                    .with("kind", d.kind.template_name())
                    .with("want", d.count)
                    .with("have", have),
            );
        }
    }
    Ok(())
}

/// An exam for its authors (`ManageQuestions` on its org, checked here visibly).
pub async fn authored(st: &AppState, u: &CurrentUser, id: i64) -> AppResult<Exam> {
    let e = dbexams::get(&st.db.conn, u.tenant, id).await?;
    u.grants
        .ensure(Permission::ManageQuestions, &exam_path(&e))?;
    Ok(e)
}

/// An exam the viewer may take: published and reaching them; otherwise not found.
pub async fn takeable(st: &AppState, u: &CurrentUser, id: i64) -> AppResult<Exam> {
    let e = dbexams::get(&st.db.conn, u.tenant, id).await?;
    let viewer = crate::questions::viewer_paths(st, u).await?;
    if e.status == "published" && crate::questions::reaches(&exam_path(&e), &viewer, u) {
        Ok(e)
    } else {
        Err(AppError::NotFound)
    }
}

/// Exams listed for the viewer: those they author and the published ones reaching them.
pub async fn listed(st: &AppState, u: &CurrentUser) -> AppResult<Vec<Exam>> {
    let viewer = crate::questions::viewer_paths(st, u).await?;
    let scope = u.grants.scope(Permission::ManageQuestions);
    Ok(dbexams::all(&st.db.conn, u.tenant)
        .await?
        .into_iter()
        .filter(|e| {
            let p = exam_path(e);
            scope.covers(&p)
                || (e.status == "published" && crate::questions::reaches(&p, &viewer, u))
        })
        .collect())
}

pub async fn publish(st: &AppState, u: &CurrentUser, e: &Exam) -> AppResult<()> {
    let txn = st.db.conn.begin().await?;
    dbexams::publish(&txn, u.tenant, e.id, u.user_id).await?;
    let entry = crate::audit::entry(
        u,
        "exam_publish",
        "exam",
        e.id,
        Some(exam_path(e)),
        None,
        Some(json!({"title": e.title})),
    );
    redbranch_db::audit::append(&txn, u.tenant, entry).await?;
    txn.commit().await?;
    Ok(())
}

/// A paper as its candidate sees it.
#[derive(Debug, Clone, Serialize)]
pub struct PaperView {
    pub attempt_id: i64,
    pub exam_id: i64,
    pub title: String,
    pub attempt_no: i64,
    pub deadline_at: DateTime<Utc>,
    /// Seconds left at the time of the request (0 once over).
    pub seconds_left: i64,
    pub submitted: bool,
    pub score: Option<i64>,
    pub total: i64,
    pub passed: Option<bool>,
    pub questions: Vec<QuestionView>,
    pub marked: Vec<MarkedView>,
    /// Credits recorded for this pass, in tenths (0: none).
    pub credit_tenths: i64,
}

/// Starts the next attempt, or resumes an open one still in time. No attempts left is
/// `no_attempts_left`.
pub async fn start(st: &AppState, u: &CurrentUser, exam: &Exam) -> AppResult<PaperView> {
    let now = st.clock.now();
    let tried = dbexams::attempts_of(&st.db.conn, exam.id, u.user_id).await?;
    if let Some(open) = tried
        .iter()
        .find(|a| a.submitted_at.is_none() && in_time(a.deadline_at, now))
    {
        return paper_view(st, u, exam, open).await;
    }
    let used = i64::try_from(tried.len()).unwrap_or(i64::MAX);
    if !may_start(used, exam.max_attempts) {
        return Err(AppError::Conflict("no_attempts_left"));
    }
    let ids = draw(st, exam).await?;
    let rows = dbq::by_ids(&st.db.conn, u.tenant, &ids).await?;
    let shape: Vec<(i64, usize)> = ids
        .iter()
        .filter_map(|id| rows.get(id).map(|r| (*id, r.question.options.len())))
        .collect();
    let total = shape
        .iter()
        .filter_map(|(id, _)| rows.get(id).map(|r| points(r.question.kind)))
        .sum();
    let items = serve(&shape, exam.shuffle, &mut rand::thread_rng());
    let a = dbexams::start(
        &st.db.conn,
        u.tenant,
        NewExamAttempt {
            exam_id: exam.id,
            user: u.user_id,
            person: u.person_id.map(PersonId),
            attempt_no: used + 1,
            items,
            total,
            started_at: now,
            deadline_at: deadline(now, exam.minutes),
        },
    )
    .await
    .map_err(|e| match e {
        redbranch_db::DbError::Duplicate(_) => AppError::Conflict("attempt_in_progress"),
        other => other.into(),
    })?;
    paper_view(st, u, exam, &a).await
}

/// The questions of a new paper, in order (shuffled when the exam says so).
async fn draw(st: &AppState, exam: &Exam) -> AppResult<Vec<i64>> {
    // StdRng, not the thread RNG: it is held across the pool queries, so it must be `Send`.
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::from_entropy();
    let ids = match dbexams::spec(exam)? {
        ExamSpec::Fixed { question_ids } => {
            if exam.shuffle {
                pick(&question_ids, question_ids.len(), &mut rng)
            } else {
                question_ids
            }
        }
        ExamSpec::Random { draws } => {
            let mut out: Vec<i64> = Vec::new();
            for d in draws {
                let pool: Vec<i64> = dbq::pool(
                    &st.db.conn,
                    &[exam.bank_id],
                    Some(d.kind),
                    d.topic.as_deref(),
                )
                .await?
                .into_iter()
                .filter(|id| !out.contains(id))
                .collect();
                out.extend(pick(&pool, d.count, &mut rng));
            }
            if exam.shuffle {
                let n = out.len();
                pick(&out, n, &mut rng)
            } else {
                out
            }
        }
    };
    if ids.is_empty() {
        return Err(AppError::Conflict("no_questions"));
    }
    Ok(ids)
}

pub async fn paper_view(
    st: &AppState,
    u: &CurrentUser,
    exam: &Exam,
    a: &ExamAttempt,
) -> AppResult<PaperView> {
    let items = dbexams::items(a)?;
    let ids: Vec<i64> = items.iter().map(|s| s.question_id).collect();
    let rows = dbq::by_ids(&st.db.conn, u.tenant, &ids).await?;
    let submitted = a.submitted_at.is_some();
    let (questions, marked) = if submitted {
        let given = dbexams::answers(a)?;
        let marked = items
            .iter()
            .zip(&given)
            .filter_map(|(s, g)| {
                rows.get(&s.question_id)
                    .map(|r| paper::marked(r, s, &g.given, g.correct))
            })
            .collect();
        (Vec::new(), marked)
    } else {
        let qs = items
            .iter()
            .filter_map(|s| rows.get(&s.question_id).map(|r| paper::view(r, s)))
            .collect();
        (qs, Vec::new())
    };
    let credit_tenths = if a.passed == Some(true) {
        exam.credit_tenths
    } else {
        0
    };
    Ok(PaperView {
        attempt_id: a.id,
        exam_id: exam.id,
        title: exam.title.clone(),
        attempt_no: a.attempt_no,
        deadline_at: a.deadline_at,
        seconds_left: (a.deadline_at - st.clock.now()).num_seconds().max(0),
        submitted,
        score: a.score,
        total: a.total,
        passed: a.passed,
        questions,
        marked,
        credit_tenths,
    })
}

/// Hands a paper in: in time (`time_over` otherwise), once (`already_submitted`), with answers
/// only to its own questions. Marks it, books wrong answers, and records the credits of a pass
/// on the person's record — all in one transaction with its audit entry.
pub async fn submit(
    st: &AppState,
    u: &CurrentUser,
    attempt_id: i64,
    answers: &[AnswerIn],
) -> AppResult<PaperView> {
    let a = dbexams::attempt(&st.db.conn, u.tenant, u.user_id, attempt_id).await?;
    let exam = dbexams::get(&st.db.conn, u.tenant, a.exam_id).await?;
    if a.submitted_at.is_some() {
        return Err(AppError::Conflict("already_submitted"));
    }
    let now = st.clock.now();
    if !in_time(a.deadline_at, now) {
        return Err(AppError::Conflict("time_over"));
    }
    let items = dbexams::items(&a)?;
    let by_q = paper::check_belongs(&items, answers)?;
    let ids: Vec<i64> = items.iter().map(|s| s.question_id).collect();
    let rows = dbq::by_ids(&st.db.conn, u.tenant, &ids).await?;
    let marked = paper::mark_all(&items, &rows, &by_q)?;
    let given: Vec<Given> = marked.iter().map(|(g, _)| g.clone()).collect();
    let score: i64 = given
        .iter()
        .filter(|g| g.correct)
        .filter_map(|g| rows.get(&g.question_id).map(|r| points(r.question.kind)))
        .sum();
    let pass = passed(score, a.total, exam.pass_percent);
    let txn = st.db.conn.begin().await?;
    dbexams::submit(&txn, a.id, &given, (score, pass), now).await?;
    dbquiz::add_wrong(&txn, u.tenant, u.user_id, &given, now).await?;
    let mut credited = false;
    if let (true, Some(person)) = (pass && exam.credit_tenths > 0, u.person_id) {
        credited = dbexams::award(
            &txn,
            u.tenant,
            NewCredit {
                person: PersonId(person),
                source: "exam",
                source_ref: exam.id,
                attempt_id: Some(a.id),
                title: exam.title.clone(),
                tenths: exam.credit_tenths,
                earned_on: st.clock.today(),
            },
        )
        .await?;
    }
    crate::points::earn(&txn, u, "exam", &format!("exam:{}", a.id), st.clock.now()).await?;
    let entry = crate::audit::entry(
        u,
        "exam_submit",
        "exam_attempt",
        a.id,
        Some(exam_path(&exam)),
        None,
        Some(
            json!({"exam_id": exam.id, "person_id": u.person_id, "score": score,
            "total": a.total, "passed": pass, "credited": credited}),
        ),
    );
    redbranch_db::audit::append(&txn, u.tenant, entry).await?;
    txn.commit().await?;
    let a = dbexams::attempt(&st.db.conn, u.tenant, u.user_id, attempt_id).await?;
    paper_view(st, u, &exam, &a).await
}

/// One row of an exam's results.
#[derive(Debug, Clone, Serialize)]
pub struct ResultRow {
    pub attempt_id: i64,
    pub user: String,
    pub attempt_no: i64,
    pub score: i64,
    pub total: i64,
    pub passed: bool,
    pub submitted_at: DateTime<Utc>,
}

/// Every handed-in paper, for the exam's authors.
pub async fn results(st: &AppState, exam: &Exam) -> AppResult<Vec<ResultRow>> {
    let rows = dbexams::results(&st.db.conn, exam.id).await?;
    let names =
        redbranch_db::dossier::user_names(&st.db.conn, rows.iter().map(|r| r.user_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| ResultRow {
            attempt_id: r.id,
            user: names.get(&r.user_id).cloned().unwrap_or_default(),
            attempt_no: r.attempt_no,
            score: r.score.unwrap_or(0),
            total: r.total,
            passed: r.passed.unwrap_or(false),
            submitted_at: r.submitted_at.unwrap_or_default(),
        })
        .collect())
}

/// The kinds an author can draw, for forms.
pub const DRAW_KINDS: [QuestionKind; 4] = QuestionKind::ALL;
