//! Quizzes through the JSON API on both databases: the daily quiz once a day, answers checked on
//! the server and never sent before hand-in, replays and strangers refused, the challenge ending
//! at the first mistake, the wrong-answer book, and bank authoring confined to one's orgs.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use chrono::Duration;
use redbranch_testkit::quizkit::{answer, seed_bank};
use redbranch_testkit::{TestApp, both_backends};
use serde_json::{Value, json};

both_backends!(
    a_member_takes_the_daily_quiz_once_and_answers_are_checked_on_the_server,
    |app: TestApp| async move {
        let school = app.session("school").await;
        seed_bank(&app, &school, app.world.org("P").id, "党章题库").await;
        let stu = app.session("stua").await;

        let (status, round) = app
            .post_json(&stu, "/api/v1/quizzes", json!({"mode": "daily"}))
            .await;
        assert_eq!(status, 201, "{round}");
        let qs = round["questions"].as_array().unwrap().clone();
        assert_eq!(qs.len(), 5);
        for q in &qs {
            assert!(
                q.get("answer").is_none() && q.get("explanation").is_none(),
                "{q}"
            );
        }
        assert!(round["marked"].as_array().unwrap().is_empty());
        // Reloading resumes the same round.
        let (_, again) = app
            .post_json(&stu, "/api/v1/quizzes", json!({"mode": "daily"}))
            .await;
        assert_eq!(again["id"], round["id"]);

        let id = round["id"].as_i64().unwrap();
        // An answer to a question that is not in the round is refused, and nothing is recorded.
        let (status, v) = app
            .post_json(
                &stu,
                &format!("/api/v1/quizzes/{id}/submit"),
                json!({"answers": [{"question_id": 999_999, "given": ["A"]}]}),
            )
            .await;
        assert_eq!(status, 422, "{v}");
        assert!(redbranch_testkit::field_messages(&v).contains("999999"));

        let mut answers: Vec<Value> = qs.iter().map(|q| answer(q, true)).collect();
        answers[0] = answer(&qs[0], false);
        let (status, done) = app
            .post_json(
                &stu,
                &format!("/api/v1/quizzes/{id}/submit"),
                json!({"answers": answers}),
            )
            .await;
        assert_eq!(status, 200, "{done}");
        assert_eq!(done["finished"], true);
        assert_eq!(done["correct"], 4);
        assert_eq!(done["marked"][0]["correct"], false);
        assert!(!done["marked"][0]["answer"].as_str().unwrap().is_empty());

        // A replay changes nothing.
        let (status, v) = app
            .post_json(
                &stu,
                &format!("/api/v1/quizzes/{id}/submit"),
                json!({"answers": qs.iter().map(|q| answer(q, true)).collect::<Vec<_>>()}),
            )
            .await;
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (409, Some("already_submitted"))
        );
        let (_, shown) = app.get_json(&stu, &format!("/api/v1/quizzes/{id}")).await;
        assert_eq!(shown["correct"], 4);
        // The finished round paid its 每日答题 points once, in the same transaction; the replay
        // paid nothing.
        let paid = app
            .scalar("SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM points_ledger WHERE activity = 'daily_quiz'")
            .await;
        assert_eq!(paid, 5);

        // Once a day: today is done, tomorrow is a new round.
        let (status, v) = app
            .post_json(&stu, "/api/v1/quizzes", json!({"mode": "daily"}))
            .await;
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (409, Some("quiz_already_taken"))
        );
        app.clock.set_today(app.clock.today() + Duration::days(1));
        let (status, _) = app
            .post_json(&stu, "/api/v1/quizzes", json!({"mode": "daily"}))
            .await;
        assert_eq!(status, 201);

        // The wrong answer is in the book.
        let (_, book) = app.get_json(&stu, "/api/v1/quizzes/wrong-book").await;
        let rows = book["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["question"]["stem"], qs[0]["stem"]);

        // Another person cannot see or hand in this round.
        let other = app.session("coma").await;
        let (status, _) = app.get_json(&other, &format!("/api/v1/quizzes/{id}")).await;
        assert_eq!(status, 404);
    }
);

