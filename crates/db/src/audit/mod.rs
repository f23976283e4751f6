//! The audit log: an append-only, hash-chained record of every change, export and grant.
//!
//! Appends serialise on the tenant's row in `audit_heads` (a row lock on PostgreSQL, the write
//! lock on SQLite), so entries from several nodes still form one chain. An entry is written in
//! the same transaction as the change it records: no change without its entry.

pub mod entity;

use chrono::{DateTime, SubsecRound, Utc};
use redbranch_domain::audit::{ChainFields, GENESIS, chain_hash};
use redbranch_domain::authz::Scope;
use redbranch_domain::org::OrgPath;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Statement,
};
use serde_json::Value;

use crate::DbError;
use crate::tenants::TenantId;

pub use entity::Model as AuditRecord;

/// What happened, as the caller knows it. Sensitive values must already be masked.
#[derive(Debug, Clone)]
pub struct Entry {
    pub actor_user_id: Option<i64>,
    pub actor_login: String,
    pub ip: String,
    /// `create`, `update`, `delete`, `export`, `import`, `grant`, `revoke`, `reveal`, `login`…
    pub action: String,
    /// `person`, `org`, `user`, `role_grant`, `settings`…
    pub entity: String,
    pub entity_id: Option<String>,
    /// The org the change belongs to: whoever oversees that subtree can read the entry.
    pub org_path: Option<OrgPath>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

pub(crate) async fn init_chain(c: &impl ConnectionTrait, tenant: TenantId) -> Result<(), DbError> {
    let b = c.get_database_backend();
    c.execute_raw(Statement::from_sql_and_values(
        b,
        sql(
            b,
            "INSERT INTO audit_heads (tenant_id, seq, head_hash) VALUES (?, 0, ?)",
        ),
        [tenant.0.into(), GENESIS.into()],
    ))
    .await?;
    Ok(())
}

/// A statement written with `?` placeholders, for either backend (see [`sql`]).
pub(crate) fn stmt<I: IntoIterator<Item = sea_orm::Value>>(
    b: DbBackend,
    s: &str,
    v: I,
) -> Statement {
    Statement::from_sql_and_values(b, sql(b, s), v)
}

/// Rewrites `?` placeholders as `$1, $2…` for PostgreSQL.
pub(crate) fn sql(b: DbBackend, s: &str) -> String {
    if b != DbBackend::Postgres {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut n = 0;
    for ch in s.chars() {
        if ch == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(ch);
        }
    }
    out
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn fields<'a>(r: &'a AuditRecord, at: &'a str) -> ChainFields<'a> {
    ChainFields {
        tenant_id: r.tenant_id,
        seq: r.seq,
        at,
        actor_login: &r.actor_login,
        ip: r.ip.as_deref().unwrap_or(""),
        action: &r.action,
        entity: &r.entity,
        entity_id: r.entity_id.as_deref().unwrap_or(""),
        before: r.before_value.as_deref().unwrap_or(""),
        after: r.after_value.as_deref().unwrap_or(""),
    }
}

/// Reserves `n` sequence numbers on the tenant's chain head (locking it until the transaction
/// ends) and returns the first of them and the hash to chain from.
async fn reserve(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    n: i64,
) -> Result<(i64, String), DbError> {
    let b = c.get_database_backend();
    let head = c
        .query_one_raw(Statement::from_sql_and_values(
            b,
            sql(
                b,
                "UPDATE audit_heads SET seq = seq + ? WHERE tenant_id = ? RETURNING seq, head_hash",
            ),
            [n.into(), tenant.0.into()],
        ))
        .await?
        .ok_or(DbError::Corrupt("audit chain head missing".into()))?;
    let last: i64 = head.try_get("", "seq")?;
    let prev: String = head.try_get("", "head_hash")?;
    Ok((last - n + 1, prev))
}

async fn set_head(c: &impl ConnectionTrait, tenant: TenantId, hash: &str) -> Result<(), DbError> {
    let b = c.get_database_backend();
    c.execute_raw(Statement::from_sql_and_values(
        b,
        sql(
            b,
            "UPDATE audit_heads SET head_hash = ? WHERE tenant_id = ?",
        ),
        [hash.into(), tenant.0.into()],
    ))
    .await?;
    Ok(())
}

/// The stored form of an entry at `seq`, hashed onto `prev`.
fn seal(
    tenant: TenantId,
    seq: i64,
    prev: String,
    at: chrono::DateTime<Utc>,
    e: Entry,
) -> AuditRecord {
    let mut rec = AuditRecord {
        id: 0,
        tenant_id: tenant.0,
        seq,
        at,
        actor_user_id: e.actor_user_id,
        actor_login: e.actor_login,
        ip: Some(e.ip),
        action: e.action,
        entity: e.entity,
        entity_id: e.entity_id,
        org_path: e.org_path.map(|p| p.as_str().to_string()),
        before_value: e.before.map(|v| v.to_string()),
        after_value: e.after.map(|v| v.to_string()),
        prev_hash: prev,
        hash: String::new(),
    };
    let at_s = stamp(at);
    rec.hash = chain_hash(&rec.prev_hash, &fields(&rec, &at_s));
    rec
}

fn active(rec: AuditRecord) -> entity::ActiveModel {
    let mut am: entity::ActiveModel = rec.into();
    am.id = sea_orm::ActiveValue::NotSet;
    am
}

/// Appends one entry to the tenant's chain. Call it inside the transaction of the change.
pub async fn append(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    e: Entry,
) -> Result<AuditRecord, DbError> {
    let (seq, prev) = reserve(c, tenant, 1).await?;
    let rec = seal(tenant, seq, prev, Utc::now().trunc_subsecs(6), e);
    let b = c.get_database_backend();
    if b == DbBackend::Postgres {
        // The entry and the new head in one statement (a data-modifying WITH): one round trip
        // fewer on every audited change. SQLite has no such statement: two there.
        let insert = entity::Entity::insert(active(rec.clone())).build(b);
        let mut values = insert.values.map(|v| v.0).unwrap_or_default();
        let n = values.len();
        values.extend([rec.hash.clone().into(), tenant.0.into()]);
        let row = c
            .query_one_raw(Statement::from_sql_and_values(
                b,
                format!(
                    "WITH e AS ({} RETURNING id) UPDATE audit_heads SET head_hash = ${} \
                     WHERE tenant_id = ${} RETURNING (SELECT id FROM e) AS id",
                    insert.sql,
                    n + 1,
                    n + 2
                ),
                values,
            ))
            .await?
            .ok_or(DbError::Corrupt("audit chain head missing".into()))?;
        return Ok(AuditRecord {
            id: row.try_get("", "id")?,
            ..rec
        });
    }
    let saved = active(rec.clone()).insert(c).await?;
    set_head(c, tenant, &rec.hash).await?;
    Ok(saved)
}

/// Appends many entries in order with a few statements (bulk imports). Same chain, same
/// guarantees as [`append`].
pub async fn append_many(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    entries: Vec<Entry>,
) -> Result<(), DbError> {
    if entries.is_empty() {
        return Ok(());
    }
    let n =
        i64::try_from(entries.len()).map_err(|_| DbError::Conflict("too_many_audit_entries"))?;
    let (mut seq, mut prev) = reserve(c, tenant, n).await?;
    let at = Utc::now().trunc_subsecs(6);
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        let rec = seal(tenant, seq, prev, at, e);
        prev = rec.hash.clone();
        seq += 1;
        rows.push(active(rec));
    }
    // 15 columns a row: 500 rows stay well under SQLite's 32,766 bound variables.
    let mut rest = rows;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(500));
        entity::Entity::insert_many(rest)
            .exec_without_returning(c)
            .await?;
        rest = tail;
    }
    set_head(c, tenant, &prev).await
}

