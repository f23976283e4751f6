//! Ranks and leaderboards, read from the aggregates (`points_totals`, `points_daily`), never by
//! scanning the ledger. Org boards group by the people's *current* org, so someone who moved
//! counts where they are now.

use chrono::NaiveDate;
use redbranch_domain::org::{OrgPath, Tree};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde::Serialize;

use super::stmt;
use crate::DbError;
use crate::tenants::TenantId;

fn org_col(tree: Tree) -> &'static str {
    match tree {
        Tree::Party => "party_org_id",
        Tree::League => "league_org_id",
    }
}

/// A person on a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult)]
pub struct PersonBoardRow {
    pub person_id: i64,
    pub name: String,
    pub points: i64,
}

/// The `limit` people with the most lifetime points whose current org of `tree` lies in `root`'s
/// subtree (org paths denormalised on `points_totals`, kept by triggers: migration m0022).
pub async fn top_in_subtree(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    (tree, root): (Tree, &OrgPath),
    limit: u64,
) -> Result<Vec<PersonBoardRow>, DbError> {
    let b = c.get_database_backend();
    let col = match tree {
        Tree::Party => "party_path",
        Tree::League => "league_path",
    };
    let (lo, hi) = root.subtree_range();
    let rows = c
        .query_all_raw(stmt(
            b,
            &format!(
                "SELECT t.person_id, p.name, t.earned AS points FROM points_totals t JOIN people p ON p.id = t.person_id \
                 WHERE t.tenant_id = ? AND t.{col} >= ? AND t.{col} < ? AND t.earned > 0 \
                 ORDER BY t.earned DESC, t.person_id LIMIT {limit}"
            ),
            [tenant.0.into(), lo.into(), hi.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| Ok(PersonBoardRow::from_query_result(r, "")?))
        .collect()
}

/// People of `root`'s subtree by points earned between two days (both included), most first.
pub async fn people_in_period(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    (tree, root): (Tree, &OrgPath),
    (from, to): (NaiveDate, NaiveDate),
    limit: u64,
) -> Result<Vec<PersonBoardRow>, DbError> {
    let b = c.get_database_backend();
    let (lo, hi) = root.subtree_range();
    let col = org_col(tree);
    let rows = c
        .query_all_raw(stmt(
            b,
            &format!(
                "SELECT d.person_id, p.name, CAST(SUM(d.points) AS BIGINT) AS points FROM points_daily d \
                 JOIN people p ON p.id = d.person_id JOIN orgs o ON o.id = p.{col} \
                 WHERE d.tenant_id = ? AND d.day >= ? AND d.day <= ? AND o.path >= ? AND o.path < ? \
                 GROUP BY d.person_id, p.name HAVING SUM(d.points) > 0 ORDER BY points DESC, d.person_id LIMIT {limit}"
            ),
            [tenant.0.into(), from.into(), to.into(), lo.into(), hi.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| Ok(PersonBoardRow::from_query_result(r, "")?))
        .collect()
}

/// One org on an org leaderboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgBoardRow {
    pub org_id: i64,
    pub name: String,
    pub members: i64,
    pub points: i64,
    /// Members with any points in the period.
    pub participants: i64,
}

/// The children of the org at `parent` (branches of a college, colleges of the school) with
/// their members' points in the period (`None`: all time) and how many took part.
pub async fn org_board(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    (tree, parent_id, parent): (Tree, i64, &OrgPath),
    range: Option<(NaiveDate, NaiveDate)>,
) -> Result<Vec<OrgBoardRow>, DbError> {
    let b = c.get_database_backend();
    let (lo, hi) = parent.subtree_range();
    let col = org_col(tree);
    let children = c
        .query_all_raw(stmt(
            b,
            "SELECT id, name, path FROM orgs WHERE tenant_id = ? AND parent_id = ? ORDER BY sort_order, id",
            [tenant.0.into(), parent_id.into()],
        ))
        .await?;
    let mut out: Vec<(String, OrgBoardRow)> = Vec::with_capacity(children.len());
    for r in &children {
        out.push((
            r.try_get("", "path")?,
            OrgBoardRow {
                org_id: r.try_get("", "id")?,
                name: r.try_get("", "name")?,
                members: 0,
                points: 0,
                participants: 0,
            },
        ));
    }
    let scope: [Value; 3] = [tenant.0.into(), lo.clone().into(), hi.clone().into()];
    let members = c
        .query_all_raw(stmt(
            b,
            &format!(
                "SELECT o.path, COUNT(*) AS n FROM people p JOIN orgs o ON o.id = p.{col} \
                 WHERE p.tenant_id = ? AND o.path >= ? AND o.path < ? GROUP BY o.path"
            ),
            scope.clone(),
        ))
        .await?;
    let points = match range {
        None => {
            c.query_all_raw(stmt(
                b,
                &format!(
                    "SELECT o.path, CAST(SUM(t.earned) AS BIGINT) AS pts, CAST(SUM(CASE WHEN t.earned > 0 THEN 1 ELSE 0 END) AS BIGINT) AS who \
                     FROM points_totals t JOIN people p ON p.id = t.person_id JOIN orgs o ON o.id = p.{col} \
                     WHERE t.tenant_id = ? AND o.path >= ? AND o.path < ? GROUP BY o.path"
                ),
                scope,
            ))
            .await?
        }
        Some((from, to)) => {
            c.query_all_raw(stmt(
                b,
                &format!(
                    "SELECT o.path, CAST(SUM(d.points) AS BIGINT) AS pts, COUNT(DISTINCT d.person_id) AS who \
                     FROM points_daily d JOIN people p ON p.id = d.person_id JOIN orgs o ON o.id = p.{col} \
                     WHERE d.tenant_id = ? AND d.day >= ? AND d.day <= ? AND d.points > 0 AND o.path >= ? AND o.path < ? GROUP BY o.path"
                ),
                [tenant.0.into(), from.into(), to.into(), lo.into(), hi.into()],
            ))
            .await?
        }
    };
    let prefixes: Vec<String> = out.iter().map(|(p, _)| p.clone()).collect();
    let child_of = |path: &str| prefixes.iter().position(|p| path.starts_with(p.as_str()));
    for r in &members {
        let path: String = r.try_get("", "path")?;
        if let Some(i) = child_of(&path) {
            out[i].1.members += r.try_get::<i64>("", "n")?;
        }
    }
    for r in &points {
        let path: String = r.try_get("", "path")?;
        if let Some(i) = child_of(&path) {
            out[i].1.points += r.try_get::<i64>("", "pts")?;
            out[i].1.participants += r.try_get::<i64>("", "who")?;
        }
    }
    Ok(out.into_iter().map(|(_, r)| r).collect())
}
