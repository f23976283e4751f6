//! Secret-ballot elections through HTTP, with the voter's side of the blind signature done in
//! Rust: a full election (create, open, vote as three members, close, publish, recount,
//! count, receipts, objections), one person one vote, forged and reused tokens, votes outside
//! the window, and nobody outside the branch or without the permission getting in.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use redbranch_domain::elections::ballot::{self, BigUint};
use redbranch_testkit::{Session, TestApp, both_backends, field_messages};
use serde_json::{Value, json};

fn hex_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// An election with two candidates of `org`'s college (LA1 holds three League members: A001
/// stua, A002 coma, A003 seca).
async fn create(app: &TestApp, s: &Session, org: &str, closes: &str) -> Value {
    let today = app.clock.today().to_string();
    let college = if org.contains('B') { "B" } else { "A" };
    let (status, v) = app
        .post_json(
            s,
            "/api/v1/elections",
            json!({"org_id": app.world.org(org).id.to_string(), "title": "第三届团支部委员会选举",
                "seats": "1", "opens_on": today, "closes_on": closes,
                "candidates": [format!("2021{college}001"), format!("2021{college}002")]}),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    v
}

/// A ballot signed for `s` and unblinded here: (token, signature hex).
async fn take_ballot(
    app: &TestApp,
    s: &Session,
    e: &Value,
) -> Result<(String, String), (u16, Value)> {
    let id = e["id"].as_i64().unwrap();
    let n = ballot::parse_hex(e["public_key"]["n"].as_str().unwrap()).unwrap();
    let ex = ballot::parse_hex(e["public_key"]["e"].as_str().unwrap()).unwrap();
    let token = hex_token();
    let (blinded, r) = ballot::blind(&mut rand::thread_rng(), (&n, &ex), id, &token);
    let (status, v) = app
        .post_json(
            s,
            &format!("/api/v1/elections/{id}/issue"),
            json!({"blinded": blinded.to_str_radix(16)}),
        )
        .await;
    if status != 200 {
        return Err((status, v));
    }
    let blind_sig = ballot::parse_hex(v["signature"].as_str().unwrap()).unwrap();
    let sig = ballot::unblind(&n, &blind_sig, &r).unwrap();
    assert!(ballot::verify(&n, &ex, id, &token, &sig));
    Ok((token, sig.to_str_radix(16)))
}

/// Casts anonymously: a fresh client with no cookie at all.
async fn cast(app: &TestApp, id: i64, token: &str, sig: &str, choices: Value) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/elections/{id}/ballots")))
        .json(&json!({"token": token, "signature": sig, "choices": choices}))
        .send()
        .await
        .unwrap();
    let s = res.status().as_u16();
    (s, res.json().await.unwrap_or(Value::Null))
}

