//! 民主评议 (appraisals) and secret-ballot elections (issue #4 parts 6–7; ADR 0007).

ddl_migration!("m0009_votes");

// Appraisals. `appraisal_members.rated` says only that a member has handed in their mutual
// assessment; the grades they gave exist nowhere except as +1 on `appraisal_tallies`, whose
// rows (one per member and grade, all created with the campaign at zero) are only ever
// incremented, so no row appears or is ordered by who rated whom.
//
// Elections. `election_voters.issued` records that a voter has had a ballot signed; the ballots
// in `election_ballots` carry no voter, no time and no sequence: their key is the voter's own
// random token, so neither a column nor the primary-key order ties a ballot to a voter. The
// private key is sealed with the server's secret key like identity numbers.
const UP: &str = r#"
CREATE TABLE appraisals (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    tree TEXT NOT NULL,
    year INTEGER NOT NULL,
    phase TEXT NOT NULL,
    published_on DATE,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at {TS} NOT NULL
);
CREATE UNIQUE INDEX appraisals_org_year ON appraisals (tenant_id, org_id, year);
CREATE TABLE appraisal_members (
    appraisal_id BIGINT NOT NULL REFERENCES appraisals(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    self_text TEXT,
    self_grade TEXT,
    rated BOOLEAN NOT NULL DEFAULT FALSE,
    final_grade TEXT,
    PRIMARY KEY (appraisal_id, person_id)
);
CREATE TABLE appraisal_tallies (
    appraisal_id BIGINT NOT NULL REFERENCES appraisals(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    grade TEXT NOT NULL,
    votes INTEGER NOT NULL,
    PRIMARY KEY (appraisal_id, person_id, grade)
);
CREATE TABLE elections (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    tree TEXT NOT NULL,
    title TEXT NOT NULL,
    seats INTEGER NOT NULL,
    quorum TEXT NOT NULL,
    opens_on DATE NOT NULL,
    closes_on DATE NOT NULL,
    publicity_days INTEGER NOT NULL,
    status TEXT NOT NULL,
    key_n TEXT NOT NULL,
    key_e TEXT NOT NULL,
    key_sealed {BLOB} NOT NULL,
    result TEXT,
    tallied_on DATE,
    publicity_until DATE,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at {TS} NOT NULL
);
CREATE INDEX elections_org ON elections (tenant_id, org_id);
CREATE TABLE election_candidates (
    election_id BIGINT NOT NULL REFERENCES elections(id),
    position INTEGER NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people(id),
    name TEXT NOT NULL,
    PRIMARY KEY (election_id, position)
);
CREATE TABLE election_voters (
    election_id BIGINT NOT NULL REFERENCES elections(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    issued BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (election_id, person_id)
);
CREATE TABLE election_ballots (
    election_id BIGINT NOT NULL REFERENCES elections(id),
    token TEXT NOT NULL,
    signature TEXT NOT NULL,
    choices TEXT NOT NULL,
    PRIMARY KEY (election_id, token)
);
CREATE TABLE election_objections (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    election_id BIGINT NOT NULL REFERENCES elections(id),
    body TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at {TS} NOT NULL
);
CREATE INDEX election_objections_election ON election_objections (election_id)
"#;

const DOWN: &str = "DROP TABLE election_objections; DROP TABLE election_ballots; \
    DROP TABLE election_voters; DROP TABLE election_candidates; DROP TABLE elections; \
    DROP TABLE appraisal_tallies; DROP TABLE appraisal_members; DROP TABLE appraisals";
