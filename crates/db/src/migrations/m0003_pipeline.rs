//! The 发展党员 pipeline: one row per step recorded for a person (issue #3).

ddl_migration!("m0003_pipeline");

// `details` holds what the step's rules were checked against (votes, training, introducers),
// as JSON text, so the record shows what the decision rested on. `override_reason` is set when
// an administrator recorded the step despite a refusal.
const UP: &str = r#"
CREATE TABLE pipeline_steps (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    step TEXT NOT NULL,
    happened_on DATE NOT NULL,
    details TEXT NOT NULL DEFAULT '{}',
    override_reason TEXT,
    recorded_by BIGINT REFERENCES users(id),
    recorded_at {TS} NOT NULL,
    UNIQUE (person_id, step)
);
CREATE INDEX pipeline_steps_due ON pipeline_steps (tenant_id, step, happened_on)
"#;

const DOWN: &str = "DROP TABLE pipeline_steps";
