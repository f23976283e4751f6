//! Writes a planned demo school through the ordinary database functions, in the caller's
//! transaction, with a single audit entry for the whole seeding.

use redbranch_db::auth::{NewUser, UserId};
use redbranch_db::crypto::Crypto;
use redbranch_db::org::NewOrg;
use redbranch_db::people::{Person, Upserted};
use redbranch_db::tenants::TenantId;
use redbranch_domain::org::{OrgId, Tree};
use sea_orm::DatabaseTransaction;
use serde_json::json;

use super::{DEMO_TENANT_CODE, Plan};
use crate::seed::Progress;
use crate::seed::catalogue::SCHOOL;

/// What the school's rows got as ids, for the activity written after them.
pub(super) struct Written {
    pub tenant: TenantId,
    pub orgs: Vec<OrgId>,
    pub people: Vec<Person>,
    /// The account of each of [`Plan::logins`], in order.
    pub users: Vec<UserId>,
}

pub(super) async fn write(
    txn: &DatabaseTransaction,
    crypto: &Crypto,
    plan: &Plan,
    hashes: &[String],
    progress: &dyn Progress,
) -> anyhow::Result<Written> {
    let tenant = redbranch_db::tenants::create(txn, DEMO_TENANT_CODE, SCHOOL).await?;
    let t = TenantId(tenant.id);

    progress.start("orgs", plan.orgs.len() as u64);
    let mut org_ids: Vec<OrgId> = Vec::with_capacity(plan.orgs.len());
    for o in &plan.orgs {
        let new = NewOrg {
            kind: o.kind,
            code: o.code.clone(),
            name: o.name.clone(),
            parent: o.parent.map(|p| org_ids[p]),
            founded_on: Some(o.founded_on),
            sort_order: o.sort_order,
        };
        org_ids.push(redbranch_db::org::create(txn, t, new, None).await?.org_id());
        progress.inc(1);
    }
    progress.finish();

    progress.start("people", plan.people.len() as u64);
    let mut people: Vec<Person> = Vec::with_capacity(plan.people.len());
    for p in &plan.people {
        let person = match redbranch_db::people::upsert(txn, crypto, t, &p.data).await? {
            Upserted::Inserted(p)
            | Upserted::Unchanged(p)
            | Upserted::Updated { person: p, .. } => p,
        };
        people.push(person);
        progress.inc(1);
    }
    progress.finish();

    let total: usize = plan
        .people
        .iter()
        .map(|p| usize::from(p.league.is_some()) + usize::from(p.party.is_some()))
        .sum();
    progress.start("memberships", total as u64);
    let mut memberships = 0u64;
    for (p, person) in plan.people.iter().zip(&people) {
        for (tree, m) in [(Tree::League, p.league), (Tree::Party, p.party)] {
            if let Some((org, on)) = m {
                if redbranch_db::people::set_org(txn, t, person, tree, Some(org_ids[org]), on)
                    .await?
                {
                    memberships += 1;
                }
                progress.inc(1);
            }
        }
    }
    progress.finish();

    progress.start("committees", plan.positions.len() as u64);
    for pos in &plan.positions {
        redbranch_db::org::appoint(
            txn,
            t,
            org_ids[pos.org],
            people[pos.person].id,
            pos.title,
            pos.on,
        )
        .await?;
        progress.inc(1);
    }
    progress.finish();

    progress.start("logins", plan.logins.len() as u64);
    let mut users = Vec::with_capacity(plan.logins.len());
    for (l, hash) in plan.logins.iter().zip(hashes) {
        let user = redbranch_db::auth::create_user(
            txn,
            t,
            NewUser {
                login: &l.login,
                display_name: &l.display_name,
                password_hash: hash.clone(),
                person_id: l.person.map(|i| people[i].id),
                must_change_password: false,
            },
        )
        .await?;
        for org in &l.orgs {
            redbranch_db::auth::grant(txn, t, UserId(user.id), l.role, org_ids[*org], None).await?;
        }
        users.push(UserId(user.id));
        progress.inc(1);
    }
    progress.finish();

    let summary = json!({
        "kind": "demo",
        "orgs": plan.orgs.len(),
        "people": people.len(),
        "memberships": memberships,
        "positions": plan.positions.len(),
        "logins": plan.logins.iter().map(|l| l.login.as_str()).collect::<Vec<_>>(),
    });
    redbranch_db::audit::append(txn, t, crate::seed::seed_entry(tenant.id, summary)).await?;
    Ok(Written {
        tenant: t,
        orgs: org_ids,
        people,
        users,
    })
}