both_backends!(
    a_challenge_ends_at_the_first_mistake,
    |app: TestApp| async move {
        let school = app.session("school").await;
        let bank = seed_bank(&app, &school, app.world.org("P").id, "挑战题库").await;
        let stu = app.session("stua").await;
        let (status, round) = app
            .post_json(
                &stu,
                "/api/v1/quizzes",
                json!({"mode": "challenge", "bank_id": bank}),
            )
            .await;
        assert_eq!(status, 201, "{round}");
        assert_eq!(
            round["questions"].as_array().unwrap().len(),
            1,
            "one question at a time"
        );
        let id = round["id"].as_i64().unwrap();
        let q1 = round["questions"][0].clone();
        let (_, step) = app
            .post_json(
                &stu,
                &format!("/api/v1/quizzes/{id}/answer"),
                answer(&q1, true),
            )
            .await;
        assert_eq!(
            (step["finished"].as_bool(), step["correct"].as_i64()),
            (Some(false), Some(1))
        );
        // Answering the same question again is not the current question any more.
        let (status, _) = app
            .post_json(
                &stu,
                &format!("/api/v1/quizzes/{id}/answer"),
                answer(&q1, true),
            )
            .await;
        assert_eq!(status, 422);
        let q2 = step["questions"][0].clone();
        let (_, end) = app
            .post_json(
                &stu,
                &format!("/api/v1/quizzes/{id}/answer"),
                answer(&q2, false),
            )
            .await;
        assert_eq!(end["finished"], true);
        assert_eq!(end["correct"], 1);
        assert_eq!(end["marked"].as_array().unwrap().len(), 2);
        let (status, _) = app
            .post_json(
                &stu,
                &format!("/api/v1/quizzes/{id}/answer"),
                answer(&q2, true),
            )
            .await;
        assert_eq!(status, 409);
    }
);

both_backends!(
    banks_are_authored_and_seen_only_within_their_orgs,
    |app: TestApp| async move {
        let seca = app.session("seca").await;
        let pa1 = app.world.org("PA1").id;
        let pb1 = app.world.org("PB1").id;
        // A branch secretary authors on their branch, not on another college's.
        let (status, _) = app
            .post_json(
                &seca,
                "/api/v1/question-banks",
                json!({"org_id": pb1, "name": "乙"}),
            )
            .await;
        assert_eq!(status, 403);
        let (status, _) = app
            .post_json(
                &seca,
                "/api/v1/question-banks",
                json!({"org_id": pa1, "name": "甲"}),
            )
            .await;
        assert_eq!(status, 201);
        // A committee member may not author at all.
        let coma = app.session("coma").await;
        let (status, _) = app
            .post_json(
                &coma,
                "/api/v1/question-banks",
                json!({"org_id": pa1, "name": "丙"}),
            )
            .await;
        assert_eq!(status, 403);

        // College B's published bank: its college admin may not be changed by college A's.
        let school = app.session("school").await;
        let b_bank = seed_bank(&app, &school, pb1, "乙学院题库").await;
        let collegea = app.session("collegea").await;
        let (status, _) = app
            .post_json(
                &collegea,
                &format!("/api/v1/question-banks/{b_bank}/questions"),
                json!({"kind": "judge", "stem": "x", "answer": "对"}),
            )
            .await;
        assert_eq!(status, 403);
        let (status, _) = app
            .get_json(
                &collegea,
                &format!("/api/v1/question-banks/{b_bank}/export.xlsx"),
            )
            .await;
        assert_eq!(status, 403);
        // …and a member of college A cannot quiz from it: it does not reach them.
        let stu = app.session("stua").await;
        let (status, _) = app
            .post_json(
                &stu,
                "/api/v1/quizzes",
                json!({"mode": "topic", "bank_id": b_bank}),
            )
            .await;
        assert_eq!(status, 404);
        // Publication is audited.
        let (_, audit) = app.get_json(&school, "/api/v1/question-banks").await;
        assert!(
            audit["rows"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["bank"]["id"] == b_bank)
        );
        let n: Vec<(i64,)> = sqlx_count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'question_bank_publish'",
        )
        .await;
        assert_eq!(n[0].0, 1);
    }
);

async fn sqlx_count(app: &TestApp, sql: &str) -> Vec<(i64,)> {
    use sea_orm::{ConnectionTrait, Statement};
    let rows = app
        .db
        .conn
        .query_all_raw(Statement::from_string(app.db.backend(), sql.to_string()))
        .await
        .unwrap();
    rows.iter()
        .map(|r| (r.try_get_by_index::<i64>(0).unwrap(),))
        .collect()
}
