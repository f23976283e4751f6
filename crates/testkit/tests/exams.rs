//! Exams through the JSON API on both databases: authored and published within one's org (the
//! publication audited), papers without answers and shuffled per person, marked on hand-in,
//! credits on the person's record once, replays, late papers and spent attempts refused, and
//! an exam of one college out of reach of another's people.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use chrono::Duration;
use redbranch_testkit::quizkit::{answer, seed_bank};
use redbranch_testkit::{TestApp, both_backends};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

/// An exam of branch PA1 drawn from a fresh bank: 2 single, 2 multiple, 2 judge, 2 fill.
async fn exam(app: &TestApp, seca: &redbranch_testkit::Session, attempts: i64) -> i64 {
    let pa1 = app.world.org("PA1").id;
    let bank = seed_bank(app, seca, pa1, "积极分子培训题库").await;
    let draws: Vec<Value> = ["single", "multiple", "judge", "fill"]
        .iter()
        .map(|k| json!({"kind": k, "count": 2}))
        .collect();
    let (status, e) = app
        .post_json(
            seca,
            "/api/v1/exams",
            json!({
                "org_id": pa1, "bank_id": bank, "title": "入党积极分子培训结业考试",
                "minutes": 30, "max_attempts": attempts, "pass_percent": 60, "credits": "1.5",
                "shuffle": true, "draws": draws,
            }),
        )
        .await;
    assert_eq!(status, 201, "{e}");
    let id = e["id"].as_i64().unwrap();
    let (status, _) = app
        .post_json(seca, &format!("/api/v1/exams/{id}/publish"), json!({}))
        .await;
    assert_eq!(status, 200);
    id
}

both_backends!(
    a_passed_exam_records_credits_once_and_refuses_replays,
    |app: TestApp| async move {
        let seca = app.session("seca").await;
        let id = exam(&app, &seca, 1).await;
        let stu = app.session("stua").await;
        let (status, paper) = app
            .post_json(&stu, &format!("/api/v1/exams/{id}/attempts"), json!({}))
            .await;
        assert_eq!(status, 201, "{paper}");
        let qs = paper["questions"].as_array().unwrap().clone();
        assert_eq!(qs.len(), 8);
        assert!(qs.iter().all(|q| q.get("answer").is_none()));
        assert_eq!(paper["total"], 10, "多选题 count 2 points");

        let attempt = paper["attempt_id"].as_i64().unwrap();
        let mut answers: Vec<Value> = qs.iter().map(|q| answer(q, true)).collect();
        let wrong = qs.iter().position(|q| q["kind"] == "judge").unwrap();
        answers[wrong] = answer(&qs[wrong], false);
        let (status, done) = app
            .post_json(
                &stu,
                &format!("/api/v1/exam-attempts/{attempt}/submit"),
                json!({"answers": answers}),
            )
            .await;
        assert_eq!(status, 200, "{done}");
        assert_eq!(
            (done["score"].as_i64(), done["passed"].as_bool()),
            (Some(9), Some(true))
        );
        assert_eq!(done["credit_tenths"], 15);

        let person = app.world.person("A001");
        let (_, credits) = app
            .get_json(&stu, &format!("/api/v1/members/{person}/credits"))
            .await;
        assert_eq!(credits["total"], "1.5");
        assert_eq!(credits["rows"].as_array().unwrap().len(), 1);

        // Replayed hand-in, then a second attempt beyond the limit: both refused.
        let (status, v) = app
            .post_json(
                &stu,
                &format!("/api/v1/exam-attempts/{attempt}/submit"),
                json!({"answers": answers}),
            )
            .await;
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (409, Some("already_submitted"))
        );
        let (status, v) = app
            .post_json(&stu, &format!("/api/v1/exams/{id}/attempts"), json!({}))
            .await;
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (409, Some("no_attempts_left"))
        );
        let (_, credits) = app
            .get_json(&stu, &format!("/api/v1/members/{person}/credits"))
            .await;
        assert_eq!(
            credits["rows"].as_array().unwrap().len(),
            1,
            "credited once"
        );

        // The author sees the result and the publication in the audit log.
        let (_, results) = app
            .get_json(&seca, &format!("/api/v1/exams/{id}/results"))
            .await;
        assert_eq!(results["rows"][0]["score"], 9);
        let (status, _) = app
            .get_json(&stu, &format!("/api/v1/exams/{id}/results"))
            .await;
        assert_eq!(status, 403);
        let published = app
            .db
            .conn
            .query_one_raw(sea_orm::Statement::from_string(
                app.db.backend(),
                "SELECT COUNT(*) FROM audit_log WHERE action IN ('exam_publish', 'exam_submit')",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap();
        assert_eq!(published, 2, "publication and hand-in are audited");
    }
);

