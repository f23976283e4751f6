//! More accounts than the world's, counting rows, and the JSON and multipart calls most
//! integration tests make.

#![expect(
    clippy::expect_used,
    reason = "test support: a setup step that fails is a failed test"
)]

use redbranch_db::auth::{self, NewUser, UserId};
use redbranch_domain::authz::Role;
use sea_orm::{ConnectionTrait, Statement};

use crate::{PASSWORD, Session, TestApp};

impl TestApp {
    /// A user (password [`PASSWORD`]) for `person` with `role` on the world's `orgs` (none: an
    /// account with no grant at all).
    pub async fn add_user(
        &self,
        login: &str,
        person: Option<i64>,
        role: Role,
        orgs: &[&str],
    ) -> UserId {
        let hash = redbranch_web::auth::password::hash(PASSWORD).expect("hash");
        let c = &self.db.conn;
        let u = auth::create_user(
            c,
            self.world.tenant,
            NewUser {
                login,
                display_name: login,
                password_hash: hash,
                person_id: person,
                must_change_password: false,
            },
        )
        .await
        .expect("create user");
        for o in orgs {
            let org = self.world.org(o).org_id();
            auth::grant(c, self.world.tenant, UserId(u.id), role, org, None)
                .await
                .expect("grant");
        }
        UserId(u.id)
    }

    /// `SELECT COUNT(*)` over `from` (a table, optionally with a `WHERE`).
    pub async fn count(&self, from: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) AS n FROM {from}");
        let row = self
            .db
            .conn
            .query_one_raw(Statement::from_string(self.db.backend(), sql))
            .await
            .expect("count")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("n")
    }

    /// `GET path` for a session: the status and the JSON answer (`null` if none).
    pub async fn get_json(&self, (c, _): &Session, path: &str) -> (u16, serde_json::Value) {
        let res = c.get(self.url(path)).send().await.expect("GET");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// A form `POST` to `path` (a page, not the API): the status and the page it answers with,
    /// for asserting what a refused form shows.
    pub async fn post_form<F: serde::Serialize + ?Sized>(
        &self,
        c: &reqwest::Client,
        path: &str,
        form: &F,
    ) -> (u16, String) {
        let res = c
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("POST");
        let status = res.status().as_u16();
        (status, res.text().await.unwrap_or_default())
    }

    /// `POST path` with a multipart body: the status and the JSON answer (`null` if none).
    pub async fn post_multipart(
        &self,
        (c, csrf): &Session,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> (u16, serde_json::Value) {
        let res = c
            .post(self.url(path))
            .header("x-csrf-token", csrf)
            .multipart(form)
            .send()
            .await
            .expect("POST");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Keeps a test's study heartbeats on one calendar day (Beijing time), whatever time it
    /// runs: a record is per day, so a beat after midnight starts another.
    pub fn away_from_midnight(&self) {
        use chrono::Timelike;
        let cst = self.clock.now() + chrono::Duration::hours(8);
        if cst.num_seconds_from_midnight() > 23 * 3600 {
            self.clock.advance(2 * 3600);
        }
    }

    /// A study heartbeat for a course lesson: the status and the JSON answer.
    pub async fn heartbeat(
        &self,
        s: &Session,
        lesson: i64,
        visible: bool,
        seconds: u32,
    ) -> (u16, serde_json::Value) {
        self.post_json(
            s,
            &format!("/api/v1/lessons/{lesson}/heartbeat"),
            serde_json::json!({"visible": visible, "seconds": seconds}),
        )
        .await
    }
}
