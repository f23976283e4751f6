//! The League side of issue #3: 发展团员 steps per person, 推优大会 and their candidates.

ddl_migration!("m0004_league");

// `league_steps` mirrors `pipeline_steps`; `league_no` is the 发展团员编号 recorded at approval.
// A 推优大会 keeps the counts its rules were checked against (`members` is the branch's size the
// quota was computed from), so the record shows what the decision rested on. Each candidate's
// Party-branch decision is `accepted` / `declined`, NULL while pending.
const UP: &str = r#"
CREATE TABLE league_steps (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    step TEXT NOT NULL,
    happened_on DATE NOT NULL,
    details TEXT NOT NULL DEFAULT '{}',
    league_no TEXT,
    recorded_by BIGINT REFERENCES users(id),
    recorded_at {TS} NOT NULL,
    UNIQUE (person_id, step)
);
CREATE TABLE league_recommendation_meetings (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    held_on DATE NOT NULL,
    entitled INTEGER NOT NULL,
    present INTEGER NOT NULL,
    members INTEGER NOT NULL,
    quota INTEGER NOT NULL,
    recorded_by BIGINT REFERENCES users(id),
    recorded_at {TS} NOT NULL
);
CREATE INDEX league_recommendation_meetings_org ON league_recommendation_meetings (tenant_id, org_id, held_on);
CREATE TABLE league_recommendations (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    meeting_id BIGINT NOT NULL REFERENCES league_recommendation_meetings(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    yes_votes INTEGER NOT NULL,
    passed BOOLEAN NOT NULL,
    decision TEXT,
    decided_on DATE,
    decided_by BIGINT REFERENCES users(id),
    UNIQUE (meeting_id, person_id)
);
CREATE INDEX league_recommendations_person ON league_recommendations (tenant_id, person_id)
"#;

const DOWN: &str = "DROP TABLE league_recommendations; DROP TABLE league_recommendation_meetings; DROP TABLE league_steps";
