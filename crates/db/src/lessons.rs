//! The weekly lesson: publication to League orgs, completions, and participation rolled up the
//! League tree.
//!
//! At publication every League org of the chosen subtrees gets a `lesson_org_stats` row with its
//! League members counted then (the denominator does not move while the lesson runs, as in the
//! provincial statistics); each completion bumps its org's counters in the same transaction. So
//! the rollup over the whole tree reads one row per org, not the people.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use redbranch_domain::authz::Scope;
use redbranch_domain::lessons::Question;
use redbranch_domain::org::OrgPath;
use redbranch_domain::people::PoliticalStatus;
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;

use crate::DbError;
use crate::people::PersonId;
use crate::points::stmt;
use crate::tenants::TenantId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult)]
pub struct LessonRow {
    pub id: i64,
    pub title: String,
    pub video_url: String,
    /// An uploaded video (`course_media`), played instead of `video_url`.
    pub media_id: Option<i64>,
    pub questions: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub published_at: DateTime<Utc>,
}

impl LessonRow {
    pub fn questions(&self) -> Vec<Question> {
        serde_json::from_str(&self.questions).unwrap_or_default()
    }
}

pub struct NewLesson<'a> {
    pub title: &'a str,
    pub video_url: &'a str,
    pub media_id: Option<i64>,
    pub questions: &'a [Question],
    pub period: (NaiveDate, NaiveDate),
}

/// Publishes a lesson to the League orgs under `roots`; returns its id.
pub async fn publish(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    l: NewLesson<'_>,
    roots: &[OrgPath],
    by: i64,
) -> Result<i64, DbError> {
    let b = c.get_database_backend();
    let q = serde_json::to_string(l.questions).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let id: i64 = c
        .query_one_raw(stmt(
            b,
            "INSERT INTO weekly_lessons (tenant_id, title, video_url, media_id, questions, starts_on, ends_on, published_by, published_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                tenant.0.into(),
                l.title.trim().into(),
                l.video_url.trim().into(),
                l.media_id.into(),
                q.into(),
                l.period.0.into(),
                l.period.1.into(),
                by.into(),
                Utc::now().into(),
            ],
        ))
        .await?
        .ok_or(DbError::Corrupt("insert returned nothing".into()))?
        .try_get("", "id")?;
    for root in roots {
        let (lo, hi) = root.subtree_range();
        c.execute_raw(stmt(
            b,
            "INSERT INTO lesson_org_stats (lesson_id, org_id, path, members, member_done, all_done) \
             SELECT ?, o.id, o.path, (SELECT COUNT(*) FROM people p WHERE p.league_org_id = o.id AND p.political_status = ?), 0, 0 \
             FROM orgs o WHERE o.tenant_id = ? AND o.tree = 'league' AND o.path >= ? AND o.path < ? \
             ON CONFLICT (lesson_id, org_id) DO NOTHING",
            [
                id.into(),
                PoliticalStatus::LeagueMember.code().into(),
                tenant.0.into(),
                lo.into(),
                hi.into(),
            ],
        ))
        .await?;
    }
    Ok(id)
}

const LESSON_COLS: &str =
    "id, title, video_url, media_id, questions, starts_on, ends_on, published_at";

pub async fn lesson(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
) -> Result<LessonRow, DbError> {
    let b = c.get_database_backend();
    let row = c
        .query_one_raw(stmt(
            b,
            &format!("SELECT {LESSON_COLS} FROM weekly_lessons WHERE id = ? AND tenant_id = ?"),
            [id.into(), tenant.0.into()],
        ))
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(LessonRow::from_query_result(&row, "")?)
}

/// The school's lessons, newest first, with whether `person` completed each.
pub async fn lessons(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: Option<PersonId>,
) -> Result<Vec<(LessonRow, bool)>, DbError> {
    let b = c.get_database_backend();
    let rows = c
        .query_all_raw(stmt(
            b,
            &format!(
                "SELECT {LESSON_COLS}, (SELECT COUNT(*) FROM lesson_completions x WHERE x.lesson_id = weekly_lessons.id AND x.person_id = ?) AS done \
                 FROM weekly_lessons WHERE tenant_id = ? ORDER BY starts_on DESC, id DESC LIMIT 50"
            ),
            [person.map_or(0, |p| p.0).into(), tenant.0.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                LessonRow::from_query_result(r, "")?,
                r.try_get::<i64>("", "done")? > 0,
            ))
        })
        .collect()
}

