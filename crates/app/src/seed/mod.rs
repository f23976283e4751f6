//! Seed data: the demo school 江城理工大学 (`redbranch demo`) and synthetic tenants at scale
//! for benchmarks (`redbranch generate`).
//!
//! Everything is generated in code from a seeded RNG: nothing here reads the shared fixtures,
//! which are absent on users' machines. Dates follow RULES §1 (see [`pipeline`]).

mod catalogue;
mod demo;
pub mod generate;
mod person;
mod pipeline;
pub mod progress;
mod student;

#[cfg(test)]
mod tests;

use redbranch_domain::authz::Role;

pub use demo::ensure_demo_school;
pub use generate::generate;

/// One sign-in of the demo school, as `redbranch demo` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub role: Role,
    pub login: String,
    pub password: String,
    /// The org(s) the role is held on, by name (several joined with `、`).
    pub scope: String,
}

/// Reports how far a long seeding step has got. Phases are sequential: `start`, `inc`…, `finish`.
pub trait Progress: Sync {
    fn start(&self, label: &str, total: u64);
    fn inc(&self, n: u64);
    fn finish(&self);
}

/// A [`Progress`] that shows nothing (tests, scripts).
#[derive(Debug, Clone, Copy, Default)]
#[cfg(test)]
pub struct NoProgress;

#[cfg(test)]
impl Progress for NoProgress {
    fn start(&self, _label: &str, _total: u64) {}
    fn inc(&self, _n: u64) {}
    fn finish(&self) {}
}

/// Hashes passwords off the async runtime: Argon2id costs tens of milliseconds each.
async fn hash_passwords(passwords: Vec<String>) -> anyhow::Result<Vec<String>> {
    let hashes = tokio::task::spawn_blocking(move || {
        passwords
            .iter()
            .map(|p| redbranch_web::auth::password::hash(p))
            .collect::<Result<Vec<_>, _>>()
    })
    .await??;
    Ok(hashes)
}

/// The one audit entry a seeding writes (instead of one per row).
fn seed_entry(tenant_id: i64, after: serde_json::Value) -> redbranch_db::audit::Entry {
    redbranch_db::audit::Entry {
        actor_user_id: None,
        actor_login: "system".into(),
        ip: "cli".into(),
        action: "seed".into(),
        entity: "tenant".into(),
        entity_id: Some(tenant_id.to_string()),
        org_path: None,
        before: None,
        after: Some(after),
    }
}
