//! The demo school 江城理工大学 (tenant `demo`): planned in memory from a seeded RNG, then
//! written in one transaction, so a demo either exists whole or not at all. After the people,
//! a year of its life (meetings, notices, tasks, quizzes, courses, lessons, points, the mall),
//! dated back from the day it is made (see [`activity`]).

mod activity;
mod orglife;
mod orgs;
mod people;
mod questions;
mod roles;
mod study;
mod write;

use chrono::NaiveDate;
use rand::SeedableRng;
use rand::rngs::StdRng;
use redbranch_db::crypto::Crypto;
use redbranch_db::people::PersonData;
use redbranch_db::{Db, TransactionTrait};
use redbranch_domain::auth::SecurityPolicy;
use redbranch_domain::authz::Role;
use redbranch_domain::org::{OrgKind, PositionTitle};

use super::{DemoLogin, Progress};

/// The demo tenant's code.
pub const DEMO_TENANT_CODE: &str = "demo";
/// Every demo login's password: fixed, so that a second `redbranch demo` can print it again.
/// It passes the 等保 complexity rule (four character classes, no login inside).
pub const DEMO_PASSWORD: &str = "Demo@2026";
const SEED: u64 = 2026;

/// An org to create; `parent` indexes [`Plan::orgs`], which lists parents before children.
#[derive(Debug, Clone)]
pub(super) struct OrgPlan {
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub parent: Option<usize>,
    pub founded_on: NaiveDate,
    pub sort_order: i32,
}

/// A person with the org (index into [`Plan::orgs`]) and start date of each membership.
#[derive(Debug, Clone)]
pub(super) struct PersonPlan {
    pub data: PersonData,
    pub league: Option<(usize, NaiveDate)>,
    pub party: Option<(usize, NaiveDate)>,
}

#[derive(Debug, Clone)]
pub(super) struct PositionPlan {
    pub org: usize,
    pub person: usize,
    pub title: PositionTitle,
    pub on: NaiveDate,
}

#[derive(Debug, Clone)]
pub(super) struct LoginPlan {
    pub role: Role,
    pub login: String,
    pub display_name: String,
    pub person: Option<usize>,
    /// The role is granted on each of these orgs.
    pub orgs: Vec<usize>,
}

/// The whole demo school, before anything is written.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub orgs: Vec<OrgPlan>,
    pub people: Vec<PersonPlan>,
    pub positions: Vec<PositionPlan>,
    pub logins: Vec<LoginPlan>,
    /// Indices into `orgs` of the two roots and of each college's orgs.
    pub party_root: usize,
    pub league_root: usize,
    pub colleges: Vec<orgs::CollegeOrgs>,
}

impl Plan {
    /// Deterministic: the same code always plans the same school, 学号 and logins included.
    pub fn build() -> anyhow::Result<Self> {
        let mut rng = StdRng::seed_from_u64(SEED);
        let tree = orgs::plan();
        let mut students = people::plan(&mut rng, &tree);
        people::top_up(&mut rng, &tree, &mut students);
        let mut all = students
            .iter()
            .map(|s| people::to_person(s, &tree))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let staff_from = all.len();
        all.extend(roles::staff(&mut rng)?);
        let positions = roles::positions(&mut rng, &tree, &all);
        let logins = roles::logins(&tree, &all, staff_from, &positions)?;
        let policy = SecurityPolicy::default();
        for l in &logins {
            policy.check_password(&l.login, DEMO_PASSWORD)?;
        }
        Ok(Self {
            party_root: tree.party_root,
            league_root: tree.league_root,
            colleges: tree.colleges,
            orgs: tree.orgs,
            people: all,
            positions,
            logins,
        })
    }

    /// The sign-ins as `redbranch demo` prints them.
    pub fn demo_logins(&self) -> Vec<DemoLogin> {
        self.logins
            .iter()
            .map(|l| DemoLogin {
                role: l.role,
                login: l.login.clone(),
                password: DEMO_PASSWORD.to_string(),
                scope: l
                    .orgs
                    .iter()
                    .map(|o| self.orgs[*o].name.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
            })
            .collect()
    }
}

/// Creates the demo school unless the tenant `demo` already exists, and returns its sign-ins.
/// A second call reads one row and writes nothing.
pub async fn ensure_demo_school(
    db: &Db,
    crypto: &Crypto,
    progress: &dyn Progress,
) -> anyhow::Result<Vec<DemoLogin>> {
    let plan = Plan::build()?;
    let logins = plan.demo_logins();
    if redbranch_db::tenants::by_code(&db.conn, DEMO_TENANT_CODE)
        .await?
        .is_some()
    {
        return Ok(logins);
    }
    let hashes = super::hash_passwords(vec![DEMO_PASSWORD.to_string(); plan.logins.len()]).await?;
    let txn = db.conn.begin().await?;
    let written = write::write(&txn, crypto, &plan, &hashes, progress).await?;
    activity::write(&txn, &plan, &written, progress).await?;
    txn.commit().await?;
    Ok(logins)
}
