//! Points through HTTP: awards capped per activity and per day exactly at the boundary, replayed
//! awards that never pay twice (also when retried concurrently), the reason for every entry on
//! the member's page, rule table versions by effective date, adjustments audited, org
//! leaderboards always and individual ones only where the school opts in, and every permission
//! boundary refused.

use redbranch_testkit::{Session, TestApp, both_backends};
use serde_json::{Value, json};

async fn award(app: &TestApp, s: &Session, person: i64, activity: &str, key: &str) -> (u16, Value) {
    app.post_json(
        s,
        "/api/v1/points/awards",
        json!({"person_id": person, "activity": activity, "idempotency_key": key}),
    )
    .await
}

both_backends!(
    an_activity_pays_up_to_its_cap_exactly_and_nothing_one_over,
    |app: TestApp| async move {
        let sys = app.session("sys").await;
        let a001 = app.world.person("A001");
        for i in 1..=12 {
            let (status, a) = award(&app, &sys, a001, "article", &format!("art-{i}")).await;
            assert_eq!(status, 201, "{a}");
            assert_eq!(a["points"], 1, "article {i} is within the cap of 12");
        }
        let (status, a) = award(&app, &sys, a001, "article", "art-13").await;
        assert_eq!(status, 201);
        assert_eq!(a["points"], 0, "the 13th article is one over the cap");
        assert_eq!(a["reason"], "activity_cap");
        // The member sees the capped entry and why.
        let stua = app.session("stua").await;
        let mine = app.get_json(&stua, "/api/v1/points/me").await.1;
        assert_eq!(mine["earned"], 12);
        assert_eq!(mine["history"][0]["points"], 0);
        assert!(
            mine["history"][0]["reason_text"]
                .as_str()
                .unwrap()
                .contains("上限"),
            "{}",
            mine["history"][0]
        );
        let page = app.text(&stua.0, "/points").await;
        assert!(page.contains("本项今日已达上限"), "the page names the cap");
        // The next day the cap starts again.
        app.clock.set_today(app.clock.today().succ_opt().unwrap());
        let (_, a) = award(&app, &sys, a001, "article", "art-next-day").await;
        assert_eq!(a["points"], 1);
    }
);

both_backends!(
    the_daily_maximum_of_56_cuts_the_event_that_crosses_it,
    |app: TestApp| async move {
        let sys = app.session("sys").await;
        let p = app.world.person("A002");
        let mut got = 0;
        // 1 + 12 + 12 + 5 + 10 + 10 = 50 under the 2023 table.
        let plan: Vec<(&str, usize)> = vec![
            ("login", 1),
            ("article", 12),
            ("video", 12),
            ("daily_quiz", 1),
            ("topic_quiz", 1),
            ("challenge_quiz", 2),
        ];
        for (activity, n) in plan {
            for i in 0..n {
                let (_, a) = award(&app, &sys, p, activity, &format!("{activity}-{i}")).await;
                got += a["points"].as_i64().unwrap();
            }
        }
        assert_eq!(got, 50);
        let (_, a) = award(&app, &sys, p, "match_win", "m1").await;
        assert_eq!(a["points"], 6, "cut to the 6 left under 56");
        assert_eq!(a["reason"], "daily_max");
        let (_, a) = award(&app, &sys, p, "exam", "e1").await;
        assert_eq!(
            a["points"], 0,
            "exactly at the maximum nothing more is paid"
        );
        let (_, a) = award(&app, &sys, p, "match_loss", "m2").await;
        assert_eq!(
            a["reason"], "not_first",
            "only the day's first match counts"
        );
    }
);