/// Records that `person` completed the lesson with `score` right answers. The completion counts
/// for the person's League org; as a member's if they are a 团员 of an org the lesson was
/// published to. A second completion is `Conflict("already_completed")`.
pub async fn complete(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    lesson_id: i64,
    person: PersonId,
    score: i64,
) -> Result<bool, DbError> {
    let b = c.get_database_backend();
    // A write first (see `mall::redeem`): SQLite's write lock before any read.
    let ins = c
        .execute_raw(stmt(
            b,
            "INSERT INTO lesson_completions (lesson_id, person_id, org_id, is_member, score, done_at) \
             SELECT ?, p.id, p.league_org_id, \
               CASE WHEN p.political_status = ? AND EXISTS (SELECT 1 FROM lesson_org_stats s WHERE s.lesson_id = ? AND s.org_id = p.league_org_id) THEN ? ELSE ? END, ?, ? \
             FROM people p WHERE p.id = ? AND p.tenant_id = ? \
             ON CONFLICT (lesson_id, person_id) DO NOTHING",
            [
                lesson_id.into(),
                PoliticalStatus::LeagueMember.code().into(),
                lesson_id.into(),
                true.into(),
                false.into(),
                score.into(),
                Utc::now().into(),
                person.0.into(),
                tenant.0.into(),
            ],
        ))
        .await?;
    if ins.rows_affected() == 0 {
        return Err(DbError::Conflict("already_completed"));
    }
    let row = c
        .query_one_raw(stmt(
            b,
            "SELECT org_id, is_member FROM lesson_completions WHERE lesson_id = ? AND person_id = ?",
            [lesson_id.into(), person.0.into()],
        ))
        .await?
        .ok_or(DbError::NotFound)?;
    let org: Option<i64> = row.try_get("", "org_id")?;
    let member: bool = row.try_get("", "is_member")?;
    if let Some(org) = org {
        c.execute_raw(stmt(
            b,
            "UPDATE lesson_org_stats SET all_done = all_done + 1, member_done = member_done + ? WHERE lesson_id = ? AND org_id = ?",
            [i64::from(member).into(), lesson_id.into(), org.into()],
        ))
        .await?;
    }
    Ok(member)
}

/// One org's participation, itself and everything below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participation {
    pub org_id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
    pub depth: i64,
    pub kind: String,
    /// League members when the lesson was published.
    pub members: i64,
    /// Of them, who completed.
    pub member_done: i64,
    /// Every completion counted for the org, members or not (can exceed `members`).
    pub all_done: i64,
}

/// Participation of every League org in `root`'s subtree, each with its subtree rolled up,
/// in tree order (by path).
pub async fn rollup(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    lesson_id: i64,
    root: &OrgPath,
) -> Result<Vec<Participation>, DbError> {
    let b = c.get_database_backend();
    let (lo, hi) = root.subtree_range();
    let orgs = c
        .query_all_raw(stmt(
            b,
            "SELECT id, name, parent_id, depth, kind, path FROM orgs WHERE tenant_id = ? AND tree = 'league' AND path >= ? AND path < ? ORDER BY path",
            [tenant.0.into(), lo.clone().into(), hi.clone().into()],
        ))
        .await?;
    let stats = c
        .query_all_raw(stmt(
            b,
            "SELECT path, members, member_done, all_done FROM lesson_org_stats WHERE lesson_id = ? AND path >= ? AND path < ?",
            [lesson_id.into(), lo.into(), hi.into()],
        ))
        .await?;
    let mut by_id: HashMap<i64, (i64, i64, i64)> = HashMap::new();
    let root_depth = root.depth();
    for s in &stats {
        let path = OrgPath::from_stored(s.try_get("", "path")?);
        let v: (i64, i64, i64) = (
            s.try_get("", "members")?,
            s.try_get("", "member_done")?,
            s.try_get("", "all_done")?,
        );
        // Every ancestor within the requested subtree gets the org's figures.
        for id in path.ids().into_iter().skip(root_depth.saturating_sub(1)) {
            let e = by_id.entry(id.0).or_default();
            e.0 += v.0;
            e.1 += v.1;
            e.2 += v.2;
        }
    }
    let mut out = Vec::with_capacity(orgs.len());
    for o in &orgs {
        let id: i64 = o.try_get("", "id")?;
        let Some((members, member_done, all_done)) = by_id.get(&id).copied() else {
            continue;
        };
        out.push(Participation {
            org_id: id,
            name: o.try_get("", "name")?,
            parent_id: o.try_get("", "parent_id")?,
            depth: i64::from(o.try_get::<i32>("", "depth")?),
            kind: o.try_get("", "kind")?,
            members,
            member_done,
            all_done,
        });
    }
    Ok(out)
}

