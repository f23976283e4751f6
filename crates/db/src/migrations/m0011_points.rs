//! Points (issue #5 parts 5–8): the append-only ledger with its running aggregates, versioned
//! rule tables, the points mall, and the weekly lesson.

ddl_migration!("m0011_points");

// `points_ledger` is append-only: every award (even one capped to 0, so a person sees why) and
// every spend or refund is a row; `idem_key` makes a retried award a no-op (unique per school).
// `points_totals` (one row per person: lifetime earned, spent) and `points_daily` (per person,
// day and activity: points and events) are maintained in the same transaction as the ledger
// row: caps read `points_daily`, ranks read `points_totals` through `(tenant_id, earned)`, and
// top lists of a subtree through the denormalised org paths refreshed on every award.
// `lesson_org_stats` keeps, per lesson and target branch, the member count frozen at
// publication and completion counters, so the rollup reads one row per branch.
const UP: &str = r#"
CREATE TABLE points_ledger (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    activity TEXT NOT NULL,
    requested BIGINT NOT NULL,
    points BIGINT NOT NULL,
    reason TEXT NOT NULL,
    rule_version TEXT,
    day DATE NOT NULL,
    at {TS} NOT NULL,
    idem_key TEXT NOT NULL,
    by_user BIGINT REFERENCES users(id),
    UNIQUE (tenant_id, idem_key)
);
CREATE INDEX points_ledger_person ON points_ledger (person_id, id);
CREATE TABLE points_totals (
    person_id BIGINT NOT NULL PRIMARY KEY REFERENCES people(id),
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    earned BIGINT NOT NULL DEFAULT 0,
    spent BIGINT NOT NULL DEFAULT 0,
    party_path {PATH},
    league_path {PATH},
    updated_at {TS} NOT NULL
);
CREATE INDEX points_totals_rank ON points_totals (tenant_id, earned);
CREATE INDEX points_totals_party ON points_totals (tenant_id, party_path, earned);
CREATE INDEX points_totals_league ON points_totals (tenant_id, league_path, earned);
CREATE TABLE points_daily (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    day DATE NOT NULL,
    activity TEXT NOT NULL,
    points BIGINT NOT NULL,
    events BIGINT NOT NULL,
    PRIMARY KEY (person_id, day, activity)
);
CREATE INDEX points_daily_day ON points_daily (tenant_id, day);
CREATE TABLE points_rule_sets (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    version TEXT NOT NULL,
    effective_from DATE NOT NULL,
    body TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at {TS} NOT NULL,
    UNIQUE (tenant_id, version)
);
CREATE TABLE mall_items (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path {PATH} NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    price BIGINT NOT NULL,
    stock BIGINT NOT NULL,
    per_person_limit BIGINT NOT NULL,
    active BOOLEAN NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at {TS} NOT NULL,
    CHECK (stock >= 0),
    CHECK (price > 0)
);
CREATE INDEX mall_items_org ON mall_items (tenant_id, org_path);
CREATE TABLE mall_redemptions (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    item_id BIGINT NOT NULL REFERENCES mall_items(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    price BIGINT NOT NULL,
    status TEXT NOT NULL,
    redeemed_at {TS} NOT NULL,
    handled_by BIGINT REFERENCES users(id),
    handled_at {TS}
);
CREATE INDEX mall_redemptions_item ON mall_redemptions (item_id, person_id);
CREATE INDEX mall_redemptions_person ON mall_redemptions (person_id);
CREATE TABLE weekly_lessons (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    title TEXT NOT NULL,
    video_url TEXT NOT NULL,
    questions TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    published_by BIGINT NOT NULL REFERENCES users(id),
    published_at {TS} NOT NULL
);
CREATE TABLE lesson_org_stats (
    lesson_id BIGINT NOT NULL REFERENCES weekly_lessons(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    path {PATH} NOT NULL,
    members BIGINT NOT NULL,
    member_done BIGINT NOT NULL DEFAULT 0,
    all_done BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (lesson_id, org_id)
);
CREATE INDEX lesson_org_stats_path ON lesson_org_stats (lesson_id, path);
CREATE TABLE lesson_completions (
    id {PK},
    lesson_id BIGINT NOT NULL REFERENCES weekly_lessons(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    org_id BIGINT REFERENCES orgs(id),
    is_member BOOLEAN NOT NULL,
    score BIGINT NOT NULL,
    done_at {TS} NOT NULL,
    UNIQUE (lesson_id, person_id)
)
"#;

const DOWN: &str = r#"
DROP TABLE lesson_completions;
DROP TABLE lesson_org_stats;
DROP TABLE weekly_lessons;
DROP TABLE mall_redemptions;
DROP TABLE mall_items;
DROP TABLE points_rule_sets;
DROP TABLE points_daily;
DROP TABLE points_totals;
DROP TABLE points_ledger
"#;
