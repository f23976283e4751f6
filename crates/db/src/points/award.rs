//! Paying points by the rule table: [`award`] for one event, [`award_many`] for many in one
//! transaction with a fixed number of statements, whatever their number (the quiz hand-ins of
//! a deadline burst are written in groups, docs/adr/0013-group-commit.md). One implementation:
//! `award` is `award_many` of one, so caps, replays and the rank histogram behave the same.
//!
//! The order of locks is the one every other points write follows: the people's totals rows
//! first (ascending person id), then their daily rows, the histogram last (ascending value), so
//! a group and a single award or adjustment cannot deadlock on PostgreSQL.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use redbranch_domain::points::{self as rules, RuleTable, Today};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};

use super::{Award, Entry, rule_tables, stmt};
use crate::DbError;
use crate::batch::{self, Rows, Ty};
use crate::people::PersonId;
use crate::tenants::TenantId;

/// One event to pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Earning {
    pub person: PersonId,
    pub activity: String,
    /// Unique per school: a second event with the same key pays nothing.
    pub idempotency_key: String,
    pub at: DateTime<Utc>,
}

/// Most events one pass writes; a longer list is paid in passes of this size, each seeing the
/// ones before it (the statements' bound values stay far under both databases' limits).
const PASS: usize = 500;

/// Awards one event of `activity` to `person` at `at`, inside the caller's transaction.
///
/// The points are the rule table in force that day (the school's latest version effective on or
/// before it, else 学习强国 2023), cut by the activity's daily cap and the daily maximum; the
/// ledger row is written even when that leaves 0, so the person sees why. A second call with
/// the same `idempotency_key` (unique per school) pays nothing and returns the first award with
/// `replayed: true`; the key reused for another person or activity is a
/// [`DbError::Conflict`]`("idempotency_key_reused")`. An activity the table does not know is
/// `Conflict("unknown_activity")`; a person not of this school is [`DbError::NotFound`].
pub async fn award(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person: PersonId,
    activity: &str,
    idempotency_key: &str,
    at: DateTime<Utc>,
) -> Result<Award, DbError> {
    let one = Earning {
        person,
        activity: activity.to_string(),
        idempotency_key: idempotency_key.to_string(),
        at,
    };
    award_many(c, tenant, std::slice::from_ref(&one))
        .await?
        .pop()
        .unwrap_or(Err(DbError::Corrupt(
            "award of one returned nothing".into(),
        )))
}

/// Awards each event in order, as if by [`award`] one after the other in this transaction: an
/// event sees the caps used by the ones before it, a key repeated in the list is a replay. The
/// outer error is the database's (the caller rolls back); each inner one is that event's
/// refusal, which leaves the others paid.
pub async fn award_many(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    items: &[Earning],
) -> Result<Vec<Result<Award, DbError>>, DbError> {
    let mut out = Vec::with_capacity(items.len());
    for pass in items.chunks(PASS) {
        out.extend(award_pass(c, tenant, pass).await?);
    }
    Ok(out)
}

