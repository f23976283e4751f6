//! 民主评议 through HTTP: self-assessment, the anonymous mutual assessment, the committee's
//! grades under the cap on 优秀 (⅓ for the Party, 30 % for the League) and the League's
//! attendance rule (> ⅔), publication to the branch, and refusals across scopes.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use redbranch_testkit::{Session, TestApp, both_backends, field_messages};
use serde_json::{Value, json};

async fn start(app: &TestApp, s: &Session, org: &str) -> i64 {
    let year = chrono::Datelike::year(&app.clock.today()).to_string();
    let (status, v) = app
        .post_json(
            s,
            "/api/v1/appraisals",
            json!({"org_id": app.world.org(org).id.to_string(), "year": year}),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

/// Grades by 学号 → the API's map by person id.
fn grades(app: &TestApp, by_no: &[(&str, &str)]) -> Value {
    let m: serde_json::Map<String, Value> = by_no
        .iter()
        .map(|(no, g)| (app.world.person(no).to_string(), json!(g)))
        .collect();
    json!({ "grades": m })
}

both_backends!(
    a_party_appraisal_caps_excellent_at_exactly_a_third_and_keeps_raters_anonymous,
    |app: TestApp| async move {
        // Arrange: PA1 has three 正式党员 (A001 stua, A002 coma, A003 seca).
        app.sql("UPDATE people SET political_status = 'party_member'")
            .await;
        let sec = app.session("seca").await;
        let id = start(&app, &sec, "PA1").await;
        let base = format!("/api/v1/appraisals/{id}");
        let (_, v) = app.get_json(&sec, &base).await;
        assert_eq!(
            (v["member_count"].as_u64(), v["max_excellent"].as_u64()),
            (Some(3), Some(1))
        );

        // Self-assessment, then the phase moves on (members cannot move it).
        let stua = app.session("stua").await;
        let coma = app.session("coma").await;
        let (s, _) = app
            .post_json(
                &stua,
                &format!("{base}/self"),
                json!({"text": "按时参加组织生活", "grade": "qualified"}),
            )
            .await;
        assert_eq!(s, 200);
        let (s, _) = app
            .post_json(&stua, &format!("{base}/advance"), json!({}))
            .await;
        assert_eq!(s, 403);
        let (s, _) = app
            .post_json(&sec, &format!("{base}/advance"), json!({}))
            .await;
        assert_eq!(s, 200);
        let (s, v) = app
            .post_json(
                &stua,
                &format!("{base}/self"),
                json!({"text": "改一改", "grade": "excellent"}),
            )
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (409, Some("appraisal_wrong_phase"))
        );

        // Mutual assessment: every other member graded, once each.
        let (s, v) = app
            .post_json(
                &stua,
                &format!("{base}/mutual"),
                grades(&app, &[("A002", "excellent")]),
            )
            .await;
        assert_eq!(s, 422);
        assert!(field_messages(&v).contains("李娜"), "{v}");
        for (who, g) in [
            (&stua, [("A002", "excellent"), ("A003", "qualified")]),
            (&coma, [("A001", "qualified"), ("A003", "excellent")]),
            (&sec, [("A001", "qualified"), ("A002", "excellent")]),
        ] {
            let (s, v) = app
                .post_json(who, &format!("{base}/mutual"), grades(&app, &g))
                .await;
            assert_eq!(s, 200, "{v}");
        }
        let (s, v) = app
            .post_json(
                &stua,
                &format!("{base}/mutual"),
                grades(&app, &[("A002", "qualified"), ("A003", "qualified")]),
            )
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (409, Some("appraisal_already_rated"))
        );
        app.post_json(&sec, &format!("{base}/advance"), json!({}))
            .await;

        // The committee sees tallies per member, never who gave them.
        let (_, v) = app.get_json(&sec, &base).await;
        let a002 = v["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["person_id"] == app.world.person("A002"))
            .unwrap();
        assert_eq!(a002["tally"], json!([2, 0, 0, 0]));
        let (_, mine) = app.get_json(&stua, &base).await;
        assert!(mine["members"][1]["tally"].is_null() && mine["members"][1]["self_text"].is_null());

        // Two 优秀 of three is over ⅓: refused naming the rule, and nothing is written.
        let (s, v) = app
            .post_json(
                &sec,
                &format!("{base}/decide"),
                grades(
                    &app,
                    &[
                        ("A001", "excellent"),
                        ("A002", "excellent"),
                        ("A003", "qualified"),
                    ],
                ),
            )
            .await;
        assert_eq!(s, 422);
        assert!(field_messages(&v).contains("三分之一"), "{v}");
        let (_, v) = app.get_json(&sec, &base).await;
        assert!(
            v["members"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["final_grade"].is_null())
        );
        // A member cannot decide; exactly ⅓ is allowed.
        let (s, _) = app
            .post_json(
                &coma,
                &format!("{base}/decide"),
                grades(
                    &app,
                    &[
                        ("A001", "qualified"),
                        ("A002", "excellent"),
                        ("A003", "qualified"),
                    ],
                ),
            )
            .await;
        assert_eq!(s, 403);
        let (s, v) = app
            .post_json(
                &sec,
                &format!("{base}/decide"),
                grades(
                    &app,
                    &[
                        ("A001", "qualified"),
                        ("A002", "excellent"),
                        ("A003", "basically_qualified"),
                    ],
                ),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        let (s, _) = app
            .post_json(&sec, &format!("{base}/publish"), json!({}))
            .await;
        assert_eq!(s, 200);

        // Published: the branch sees the grades.
        let (_, v) = app.get_json(&stua, &base).await;
        assert_eq!(v["phase"], "published");
        let g: Vec<&str> = v["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["final_grade"].as_str().unwrap())
            .collect();
        assert_eq!(g, ["qualified", "excellent", "basically_qualified"]);
        let html = app.text(&stua.0, &format!("/appraisals/{id}")).await;
        assert!(html.contains("基本合格") && html.contains("评议结果"));

        // The audit says who handed in a mutual assessment, never what it said.
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let rows = redbranch_db::audit::entity::Entity::find()
            .filter(redbranch_db::audit::entity::Column::Action.eq("appraisal_mutual"))
            .all(&app.db.conn)
            .await
            .unwrap();
        assert_eq!(rows.len(), 3);
        assert!(
            rows.iter()
                .all(|r| r.after_value.as_deref() == Some(r#"{"submitted":true}"#))
        );
    }
);

both_backends!(
    a_league_appraisal_needs_more_than_two_thirds_and_caps_excellent_at_thirty_percent,
    |app: TestApp| async move {
        let sec = app.session("seca").await;
        let id = start(&app, &sec, "LA1").await;
        let base = format!("/api/v1/appraisals/{id}");
        let (_, v) = app.get_json(&sec, &base).await;
        // 30 % of 3 is 0.9: nobody may be 优秀; 3 must take part (2 is exactly ⅔, not more).
        assert_eq!(
            (v["max_excellent"].as_u64(), v["attendance_needed"].as_u64()),
            (Some(0), Some(3))
        );
        app.post_json(&sec, &format!("{base}/advance"), json!({}))
            .await;
        let stua = app.session("stua").await;
        app.post_json(
            &stua,
            &format!("{base}/mutual"),
            grades(&app, &[("A002", "qualified"), ("A003", "qualified")]),
        )
        .await;
        app.post_json(
            &sec,
            &format!("{base}/mutual"),
            grades(&app, &[("A001", "qualified"), ("A002", "qualified")]),
        )
        .await;
        app.post_json(&sec, &format!("{base}/advance"), json!({}))
            .await;
        let all_qualified = grades(
            &app,
            &[
                ("A001", "qualified"),
                ("A002", "qualified"),
                ("A003", "qualified"),
            ],
        );
        let (s, v) = app
            .post_json(&sec, &format!("{base}/decide"), all_qualified)
            .await;
        assert_eq!(s, 422);
        assert!(field_messages(&v).contains("三分之二"), "{v}");
        let (s, _) = app
            .post_json(&sec, &format!("{base}/publish"), json!({}))
            .await;
        assert_eq!(s, 422);

        // A second campaign for the same branch and year is refused naming the year.
        let year = chrono::Datelike::year(&app.clock.today()).to_string();
        let (s, v) = app
            .post_json(
                &sec,
                "/api/v1/appraisals",
                json!({"org_id": app.world.org("LA1").id.to_string(), "year": year}),
            )
            .await;
        assert_eq!(s, 422);
        assert!(field_messages(&v).contains(&year), "{v}");
    }
);

both_backends!(
    nobody_outside_the_branch_runs_or_reads_an_appraisal,
    |app: TestApp| async move {
        let sec = app.session("seca").await;
        let (s, _) = app.post_json(&sec, "/api/v1/appraisals", json!({"org_id": app.world.org("LB1").id.to_string(), "year": chrono::Datelike::year(&app.clock.today()).to_string()})).await;
        assert_eq!(s, 403);
        let school = app.session("school").await;
        let id = start(&app, &school, "LB1").await;
        let (s, _) = app
            .get_json(&sec, &format!("/api/v1/appraisals/{id}"))
            .await;
        assert_eq!(s, 403);
        let coll = app.session("collegea").await;
        let (s, _) = app
            .post_json(
                &coll,
                &format!("/api/v1/appraisals/{id}/advance"),
                json!({}),
            )
            .await;
        assert_eq!(s, 403);
        let (_, rows) = app.get_json(&coll, "/api/v1/appraisals").await;
        assert!(rows["rows"].as_array().unwrap().is_empty(), "{rows}");
        // Someone not taking part cannot hand in a self-assessment.
        let la = start(&app, &sec, "LA1").await;
        let (s, v) = app
            .post_json(
                &coll,
                &format!("/api/v1/appraisals/{la}/self"),
                json!({"text": "x", "grade": "qualified"}),
            )
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (409, Some("appraisal_not_taking_part"))
        );
    }
);
