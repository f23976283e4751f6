//! Application state shared by every handler: the database, the crypto keys, the settings.
//! Nothing here changes after start-up, so any number of nodes can serve the same database.

use std::sync::Arc;

use redbranch_db::Db;
use redbranch_db::crypto::Crypto;
use redbranch_domain::auth::SecurityPolicy;

use crate::clock::Clock;

/// Settings the web layer needs; the binary builds them from `redbranch.toml`, the environment
/// and flags.
#[derive(Debug, Clone)]
pub struct WebSettings {
    pub security: SecurityPolicy,
    /// Send cookies with `Secure` (on behind HTTPS; off for plain-HTTP local use).
    pub cookie_secure: bool,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: usize,
    /// The school shown on the sign-in page when there is only one.
    pub default_tenant: String,
    /// E-mail for notices and reminders; none: in-app (and the log stand-in) only.
    pub smtp: Option<crate::notices::send::SmtpSettings>,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            security: SecurityPolicy::default(),
            cookie_secure: false,
            max_upload_bytes: 20 * 1024 * 1024,
            default_tenant: "demo".into(),
            smtp: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub crypto: Crypto,
    pub settings: WebSettings,
    /// Today's date for business rules; tests move it.
    pub clock: Clock,
    /// Quiz hand-ins waiting to be written together (only while their requests wait).
    pub handins: crate::quiz::handin::HandIns,
    /// Sessions and API tokens waiting to be read together (only while their requests wait).
    pub credentials: crate::coalesce::Coalesce<
        redbranch_db::auth::Credential,
        Option<redbranch_db::auth::Holder>,
    >,
}

impl AppState {
    pub fn new(db: Db, crypto: Crypto, settings: WebSettings) -> Self {
        let handins = crate::quiz::handin::HandIns::new(db.backend());
        Self(Arc::new(Inner {
            db,
            crypto,
            settings,
            clock: Clock::default(),
            handins,
            credentials: Default::default(),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