both_backends!(
    a_full_election_is_secret_one_vote_each_and_recountable_by_anyone,
    |app: TestApp| async move {
        // Arrange: the secretary creates and opens an election in the League branch.
        let sec = app.session("seca").await;
        let today = app.clock.today().to_string();
        let e = create(&app, &sec, "LA1", &today).await;
        let id = e["id"].as_i64().unwrap();
        assert_eq!(e["eligible"], 3);
        assert_eq!(e["status"], "draft");
        let (s, _) = app
            .post_json(&sec, &format!("/api/v1/elections/{id}/open"), json!({}))
            .await;
        assert_eq!(s, 200);

        // Act: three members take and cast ballots; two choose 张伟 (0), one 王芳 (1).
        let mut receipts = Vec::new();
        for (login, choice) in [("stua", 0), ("coma", 0), ("seca", 1)] {
            let voter = app.session(login).await;
            let (token, sig) = take_ballot(&app, &voter, &e).await.unwrap();
            let (s, r) = cast(&app, id, &token, &sig, json!([choice])).await;
            assert_eq!(s, 201, "{r}");
            assert_eq!(r["receipt"], token.as_str());
            receipts.push((token, sig));
        }

        // One person, one ballot: a second signature is refused.
        let again = app.session("stua").await;
        let (s, v) = take_ballot(&app, &again, &e).await.unwrap_err();
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (409, Some("ballot_already_issued"))
        );
        // A token already used is refused, and nothing more is stored.
        let (token, sig) = &receipts[0];
        let (s, v) = cast(&app, id, token, sig, json!([1])).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (409, Some("ballot_token_used"))
        );
        // A forged signature is refused naming the field.
        let (s, v) = cast(&app, id, &hex_token(), sig, json!([0])).await;
        assert_eq!(s, 422);
        assert!(field_messages(&v).contains("选票签名"), "{v}");
        // More choices than seats, or a ballot sent with a session, are refused.
        let (s, _) = cast(&app, id, &hex_token(), sig, json!([0, 1])).await;
        assert_eq!(s, 422);
        let (s, v) = app
            .post_json(
                &sec,
                &format!("/api/v1/elections/{id}/ballots"),
                json!({"token": hex_token(), "signature": sig, "choices": []}),
            )
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (400, Some("ballot_with_session"))
        );
        // No running tally while voting is open.
        let (s, _) = app
            .get_json(&sec, &format!("/api/v1/elections/{id}/ballots"))
            .await;
        assert_eq!(s, 409);

        // Close: the ballots are published and anyone on the branch can recount them.
        let (s, _) = app
            .post_json(&sec, &format!("/api/v1/elections/{id}/close"), json!({}))
            .await;
        assert_eq!(s, 200);
        let member = app.session("stua").await;
        let (s, pub_) = app
            .get_json(&member, &format!("/api/v1/elections/{id}/ballots"))
            .await;
        assert_eq!(s, 200, "{pub_}");
        let n = ballot::parse_hex(pub_["public_key"]["n"].as_str().unwrap()).unwrap();
        let ex = ballot::parse_hex(pub_["public_key"]["e"].as_str().unwrap()).unwrap();
        let mut votes = [0u32; 2];
        for b in pub_["ballots"].as_array().unwrap() {
            // A ballot carries its token, signature and choices, and nothing about a voter.
            let keys: Vec<&String> = b.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["choices", "signature", "token"]);
            let sig: BigUint = ballot::parse_hex(b["signature"].as_str().unwrap()).unwrap();
            assert!(ballot::verify(
                &n,
                &ex,
                id,
                b["token"].as_str().unwrap(),
                &sig
            ));
            for c in b["choices"]
                .as_str()
                .unwrap()
                .split(',')
                .filter(|c| !c.is_empty())
            {
                votes[c.parse::<usize>().unwrap()] += 1;
            }
        }
        assert_eq!(votes, [2, 1]);
        assert!(pub_["issued"].as_u64() >= pub_["cast"].as_u64());
        // Every receipt is found, with what was chosen.
        let (s, r) = app
            .get_json(
                &member,
                &format!("/api/v1/elections/{id}/receipts/{}", receipts[2].0),
            )
            .await;
        assert_eq!((s, r["choices"].clone()), (200, json!([1])));

        // Count: 2 of 3 is more than half; 张伟 is elected and the 公示 starts.
        let (s, v) = app
            .post_json(&sec, &format!("/api/v1/elections/{id}/tally"), json!({}))
            .await;
        assert_eq!(s, 200, "{v}");
        let r = &v["result"];
        assert_eq!(
            (r["cast"].as_u64(), r["eligible"].as_u64()),
            (Some(3), Some(3))
        );
        assert_eq!(r["quorum_met"], true);
        assert_eq!(r["issued_covers_cast"], true);
        assert_eq!(r["candidates"][0]["outcome"], "elected");
        assert_eq!(r["candidates"][1]["outcome"], "not_elected");

        // Objections during the 公示, refused after it.
        let (s, _) = app
            .post_json(
                &member,
                &format!("/api/v1/elections/{id}/objections"),
                json!({"body": "计票时间太短"}),
            )
            .await;
        assert_eq!(s, 201);
        app.clock
            .set_today(app.clock.today() + chrono::Duration::days(5));
        let (s, v) = app
            .post_json(
                &member,
                &format!("/api/v1/elections/{id}/objections"),
                json!({"body": "再提一次"}),
            )
            .await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (409, Some("election_not_in_publicity"))
        );

        // The audit log records who took a ballot, never a token or a choice.
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let rows = redbranch_db::audit::entity::Entity::find()
            .filter(redbranch_db::audit::entity::Column::Entity.eq("election"))
            .all(&app.db.conn)
            .await
            .unwrap();
        let text: String = rows
            .iter()
            .map(|r| format!("{} {:?}\n", r.action, r.after_value))
            .collect();
        assert!(text.contains("election_ballot_issued"));
        for (token, sig) in &receipts {
            assert!(!text.contains(token.as_str()) && !text.contains(&sig[..40]));
        }
    }
);

