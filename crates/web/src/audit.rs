//! Writing audit entries from handlers, and the audit log pages.

use redbranch_db::audit::Entry;
use redbranch_domain::org::OrgPath;
use serde_json::Value;

use crate::session::CurrentUser;

/// An audit entry for something `user` did.
pub fn entry(
    user: &CurrentUser,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    org: Option<OrgPath>,
    before: Option<Value>,
    after: Option<Value>,
) -> Entry {
    Entry {
        actor_user_id: Some(user.user_id.0),
        actor_login: user.login.clone(),
        ip: user.ip.clone(),
        action: action.into(),
        entity: entity.into(),
        entity_id: Some(entity_id.to_string()),
        org_path: org,
        before,
        after,
    }
}

/// One row of the audit page.
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub ip: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub change: String,
}

#[derive(askama::Template)]
#[template(path = "audit/index.html")]
struct AuditPage {
    page: crate::page::Page,
    rows: Vec<AuditRow>,
    total: u64,
    page_no: u64,
    pages: u64,
    query: String,
    actor: String,
    action: String,
    entity: String,
}

#[derive(serde::Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    entity: String,
    #[serde(default)]
    page: Option<String>,
}

fn short(v: Option<&str>) -> String {
    let s = v.unwrap_or("");
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s.to_string()
    }
}

/// GET /audit: the log within the viewer's scope, newest first.
pub async fn list_audit(
    axum::extract::State(st): axum::extract::State<crate::state::AppState>,
    ctx: crate::page::Ctx,
    crate::session::SignedIn(u): crate::session::SignedIn,
    axum::extract::Query(q): axum::extract::Query<AuditQuery>,
) -> crate::error::AppResult<axum::response::Response> {
    use redbranch_domain::authz::{Forbidden, Permission};
    let scope = u.grants.scope(Permission::ViewAudit);
    if scope.is_empty() {
        return Err(crate::error::AppError::Forbidden(Forbidden(
            Permission::ViewAudit,
        )));
    }
    let page_no = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<u64>().ok())
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    let filter = redbranch_db::audit::AuditFilter {
        actor: Some(q.actor.clone()),
        action: Some(q.action.clone()),
        entity: Some(q.entity.clone()),
        page: page_no,
        per_page: 50,
        ..Default::default()
    };
    let (records, total) =
        redbranch_db::audit::list(&st.db.conn, u.tenant, &scope, &filter).await?;
    let rows = records
        .into_iter()
        .map(|r| AuditRow {
            seq: r.seq,
            at: crate::fmt::beijing(r.at, "%Y-%m-%d %H:%M:%S"),
            actor: r.actor_login,
            ip: r.ip.unwrap_or_default(),
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id.unwrap_or_default(),
            change: match (r.before_value.as_deref(), r.after_value.as_deref()) {
                (Some(b), Some(a)) => format!("{} → {}", short(Some(b)), short(Some(a))),
                (None, a) => short(a),
                (b, None) => short(b),
            },
        })
        .collect();
    let query = serde_urlencoded::to_string([
        ("actor", &q.actor),
        ("action", &q.action),
        ("entity", &q.entity),
    ])
    .unwrap_or_default();
    crate::page::render(&AuditPage {
        page: ctx.page("nav.audit"),
        rows,
        total,
        page_no,
        pages: total.div_ceil(50).max(1),
        query,
        actor: q.actor,
        action: q.action,
        entity: q.entity,
    })
}
