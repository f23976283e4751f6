//! Live quiz matches: rooms, seats, the shared clock and answers. Every change that two nodes
//! could race on is a guarded UPDATE whose `rows_affected` says who won, so the state needs no
//! node of its own and no lock beyond the statement.

pub mod entity;

use chrono::{DateTime, Duration, Utc};
use redbranch_domain::matches::{MatchSize, Status};
use redbranch_domain::quiz::Served;
use sea_orm::ExprTrait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set,
};

use crate::DbError;
use crate::auth::UserId;
use crate::tenants::TenantId;
use entity::{quiz_match_answers as answers_t, quiz_match_players as players_t, quiz_matches};

pub use entity::quiz_match_answers::Model as MatchAnswer;
pub use entity::quiz_match_players::Model as Player;
pub use entity::quiz_matches::Model as Room;

/// The served questions of a room.
pub fn items(r: &Room) -> Result<Vec<Served>, DbError> {
    serde_json::from_str(&r.items).map_err(|_| DbError::Corrupt(format!("match {} items", r.id)))
}

/// What was given in one answer.
pub fn given(a: &MatchAnswer) -> Vec<String> {
    serde_json::from_str(&a.given).unwrap_or_default()
}

pub struct NewRoom {
    pub size: MatchSize,
    pub bank_id: i64,
    pub items: Vec<Served>,
    pub question_seconds: i64,
    pub now: DateTime<Utc>,
}