both_backends!(
    votes_outside_the_window_or_before_opening_are_refused,
    |app: TestApp| async move {
        let sec = app.session("seca").await;
        let today = app.clock.today();
        let e = create(&app, &sec, "LA1", &today.to_string()).await;
        let id = e["id"].as_i64().unwrap();
        let voter = app.session("coma").await;
        // Not opened yet.
        let (s, v) = take_ballot(&app, &voter, &e).await.unwrap_err();
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (409, Some("election_not_open"))
        );
        app.post_json(&sec, &format!("/api/v1/elections/{id}/open"), json!({}))
            .await;
        let (token, sig) = take_ballot(&app, &voter, &e).await.unwrap();
        // The day after the last day of voting: refused, and nothing is stored.
        app.clock.set_today(today + chrono::Duration::days(1));
        let (s, v) = cast(&app, id, &token, &sig, json!([0])).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (409, Some("election_outside_window"))
        );
        app.clock.set_today(today);
        let (_, v) = app.get_json(&sec, &format!("/api/v1/elections/{id}")).await;
        assert_eq!(
            (v["issued"].as_u64(), v["cast"].as_u64()),
            (Some(1), Some(0))
        );
        // A closing date before the opening date is refused naming the field.
        let (s, v) = app
            .post_json(&sec, "/api/v1/elections",
                json!({"org_id": app.world.org("LA1").id.to_string(), "title": "表决", "seats": "1",
                    "opens_on": today.to_string(), "closes_on": (today - chrono::Duration::days(1)).to_string(),
                    "candidates": "2021A001 2021B001"}))
            .await;
        assert_eq!(s, 422);
        let msg = field_messages(&v);
        assert!(
            msg.contains("投票结束日期") && msg.contains("2021B001"),
            "{msg}"
        );
    }
);

both_backends!(
    nobody_outside_the_branch_or_without_the_permission_runs_or_sees_an_election,
    |app: TestApp| async move {
        let sec = app.session("seca").await;
        // The LA1 secretary cannot hold an election in LB1.
        let (s, _) = app
            .post_json(&sec, "/api/v1/elections",
                json!({"org_id": app.world.org("LB1").id.to_string(), "title": "越权", "seats": "1",
                    "opens_on": app.clock.today().to_string(), "closes_on": app.clock.today().to_string(),
                    "candidates": ["2021B001"]}))
            .await;
        assert_eq!(s, 403);
        // An LB1 election is invisible to the college A administrator.
        let school = app.session("school").await;
        let e = create(&app, &school, "LB1", &app.clock.today().to_string()).await;
        let id = e["id"].as_i64().unwrap();
        let coll = app.session("collegea").await;
        let (s, _) = app
            .get_json(&coll, &format!("/api/v1/elections/{id}"))
            .await;
        assert_eq!(s, 403);
        let (s, _) = app
            .post_json(&coll, &format!("/api/v1/elections/{id}/open"), json!({}))
            .await;
        assert_eq!(s, 403);
        // A voter of LA1 who is not its secretary cannot open or count its election.
        let la = create(&app, &sec, "LA1", &app.clock.today().to_string()).await;
        let la_id = la["id"].as_i64().unwrap();
        let member = app.session("stua").await;
        let (s, _) = app
            .post_json(
                &member,
                &format!("/api/v1/elections/{la_id}/open"),
                json!({}),
            )
            .await;
        assert_eq!(s, 403);
        // The committee member of PA1 is on LA1's roll (A002): sees it, cannot run it.
        let coma = app.session("coma").await;
        let (s, v) = app
            .get_json(&coma, &format!("/api/v1/elections/{la_id}"))
            .await;
        assert_eq!((s, v["on_roll"].as_bool()), (200, Some(true)));
        let (s, _) = app
            .post_json(
                &coma,
                &format!("/api/v1/elections/{la_id}/close"),
                json!({}),
            )
            .await;
        assert_eq!(s, 403);
        // An administrator without a place on the roll gets no ballot.
        app.post_json(&sec, &format!("/api/v1/elections/{la_id}/open"), json!({}))
            .await;
        let (s, v) = take_ballot(&app, &coll, &la).await.unwrap_err();
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (409, Some("election_not_on_roll"))
        );
        // The list shows each only what they may see.
        let (_, rows) = app.get_json(&coll, "/api/v1/elections").await;
        let ids: Vec<i64> = rows["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        assert!(ids.contains(&la_id) && !ids.contains(&id), "{ids:?}");
    }
);
