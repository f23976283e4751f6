//! Reads that many requests ask for at the same moment, made as one (request coalescing).
//!
//! Every signed-in request reads its session or API token first. Under a burst that is one
//! statement per request, each a round trip (PostgreSQL) or a hand-off to SQLite's connection
//! thread, and those cost more than the statement itself. So a read joins a queue, and whoever
//! takes the turn next reads everything waiting there in one statement. Alone, a read goes
//! straight through; nothing is cached, so every request still sees the database as it is.
//!
//! If the request holding the turn goes away mid-read (its client hung up) or the batch fails,
//! the others' answers never come; each then reads by itself and meets its own error.

use std::future::Future;
use std::sync::Mutex;

use tokio::sync::oneshot;

type Waiting<T, R> = (T, oneshot::Sender<R>);

/// A queue of items waiting to be read together, and the turns to read them.
pub struct Coalesce<T, R> {
    waiting: Mutex<Vec<Waiting<T, R>>>,
    turns: tokio::sync::Semaphore,
}

/// Reads made at once. More than one, so that a read arriving while another is under way
/// starts at once instead of waiting for it (a light load would otherwise pay twice the
/// latency); when all are busy, what arrives meanwhile waits and goes in one.
const TURNS: usize = 4;

impl<T, R> Default for Coalesce<T, R> {
    fn default() -> Self {
        Self {
            waiting: Mutex::new(Vec::new()),
            turns: tokio::sync::Semaphore::new(TURNS),
        }
    }
}

impl<T: Clone, R: Default> Coalesce<T, R> {
    /// What `read` answers for `item`, read together with whatever items are waiting (at most
    /// `max` at a time). `read` answers a list of items in their order; an item it leaves
    /// unanswered gets `R::default()`.
    pub async fn read<F, Fut, E>(&self, item: T, max: usize, read: F) -> Result<R, E>
    where
        F: Fn(Vec<T>) -> Fut,
        Fut: Future<Output = Result<Vec<R>, E>>,
    {
        let (tx, mut rx) = oneshot::channel();
        let queued = match self.waiting.lock() {
            Ok(mut w) => {
                w.push((item.clone(), tx));
                true
            }
            Err(_) => false,
        };
        if queued {
            loop {
                let Ok(turn) = self.turns.acquire().await else {
                    break;
                };
                match rx.try_recv() {
                    Ok(r) => return Ok(r),
                    Err(oneshot::error::TryRecvError::Closed) => break,
                    Err(oneshot::error::TryRecvError::Empty) => {}
                }
                let batch: Vec<Waiting<T, R>> = match self.waiting.lock() {
                    Ok(mut w) => {
                        let n = w.len().min(max);
                        w.drain(..n).collect()
                    }
                    Err(_) => break,
                };
                if batch.is_empty() {
                    // Ours is in a read under way.
                    drop(turn);
                    match rx.await {
                        Ok(r) => return Ok(r),
                        Err(_) => break,
                    }
                }
                let (items, answers): (Vec<T>, Vec<_>) = batch.into_iter().unzip();
                // A failed batch drops `answers`: each of its requests then reads alone.
                if let Ok(found) = read(items).await {
                    let mut found = found.into_iter();
                    for tx in answers {
                        let _ = tx.send(found.next().unwrap_or_default());
                    }
                }
                // Ours was most likely in that batch: answer without waiting for another turn.
                drop(turn);
                match rx.try_recv() {
                    Ok(r) => return Ok(r),
                    Err(oneshot::error::TryRecvError::Closed) => break,
                    Err(oneshot::error::TryRecvError::Empty) => {}
                }
            }
        }
        Ok(read(vec![item])
            .await?
            .into_iter()
            .next()
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn reads_waiting_while_every_turn_is_busy_are_made_as_one() {
        let q: Arc<Coalesce<u32, u32>> = Arc::default();
        let reads = Arc::new(AtomicUsize::new(0));
        let (open, gate) = tokio::sync::watch::channel(false);
        let mut asked = Vec::new();
        for i in 0..=10u32 {
            let (q, reads, gate) = (q.clone(), reads.clone(), gate.clone());
            asked.push(tokio::spawn(async move {
                q.read(i, 64, |items| {
                    let (reads, mut gate) = (reads.clone(), gate.clone());
                    async move {
                        reads.fetch_add(1, Ordering::SeqCst);
                        let _ = gate.wait_for(|open| *open).await;
                        Ok::<_, ()>(items.iter().map(|i| i * 10).collect())
                    }
                })
                .await
            }));
        }
        // The first TURNS take a turn each and read alone; the other seven queue meanwhile.
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
        assert_eq!(reads.load(Ordering::SeqCst), TURNS);
        let _ = open.send(true);
        for (i, a) in asked.into_iter().enumerate() {
            assert_eq!(a.await.ok(), Some(Ok(10 * i as u32)), "item {i}");
        }
        assert_eq!(reads.load(Ordering::SeqCst), TURNS + 1);
    }

    #[tokio::test]
    async fn a_failed_batch_leaves_each_to_read_alone_and_meet_its_own_error() {
        let q: Coalesce<u32, u32> = Coalesce::default();
        let r = q
            .read(7, 64, |items| async move {
                if items.contains(&7) {
                    Err("broken")
                } else {
                    Ok(vec![1])
                }
            })
            .await;
        assert_eq!(r, Err("broken"));
    }
}
