//! Annual plans and tasks, notices with read receipts, and an optional e-mail address on
//! accounts (issue #4 parts 4–5).

ddl_migration!("m0008_tasks_notices");

// `plans` are an org's goals for a year; `tasks` break them down (plan_id NULL: a task of the
// branch's own). A task is assigned to an org (a group, a branch) or a person; `org_id` is the
// org it counts under — the assignee org, or the person's Party branch when it was set — so
// progress rolls up the tree by that org's path. `attachments` hold the files of task results and
// of notices in the database, like dossier documents (nodes keep no files of their own).
// `notice_recipients` is fixed when the notice is published, so "3 of 40 have read" stays true
// when people move later. `reminded_on` keeps reminders to one a day.
const UP: &str = r#"
ALTER TABLE users ADD COLUMN email TEXT;
CREATE TABLE plans (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at {TS} NOT NULL
);
CREATE INDEX plans_org ON plans (tenant_id, year, org_id);
CREATE TABLE tasks (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    plan_id BIGINT REFERENCES plans(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    assignee_org_id BIGINT REFERENCES orgs(id),
    assignee_person_id BIGINT REFERENCES people(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    due_on DATE NOT NULL,
    status TEXT NOT NULL,
    return_comment TEXT,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at {TS} NOT NULL,
    updated_at {TS} NOT NULL
);
CREATE INDEX tasks_org ON tasks (tenant_id, org_id);
CREATE INDEX tasks_person ON tasks (assignee_person_id);
CREATE INDEX tasks_plan ON tasks (plan_id);
CREATE TABLE task_results (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    body TEXT NOT NULL,
    submitted_by BIGINT NOT NULL REFERENCES users(id),
    submitted_at {TS} NOT NULL
);
CREATE INDEX task_results_task ON task_results (task_id);
CREATE TABLE notices (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    roles TEXT NOT NULL,
    pinned BOOLEAN NOT NULL,
    published_by BIGINT NOT NULL REFERENCES users(id),
    published_on DATE NOT NULL,
    published_at {TS} NOT NULL,
    reminded_on DATE,
    auto_reminded BOOLEAN NOT NULL
);
CREATE INDEX notices_org ON notices (tenant_id, org_id);
CREATE TABLE notice_targets (
    id {PK},
    notice_id BIGINT NOT NULL REFERENCES notices(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id)
);
CREATE INDEX notice_targets_notice ON notice_targets (notice_id);
CREATE TABLE notice_recipients (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    notice_id BIGINT NOT NULL REFERENCES notices(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    read_at {TS},
    reminders INTEGER NOT NULL,
    UNIQUE (notice_id, user_id)
);
CREATE INDEX notice_recipients_user ON notice_recipients (user_id, read_at);
CREATE TABLE attachments (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    owner TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content {BLOB} NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users(id),
    uploaded_at {TS} NOT NULL
);
CREATE INDEX attachments_owner ON attachments (tenant_id, owner, owner_id)
"#;

const DOWN: &str = r#"
DROP TABLE attachments;
DROP TABLE notice_recipients;
DROP TABLE notice_targets;
DROP TABLE notices;
DROP TABLE task_results;
DROP TABLE tasks;
DROP TABLE plans;
ALTER TABLE users DROP COLUMN email
"#;
