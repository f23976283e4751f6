//! Live quiz matches (双人对战, 四人赛) on the web side: join a room, answer on the shared clock,
//! see where the match stands. Every node computes the state from the database alone
//! (`domain::matches`), and whichever node notices that a question's time is up moves the match
//! on with a guarded UPDATE; see docs/adr/0012-live-matches.md.
//!
//! Players talk to a node over a WebSocket (`ws`), which pushes the state when it changes; the
//! same actions are plain JSON calls in the API for clients without one.

mod pages;
pub mod ws;

pub use pages::routes;

use chrono::{DateTime, Duration, Utc};
use redbranch_db::TransactionTrait;
use redbranch_db::matches::{self as dbm, NewAnswer, NewPlayer, NewRoom, Player, Room};
use redbranch_db::people::PersonId;
use redbranch_db::questions as dbq;
use redbranch_domain::error::FieldError;
use redbranch_domain::matches::{
    MatchClock, MatchSize, Phase, Status, Step, Stored, Tally, activity, answer_score, next_step,
    phase, ranks,
};
use redbranch_domain::quiz::{pick, serve};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};
use crate::quiz::paper::{self, AnswerIn, MarkedView, QuestionView};
use crate::session::CurrentUser;
use crate::state::AppState;

/// What a player asks for: a room of this size, on this bank (default: the first bank that
/// reaches them).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct QueueInput {
    #[serde(default)]
    pub size: String,
    pub bank_id: Option<i64>,
}

/// One player as everyone in the room sees them.
#[derive(Debug, Clone, Serialize)]
pub struct PlayerView {
    pub seat: i64,
    pub name: String,
    pub score: i64,
    /// Has answered the open question (not whether rightly).
    pub answered: bool,
    pub place: Option<i64>,
    pub points: Option<i64>,
    pub me: bool,
}

/// The viewer's own answer to the open question.
#[derive(Debug, Clone, Serialize)]
pub struct MyAnswer {
    pub correct: bool,
    pub score: i64,
}

/// A room as one player sees it at one moment.
#[derive(Debug, Clone, Serialize)]
pub struct MatchView {
    pub id: i64,
    pub size: MatchSize,
    pub capacity: i64,
    pub questions: usize,
    pub question_seconds: i64,
    #[serde(flatten)]
    pub phase: Phase,
    /// Milliseconds until the phase's `until`/`deadline`, so a phone with a wrong clock still
    /// counts down right.
    pub ms_left: i64,
    pub players: Vec<PlayerView>,
    /// The open question, without its answer.
    pub question: Option<QuestionView>,
    pub my_answer: Option<MyAnswer>,
    /// Closed questions with their answers and what the viewer gave.
    pub closed: Vec<MarkedView>,
}

/// The clock a room runs on (its own question time, fixed when it opened).
pub fn clock_of(r: &Room) -> MatchClock {
    MatchClock {
        questions: dbm::items(r).map(|i| i.len()).unwrap_or(0),
        question_seconds: r.question_seconds,
        ..Default::default()
    }
}

fn stored(r: &Room) -> Stored {
    Stored {
        status: Status::from_code(&r.status).unwrap_or(Status::Abandoned),
        created_at: r.created_at,
        current: usize::try_from(r.current).unwrap_or(0),
        current_opened_at: r.current_opened_at,
    }
}