/// Locks (or creates at zero) the totals rows of `people` until the transaction ends: the people
/// found, and those whose row was created here (not yet in the rank histogram).
///
/// On PostgreSQL `SELECT … FOR UPDATE` in ascending person id (concurrent groups could
/// otherwise lock two people in opposite orders). It writes nothing: a new version of a totals
/// row is four index entries, and most people of a capped burst gain nothing. On SQLite a
/// no-op UPDATE, which takes the database's write lock in a deferred transaction as well.
pub(super) async fn lock_people(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    people: &[i64],
    at: DateTime<Utc>,
) -> Result<(HashSet<i64>, HashSet<i64>), DbError> {
    let b = c.get_database_backend();
    // The org paths need no refresh here: triggers keep them (migration m0022).
    let lock = |who: &[i64]| {
        let (which, values) = batch::any_i64(b, "person_id", who);
        let sql = if b == DbBackend::Postgres {
            format!(
                "SELECT person_id FROM points_totals WHERE tenant_id = ? AND {which} \
                 ORDER BY person_id FOR UPDATE"
            )
        } else {
            format!(
                "UPDATE points_totals SET updated_at = updated_at \
                 WHERE tenant_id = ? AND {which} RETURNING person_id"
            )
        };
        stmt(b, &sql, std::iter::once(tenant.0.into()).chain(values))
    };
    let mut found = person_ids(c.query_all_raw(lock(people)).await?)?;
    let missing: Vec<i64> = people
        .iter()
        .copied()
        .filter(|p| !found.contains(p))
        .collect();
    if missing.is_empty() {
        return Ok((found, HashSet::new()));
    }
    let (which, values) = batch::any_i64(b, "p.id", &missing);
    let sql = format!(
        "INSERT INTO points_totals (person_id, tenant_id, earned, spent, party_path, league_path, updated_at) \
         SELECT p.id, p.tenant_id, 0, 0, \
           (SELECT o.path FROM orgs o WHERE o.id = p.party_org_id), \
           (SELECT o.path FROM orgs o WHERE o.id = p.league_org_id), ? \
         FROM people p WHERE p.tenant_id = ? AND {which} ORDER BY p.id \
         ON CONFLICT (person_id) DO NOTHING RETURNING person_id"
    );
    let values: Vec<Value> = [at.into(), tenant.0.into()]
        .into_iter()
        .chain(values)
        .collect();
    let entered = person_ids(c.query_all_raw(stmt(b, &sql, values)).await?)?;
    found.extend(&entered);
    // Someone else created the row meanwhile (PostgreSQL made the INSERT wait for them): lock
    // it now that it is committed.
    let raced: Vec<i64> = missing
        .into_iter()
        .filter(|p| !entered.contains(p))
        .collect();
    if !raced.is_empty() {
        found.extend(person_ids(c.query_all_raw(lock(&raced)).await?)?);
    }
    Ok((found, entered))
}

fn person_ids(rows: Vec<sea_orm::QueryResult>) -> Result<HashSet<i64>, DbError> {
    rows.iter()
        .map(|r| Ok(r.try_get::<i64>("", "person_id")?))
        .collect()
}

/// Ledger rows already written under any of `keys`: key → (ledger id, person, entry).
pub(super) async fn existing(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    keys: &[&str],
) -> Result<HashMap<String, (i64, Entry)>, DbError> {
    let b = c.get_database_backend();
    let (which, values) = batch::any_text(b, "idem_key", keys);
    let sql = format!(
        "SELECT id, person_id, kind, activity, requested, points, reason, rule_version, day, at, idem_key \
         FROM points_ledger WHERE tenant_id = ? AND {which}"
    );
    let values = std::iter::once(tenant.0.into()).chain(values);
    let rows = c.query_all_raw(stmt(b, &sql, values)).await?;
    rows.iter()
        .map(|r| {
            let key: String = r.try_get("", "idem_key")?;
            let person: i64 = r.try_get("", "person_id")?;
            Ok((key, (person, Entry::from_query_result(r, "")?)))
        })
        .collect()
}

/// One person's points and events today per activity.
type Day = HashMap<String, (i64, i64)>;

async fn daily(
    c: &impl ConnectionTrait,
    people: &[i64],
    days: &[NaiveDate],
) -> Result<HashMap<(i64, NaiveDate), Day>, DbError> {
    let b = c.get_database_backend();
    let (who, mut values) = batch::any_i64(b, "person_id", people);
    let (when, more) = batch::any_date(b, "day", days);
    values.extend(more);
    let sql = format!(
        "SELECT person_id, day, activity, points, events FROM points_daily WHERE {who} AND {when}"
    );
    let mut out: HashMap<(i64, NaiveDate), Day> = HashMap::new();
    for r in c.query_all_raw(stmt(b, &sql, values)).await? {
        let person: i64 = r.try_get("", "person_id")?;
        let day: NaiveDate = r.try_get("", "day")?;
        let code: String = r.try_get("", "activity")?;
        let points: i64 = r.try_get("", "points")?;
        let events: i64 = r.try_get("", "events")?;
        out.entry((person, day))
            .or_default()
            .insert(code, (points, events));
    }
    Ok(out)
}

