//! The compliance roll-up reads the months in which each org held each kind of meeting,
//! grouped in the database, instead of every meeting (docs/BENCHMARKS.md). On a varied school —
//! extra branches and 党小组 under both colleges, League branches, a year of random meetings of
//! every kind on month edges, exactly half present, nobody invited, other years, planned ones —
//! the API and the page must give exactly what the former computation (every held meeting
//! through `domain::meetings::compliance::tally`) gives, for the school, each college and each
//! branch, this year and last.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use redbranch_db::meetings::compliance::{held_between, held_months, last_held};
use redbranch_db::meetings::entity::meetings;
use redbranch_db::org::{self, NewOrg, Org};
use redbranch_domain::meetings::compliance::months::KindMonths;
use redbranch_domain::meetings::compliance::{Held, Tally, is_silent, requirements, tally};
use redbranch_domain::meetings::{MeetingKind, MeetingsSettings};
use redbranch_domain::org::{OrgKind, Tree};
use redbranch_testkit::{TestApp, both_backends};
use sea_orm::{EntityTrait, Set};
use serde_json::Value;

/// More orgs under the world's colleges: branches, and groups under some of them.
async fn grow(app: &TestApp) -> Vec<Org> {
    let c = &app.db.conn;
    let t = app.world.tenant;
    let mut made = Vec::new();
    let mut n = 0;
    for (college, branch, group) in [
        ("PA", OrgKind::PartyBranch, Some(OrgKind::PartyGroup)),
        ("PB", OrgKind::PartyBranch, Some(OrgKind::PartyGroup)),
        ("LA", OrgKind::LeagueBranch, None),
        ("LB", OrgKind::LeagueBranch, None),
    ] {
        for i in 0..3 {
            n += 1;
            let b = org::create(
                c,
                t,
                NewOrg {
                    kind: branch,
                    code: format!("X{n}"),
                    name: format!("支部{n}号"),
                    parent: Some(app.world.orgs[college].org_id()),
                    founded_on: None,
                    sort_order: 0,
                },
                None,
            )
            .await
            .unwrap();
            if let (Some(g), true) = (group, i > 0) {
                for _ in 0..i {
                    n += 1;
                    let o = org::create(
                        c,
                        t,
                        NewOrg {
                            kind: g,
                            code: format!("X{n}"),
                            name: format!("小组{n}"),
                            parent: Some(b.org_id()),
                            founded_on: None,
                            sort_order: 0,
                        },
                        None,
                    )
                    .await
                    .unwrap();
                    made.push(o);
                }
            }
            made.push(b);
        }
    }
    made
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Random meetings of the right tree on every org, over 2025–2027.
async fn meetings_for(app: &TestApp, orgs: &[Org]) {
    let mut rng = StdRng::seed_from_u64(4);
    let by = app.world.users["school"].0;
    let mut rows = Vec::new();
    for o in orgs {
        let tree = o.org_kind().unwrap().tree();
        let kinds: Vec<MeetingKind> = MeetingKind::ALL
            .into_iter()
            .filter(|k| k.tree() == tree)
            .collect();
        for _ in 0..rng.gen_range(0..30) {
            let year = [2025, 2026, 2026, 2026, 2027][rng.gen_range(0..5)];
            let m = rng.gen_range(1..=12);
            let on = match rng.gen_range(0..3) {
                0 => day(year, m, 1),
                1 => day(year, m, 1)
                    .checked_add_months(chrono::Months::new(1))
                    .unwrap()
                    .pred_opt()
                    .unwrap(),
                _ => day(year, m, rng.gen_range(2..=28)),
            };
            let invited: i64 = rng.gen_range(0..10);
            let attended = match rng.gen_range(0..3) {
                0 => invited / 2,
                1 => invited / 2 + 1,
                _ => rng.gen_range(0..=invited),
            };
            let at = Utc.from_utc_datetime(&on.and_hms_opt(6, 0, 0).unwrap());
            rows.push(meetings::ActiveModel {
                tenant_id: Set(app.world.tenant.0),
                org_id: Set(o.id),
                kind: Set(kinds[rng.gen_range(0..kinds.len())].code().into()),
                title: Set("随机".into()),
                starts_at: Set(at),
                ends_at: Set(at + chrono::Duration::hours(1)),
                held_on: Set(on),
                agenda: Set(String::new()),
                status: Set(if rng.gen_bool(0.85) {
                    "held"
                } else {
                    "planned"
                }
                .into()),
                invited: Set(invited),
                attended: Set(attended),
                created_by: Set(by),
                created_at: Set(at),
                ..Default::default()
            });
        }
    }
    for chunk in rows.chunks(200) {
        meetings::Entity::insert_many(chunk.to_vec())
            .exec(&app.db.conn)
            .await
            .unwrap();
    }
}

/// What the view said before it read months: every held meeting of the year through `tally`.
struct Old {
    branches: u32,
    silent: u32,
    tally: Tally,
    /// Per child of the root: (branches, silent, tally).
    children: HashMap<i64, (u32, u32, Tally)>,
    /// The page's list: (name, silent as of the real today).
    silent_now: Vec<(String, bool)>,
}

async fn old_view(app: &TestApp, root: &Org, year: i32, today: NaiveDate) -> Old {
    let c = &app.db.conn;
    let t = app.world.tenant;
    let real_today = today;
    let today = real_today.min(day(year, 12, 31).succ_opt().unwrap());
    let orgs = org::subtree(c, t, &root.org_path(), None).await.unwrap();
    let ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let held = held_between(
        c,
        t,
        Some(ids.as_slice()),
        day(year, 1, 1),
        today.min(day(year, 12, 31)),
    )
    .await
    .unwrap();
    let last = last_held(c, t, Some(ids.as_slice()), today).await.unwrap();
    let last_now = last_held(c, t, Some(ids.as_slice()), real_today)
        .await
        .unwrap();
    let s = MeetingsSettings::default();
    let path_of: HashMap<i64, &str> = orgs.iter().map(|o| (o.id, o.path.as_str())).collect();
    let depth = root.org_path().ids().len();
    let mut out = Old {
        branches: 0,
        silent: 0,
        tally: Tally::default(),
        children: HashMap::new(),
        silent_now: Vec::new(),
    };
    for b in orgs.iter().filter(|o| {
        matches!(
            o.org_kind(),
            Some(OrgKind::PartyBranch | OrgKind::LeagueBranch)
        )
    }) {
        let under = |org_id: &i64| path_of[org_id].starts_with(&b.path);
        let mine: Vec<Held> = held
            .iter()
            .filter(|h| under(&h.org_id))
            .map(|h| Held {
                kind: MeetingKind::from_code(&h.kind).unwrap(),
                on: h.held_on,
                attended: u32::try_from(h.attended).unwrap(),
                expected: u32::try_from(h.invited).unwrap(),
            })
            .collect();
        let tree: Tree = b.org_kind().unwrap().tree();
        let t = tally(year, today, &requirements(tree, &s), &mine);
        let l = last.iter().filter(|(o, _)| under(o)).map(|(_, d)| *d).max();
        let quiet = u32::from(is_silent(l, real_today, s.silent_days));
        let l_now = last_now
            .iter()
            .filter(|(o, _)| under(o))
            .map(|(_, d)| *d)
            .max();
        out.silent_now
            .push((b.name.clone(), is_silent(l_now, real_today, s.silent_days)));
        out.branches += 1;
        out.silent += quiet;
        out.tally.add(t);
        if let Some(child) = b.org_path().ids().get(depth) {
            let e = out.children.entry(child.0).or_default();
            e.0 += 1;
            e.1 += quiet;
            e.2.add(t);
        }
    }
    out
}

fn tally_of(v: &Value) -> Tally {
    let n = |k: &str| u32::try_from(v[k].as_u64().unwrap()).unwrap();
    Tally {
        due: n("due"),
        met: n("met"),
        missed: n("missed"),
        no_quorum: n("no_quorum"),
    }
}

both_backends!(
    the_grouped_months_give_what_every_meeting_gave,
    |app: TestApp| async move {
        let mut orgs = grow(&app).await;
        for code in ["PA1", "PB1", "LA1", "LB1"] {
            orgs.push(app.world.orgs[code].clone());
        }
        meetings_for(&app, &orgs).await;
        let c = &app.db.conn;
        let t = app.world.tenant;
        // The grouped read against the meetings themselves, org by org.
        let ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
        for year in [2025, 2026] {
            let to = day(year, 12, 31);
            let rows = held_months(c, t, Some(ids.as_slice()), year, to)
                .await
                .unwrap();
            let held = held_between(c, t, Some(ids.as_slice()), day(year, 1, 1), to)
                .await
                .unwrap();
            for o in &orgs {
                let mine: Vec<Held> = held
                    .iter()
                    .filter(|h| h.org_id == o.id)
                    .map(|h| Held {
                        kind: MeetingKind::from_code(&h.kind).unwrap(),
                        on: h.held_on,
                        attended: u32::try_from(h.attended).unwrap(),
                        expected: u32::try_from(h.invited).unwrap(),
                    })
                    .collect();
                let mut got = KindMonths::default();
                for r in rows.iter().filter(|r| r.org_id == o.id) {
                    got.add(
                        MeetingKind::from_code(&r.kind).unwrap(),
                        redbranch_domain::meetings::compliance::months::HeldMonths {
                            held: r.held,
                            quorate: r.quorate,
                        },
                    );
                }
                assert_eq!(got, KindMonths::of(year, &mine), "org {} {year}", o.id);
            }
        }
        // The views, on days at the edges of months and quarters.
        let school = app.session("school").await;
        let mut seen = Tally::default();
        for today in [
            day(2026, 1, 1),
            day(2026, 3, 31),
            day(2026, 7, 1),
            day(2026, 12, 31),
        ] {
            app.clock
                .set_now(Utc.from_utc_datetime(&today.and_hms_opt(4, 0, 0).unwrap()));
            for code in ["P", "PA", "PB", "L", "LA", "PA1", "LB1"] {
                let root = &app.world.orgs[code];
                for year in [2025, today.year()] {
                    let (s, v) = app
                        .get_json(
                            &school,
                            &format!("/api/v1/meetings/compliance?org={}&year={year}", root.id),
                        )
                        .await;
                    assert_eq!(s, 200, "{v}");
                    let old = old_view(&app, root, year, today).await;
                    let what = format!("{code} {year} on {today}");
                    seen.add(old.tally);
                    assert_eq!(tally_of(&v["tally"]), old.tally, "{what}");
                    assert_eq!(v["branches"], old.branches, "{what}");
                    assert_eq!(v["silent"], old.silent, "{what}");
                    for ch in v["children"].as_array().unwrap() {
                        let id = ch["org_id"].as_i64().unwrap();
                        let (b, q, t) = old.children[&id];
                        assert_eq!(tally_of(&ch["tally"]), t, "{what}, child {id}");
                        assert_eq!(ch["branches"], b, "{what}, child {id}");
                        assert_eq!(ch["silent"], q, "{what}, child {id}");
                    }
                    assert_eq!(v["children"].as_array().unwrap().len(), old.children.len());
                    let page = app
                        .text(
                            &school.0,
                            &format!("/meetings/compliance?org={}&year={year}", root.id),
                        )
                        .await;
                    assert!(page.contains(&root.name), "{what}: the page renders");
                    let listed = page
                        .split("id=\"silent\"")
                        .nth(1)
                        .and_then(|p| p.split("</section>").next())
                        .unwrap_or_default();
                    for (name, quiet) in &old.silent_now {
                        assert_eq!(listed.contains(name.as_str()), *quiet, "{what}: {name}");
                    }
                }
            }
        }
        assert!(
            seen.met > 0 && seen.missed > 0 && seen.no_quorum > 0,
            "the data set has every outcome: {seen:?}"
        );
    }
);
