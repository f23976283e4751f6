//! Quiz hand-ins written in groups (group commit, docs/adr/0013-group-commit.md). Near a
//! deadline thousands of people hand in at once, and each hand-in is one write transaction of
//! about a dozen statements; on SQLite those transactions queue for the single writer, on
//! PostgreSQL they pay a round trip each. So a hand-in joins a queue on its node, and whoever
//! takes the writer's turn next closes every round waiting there in one transaction with a fixed
//! number of statements: the rounds, their wrong answers, their points
//! (`redbranch_db::points::award_many`).
//!
//! Nothing outlives a request: the queue holds only hand-ins whose requests are waiting for
//! their answer, so a node still keeps no state of its own. Each request answers only once its
//! group has committed. If a group fails, each of its hand-ins is tried again alone, so one
//! bad hand-in fails only its own request.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use redbranch_db::DbError;
use redbranch_db::auth::UserId;
use redbranch_db::people::PersonId;
use redbranch_db::points::{self as dbpoints, Earning};
use redbranch_db::quiz::{self as dbquiz, Finish, Given, QuizAttempt};
use redbranch_db::tenants::TenantId;
use tokio::sync::oneshot;

use crate::state::AppState;

/// Most hand-ins one transaction closes.
const GROUP: usize = 256;

/// One round to close and pay.
pub struct HandIn {
    pub tenant: TenantId,
    pub user: UserId,
    /// The account's person, who earns the points (none: an account without a person record).
    pub person: Option<i64>,
    /// As read before marking: the write closes it only if nobody has meanwhile.
    pub attempt: QuizAttempt,
    pub given: Vec<Given>,
    pub correct: i64,
    pub activity: &'static str,
    pub at: DateTime<Utc>,
}

type Waiting = (HandIn, oneshot::Sender<Result<(), DbError>>);

/// The node's queue of hand-ins waiting for the writer's turn.
#[derive(Default)]
pub struct HandIns {
    waiting: Mutex<Vec<Waiting>>,
    turn: Arc<tokio::sync::Mutex<()>>,
}

/// Closes the round and pays its points, in a group with whatever other hand-ins are waiting.
/// `Conflict("already_submitted")` when the round was closed already.
pub async fn hand_in(st: &AppState, h: HandIn) -> Result<(), DbError> {
    let (tx, mut rx) = oneshot::channel();
    st.handins
        .waiting
        .lock()
        .map_err(|_| DbError::Corrupt("hand-in queue poisoned".into()))?
        .push((h, tx));
    loop {
        let turn = st.handins.turn.clone().lock_owned().await;
        match rx.try_recv() {
            Ok(done) => return done,
            Err(oneshot::error::TryRecvError::Closed) => {
                return Err(DbError::Corrupt(
                    "hand-in group ended without an answer".into(),
                ));
            }
            Err(oneshot::error::TryRecvError::Empty) => {}
        }
        let group: Vec<Waiting> = {
            let mut w = st
                .handins
                .waiting
                .lock()
                .map_err(|_| DbError::Corrupt("hand-in queue poisoned".into()))?;
            let n = w.len().min(GROUP);
            w.drain(..n).collect()
        };
        // The write runs in its own task holding the turn, so a request that goes away
        // (the client hung up) cannot cut a group off half-way.
        let st = st.clone();
        let group = tokio::spawn(async move {
            let _turn = turn;
            write(&st, group).await;
        });
        if group.await.is_err() {
            tracing::error!("a hand-in group panicked");
        }
    }
}

async fn write(st: &AppState, group: Vec<Waiting>) {
    let (jobs, answers): (Vec<HandIn>, Vec<_>) = group.into_iter().unzip();
    tracing::debug!(size = jobs.len(), "hand-in group");
    match together(st, &jobs).await {
        Ok(done) => {
            for (tx, r) in answers.into_iter().zip(done) {
                let _ = tx.send(r);
            }
        }
        Err(e) if jobs.len() == 1 => {
            if let Some(tx) = answers.into_iter().next() {
                let _ = tx.send(Err(e));
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, size = jobs.len(), "hand-in group failed; writing them one by one");
            for (job, tx) in jobs.iter().zip(answers) {
                let r = together(st, std::slice::from_ref(job))
                    .await
                    .and_then(|mut v| v.pop().unwrap_or(Ok(())));
                let _ = tx.send(r);
            }
        }
    }
}

/// One transaction for all of `jobs`: the outer error fails them all (rolled back); an inner
/// one is that hand-in's refusal.
async fn together(st: &AppState, jobs: &[HandIn]) -> Result<Vec<Result<(), DbError>>, DbError> {
    let txn = dbpoints::begin_write(&st.db.conn).await?;
    let rounds: Vec<Finish> = jobs
        .iter()
        .map(|j| Finish {
            attempt: &j.attempt,
            given: &j.given,
            correct: j.correct,
            at: j.at,
        })
        .collect();
    let closed = dbquiz::finish_many(&txn, &rounds).await?;
    let done: Vec<&HandIn> = jobs
        .iter()
        .zip(&closed)
        .filter(|(_, c)| **c)
        .map(|(j, _)| j)
        .collect();
    let wrong: Vec<_> = done
        .iter()
        .map(|j| (j.tenant, j.user, j.given.as_slice(), j.at))
        .collect();
    dbquiz::add_wrong_many(&txn, &wrong).await?;
    let mut tenants: Vec<TenantId> = done.iter().map(|j| j.tenant).collect();
    tenants.sort_unstable_by_key(|t| t.0);
    tenants.dedup();
    for tenant in tenants {
        let earnings: Vec<Earning> = done
            .iter()
            .filter(|j| j.tenant == tenant)
            .filter_map(|j| {
                j.person.map(|p| Earning {
                    person: PersonId(p),
                    activity: j.activity.to_string(),
                    idempotency_key: format!("quiz:{}", j.attempt.id),
                    at: j.at,
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
    Ok(closed
        .into_iter()
        .map(|c| {
            if c {
                Ok(())
            } else {
                Err(DbError::Conflict("already_submitted"))
            }
        })
        .collect())
}
