//! Accounts, role grants, database-backed sessions, API tokens and login attempts.
//!
//! Everything here lives in the database so that any node behind a load balancer can serve any
//! request: a lockout counted on one node holds on all of them.

pub mod entity;

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use redbranch_domain::authz::{Grant, Grants, Role};
use redbranch_domain::org::{OrgId, OrgPath};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use sha2::{Digest, Sha256};

use crate::DbError;
use crate::batch;
use crate::org::entity::orgs;
use crate::tenants::{Tenant, TenantId};
use entity::{api_tokens, login_attempts, role_grants, sessions, users};

pub use entity::sessions::Model as Session;
pub use entity::users::Model as User;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct UserId(pub i64);

/// SHA-256 hex of a bearer secret (cookie value or API token).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh 256-bit random secret, URL-safe.
pub fn new_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

pub struct NewUser<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    pub password_hash: String,
    pub person_id: Option<i64>,
    pub must_change_password: bool,
}

pub async fn create_user(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    u: NewUser<'_>,
) -> Result<User, DbError> {
    let now = Utc::now();
    Ok(users::ActiveModel {
        tenant_id: Set(tenant.0),
        person_id: Set(u.person_id),
        login: Set(u.login.to_string()),
        display_name: Set(u.display_name.to_string()),
        password_hash: Set(u.password_hash),
        must_change_password: Set(u.must_change_password),
        password_changed_at: Set(now),
        totp_secret_cipher: Set(None),
        totp_enabled: Set(false),
        failed_logins: Set(0),
        locked_until: Set(None),
        disabled: Set(false),
        locale: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

pub async fn user_by_login(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    login: &str,
) -> Result<Option<User>, DbError> {
    Ok(users::Entity::find()
        .filter(users::Column::TenantId.eq(tenant.0))
        .filter(users::Column::Login.eq(login))
        .one(c)
        .await?)
}

pub async fn user(c: &impl ConnectionTrait, id: UserId) -> Result<User, DbError> {
    users::Entity::find_by_id(id.0)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn user_by_person(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    person_id: i64,
) -> Result<Option<User>, DbError> {
    Ok(users::Entity::find()
        .filter(users::Column::TenantId.eq(tenant.0))
        .filter(users::Column::PersonId.eq(person_id))
        .one(c)
        .await?)
}

pub async fn set_password(
    c: &impl ConnectionTrait,
    id: UserId,
    hash: String,
    must_change: bool,
) -> Result<(), DbError> {
    users::ActiveModel {
        id: Set(id.0),
        password_hash: Set(hash),
        must_change_password: Set(must_change),
        password_changed_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(c)
    .await?;
    Ok(())
}

pub async fn set_totp(
    c: &impl ConnectionTrait,
    id: UserId,
    secret_cipher: Option<Vec<u8>>,
    enabled: bool,
) -> Result<(), DbError> {
    users::ActiveModel {
        id: Set(id.0),
        totp_secret_cipher: Set(secret_cipher),
        totp_enabled: Set(enabled),
        ..Default::default()
    }
    .update(c)
    .await?;
    Ok(())
}

pub async fn set_locale(c: &impl ConnectionTrait, id: UserId, locale: &str) -> Result<(), DbError> {
    users::ActiveModel {
        id: Set(id.0),
        locale: Set(Some(locale.to_string())),
        ..Default::default()
    }
    .update(c)
    .await?;
    Ok(())
}

/// Records a failed sign-in; locks the account until `lock_until` when given.
pub async fn note_failure(
    c: &impl ConnectionTrait,
    id: UserId,
    failures: i32,
    lock_until: Option<DateTime<Utc>>,
) -> Result<(), DbError> {
    users::ActiveModel {
        id: Set(id.0),
        failed_logins: Set(failures),
        locked_until: Set(lock_until),
        ..Default::default()
    }
    .update(c)
    .await?;
    Ok(())
}

pub async fn clear_failures(c: &impl ConnectionTrait, id: UserId) -> Result<(), DbError> {
    note_failure(c, id, 0, None).await
}

pub async fn record_attempt(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    login: &str,
    ip: &str,
    ok: bool,
) -> Result<(), DbError> {
    login_attempts::ActiveModel {
        tenant_id: Set(tenant.0),
        login: Set(login.to_string()),
        ip: Set(ip.to_string()),
        succeeded: Set(ok),
        attempted_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// Failed attempts for `login` since `since` (counted across all nodes).
pub async fn recent_failures(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    login: &str,
    since: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(login_attempts::Entity::find()
        .filter(login_attempts::Column::TenantId.eq(tenant.0))
        .filter(login_attempts::Column::Login.eq(login))
        .filter(login_attempts::Column::Succeeded.eq(false))
        .filter(login_attempts::Column::AttemptedAt.gte(since))
        .count(c)
        .await?)
}

/// Failed attempts from one address since `since`, whatever account they tried.
pub async fn recent_failures_from_ip(
    c: &impl ConnectionTrait,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(login_attempts::Entity::find()
        .filter(login_attempts::Column::Ip.eq(ip))
        .filter(login_attempts::Column::Succeeded.eq(false))
        .filter(login_attempts::Column::AttemptedAt.gte(since))
        .count(c)
        .await?)
}

/// A grant with its org, as the roles page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GrantView {
    pub id: i64,
    pub role: Role,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
}

pub async fn grant_views(c: &impl ConnectionTrait, id: UserId) -> Result<Vec<GrantView>, DbError> {
    let rows = role_grants::Entity::find()
        .find_also_related(orgs::Entity)
        .filter(role_grants::Column::UserId.eq(id.0))
        .order_by_asc(role_grants::Column::Id)
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(g, o)| {
            let o = o?;
            Some(GrantView {
                id: g.id,
                role: Role::from_code(&g.role)?,
                org_id: o.id,
                org_name: o.name,
                org_path: o.path,
            })
        })
        .collect())
}

/// The user's roles with the paths of the orgs they are held on.
pub async fn grants(c: &impl ConnectionTrait, id: UserId) -> Result<Grants, DbError> {
    Ok(Grants(
        grant_views(c, id)
            .await?
            .into_iter()
            .map(|g| Grant {
                role: g.role,
                org: OrgPath::from_stored(g.org_path),
            })
            .collect(),
    ))
}

pub async fn grant(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    role: Role,
    org: OrgId,
    by: Option<UserId>,
) -> Result<i64, DbError> {
    let g = role_grants::ActiveModel {
        tenant_id: Set(tenant.0),
        user_id: Set(user.0),
        role: Set(role.code().into()),
        org_id: Set(org.0),
        granted_at: Set(Utc::now()),
        granted_by: Set(by.map(|b| b.0)),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(g.id)
}

pub async fn revoke(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    grant_id: i64,
) -> Result<role_grants::Model, DbError> {
    let g = role_grants::Entity::find_by_id(grant_id)
        .filter(role_grants::Column::TenantId.eq(tenant.0))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    role_grants::Entity::delete_by_id(grant_id).exec(c).await?;
    Ok(g)
}

/// Starts a session; returns the cookie value (only its hash is stored).
pub async fn create_session(
    c: &impl ConnectionTrait,
    user: UserId,
    mfa_passed: bool,
    ip: &str,
    user_agent: &str,
) -> Result<(String, Session), DbError> {
    let token = new_secret();
    let now = Utc::now();
    let s = sessions::ActiveModel {
        token_hash: Set(token_hash(&token)),
        user_id: Set(user.0),
        csrf_token: Set(new_secret()),
        mfa_passed: Set(mfa_passed),
        created_at: Set(now),
        last_seen_at: Set(now),
        ip: Set(Some(ip.to_string())),
        user_agent: Set(Some(user_agent.chars().take(200).collect())),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok((token, s))
}

/// A credential presented with a request, by its hash: a session cookie or an API token.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Credential {
    Session(String),
    ApiToken(String),
}

impl Credential {
    pub fn session(cookie: &str) -> Self {
        Self::Session(token_hash(cookie))
    }

    pub fn api_token(token: &str) -> Self {
        Self::ApiToken(token_hash(token))
    }
}

/// Whose a credential is: the session or token row with its account, school and grants.
#[derive(Debug, Clone)]
pub enum Holder {
    Session(Session, User, Tenant, Grants),
    ApiToken(api_tokens::Model, User, Tenant, Grants),
}

/// Reads the holders of several credentials in at most one query per kind (this runs before
/// every signed-in request; under load the requests of a moment are read together): per
/// credential in order, its holder, or none for an unknown one or an account or school that
/// is gone. An API token's expiry is the caller's to check.
pub async fn holders(
    c: &impl ConnectionTrait,
    creds: &[Credential],
) -> Result<Vec<Option<Holder>>, DbError> {
    let b = c.get_database_backend();
    let (mut sessions_of, mut tokens_of) = (Vec::new(), Vec::new());
    for cred in creds {
        match cred {
            Credential::Session(h) => sessions_of.push(h.clone()),
            Credential::ApiToken(h) => tokens_of.push(h.clone()),
        }
    }
    let mut found: HashMap<Credential, Holder> = HashMap::with_capacity(creds.len());
    if !sessions_of.is_empty() {
        let q = sessions::Entity::find()
            .find_also_related(users::Entity)
            .and_also_related(crate::tenants::entity::Entity)
            .filter(batch::column_any_text(
                b,
                sessions::Column::TokenHash,
                sessions_of,
            ))
            .expr_as(grants_of(c), GRANTS);
        for (s, u, t, g) in with_accounts::<Session>(c, q.build(b)).await? {
            found.insert(
                Credential::Session(s.token_hash.clone()),
                Holder::Session(s, u, t, g),
            );
        }
    }
    if !tokens_of.is_empty() {
        let q = api_tokens::Entity::find()
            .find_also_related(users::Entity)
            .and_also_related(crate::tenants::entity::Entity)
            .filter(batch::column_any_text(
                b,
                api_tokens::Column::TokenHash,
                tokens_of,
            ))
            .expr_as(grants_of(c), GRANTS);
        for (k, u, t, g) in with_accounts::<api_tokens::Model>(c, q.build(b)).await? {
            found.insert(
                Credential::ApiToken(k.token_hash.clone()),
                Holder::ApiToken(k, u, t, g),
            );
        }
    }
    Ok(creds.iter().map(|cred| found.get(cred).cloned()).collect())
}

/// Runs the read of sessions or API tokens (`A_`) with their accounts (`B_`), schools (`C_`)
/// and grants ([`grants_of`]): each credential found with who it is, leaving out those whose
/// account or school is gone.
async fn with_accounts<M: FromQueryResult>(
    c: &impl ConnectionTrait,
    read: sea_orm::Statement,
) -> Result<Vec<(M, User, Tenant, Grants)>, DbError> {
    let mut out = Vec::new();
    for row in c.query_all_raw(read).await? {
        let credential = M::from_query_result(&row, "A_")?;
        let u = users::Model::from_query_result_optional(&row, "B_")?;
        let t = crate::tenants::entity::Model::from_query_result_optional(&row, "C_")?;
        if let (Some(u), Some(t)) = (u, t) {
            out.push((credential, u, t, parse_grants(&row)?));
        }
    }
    Ok(out)
}

/// The column that carries a user's grants within the row of their session or token.
const GRANTS: &str = "G_grants";

/// The user's grants as one text column, `role|path` joined by `;`, for the read of a session
/// or token: every request reads its account, school and grants in one statement instead of
/// two (docs/BENCHMARKS.md). Role codes are `[a-z_]` and paths `[/0-9]`, so neither separator
/// occurs in them.
fn grants_of(c: &impl ConnectionTrait) -> Expr {
    let joined = match c.get_database_backend() {
        DbBackend::Postgres => "string_agg(g.role || '|' || o.path, ';' ORDER BY g.id)",
        _ => "group_concat(g.role || '|' || o.path, ';')",
    };
    Expr::cust(format!(
        "(SELECT {joined} FROM role_grants g JOIN orgs o ON o.id = g.org_id \
          WHERE g.user_id = users.id)"
    ))
}

fn parse_grants(row: &sea_orm::QueryResult) -> Result<Grants, DbError> {
    let joined: Option<String> = row.try_get("", GRANTS)?;
    Ok(Grants(
        joined
            .unwrap_or_default()
            .split(';')
            .filter_map(|g| {
                let (role, path) = g.split_once('|')?;
                Some(Grant {
                    role: Role::from_code(role)?,
                    org: OrgPath::from_stored(path.to_string()),
                })
            })
            .collect(),
    ))
}

/// Marks a session as used now. Writes at most once a minute per session, so a busy page does
/// not turn every read into a write.
pub async fn touch_session(
    c: &impl ConnectionTrait,
    s: &Session,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    if now - s.last_seen_at < Duration::seconds(60) {
        return Ok(());
    }
    sessions::Entity::update_many()
        .col_expr(sessions::Column::LastSeenAt, Expr::value(now))
        .filter(sessions::Column::Id.eq(s.id))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn pass_mfa(c: &impl ConnectionTrait, session_id: i64) -> Result<(), DbError> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::MfaPassed, Expr::value(true))
        .filter(sessions::Column::Id.eq(session_id))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn end_session(c: &impl ConnectionTrait, session_id: i64) -> Result<(), DbError> {
    sessions::Entity::delete_by_id(session_id).exec(c).await?;
    Ok(())
}

/// Signs a user out everywhere: every session and API token ends.
pub async fn end_all_sessions(c: &impl ConnectionTrait, user: UserId) -> Result<u64, DbError> {
    let n = sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user.0))
        .exec(c)
        .await?
        .rows_affected;
    api_tokens::Entity::delete_many()
        .filter(api_tokens::Column::UserId.eq(user.0))
        .exec(c)
        .await?;
    Ok(n)
}

pub async fn sessions_of(c: &impl ConnectionTrait, user: UserId) -> Result<Vec<Session>, DbError> {
    Ok(sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user.0))
        .order_by_desc(sessions::Column::LastSeenAt)
        .all(c)
        .await?)
}

/// Issues an API token; returns the secret once (only its hash is kept).
pub async fn create_api_token(
    c: &impl ConnectionTrait,
    user: UserId,
    name: &str,
    valid_for: Duration,
) -> Result<String, DbError> {
    let token = format!("rb_{}", new_secret());
    let now = Utc::now();
    api_tokens::ActiveModel {
        user_id: Set(user.0),
        token_hash: Set(token_hash(&token)),
        name: Set(name.to_string()),
        created_at: Set(now),
        expires_at: Set(now + valid_for),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(token)
}
