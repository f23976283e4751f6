//! Quiz hand-ins written in groups (group commit, docs/adr/0013-group-commit.md). Near a
//! deadline thousands of people hand in at once, and each hand-in is one write transaction of
//! about a dozen statements; on SQLite those transactions queue for the single writer, on
//! PostgreSQL they pay a round trip each. So a hand-in joins a queue on its node as it arrives
//! (its account already known), and whoever takes the read turn next takes every hand-in
//! waiting there: their rounds and questions are read and the papers marked, then, with a
//! writer's permit and whatever arrived meanwhile, one transaction with a fixed number of
//! statements closes the rounds, books their wrong answers and pays their points
//! (`redbranch_db::points::award_many`).
//!
//! Nothing outlives a request: the queue holds only hand-ins whose requests are waiting for
//! their answer, so a node still keeps no state of its own. Each request answers only once its
//! group has committed. If a group fails, each of its hand-ins is tried again alone, so one
//! bad hand-in fails only its own request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use redbranch_db::DbError;
use redbranch_db::auth::UserId;
use redbranch_db::people::PersonId;
use redbranch_db::points::{self as dbpoints, Earning};
use redbranch_db::questions as dbq;
use redbranch_db::quiz::{self as dbquiz, Finish, Given, QuizAttempt};
use redbranch_db::tenants::TenantId;
use redbranch_domain::quiz::{QuizMode, Served, percent};
use tokio::sync::oneshot;

use super::AttemptView;
use super::paper::{self, AnswerIn, MarkedView};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Most hand-ins one transaction closes.
const GROUP: usize = 256;

/// One hand-in as it arrived: whose, which round, the answers as sent.
pub struct HandIn {
    pub tenant: TenantId,
    pub user: UserId,
    /// The account's person, who earns the points (none: an account without a person record).
    pub person: Option<i64>,
    pub attempt: i64,
    pub answers: Vec<AnswerIn>,
    pub at: DateTime<Utc>,
}

type Waiting = (HandIn, oneshot::Sender<AppResult<AttemptView>>);

/// The node's queue of hand-ins waiting for their turn, and the two stages of the pipeline: a
/// group is read and marked outside any transaction under the read turn, then written with a
/// writer's permit, so one group's reading overlaps the writing of the one before it (a round
/// closes only if it is still open when written, so reading early cannot pay twice).
pub struct HandIns {
    waiting: Mutex<Vec<Waiting>>,
    read_turn: Arc<tokio::sync::Mutex<()>>,
    /// Groups written at once: one on SQLite, which has a single writer anyway; several on
    /// PostgreSQL, whose row locks let groups of different people commit side by side (every
    /// group takes its locks in the same order, see `redbranch_db::points::award`).
    writers: Arc<tokio::sync::Semaphore>,
}

/// Groups written at once on PostgreSQL.
const PG_WRITERS: usize = 4;

impl HandIns {
    pub fn new(backend: redbranch_db::DbBackend) -> Self {
        let writers = match backend {
            redbranch_db::DbBackend::Postgres => PG_WRITERS,
            _ => 1,
        };
        Self {
            waiting: Mutex::default(),
            read_turn: Arc::default(),
            writers: Arc::new(tokio::sync::Semaphore::new(writers)),
        }
    }
}

/// Marks the paper, closes the round and pays its points, in a group with whatever other
/// hand-ins are waiting: the marked round. Refused as [`super::submit`] documents.
pub async fn hand_in(st: &AppState, h: HandIn) -> AppResult<AttemptView> {
    let (tx, mut rx) = oneshot::channel();
    st.handins
        .waiting
        .lock()
        .map_err(|_| poisoned())?
        .push((h, tx));
    loop {
        let read = st.handins.read_turn.clone().lock_owned().await;
        match rx.try_recv() {
            Ok(done) => return done,
            Err(oneshot::error::TryRecvError::Closed) => return Err(unanswered()),
            Err(oneshot::error::TryRecvError::Empty) => {}
        }
        let group: Vec<Waiting> = {
            let mut w = st.handins.waiting.lock().map_err(|_| poisoned())?;
            let n = w.len().min(GROUP);
            w.drain(..n).collect()
        };
        if group.is_empty() {
            // Ours is in the group being written now: its answer is on the way.
            drop(read);
            return rx.await.unwrap_or_else(|_| Err(unanswered()));
        }
        // The group runs in its own task holding the turns, so a request that goes away
        // (the client hung up) cannot cut a group off half-way.
        let st = st.clone();
        let group = tokio::spawn(async move { run(&st, group, read).await });
        if group.await.is_err() {
            tracing::error!("a hand-in group panicked");
        }
        // Ours was most likely in that group: answer without waiting for the read turn, which
        // the next group may hold for a while.
        match rx.try_recv() {
            Ok(done) => return done,
            Err(oneshot::error::TryRecvError::Closed) => return Err(unanswered()),
            Err(oneshot::error::TryRecvError::Empty) => {}
        }
    }
}

