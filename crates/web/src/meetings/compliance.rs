//! The compliance view, shared by the page and the API: for an org and a year, each branch
//! below it set against the rule table (domain `meetings::compliance`), rolled up for each
//! child of the org (a college, for the school), and in detail when the org is a branch.
//!
//! Reads three things whatever the school's size — the subtree's orgs, the months of the year
//! in which each org held each kind of meeting (grouped in the database) and the orgs that held
//! anything in the last `silent_days` — and works out the rest in memory. A branch viewed in
//! detail also reads its meetings and latest meeting; the page's list of silent branches, their
//! latest meetings.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use redbranch_db::meetings::compliance::{held_any_between, held_between, held_months, last_held};
use redbranch_db::org::Org;
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::meetings::MeetingKind;
use redbranch_domain::meetings::compliance::months::{HeldMonths, KindMonths, tally_months};
use redbranch_domain::meetings::compliance::{Held, RULES_VERSION, Tally, evaluate, requirements};
use redbranch_domain::org::{OrgId, OrgKind, OrgPath, Tree};
use serde::Serialize;

use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;
use crate::state::AppState;

/// A child of the org viewed, with the totals of the branches under it.
#[derive(Debug, Clone, Serialize)]
pub struct Rollup {
    pub org_id: i64,
    pub name: String,
    pub kind: String,
    pub branches: u32,
    pub silent: u32,
    pub tally: Tally,
    pub percent: Option<u32>,
}

/// One period of one requirement of a branch.
#[derive(Debug, Clone, Serialize)]
pub struct SlotView {
    pub label: String,
    pub state: &'static str,
    pub held: u32,
}

/// One requirement of a branch over the year.
#[derive(Debug, Clone, Serialize)]
pub struct KindView {
    pub kind: &'static str,
    pub every: &'static str,
    pub source: &'static str,
    pub tally: Tally,
    pub slots: Vec<SlotView>,
}

