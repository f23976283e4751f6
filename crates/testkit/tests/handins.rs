//! Hand-ins written in groups, on both databases: a group of awards pays exactly what the same
//! awards one by one pay (caps crossed inside the group, a key repeated in it, replays, refusals,
//! people entering the rank histogram), and many quiz hand-ins at once (with a double click
//! each) close every round once, pay every person once and book every wrong answer.

use chrono::{Duration, Utc};
use redbranch_db::people::PersonId;
use redbranch_db::points::{self as dbpoints, Award, Earning};
use redbranch_db::{DbError, TransactionTrait};
use redbranch_testkit::quizkit::{answer, seed_bank};
use redbranch_testkit::{Session, TestApp, both_backends};
use serde_json::{Value, json};

/// What a test compares of an award: the ledger id differs between two runs.
fn outcome(r: &Result<Award, DbError>) -> String {
    match r {
        Ok(a) => format!(
            "{} of {} ({}) replayed={}",
            a.points, a.requested, a.reason, a.replayed
        ),
        Err(e) => format!("refused: {e:?}"),
    }
}

/// The events of one test, for three people: 13 articles for the first (the 13th is over the
/// cap of 12), a key repeated inside the list, a key paid before the list, a key reused for
/// another person, an activity no rule table has, and a person who is not of the school.
fn events(people: [i64; 3], tag: &str) -> Vec<Earning> {
    let at = Utc::now();
    let e = |person: i64, activity: &str, key: String| Earning {
        person: PersonId(person),
        activity: activity.to_string(),
        idempotency_key: key,
        at,
    };
    let mut v: Vec<Earning> = (1..=13)
        .map(|i| e(people[0], "article", format!("{tag}-art-{i}")))
        .collect();
    v.push(e(people[1], "topic_quiz", format!("{tag}-quiz")));
    v.push(e(people[1], "topic_quiz", format!("{tag}-quiz")));
    v.push(e(people[1], "article", format!("{tag}-before")));
    v.push(e(people[2], "topic_quiz", format!("{tag}-art-1")));
    v.push(e(people[2], "no_such_activity", format!("{tag}-none")));
    v.push(e(999_999, "article", format!("{tag}-stranger")));
    v.push(e(people[2], "login", format!("{tag}-login")));
    v
}

both_backends!(
    a_group_of_awards_pays_exactly_what_the_same_awards_one_by_one_pay,
    |app: TestApp| async move {
        let t = app.world.tenant;
        let c = &app.db.conn;
        let group = ["A001", "A002", "A003"].map(|no| app.world.person(no));
        let alone = ["B001", "B002", "B003"].map(|no| app.world.person(no));
        // One key of each list was paid before it.
        for (people, tag) in [(group, "g"), (alone, "s")] {
            dbpoints::award(
                c,
                t,
                PersonId(people[1]),
                "article",
                &format!("{tag}-before"),
                Utc::now(),
            )
            .await
            .unwrap();
        }

        let txn = c.begin().await.unwrap();
        let together = dbpoints::award_many(&txn, t, &events(group, "g"))
            .await
            .unwrap();
        txn.commit().await.unwrap();
        let mut one_by_one = Vec::new();
        for e in events(alone, "s") {
            let txn = c.begin().await.unwrap();
            one_by_one.push(
                dbpoints::award(&txn, t, e.person, &e.activity, &e.idempotency_key, e.at).await,
            );
            txn.commit().await.unwrap();
        }
        let together: Vec<String> = together.iter().map(outcome).collect();
        let one_by_one: Vec<String> = one_by_one.iter().map(outcome).collect();
        assert_eq!(together, one_by_one);
        assert_eq!(
            together[11], "1 of 1 (rule) replayed=false",
            "the 12th article"
        );
        assert_eq!(
            together[12], "0 of 1 (activity_cap) replayed=false",
            "the 13th"
        );
        assert_eq!(
            together[14], "10 of 10 (rule) replayed=true",
            "the key repeated"
        );
        assert!(
            together[16].contains("idempotency_key_reused"),
            "{}",
            together[16]
        );
        assert!(
            together[17].contains("unknown_activity"),
            "{}",
            together[17]
        );
        assert!(together[18].contains("NotFound"), "{}", together[18]);

        // The people of both lists end with the same totals, daily sums and ledger.
        let summary = |p: i64| {
            [
                "SELECT earned FROM points_totals WHERE person_id = {p}",
                "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM points_daily WHERE person_id = {p}",
                "SELECT CAST(COALESCE(SUM(events), 0) AS BIGINT) FROM points_daily WHERE person_id = {p}",
                "SELECT COUNT(*) FROM points_ledger WHERE person_id = {p}",
            ]
            .map(|q| q.replace("{p}", &p.to_string()))
        };
        for (g, s) in group.iter().zip(&alone) {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for (qa, qb) in summary(*g).iter().zip(summary(*s).iter()) {
                a.push(app.scalar(qa).await);
                b.push(app.scalar(qb).await);
            }
            assert_eq!(a, b, "person {g} (in the group) and {s} (one by one)");
        }
        assert_eq!(
            app.scalar(&format!(
                "SELECT earned FROM points_totals WHERE person_id = {}",
                group[0]
            ))
            .await,
            12
        );
        assert_eq!(
            dbpoints::verify_ranks(c, t).await.unwrap(),
            0,
            "rank histogram"
        );
        assert_eq!(
            dbpoints::verify(c, t).await.unwrap().1,
            0,
            "totals and ledger"
        );
    }
);

