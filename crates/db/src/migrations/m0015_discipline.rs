//! 党纪处分 records per person (so an introducer under 留党察看 is refused, 细则 第十四条), and
//! the Party branch's reason when it does not accept a 推优 recommendation.

ddl_migration!("m0015_discipline");

// One row per decision. `kind` is a `domain::discipline::DisciplineKind` code. For 留党察看
// (党章 第四十条) `probation_months` is 12 or 24 and `restored_on` the day Party rights were
// restored (NULL while they are not); the other kinds leave both NULL. `decided_by_org` is the
// Party organisation that decided; `document_no` the 处分决定 文号. The person index serves both
// the profile's list and the introducer check at step 9, which reads the records of two people.
const UP: &str = r#"
CREATE TABLE discipline_records (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    decided_on DATE NOT NULL,
    probation_months INTEGER,
    restored_on DATE,
    decided_by_org BIGINT REFERENCES orgs(id),
    document_no TEXT,
    reason TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT REFERENCES users(id),
    recorded_at {TS} NOT NULL
);
CREATE INDEX discipline_records_person ON discipline_records (tenant_id, person_id, decided_on);
ALTER TABLE league_recommendations ADD COLUMN decision_reason TEXT
"#;

const DOWN: &str = r#"
ALTER TABLE league_recommendations DROP COLUMN decision_reason;
DROP TABLE discipline_records
"#;
