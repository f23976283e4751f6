//! The synthetic org trees, inserted one level at a time with multi-row inserts; each level's
//! materialised paths are then filled in by one `UPDATE` from the parents' paths.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use redbranch_db::org::entity::{org_events, orgs};
use redbranch_db::tenants::TenantId;
use redbranch_domain::org::{OrgKind, OrgStatus};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
    QuerySelect, Set, Statement,
};

use super::{SCHOOL, Shape};
use crate::seed::Progress;
use crate::seed::catalogue::{GRADES, chinese_number, pool_college};

const CHUNK: usize = 500;

/// A 团支部 (one class) and the Party branch that cultivates its students.
#[derive(Debug, Clone)]
pub(super) struct LeagueBranch {
    pub id: i64,
    pub party_branch: i64,
    pub college: usize,
    pub grade: i32,
    pub class_name: String,
}

/// What the people step needs to know of the trees.
#[derive(Debug, Clone)]
pub(super) struct GenTree {
    pub party_root: i64,
    pub league_root: i64,
    /// Name and class stem of each college.
    pub colleges: Vec<(String, String)>,
    pub league_branches: Vec<LeagueBranch>,
    pub party_orgs: u64,
    pub league_orgs: u64,
}

struct Row {
    code: String,
    name: String,
    kind: OrgKind,
    parent: Option<String>,
    sort_order: usize,
}

fn row(code: String, name: String, kind: OrgKind, parent: Option<&str>, sort_order: usize) -> Row {
    Row {
        code,
        name,
        kind,
        parent: parent.map(str::to_string),
        sort_order,
    }
}

