//! The dynamic QR check-in: the organiser's screen shows a code that changes every 30 seconds
//! (refreshed by htmx, or by reloading without JavaScript); a member scans it with their phone
//! and is checked in if invited and signed in. Codes are computed, never stored, so any node
//! verifies them (docs/adr/0006-meeting-check-in-codes.md).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use redbranch_db::TransactionTrait;
use redbranch_db::meetings as dbm;
use redbranch_domain::meetings::Attendance;
use redbranch_domain::meetings::checkin::{
    accepted_windows, arrival, is_open, seconds_left, window_of,
};
use serde_json::json;

use super::{Loaded, meeting_for, settings_of};
use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// The code shown for a meeting at `now`.
pub fn code_for(st: &AppState, meeting: i64, now: DateTime<Utc>) -> String {
    st.crypto.checkin_code(meeting, window_of(now))
}

/// What a check-in did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CheckinOutcome {
    /// `present` or `late` (or what was already recorded).
    pub status: &'static str,
    /// Already checked in before: nothing changed.
    pub already: bool,
}

/// Checks the caller in with `code`: a current code, an open meeting, an invitation. A code
/// that is neither this window's nor the last one's is refused whether it expired or was made
/// up — the two cannot be told apart, and need not be. A refusal writes nothing; a check-in is
/// one transaction with its audit entry.
pub async fn check_in(
    st: &AppState,
    u: &CurrentUser,
    l: &Loaded,
    code: &str,
) -> AppResult<CheckinOutcome> {
    let now = st.clock.now();
    let m = &l.meeting;
    if !st
        .crypto
        .checkin_code_matches(m.id, &accepted_windows(now), code.trim())
    {
        return Err(AppError::BadRequest("checkin_code_invalid"));
    }
    is_open(m.starts_at, m.ends_at, now).map_err(|c| AppError::BadRequest(c.code()))?;
    let Some(inv) = &l.access.invitation else {
        return Err(AppError::BadRequest("checkin_not_invited"));
    };
    if let Some(done) = Attendance::from_code(&inv.status).filter(|a| a.attended()) {
        return Ok(CheckinOutcome {
            status: done.code(),
            already: true,
        });
    }
    // The school's settings came with the caller's token or session: no read here (a read
    // inside the transaction would make SQLite's first statement a read, which cannot wait for
    // the write lock; one on a second pool connection could deadlock the pool).
    let s = settings_of(u)?;
    let status = arrival(m.starts_at, now, s.late_after_minutes).code();
    let txn = st.db.conn.begin().await?;
    let recorded = dbm::check_in(&txn, u.tenant, m.id, inv.person_id, status, now).await?;
    if recorded {
        let after = json!({"person_id": inv.person_id, "status": status, "via": "qr", "at": now});
        super::write::audit(
            &txn,
            u,
            l,
            "meeting_checkin",
            Some(json!({"status": inv.status})),
            after,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(CheckinOutcome {
        status,
        already: !recorded,
    })
}

#[derive(Template)]
#[template(path = "meetings/_qr.html")]
struct QrFragment {
    page: Page,
    meeting_id: i64,
    code: String,
    svg: String,
    url: String,
    seconds: i64,
    attended: i64,
    invited: i64,
}

#[derive(Template)]
#[template(path = "meetings/checkin.html")]
struct CheckinPage {
    page: Page,
    title: String,
    /// The rendered [`QrFragment`].
    qr: String,
}

/// The URL a phone opens, on the host the organiser's browser used.
fn scan_url(st: &AppState, headers: &HeaderMap, meeting: i64, code: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if st.settings.cookie_secure {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}/checkin/{meeting}/{code}")
}

/// The QR code as inline SVG (no XML prolog, so it can sit inside the page).
fn qr_svg(url: &str) -> AppResult<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("qr code: {e}")))?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(280, 280)
        .quiet_zone(true)
        .build();
    Ok(match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    })
}

async fn qr(st: &AppState, ctx: &Ctx, headers: &HeaderMap, l: &Loaded) -> AppResult<QrFragment> {
    l.access.ensure_manage()?;
    let now = st.clock.now();
    let code = code_for(st, l.meeting.id, now);
    let url = scan_url(st, headers, l.meeting.id, &code);
    // The counts are read fresh: the fragment is polled while members scan.
    let m = dbm::get(
        &st.db.conn,
        redbranch_db::tenants::TenantId(l.meeting.tenant_id),
        l.meeting.id,
    )
    .await?;
    Ok(QrFragment {
        page: ctx.page("meetings.checkin_title"),
        meeting_id: m.id,
        svg: qr_svg(&url)?,
        code,
        url,
        seconds: seconds_left(now),
        attended: m.attended,
        invited: m.invited,
    })
}

/// `GET /meetings/{id}/checkin`: the organiser's screen with the rotating code.
pub async fn show_checkin(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let l = meeting_for(&st, &u, &raw).await?;
    let qr = qr(&st, &ctx, &headers, &l)
        .await?
        .render()
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut page = ctx.page("meetings.checkin_title");
    page.back = Some(format!("/meetings/{}", l.meeting.id));
    render(&CheckinPage {
        page,
        title: l.meeting.title.clone(),
        qr,
    })
}

/// `GET /meetings/{id}/checkin/qr`: the code block alone, polled by htmx.
pub async fn qr_fragment(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let l = meeting_for(&st, &u, &raw).await?;
    let mut res = render(&qr(&st, &ctx, &headers, &l).await?)?;
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "meetings/scanned.html")]
struct ScannedPage {
    page: Page,
    meeting_id: i64,
    title: String,
    ok: bool,
    message: String,
}

/// `GET /checkin/{id}/{code}`: what a member's phone opens from the QR code. A GET that writes:
/// the code itself is the proof of presence and of intent (it cannot be guessed or reused
/// after a minute), and checking in twice changes nothing. Signed-out members are sent to sign
/// in and come back here.
pub async fn scan(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path((raw, code)): Path<(String, String)>,
) -> AppResult<Response> {
    let l = match meeting_for(&st, &u, &raw).await {
        Ok(l) => l,
        // Someone not invited and without rights on the org: the same words as "not invited".
        Err(AppError::Forbidden(_)) => {
            return scanned(&ctx, 0, String::new(), Err("checkin_not_invited"));
        }
        Err(e) => return Err(e),
    };
    let r = check_in(&st, &u, &l, &code).await;
    let title = l.meeting.title.clone();
    match r {
        Ok(o) => {
            let key = match (o.already, o.status) {
                (true, _) => "meetings.checked_in_already",
                (false, "late") => "meetings.checked_in_late",
                _ => "meetings.checked_in",
            };
            scanned(&ctx, l.meeting.id, title, Ok(key))
        }
        Err(AppError::BadRequest(code)) => scanned(&ctx, l.meeting.id, title, Err(code)),
        Err(e) => Err(e),
    }
}

fn scanned(
    ctx: &Ctx,
    meeting_id: i64,
    title: String,
    r: Result<&str, &str>,
) -> AppResult<Response> {
    let (ok, message) = match r {
        Ok(key) => (true, ctx.t(key).to_string()),
        Err(code) => (false, ctx.t(&format!("error.{code}")).to_string()),
    };
    let mut res = render(&ScannedPage {
        page: ctx.page("meetings.scan_title"),
        meeting_id,
        title,
        ok,
        message,
    })?;
    if !ok {
        *res.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(res)
}
