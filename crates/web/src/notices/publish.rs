//! Publishing a notice: from an org (`PublishNotices` there) to orgs of its subtree, to everyone
//! there or only to holders of chosen roles, with an optional document. The recipients are fixed
//! now; each gets an in-app notification, and a message on every channel that reaches them.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use redbranch_db::notices::{self as dbnotices, NewNotice, Notice};
use redbranch_db::org as dborg;
use redbranch_db::pipeline::due::{self as dbdue, NewNotification};
use redbranch_db::{ConnectionTrait, TransactionTrait};
use redbranch_domain::authz::{Permission, Role};
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::notices::Audience;
use redbranch_domain::org::{OrgId, OrgPath};
use redbranch_domain::tasks::{parse_body, parse_title};
use serde_json::json;

use crate::dossier::{Upload, read_upload};
use crate::error::{AppError, AppResult};
use crate::page::{Ctx, Page, render};
use crate::session::{CurrentUser, SignedIn, redirect_with_flash};
use crate::state::AppState;
use crate::tasks::FormState;
use crate::tasks::files::check_file;

/// What a notice is made of (form fields, or the same names in the API's multipart body).
#[derive(Debug, Default, Clone)]
pub struct NoticeInput {
    /// The publishing org.
    pub org_id: Option<i64>,
    /// Orgs of its subtree to send to; none: the publishing org's whole subtree.
    pub targets: Vec<i64>,
    /// Role codes; none: everyone.
    pub roles: Vec<String>,
    pub title: String,
    pub body: String,
    pub pinned: bool,
}

impl NoticeInput {
    pub fn from_upload(up: &Upload) -> Self {
        let many = |name: &str| -> Vec<String> {
            up.all
                .iter()
                .filter(|(k, _)| k == name)
                .flat_map(|(_, v)| v.split(','))
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect()
        };
        Self {
            org_id: up.field("org_id").parse().ok(),
            targets: many("targets")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
            roles: many("roles"),
            title: up.field("title").to_string(),
            body: up.field("body").to_string(),
            pinned: matches!(up.field("pinned"), "on" | "true" | "1"),
        }
    }
}

/// Checks and stores a notice with its recipients, notifications, file and audit entry; returns
/// the notice and its recipients' account ids (to send to once committed). Writes nothing on a
/// refusal.
pub async fn publish_notice(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    input: &NoticeInput,
    (up, max): (&Upload, usize),
) -> AppResult<(Notice, Vec<i64>)> {
    let org_id = input
        .org_id
        .ok_or_else(|| FieldError::new("field.notice_org", "error.required"))?;
    let org = dborg::get(c, u.tenant, OrgId(org_id))
        .await
        .map_err(|_| FieldError::new("field.notice_org", "tasks.error.unknown_org"))?;
    let from = org.org_path();
    u.grants.ensure(Permission::PublishNotices, &from)?;
    let mut errs = FieldErrors::default();
    let title = errs.take(parse_title("field.notice_title", &input.title));
    let body = errs.take(parse_body("field.notice_body", &input.body, true));
    let audience = errs.take(Audience::parse(
        "field.notice_roles",
        input.roles.iter().map(String::as_str),
    ));
    let file = check_file(up, "field.notice_file", max, &mut errs);
    let mut targets: Vec<(i64, OrgPath)> = Vec::new();
    let found = dborg::by_ids(c, u.tenant, &input.targets).await?;
    for id in &input.targets {
        match found.iter().find(|o| o.id == *id) {
            // Notices go down the tree: to the publishing org and what lies below it.
            Some(o) if from.contains(&o.org_path()) => targets.push((o.id, o.org_path())),
            _ => errs.push(FieldError::new(
                "field.notice_targets",
                "notices.error.target_outside",
            )),
        }
    }
    if input.targets.is_empty() {
        targets.push((org.id, from.clone()));
    }
    errs.into_result()?;
    let (Some(title), Some(body), Some(audience)) = (title, body, audience) else {
        return Err(FieldErrors::default().into());
    };
    let roots: Vec<OrgPath> = targets.iter().map(|(_, p)| p.clone()).collect();
    let mut recipients: Vec<i64> = dbnotices::candidates(c, u.tenant, &roots)
        .await?
        .into_iter()
        .filter(|(id, cand)| *id != u.user_id.0 && audience.includes(cand.member, &cand.roles))
        .map(|(id, _)| id)
        .collect();
    recipients.sort_unstable();
    if recipients.is_empty() {
        return Err(FieldError::new("field.notice_targets", "notices.error.nobody").into());
    }
    let target_ids: Vec<i64> = targets.iter().map(|(id, _)| *id).collect();
    let n = dbnotices::publish(
        c,
        u.tenant,
        NewNotice {
            org_id,
            title,
            body,
            roles: audience.to_stored(),
            pinned: input.pinned,
            on: st.clock.today(),
            by: u.user_id,
        },
        &target_ids,
        &recipients,
    )
    .await?;
    let stored = match file {
        Some(f) => Some(crate::tasks::store_attachment(c, u, ("notice", n.id), f).await?),
        None => None,
    };
    let notes: Vec<NewNotification> = recipients
        .iter()
        .map(|id| NewNotification {
            user_id: *id,
            kind: "notices.notification.new".into(),
            args: json!({"title": n.title, "org": org.name}),
            link: Some(format!("/notices/{}", n.id)),
            dedupe: format!("notice:{}", n.id),
        })
        .collect();
    dbdue::notify(c, u.tenant, &notes).await?;
    let after = json!({"notice_id": n.id, "title": n.title, "targets": target_ids,
        "roles": n.roles, "pinned": n.pinned, "recipients": recipients.len(),
        "file": stored.as_ref().map(|a| json!({"id": a.id, "filename": a.filename, "sha256": a.sha256}))});
    let e = crate::audit::entry(
        u,
        "notice_publish",
        "notice",
        n.id,
        Some(from),
        None,
        Some(after),
    );
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok((n, recipients))
}

