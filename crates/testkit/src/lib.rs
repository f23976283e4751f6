//! Test support: [`TestApp`] runs the real router on a random port over a fresh database —
//! a temporary SQLite file, or a new PostgreSQL database — and seeds a small school ([`World`])
//! with one login per role. [`both_backends!`] runs one test body on both.
//!
//! PostgreSQL comes from `REDBRANCH_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/postgres`).
//! Where it cannot be reached the PostgreSQL half of a test prints a notice and passes, except
//! under `CI=true`, where it must run.

#![expect(
    clippy::expect_used,
    reason = "test support: a request that cannot be sent is a failed test"
)]

mod accounts;
pub mod browser;
pub mod coursekit;
pub mod quizkit;
pub mod smtp;
mod world;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use redbranch_db::Db;
use redbranch_db::crypto::Crypto;
use redbranch_web::{AppState, WebSettings};
use sea_orm::ConnectionTrait;

pub use world::{PASSWORD, World};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a test body once on SQLite and once on PostgreSQL, as two `#[tokio::test]`s.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = $crate::TestApp::start($crate::Backend::Sqlite).await {
                    ($body)(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::TestApp::start($crate::Backend::Postgres).await {
                    ($body)(app).await;
                }
            }
        }
    };
}

/// A running server over its own database, with the test school seeded.
pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub db: Db,
    pub crypto: Crypto,
    pub world: World,
    pub backend: Backend,
    /// The server's clock for business dates; a test moves it with `set_today`.
    pub clock: redbranch_web::clock::Clock,
}

fn pg_admin_url() -> String {
    std::env::var("REDBRANCH_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// In CI every test must really run; elsewhere a missing PostgreSQL only skips.
fn skip_or_fail(what: &str, e: &anyhow::Error) -> Option<TestApp> {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} is required under CI=true: {e:#}");
    }
    eprintln!("NOTICE: skipping the {what} half of this test: {e:#}");
    None
}

/// A test's database outlives it (its server holds connections until the process ends), so
/// each test process first removes those left by runs older than this: no run lasts that long,
/// and without it a developer's machine, and CI's, gather hundreds of databases.
const STALE_AFTER_SECS: u64 = 6 * 3600;

static SWEPT_SQLITE: AtomicBool = AtomicBool::new(false);
static SWEPT_POSTGRES: AtomicBool = AtomicBool::new(false);

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether a PostgreSQL test database named `rb_test_<secs>_<uuid>` was made more than
/// [`STALE_AFTER_SECS`] before `now`; a name without its time is from before this scheme.
fn stale_pg_name(name: &str, now: u64) -> bool {
    let made = name
        .strip_prefix("rb_test_")
        .and_then(|rest| rest.split_once('_'))
        .and_then(|(secs, _)| secs.parse::<u64>().ok());
    made.is_none_or(|t| now.saturating_sub(t) > STALE_AFTER_SECS)
}

/// Removes old SQLite test files from the temporary directory; best effort.
fn sweep_sqlite_files() {
    if SWEPT_SQLITE.swap(true, Ordering::SeqCst) {
        return;
    }
    let Ok(dir) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in dir.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > STALE_AFTER_SECS);
        if old
            && entry
                .file_name()
                .to_string_lossy()
                .starts_with("redbranch-test-")
        {
            std::fs::remove_file(entry.path()).ok();
        }
    }
}

/// Drops old PostgreSQL test databases; best effort (one still in use is left for later).
async fn sweep_pg_databases(admin: &Db) {
    if SWEPT_POSTGRES.swap(true, Ordering::SeqCst) {
        return;
    }
    let Ok(rows) = admin
        .conn
        .query_all_raw(sea_orm::Statement::from_string(
            admin.conn.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'rb\\_test\\_%'",
        ))
        .await
    else {
        return;
    };
    let now = unix_now();
    for row in rows {
        let Ok(name) = row.try_get_by_index::<String>(0) else {
            continue;
        };
        if stale_pg_name(&name, now) {
            admin
                .conn
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\""))
                .await
                .ok();
        }
    }
}

async fn fresh_db(backend: Backend) -> anyhow::Result<Db> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    match backend {
        Backend::Sqlite => {
            sweep_sqlite_files();
            let path = std::env::temp_dir().join(format!("redbranch-test-{id}.db"));
            Ok(Db::connect(&format!("sqlite://{}?mode=rwc", path.display()), 8).await?)
        }
        Backend::Postgres => {
            let admin_url = pg_admin_url();
            let admin = Db::connect(&admin_url, 1)
                .await
                .context("connect to PostgreSQL")?;
            sweep_pg_databases(&admin).await;
            let name = format!("rb_test_{}_{id}", unix_now());
            admin
                .conn
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await?;
            admin.conn.close_by_ref().await.ok();
            let (base, _) = admin_url
                .rsplit_once('/')
                .context("REDBRANCH_TEST_PG must end in /dbname")?;
            Ok(Db::connect(&format!("{base}/{name}"), 8).await?)
        }
    }
}

impl TestApp {
    /// Starts with the default security policy except that administrators skip the second
    /// factor (the TOTP tests turn it on with [`TestApp::start_with`]).
    pub async fn start(backend: Backend) -> Option<Self> {
        let mut s = WebSettings::default();
        s.security.admin_totp_required = false;
        Self::start_with(backend, s).await
    }

