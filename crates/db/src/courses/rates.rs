//! A course's study rate per org: members who completed the course ÷ members, for every org of
//! a subtree, rolled up the tree like the weekly lesson's participation.
//!
//! Completing a course means completing each of its timed lessons (articles, audio, video;
//! images and documents are not timed, `domain::courses::LessonKind::is_timed`). Members are
//! the people whose org in that tree is the org, counted now: a course has no period, so no
//! denominator is frozen as a lesson's is. Two grouped reads for the whole subtree.

use std::collections::HashMap;

use redbranch_domain::org::{OrgPath, Tree};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::DbError;
use crate::points::stmt;
use crate::tenants::TenantId;

/// One org's study of a course, itself and everything below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StudyRate {
    pub org_id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
    pub depth: i64,
    pub kind: String,
    pub members: i64,
    pub completed: i64,
}

/// Direct counts per org id from a grouped query answering `org_id, n`.
async fn per_org(
    c: &impl ConnectionTrait,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> Result<HashMap<i64, i64>, DbError> {
    let rows = c
        .query_all_raw(stmt(c.get_database_backend(), sql, values))
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "org_id")?, r.try_get("", "n")?)))
        .collect()
}

/// Every org of `root`'s subtree (in tree order), with its members and those of them who
/// completed course `course_id`, each rolled up over its own subtree.
pub async fn study_rollup(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    course_id: i64,
    root: &OrgPath,
    tree: Tree,
) -> Result<Vec<StudyRate>, DbError> {
    let b = c.get_database_backend();
    let (lo, hi) = root.subtree_range();
    let (tree_code, column) = match tree {
        Tree::Party => ("party", "party_org_id"),
        Tree::League => ("league", "league_org_id"),
    };
    let orgs = c
        .query_all_raw(stmt(
            b,
            "SELECT id, name, parent_id, depth, kind, path FROM orgs WHERE tenant_id = ? AND tree = ? AND path >= ? AND path < ? ORDER BY path",
            [tenant.0.into(), tree_code.into(), lo.clone().into(), hi.clone().into()],
        ))
        .await?;
    let in_subtree = "FROM orgs o JOIN people p ON p.COL = o.id WHERE o.tenant_id = ? AND o.path >= ? AND o.path < ?"
        .replace("COL", column);
    let range =
        || -> Vec<sea_orm::Value> { vec![tenant.0.into(), lo.clone().into(), hi.clone().into()] };
    let members = per_org(
        c,
        &format!("SELECT o.id AS org_id, COUNT(*) AS n {in_subtree} GROUP BY o.id"),
        range(),
    )
    .await?;
    // People who completed every timed lesson: one completed row per lesson is enough (a
    // lesson is completed on one day's row).
    let timed = "l.kind IN ('article', 'audio', 'video')";
    let mut values = range();
    values.extend([
        tenant.0.into(),
        course_id.into(),
        tenant.0.into(),
        course_id.into(),
    ]);
    let completed = per_org(
        c,
        &format!(
            "SELECT o.id AS org_id, COUNT(*) AS n {in_subtree} AND p.id IN (\
               SELECT s.person_id FROM study_records s JOIN lessons l ON l.id = s.lesson_id \
               WHERE s.tenant_id = ? AND l.course_id = ? AND s.completed_at IS NOT NULL AND {timed} \
               GROUP BY s.person_id \
               HAVING COUNT(DISTINCT s.lesson_id) = (SELECT COUNT(*) FROM lessons l WHERE l.tenant_id = ? AND l.course_id = ? AND {timed})) \
             GROUP BY o.id"
        ),
        values,
    )
    .await?;
    let root_depth = root.depth();
    let mut rolled: HashMap<i64, (i64, i64)> = HashMap::new();
    for o in &orgs {
        let id: i64 = o.try_get("", "id")?;
        let direct = (
            members.get(&id).copied().unwrap_or(0),
            completed.get(&id).copied().unwrap_or(0),
        );
        let path = OrgPath::from_stored(o.try_get("", "path")?);
        // Every ancestor within the requested subtree gets the org's own figures.
        for a in path.ids().into_iter().skip(root_depth.saturating_sub(1)) {
            let e = rolled.entry(a.0).or_default();
            e.0 += direct.0;
            e.1 += direct.1;
        }
    }
    orgs.iter()
        .map(|o| {
            let id: i64 = o.try_get("", "id")?;
            let (members, completed) = rolled.get(&id).copied().unwrap_or_default();
            Ok(StudyRate {
                org_id: id,
                name: o.try_get("", "name")?,
                parent_id: o.try_get("", "parent_id")?,
                depth: i64::from(o.try_get::<i32>("", "depth")?),
                kind: o.try_get("", "kind")?,
                members,
                completed,
            })
        })
        .collect()
}
