//! The match socket: `GET /api/v1/matches/{id}/ws`. The node polls the room's row (a few
//! times a second) and pushes the state to its player whenever it changes; the player sends
//! answers. Nothing lives in the node: a player whose socket lands on another node after a
//! reconnect sees the same match.
//!
//! Messages are JSON text frames.
//! - From the player: `{"type": "answer", "question_id": 7, "given": ["B"]}`, `{"type": "leave"}`.
//! - To the player: `{"type": "state", "match": {…}}` (as `GET /api/v1/matches/{id}`),
//!   `{"type": "answered", "index", "correct", "score"}`, and
//!   `{"type": "error", "error": {"code", "message", "fields"}}` in the player's language.

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use redbranch_domain::matches::Phase;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{MatchView, answer, fingerprint, leave, load, settle, view};
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::Ctx;
use crate::quiz::paper::AnswerIn;
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// How often a node looks at the room for its players.
const POLL: Duration = Duration::from_millis(250);

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum FromPlayer {
    Answer(AnswerIn),
    Leave,
}

/// Upgrades to the match socket for a player of room `id`. A page of another site may not open
/// it with the player's cookie: a browser's `Origin` must be this host.
pub async fn upgrade(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    ctx: Ctx,
    Path(raw): Path<String>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> AppResult<Response> {
    if !same_origin(&headers) {
        return Err(AppError::BadRequest("cross_origin"));
    }
    let id = parse_id(&raw)?;
    let room = load(&st, &u, id).await?;
    // Refuses anyone not in the room before upgrading.
    view(&st, &u, &room).await?;
    let locale = ctx.locale;
    Ok(ws.on_upgrade(move |socket| serve(st, u, locale, id, socket)))
}

fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Not a browser (a native client or a test): cookies are not ambient there.
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin)
        .trim_end_matches('/');
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

async fn serve(
    st: AppState,
    u: CurrentUser,
    locale: redbranch_i18n::Locale,
    id: i64,
    mut socket: WebSocket,
) {
    let mut poll = tokio::time::interval(POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut sent = String::new();
    loop {
        tokio::select! {
            msg = socket.recv() => {
                let text = match msg {
                    Some(Ok(Message::Text(t))) => t.to_string(),
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue,
                };
                let reply = match serde_json::from_str::<FromPlayer>(&text) {
                    Ok(FromPlayer::Answer(a)) => match answer(&st, &u, id, &a).await {
                        Ok(o) => json!({"type": "answered", "index": o.index, "correct": o.correct, "score": o.score}),
                        Err(e) => error_message(locale, &e),
                    },
                    Ok(FromPlayer::Leave) => match leave(&st, &u, id).await {
                        Ok(()) => break,
                        Err(e) => error_message(locale, &e),
                    },
                    Err(_) => error_message(locale, &AppError::BadRequest("bad_json")),
                };
                if send(&mut socket, &reply).await.is_err() {
                    break;
                }
                // Push the new state at once rather than at the next poll.
                sent.clear();
            }
            _ = poll.tick() => {}
        }
        match current(&st, &u, id, &sent).await {
            Ok(None) => {}
            Ok(Some((v, version))) => {
                let over = matches!(v.phase, Phase::Finished | Phase::Abandoned);
                if send(&mut socket, &json!({"type": "state", "match": v}))
                    .await
                    .is_err()
                {
                    break;
                }
                sent = version;
                if over {
                    let _ = socket.send(Message::Close(None)).await;
                    break;
                }
            }
            Err(e) => {
                let _ = send(&mut socket, &error_message(locale, &e)).await;
                break;
            }
        }
    }
    // A player who closes the page while still waiting gives the seat back; after the start
    // the match goes on without them (their unanswered questions simply score nothing).
    let _ = leave(&st, &u, id).await;
}

/// The room's view and its fingerprint if the fingerprint differs from `sent`; a poll that
/// finds nothing new costs two small reads (the room, and the answers to the open question).
async fn current(
    st: &AppState,
    u: &CurrentUser,
    id: i64,
    sent: &str,
) -> AppResult<Option<(MatchView, String)>> {
    let room = redbranch_db::matches::room(&st.db.conn, u.tenant, id).await?;
    let (room, answered) = settle(st, room).await?;
    let version = fingerprint(st, &room, answered);
    if version == sent {
        return Ok(None);
    }
    Ok(Some((view(st, u, &room).await?, version)))
}

fn error_message(locale: redbranch_i18n::Locale, e: &AppError) -> Value {
    if let AppError::Internal(err) = e {
        tracing::error!(error = ?err, "match socket");
    }
    let mut body = crate::render::error_body(locale, &e.info());
    body["type"] = json!("error");
    body
}

async fn send(socket: &mut WebSocket, v: &Value) -> Result<(), axum::Error> {
    socket.send(Message::Text(v.to_string().into())).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, axum::http::HeaderValue::from_static(v));
        }
        m
    }

    #[test]
    fn only_this_hosts_pages_may_open_the_socket_with_a_cookie() {
        assert!(same_origin(&h(&[("host", "dj.example.edu.cn")])));
        assert!(same_origin(&h(&[
            ("host", "dj.example.edu.cn"),
            ("origin", "https://dj.example.edu.cn")
        ])));
        assert!(!same_origin(&h(&[
            ("host", "dj.example.edu.cn"),
            ("origin", "https://evil.example.com")
        ])));
        assert!(!same_origin(&h(&[("origin", "https://dj.example.edu.cn")])));
    }
}