/// The result of checking a chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    pub entries: u64,
    /// The first entry (by sequence number) whose hash or link does not match, if any.
    pub first_bad_seq: Option<i64>,
    pub reason: Option<String>,
}

/// Recomputes every hash of a tenant's chain, in pages so memory stays flat.
pub async fn verify(c: &impl ConnectionTrait, tenant: TenantId) -> Result<Verification, DbError> {
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    let mut count = 0;
    let mut pages = entity::Entity::find()
        .filter(entity::Column::TenantId.eq(tenant.0))
        .order_by_asc(entity::Column::Seq)
        .paginate(c, 5000);
    while let Some(rows) = pages.fetch_and_next().await? {
        for r in rows {
            count += 1;
            let bad = |why: &str| Verification {
                entries: count,
                first_bad_seq: Some(r.seq),
                reason: Some(why.to_string()),
            };
            if r.seq != expected_seq {
                return Ok(bad("sequence gap: an entry was removed"));
            }
            if r.prev_hash != prev {
                return Ok(bad("link to the previous entry does not match"));
            }
            let at_s = stamp(r.at);
            if chain_hash(&r.prev_hash, &fields(&r, &at_s)) != r.hash {
                return Ok(bad(
                    "content does not match its hash: the entry was altered",
                ));
            }
            prev = r.hash.clone();
            expected_seq += 1;
        }
    }
    Ok(Verification {
        entries: count,
        first_bad_seq: None,
        reason: None,
    })
}

/// Filters for browsing the log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub page: u64,
    pub per_page: u64,
}

/// Entries within the viewer's scope, newest first. Entries with no org (school settings,
/// sign-ins) are visible to viewers whose scope includes a whole tree.
pub async fn list(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    scope: &Scope,
    f: &AuditFilter,
) -> Result<(Vec<AuditRecord>, u64), DbError> {
    let per_page = f.per_page.clamp(1, 200);
    let page = f.page.max(1);
    if scope.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let mut visible = Condition::any();
    for r in &scope.roots {
        visible = visible.add(crate::org::in_subtree(entity::Column::OrgPath, r));
    }
    if scope.roots.iter().any(|r| r.depth() == 1) {
        visible = visible.add(entity::Column::OrgPath.is_null());
    }
    let mut q = entity::Entity::find()
        .filter(entity::Column::TenantId.eq(tenant.0))
        .filter(visible);
    if let Some(a) = f.actor.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(entity::Column::ActorLogin.eq(a));
    }
    if let Some(a) = f.action.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(entity::Column::Action.eq(a));
    }
    if let Some(e) = f.entity.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(entity::Column::Entity.eq(e));
    }
    if let Some(from) = f.from {
        q = q.filter(entity::Column::At.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(entity::Column::At.lt(to));
    }
    let total = q.clone().count(c).await?;
    let rows = q
        .order_by_desc(entity::Column::Seq)
        .offset((page - 1).saturating_mul(per_page))
        .limit(per_page)
        .all(c)
        .await?;
    Ok((rows, total))
}