/// Joins a room: the one the player is already in, else a waiting room of this size and bank,
/// else a new one. A room that fills starts counting down at once.
pub async fn queue(st: &AppState, u: &CurrentUser, input: &QueueInput) -> AppResult<MatchView> {
    if let Some(r) = dbm::current_for(&st.db.conn, u.tenant, u.user_id).await? {
        let r = tick(st, r).await?;
        return view(st, u, &r).await;
    }
    let size = MatchSize::from_code(input.size.trim())
        .ok_or_else(|| FieldError::new("field.match_size", "error.required"))?;
    let bank = match input.bank_id {
        Some(id) => crate::questions::quiz_bank(st, u, id).await?,
        None => crate::questions::quiz_banks(st, u)
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::Conflict("no_questions"))?,
    };
    let settings = crate::quiz::settings(st, u).await?;
    let clock = settings.match_clock();
    let now = st.clock.now();
    let since = dbm::open_since(now, clock.wait_seconds);
    for room in dbm::joinable(&st.db.conn, u.tenant, size, bank.id, u.user_id, since).await? {
        if let Some(r) = sit(st, u, &room, &clock).await? {
            return view(st, u, &r).await;
        }
    }
    let pool = dbq::pool(&st.db.conn, &[bank.id], None, None).await?;
    let ids = pick(&pool, clock.questions, &mut rand::thread_rng());
    let rows = dbq::by_ids(&st.db.conn, u.tenant, &ids).await?;
    let shape: Vec<(i64, usize)> = ids
        .iter()
        .filter_map(|id| rows.get(id).map(|r| (*id, r.question.options.len())))
        .collect();
    if shape.is_empty() {
        return Err(AppError::Conflict("no_questions"));
    }
    let items = serve(&shape, true, &mut rand::thread_rng());
    let txn = st.db.conn.begin().await?;
    let new = NewRoom {
        size,
        bank_id: bank.id,
        items,
        question_seconds: clock.question_seconds,
        now,
    };
    let room = dbm::create(&txn, u.tenant, new).await?;
    let seat = dbm::take_seat(&txn, &room)
        .await?
        .ok_or(AppError::Conflict("match_full"))?;
    dbm::add_player(&txn, u.tenant, new_player(u, room.id, seat, now)).await?;
    txn.commit().await?;
    let r = dbm::room(&st.db.conn, u.tenant, room.id).await?;
    view(st, u, &r).await
}

fn new_player(u: &CurrentUser, match_id: i64, seat: i64, now: DateTime<Utc>) -> NewPlayer<'_> {
    NewPlayer {
        match_id,
        user: u.user_id,
        person_id: u.person_id,
        seat,
        name: &u.display_name,
        now,
    }
}

