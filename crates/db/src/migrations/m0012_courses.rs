//! Courses and lessons with their media, honest study records, links out and imported results
//! from other platforms (issue #5, parts 1 and 9).

ddl_migration!("m0012_courses");

// Media bytes live in the database in 1 MiB chunks, not on a node's disk: nodes keep no state of
// their own, and a range request (a phone seeking in a video) then reads only the chunks it needs
// instead of the whole file (see docs/adr/0011-course-media-in-chunks.md). `owner_path` copies
// the owning org's path so authoring scope filters by range like everything else.
// `study_records` holds one row per (person, lesson, day): credited seconds and the server time
// of the last accepted heartbeat, which times the next one; `completed_at` is set on the row of
// the day the lesson's total first reached its threshold.
const UP: &str = r#"
CREATE TABLE courses (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    owner_org_id BIGINT NOT NULL REFERENCES orgs(id),
    owner_path {PATH} NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    topic TEXT,
    visibility TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at {TS} NOT NULL,
    published_by BIGINT REFERENCES users(id),
    published_at {TS}
);
CREATE INDEX courses_owner ON courses (tenant_id, owner_path);
CREATE INDEX courses_status ON courses (tenant_id, status, visibility);
CREATE TABLE course_tags (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    tag TEXT NOT NULL,
    UNIQUE (course_id, tag)
);
CREATE INDEX course_tags_tag ON course_tags (tenant_id, tag);
CREATE TABLE course_audiences (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    UNIQUE (course_id, org_id)
);
CREATE INDEX course_audiences_org ON course_audiences (tenant_id, org_id);
CREATE TABLE course_media (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    chunk_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users(id),
    uploaded_at {TS} NOT NULL
);
CREATE INDEX course_media_course ON course_media (tenant_id, course_id);
CREATE TABLE course_media_chunks (
    media_id BIGINT NOT NULL REFERENCES course_media(id),
    seq INTEGER NOT NULL,
    bytes {BLOB} NOT NULL,
    PRIMARY KEY (media_id, seq)
);
CREATE TABLE lessons (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT,
    media_id BIGINT REFERENCES course_media(id),
    duration_secs INTEGER,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at {TS} NOT NULL
);
CREATE INDEX lessons_course ON lessons (tenant_id, course_id, position);
CREATE TABLE study_records (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    lesson_id BIGINT NOT NULL REFERENCES lessons(id),
    day DATE NOT NULL,
    seconds BIGINT NOT NULL,
    position_secs INTEGER,
    last_beat_at {TS},
    completed_at {TS},
    UNIQUE (tenant_id, person_id, lesson_id, day)
);
CREATE INDEX study_records_lesson ON study_records (tenant_id, lesson_id);
CREATE TABLE external_links (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at {TS} NOT NULL
);
CREATE TABLE external_results (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    source TEXT NOT NULL,
    period TEXT NOT NULL,
    score BIGINT,
    completed BOOLEAN,
    imported_by BIGINT NOT NULL REFERENCES users(id),
    imported_at {TS} NOT NULL,
    UNIQUE (tenant_id, person_id, source, period)
);
CREATE INDEX external_results_period ON external_results (tenant_id, source, period)
"#;

const DOWN: &str = "DROP TABLE external_results; DROP TABLE external_links; DROP TABLE study_records; \
DROP TABLE lessons; DROP TABLE course_media_chunks; DROP TABLE course_media; \
DROP TABLE course_audiences; DROP TABLE course_tags; DROP TABLE courses";
