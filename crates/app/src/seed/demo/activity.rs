//! What the demo school has been doing, so that a visitor finds no empty page: the 网上党校
//! ([`super::study`]) and the branches' 组织生活 ([`super::orglife`]).
//!
//! Everything is chosen by a seeded RNG, so two demos made on the same day are the same; the
//! dates count back from that day (the meeting year ends yesterday, this week's lesson is open),
//! because the compliance view, the quizzes and the lessons all read today's date.

use anyhow::Context;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;
use redbranch_db::auth::UserId;
use redbranch_db::people::PersonId;
use redbranch_db::tenants::TenantId;
use redbranch_domain::authz::Role;
use redbranch_domain::org::{OrgId, OrgPath};
use sea_orm::DatabaseTransaction;

use super::Plan;
use super::write::Written;
use crate::seed::Progress;

/// A different stream from the plan's, so adding activity never changes the people.
const SEED: u64 = 2027;

pub(super) struct Activity<'a> {
    pub txn: &'a DatabaseTransaction,
    pub plan: &'a Plan,
    pub w: &'a Written,
    pub rng: StdRng,
    /// The day the demo is made (Beijing), and the moment.
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
}

impl Activity<'_> {
    pub fn tenant(&self) -> TenantId {
        self.w.tenant
    }

    pub fn person(&self, i: usize) -> PersonId {
        PersonId(self.w.people[i].id)
    }

    /// The id and path of planned org `i`, read back.
    pub async fn org(&self, i: usize) -> anyhow::Result<(i64, OrgPath)> {
        let id: OrgId = self.w.orgs[i];
        let o = redbranch_db::org::get(self.txn, self.tenant(), id).await?;
        Ok((o.id, o.org_path()))
    }

    /// The account of the demo login with `role`.
    pub fn user(&self, role: Role) -> anyhow::Result<UserId> {
        self.plan
            .logins
            .iter()
            .position(|l| l.role == role)
            .map(|i| self.w.users[i])
            .with_context(|| format!("no demo login for {role:?}"))
    }

    /// The plan index of the member login's person.
    pub fn member_person(&self) -> anyhow::Result<usize> {
        self.plan
            .logins
            .iter()
            .find(|l| l.role == Role::Member)
            .and_then(|l| l.person)
            .context("no demo member")
    }

    /// The college (index into [`Plan::colleges`]) of a class's 团支部.
    pub fn college_of_class(&self, class: usize) -> usize {
        let parent = self.plan.orgs[class].parent;
        self.plan
            .colleges
            .iter()
            .position(|c| Some(c.league) == parent)
            .unwrap_or(0)
    }
}

/// The day in Beijing (UTC+8), as the web clock reads it.
fn beijing_today(now: DateTime<Utc>) -> NaiveDate {
    match FixedOffset::east_opt(8 * 3600) {
        Some(cst) => now.with_timezone(&cst).date_naive(),
        None => now.date_naive(),
    }
}

/// Writes the activity after the school itself, in the same transaction.
pub(super) async fn write(
    txn: &DatabaseTransaction,
    plan: &Plan,
    w: &Written,
    progress: &dyn Progress,
) -> anyhow::Result<()> {
    let now = Utc::now();
    let mut a = Activity {
        txn,
        plan,
        w,
        rng: StdRng::seed_from_u64(SEED),
        today: beijing_today(now),
        now,
    };
    progress.start("activity", 8);
    super::study::bank_and_exam(&a).await?;
    progress.inc(1);
    super::study::courses(&a).await?;
    progress.inc(1);
    super::study::weekly_lessons(&mut a).await?;
    progress.inc(1);
    super::study::points(&mut a).await?;
    progress.inc(1);
    super::study::mall(&a).await?;
    progress.inc(1);
    super::orglife::meetings(&mut a).await?;
    progress.inc(1);
    super::orglife::notice(&a).await?;
    progress.inc(1);
    super::orglife::task(&a).await?;
    progress.finish();
    Ok(())
}