both_backends!(
    a_late_paper_and_a_stranger_answer_are_refused_and_nothing_is_written,
    |app: TestApp| async move {
        let seca = app.session("seca").await;
        let id = exam(&app, &seca, 2).await;
        let coma = app.session("coma").await;
        let (_, paper) = app
            .post_json(&coma, &format!("/api/v1/exams/{id}/attempts"), json!({}))
            .await;
        let attempt = paper["attempt_id"].as_i64().unwrap();
        let (status, v) = app
            .post_json(
                &coma,
                &format!("/api/v1/exam-attempts/{attempt}/submit"),
                json!({"answers": [{"question_id": 424_242, "given": ["A"]}]}),
            )
            .await;
        assert_eq!(status, 422, "{v}");
        app.clock.set_today(app.clock.today() + Duration::days(1));
        let answers: Vec<Value> = paper["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| answer(q, true))
            .collect();
        let (status, v) = app
            .post_json(
                &coma,
                &format!("/api/v1/exam-attempts/{attempt}/submit"),
                json!({"answers": answers}),
            )
            .await;
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (409, Some("time_over"))
        );
        let (_, shown) = app
            .get_json(&coma, &format!("/api/v1/exam-attempts/{attempt}"))
            .await;
        assert_eq!(
            (shown["submitted"].as_bool(), shown["score"].as_i64()),
            (Some(false), None)
        );
        let person = app.world.person("A002");
        let (_, credits) = app
            .get_json(&coma, &format!("/api/v1/members/{person}/credits"))
            .await;
        assert!(credits["rows"].as_array().unwrap().is_empty());
        // The expired paper used one attempt; the second one is a fresh paper.
        let (status, second) = app
            .post_json(&coma, &format!("/api/v1/exams/{id}/attempts"), json!({}))
            .await;
        assert_eq!(status, 201);
        assert_eq!(second["attempt_no"], 2);
    }
);

both_backends!(exams_stay_within_their_orgs, |app: TestApp| async move {
    let seca = app.session("seca").await;
    let id = exam(&app, &seca, 1).await;
    // College B's administrator neither sees the results nor may publish or take it.
    let collegea = app.session("collegea").await;
    let (status, _) = app
        .get_json(&collegea, &format!("/api/v1/exams/{id}/results"))
        .await;
    assert_eq!(status, 200, "college A's administrator is above PA1");
    let pb = app.world.org("PB").id;
    let (status, _) = app
            .post_json(&seca, "/api/v1/exams", json!({"org_id": pb, "bank_id": 1, "title": "x", "minutes": 10, "max_attempts": 1, "pass_percent": 60, "draws": [{"kind": "single", "count": 1}]}))
            .await;
    assert_eq!(
        status, 403,
        "a branch secretary cannot author for another college"
    );
    // A member of college B does not reach PA1's exam.
    let b = redbranch_db::auth::create_user(
        &app.db.conn,
        app.world.tenant,
        redbranch_db::auth::NewUser {
            login: "stub",
            display_name: "stub",
            password_hash: redbranch_web::auth::password::hash(redbranch_testkit::PASSWORD)
                .unwrap(),
            person_id: Some(app.world.person("B002")),
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    redbranch_db::auth::grant(
        &app.db.conn,
        app.world.tenant,
        redbranch_db::auth::UserId(b.id),
        redbranch_domain::authz::Role::Member,
        app.world.org("LB1").org_id(),
        None,
    )
    .await
    .unwrap();
    let stub = app.session("stub").await;
    let (status, _) = app
        .post_json(&stub, &format!("/api/v1/exams/{id}/attempts"), json!({}))
        .await;
    assert_eq!(status, 404);
    let (_, list) = app.get_json(&stub, "/api/v1/exams").await;
    assert!(list["rows"].as_array().unwrap().is_empty());
    let (status, _) = app
        .get_json(
            &stub,
            &format!("/api/v1/members/{}/credits", app.world.person("A001")),
        )
        .await;
    assert_eq!(status, 403);
});
