//! Publishing a lesson and reading its participation: `POST /lessons` (publish, audited as
//! `lesson_publish`), `GET /lessons/{id}/participation?org=` (the rollup of the org's subtree,
//! its children ranked by rate, and for a branch who has not completed), `POST
//! /lessons/{id}/remind?org=` (an in-app reminder to each of them, once) and
//! `GET /lessons/{id}/participation.xlsx?org=` (the provincial table).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use redbranch_db::ConnectionTrait;
use redbranch_db::lessons::{self as dblessons, NewLesson, Participation, Pending};
use redbranch_db::org::{self as dborg, Org};
use redbranch_db::pipeline::due::{NewNotification, notify};
use redbranch_domain::authz::Permission;
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::lessons::{Question, check_lesson};
use redbranch_domain::org::{OrgId, OrgKind};
use redbranch_domain::points::{percent_text, permille};
use redbranch_sheets::Cell;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::org_for;
use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::{Ctx, Page, render};
use crate::render::field_message;
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;

/// A lesson to publish (JSON).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct PublishInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub video_url: String,
    /// A video uploaded first (`POST /api/v1/weekly-lessons/media`), played instead of a URL.
    #[serde(default)]
    pub media_id: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    #[serde(default)]
    pub org_ids: Vec<i64>,
    #[serde(default)]
    pub questions: Vec<Question>,
}

/// The publish form as typed (kept when refused) and its messages.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub video_url: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub org_id: String,
    /// One question per block separated by a blank line: the prompt, then one option per
    /// line, the right one starting with `*`.
    #[serde(default)]
    pub questions: String,
    #[serde(skip)]
    pub errors: HashMap<&'static str, String>,
}