#[derive(Template)]
#[template(path = "notices/new.html")]
struct NewNoticePage {
    page: Page,
    /// (id, name, depth) of the orgs the viewer may publish from and to.
    orgs: Vec<(i64, String, usize)>,
    roles: Vec<(&'static str, String)>,
    max_mb: usize,
    form: FormState,
}

async fn render_new(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    form: FormState,
) -> AppResult<Response> {
    let mut orgs = Vec::new();
    for root in &u.grants.scope(Permission::PublishNotices).roots {
        let base = root.depth();
        orgs.extend(
            dborg::subtree(&st.db.conn, u.tenant, root, None)
                .await?
                .into_iter()
                .map(|o| {
                    let d = o.org_path().depth().saturating_sub(base);
                    (o.id, o.name, d)
                }),
        );
    }
    let roles = Role::ALL
        .into_iter()
        .filter(|r| *r != Role::SystemAdmin)
        .map(|r| (r.code(), ctx.t(r.label_key()).to_string()))
        .collect();
    let mut page = ctx.page("notices.new_title");
    page.back = Some("/notices".into());
    let refused = form.any();
    let mut res = render(&NewNoticePage {
        page,
        orgs,
        roles,
        max_mb: redbranch_domain::dossier::megabytes(
            crate::dossier::max_document_bytes(st, u).await?,
        ),
        form,
    })?;
    if refused {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /notices/new`: the form (for holders of `PublishNotices`).
pub async fn new_notice(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
) -> AppResult<Response> {
    if !u.grants.anywhere(Permission::PublishNotices) {
        return Err(AppError::Forbidden(redbranch_domain::authz::Forbidden(
            Permission::PublishNotices,
        )));
    }
    render_new(&st, &ctx, &u, FormState::default()).await
}

/// Reads the multipart body of a notice and publishes it in one transaction; sends once
/// committed. Shared by the page and the API.
pub async fn publish_from(
    st: &AppState,
    u: &CurrentUser,
    form: Multipart,
) -> (AppResult<Notice>, Upload) {
    let max = match crate::dossier::max_document_bytes(st, u).await {
        Ok(m) => m,
        Err(e) => return (Err(e), Upload::default()),
    };
    let up = match read_upload(form, max).await {
        Ok(up) => up,
        Err(e) => return (Err(e), Upload::default()),
    };
    let r = publish_in_txn(st, u, &up, max).await;
    (r, up)
}

async fn publish_in_txn(
    st: &AppState,
    u: &CurrentUser,
    up: &Upload,
    max: usize,
) -> AppResult<Notice> {
    let input = NoticeInput::from_upload(up);
    let txn = st.db.conn.begin().await?;
    let (n, recipients) = publish_notice(st, &txn, u, &input, (up, max)).await?;
    txn.commit().await?;
    super::remind::send_out(st, &n, &recipients, "notices.mail.new").await;
    Ok(n)
}

/// `POST /notices` from the page's form.
pub async fn publish_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    form: Multipart,
) -> AppResult<Response> {
    match publish_from(&st, &u, form).await {
        (Ok(n), _) => Ok(redirect_with_flash(
            &format!("/notices/{}", n.id),
            "ok",
            "notices.flash.published",
            st.settings.cookie_secure,
        )),
        (Err(AppError::Invalid(errs)), up) => {
            let values: HashMap<String, String> = up.fields.clone();
            let mut form = FormState::from_errors(&ctx, values, &errs);
            form.multi = up.all.clone();
            render_new(&st, &ctx, &u, form).await
        }
        (Err(e), _) => Err(e),
    }
}
