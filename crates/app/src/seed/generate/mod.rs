//! Synthetic tenants at scale for benchmarks: `redbranch generate --members N --orgs M`.
//!
//! Rows go in with multi-row inserts (hundreds per statement) inside one transaction; the
//! per-row database functions the demo uses would take minutes at 100,000 people.

mod orgs;
mod people;

use std::fmt;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rand::Rng;
use redbranch_db::auth::{NewUser, UserId};
use redbranch_db::crypto::Crypto;
use redbranch_db::tenants::TenantId;
use redbranch_db::{Db, TransactionTrait};
use redbranch_domain::auth::SecurityPolicy;
use redbranch_domain::authz::Role;
use redbranch_domain::org::OrgId;
use serde_json::json;

use super::Progress;

/// The school name synthetic tenants' orgs carry.
const SCHOOL: &str = "合成数据大学";
/// The school administrator of every generated tenant, for load tests to sign in with.
pub const BENCH_LOGIN: &str = "bench-admin";

/// What `generate` wrote and how fast.
#[derive(Debug, Clone)]
pub struct GenerateReport {
    pub tenant_code: String,
    pub tenant_id: i64,
    pub party_orgs: u64,
    pub league_orgs: u64,
    pub people: u64,
    pub memberships: u64,
    /// A school administrator on both roots.
    pub login: String,
    /// Random, shown once here; only its hash is stored.
    pub password: String,
    pub elapsed: Duration,
}

impl GenerateReport {
    pub fn orgs(&self) -> u64 {
        self.party_orgs + self.league_orgs
    }

    /// Rows written: orgs with their history entry, people, memberships.
    pub fn rows(&self) -> u64 {
        2 * self.orgs() + self.people + self.memberships
    }

    pub fn rows_per_sec(&self) -> f64 {
        self.rows() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn people_per_sec(&self) -> f64 {
        self.people as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

impl fmt::Display for GenerateReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "tenant {} (id {})", self.tenant_code, self.tenant_id)?;
        writeln!(
            f,
            "  orgs:        {} ({} Party, {} League)",
            self.orgs(),
            self.party_orgs,
            self.league_orgs
        )?;
        writeln!(f, "  people:      {}", self.people)?;
        writeln!(f, "  memberships: {}", self.memberships)?;
        writeln!(
            f,
            "  time:        {:.1} s ({:.0} rows/s, {:.0} people/s)",
            self.elapsed.as_secs_f64(),
            self.rows_per_sec(),
            self.people_per_sec()
        )?;
        write!(f, "  sign in:     {} / {}", self.login, self.password)
    }
}

/// How `orgs` splits into colleges and branches: about one Party org for four League orgs, and
/// about √(Party orgs) colleges, so both trees are three levels deep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shape {
    pub colleges: usize,
    pub party_branches: usize,
    pub league_branches: usize,
}

impl Shape {
    pub fn for_total(orgs: u64) -> Self {
        let total = usize::try_from(orgs).unwrap_or(usize::MAX / 2).max(6);
        let party = (total / 5).max(3);
        let league = total - party;
        let colleges = (party - 1)
            .isqrt()
            .min((party - 1) / 2)
            .min((league - 1) / 2)
            .max(1);
        Self {
            colleges,
            party_branches: party - 1 - colleges,
            league_branches: league - 1 - colleges,
        }
    }

    pub fn total(&self) -> usize {
        2 + 2 * self.colleges + self.party_branches + self.league_branches
    }
}

fn bench_password() -> String {
    // No 0/O or 1/l/I, so it can be read off a terminal and typed.
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    let body: String = (0..12)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    format!("Bench-{body}-7")
}

/// Creates tenant `tenant_code` with about `orgs` orgs and exactly `members` people. Refuses
/// an existing code. Everything is one transaction: a failed run leaves nothing behind.
pub async fn generate(
    db: &Db,
    crypto: &Crypto,
    tenant_code: &str,
    members: u64,
    orgs: u64,
    progress: &dyn Progress,
) -> anyhow::Result<GenerateReport> {
    let started = Instant::now();
    if redbranch_db::tenants::by_code(&db.conn, tenant_code)
        .await?
        .is_some()
    {
        bail!("tenant {tenant_code} already exists; choose another code");
    }
    let password = bench_password();
    SecurityPolicy::default().check_password(BENCH_LOGIN, &password)?;
    let hash = super::hash_passwords(vec![password.clone()])
        .await?
        .pop()
        .context("no password hash")?;

    let txn = db.conn.begin().await?;
    let tenant =
        redbranch_db::tenants::create(&txn, tenant_code, &format!("{SCHOOL}（{tenant_code}）"))
            .await?;
    let t = TenantId(tenant.id);
    let tree = orgs::build(&txn, t, Shape::for_total(orgs), progress).await?;
    let (people, memberships) = people::insert(&txn, crypto, t, &tree, members, progress).await?;

    let user = redbranch_db::auth::create_user(
        &txn,
        t,
        NewUser {
            login: BENCH_LOGIN,
            display_name: "压测管理员",
            password_hash: hash,
            person_id: None,
            must_change_password: false,
        },
    )
    .await?;
    for root in [tree.party_root, tree.league_root] {
        redbranch_db::auth::grant(
            &txn,
            t,
            UserId(user.id),
            Role::SchoolAdmin,
            OrgId(root),
            None,
        )
        .await?;
    }
    let summary = json!({
        "kind": "generate", "party_orgs": tree.party_orgs, "league_orgs": tree.league_orgs,
        "people": people, "memberships": memberships, "login": BENCH_LOGIN,
    });
    redbranch_db::audit::append(&txn, t, super::seed_entry(tenant.id, summary)).await?;
    txn.commit().await?;
    db.refresh_statistics().await?;

    Ok(GenerateReport {
        tenant_code: tenant_code.to_string(),
        tenant_id: tenant.id,
        party_orgs: tree.party_orgs,
        league_orgs: tree.league_orgs,
        people,
        memberships,
        login: BENCH_LOGIN.to_string(),
        password,
        elapsed: started.elapsed(),
    })
}