impl PublishForm {
    pub fn err(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

/// Reads the publish form's question text (see [`PublishForm::questions`]).
pub fn parse_questions(text: &str) -> Vec<Question> {
    let norm = text.replace("\r\n", "\n");
    norm.split("\n\n")
        .filter(|b| !b.trim().is_empty())
        .map(|block| {
            let mut lines = block.lines().map(str::trim).filter(|l| !l.is_empty());
            let prompt = lines.next().unwrap_or_default().to_string();
            let mut answer = usize::MAX;
            let options = lines
                .enumerate()
                .map(
                    |(i, l)| match l.strip_prefix('*').or_else(|| l.strip_prefix('＊')) {
                        Some(rest) => {
                            answer = i;
                            rest.trim().to_string()
                        }
                        None => l.to_string(),
                    },
                )
                .collect();
            Question {
                prompt,
                options,
                answer,
            }
        })
        .collect()
}

/// Publishes to the League orgs under `org_ids` (PublishLessons on each), audited.
pub async fn publish_lesson(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    input: &PublishInput,
) -> AppResult<i64> {
    let mut roots = Vec::new();
    for id in &input.org_ids {
        let o = dborg::get(c, u.tenant, OrgId(*id)).await?;
        u.grants.ensure(Permission::PublishLessons, &o.org_path())?;
        if o.tree != "league" {
            return Err(FieldError::new("field.lesson_orgs", "lessons.error.league_only").into());
        }
        roots.push(o.org_path());
    }
    let mut errs = FieldErrors::default();
    if roots.is_empty() {
        errs.push(FieldError::new("field.lesson_orgs", "error.required"));
    }
    let starts = input.starts_on;
    let ends = input.ends_on;
    if starts.is_none() {
        errs.push(FieldError::new("field.lesson_starts_on", "error.required"));
    }
    if ends.is_none() {
        errs.push(FieldError::new("field.lesson_ends_on", "error.required"));
    }
    let (Some(s), Some(e)) = (starts, ends) else {
        return Err(errs.into());
    };
    if let Some(m) = input.media_id
        && let Err(AppError::Invalid(more)) = super::video::ensure_unused_upload(c, u, m).await
    {
        errs.0.extend(more.0);
    }
    let video = (input.video_url.as_str(), input.media_id.is_some());
    if let Err(more) = check_lesson(&input.title, video, (s, e), &input.questions) {
        errs.0.extend(more.0);
    }
    errs.into_result()?;
    let lesson = NewLesson {
        title: &input.title,
        video_url: &input.video_url,
        media_id: input.media_id,
        questions: &input.questions,
        period: (s, e),
    };
    let id = dblessons::publish(c, u.tenant, lesson, &roots, u.user_id.0).await?;
    let after = json!({"lesson_id": id, "title": input.title.trim(), "starts_on": s, "ends_on": e, "org_ids": input.org_ids, "questions": input.questions.len(), "media_id": input.media_id});
    let entry = crate::audit::entry(
        u,
        "lesson_publish",
        "lesson",
        id,
        roots.first().cloned(),
        None,
        Some(after),
    );
    redbranch_db::audit::append(c, u.tenant, entry).await?;
    Ok(id)
}

pub(super) async fn render_index(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    f: PublishForm,
) -> AppResult<Response> {
    super::take::render_lessons(st, ctx, u, f).await
}

/// `POST /lessons` (multipart, CSRF token in the query): the publish form, with the video as a
/// file (`file`) or a URL. The upload and the lesson are one transaction: a refusal of either
/// writes neither.
pub async fn submit_publish(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    form: Multipart,
) -> AppResult<Response> {
    let max = super::video::max_video_bytes(&st, u.tenant).await?;
    let up = crate::dossier::read_upload(form, max).await?;
    let mut f = PublishForm {
        title: up.field("title").to_string(),
        video_url: up.field("video_url").to_string(),
        starts_on: up.field("starts_on").to_string(),
        ends_on: up.field("ends_on").to_string(),
        org_id: up.field("org_id").to_string(),
        questions: up.fields.get("questions").cloned().unwrap_or_default(),
        errors: HashMap::new(),
    };
    let mut input = PublishInput {
        title: f.title.clone(),
        video_url: f.video_url.clone(),
        media_id: None,
        starts_on: f.starts_on.trim().parse().ok(),
        ends_on: f.ends_on.trim().parse().ok(),
        org_ids: f.org_id.trim().parse().ok().into_iter().collect(),
        questions: parse_questions(&f.questions),
    };
    let txn = redbranch_db::points::begin_write(&st.db.conn).await?;
    let result = async {
        if up.file.is_some() {
            let id = input.org_ids.first().copied().unwrap_or_default();
            let org = dborg::get(&txn, u.tenant, OrgId(id))
                .await
                .map_err(|_| FieldError::new("field.lesson_orgs", "error.required"))?;
            input.media_id = Some(
                super::video::store_video(&txn, &u, &org, &up, max)
                    .await?
                    .id,
            );
        }
        publish_lesson(&txn, &u, &input).await
    }
    .await;
    match result {
        Ok(id) => {
            txn.commit().await?;
            Ok(redirect_with_flash(
                &format!("/lessons/{id}/participation"),
                "ok",
                "lessons.published",
                st.settings.cookie_secure,
            ))
        }
        Err(AppError::Invalid(errs)) => {
            txn.rollback().await?;
            f.errors = errs
                .0
                .iter()
                .map(|e| (e.field, field_message(ctx.locale, e)))
                .collect();
            render_index(&st, &ctx, &u, f).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct OrgQuery {
    pub org: Option<i64>,
}

/// A row of the participation table.
#[derive(Debug, Clone, Serialize)]
pub struct PartRow {
    #[serde(flatten)]
    pub p: Participation,
    /// Members who completed ÷ members, in tenths of a percent.
    pub rate_permille: Option<i64>,
    pub rate_text: String,
    /// All completions ÷ members (the provincial figure; may exceed 100 %).
    pub all_rate_permille: Option<i64>,
    pub all_rate_text: String,
}

/// The org (PublishLessons or ViewMembers on it) and its participation rows, the org first.
pub async fn participation(
    st: &AppState,
    u: &CurrentUser,
    id: i64,
    org: Option<i64>,
) -> AppResult<(Org, Vec<PartRow>)> {
    let lesson = dblessons::lesson(&st.db.conn, u.tenant, id).await?;
    let org = match org_for(st, u, org, Permission::PublishLessons).await {
        Ok(o) => o,
        Err(_) => org_for(st, u, org, Permission::ViewMembers).await?,
    };
    let rows = dblessons::rollup(&st.db.conn, u.tenant, lesson.id, &org.org_path()).await?;
    let rows = rows
        .into_iter()
        .map(|p| {
            let rate = permille(p.member_done, p.members);
            let all = permille(p.all_done, p.members);
            PartRow {
                rate_permille: rate,
                rate_text: percent_text(rate),
                all_rate_permille: all,
                all_rate_text: percent_text(all),
                p,
            }
        })
        .collect();
    Ok((org, rows))
}

/// The 团员 of a branch who have not completed (ViewMembers on the branch).
pub async fn pending(
    st: &AppState,
    u: &CurrentUser,
    id: i64,
    org: &Org,
) -> AppResult<Vec<Pending>> {
    u.grants.ensure(Permission::ViewMembers, &org.org_path())?;
    Ok(dblessons::not_completed(&st.db.conn, u.tenant, id, org.id).await?)
}

/// Sends each of them an in-app reminder (once per lesson); returns how many were reminded.
pub async fn remind(st: &AppState, u: &CurrentUser, id: i64, org: &Org) -> AppResult<usize> {
    let lesson = dblessons::lesson(&st.db.conn, u.tenant, id).await?;
    let who = pending(st, u, id, org).await?;
    let ids: Vec<i64> = who.iter().map(|p| p.person_id).collect();
    let accounts = dblessons::accounts_of(&st.db.conn, u.tenant, &ids).await?;
    let items: Vec<NewNotification> = accounts
        .iter()
        .map(|(_, user)| NewNotification {
            user_id: *user,
            kind: "lessons.reminder".into(),
            args: json!({"title": lesson.title, "until": lesson.ends_on.to_string()}),
            link: Some(format!("/lessons/{id}")),
            dedupe: format!("lesson:{id}"),
        })
        .collect();
    let txn = redbranch_db::points::begin_write(&st.db.conn).await?;
    notify(&txn, u.tenant, &items).await?;
    txn.commit().await?;
    Ok(items.len())
}

#[derive(Template)]
#[template(path = "lessons/participation.html")]
struct PartPage {
    page: Page,
    lesson_id: i64,
    org: Org,
    rows: Vec<PartRow>,
    children: Vec<PartRow>,
    pending: Option<Vec<Pending>>,
}

pub async fn show_participation(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let lesson = dblessons::lesson(&st.db.conn, u.tenant, id).await?;
    let (org, rows) = participation(&st, &u, id, q.org).await?;
    let mut children: Vec<PartRow> = rows
        .iter()
        .filter(|r| r.p.parent_id == Some(org.id))
        .cloned()
        .collect();
    children.sort_by_key(|r| std::cmp::Reverse(r.rate_permille.unwrap_or(-1)));
    let is_branch = OrgKind::from_code(&org.kind).is_some_and(OrgKind::holds_members);
    let pending = if is_branch && u.grants.allows(Permission::ViewMembers, &org.org_path()) {
        Some(pending(&st, &u, id, &org).await?)
    } else {
        None
    };
    let mut page =
        ctx.page_titled(ctx.ta("lessons.participation_title", &[("title", lesson.title)]));
    page.back = Some(format!("/lessons/{id}"));
    render(&PartPage {
        page,
        lesson_id: id,
        org,
        rows,
        children,
        pending,
    })
}

pub async fn submit_remind(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let org_id = q.org.ok_or(AppError::BadRequest("bad_request"))?;
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(org_id)).await?;
    remind(&st, &u, id, &org).await?;
    Ok(redirect_with_flash(
        &format!("/lessons/{id}/participation?org={org_id}"),
        "ok",
        "lessons.reminded",
        st.settings.cookie_secure,
    ))
}

/// The columns of the provincial 青年大学习 table.
const HEADERS: [&str; 8] = [
    "序号",
    "组织名称",
    "上级组织",
    "团员数",
    "已学习团员数",
    "团员参与率",
    "学习总人次",
    "总人次/团员数",
];

pub async fn export_xlsx(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
    Query(q): Query<OrgQuery>,
) -> AppResult<Response> {
    let id = parse_id(&raw)?;
    let (org, rows) = participation(&st, &u, id, q.org).await?;
    let names: HashMap<i64, String> = rows
        .iter()
        .map(|r| (r.p.org_id, r.p.name.clone()))
        .collect();
    let n = rows.len();
    let cells = rows.iter().enumerate().map(|(i, r)| {
        vec![
            Cell::Number((i + 1) as f64),
            Cell::Text(r.p.name.clone()),
            Cell::Text(
                r.p.parent_id
                    .and_then(|p| names.get(&p).cloned())
                    .unwrap_or_default(),
            ),
            Cell::Number(r.p.members as f64),
            Cell::Number(r.p.member_done as f64),
            Cell::Text(r.rate_text.clone()),
            Cell::Number(r.p.all_done as f64),
            Cell::Text(r.all_rate_text.clone()),
        ]
    });
    let bytes = redbranch_sheets::write_xlsx("青年大学习", &HEADERS, cells)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing the participation table: {e}")))?;
    let e = crate::audit::entry(
        &u,
        "export",
        "lesson",
        id,
        Some(org.org_path()),
        None,
        Some(json!({"rows": n})),
    );
    redbranch_db::audit::append(&st.db.conn, u.tenant, e).await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"lesson-{id}-{}.xlsx\"",
        org.id
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
