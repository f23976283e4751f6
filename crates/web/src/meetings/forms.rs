//! The plain-form POSTs of the meeting pages. Each runs its action in a transaction that
//! commits only if it succeeded; success redirects with a flash, a refusal re-renders the page
//! (422) with the messages under the fields and what was typed kept.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use redbranch_db::TransactionTrait;

use super::pages::{Failed, new_page, show_page};
use super::{CorrectionInput, LeaveDecision, Loaded, MeetingInput, MinutesInput, meeting_for};
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::Ctx;
use crate::render::field_message;
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// A urlencoded body as pairs (a name may repeat: the invitee boxes).
fn pairs(body: &[u8]) -> AppResult<Vec<(String, String)>> {
    serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest("bad_form"))
}

fn one(p: &[(String, String)], name: &str) -> String {
    p.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn kept(form: &'static str, row: i64, p: &[(String, String)]) -> Failed {
    let mut values: HashMap<String, String> = HashMap::new();
    for (k, v) in p {
        values
            .entry(k.clone())
            .and_modify(|e| {
                e.push(',');
                e.push_str(v);
            })
            .or_insert_with(|| v.clone());
    }
    Failed {
        form,
        row,
        values,
        errors: HashMap::new(),
    }
}

/// Runs one write in a transaction that commits only if it succeeded.
macro_rules! in_txn {
    ($st:expr, |$c:ident| $body:expr) => {{
        let txn = $st.db.conn.begin().await?;
        let $c = &txn;
        let r = $body;
        if r.is_ok() {
            txn.commit().await?;
        }
        r
    }};
}

/// After a form on the meeting page: back to it with a flash, or the page with the messages.
async fn finish(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    l: Loaded,
    result: AppResult<()>,
    mut failed: Failed,
    ok_key: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/meetings/{}", l.meeting.id),
            "ok",
            ok_key,
            st.settings.cookie_secure,
        )),
        Err(AppError::Invalid(errs)) => {
            for e in &errs.0 {
                failed.errors.insert(e.field, field_message(ctx.locale, e));
            }
            show_page(st, ctx, u, l, failed).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /meetings`: plan a meeting.
pub async fn create_meeting_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    body: Bytes,
) -> AppResult<Response> {
    let p = pairs(&body)?;
    let org_id = one(&p, "org_id").trim().parse::<i64>().unwrap_or(0);
    let input = MeetingInput {
        org_id,
        kind: one(&p, "kind"),
        title: one(&p, "title"),
        date: one(&p, "date"),
        start: one(&p, "start"),
        end: one(&p, "end"),
        place: one(&p, "place"),
        online_link: one(&p, "online_link"),
        agenda: one(&p, "agenda"),
        // The form lists the members with boxes; `invitees_listed` says it did.
        invitees: (!one(&p, "invitees_listed").is_empty()).then(|| {
            p.iter()
                .filter(|(k, _)| k == "invitees")
                .filter_map(|(_, v)| v.parse().ok())
                .collect()
        }),
    };
    let result = in_txn!(st, |c| super::create_meeting(c, &u, &input).await);
    match result {
        Ok(m) => Ok(redirect_with_flash(
            &format!("/meetings/{}", m.id),
            "ok",
            "meetings.created",
            st.settings.cookie_secure,
        )),
        Err(AppError::Invalid(errs)) => {
            let mut failed = kept("new", 0, &p);
            for e in &errs.0 {
                failed.errors.insert(e.field, field_message(ctx.locale, e));
            }
            new_page(&st, &ctx, &u, Some(org_id), failed).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /meetings/{id}/leave`: the caller asks for leave.
pub async fn request_leave_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let l = meeting_for(&st, &u, &raw).await?;
    let p = pairs(&body)?;
    let reason = one(&p, "reason");
    let result = in_txn!(st, |c| super::request_leave(&st, c, &u, &l, &reason).await);
    finish(
        &st,
        &ctx,
        &u,
        l,
        result,
        kept("leave", 0, &p),
        "meetings.leave_requested",
    )
    .await
}

/// `POST /meetings/{id}/leave/{person}`: approve or reject.
pub async fn decide_leave_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path((raw, raw_person)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Response> {
    let l = meeting_for(&st, &u, &raw).await?;
    let person = parse_id(&raw_person)?;
    let p = pairs(&body)?;
    let input = LeaveDecision {
        decision: one(&p, "decision"),
    };
    let result = in_txn!(st, |c| super::decide_leave(c, &u, &l, person, &input).await);
    finish(
        &st,
        &ctx,
        &u,
        l,
        result,
        kept("decide", person, &p),
        "meetings.leave_decided",
    )
    .await
}

/// `POST /meetings/{id}/attendance/{person}`: the organiser corrects attendance with a reason.
pub async fn correct_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path((raw, raw_person)): Path<(String, String)>,
    body: Bytes,
) -> AppResult<Response> {
    let l = meeting_for(&st, &u, &raw).await?;
    let person = parse_id(&raw_person)?;
    let p = pairs(&body)?;
    let input = CorrectionInput {
        status: one(&p, "status"),
        reason: one(&p, "reason"),
    };
    let result = in_txn!(st, |c| super::correct_attendance(
        &st, c, &u, &l, person, &input
    )
    .await);
    finish(
        &st,
        &ctx,
        &u,
        l,
        result,
        kept("correct", person, &p),
        "meetings.attendance_saved",
    )
    .await
}

/// `POST /meetings/{id}/minutes`: record the 会议记录.
pub async fn minutes_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let l = meeting_for(&st, &u, &raw).await?;
    let p = pairs(&body)?;
    let input = MinutesInput {
        minutes: one(&p, "minutes"),
        resolutions: one(&p, "resolutions"),
        host: one(&p, "host"),
        recorder: one(&p, "recorder"),
    };
    let result = in_txn!(st, |c| super::record_minutes(&st, c, &u, &l, &input).await);
    finish(
        &st,
        &ctx,
        &u,
        l,
        result,
        kept("minutes", 0, &p),
        "meetings.minutes_saved",
    )
    .await
}

/// `POST /meetings/{id}/files` (multipart, CSRF token in the query): a photo or attachment.
pub async fn upload_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    form: Multipart,
) -> AppResult<Response> {
    let l = meeting_for(&st, &u, &raw).await?;
    l.access.ensure_manage()?;
    let max = super::files::max_file_bytes(&st, &u).await?;
    let up = crate::dossier::read_upload(form, max).await?;
    let result = in_txn!(st, |c| super::store_file(c, &u, &l, &up, max)
        .await
        .map(|_| ()));
    let failed = Failed {
        form: "upload",
        row: 0,
        values: up.fields.clone(),
        errors: HashMap::new(),
    };
    finish(&st, &ctx, &u, l, result, failed, "meetings.file_saved").await
}
