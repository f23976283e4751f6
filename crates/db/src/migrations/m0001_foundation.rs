//! The foundation schema: tenants, org trees, people and their memberships, sign-in, audit, imports.

ddl_migration!("m0001_foundation");

const UP: &str = r#"
CREATE TABLE tenants (
    id {PK},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}',
    created_at {TS} NOT NULL
);

CREATE TABLE orgs (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    tree TEXT NOT NULL,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id BIGINT REFERENCES orgs(id),
    path {PATH} NOT NULL DEFAULT '',
    depth INTEGER NOT NULL,
    founded_on DATE,
    status TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at {TS} NOT NULL,
    updated_at {TS} NOT NULL,
    UNIQUE (tenant_id, code)
);
CREATE INDEX orgs_path ON orgs (tenant_id, path);
CREATE INDEX orgs_parent ON orgs (parent_id);

CREATE TABLE org_events (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,
    before_value TEXT,
    after_value TEXT,
    happened_at {TS} NOT NULL,
    by_user_id BIGINT
);
CREATE INDEX org_events_org ON org_events (org_id, happened_at);

CREATE TABLE people (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    student_no TEXT NOT NULL,
    name TEXT NOT NULL,
    name_initials TEXT NOT NULL,
    gender TEXT,
    ethnicity TEXT,
    birth_date DATE,
    id_card_cipher {BLOB},
    id_card_hash TEXT,
    id_card_masked TEXT,
    phone TEXT,
    college TEXT,
    major TEXT,
    grade TEXT,
    class_name TEXT,
    political_status TEXT NOT NULL,
    league_joined_on DATE,
    party_applied_on DATE,
    activist_on DATE,
    target_on DATE,
    party_joined_on DATE,
    confirmed_on DATE,
    party_org_id BIGINT REFERENCES orgs(id),
    league_org_id BIGINT REFERENCES orgs(id),
    created_at {TS} NOT NULL,
    updated_at {TS} NOT NULL,
    UNIQUE (tenant_id, student_no)
);
CREATE INDEX people_id_card_hash ON people (tenant_id, id_card_hash);
CREATE INDEX people_party_org ON people (party_org_id, name);
CREATE INDEX people_league_org ON people (league_org_id, name);
CREATE INDEX people_name ON people (tenant_id, name);
CREATE INDEX people_initials ON people (tenant_id, name_initials);

CREATE TABLE memberships (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    tree TEXT NOT NULL,
    started_on DATE NOT NULL,
    ended_on DATE,
    note TEXT
);
CREATE INDEX memberships_person ON memberships (person_id, started_on);
CREATE INDEX memberships_org ON memberships (org_id, ended_on);

CREATE TABLE positions (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    title TEXT NOT NULL,
    started_on DATE NOT NULL,
    ended_on DATE
);
CREATE INDEX positions_org ON positions (org_id, ended_on);
CREATE INDEX positions_person ON positions (person_id);

CREATE TABLE users (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    person_id BIGINT REFERENCES people(id),
    login TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    password_changed_at {TS} NOT NULL,
    totp_secret_cipher {BLOB},
    totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until {TS},
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    locale TEXT,
    created_at {TS} NOT NULL,
    UNIQUE (tenant_id, login)
);

CREATE TABLE role_grants (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    granted_at {TS} NOT NULL,
    granted_by BIGINT
);
CREATE INDEX role_grants_user ON role_grants (user_id);

CREATE TABLE sessions (
    id {PK},
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    mfa_passed BOOLEAN NOT NULL,
    created_at {TS} NOT NULL,
    last_seen_at {TS} NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id {PK},
    user_id BIGINT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at {TS} NOT NULL,
    expires_at {TS} NOT NULL,
    last_used_at {TS}
);

CREATE TABLE login_attempts (
    id {PK},
    tenant_id BIGINT NOT NULL,
    login TEXT NOT NULL,
    ip TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    attempted_at {TS} NOT NULL
);
CREATE INDEX login_attempts_login ON login_attempts (tenant_id, login, attempted_at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, attempted_at);

CREATE TABLE audit_heads (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id),
    seq BIGINT NOT NULL,
    head_hash TEXT NOT NULL
);

CREATE TABLE audit_log (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    seq BIGINT NOT NULL,
    at {TS} NOT NULL,
    actor_user_id BIGINT,
    actor_login TEXT NOT NULL,
    ip TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    org_path {PATH},
    before_value TEXT,
    after_value TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (tenant_id, seq)
);
CREATE INDEX audit_log_at ON audit_log (tenant_id, at);
CREATE INDEX audit_log_org ON audit_log (tenant_id, org_path);

CREATE TABLE import_jobs (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content {BLOB} NOT NULL,
    status TEXT NOT NULL,
    total_rows INTEGER NOT NULL DEFAULT 0,
    done_rows INTEGER NOT NULL DEFAULT 0,
    report TEXT,
    created_at {TS} NOT NULL,
    updated_at {TS} NOT NULL
)
"#;

const DOWN: &str = "DROP TABLE import_jobs; DROP TABLE audit_log; DROP TABLE audit_heads; \
    DROP TABLE login_attempts; DROP TABLE api_tokens; DROP TABLE sessions; DROP TABLE role_grants; \
    DROP TABLE users; DROP TABLE positions; DROP TABLE memberships; DROP TABLE people; \
    DROP TABLE org_events; DROP TABLE orgs; DROP TABLE tenants";
