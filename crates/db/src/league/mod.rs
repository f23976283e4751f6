//! The League's record: 发展团员 steps per person, 推优大会 with their candidates, and the Party
//! branch's decision on each recommendation. `league_steps_of` and `recommendations_of` give a
//! person's League history for their life timeline.

pub mod entity;

use chrono::{NaiveDate, Utc};
use redbranch_domain::league::{LeagueHistory, LeagueMilestone, LeagueStep};
use redbranch_domain::people::PoliticalStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::DbError;
use crate::auth::UserId;
use crate::people::PersonId;
use crate::people::entity::people;
use crate::tenants::TenantId;
use entity::{
    league_recommendation_meetings as meetings, league_recommendations as recs, league_steps,
};

pub use entity::league_recommendation_meetings::Model as Meeting;
pub use entity::league_recommendations::Model as RecommendationRow;
pub use entity::league_steps::Model as LeagueStepRow;

/// A Party branch's decision on a recommendation.
pub const ACCEPTED: &str = "accepted";
pub const DECLINED: &str = "declined";

/// Every League step recorded for one person, in order.
pub async fn league_steps_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Vec<(LeagueStep, LeagueStepRow)>, DbError> {
    let rows = league_steps::Entity::find()
        .filter(league_steps::Column::TenantId.eq(tenant.0))
        .filter(league_steps::Column::PersonId.eq(person.0))
        .all(c)
        .await?;
    let mut steps: Vec<(LeagueStep, LeagueStepRow)> = rows
        .into_iter()
        .filter_map(|r| Some((LeagueStep::from_code(&r.step)?, r)))
        .collect();
    steps.sort_by_key(|(s, _)| *s);
    Ok(steps)
}

/// The dates of the steps recorded, as the domain's rules read them.
pub fn history(steps: &[(LeagueStep, LeagueStepRow)]) -> LeagueHistory {
    LeagueHistory(steps.iter().map(|(s, r)| (*s, r.happened_on)).collect())
}

/// One League step to write.
pub struct NewLeagueStep {
    pub step: LeagueStep,
    pub on: NaiveDate,
    pub details: serde_json::Value,
    pub league_no: Option<String>,
    pub by: UserId,
}

/// Writes a step; at approval the person joins the League on that day (a 群众 becomes a 团员;
/// someone already further along keeps their status). A step already recorded is a
/// [`DbError::Duplicate`]. The caller runs this in the transaction that writes the audit entry.
pub async fn record_step(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    new: NewLeagueStep,
    milestone: Option<LeagueMilestone>,
) -> Result<LeagueStepRow, DbError> {
    let row = league_steps::ActiveModel {
        tenant_id: Set(tenant.0),
        person_id: Set(person.0),
        step: Set(new.step.code().into()),
        happened_on: Set(new.on),
        details: Set(new.details.to_string()),
        league_no: Set(new.league_no),
        recorded_by: Set(Some(new.by.0)),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    if let Some(m) = milestone {
        let person_rows = || {
            people::Entity::update_many()
                .col_expr(people::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(people::Column::Id.eq(person.0))
                .filter(people::Column::TenantId.eq(tenant.0))
        };
        person_rows()
            .col_expr(people::Column::LeagueJoinedOn, Expr::value(m.joined_on))
            .exec(c)
            .await?;
        person_rows()
            .col_expr(
                people::Column::PoliticalStatus,
                Expr::value(PoliticalStatus::LeagueMember.code()),
            )
            .filter(people::Column::PoliticalStatus.eq(PoliticalStatus::Masses.code()))
            .exec(c)
            .await?;
    }
    Ok(row)
}

/// How many people belong to the League org now: the base of the 推优 quota.
pub async fn member_count(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    org: i64,
) -> Result<u64, DbError> {
    Ok(people::Entity::find()
        .filter(people::Column::TenantId.eq(tenant.0))
        .filter(people::Column::LeagueOrgId.eq(org))
        .count(c)
        .await?)
}

/// A 推优大会 to write: the org, the date, the counts checked and who recorded it.
pub struct NewMeeting {
    pub org: i64,
    pub held_on: NaiveDate,
    pub entitled: i32,
    pub present: i32,
    pub members: i32,
    pub quota: i32,
    pub by: UserId,
}

/// One candidate's result: person, yes votes, passed.
pub type CandidateResult = (PersonId, i32, bool);

/// Writes a 推优大会 and its candidates. The same person twice is a [`DbError::Duplicate`].
pub async fn record_meeting(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    m: NewMeeting,
    candidates: &[CandidateResult],
) -> Result<(Meeting, Vec<RecommendationRow>), DbError> {
    let meeting = meetings::ActiveModel {
        tenant_id: Set(tenant.0),
        org_id: Set(m.org),
        held_on: Set(m.held_on),
        entitled: Set(m.entitled),
        present: Set(m.present),
        members: Set(m.members),
        quota: Set(m.quota),
        recorded_by: Set(Some(m.by.0)),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    let mut rows = Vec::with_capacity(candidates.len());
    for (person, yes, passed) in candidates {
        let row = recs::ActiveModel {
            tenant_id: Set(tenant.0),
            meeting_id: Set(meeting.id),
            person_id: Set(person.0),
            yes_votes: Set(*yes),
            passed: Set(*passed),
            ..Default::default()
        }
        .insert(c)
        .await?;
        rows.push(row);
    }
    Ok((meeting, rows))
}

/// The 推优大会 of one League org, latest first, each with its candidates.
pub async fn meetings_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    org: i64,
) -> Result<Vec<(Meeting, Vec<RecommendationRow>)>, DbError> {
    let ms = meetings::Entity::find()
        .filter(meetings::Column::TenantId.eq(tenant.0))
        .filter(meetings::Column::OrgId.eq(org))
        .order_by_desc(meetings::Column::HeldOn)
        .order_by_desc(meetings::Column::Id)
        .all(c)
        .await?;
    let ids: Vec<i64> = ms.iter().map(|m| m.id).collect();
    let all = recs::Entity::find()
        .filter(recs::Column::TenantId.eq(tenant.0))
        .filter(recs::Column::MeetingId.is_in(ids))
        .order_by_asc(recs::Column::Id)
        .all(c)
        .await?;
    Ok(ms
        .into_iter()
        .map(|m| {
            let mine = all
                .iter()
                .filter(|r| r.meeting_id == m.id)
                .cloned()
                .collect();
            (m, mine)
        })
        .collect())
}

/// Every recommendation of the given people, each with its meeting, latest meeting first.
async fn recommendations_of_people(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    people_ids: Vec<i64>,
) -> Result<Vec<(RecommendationRow, Meeting)>, DbError> {
    let rows = recs::Entity::find()
        .filter(recs::Column::TenantId.eq(tenant.0))
        .filter(recs::Column::PersonId.is_in(people_ids))
        .all(c)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.meeting_id).collect();
    let ms = meetings::Entity::find()
        .filter(meetings::Column::TenantId.eq(tenant.0))
        .filter(meetings::Column::Id.is_in(ids))
        .all(c)
        .await?;
    let mut out: Vec<(RecommendationRow, Meeting)> = rows
        .into_iter()
        .filter_map(|r| {
            let m = ms.iter().find(|m| m.id == r.meeting_id)?.clone();
            Some((r, m))
        })
        .collect();
    out.sort_by_key(|(r, m)| std::cmp::Reverse((m.held_on, r.id)));
    Ok(out)
}

/// Every recommendation of one person (passed or not, decided or not), latest first.
pub async fn recommendations_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
) -> Result<Vec<(RecommendationRow, Meeting)>, DbError> {
    recommendations_of_people(c, tenant, vec![person.0]).await
}

