//! The `notices`, `notice_targets` and `notice_recipients` tables.

use crate::tasks::entity::entity;

entity!(notices, "notices", {
    tenant_id: i64,
    /// The publishing org.
    org_id: i64,
    title: String,
    body: String,
    /// Comma-separated role codes; empty: everyone in the chosen subtrees.
    roles: String,
    pinned: bool,
    published_by: i64,
    published_on: Date,
    published_at: DateTimeUtc,
    reminded_on: Option<Date>,
    auto_reminded: bool,
});

entity!(notice_targets, "notice_targets", {
    notice_id: i64,
    org_id: i64,
});

entity!(notice_recipients, "notice_recipients", {
    tenant_id: i64,
    notice_id: i64,
    user_id: i64,
    read_at: Option<DateTimeUtc>,
    reminders: i32,
});