/// Opens a waiting room with no one in it yet.
pub async fn create(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    r: NewRoom,
) -> Result<Room, DbError> {
    Ok(quiz_matches::ActiveModel {
        tenant_id: Set(tenant.0),
        size: Set(r.size.code().to_string()),
        bank_id: Set(r.bank_id),
        status: Set(Status::Waiting.code().to_string()),
        capacity: Set(i64::try_from(r.size.players()).unwrap_or(2)),
        seats: Set(0),
        items: Set(serde_json::json!(r.items).to_string()),
        question_seconds: Set(r.question_seconds),
        current: Set(0),
        created_at: Set(r.now),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// Waiting rooms of this size and bank, opened since `since`, that `user` is not in, oldest
/// first (so the room closest to filling fills first).
pub async fn joinable(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    size: MatchSize,
    bank_id: i64,
    user: UserId,
    since: DateTime<Utc>,
) -> Result<Vec<Room>, DbError> {
    use quiz_matches::Column as M;
    let mine = players_t::Entity::find()
        .select_only()
        .column(players_t::Column::MatchId)
        .filter(players_t::Column::UserId.eq(user.0))
        .into_query();
    Ok(quiz_matches::Entity::find()
        .filter(M::TenantId.eq(tenant.0))
        .filter(M::Status.eq(Status::Waiting.code()))
        .filter(M::Size.eq(size.code()))
        .filter(M::BankId.eq(bank_id))
        .filter(M::CreatedAt.gte(since))
        .filter(Expr::col(M::Seats).lt(Expr::col(M::Capacity)))
        .filter(M::Id.not_in_subquery(mine))
        .order_by_asc(M::Id)
        .limit(5)
        .all(c)
        .await?)
}

/// Takes a seat in a waiting room that has one free; the seat number, or `None` when the room
/// filled (or closed) first.
pub async fn take_seat(c: &impl ConnectionTrait, room: &Room) -> Result<Option<i64>, DbError> {
    use quiz_matches::Column as M;
    let res = quiz_matches::Entity::update_many()
        .col_expr(M::Seats, Expr::col(M::Seats).add(1))
        .filter(M::Id.eq(room.id))
        .filter(M::Status.eq(Status::Waiting.code()))
        .filter(Expr::col(M::Seats).lt(Expr::col(M::Capacity)))
        .exec(c)
        .await?;
    if res.rows_affected != 1 {
        return Ok(None);
    }
    let r = quiz_matches::Entity::find_by_id(room.id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(Some(r.seats))
}

pub struct NewPlayer<'a> {
    pub match_id: i64,
    pub user: UserId,
    pub person_id: Option<i64>,
    pub seat: i64,
    pub name: &'a str,
    pub now: DateTime<Utc>,
}

/// Seats a player (after [`take_seat`]); the same user twice is a [`DbError::Duplicate`].
pub async fn add_player(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    p: NewPlayer<'_>,
) -> Result<Player, DbError> {
    Ok(players_t::ActiveModel {
        tenant_id: Set(tenant.0),
        match_id: Set(p.match_id),
        user_id: Set(p.user.0),
        person_id: Set(p.person_id),
        seat: Set(p.seat),
        name: Set(p.name.to_string()),
        score: Set(0),
        right_ms: Set(0),
        joined_at: Set(p.now),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// Starts a full waiting room: the first question opens at `first_opens_at`. False if it was
/// not (or no longer) a full waiting room.
pub async fn start(
    c: &impl ConnectionTrait,
    id: i64,
    first_opens_at: DateTime<Utc>,
) -> Result<bool, DbError> {
    use quiz_matches::Column as M;
    let res = quiz_matches::Entity::update_many()
        .col_expr(M::Status, Expr::value(Status::Playing.code()))
        .col_expr(M::Current, Expr::value(0i64))
        .col_expr(M::CurrentOpenedAt, Expr::value(first_opens_at))
        .filter(M::Id.eq(id))
        .filter(M::Status.eq(Status::Waiting.code()))
        .filter(Expr::col(M::Seats).eq(Expr::col(M::Capacity)))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Leaves a room that has not started: the seat is freed. False once it has started.
pub async fn leave(c: &impl ConnectionTrait, room: &Room, user: UserId) -> Result<bool, DbError> {
    use quiz_matches::Column as M;
    let res = quiz_matches::Entity::update_many()
        .col_expr(M::Seats, Expr::col(M::Seats).sub(1))
        .filter(M::Id.eq(room.id))
        .filter(M::Status.eq(Status::Waiting.code()))
        .filter(Expr::col(M::Seats).gt(0))
        .exec(c)
        .await?;
    if res.rows_affected != 1 {
        return Ok(false);
    }
    let gone = players_t::Entity::delete_many()
        .filter(players_t::Column::MatchId.eq(room.id))
        .filter(players_t::Column::UserId.eq(user.0))
        .exec(c)
        .await?;
    if gone.rows_affected != 1 {
        return Err(DbError::Conflict("not_in_match"));
    }
    Ok(true)
}

/// Closes question `from` and opens the next at `at`; false if another node already did.
pub async fn advance(
    c: &impl ConnectionTrait,
    id: i64,
    from: usize,
    at: DateTime<Utc>,
) -> Result<bool, DbError> {
    let upd = closing(id, from).col_expr(quiz_matches::Column::CurrentOpenedAt, Expr::value(at));
    Ok(upd.exec(c).await?.rows_affected == 1)
}

/// Closes the last question, `from`: the match is over. False if another node already did.
pub async fn finish(
    c: &impl ConnectionTrait,
    id: i64,
    from: usize,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    use quiz_matches::Column as M;
    let upd = closing(id, from)
        .col_expr(M::Status, Expr::value(Status::Finished.code()))
        .col_expr(M::FinishedAt, Expr::value(now));
    Ok(upd.exec(c).await?.rows_affected == 1)
}

/// The UPDATE that closes question `from` of a playing room, guarded on it still being open.
fn closing(id: i64, from: usize) -> sea_orm::UpdateMany<quiz_matches::Entity> {
    use quiz_matches::Column as M;
    let from = i64::try_from(from).unwrap_or(i64::MAX);
    quiz_matches::Entity::update_many()
        .col_expr(M::Current, Expr::value(from + 1))
        .filter(M::Id.eq(id))
        .filter(M::Status.eq(Status::Playing.code()))
        .filter(M::Current.eq(from))
}

/// Closes a waiting room nobody else came to. False if it filled (or closed) meanwhile.
pub async fn abandon(
    c: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    use quiz_matches::Column as M;
    let res = quiz_matches::Entity::update_many()
        .col_expr(M::Status, Expr::value(Status::Abandoned.code()))
        .col_expr(M::FinishedAt, Expr::value(now))
        .filter(M::Id.eq(id))
        .filter(M::Status.eq(Status::Waiting.code()))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// One room of the school.
pub async fn room(c: &impl ConnectionTrait, tenant: TenantId, id: i64) -> Result<Room, DbError> {
    quiz_matches::Entity::find_by_id(id)
        .filter(quiz_matches::Column::TenantId.eq(tenant.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// A room's players in the order they joined.
pub async fn players(c: &impl ConnectionTrait, match_id: i64) -> Result<Vec<Player>, DbError> {
    Ok(players_t::Entity::find()
        .filter(players_t::Column::MatchId.eq(match_id))
        .order_by_asc(players_t::Column::Id)
        .all(c)
        .await?)
}

/// Every answer given in a room, by question then arrival.
pub async fn answers(c: &impl ConnectionTrait, match_id: i64) -> Result<Vec<MatchAnswer>, DbError> {
    Ok(answers_t::Entity::find()
        .filter(answers_t::Column::MatchId.eq(match_id))
        .order_by_asc(answers_t::Column::Idx)
        .order_by_asc(answers_t::Column::Id)
        .all(c)
        .await?)
}

/// How many have answered question `idx`.
pub async fn answered(
    c: &impl ConnectionTrait,
    match_id: i64,
    idx: usize,
) -> Result<usize, DbError> {
    let n = answers_t::Entity::find()
        .filter(answers_t::Column::MatchId.eq(match_id))
        .filter(answers_t::Column::Idx.eq(i64::try_from(idx).unwrap_or(i64::MAX)))
        .count(c)
        .await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

pub struct NewAnswer {
    pub match_id: i64,
    pub player_id: i64,
    pub idx: usize,
    pub given: Vec<String>,
    pub correct: bool,
    pub ms: i64,
    pub score: i64,
    pub now: DateTime<Utc>,
}

/// Records one answer and adds it to the player's totals. A second answer to the same question
/// is a [`DbError::Conflict`] (`already_answered`).
pub async fn record_answer(c: &impl ConnectionTrait, a: NewAnswer) -> Result<(), DbError> {
    let inserted = answers_t::ActiveModel {
        match_id: Set(a.match_id),
        player_id: Set(a.player_id),
        idx: Set(i64::try_from(a.idx).unwrap_or(i64::MAX)),
        given: Set(serde_json::json!(a.given).to_string()),
        correct: Set(a.correct),
        ms: Set(a.ms),
        score: Set(a.score),
        answered_at: Set(a.now),
        ..Default::default()
    }
    .insert(c)
    .await;
    match inserted {
        Ok(_) => {}
        Err(e) => {
            return Err(match DbError::from(e) {
                DbError::Duplicate(_) => DbError::Conflict("already_answered"),
                other => other,
            });
        }
    }
    use players_t::Column as P;
    let right_ms = if a.correct { a.ms } else { 0 };
    players_t::Entity::update_many()
        .col_expr(P::Score, Expr::col(P::Score).add(a.score))
        .col_expr(P::RightMs, Expr::col(P::RightMs).add(right_ms))
        .filter(P::Id.eq(a.player_id))
        .exec(c)
        .await?;
    Ok(())
}

/// Writes a finished player's place and the points the match paid them.
pub async fn set_place(
    c: &impl ConnectionTrait,
    player_id: i64,
    place: usize,
    points: i64,
) -> Result<(), DbError> {
    use players_t::Column as P;
    players_t::Entity::update_many()
        .col_expr(
            P::Place,
            Expr::value(i64::try_from(place).unwrap_or(i64::MAX)),
        )
        .col_expr(P::Points, Expr::value(points))
        .filter(P::Id.eq(player_id))
        .exec(c)
        .await?;
    Ok(())
}

/// The user's latest rooms (as player rows with their room), newest first.
pub async fn recent(
    c: &impl ConnectionTrait,
    user: UserId,
    limit: u64,
) -> Result<Vec<(Player, Room)>, DbError> {
    let mine = players_t::Entity::find()
        .filter(players_t::Column::UserId.eq(user.0))
        .order_by_desc(players_t::Column::Id)
        .limit(limit)
        .all(c)
        .await?;
    let ids: Vec<i64> = mine.iter().map(|p| p.match_id).collect();
    let rooms = quiz_matches::Entity::find()
        .filter(quiz_matches::Column::Id.is_in(ids))
        .all(c)
        .await?;
    Ok(mine
        .into_iter()
        .filter_map(|p| {
            let r = rooms.iter().find(|r| r.id == p.match_id)?.clone();
            Some((p, r))
        })
        .collect())
}

/// The room the user is waiting or playing in, if any (a player is in one at a time).
pub async fn current_for(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
) -> Result<Option<Room>, DbError> {
    use quiz_matches::Column as M;
    let mine = players_t::Entity::find()
        .select_only()
        .column(players_t::Column::MatchId)
        .filter(players_t::Column::UserId.eq(user.0))
        .filter(players_t::Column::Place.is_null())
        .into_query();
    Ok(quiz_matches::Entity::find()
        .filter(M::TenantId.eq(tenant.0))
        .filter(M::Status.is_in([Status::Waiting.code(), Status::Playing.code()]))
        .filter(M::Id.in_subquery(mine))
        .order_by_desc(M::Id)
        .one(c)
        .await?)
}

/// The moment from which a waiting room still counts as open.
pub fn open_since(now: DateTime<Utc>, wait_seconds: i64) -> DateTime<Utc> {
    now - Duration::seconds(wait_seconds)
}
