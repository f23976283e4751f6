//! Live matches on both databases: two players play a 1-v-1 match over the match socket, one
//! answering right and one wrong, and the winner is paid `match_win`, the loser `match_loss`,
//! once; a second game the same day runs out on the clock and pays nothing; strangers and other
//! sites are refused, and answers that come twice or to the wrong question are refused.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions: a step that fails is a failed test"
)]

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use redbranch_testkit::quizkit::{answer, seed_bank};
use redbranch_testkit::{PASSWORD, TestApp, both_backends};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn token(app: &TestApp, login: &str) -> String {
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/tokens"))
        .json(&json!({"login": login, "password": PASSWORD, "name": "match"}))
        .send()
        .await
        .unwrap();
    let v: Value = res.json().await.unwrap();
    v["token"].as_str().unwrap().to_string()
}

/// Opens the match socket as the token's user; the handshake's HTTP status if it is refused.
async fn connect(app: &TestApp, id: i64, token: &str, origin: Option<&str>) -> Result<Socket, u16> {
    let url = format!("ws://{}/api/v1/matches/{id}/ws", app.addr);
    let mut req = url.into_client_request().unwrap();
    req.headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    if let Some(o) = origin {
        req.headers_mut().insert("origin", o.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
        Err(e) => panic!("connect: {e}"),
    }
}

/// The next JSON message, waiting at most 10 s (a match that stalls fails the test).
async fn next(ws: &mut Socket) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a message within 10 s")
            .expect("the socket is open")
            .unwrap();
        match msg {
            Message::Text(t) => return serde_json::from_str(&t).unwrap(),
            Message::Close(_) => return json!({"type": "closed"}),
            _ => {}
        }
    }
}

/// Reads until a state message satisfies `pred`; returns its match.
async fn state_until(ws: &mut Socket, pred: impl Fn(&Value) -> bool) -> Value {
    loop {
        let m = next(ws).await;
        assert_ne!(m["type"], "closed", "closed before the expected state");
        assert_ne!(m["type"], "error", "{m}");
        if m["type"] == "state" && pred(&m["match"]) {
            return m["match"].clone();
        }
    }
}

fn open_question(i: u64) -> impl Fn(&Value) -> bool {
    move |m: &Value| m["phase"] == "question" && m["index"] == i && m["my_answer"].is_null()
}

async fn send(ws: &mut Socket, v: Value) {
    ws.send(Message::Text(v.to_string().into())).await.unwrap();
}

/// Plays one answer over the socket; returns the `answered` reply.
async fn play(ws: &mut Socket, q: &Value, right: bool) -> Value {
    let mut a = answer(q, right);
    a["type"] = json!("answer");
    send(ws, a).await;
    loop {
        let m = next(ws).await;
        if m["type"] == "answered" || m["type"] == "error" {
            return m;
        }
    }
}

