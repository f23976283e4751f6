//! The daily deadline job (issue #3): what is due or overdue per person, in-app notifications,
//! and a record of each day's run so that one node of several runs it.

ddl_migration!("m0006_due");

// `pipeline_due` is replaced whole by each run; `org_id` is the person's Party branch at that
// time, so counts roll up the tree by the org's path. A notification's `dedupe` key makes a
// deadline announce itself once however many days it stays on the list. `job_runs` is claimed
// by inserting the day's row: the unique key lets exactly one node win.
const UP: &str = r#"
CREATE TABLE pipeline_due (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    org_id BIGINT REFERENCES orgs(id),
    kind TEXT NOT NULL,
    due_on DATE NOT NULL,
    overdue BOOLEAN NOT NULL,
    computed_on DATE NOT NULL
);
CREATE INDEX pipeline_due_org ON pipeline_due (tenant_id, org_id);
CREATE INDEX pipeline_due_person ON pipeline_due (person_id);
CREATE TABLE notifications (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    args TEXT NOT NULL DEFAULT '{}',
    link TEXT,
    dedupe TEXT NOT NULL,
    created_at {TS} NOT NULL,
    read_at {TS},
    UNIQUE (user_id, dedupe)
);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);
CREATE TABLE job_runs (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    job TEXT NOT NULL,
    run_on DATE NOT NULL,
    started_at {TS} NOT NULL,
    finished_at {TS},
    items BIGINT,
    UNIQUE (tenant_id, job, run_on)
);
CREATE INDEX people_pipeline ON people (tenant_id, political_status, party_org_id)
"#;

const DOWN: &str = r#"
DROP INDEX people_pipeline;
DROP TABLE job_runs;
DROP TABLE notifications;
DROP TABLE pipeline_due
"#;