/// Takes a seat in `room` if one is still free; the room (started if this seat filled it).
async fn sit(
    st: &AppState,
    u: &CurrentUser,
    room: &Room,
    clock: &MatchClock,
) -> AppResult<Option<Room>> {
    let now = st.clock.now();
    // The guarded UPDATE is the transaction's first statement: on SQLite it takes the write
    // lock before anything is read, so concurrent joiners queue instead of failing.
    let txn = st.db.conn.begin().await?;
    let Some(seat) = dbm::take_seat(&txn, room).await? else {
        return Ok(None);
    };
    match dbm::add_player(&txn, u.tenant, new_player(u, room.id, seat, now)).await {
        Ok(_) => {}
        Err(redbranch_db::DbError::Duplicate(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    if seat >= room.capacity {
        dbm::start(
            &txn,
            room.id,
            now + Duration::seconds(clock.countdown_seconds),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Some(dbm::room(&st.db.conn, u.tenant, room.id).await?))
}

/// Leaves a room that has not started yet; refused (`match_started`) once it has.
pub async fn leave(st: &AppState, u: &CurrentUser, id: i64) -> AppResult<()> {
    let room = dbm::room(&st.db.conn, u.tenant, id).await?;
    let txn = st.db.conn.begin().await?;
    if !dbm::leave(&txn, &room, u.user_id).await? {
        return Err(AppError::Conflict("match_started"));
    }
    txn.commit().await?;
    Ok(())
}

/// Brings a room up to date: closes questions whose time is up (several, if nobody looked for
/// a while), finishes the match, or closes a room nobody joined. Safe on every node at once:
/// each move is a guarded UPDATE that only one of them wins.
pub async fn tick(st: &AppState, room: Room) -> AppResult<Room> {
    Ok(settle(st, room).await?.0)
}

/// [`tick`], also saying how many have answered the open question (0 when none is open).
pub async fn settle(st: &AppState, mut room: Room) -> AppResult<(Room, usize)> {
    let tenant = redbranch_db::tenants::TenantId(room.tenant_id);
    let mut answered = 0;
    for _ in 0..64 {
        let s = stored(&room);
        let clock = clock_of(&room);
        let now = st.clock.now();
        answered = match phase(&s, &clock, now) {
            Phase::Question { index, .. } => dbm::answered(&st.db.conn, room.id, index).await?,
            _ => 0,
        };
        let players = usize::try_from(room.seats).unwrap_or(0);
        match next_step(&s, &clock, players, answered, now) {
            None => return Ok((room, answered)),
            Some(Step::Abandon) => {
                dbm::abandon(&st.db.conn, room.id, now).await?;
            }
            Some(Step::Advance { from, at }) => {
                dbm::advance(&st.db.conn, room.id, from, at).await?;
            }
            Some(Step::Finish { from }) => finish(st, &room, from, now).await?,
        }
        room = dbm::room(&st.db.conn, tenant, room.id).await?;
    }
    Ok((room, answered))
}

/// What a player of `room` sees that can change, short of reading the players and answers:
/// the phase (which turns by the clock alone), the seats, and the answers to the open question
/// (scores only change with those). The socket rebuilds the view only when this changes.
pub fn fingerprint(st: &AppState, room: &Room, answered: usize) -> String {
    let ph = phase(&stored(room), &clock_of(room), st.clock.now());
    format!("{ph:?}|{}|{answered}", room.seats)
}

/// Ends a match: places by score (then by time on right answers) and each player's points,
/// `match_win` or `match_loss`, paid once whichever node gets here first.
async fn finish(st: &AppState, room: &Room, from: usize, now: DateTime<Utc>) -> AppResult<()> {
    let tenant = redbranch_db::tenants::TenantId(room.tenant_id);
    let txn = st.db.conn.begin().await?;
    if !dbm::finish(&txn, room.id, from, now).await? {
        return Ok(());
    }
    let players = dbm::players(&txn, room.id).await?;
    let tallies: Vec<Tally> = players
        .iter()
        .map(|p| Tally {
            score: p.score,
            right_ms: p.right_ms,
        })
        .collect();
    for (p, place) in players.iter().zip(ranks(&tallies)) {
        let points = match p.person_id {
            Some(person) => {
                let key = format!("match:{}:{}", room.id, p.id);
                let earned = redbranch_db::points::award(
                    &txn,
                    tenant,
                    PersonId(person),
                    activity(place),
                    &key,
                    now,
                )
                .await;
                match earned {
                    Ok(a) => a.points,
                    Err(redbranch_db::DbError::Conflict("unknown_activity")) => 0,
                    Err(e) => return Err(e.into()),
                }
            }
            None => 0,
        };
        dbm::set_place(&txn, p.id, place, points).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The outcome of one answer, for the one who gave it.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerOutcome {
    pub index: usize,
    pub correct: bool,
    pub score: i64,
}

/// Answers the open question. Refused when the caller is not in the room
/// (`not_in_match`), no question is open (`match_not_open`), the question is not the open one
/// (naming it), its time is up (`answer_too_late`), or it was answered already
/// (`already_answered`).
pub async fn answer(
    st: &AppState,
    u: &CurrentUser,
    id: i64,
    input: &AnswerIn,
) -> AppResult<AnswerOutcome> {
    let room = tick(st, dbm::room(&st.db.conn, u.tenant, id).await?).await?;
    let players = dbm::players(&st.db.conn, room.id).await?;
    let me = players
        .iter()
        .find(|p| p.user_id == u.user_id.0)
        .ok_or(AppError::Conflict("not_in_match"))?;
    let clock = clock_of(&room);
    let now = st.clock.now();
    let (index, opened) = match (phase(&stored(&room), &clock, now), room.current_opened_at) {
        (Phase::Question { index, deadline }, Some(opened)) => {
            if now >= deadline {
                return Err(AppError::Conflict("answer_too_late"));
            }
            (index, opened)
        }
        _ => return Err(AppError::Conflict("match_not_open")),
    };
    let items = dbm::items(&room)?;
    let served = items.get(index).ok_or(AppError::NotFound)?;
    if served.question_id != input.question_id {
        return Err(FieldError::new("field.answers", "quiz.error.not_current")
            .with("id", input.question_id)
            .into());
    }
    let rows = dbq::by_ids(&st.db.conn, u.tenant, &[served.question_id]).await?;
    let row = rows.get(&served.question_id).ok_or(AppError::NotFound)?;
    let correct = paper::mark_one(row, served, &input.given);
    let ms = (now - opened).num_milliseconds().max(0);
    let score = answer_score(correct, ms, &clock);
    let txn = st.db.conn.begin().await?;
    dbm::record_answer(
        &txn,
        NewAnswer {
            match_id: room.id,
            player_id: me.id,
            idx: index,
            given: input.given.clone(),
            correct,
            ms,
            score,
            now,
        },
    )
    .await?;
    txn.commit().await?;
    // The last answer in closes the question for everyone without waiting for the clock.
    tick(st, room).await?;
    Ok(AnswerOutcome {
        index,
        correct,
        score,
    })
}

/// The room as `u` sees it now; not found for anyone not in it.
pub async fn view(st: &AppState, u: &CurrentUser, room: &Room) -> AppResult<MatchView> {
    let players = dbm::players(&st.db.conn, room.id).await?;
    if !players.iter().any(|p| p.user_id == u.user_id.0) {
        return Err(AppError::NotFound);
    }
    let answers = dbm::answers(&st.db.conn, room.id).await?;
    let items = dbm::items(room)?;
    let clock = clock_of(room);
    let now = st.clock.now();
    let ph = phase(&stored(room), &clock, now);
    let open = match ph {
        Phase::Question { index, .. } => Some(index),
        _ => None,
    };
    let current = usize::try_from(room.current).unwrap_or(0);
    let shown: Vec<i64> = items
        .iter()
        .take(current + 1)
        .map(|s| s.question_id)
        .collect();
    let rows = dbq::by_ids(&st.db.conn, u.tenant, &shown).await?;
    let mine = |p: &Player| p.user_id == u.user_id.0;
    let me = players.iter().find(|p| mine(p)).map(|p| p.id);
    let answer_of = |player: Option<i64>, idx: usize| {
        answers
            .iter()
            .find(|a| Some(a.player_id) == player && usize::try_from(a.idx).ok() == Some(idx))
    };
    let question = open.and_then(|i| {
        let s = items.get(i)?;
        rows.get(&s.question_id).map(|r| paper::view(r, s))
    });
    let my_answer = open.and_then(|i| answer_of(me, i)).map(|a| MyAnswer {
        correct: a.correct,
        score: a.score,
    });
    let closed = items
        .iter()
        .enumerate()
        .take(current.min(items.len()))
        .filter_map(|(i, s)| {
            let row = rows.get(&s.question_id)?;
            let a = answer_of(me, i);
            let given = a.map(dbm::given).unwrap_or_default();
            Some(paper::marked(row, s, &given, a.is_some_and(|a| a.correct)))
        })
        .collect();
    let players = players
        .iter()
        .map(|p| PlayerView {
            seat: p.seat,
            name: p.name.clone(),
            score: p.score,
            answered: open.is_some_and(|i| answer_of(Some(p.id), i).is_some()),
            place: p.place,
            points: p.points,
            me: mine(p),
        })
        .collect();
    let until = match ph {
        Phase::Waiting { until } | Phase::Countdown { until } => Some(until),
        Phase::Question { deadline, .. } => Some(deadline),
        _ => None,
    };
    Ok(MatchView {
        id: room.id,
        size: MatchSize::from_code(&room.size).unwrap_or(MatchSize::Duel),
        capacity: room.capacity,
        questions: items.len(),
        question_seconds: room.question_seconds,
        phase: ph,
        ms_left: until.map_or(0, |t| (t - now).num_milliseconds().max(0)),
        players,
        question,
        my_answer,
        closed,
    })
}

/// A room of the caller's school, brought up to date.
pub async fn load(st: &AppState, u: &CurrentUser, id: i64) -> AppResult<Room> {
    let room = dbm::room(&st.db.conn, u.tenant, id).await?;
    tick(st, room).await
}