/// Hands in round `id` as `s` in a task of its own: the status and the body.
fn hand_in(
    app: &TestApp,
    s: &Session,
    id: i64,
    answers: &[Value],
) -> tokio::task::JoinHandle<(u16, Value)> {
    let (s, url) = (s.clone(), app.url(&format!("/api/v1/quizzes/{id}/submit")));
    let body = json!({"answers": answers});
    tokio::spawn(async move {
        let r =
            s.0.post(url)
                .header("x-csrf-token", &s.1)
                .json(&body)
                .send()
                .await;
        match r {
            Ok(r) => {
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap_or_default())
            }
            Err(e) => (0, json!({"error": e.to_string()})),
        }
    })
}

both_backends!(
    many_hand_ins_at_once_close_each_round_once_and_pay_each_person_once,
    |app: TestApp| async move {
        let school = app.session("school").await;
        let bank = seed_bank(&app, &school, app.world.org("P").id, "专项题库").await;
        // Three members, four rounds each; every round handed in twice at the same moment
        // (a double click), all 24 requests together.
        let mut rounds: Vec<(Session, i64, Vec<Value>)> = Vec::new();
        for login in ["stua", "coma", "seca"] {
            let s = app.session(login).await;
            for _ in 0..4 {
                let (status, round) = app
                    .post_json(
                        &s,
                        "/api/v1/quizzes",
                        json!({"mode": "topic", "bank_id": bank}),
                    )
                    .await;
                assert_eq!(status, 201, "{round}");
                let qs = round["questions"].as_array().unwrap();
                let mut answers: Vec<Value> = qs.iter().map(|q| answer(q, true)).collect();
                answers[0] = answer(&qs[0], false);
                rounds.push((s.clone(), round["id"].as_i64().unwrap(), answers));
            }
        }
        let mut tasks = Vec::new();
        for (s, id, answers) in &rounds {
            for _ in 0..2 {
                tasks.push(hand_in(&app, s, *id, answers));
            }
        }
        // In the same burst, two hand-ins that must be refused without harming the others:
        // someone else's round, and an answer to a question that is not in the round.
        let stranger = app.session("coma").await;
        let (_, first_round, first_answers) = &rounds[0];
        let mut bad = first_answers.clone();
        bad.push(json!({"question_id": 999_999, "given": ["A"]}));
        let odd = [
            (stranger, *first_round, first_answers.clone()),
            (rounds[4].0.clone(), rounds[4].1, bad),
        ];
        let refused: Vec<_> = odd
            .iter()
            .map(|(s, id, answers)| hand_in(&app, s, *id, answers))
            .collect();
        let mut answered = Vec::new();
        for t in tasks {
            answered.push(t.await.unwrap());
        }
        let mut odd_statuses = Vec::new();
        for t in refused {
            odd_statuses.push(t.await.unwrap().0);
        }
        assert_eq!(
            odd_statuses[0], 404,
            "another person's round is not theirs: {odd_statuses:?}"
        );
        assert!(
            [409, 422].contains(&odd_statuses[1]),
            "an answer outside the round is refused (or the round was closed first): {odd_statuses:?}"
        );
        for pair in answered.chunks(2) {
            let mut statuses: Vec<u16> = pair.iter().map(|(s, _)| *s).collect();
            statuses.sort_unstable();
            assert_eq!(
                statuses,
                [200, 409],
                "one hand-in of each round counts: {pair:?}"
            );
            let done = pair.iter().find(|(s, _)| *s == 200).unwrap();
            let total = done.1["total"].as_i64().unwrap();
            assert_eq!(
                done.1["correct"],
                total - 1,
                "all but the first: {}",
                done.1
            );
            let refused = pair.iter().find(|(s, _)| *s == 409).unwrap();
            assert_eq!(refused.1["error"]["code"], "already_submitted");
        }
        let n = |q: &'static str| app.scalar(q);
        assert_eq!(
            n("SELECT COUNT(*) FROM quiz_attempts WHERE finished_at IS NOT NULL AND correct = total - 1")
                .await,
            12
        );
        assert_eq!(
            n("SELECT COUNT(*) FROM points_ledger WHERE idem_key LIKE 'quiz:%'").await,
            12
        );
        // 专项答题 pays 10 a day: each person's first round of the day, nothing for the others.
        assert_eq!(
            n("SELECT CAST(SUM(points) AS BIGINT) FROM points_ledger WHERE idem_key LIKE 'quiz:%'")
                .await,
            30
        );
        assert_eq!(
            n("SELECT COUNT(DISTINCT person_id) FROM points_ledger WHERE points = 10").await,
            3
        );
        // Each person's first question was wrong in all four rounds: booked, counted per round.
        assert_eq!(
            n("SELECT CAST(SUM(times) AS BIGINT) FROM wrong_answers").await,
            12
        );
        let t = app.world.tenant;
        assert_eq!(dbpoints::verify_ranks(&app.db.conn, t).await.unwrap(), 0);
        assert_eq!(dbpoints::verify(&app.db.conn, t).await.unwrap().1, 0);
        // The member sees the round finished, and the next day's first round pays again.
        let stua = &rounds[0].0;
        let (_, shown) = app
            .get_json(stua, &format!("/api/v1/quizzes/{}", rounds[0].1))
            .await;
        assert_eq!(shown["finished"], true);
        app.clock.set_today(app.clock.today() + Duration::days(1));
        let (_, round) = app
            .post_json(
                stua,
                "/api/v1/quizzes",
                json!({"mode": "topic", "bank_id": bank}),
            )
            .await;
        let answers: Vec<Value> = round["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| answer(q, true))
            .collect();
        let id = round["id"].as_i64().unwrap();
        let (status, _) = app
            .post_json(
                stua,
                &format!("/api/v1/quizzes/{id}/submit"),
                json!({"answers": answers}),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            n("SELECT CAST(SUM(points) AS BIGINT) FROM points_ledger WHERE idem_key LIKE 'quiz:%'")
                .await,
            40
        );
    }
);