fn poisoned() -> AppError {
    DbError::Corrupt("hand-in queue poisoned".into()).into()
}

fn unanswered() -> AppError {
    DbError::Corrupt("hand-in group ended without an answer".into()).into()
}

/// Reads and marks `group` under the read turn, then writes it with a writer's permit (taken
/// before the read turn is let go, so at most one group waits between the two stages). The
/// hand-ins that arrived while it waited for the permit join it, read there: at a light load
/// groups would otherwise shrink to what arrives during one read, and each group has a fixed
/// cost on the single writer that only its size spreads.
async fn run(st: &AppState, group: Vec<Waiting>, read: tokio::sync::OwnedMutexGuard<()>) {
    let (jobs, mut answers): (Vec<HandIn>, Vec<_>) = group.into_iter().unzip();
    let marked = mark(&st.db.conn, &jobs).await;
    let writer = st.handins.writers.clone().acquire_owned().await;
    drop(read);
    let late: Vec<Waiting> = match st.handins.waiting.lock() {
        Ok(mut w) => {
            let n = w.len().min(GROUP.saturating_sub(jobs.len()));
            w.drain(..n).collect()
        }
        Err(_) => Vec::new(),
    };
    let (late, late_answers): (Vec<HandIn>, Vec<_>) = late.into_iter().unzip();
    answers.extend(late_answers);
    tracing::debug!(size = jobs.len(), late = late.len(), "hand-in group");
    let late_marked = mark(&st.db.conn, &late).await;
    let r = match (marked, late_marked, writer) {
        (Ok(mut papers), Ok(more), Ok(_writer)) => {
            papers.extend(more);
            together(st, papers).await
        }
        (Err(e), _, _) | (_, Err(e), _) => Err(e),
        (_, _, Err(_)) => Err(DbError::Corrupt("hand-in writers closed".into())),
    };
    let all: Vec<&HandIn> = jobs.iter().chain(&late).collect();
    match r {
        Ok(done) => {
            for (tx, r) in answers.into_iter().zip(done) {
                let _ = tx.send(r);
            }
        }
        Err(e) if all.len() == 1 => {
            if let Some(tx) = answers.into_iter().next() {
                let _ = tx.send(Err(e.into()));
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, size = all.len(), "hand-in group failed; writing them one by one");
            for (job, tx) in all.into_iter().zip(answers) {
                let _ = tx.send(alone(st, job).await);
            }
        }
    }
}

/// One hand-in read, marked and written by itself.
async fn alone(st: &AppState, job: &HandIn) -> AppResult<AttemptView> {
    let papers = mark(&st.db.conn, std::slice::from_ref(job)).await?;
    together(st, papers)
        .await?
        .pop()
        .unwrap_or(Err(AppError::NotFound))
}

/// The schools of `jobs`, each once (a group is almost always of one school).
fn schools<'a>(jobs: impl Iterator<Item = &'a HandIn>) -> Vec<TenantId> {
    let mut t: Vec<TenantId> = jobs.map(|j| j.tenant).collect();
    t.sort_unstable_by_key(|t| t.0);
    t.dedup();
    t
}

/// A paper marked and ready to close.
struct Marked<'a> {
    job: &'a HandIn,
    attempt: QuizAttempt,
    given: Vec<Given>,
    correct: i64,
    views: Vec<MarkedView>,
}