/// The passed recommendations of the people whose Party org is `party_org`: what the Party
/// branch has to accept or decline.
pub async fn recommendations_for_party_org(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    party_org: i64,
) -> Result<Vec<(RecommendationRow, Meeting)>, DbError> {
    use sea_orm::QuerySelect;
    let ids: Vec<i64> = people::Entity::find()
        .select_only()
        .column(people::Column::Id)
        .filter(people::Column::TenantId.eq(tenant.0))
        .filter(people::Column::PartyOrgId.eq(party_org))
        .into_tuple()
        .all(c)
        .await?;
    let mut v = recommendations_of_people(c, tenant, ids).await?;
    v.retain(|(r, _)| r.passed);
    Ok(v)
}

/// One recommendation and its meeting.
pub async fn get_recommendation(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
) -> Result<(RecommendationRow, Meeting), DbError> {
    let r = recs::Entity::find_by_id(id)
        .filter(recs::Column::TenantId.eq(tenant.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    let m = meetings::Entity::find_by_id(r.meeting_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok((r, m))
}

/// The Party branch's decision on one recommendation.
pub struct Decision {
    /// [`ACCEPTED`] or [`DECLINED`].
    pub decision: &'static str,
    pub on: NaiveDate,
    /// Why it was not accepted (the caller requires one when declined).
    pub reason: Option<String>,
    pub by: UserId,
}

/// Records the Party branch's decision. A recommendation is decided once: a second decision is
/// a [`DbError::Conflict`] (`already_decided`), even when two arrive at the same moment.
pub async fn decide(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
    d: Decision,
) -> Result<(), DbError> {
    let done = recs::Entity::update_many()
        .col_expr(recs::Column::Decision, Expr::value(d.decision))
        .col_expr(recs::Column::DecidedOn, Expr::value(d.on))
        .col_expr(recs::Column::DecidedBy, Expr::value(d.by.0))
        .col_expr(recs::Column::DecisionReason, Expr::value(d.reason))
        .filter(recs::Column::Id.eq(id))
        .filter(recs::Column::TenantId.eq(tenant.0))
        .filter(recs::Column::Decision.is_null())
        .exec(c)
        .await?;
    if done.rows_affected == 0 {
        return Err(DbError::Conflict("already_decided"));
    }
    Ok(())
}

/// The meeting date of the person's latest recommendation that passed and that their Party
/// branch accepted: the basis for 积极分子 (the domain decides whether it is still valid).
pub fn latest_accepted(recs: &[(RecommendationRow, Meeting)]) -> Option<NaiveDate> {
    recs.iter()
        .filter(|(r, _)| r.passed && r.decision.as_deref() == Some(ACCEPTED))
        .map(|(_, m)| m.held_on)
        .max()
}
