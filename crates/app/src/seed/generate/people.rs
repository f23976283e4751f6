//! Synthetic people and their memberships, in multi-row inserts.
//!
//! People are dealt out to 团支部 in turn; `party_org_id` and `league_org_id` are set on the
//! insert and the matching `memberships` rows are inserted in bulk afterwards, which is what
//! `redbranch_db::people::set_org` would have written one person at a time.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;
use redbranch_db::crypto::Crypto;
use redbranch_db::people::entity::{memberships, people};
use redbranch_db::tenants::TenantId;
use redbranch_domain::org::Tree;
use redbranch_domain::people::IdCardNo;
use redbranch_domain::text::pinyin_initials;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Set};

use super::orgs::GenTree;
use crate::seed::Progress;
use crate::seed::student::{Student, enrolment, student};

/// People per insert: 28 columns × 500 rows stays under SQLite's 32,766 bound parameters.
const PEOPLE_CHUNK: usize = 500;
/// Memberships per insert (7 columns).
const MEMBERSHIP_CHUNK: usize = 2000;
const SEED: u64 = 0x5EED_2026;
/// Share of women among synthetic students, in per cent.
const FEMALE_PCT: u32 = 45;

/// Where one inserted person belongs, kept until their id is known.
struct Placement {
    student_no: String,
    league: Option<(i64, NaiveDate)>,
    party: Option<(i64, NaiveDate)>,
}

fn model(
    crypto: &Crypto,
    t: TenantId,
    no: &str,
    s: &Student,
    tree: &GenTree,
    lb: usize,
) -> anyhow::Result<people::ActiveModel> {
    let branch = &tree.league_branches[lb];
    let (college, stem) = &tree.colleges[branch.college];
    let id = IdCardNo::parse(&s.id_card)?;
    let now = Utc::now();
    Ok(people::ActiveModel {
        tenant_id: Set(t.0),
        student_no: Set(no.to_string()),
        name: Set(s.name.clone()),
        name_initials: Set(pinyin_initials(&s.name)),
        gender: Set(Some(s.gender.code().into())),
        ethnicity: Set(Some(s.ethnicity.into())),
        birth_date: Set(Some(s.life.birth)),
        id_card_cipher: Set(Some(crypto.seal(id.as_str())?)),
        id_card_hash: Set(Some(crypto.blind_index(id.as_str()))),
        id_card_masked: Set(Some(id.masked())),
        phone: Set(Some(s.phone.clone())),
        college: Set(Some(college.clone())),
        major: Set(Some(format!("{stem}类"))),
        grade: Set(Some(branch.grade.to_string())),
        class_name: Set(Some(branch.class_name.clone())),
        political_status: Set(s.status.code().into()),
        league_joined_on: Set(s.league_joined),
        party_applied_on: Set(s.dates.applied),
        activist_on: Set(s.dates.activist),
        target_on: Set(s.dates.target),
        party_joined_on: Set(s.dates.joined),
        confirmed_on: Set(s.dates.confirmed),
        party_org_id: Set(s.in_party_branch().then_some(branch.party_branch)),
        league_org_id: Set(s.in_league().then_some(branch.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
}

/// Inserts `members` people; returns how many people and memberships were written.
pub(super) async fn insert(
    txn: &DatabaseTransaction,
    crypto: &Crypto,
    t: TenantId,
    tree: &GenTree,
    members: u64,
    progress: &dyn Progress,
) -> anyhow::Result<(u64, u64)> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let n = usize::try_from(members)?;
    let branches = tree.league_branches.len().max(1);
    let mut placements = Vec::with_capacity(n);
    let mut issued = std::collections::HashSet::with_capacity(n);
    let mut batch = Vec::with_capacity(PEOPLE_CHUNK);
    progress.start("people", members);
    for i in 0..n {
        let lb = i % branches;
        let branch = &tree.league_branches[lb];
        let mut s = student(&mut rng, branch.grade, FEMALE_PCT);
        // Identity numbers are unique to a person; at 10⁵ people random draws do collide.
        while !issued.insert(s.id_card.clone()) {
            s.id_card = crate::seed::person::id_card(&mut rng, s.life.birth, s.gender);
        }
        // Grade, then a running number: unique within the tenant, ten digits up to 10⁸ people.
        let no = format!("{:02}{:08}", branch.grade % 100, i + 1);
        batch.push(model(crypto, t, &no, &s, tree, lb)?);
        placements.push(Placement {
            student_no: no,
            league: s
                .in_league()
                .then_some((branch.id, enrolment(branch.grade))),
            party: if s.in_party_branch() {
                s.dates.applied.map(|d| (branch.party_branch, d))
            } else {
                None
            },
        });
        if batch.len() == PEOPLE_CHUNK || i + 1 == n {
            let rows = batch.len() as u64;
            people::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(txn)
                .await?;
            progress.inc(rows);
        }
    }
    progress.finish();

    let ids: HashMap<String, i64> = people::Entity::find()
        .select_only()
        .column(people::Column::StudentNo)
        .column(people::Column::Id)
        .filter(people::Column::TenantId.eq(t.0))
        .into_tuple::<(String, i64)>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let mut rows = Vec::new();
    for p in &placements {
        let person_id = ids
            .get(&p.student_no)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("person {} was not inserted", p.student_no))?;
        for (tree, m) in [(Tree::League, p.league), (Tree::Party, p.party)] {
            if let Some((org, on)) = m {
                rows.push(memberships::ActiveModel {
                    tenant_id: Set(t.0),
                    person_id: Set(person_id),
                    org_id: Set(org),
                    tree: Set(tree.code().into()),
                    started_on: Set(on),
                    ended_on: Set(None),
                    note: Set(None),
                    ..Default::default()
                });
            }
        }
    }
    let total = rows.len() as u64;
    progress.start("memberships", total);
    for chunk in rows.chunks(MEMBERSHIP_CHUNK) {
        memberships::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
        progress.inc(chunk.len() as u64);
    }
    progress.finish();
    Ok((placements.len() as u64, total))
}