both_backends!(
    a_replayed_award_never_pays_twice_even_when_retried_concurrently,
    |app: TestApp| async move {
        let sys = app.session("sys").await;
        let p = app.world.person("A001");
        let (s1, a1) = award(&app, &sys, p, "topic_quiz", "quiz-42").await;
        let (s2, a2) = award(&app, &sys, p, "topic_quiz", "quiz-42").await;
        assert_eq!((s1, s2), (201, 200));
        assert_eq!(a2["replayed"], true);
        assert_eq!(a1["ledger_id"], a2["ledger_id"]);
        // Ten retries at once of a new key: exactly one pays.
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let c = sys.clone();
            let url = app.url("/api/v1/points/awards");
            tasks.push(tokio::spawn(async move {
                c.0.post(url)
                    .header("x-csrf-token", &c.1)
                    .json(
                        &json!({"person_id": p, "activity": "video", "idempotency_key": "video-7"}),
                    )
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
        let mut created = 0;
        for t in tasks {
            let s = t.await.unwrap();
            assert!(s == 201 || s == 200, "status {s}");
            created += usize::from(s == 201);
        }
        assert_eq!(created, 1);
        let stua = app.session("stua").await;
        let mine = app.get_json(&stua, "/api/v1/points/me").await.1;
        assert_eq!(
            mine["earned"], 11,
            "10 for the quiz and 1 for the video, once each"
        );
        // The same key for another activity is refused.
        let (s, e) = award(&app, &sys, p, "article", "quiz-42").await;
        assert_eq!(s, 409);
        assert_eq!(e["error"]["code"], "idempotency_key_reused");
    }
);

both_backends!(
    awards_and_adjustments_outside_the_callers_orgs_are_refused,
    |app: TestApp| async move {
        let b001 = app.world.person("B001");
        let college_a = app.session("collegea").await;
        let (s, _) = award(&app, &college_a, b001, "article", "x1").await;
        assert_eq!(
            s, 403,
            "college A's administrator awards nobody in college B"
        );
        let (s, _) = app
            .post_json(
                &college_a,
                "/api/v1/points/adjustments",
                json!({"person_id": b001, "points": 5, "reason": "好"}),
            )
            .await;
        assert_eq!(s, 403);
        let stua = app.session("stua").await;
        let (s, _) = award(&app, &stua, app.world.person("A001"), "article", "self").await;
        assert_eq!(s, 403, "a member does not award themselves");
        let (s, _) = app
            .post_json(
                &college_a,
                "/api/v1/points/rules",
                json!(redbranch_domain::points::xxqg_2023()),
            )
            .await;
        assert_eq!(s, 403, "rule tables are the school's");
        // An unknown activity names the field.
        let sys = app.session("sys").await;
        let (s, e) = award(&app, &sys, b001, "sleeping", "z1").await;
        assert_eq!(s, 422, "{e}");
    }
);

both_backends!(
    an_adjustment_is_audited_and_never_takes_the_balance_below_zero,
    |app: TestApp| async move {
        let sys = app.session("sys").await;
        let p = app.world.person("A001");
        let (s, v) = app
            .post_json(
                &sys,
                "/api/v1/points/adjustments",
                json!({"person_id": p, "points": 30, "reason": "志愿服务补录"}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["balance"], 30);
        let (s, v) = app
            .post_json(
                &sys,
                "/api/v1/points/adjustments",
                json!({"person_id": p, "points": -31, "reason": "扣减"}),
            )
            .await;
        assert_eq!(s, 409, "{v}");
        assert_eq!(v["error"]["code"], "insufficient_points");
        let (s, _) = app
            .post_json(
                &sys,
                "/api/v1/points/adjustments",
                json!({"person_id": p, "points": 0, "reason": "无"}),
            )
            .await;
        assert_eq!(s, 422);
        let n = app
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = \'points_adjust\'")
            .await;
        assert_eq!(n, 1, "one adjustment went through, one audit entry");
    }
);

both_backends!(
    a_rule_table_version_applies_from_its_effective_day,
    |app: TestApp| async move {
        let sys = app.session("sys").await;
        let today = app.clock.today();
        let mut t = redbranch_domain::points::xxqg_2023();
        t.version = "school-2026".into();
        t.effective_from = today.succ_opt().unwrap();
        t.rules.iter_mut().for_each(|r| {
            if r.code == "article" {
                r.points = 2;
                r.daily_cap = 20;
            }
        });
        let (s, v) = app.post_json(&sys, "/api/v1/points/rules", json!(t)).await;
        assert_eq!(s, 201, "{v}");
        let p = app.world.person("B002");
        let (_, a) = award(&app, &sys, p, "article", "r1").await;
        assert_eq!(
            (a["points"].as_i64(), a["rule_version"].as_str()),
            (Some(1), Some("xxqg-2023")),
            "the day before"
        );
        app.clock.set_today(today.succ_opt().unwrap());
        let (_, a) = award(&app, &sys, p, "article", "r2").await;
        assert_eq!(
            (a["points"].as_i64(), a["rule_version"].as_str()),
            (Some(2), Some("school-2026")),
            "the day itself"
        );
        t.rules[0].points = -1;
        t.version = "broken".into();
        let (s, _) = app.post_json(&sys, "/api/v1/points/rules", json!(t)).await;
        assert_eq!(s, 422);
    }
);

both_backends!(
    org_leaderboards_are_shown_and_people_only_where_the_school_opts_in,
    |app: TestApp| async move {
        let sys = app.session("sys").await;
        award(&app, &sys, app.world.person("A001"), "topic_quiz", "k1").await;
        award(&app, &sys, app.world.person("B001"), "login", "k2").await;
        let root = app.world.org("P").id;
        let b = app
            .get_json(
                &sys,
                &format!("/api/v1/points/boards?org={root}&period=week"),
            )
            .await
            .1;
        let orgs = b["orgs"].as_array().unwrap();
        assert_eq!(orgs.len(), 2, "{b}");
        assert_eq!(
            orgs[0]["name"], "甲学院党委",
            "college A leads by average: {b}"
        );
        assert_eq!(orgs[0]["points"], 10);
        assert_eq!(orgs[0]["participation_text"], "33.3%");
        assert_eq!(b["individual_ranking"], false);
        assert!(
            b["people"].as_array().unwrap().is_empty(),
            "no individual ranking by default"
        );
        app.sql("UPDATE tenants SET settings = '{\"points\":{\"individual_ranking\":true}}'")
            .await;
        let b = app
            .get_json(
                &sys,
                &format!("/api/v1/points/boards?org={root}&period=all"),
            )
            .await
            .1;
        assert_eq!(b["people"][0]["name"], "张伟", "{b}");
        let stua = app.session("stua").await;
        let mine = app.get_json(&stua, "/api/v1/points/me").await.1;
        assert_eq!(mine["rank"], json!([1, 2]));
        // A member sees the board of their own branch only.
        let other = app.world.org("LB1").id;
        let s = stua
            .0
            .get(app.url(&format!("/api/v1/points/boards?org={other}")))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(s, 403);
    }
);

/// The names on the all-time individual board of `org`.
async fn people_on_board(app: &TestApp, s: &Session, org: &str) -> Vec<String> {
    let id = app.world.org(org).id;
    let b = app
        .get_json(s, &format!("/api/v1/points/boards?org={id}&period=all"))
        .await
        .1;
    b["people"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter_map(|r| r["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

both_backends!(
    someone_who_moves_or_whose_branch_moves_is_on_the_new_board_before_earning_again,
    |app: TestApp| async move {
        let sys = app.session("sys").await;
        app.sql("UPDATE tenants SET settings = '{\"points\":{\"individual_ranking\":true}}'")
            .await;
        award(&app, &sys, app.world.person("A001"), "topic_quiz", "m1").await;
        assert_eq!(people_on_board(&app, &sys, "PA").await, ["张伟"]);
        assert!(people_on_board(&app, &sys, "PB").await.is_empty());
        // Their branch moves to college B, with everything in it.
        redbranch_db::org::move_to(
            &app.db.conn,
            app.world.tenant,
            redbranch_domain::org::OrgId(app.world.org("PA1").id),
            redbranch_domain::org::OrgId(app.world.org("PB").id),
            None,
        )
        .await
        .unwrap();
        assert_eq!(people_on_board(&app, &sys, "PB").await, ["张伟"]);
        assert!(people_on_board(&app, &sys, "PA").await.is_empty());
        // They themselves move to another branch, by any kind of write.
        app.sql(&format!(
            "UPDATE people SET party_org_id = {} WHERE id = {}",
            app.world.org("PB1").id,
            app.world.person("A001")
        ))
        .await;
        assert_eq!(people_on_board(&app, &sys, "PB1").await, ["张伟"]);
        assert!(people_on_board(&app, &sys, "PA1").await.is_empty());
    }
);

both_backends!(
    the_weeks_top_learner_of_a_branch_is_last_weeks_top_earner,
    |app: TestApp| async move {
        let sys = app.session("sys").await;
        let monday = redbranch_domain::points::Period::Week
            .range(app.clock.today())
            .unwrap()
            .0;
        app.clock.set_today(monday - chrono::Duration::days(3));
        award(&app, &sys, app.world.person("A002"), "topic_quiz", "s1").await;
        award(&app, &sys, app.world.person("A001"), "login", "s2").await;
        app.clock.set_today(monday);
        let branch = app.world.org("LA1").id;
        let b = app
            .get_json(&sys, &format!("/api/v1/points/boards?org={branch}"))
            .await
            .1;
        assert_eq!(b["star"]["name"], "王芳", "{b}");
    }
);

/// The rank histogram against a recount of `points_totals`, and the ledger against the totals.
#[expect(
    clippy::unwrap_used,
    reason = "a test helper outside #[test] functions: a check that fails is a failed test"
)]
async fn assert_aggregates_match(app: &TestApp, when: &str) {
    let t = app.world.tenant;
    let wrong_ranks = redbranch_db::points::verify_ranks(&app.db.conn, t)
        .await
        .unwrap();
    assert_eq!(
        wrong_ranks, 0,
        "rank histogram differs from a recount {when}"
    );
    let (_, wrong) = redbranch_db::points::verify(&app.db.conn, t).await.unwrap();
    assert_eq!(wrong, 0, "totals differ from the ledger {when}");
}

both_backends!(
    the_rank_histogram_always_equals_a_recount_also_under_concurrent_awards,
    |app: TestApp| async move {
        let sys = app.session("sys").await;
        let people: Vec<i64> = ["A001", "A002", "A003", "B001", "B002", "B003"]
            .iter()
            .map(|no| app.world.person(no))
            .collect();
        // A first award that pays nothing still counts the person (at 0).
        app.sql("UPDATE tenants SET settings = '{\"points\":{\"individual_ranking\":true}}'")
            .await;
        award(&app, &sys, people[0], "topic_quiz", "h-1").await;
        award(&app, &sys, people[1], "login", "h-2").await;
        award(&app, &sys, people[1], "login", "h-3").await;
        assert_aggregates_match(&app, "after sequential awards and a capped one").await;
        // Adjustments move people up and down; a refused one moves nobody.
        for (p, delta) in [
            (people[1], 9),
            (people[0], -5),
            (people[2], 3),
            (people[0], -99),
        ] {
            app.post_json(
                &sys,
                "/api/v1/points/adjustments",
                json!({"person_id": p, "points": delta, "reason": "校正"}),
            )
            .await;
        }
        assert_aggregates_match(&app, "after adjustments").await;
        // Everyone at once, several awards each, and one key retried by all: people move
        // between the same values in every order, and nothing is lost, doubled or deadlocked.
        let mut tasks = Vec::new();
        for (i, p) in people.iter().copied().enumerate() {
            for k in 0..4 {
                let c = sys.clone();
                let url = app.url("/api/v1/points/awards");
                let key = if k == 3 {
                    "same-key".to_string()
                } else {
                    format!("c-{i}-{k}")
                };
                tasks.push(tokio::spawn(async move {
                    c.0.post(url)
                        .header("x-csrf-token", &c.1)
                        .json(
                            &json!({"person_id": p, "activity": "article", "idempotency_key": key}),
                        )
                        .send()
                        .await
                        .unwrap()
                        .status()
                        .as_u16()
                }));
            }
        }
        for t in tasks {
            let s = t.await.unwrap();
            assert!([200, 201, 409].contains(&s), "status {s}");
        }
        assert_aggregates_match(&app, "after concurrent awards").await;
        // The rank reads the histogram: 张伟 (A001) has 10 - 5 + 3 articles, 王芳 (A002)
        // 2 + 9 + 3 or 4; ties share a rank and everyone with a totals row is counted.
        let stua = app.session("stua").await;
        let mine = app.get_json(&stua, "/api/v1/points/me").await.1;
        let earned = |p: i64| {
            let app = &app;
            async move {
                app.scalar(&format!(
                    "SELECT earned FROM points_totals WHERE person_id = {p}"
                ))
                .await
            }
        };
        let a001 = earned(people[0]).await;
        let mut ahead = 0;
        for p in &people[1..] {
            if earned(*p).await > a001 {
                ahead += 1;
            }
        }
        let everyone = app.scalar("SELECT COUNT(*) FROM points_totals").await;
        assert_eq!(mine["rank"], json!([ahead + 1, everyone]), "{mine}");
    }
);

/// Posts the adjustment form for `person` as `c` would after opening the page; the status.
async fn adjust_form(
    app: &TestApp,
    c: &reqwest::Client,
    person: i64,
    (points, reason, key): (&str, &str, &str),
) -> u16 {
    let token = app.csrf(c, "/points").await;
    let person = person.to_string();
    app.post_status(
        c,
        "/points/adjust",
        &[
            ("_csrf", token.as_str()),
            ("person_id", person.as_str()),
            ("points", points),
            ("reason", reason),
            ("idempotency_key", key),
        ],
    )
    .await
    .as_u16()
}

both_backends!(
    an_administrator_adjusts_points_on_the_page_and_the_member_sees_why,
    |app: TestApp| async move {
        let a001 = app.world.person("A001");
        let admin = app.as_user("collegea").await;
        // The adjustments are offered in the sidebar and on an administrator's own points page,
        // never to a member.
        assert!(
            app.text(&admin, "/")
                .await
                .contains("href=\"/points/adjust\"")
        );
        let a003 = Some(app.world.person("A003"));
        app.add_user(
            "adm3",
            a003,
            redbranch_domain::authz::Role::CollegeAdmin,
            &["PA", "LA"],
        )
        .await;
        let adm3 = app.as_user("adm3").await;
        assert!(
            app.text(&adm3, "/points")
                .await
                .contains("href=\"/points/adjust\"")
        );
        // Find the person by name within the college, then open them.
        let found = app.text(&admin, "/points/adjust?q=张伟").await;
        assert!(
            found.contains(&format!("/points/adjust?person={a001}")),
            "the search lists 张伟: {found}"
        );
        let form = app
            .text(&admin, &format!("/points/adjust?person={a001}"))
            .await;
        assert!(form.contains("调整 张伟"), "{form}");
        let s = adjust_form(&app, &admin, a001, ("+20", "参加志愿服务补录", "k1")).await;
        assert_eq!(s, 303, "the adjustment is recorded and the page redirects");
        // A double click sends the same form again: recorded once.
        let s = adjust_form(&app, &admin, a001, ("+20", "参加志愿服务补录", "k1")).await;
        assert_eq!(s, 303);
        let s = adjust_form(&app, &admin, a001, ("－5", "迟到扣分", "k2")).await;
        assert_eq!(s, 303, "full-width minus and digits are read");
        let n = app
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'points_adjust'")
            .await;
        assert_eq!(n, 2, "two adjustments, each audited");
        // The member sees both, each with its reason.
        let stua = app.as_user("stua").await;
        let mine = app.text(&stua, "/points").await;
        assert!(mine.contains("+20"), "{mine}");
        assert!(
            !mine.contains("/points/adjust"),
            "a member is not offered adjustments"
        );
        assert!(mine.contains("参加志愿服务补录") && mine.contains("迟到扣分"));
        assert!(
            mine.contains("积分调整"),
            "the entry is named an adjustment"
        );
        let me = app
            .get_json(&(stua, String::new()), "/api/v1/points/me")
            .await
            .1;
        assert_eq!(me["balance"], 15, "{me}");
        // Refusals keep what was typed and write nothing.
        let token = app.csrf(&admin, "/points").await;
        let person = a001.to_string();
        let res = admin
            .post(app.url("/points/adjust"))
            .form(&[
                ("_csrf", token.as_str()),
                ("person_id", person.as_str()),
                ("points", "-16"),
                ("reason", "扣分过多"),
                ("idempotency_key", "k3"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        assert!(
            page.contains("低于 0") && page.contains("扣分过多"),
            "{page}"
        );
        let s = adjust_form(&app, &admin, a001, ("10", "   ", "k4")).await;
        assert_eq!(s, 422, "a reason is required");
        let s = adjust_form(&app, &admin, a001, ("十", "原因", "k5")).await;
        assert_eq!(s, 422, "the amount must be a number");
        let n = app
            .scalar("SELECT COUNT(*) FROM points_ledger WHERE kind = 'adjust'")
            .await;
        assert_eq!(n, 2, "nothing written by the refusals");
    }
);

both_backends!(
    the_adjustment_page_refuses_other_colleges_and_students,
    |app: TestApp| async move {
        let b001 = app.world.person("B001");
        let admin = app.as_user("collegea").await;
        let found = app.text(&admin, "/points/adjust?q=刘洋").await;
        assert!(
            !found.contains(&format!("person={b001}")),
            "college A's search does not find college B's people"
        );
        assert_eq!(
            app.status(&admin, &format!("/points/adjust?person={b001}"))
                .await,
            403
        );
        let s = adjust_form(&app, &admin, b001, ("+5", "越权加分", "x1")).await;
        assert_eq!(
            s, 403,
            "college A's administrator adjusts nobody in college B"
        );
        let stua = app.as_user("stua").await;
        assert_eq!(app.status(&stua, "/points/adjust").await, 403);
        let s = adjust_form(
            &app,
            &stua,
            app.world.person("A001"),
            ("+5", "自己加分", "x2"),
        )
        .await;
        assert_eq!(s, 403, "a student adjusts nobody, themselves included");
        let n = app
            .scalar("SELECT COUNT(*) FROM points_ledger WHERE kind = 'adjust'")
            .await;
        assert_eq!(n, 0);
        // The school's administrator reaches both colleges.
        let school = app.as_user("school").await;
        let s = adjust_form(&app, &school, b001, ("+5", "校级表彰", "x3")).await;
        assert_eq!(s, 303);
    }
);

/// On PostgreSQL the points rows name their person together with the school (migration m0023):
/// a row naming a person of another school is refused by the database itself, whoever writes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_points_row_cannot_name_a_person_of_another_school() {
    use sea_orm::ConnectionTrait;
    let Some(app) = TestApp::start(redbranch_testkit::Backend::Postgres).await else {
        return;
    };
    let c = &app.db.conn;
    let other = redbranch_db::tenants::create(c, "other", "另一所大学")
        .await
        .unwrap()
        .id;
    let ours = app.world.tenant.0;
    let a001 = app.world.person("A001");
    let row = |tenant: i64, key: &str| {
        format!(
            "INSERT INTO points_ledger (tenant_id, person_id, kind, activity, requested, points, reason, day, at, idem_key) \
             VALUES ({tenant}, {a001}, 'award', 'article', 1, 1, 'paid', DATE '2026-12-07', TIMESTAMPTZ '2026-12-07 08:00:00+00', '{key}')"
        )
    };
    let refused = c.execute_unprepared(&row(other, "cross")).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.to_string().contains("points_ledger_person_id_fkey")),
        "{refused:?}"
    );
    c.execute_unprepared(&row(ours, "own")).await.unwrap();
    let daily = |tenant: i64| {
        format!(
            "INSERT INTO points_daily (tenant_id, person_id, day, activity, points, events) \
             VALUES ({tenant}, {a001}, DATE '2026-12-07', 'article', 1, 1)"
        )
    };
    assert!(c.execute_unprepared(&daily(other)).await.is_err());
    c.execute_unprepared(&daily(ours)).await.unwrap();
}