/// A 团员 of a branch who has not completed the lesson yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult)]
pub struct Pending {
    pub person_id: i64,
    pub student_no: String,
    pub name: String,
}

/// The League members of `org` (the branch itself) who have not completed the lesson.
pub async fn not_completed(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    lesson_id: i64,
    org: i64,
) -> Result<Vec<Pending>, DbError> {
    let b = c.get_database_backend();
    let rows = c
        .query_all_raw(stmt(
            b,
            "SELECT p.id AS person_id, p.student_no, p.name FROM people p WHERE p.tenant_id = ? AND p.league_org_id = ? AND p.political_status = ? \
             AND NOT EXISTS (SELECT 1 FROM lesson_completions x WHERE x.lesson_id = ? AND x.person_id = p.id) ORDER BY p.student_no",
            [tenant.0.into(), org.into(), PoliticalStatus::LeagueMember.code().into(), lesson_id.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| Ok(Pending::from_query_result(r, "")?))
        .collect()
}

/// Whether any org of the lesson lies in `scope` (its publishers and the branches' overseers).
pub async fn reaches(
    c: &impl ConnectionTrait,
    lesson_id: i64,
    scope: &Scope,
) -> Result<bool, DbError> {
    for r in &scope.roots {
        let (lo, hi) = r.subtree_range();
        let b = c.get_database_backend();
        let n = c
            .query_one_raw(stmt(
                b,
                "SELECT COUNT(*) AS n FROM lesson_org_stats WHERE lesson_id = ? AND path >= ? AND path < ?",
                [lesson_id.into(), lo.into(), hi.into()],
            ))
            .await?
            .ok_or(DbError::NotFound)?
            .try_get::<i64>("", "n")?;
        if n > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The lesson whose uploaded video is media `media_id`, if any: (lesson id, school).
pub async fn by_media(
    c: &impl ConnectionTrait,
    media_id: i64,
) -> Result<Option<(i64, TenantId)>, DbError> {
    let b = c.get_database_backend();
    let row = c
        .query_one_raw(stmt(
            b,
            "SELECT id, tenant_id FROM weekly_lessons WHERE media_id = ? ORDER BY id LIMIT 1",
            [media_id.into()],
        ))
        .await?;
    match row {
        Some(r) => Ok(Some((
            r.try_get("", "id")?,
            TenantId(r.try_get("", "tenant_id")?),
        ))),
        None => Ok(None),
    }
}

/// Whether the lesson was published to any of `org_ids` (a viewer's own orgs and the orgs
/// above them: every League org under a chosen one has its row).
pub async fn published_to_any(
    c: &impl ConnectionTrait,
    lesson_id: i64,
    org_ids: &[i64],
) -> Result<bool, DbError> {
    if org_ids.is_empty() {
        return Ok(false);
    }
    let b = c.get_database_backend();
    let marks = vec!["?"; org_ids.len()].join(", ");
    let mut vals: Vec<sea_orm::Value> = vec![lesson_id.into()];
    vals.extend(org_ids.iter().map(|o| sea_orm::Value::from(*o)));
    let n: i64 = c
        .query_one_raw(stmt(
            b,
            &format!(
                "SELECT COUNT(*) AS n FROM lesson_org_stats WHERE lesson_id = ? AND org_id IN ({marks})"
            ),
            vals,
        ))
        .await?
        .ok_or(DbError::NotFound)?
        .try_get("", "n")?;
    Ok(n > 0)
}

/// The accounts of these people: (person id, user id).
pub async fn accounts_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    people: &[i64],
) -> Result<Vec<(i64, i64)>, DbError> {
    let mut out = Vec::new();
    let b = c.get_database_backend();
    for chunk in people.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut vals: Vec<sea_orm::Value> = vec![tenant.0.into()];
        vals.extend(chunk.iter().map(|p| sea_orm::Value::from(*p)));
        let rows = c
            .query_all_raw(stmt(
                b,
                &format!(
                    "SELECT person_id, id FROM users WHERE tenant_id = ? AND person_id IN ({marks})"
                ),
                vals,
            ))
            .await?;
        for r in &rows {
            out.push((r.try_get("", "person_id")?, r.try_get("", "id")?));
        }
    }
    Ok(out)
}