    pub async fn start_with(backend: Backend, settings: WebSettings) -> Option<Self> {
        match Self::try_start(backend, settings).await {
            Ok(app) => Some(app),
            Err(e) if backend == Backend::Postgres => skip_or_fail("PostgreSQL", &e),
            Err(e) => panic!("cannot start the test app: {e:#}"),
        }
    }

    async fn try_start(backend: Backend, settings: WebSettings) -> anyhow::Result<Self> {
        let db = fresh_db(backend).await?;
        db.migrate().await?;
        let crypto = Crypto::new(b"test-key-test-key-test-key-test-key!");
        let world = World::seed(&db, &crypto).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = AppState::new(db.clone(), crypto.clone(), settings);
        let clock = state.clock.clone();
        let app = redbranch_web::router(state);
        tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
        Ok(Self {
            addr,
            base: format!("http://{addr}"),
            db,
            crypto,
            world,
            backend,
            clock,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A client with a cookie jar that does not follow redirects (tests look at them).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default()
    }

    /// The CSRF token the page at `path` carries (`<meta name="csrf-token">`).
    pub async fn csrf(&self, c: &reqwest::Client, path: &str) -> String {
        let html = c
            .get(self.url(path))
            .send()
            .await
            .expect("GET for csrf")
            .text()
            .await
            .unwrap_or_default();
        csrf_of(&html)
    }

    /// The body of `GET path` for a client (panics, failing the test, if the request fails).
    pub async fn text(&self, c: &reqwest::Client, path: &str) -> String {
        let res = c.get(self.url(path)).send().await.expect("GET");
        res.text().await.expect("response body")
    }

    /// The status of `GET path` for a client.
    pub async fn status(&self, c: &reqwest::Client, path: &str) -> reqwest::StatusCode {
        c.get(self.url(path)).send().await.expect("GET").status()
    }

    /// The status of a form `POST` to `path` for a client.
    pub async fn post_status(
        &self,
        c: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::StatusCode {
        c.post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("POST")
            .status()
    }

    /// Signs in through the real form; returns the client and the response to the POST.
    pub async fn sign_in(
        &self,
        login: &str,
        password: &str,
    ) -> (reqwest::Client, reqwest::Response) {
        let c = self.client();
        let token = self.csrf(&c, "/login").await;
        let res = c
            .post(self.url("/login"))
            .form(&[
                ("_csrf", token.as_str()),
                ("login", login),
                ("password", password),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("POST /login");
        (c, res)
    }

    /// A signed-in client for one of the world's logins (password [`PASSWORD`]).
    pub async fn as_user(&self, login: &str) -> reqwest::Client {
        let (c, res) = self.sign_in(login, PASSWORD).await;
        assert_eq!(res.status(), 303, "sign-in of {login} should redirect");
        c
    }
}

/// A signed-in client and the CSRF token its session carries, for the JSON API.
pub type Session = (reqwest::Client, String);

impl TestApp {
    /// Signs `login` in (password [`PASSWORD`]) and reads its CSRF token, for API calls.
    pub async fn session(&self, login: &str) -> Session {
        let c = self.as_user(login).await;
        let token = self.csrf(&c, "/me").await;
        (c, token)
    }

    /// `POST path` with a JSON body; the status and the JSON answer (`null` if none).
    pub async fn post_json(
        &self,
        (c, csrf): &Session,
        path: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let res = c
            .post(self.url(path))
            .header("x-csrf-token", csrf)
            .json(&body)
            .send()
            .await
            .expect("POST");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// The first column of the first row of a query answering one integer (a count, a sum).
    pub async fn scalar(&self, sql: &str) -> i64 {
        let stmt = sea_orm::Statement::from_string(self.db.backend(), sql);
        let row = self.db.conn.query_one_raw(stmt).await;
        let row = row.unwrap_or_else(|e| panic!("{sql}: {e}"));
        row.and_then(|r| r.try_get_by_index::<i64>(0).ok())
            .unwrap_or_else(|| panic!("{sql}: no integer"))
    }

    /// Runs one SQL statement on the test database (to set up what no page offers yet).
    pub async fn sql(&self, statement: &str) {
        self.db
            .conn
            .execute_unprepared(statement)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
}

/// The field messages of a refused API request, joined with " | ".
pub fn field_messages(v: &serde_json::Value) -> String {
    v["error"]["fields"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(|x| x["message"].as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .unwrap_or_default()
}

/// Extracts the CSRF token from a page.
pub fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf-token\" content=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_database_is_swept_only_once_older_than_six_hours() {
        let now = 1_800_000_000;
        let made = |secs: u64| format!("rb_test_{secs}_0123abcd");
        assert!(!stale_pg_name(&made(now), now), "made now");
        assert!(
            !stale_pg_name(&made(now - STALE_AFTER_SECS), now),
            "exactly six hours old is kept"
        );
        assert!(
            stale_pg_name(&made(now - STALE_AFTER_SECS - 1), now),
            "a second older is swept"
        );
        assert!(
            stale_pg_name("rb_test_0123abcd", now),
            "a name from before the time was in it"
        );
        assert!(
            !stale_pg_name(&made(now + 60), now),
            "a clock a minute behind"
        );
    }
}