both_backends!(
    two_players_play_a_duel_over_the_match_socket_and_the_winner_is_paid_once,
    |app: TestApp| async move {
        let school = app.session("school").await;
        seed_bank(&app, &school, app.world.org("P").id, "党章题库").await;
        let stu = app.session("stua").await;
        let sec = app.session("seca").await;

        let (status, room) = app
            .post_json(&stu, "/api/v1/matches", json!({"size": "duel"}))
            .await;
        assert_eq!(status, 201, "{room}");
        assert_eq!(room["phase"], "waiting");
        assert_eq!(room["players"].as_array().unwrap().len(), 1);
        let id = room["id"].as_i64().unwrap();

        // Someone not in the room sees nothing of it, over HTTP or the socket.
        let outsider = app.session("coma").await;
        let (status, _) = app
            .get_json(&outsider, &format!("/api/v1/matches/{id}"))
            .await;
        assert_eq!(status, 404);
        let coma = token(&app, "coma").await;
        assert_eq!(connect(&app, id, &coma, None).await.err(), Some(404));

        let (status, joined) = app
            .post_json(&sec, "/api/v1/matches", json!({"size": "duel"}))
            .await;
        assert_eq!(status, 201, "{joined}");
        assert_eq!(joined["id"], id, "the second player joins the waiting room");
        assert_eq!(joined["phase"], "countdown");

        let stu_token = token(&app, "stua").await;
        let sec_token = token(&app, "seca").await;
        // A page of another site may not open the socket with a player's cookie.
        let host = format!("http://{}", app.addr);
        assert_eq!(
            connect(&app, id, &stu_token, Some("https://evil.example.com"))
                .await
                .err(),
            Some(400)
        );
        let mut a = connect(&app, id, &stu_token, Some(&host)).await.unwrap();
        let mut b = connect(&app, id, &sec_token, None).await.unwrap();
        state_until(&mut a, |m| m["phase"] == "countdown").await;
        state_until(&mut b, |m| m["phase"] == "countdown").await;

        app.clock.advance(4);
        for i in 0..5u64 {
            let qa = state_until(&mut a, open_question(i)).await;
            let qb = state_until(&mut b, open_question(i)).await;
            let q = qa["question"].clone();
            assert_eq!(q, qb["question"], "both players get the same question");
            assert!(q.get("answer").is_none(), "no answer before answering: {q}");
            let ra = play(&mut a, &q, true).await;
            assert_eq!(
                (ra["type"].as_str(), ra["correct"].as_bool()),
                (Some("answered"), Some(true)),
                "{ra}"
            );
            assert!(ra["score"].as_i64().unwrap() >= 10);
            if i == 0 {
                // The same question again is refused and changes nothing.
                let again = play(&mut a, &q, true).await;
                assert_eq!(again["error"]["code"], "already_answered", "{again}");
                assert_eq!(again["error"]["message"], "这道题已经作答过了");
            }
            let rb = play(&mut b, &q, false).await;
            assert_eq!(rb["correct"], false, "{rb}");
        }
        let end_a = state_until(&mut a, |m| m["phase"] == "finished").await;
        let end_b = state_until(&mut b, |m| m["phase"] == "finished").await;
        let me = |m: &Value| {
            m["players"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["me"] == true)
                .cloned()
                .unwrap()
        };
        assert_eq!(
            (me(&end_a)["place"].as_i64(), me(&end_a)["points"].as_i64()),
            (Some(1), Some(10))
        );
        assert_eq!(
            (me(&end_b)["place"].as_i64(), me(&end_b)["points"].as_i64()),
            (Some(2), Some(8))
        );
        assert_eq!(end_a["closed"].as_array().unwrap().len(), 5);
        assert!(!end_a["closed"][0]["answer"].as_str().unwrap().is_empty());
        assert_eq!(
            next(&mut a).await["type"],
            "closed",
            "the socket closes after the end"
        );

        let paid = |activity: &'static str| {
            let app = &app;
            async move {
                app.scalar(&format!(
                    "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM points_ledger WHERE activity = '{activity}'"
                ))
                .await
            }
        };
        assert_eq!(paid("match_win").await, 10);
        assert_eq!(paid("match_loss").await, 8);

        // A second game the same day: nobody answers, the clock runs the questions out, and
        // the tie shares first place, but only the first game of the day pays.
        let (_, second) = app
            .post_json(&stu, "/api/v1/matches", json!({"size": "duel"}))
            .await;
        let id2 = second["id"].as_i64().unwrap();
        assert_ne!(id2, id);
        let (_, joined) = app
            .post_json(&sec, "/api/v1/matches", json!({"size": "duel"}))
            .await;
        assert_eq!(joined["id"], id2);
        let mut a = connect(&app, id2, &stu_token, None).await.unwrap();
        app.clock.advance(4);
        let q0 = state_until(&mut a, open_question(0)).await;
        app.clock.advance(16);
        state_until(&mut a, open_question(1)).await;
        // An answer to a question that has closed is refused, naming it.
        let (status, v) = app
            .post_json(
                &stu,
                &format!("/api/v1/matches/{id2}/answer"),
                answer(&q0["question"], true),
            )
            .await;
        assert_eq!(status, 422, "{v}");
        app.clock.advance(16 * 4);
        let end = state_until(&mut a, |m| m["phase"] == "finished").await;
        assert!(
            end["players"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["place"] == 1 && p["points"] == 0),
            "{end}"
        );
        assert_eq!(paid("match_win").await, 10);
        assert_eq!(app.count("quiz_match_answers").await, 10);
    }
);

both_backends!(
    a_waiting_room_can_be_left_and_closes_when_nobody_comes,
    |app: TestApp| async move {
        let school = app.session("school").await;
        seed_bank(&app, &school, app.world.org("P").id, "党章题库").await;
        let stu = app.session("stua").await;
        let (_, room) = app
            .post_json(&stu, "/api/v1/matches", json!({"size": "four"}))
            .await;
        let id = room["id"].as_i64().unwrap();
        assert_eq!(room["capacity"], 4);
        // Queuing again resumes the same room rather than opening a second.
        let (_, again) = app
            .post_json(&stu, "/api/v1/matches", json!({"size": "four"}))
            .await;
        assert_eq!(again["id"], id);
        let (status, _) = app
            .post_json(&stu, &format!("/api/v1/matches/{id}/leave"), json!({}))
            .await;
        assert_eq!(status, 204);
        let (status, _) = app.get_json(&stu, &format!("/api/v1/matches/{id}")).await;
        assert_eq!(status, 404, "after leaving, the room is not theirs");

        let (_, room) = app
            .post_json(&stu, "/api/v1/matches", json!({"size": "four"}))
            .await;
        let id = room["id"].as_i64().unwrap();
        app.clock.advance(61);
        let (status, v) = app.get_json(&stu, &format!("/api/v1/matches/{id}")).await;
        assert_eq!(
            (status, v["phase"].as_str()),
            (200, Some("abandoned")),
            "{v}"
        );
        let (status, v) = app
            .post_json(
                &stu,
                &format!("/api/v1/matches/{id}/answer"),
                json!({"question_id": 1, "given": ["A"]}),
            )
            .await;
        assert_eq!(
            (status, v["error"]["code"].as_str()),
            (409, Some("match_not_open"))
        );
        let (status, v) = app
            .post_json(&stu, "/api/v1/matches", json!({"size": "trio"}))
            .await;
        assert_eq!(status, 422, "{v}");
        assert!(
            redbranch_testkit::field_messages(&v).contains("对战类型"),
            "{v}"
        );
    }
);
