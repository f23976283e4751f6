//! Deadlines near and overdue per org (issue #3 performance): the pipeline board of a college
//! reads one row per org of its subtree instead of every deadline in it (some 900 for a college
//! of 600 people in the pipeline; 29 k for the school).

ddl_migration!("m0019_due_per_org");

// Written only by the daily job, in the transaction that replaces `pipeline_due`
// (`db::pipeline::due::replace_due`), so it always equals a recount of that table; filled here
// from the deadlines that exist.
const UP: &str = r#"
CREATE TABLE pipeline_due_orgs (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    org_id BIGINT NOT NULL,
    near BIGINT NOT NULL,
    overdue BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, org_id)
);
INSERT INTO pipeline_due_orgs (tenant_id, org_id, near, overdue)
    SELECT tenant_id, org_id, SUM(CASE WHEN overdue THEN 0 ELSE 1 END), SUM(CASE WHEN overdue THEN 1 ELSE 0 END)
    FROM pipeline_due WHERE org_id IS NOT NULL GROUP BY tenant_id, org_id
"#;

const DOWN: &str = r#"
DROP TABLE pipeline_due_orgs
"#;