/// What the rule table in force pays one event, given the day so far: the ledger row's
/// (requested, points, reason, version), or the refusal.
fn price(
    table: &RuleTable,
    activity: &str,
    day: &Day,
) -> Result<(i64, i64, &'static str), DbError> {
    let rule = table
        .rule(activity)
        .ok_or(DbError::Conflict("unknown_activity"))?;
    let group = rule
        .first_of_day_group
        .as_deref()
        .map(|g| table.group_codes(g))
        .unwrap_or_default();
    let mut today = Today::default();
    for (code, &(points, events)) in day {
        today.total += points;
        if code == activity {
            today.activity += points;
        }
        if group.contains(&code.as_str()) {
            today.group_events += events;
        }
    }
    Ok((
        rule.points,
        rules::granted(rule, table.daily_max, today),
        rules::reason(rule, table.daily_max, today),
    ))
}

/// A ledger row to write and the award it answers.
struct Paid {
    item: usize,
    day: NaiveDate,
    award: Award,
}

/// What the events of one pass came to, before anything is written.
#[derive(Default)]
struct Plan {
    out: Vec<Option<Result<Award, DbError>>>,
    paid: Vec<Paid>,
    /// Replays of a key paid earlier in this pass: (event, the event that paid).
    echoes: Vec<(usize, usize)>,
    /// (person, day, activity) → (points, events) added.
    daily: BTreeMap<(i64, NaiveDate, String), (i64, i64)>,
    /// Lifetime points added per person.
    earned: BTreeMap<i64, i64>,
}

fn plan(
    items: &[Earning],
    found: &HashSet<i64>,
    before: &HashMap<String, (i64, Entry)>,
    tables: &[RuleTable],
    mut days: HashMap<(i64, NaiveDate), Day>,
) -> Plan {
    let mut p = Plan::default();
    let mut in_force: HashMap<NaiveDate, RuleTable> = HashMap::new();
    let mut keys: HashMap<&str, usize> = HashMap::new();
    for (i, e) in items.iter().enumerate() {
        let same = |person: i64, activity: &str| person == e.person.0 && activity == e.activity;
        if !found.contains(&e.person.0) {
            p.out.push(Some(Err(DbError::NotFound)));
            continue;
        }
        if let Some((person, entry)) = before.get(&e.idempotency_key) {
            p.out.push(Some(if same(*person, &entry.activity) {
                Ok(Award {
                    ledger_id: entry.id,
                    points: entry.points,
                    requested: entry.requested,
                    reason: entry.reason.clone(),
                    rule_version: entry.rule_version.clone().unwrap_or_default(),
                    replayed: true,
                })
            } else {
                Err(DbError::Conflict("idempotency_key_reused"))
            }));
            continue;
        }
        if let Some(&j) = keys.get(e.idempotency_key.as_str()) {
            if same(items[j].person.0, &items[j].activity) {
                p.echoes.push((i, j));
                p.out.push(None);
            } else {
                p.out
                    .push(Some(Err(DbError::Conflict("idempotency_key_reused"))));
            }
            continue;
        }
        let day = rules::school_day(e.at);
        let table = in_force
            .entry(day)
            .or_insert_with(|| rules::in_force(tables, day));
        let today = days.entry((e.person.0, day)).or_default();
        match price(table, &e.activity, today) {
            Err(refused) => p.out.push(Some(Err(refused))),
            Ok((requested, points, reason)) => {
                let t = today.entry(e.activity.clone()).or_default();
                t.0 += points;
                t.1 += 1;
                let d = p
                    .daily
                    .entry((e.person.0, day, e.activity.clone()))
                    .or_default();
                d.0 += points;
                d.1 += 1;
                *p.earned.entry(e.person.0).or_default() += points;
                keys.insert(&e.idempotency_key, i);
                p.paid.push(Paid {
                    item: i,
                    day,
                    award: Award {
                        ledger_id: 0,
                        points,
                        requested,
                        reason: reason.to_string(),
                        rule_version: table.version.clone(),
                        replayed: false,
                    },
                });
                p.out.push(None);
            }
        }
    }
    p
}