/// The branch in detail, when the org viewed is a branch.
#[derive(Debug, Clone, Serialize)]
pub struct BranchDetail {
    pub kinds: Vec<KindView>,
    pub last_held: Option<NaiveDate>,
    pub silent: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComplianceView {
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    pub today: NaiveDate,
    pub rules_version: &'static str,
    pub silent_days: u32,
    pub branches: u32,
    pub silent: u32,
    pub tally: Tally,
    pub percent: Option<u32>,
    pub children: Vec<Rollup>,
    pub branch: Option<BranchDetail>,
}

fn is_branch(o: &Org) -> bool {
    matches!(
        o.org_kind(),
        Some(OrgKind::PartyBranch | OrgKind::LeagueBranch)
    )
}

/// The org to view: the one asked for, else the first root of the caller's scope; refused
/// unless the caller holds `ManageMeetings` on it.
pub async fn root_for(st: &AppState, u: &CurrentUser, org: Option<i64>) -> AppResult<Org> {
    let id = match org {
        Some(id) => id,
        None => {
            let scope = u.grants.scope(Permission::ManageMeetings);
            let first = scope.roots.first().and_then(|p| p.ids().last().copied());
            first
                .ok_or(AppError::Forbidden(Forbidden(Permission::ManageMeetings)))?
                .0
        }
    };
    let o = redbranch_db::org::get(&st.db.conn, u.tenant, OrgId(id)).await?;
    u.grants.ensure(Permission::ManageMeetings, &o.org_path())?;
    Ok(o)
}

/// Compliance of `root` and everything below it for `year`, as of the app's today.
pub async fn compute(
    st: &AppState,
    u: &CurrentUser,
    root: &Org,
    year: i32,
) -> AppResult<ComplianceView> {
    Ok(compute_with(st, u, root, year, false).await?.0)
}

/// A branch that has held nothing for more than the school's `silent_days`: (id, name, last
/// held meeting).
pub type SilentBranch = (i64, String, Option<NaiveDate>);

/// [`compute`], and with `list_silent` the silent branches under `root` as of the real today
/// (for the list under the page's table), in the order of their paths.
pub async fn compute_with(
    st: &AppState,
    u: &CurrentUser,
    root: &Org,
    year: i32,
    list_silent: bool,
) -> AppResult<(ComplianceView, Vec<SilentBranch>)> {
    let c = &st.db.conn;
    let real_today = st.clock.today();
    // For a past year every period is over; for a future one none has begun.
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(real_today);
    let year_start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(real_today);
    let today = real_today.min(year_end.succ_opt().unwrap_or(year_end));
    let s = super::settings_of(u)?;
    let root_path = root.org_path();
    let orgs = redbranch_db::org::subtree(c, u.tenant, &root_path, None).await?;
    // The whole school: no id list (the tenant filter is the scope).
    let ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let filter = (root.parent_id.is_some()).then_some(ids.as_slice());
    // The roll-up needs only the months in which each kind was held (grouped in the
    // database: a row per org and kind, not per meeting); a branch shown in detail also
    // needs its meetings, to count them per period.
    let months = held_months(c, u.tenant, filter, year, today).await?;
    let held = if is_branch(root) {
        held_between(c, u.tenant, filter, year_start, today.min(year_end)).await?
    } else {
        Vec::new()
    };
    // Silent (`is_silent`): the latest meeting up to `today` is more than `silent_days` before
    // the real today — that is, nothing held from `quiet_from` to `today`.
    let quiet_from = real_today - chrono::Duration::days(i64::from(s.silent_days));
    let active = held_any_between(c, u.tenant, filter, quiet_from, today).await?;
    let by_id: HashMap<i64, &Org> = orgs.iter().map(|o| (o.id, o)).collect();
    // Each org's branch: itself, or the nearest branch above it (a 党小组's branch); worked out
    // once per org rather than once per meeting.
    let branch_map: HashMap<i64, i64> = orgs
        .iter()
        .filter_map(|o| {
            let b = o
                .org_path()
                .ids()
                .into_iter()
                .rev()
                .find(|id| by_id.get(&id.0).is_some_and(|o| is_branch(o)))?;
            Some((o.id, b.0))
        })
        .collect();
    let branch_of = |org_id: i64| branch_map.get(&org_id).copied();
    let mut months_by_branch: HashMap<i64, KindMonths> = HashMap::new();
    for m in &months {
        let (Some(b), Some(kind)) = (branch_of(m.org_id), MeetingKind::from_code(&m.kind)) else {
            continue;
        };
        months_by_branch.entry(b).or_default().add(
            kind,
            HeldMonths {
                held: m.held,
                quorate: m.quorate,
            },
        );
    }
    let mine: Vec<Held> = held
        .iter()
        .filter_map(|h| {
            Some(Held {
                kind: MeetingKind::from_code(&h.kind)?,
                on: h.held_on,
                attended: u32::try_from(h.attended).unwrap_or(0),
                expected: u32::try_from(h.invited).unwrap_or(0),
            })
        })
        .collect();
    let latest = |last: &HashMap<i64, NaiveDate>| {
        let mut by_branch: HashMap<i64, NaiveDate> = HashMap::new();
        for (org_id, d) in last {
            if let Some(b) = branch_of(*org_id) {
                let e = by_branch.entry(b).or_insert(*d);
                *e = (*e).max(*d);
            }
        }
        by_branch
    };
    let active_branches: HashSet<i64> = active.iter().filter_map(|o| branch_of(*o)).collect();
    // The date of the latest meeting is shown only for a branch in detail.
    let detail_last = if is_branch(root) {
        latest(&last_held(c, u.tenant, filter, today).await?)
            .get(&root.id)
            .copied()
    } else {
        None
    };
    let root_depth = root_path.ids().len();
    let mut children: Vec<Rollup> = orgs
        .iter()
        .filter(|o| o.parent_id == Some(root.id))
        .map(|o| Rollup {
            org_id: o.id,
            name: o.name.clone(),
            kind: o.kind.clone(),
            branches: 0,
            silent: 0,
            tally: Tally::default(),
            percent: None,
        })
        .collect();
    let child_index: HashMap<i64, usize> = children
        .iter()
        .enumerate()
        .map(|(i, r)| (r.org_id, i))
        .collect();
    let (party_reqs, league_reqs) = (
        requirements(Tree::Party, &s),
        requirements(Tree::League, &s),
    );
    let (mut total, mut branches, mut silent) = (Tally::default(), 0, 0);
    let mut detail = None;
    let mut silent_now: Vec<(&Org, bool)> = Vec::new();
    for b in orgs.iter().filter(|o| is_branch(o)) {
        let Some(tree) = b.org_kind().map(|k| k.tree()) else {
            continue;
        };
        let reqs = match tree {
            Tree::Party => &party_reqs,
            Tree::League => &league_reqs,
        };
        let t = tally_months(
            year,
            today,
            reqs,
            &months_by_branch.get(&b.id).copied().unwrap_or_default(),
        );
        let quiet = !active_branches.contains(&b.id);
        total.add(t);
        branches += 1;
        silent += u32::from(quiet);
        silent_now.push((b, quiet));
        let child = OrgPath::from_stored(b.path.clone())
            .ids()
            .get(root_depth)
            .and_then(|id| child_index.get(&id.0).copied());
        if let Some(i) = child {
            let r = &mut children[i];
            r.branches += 1;
            r.silent += u32::from(quiet);
            r.tally.add(t);
        }
        if b.id == root.id {
            detail = Some(BranchDetail {
                kinds: evaluate(year, today, reqs, &mine)
                    .into_iter()
                    .map(|k| KindView {
                        kind: k.requirement.kind.code(),
                        every: k.requirement.every.code(),
                        source: k.requirement.source,
                        tally: k.tally,
                        slots: k
                            .slots
                            .into_iter()
                            .map(|s| SlotView {
                                label: s.label,
                                state: s.state.code(),
                                held: s.held,
                            })
                            .collect(),
                    })
                    .collect(),
                last_held: detail_last,
                silent: quiet,
            });
        }
    }
    children.retain(|r| r.branches > 0);
    for r in &mut children {
        r.percent = r.tally.percent();
    }
    let view = ComplianceView {
        org_id: root.id,
        org_name: root.name.clone(),
        year,
        today: real_today,
        rules_version: RULES_VERSION,
        silent_days: s.silent_days,
        branches,
        silent,
        percent: total.percent(),
        tally: total,
        children,
        branch: detail,
    };
    let silent_list = if list_silent {
        // As of the real today: for a past year, who held something in the last days again.
        if today != real_today {
            let now = held_any_between(c, u.tenant, filter, quiet_from, real_today).await?;
            let now: HashSet<i64> = now.iter().filter_map(|o| branch_of(*o)).collect();
            for (b, quiet) in &mut silent_now {
                *quiet = !now.contains(&b.id);
            }
        }
        silent_now.retain(|(_, quiet)| *quiet);
        // Their latest meetings, read for their orgs only.
        let quiet: HashSet<i64> = silent_now.iter().map(|(b, _)| b.id).collect();
        let ids: Vec<i64> = orgs
            .iter()
            .filter(|o| branch_of(o.id).is_some_and(|b| quiet.contains(&b)))
            .map(|o| o.id)
            .collect();
        let last = if ids.is_empty() {
            HashMap::new()
        } else {
            latest(&last_held(c, u.tenant, Some(&ids), real_today).await?)
        };
        silent_now
            .into_iter()
            .map(|(b, _)| (b.id, b.name.clone(), last.get(&b.id).copied()))
            .collect()
    } else {
        Vec::new()
    };
    Ok((view, silent_list))
}