pub(super) async fn build(
    txn: &DatabaseTransaction,
    t: TenantId,
    shape: Shape,
    progress: &dyn Progress,
) -> anyhow::Result<GenTree> {
    progress.start("orgs", shape.total() as u64);
    let colleges: Vec<(String, String)> = (0..shape.colleges).map(pool_college).collect();
    let mut ids = HashMap::new();

    let roots = vec![
        row(
            "P".into(),
            format!("中共{SCHOOL}委员会"),
            OrgKind::PartyCommittee,
            None,
            0,
        ),
        row(
            "L".into(),
            format!("共青团{SCHOOL}委员会"),
            OrgKind::LeagueCommittee,
            None,
            1,
        ),
    ];
    insert_level(txn, t, roots, 1, &mut ids, progress).await?;

    let mut level2 = Vec::new();
    for (c, (name, _)) in colleges.iter().enumerate() {
        level2.push(row(
            format!("P-{c:03}"),
            format!("中共{SCHOOL}{name}委员会"),
            OrgKind::PartyCommittee,
            Some("P"),
            c,
        ));
        level2.push(row(
            format!("L-{c:03}"),
            format!("共青团{SCHOOL}{name}委员会"),
            OrgKind::LeagueCommittee,
            Some("L"),
            c,
        ));
    }
    insert_level(txn, t, level2, 2, &mut ids, progress).await?;

    // Branches are dealt out to colleges in turn, so every college gets its share.
    let mut level3 = Vec::new();
    let mut party_codes: Vec<Vec<String>> = vec![Vec::new(); shape.colleges];
    for b in 0..shape.party_branches {
        let (c, j) = (b % shape.colleges, b / shape.colleges);
        let code = format!("P-{c:03}-{:03}", j + 1);
        let name = format!(
            "{}本科生第{}党支部",
            colleges[c].0,
            chinese_number(j as u32 + 1)
        );
        level3.push(row(
            code.clone(),
            name,
            OrgKind::PartyBranch,
            Some(&format!("P-{c:03}")),
            j,
        ));
        party_codes[c].push(code);
    }
    let mut classes = Vec::new();
    for k in 0..shape.league_branches {
        let (c, j) = (k % shape.colleges, k / shape.colleges);
        let grade = GRADES[j % GRADES.len()];
        let class_name = format!(
            "{}{:02}{:02}班",
            colleges[c].1,
            grade % 100,
            j / GRADES.len() + 1
        );
        let code = format!("L-{c:03}-{:04}", j + 1);
        level3.push(row(
            code.clone(),
            format!("{class_name}团支部"),
            OrgKind::LeagueBranch,
            Some(&format!("L-{c:03}")),
            j,
        ));
        let party = party_codes[c]
            .get(j % party_codes[c].len().max(1))
            .cloned()
            .unwrap_or_else(|| format!("P-{c:03}"));
        classes.push((code, party, c, grade, class_name));
    }
    insert_level(txn, t, level3, 3, &mut ids, progress).await?;
    progress.finish();

    let id = |code: &str| {
        ids.get(code)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("org {code} was not inserted"))
    };
    let league_branches = classes
        .into_iter()
        .map(|(code, party, college, grade, class_name)| {
            Ok(LeagueBranch {
                id: id(&code)?,
                party_branch: id(&party)?,
                college,
                grade,
                class_name,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(GenTree {
        party_root: id("P")?,
        league_root: id("L")?,
        colleges,
        league_branches,
        party_orgs: (1 + shape.colleges + shape.party_branches) as u64,
        league_orgs: (1 + shape.colleges + shape.league_branches) as u64,
    })
}

/// Inserts one level (parents already in `ids`), fills its paths, records a `created` event
/// for each org, and adds the new ids to `ids`.
async fn insert_level(
    txn: &DatabaseTransaction,
    t: TenantId,
    rows: Vec<Row>,
    depth: i32,
    ids: &mut HashMap<String, i64>,
    progress: &dyn Progress,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let founded = NaiveDate::from_ymd_opt(2020, 9, 1);
    let mut names = HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(CHUNK) {
        let mut models = Vec::with_capacity(chunk.len());
        for r in chunk {
            let parent_id = match &r.parent {
                Some(p) => Some(
                    ids.get(p)
                        .copied()
                        .ok_or_else(|| anyhow::anyhow!("parent {p} of {} is missing", r.code))?,
                ),
                None => None,
            };
            names.insert(r.code.clone(), r.name.clone());
            models.push(orgs::ActiveModel {
                tenant_id: Set(t.0),
                tree: Set(r.kind.tree().code().into()),
                kind: Set(r.kind.code().into()),
                code: Set(r.code.clone()),
                name: Set(r.name.clone()),
                parent_id: Set(parent_id),
                path: Set(String::new()),
                depth: Set(depth),
                founded_on: Set(founded),
                status: Set(OrgStatus::Active.code().into()),
                sort_order: Set(i32::try_from(r.sort_order).unwrap_or(i32::MAX)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
        }
        orgs::Entity::insert_many(models)
            .exec_without_returning(txn)
            .await?;
        progress.inc(chunk.len() as u64);
    }
    txn.execute_raw(path_update(txn.get_database_backend(), t, depth))
        .await?;

    let inserted: Vec<(i64, String)> = orgs::Entity::find()
        .select_only()
        .column(orgs::Column::Id)
        .column(orgs::Column::Code)
        .filter(orgs::Column::TenantId.eq(t.0))
        .filter(orgs::Column::Depth.eq(depth))
        .into_tuple()
        .all(txn)
        .await?;
    let events: Vec<org_events::ActiveModel> = inserted
        .iter()
        .map(|(id, code)| org_events::ActiveModel {
            tenant_id: Set(t.0),
            org_id: Set(*id),
            kind: Set("created".into()),
            before_value: Set(None),
            after_value: Set(names.get(code).cloned()),
            happened_at: Set(now),
            by_user_id: Set(None),
            ..Default::default()
        })
        .collect();
    for chunk in events.chunks(CHUNK) {
        org_events::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    ids.extend(inserted.into_iter().map(|(id, code)| (code, id)));
    Ok(())
}

/// `/id/` for roots, the parent's path followed by `id/` below: the same paths
/// `redbranch_db::org::create` writes, for a whole level in one statement.
fn path_update(b: DbBackend, t: TenantId, depth: i32) -> Statement {
    let (tenant, level) = if b == DbBackend::Postgres {
        ("$1", "$2")
    } else {
        ("?", "?")
    };
    let value = if depth == 1 {
        "'/'".to_string()
    } else {
        "(SELECT p.path FROM orgs p WHERE p.id = orgs.parent_id)".to_string()
    };
    let sql = format!(
        "UPDATE orgs SET path = {value} || CAST(id AS TEXT) || '/' WHERE tenant_id = {tenant} AND depth = {level}"
    );
    Statement::from_sql_and_values(b, sql, [t.0.into(), depth.into()])
}