/// Reads the rounds of `jobs`, checks each belongs to its account and is open, and marks the
/// papers against their questions (read for all at once): per job, the marked paper or why not.
/// Read outside the write transaction: whether a round is still open is settled again there.
async fn mark<'a>(
    c: &impl redbranch_db::ConnectionTrait,
    jobs: &'a [HandIn],
) -> Result<Vec<AppResult<Marked<'a>>>, DbError> {
    let ids: Vec<i64> = jobs.iter().map(|j| j.attempt).collect();
    let rounds: HashMap<i64, QuizAttempt> = dbquiz::attempts(c, &ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut papers: Vec<AppResult<(&HandIn, QuizAttempt, Vec<Served>)>> = Vec::new();
    for j in jobs {
        let round = rounds
            .get(&j.attempt)
            .filter(|a| a.tenant_id == j.tenant.0 && a.user_id == j.user.0)
            .cloned()
            .ok_or(AppError::NotFound);
        papers.push(round.and_then(|a| {
            if a.finished_at.is_some() {
                return Err(AppError::Conflict("already_submitted"));
            }
            if a.mode == QuizMode::Challenge.code() {
                return Err(AppError::BadRequest("challenge_answers_one_by_one"));
            }
            let items = dbquiz::items(&a)?;
            Ok((j, a, items))
        }));
    }
    let mut questions = HashMap::new();
    for t in schools(jobs.iter()) {
        let ids: Vec<i64> = papers
            .iter()
            .flatten()
            .filter(|(j, _, _)| j.tenant == t)
            .flat_map(|(_, _, items)| items.iter().map(|s| s.question_id))
            .collect();
        if !ids.is_empty() {
            questions.extend(dbq::by_ids(c, t, &ids).await?);
        }
    }
    Ok(papers
        .into_iter()
        .map(|p| {
            let (job, attempt, items) = p?;
            let by_q = paper::check_belongs(&items, &job.answers)?;
            let marked = paper::mark_all(&items, &questions, &by_q)?;
            let (given, views): (Vec<Given>, Vec<MarkedView>) = marked.into_iter().unzip();
            let correct = i64::try_from(given.iter().filter(|g| g.correct).count()).unwrap_or(0);
            Ok(Marked {
                job,
                attempt,
                given,
                correct,
                views,
            })
        })
        .collect())
}

/// One transaction closing the marked `papers`: the outer error fails them all (rolled back);
/// an inner one is that hand-in's refusal.
async fn together(
    st: &AppState,
    mut papers: Vec<AppResult<Marked<'_>>>,
) -> Result<Vec<AppResult<AttemptView>>, DbError> {
    let txn = dbpoints::begin_write(&st.db.conn).await?;
    let open: Vec<&Marked> = papers.iter().flatten().collect();
    let rounds: Vec<Finish> = open
        .iter()
        .map(|m| Finish {
            attempt: &m.attempt,
            given: &m.given,
            correct: m.correct,
            at: m.job.at,
        })
        .collect();
    let closed = dbquiz::finish_many(&txn, &rounds).await?;
    let done: Vec<&Marked> = open
        .iter()
        .zip(&closed)
        .filter(|(_, c)| **c)
        .map(|(m, _)| *m)
        .collect();
    let wrong: Vec<_> = done
        .iter()
        .map(|m| (m.job.tenant, m.job.user, m.given.as_slice(), m.job.at))
        .collect();
    dbquiz::add_wrong_many(&txn, &wrong).await?;
    for tenant in schools(done.iter().map(|m| m.job)) {
        let earnings: Vec<Earning> = done
            .iter()
            .filter(|m| m.job.tenant == tenant)
            .filter_map(|m| {
                let mode = QuizMode::from_code(&m.attempt.mode).unwrap_or(QuizMode::Topic);
                m.job.person.map(|p| Earning {
                    person: PersonId(p),
                    activity: mode.activity().to_string(),
                    idempotency_key: format!("quiz:{}", m.attempt.id),
                    at: m.job.at,
                })
            })
            .collect();
        for paid in dbpoints::award_many(&txn, tenant, &earnings).await? {
            match paid {
                // A school whose rule table has no such activity pays nothing for it.
                Ok(_) | Err(DbError::Conflict("unknown_activity")) => {}
                // Cannot be told apart from the others here: write them one by one.
                Err(e) => return Err(e),
            }
        }
    }
    txn.commit().await?;
    // `closed` answers the open papers in their order (a round handed in twice in one group
    // is closed by the first only).
    let mut closed = closed.into_iter();
    Ok(papers
        .drain(..)
        .map(|p| {
            let m = p?;
            if !closed.next().unwrap_or(false) {
                return Err(AppError::Conflict("already_submitted"));
            }
            let total = m.attempt.total;
            Ok(AttemptView {
                id: m.attempt.id,
                mode: QuizMode::from_code(&m.attempt.mode).unwrap_or(QuizMode::Topic),
                total,
                correct: m.correct,
                finished: true,
                percent: percent(
                    usize::try_from(m.correct).unwrap_or(0),
                    usize::try_from(total).unwrap_or(0),
                ),
                questions: Vec::new(),
                marked: m.views,
                started_at: m.attempt.started_at,
            })
        })
        .collect())
}
