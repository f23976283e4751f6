//! The demo school: its shape, its people, its logins, and that a second run writes nothing.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use redbranch_db::auth::UserId;
use redbranch_db::org::entity::orgs;
use redbranch_db::people::entity::people;
use redbranch_db::tenants::TenantId;
use redbranch_domain::authz::Role;
use redbranch_domain::org::{OrgKind, PositionTitle};
use redbranch_domain::people::{IdCardNo, PoliticalStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{count, crypto, fresh_db, life};
use crate::seed::demo::Plan;
use crate::seed::demo::{DEMO_PASSWORD, DEMO_TENANT_CODE};
use crate::seed::pipeline::obeys_rules;
use crate::seed::{NoProgress, ensure_demo_school};

const TABLES: [&str; 10] = [
    "tenants",
    "orgs",
    "org_events",
    "people",
    "memberships",
    "positions",
    "users",
    "role_grants",
    "audit_log",
    "audit_heads",
];

async fn total_changes(db: &redbranch_db::Db) -> i64 {
    use sea_orm::ConnectionTrait;
    let sql = sea_orm::Statement::from_string(db.backend(), "SELECT total_changes() AS n");
    db.conn
        .query_one_raw(sql)
        .await
        .unwrap()
        .unwrap()
        .try_get("", "n")
        .unwrap()
}

async fn seeded() -> (redbranch_db::Db, Vec<crate::seed::DemoLogin>, TenantId) {
    let db = fresh_db().await;
    let started = Instant::now();
    let logins = ensure_demo_school(&db, &crypto(), &NoProgress)
        .await
        .unwrap();
    eprintln!("demo seeded in {:.2?}", started.elapsed());
    let t = redbranch_db::tenants::by_code(&db.conn, DEMO_TENANT_CODE)
        .await
        .unwrap()
        .unwrap();
    (db, logins, TenantId(t.id))
}

#[test]
fn the_plan_is_the_same_every_time() {
    let (a, b) = (Plan::build().unwrap(), Plan::build().unwrap());
    assert_eq!(a.demo_logins(), b.demo_logins());
    let names = |p: &Plan| {
        p.people
            .iter()
            .map(|x| {
                (
                    x.data.student_no.to_string(),
                    x.data.name.as_str().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&a), names(&b));
}

#[test]
fn the_planned_people_have_every_status_in_plausible_shares_and_lawful_dates() {
    let plan = Plan::build().unwrap();
    let students: Vec<_> = plan
        .people
        .iter()
        .filter(|p| p.data.grade.is_some())
        .collect();
    assert_eq!(students.len(), 3000);
    let mut by_status: HashMap<PoliticalStatus, usize> = HashMap::new();
    for p in &students {
        *by_status.entry(p.data.political_status).or_default() += 1;
        let grade: i32 = p.data.grade.as_deref().unwrap().parse().unwrap();
        let d = &p.data;
        let dates = crate::seed::pipeline::PartyDates {
            applied: d.party_applied_on,
            activist: d.activist_on,
            target: d.target_on,
            joined: d.party_joined_on,
            confirmed: d.confirmed_on,
        };
        assert!(
            obeys_rules(
                d.political_status,
                &dates,
                &life(grade, d.birth_date.unwrap())
            ),
            "{}",
            d.student_no
        );
        assert_eq!(
            p.league.is_some(),
            d.political_status != PoliticalStatus::Masses
        );
        assert_eq!(
            p.party.is_some(),
            d.political_status >= PoliticalStatus::PartyApplicant
        );
    }
    eprintln!("{by_status:?}");
    let share = |s: PoliticalStatus| by_status.get(&s).copied().unwrap_or(0) * 1000 / 3000;
    assert!((90..=130).contains(&share(PoliticalStatus::Masses)));
    assert!((650..=760).contains(&share(PoliticalStatus::LeagueMember)));
    assert!((60..=100).contains(&share(PoliticalStatus::PartyActivist)));
    for s in PoliticalStatus::ALL {
        assert!(share(s) >= 10, "{s:?} is too rare");
    }
    let mut full_members: HashMap<usize, usize> = HashMap::new();
    for p in plan
        .people
        .iter()
        .filter(|p| p.data.political_status == PoliticalStatus::PartyMember)
    {
        if let Some((branch, _)) = p.party {
            *full_members.entry(branch).or_default() += 1;
        }
    }
    assert_eq!(full_members.len(), 18);
    assert!(full_members.values().all(|n| *n >= 7), "{full_members:?}");
}

#[tokio::test]
async fn the_demo_school_has_six_colleges_eighteen_branches_and_one_league_branch_per_class() {
    let (db, _, t) = seeded().await;
    let all = orgs::Entity::find()
        .filter(orgs::Column::TenantId.eq(t.0))
        .all(&db.conn)
        .await
        .unwrap();
    let kinds = |k: OrgKind| all.iter().filter(|o| o.kind == k.code()).count();
    assert_eq!(kinds(OrgKind::PartyCommittee), 1 + 6);
    assert_eq!(kinds(OrgKind::PartyBranch), 18);
    assert_eq!(kinds(OrgKind::PartyGroup), 36);
    assert_eq!(kinds(OrgKind::LeagueCommittee), 1 + 6);
    assert_eq!(kinds(OrgKind::LeagueBranch), 132);

    let persons = people::Entity::find()
        .filter(people::Column::TenantId.eq(t.0))
        .all(&db.conn)
        .await
        .unwrap();
    assert_eq!(persons.len(), 3003);
    let statuses: BTreeSet<_> = persons.iter().map(|p| p.political_status.clone()).collect();
    assert_eq!(statuses.len(), PoliticalStatus::ALL.len());
    let names: HashMap<i64, &str> = all.iter().map(|o| (o.id, o.name.as_str())).collect();
    for p in &persons {
        let id = IdCardNo::parse(&p.reveal_id_card(&crypto()).unwrap().unwrap()).unwrap();
        assert_eq!(Some(id.birth_date()), p.birth_date);
        if let (Some(class), Some(org)) = (&p.class_name, p.league_org_id) {
            assert_eq!(names[&org], format!("{class}团支部"));
        }
    }
    for b in all.iter().filter(|o| o.kind == OrgKind::PartyBranch.code()) {
        let committee = redbranch_db::org::positions(&db.conn, t, b.org_id(), false)
            .await
            .unwrap();
        assert_eq!(committee.len(), 3, "{}", b.name);
    }
    assert_eq!(count(&db, "audit_log").await, 1);
}

#[tokio::test]
async fn every_role_has_a_login_whose_grants_sit_on_the_right_orgs() {
    let (db, logins, t) = seeded().await;
    for l in &logins {
        eprintln!(
            "{:<16} {:<10} {} {}",
            l.role.code(),
            l.login,
            l.password,
            l.scope
        );
    }
    let roles: BTreeSet<Role> = logins.iter().map(|l| l.role).collect();
    assert_eq!(roles.len(), Role::ALL.len());
    let plan = Plan::build().unwrap();
    let member_codes: BTreeSet<String> = {
        let m = plan.logins.iter().find(|l| l.role == Role::Member).unwrap();
        m.orgs.iter().map(|o| plan.orgs[*o].code.clone()).collect()
    };
    for l in &logins {
        assert_eq!(l.password, DEMO_PASSWORD);
        let user = redbranch_db::auth::user_by_login(&db.conn, t, &l.login)
            .await
            .unwrap()
            .unwrap();
        assert!(!user.must_change_password);
        assert!(redbranch_web::auth::password::verify(
            DEMO_PASSWORD,
            &user.password_hash
        ));
        let grants = redbranch_db::auth::grant_views(&db.conn, UserId(user.id))
            .await
            .unwrap();
        assert!(grants.iter().all(|g| g.role == l.role));
        let mut codes = BTreeSet::new();
        for g in &grants {
            codes.insert(
                redbranch_db::org::get(&db.conn, t, redbranch_domain::org::OrgId(g.org_id))
                    .await
                    .unwrap()
                    .code,
            );
        }
        let expected: BTreeSet<String> = match l.role {
            Role::SystemAdmin | Role::SchoolAdmin => ["P", "L"].map(String::from).into(),
            Role::CollegeAdmin => ["P-01", "L-01"].map(String::from).into(),
            Role::Organiser => ["P-01"].map(String::from).into(),
            Role::BranchSecretary | Role::BranchCommittee => ["P-01-1"].map(String::from).into(),
            Role::Member => member_codes.clone(),
        };
        assert_eq!(codes, expected, "{:?}", l.role);
        assert_eq!(user.person_id.is_some(), l.role != Role::SystemAdmin);
        if let Some(pid) = user.person_id {
            let person =
                redbranch_db::people::get(&db.conn, t, redbranch_db::people::PersonId(pid))
                    .await
                    .unwrap();
            assert_eq!(person.student_no, l.login);
        }
    }
    let branch = redbranch_db::org::by_code(&db.conn, t, "P-01-1")
        .await
        .unwrap()
        .unwrap();
    let committee = redbranch_db::org::positions(&db.conn, t, branch.org_id(), false)
        .await
        .unwrap();
    let holder = |title: PositionTitle| {
        committee
            .iter()
            .find(|p| p.title == title.code())
            .unwrap()
            .person_id
    };
    for (role, title) in [
        (Role::BranchSecretary, PositionTitle::Secretary),
        (Role::BranchCommittee, PositionTitle::OrganisationMember),
    ] {
        let login = &logins.iter().find(|l| l.role == role).unwrap().login;
        let user = redbranch_db::auth::user_by_login(&db.conn, t, login)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.person_id, Some(holder(title)), "{role:?}");
    }
    assert!(member_codes.contains("P-01-1") && member_codes.iter().any(|c| c.starts_with("L-01")));
}

#[tokio::test]
async fn a_second_run_writes_nothing_and_returns_the_same_logins() {
    let (db, first, _) = seeded().await;
    let mut before = Vec::new();
    for t in TABLES {
        before.push(count(&db, t).await);
    }
    // SQLite counts every row inserted, updated or deleted on a connection; there is only one.
    let changes_before = total_changes(&db).await;
    let second = ensure_demo_school(&db, &crypto(), &NoProgress)
        .await
        .unwrap();
    assert_eq!(total_changes(&db).await, changes_before);
    let mut after = Vec::new();
    for t in TABLES {
        after.push(count(&db, t).await);
    }
    assert_eq!(first, second);
    assert_eq!(before, after);
}

/// Serves the seeded database and signs `login` in through the real form.
async fn signed_in(db: &redbranch_db::Db, login: &str) -> (String, reqwest::Client) {
    let mut ws = redbranch_web::WebSettings::default();
    ws.security.admin_totp_required = false;
    let state = redbranch_web::AppState::new(db.clone(), crypto(), ws);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = redbranch_web::router(state);
    tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let _ = axum::serve(listener, service).await;
    });
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = c
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = page
        .split("name=\"csrf-token\" content=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let res = c
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("login", login),
            ("password", DEMO_PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{login} signs in");
    (base, c)
}

async fn page(c: &reqwest::Client, url: &str) -> String {
    let res = c.get(url).send().await.unwrap();
    assert_eq!(res.status(), 200, "{url}");
    res.text().await.unwrap()
}

#[tokio::test]
async fn the_demo_logins_find_quizzes_lessons_meetings_the_mall_and_points() {
    let (db, logins, t) = seeded().await;
    let login = |role: Role| {
        logins
            .iter()
            .find(|l| l.role == role)
            .unwrap()
            .login
            .clone()
    };
    for (table, at_least) in [
        ("questions", 30),
        ("exams", 1),
        ("courses", 2),
        ("weekly_lessons", 2),
        ("lesson_completions", 500),
        ("mall_items", 4),
        ("meetings", 100),
        ("notices", 1),
        ("tasks", 1),
    ] {
        let n = count(&db, table).await;
        assert!(n >= at_least, "{table}: {n}");
    }
    let (people, wrong) = redbranch_db::points::verify(&db.conn, t).await.unwrap();
    assert!(people > 500, "{people} people have points");
    assert_eq!(wrong, 0, "the ledger and its totals agree");
    let wrong_ranks = redbranch_db::points::verify_ranks(&db.conn, t)
        .await
        .unwrap();
    assert_eq!(wrong_ranks, 0, "the rank histogram agrees with the totals");

    let (base, member) = signed_in(&db, &login(Role::Member)).await;
    let quiz = page(&member, &format!("{base}/quiz")).await;
    assert!(quiz.contains("党的基本知识题库"), "{quiz}");
    let exams = page(&member, &format!("{base}/exams")).await;
    assert!(exams.contains("入党积极分子培训结业测试"), "{exams}");
    let lessons = page(&member, &format!("{base}/lessons")).await;
    assert!(lessons.contains("期"), "{lessons}");
    // This week's lesson plays its video, and a phone can seek in it.
    let this_week = count(&db, "weekly_lessons").await;
    let lesson = page(&member, &format!("{base}/lessons/{this_week}")).await;
    let src = lesson
        .split("<video")
        .nth(1)
        .and_then(|v| v.split("src=\"").nth(1))
        .and_then(|v| v.split('"').next())
        .unwrap_or_else(|| panic!("no video on the lesson page: {lesson}"));
    let part = member
        .get(format!("{base}{src}"))
        .header("Range", "bytes=4-11")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-type"], "video/mp4");
    assert_eq!(&part.bytes().await.unwrap()[..], b"ftypisom");
    let meetings = page(&member, &format!("{base}/meetings")).await;
    assert!(meetings.contains("主题党日"), "{meetings}");
    let mall = page(&member, &format!("{base}/mall")).await;
    assert!(
        mall.contains("党史学习笔记本") && mall.contains("团徽"),
        "{mall}"
    );
    let points = page(&member, &format!("{base}/points")).await;
    assert!(points.contains("学雷锋"), "the adjustment and its reason");
    let home = page(&member, &format!("{base}/")).await;
    assert!(home.contains("三会一课"), "the pinned notice");
    let learn = page(&reqwest::Client::new(), &format!("{base}/learn")).await;
    assert!(
        learn.contains("学习贯彻党的二十大精神"),
        "the public course"
    );

    let (base, secretary) = signed_in(&db, &login(Role::BranchSecretary)).await;
    let compliance = page(&secretary, &format!("{base}/meetings/compliance")).await;
    assert!(
        compliance.contains("100%"),
        "the member's branch held everything"
    );
    let (base, school) = signed_in(&db, &login(Role::SchoolAdmin)).await;
    let compliance = page(&school, &format!("{base}/meetings/compliance")).await;
    assert!(
        compliance.contains("未开") && compliance.contains("沉默支部"),
        "other branches missed meetings or held none"
    );
    let lesson = count(&db, "weekly_lessons").await;
    let part = page(&school, &format!("{base}/lessons/{lesson}/participation")).await;
    assert!(part.contains("%"), "{part}");
}