async fn award_pass(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    items: &[Earning],
) -> Result<Vec<Result<Award, DbError>>, DbError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let mut people: Vec<i64> = items.iter().map(|e| e.person.0).collect();
    people.sort_unstable();
    people.dedup();
    let latest = items.iter().map(|e| e.at).max().unwrap_or_else(Utc::now);
    let (found, entered) = lock_people(c, tenant, &people, latest).await?;
    let keys: Vec<&str> = items.iter().map(|e| e.idempotency_key.as_str()).collect();
    let before = existing(c, tenant, &keys).await?;
    let tables = rule_tables(c, tenant).await?;
    let mut days: Vec<NaiveDate> = items.iter().map(|e| rules::school_day(e.at)).collect();
    days.sort_unstable();
    days.dedup();
    let today = daily(c, &people, &days).await?;
    let mut p = plan(items, &found, &before, &tables, today);
    write_ledger(c, tenant, items, &mut p.paid).await?;
    write_daily(c, tenant, &p.daily).await?;
    let moves = add_earned(c, &p.earned, latest).await?;
    settle(c, tenant, &entered, &moves).await?;
    for paid in p.paid {
        p.out[paid.item] = Some(Ok(paid.award));
    }
    for (i, j) in p.echoes {
        if let Some(Some(Ok(first))) = p.out.get(j) {
            let echo = Award {
                replayed: true,
                ..first.clone()
            };
            p.out[i] = Some(Ok(echo));
        }
    }
    p.out
        .into_iter()
        .map(|r| r.ok_or(DbError::Corrupt("award left unanswered".into())))
        .collect()
}

/// Writes the ledger rows and gives each award its row id.
async fn write_ledger(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    items: &[Earning],
    paid: &mut [Paid],
) -> Result<(), DbError> {
    if paid.is_empty() {
        return Ok(());
    }
    let b = c.get_database_backend();
    let mut v = Rows::new(&[
        Ty::I64,
        Ty::Text,
        Ty::I64,
        Ty::I64,
        Ty::Text,
        Ty::Text,
        Ty::Date,
        Ty::Ts,
        Ty::Text,
    ]);
    for p in paid.iter() {
        let e = &items[p.item];
        v.push([
            e.person.0.into(),
            e.activity.clone().into(),
            p.award.requested.into(),
            p.award.points.into(),
            p.award.reason.clone().into(),
            p.award.rule_version.clone().into(),
            p.day.into(),
            e.at.into(),
            e.idempotency_key.clone().into(),
        ]);
    }
    let sql = format!(
        "WITH v (person_id, activity, requested, points, reason, rule_version, day, at, idem_key) AS ({}) \
         INSERT INTO points_ledger (tenant_id, person_id, kind, activity, requested, points, reason, rule_version, day, at, idem_key, by_user) \
         SELECT ?, person_id, 'award', activity, requested, points, reason, rule_version, day, at, idem_key, CAST(NULL AS BIGINT) FROM v \
         RETURNING id, idem_key",
        v.source(b)
    );
    let values = v.values(b)?.into_iter().chain([tenant.0.into()]);
    let rows = c.query_all_raw(stmt(b, &sql, values)).await?;
    let mut by_key: HashMap<String, i64> = HashMap::with_capacity(rows.len());
    for r in rows {
        by_key.insert(r.try_get("", "idem_key")?, r.try_get("", "id")?);
    }
    for p in paid.iter_mut() {
        p.award.ledger_id = *by_key
            .get(&items[p.item].idempotency_key)
            .ok_or(DbError::Corrupt("ledger insert returned nothing".into()))?;
    }
    Ok(())
}

