//! `GET /meetings/{id}/record.docx`: the 会议记录 in the usual layout — a table of the
//! meeting's particulars and attendance, then the minutes and resolutions, and lines for the
//! host's and recorder's signatures. Always in Chinese: it is the branch's official record.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{FixedOffset, Timelike};
use docx_rs::Docx;
use redbranch_db::meetings as dbm;
use redbranch_domain::meetings::MeetingKind;
use redbranch_i18n::{Locale, tr};
use serde_json::json;

use super::meeting_for;
use super::minutes::plain_text;
use crate::error::AppResult;
use crate::pipeline::forms::{cn_date, docx_response, fields_table, pack, para, title};
use crate::session::SignedIn;
use crate::state::AppState;

fn names(rows: &[dbm::AttendeeView], statuses: &[&str]) -> String {
    let v: Vec<&str> = rows
        .iter()
        .filter(|r| statuses.contains(&r.status.as_str()))
        .map(|r| r.name.as_str())
        .collect();
    if v.is_empty() {
        "无".into()
    } else {
        v.join("、")
    }
}

pub async fn export_record(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let l = meeting_for(&st, &u, &raw).await?;
    l.access.ensure_manage()?;
    let m = &l.meeting;
    let rows = dbm::attendees(&st.db.conn, u.tenant, m.id).await?;
    let kind = MeetingKind::from_code(&m.kind)
        .map(|k| tr(Locale::ZhCn, &k.key()).to_string())
        .unwrap_or_default();
    let cst = FixedOffset::east_opt(8 * 3600);
    let hm = |t: chrono::DateTime<chrono::Utc>| {
        let t = cst.map_or(t.naive_utc(), |z| t.with_timezone(&z).naive_local());
        format!("{:02}:{:02}", t.hour(), t.minute())
    };
    let place = match (&m.place, &m.online_link) {
        (Some(p), Some(link)) => format!("{p}（线上：{link}）"),
        (Some(p), None) => p.clone(),
        (None, Some(link)) => format!("线上：{link}"),
        (None, None) => String::new(),
    };
    let attended = rows
        .iter()
        .filter(|r| matches!(r.status.as_str(), "present" | "late"))
        .count();
    let table = fields_table(&[
        ("会议名称", m.title.clone()),
        ("会议类型", kind.clone()),
        ("党（团）组织", l.org.name.clone()),
        (
            "时间",
            format!(
                "{} {}—{}",
                cn_date(m.held_on),
                hm(m.starts_at),
                hm(m.ends_at)
            ),
        ),
        ("地点", place),
        ("主持人", m.host.clone().unwrap_or_default()),
        ("记录人", m.recorder.clone().unwrap_or_default()),
        ("应到人数", format!("{} 人", rows.len())),
        ("实到人数", format!("{attended} 人")),
        ("出席人员", names(&rows, &["present", "late"])),
        ("迟到人员", names(&rows, &["late"])),
        ("请假人员", names(&rows, &["leave"])),
        ("缺席人员", names(&rows, &["absent", "invited"])),
        ("议题", m.agenda.clone()),
    ]);
    let mut doc = Docx::new()
        .add_paragraph(title(&format!("{}会议记录", kind)))
        .add_paragraph(para(""))
        .add_table(table)
        .add_paragraph(para(""))
        .add_paragraph(para("会议内容："));
    for line in plain_text(m.minutes.as_deref().unwrap_or_default()).lines() {
        doc = doc.add_paragraph(para(line));
    }
    doc = doc
        .add_paragraph(para(""))
        .add_paragraph(para("会议决议："));
    for line in m.resolutions.as_deref().unwrap_or("无").lines() {
        doc = doc.add_paragraph(para(line));
    }
    doc = doc
        .add_paragraph(para(""))
        .add_paragraph(para("主持人（签字）：　　　　　　　记录人（签字）："));
    let bytes = pack(doc)?;
    // An export of personal data (names and attendance) is audited like any other.
    let e = crate::audit::entry(
        &u,
        "meeting_record_export",
        "meeting",
        m.id,
        Some(l.org.org_path()),
        None,
        Some(json!({"format": "docx"})),
    );
    redbranch_db::audit::append(&st.db.conn, u.tenant, e).await?;
    Ok(docx_response(bytes, &format!("meeting-{}.docx", m.id)))
}