async fn write_daily(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    added: &BTreeMap<(i64, NaiveDate, String), (i64, i64)>,
) -> Result<(), DbError> {
    if added.is_empty() {
        return Ok(());
    }
    let b = c.get_database_backend();
    let mut v = Rows::new(&[Ty::I64, Ty::I64, Ty::Date, Ty::Text, Ty::I64, Ty::I64]);
    for ((person, day, activity), (points, events)) in added {
        v.push([
            tenant.0.into(),
            (*person).into(),
            (*day).into(),
            activity.clone().into(),
            (*points).into(),
            (*events).into(),
        ]);
    }
    let sql = format!(
        "INSERT INTO points_daily (tenant_id, person_id, day, activity, points, events) {} \
         ON CONFLICT (person_id, day, activity) DO UPDATE SET \
           points = points_daily.points + excluded.points, events = points_daily.events + excluded.events",
        v.source(b)
    );
    c.execute_raw(stmt(b, &sql, v.values(b)?)).await?;
    Ok(())
}

/// Adds the points to the people's lifetime totals: person → (old, new) for each who gained.
async fn add_earned(
    c: &impl ConnectionTrait,
    earned: &BTreeMap<i64, i64>,
    at: DateTime<Utc>,
) -> Result<BTreeMap<i64, (i64, i64)>, DbError> {
    let gained: Vec<(i64, i64)> = earned
        .iter()
        .filter(|(_, p)| **p > 0)
        .map(|(&who, &p)| (who, p))
        .collect();
    if gained.is_empty() {
        return Ok(BTreeMap::new());
    }
    let b = c.get_database_backend();
    let mut v = Rows::new(&[Ty::I64, Ty::I64]);
    for &(who, p) in &gained {
        v.push([who.into(), p.into()]);
    }
    let sql = format!(
        "WITH v (person_id, points) AS ({}) \
         UPDATE points_totals SET earned = earned + v.points, updated_at = ? FROM v \
         WHERE points_totals.person_id = v.person_id \
         RETURNING points_totals.person_id, points_totals.earned",
        v.source(b)
    );
    let values = v.values(b)?.into_iter().chain([at.into()]);
    let mut moves = BTreeMap::new();
    for r in c.query_all_raw(stmt(b, &sql, values)).await? {
        let who: i64 = r.try_get("", "person_id")?;
        let new: i64 = r.try_get("", "earned")?;
        moves.insert(who, (new - earned.get(&who).copied().unwrap_or(0), new));
    }
    Ok(moves)
}

/// Moves the people in the rank histogram: one upsert of the net change per point value, in
/// ascending order of value (see the module's note on locks). Someone whose totals row was
/// created here enters at their new value; anyone else moves from old to new.
async fn settle(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    entered: &HashSet<i64>,
    moves: &BTreeMap<i64, (i64, i64)>,
) -> Result<(), DbError> {
    let mut net: BTreeMap<i64, i64> = BTreeMap::new();
    for who in entered {
        let new = moves.get(who).map_or(0, |m| m.1);
        *net.entry(new).or_default() += 1;
    }
    for (who, &(old, new)) in moves {
        if !entered.contains(who) && old != new {
            *net.entry(old).or_default() -= 1;
            *net.entry(new).or_default() += 1;
        }
    }
    net.retain(|_, d| *d != 0);
    if net.is_empty() {
        return Ok(());
    }
    let b = c.get_database_backend();
    let mut v = Rows::new(&[Ty::I64, Ty::I64, Ty::I64]);
    for (&earned, &d) in &net {
        v.push([tenant.0.into(), earned.into(), d.into()]);
    }
    let sql = format!(
        "INSERT INTO points_rank (tenant_id, earned, people) {} \
         ON CONFLICT (tenant_id, earned) DO UPDATE SET people = points_rank.people + excluded.people",
        v.source(b)
    );
    c.execute_raw(stmt(b, &sql, v.values(b)?)).await?;
    Ok(())
}
