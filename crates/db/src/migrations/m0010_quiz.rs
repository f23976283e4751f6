//! Question banks, quizzes, exams, the wrong-answer book and credits (学分) (issue #5, parts 2–4).

ddl_migration!("m0010_quiz");

// A bank belongs to an org (`org_path` copied for subtree filters; banks never move). Options
// and answers are JSON arrays of strings. `dedupe_key` (type + normalised stem + options) makes
// a duplicate question in one bank a constraint violation, not a judgement call.
// `quiz_attempts.slot` is `daily:2026-11-22` / `weekly:2026-W47` for the once-per-period
// quizzes and NULL otherwise; the unique key makes a second daily quiz impossible even from
// two nodes at once. `items` holds what was served (question ids and the option order each
// person saw), `answers` what came back. `credits` are unique per person and source, so a
// replayed or concurrent pass awards once.
const UP: &str = r#"
CREATE TABLE question_banks (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path {PATH} NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    published_at {TS},
    published_by BIGINT REFERENCES users(id),
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at {TS} NOT NULL
);
CREATE INDEX question_banks_org ON question_banks (tenant_id, org_path);
CREATE TABLE questions (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    bank_id BIGINT NOT NULL REFERENCES question_banks(id),
    kind TEXT NOT NULL,
    stem TEXT NOT NULL,
    options TEXT NOT NULL,
    answer TEXT NOT NULL,
    explanation TEXT,
    topic TEXT,
    dedupe_key TEXT NOT NULL,
    created_at {TS} NOT NULL,
    UNIQUE (bank_id, dedupe_key)
);
CREATE INDEX questions_bank ON questions (bank_id, kind, topic);
CREATE TABLE quiz_attempts (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    mode TEXT NOT NULL,
    slot TEXT,
    bank_id BIGINT REFERENCES question_banks(id),
    topic TEXT,
    items TEXT NOT NULL,
    answers TEXT NOT NULL DEFAULT '[]',
    correct BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL,
    started_at {TS} NOT NULL,
    finished_at {TS},
    UNIQUE (user_id, slot)
);
CREATE INDEX quiz_attempts_user ON quiz_attempts (user_id, started_at);
CREATE TABLE exams (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path {PATH} NOT NULL,
    bank_id BIGINT NOT NULL REFERENCES question_banks(id),
    title TEXT NOT NULL,
    spec TEXT NOT NULL,
    minutes BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL,
    pass_percent BIGINT NOT NULL,
    credit_tenths BIGINT NOT NULL,
    shuffle BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    published_at {TS},
    published_by BIGINT REFERENCES users(id),
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at {TS} NOT NULL
);
CREATE INDEX exams_org ON exams (tenant_id, org_path);
CREATE TABLE exam_attempts (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    exam_id BIGINT NOT NULL REFERENCES exams(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    person_id BIGINT REFERENCES people(id),
    attempt_no BIGINT NOT NULL,
    items TEXT NOT NULL,
    answers TEXT NOT NULL DEFAULT '[]',
    started_at {TS} NOT NULL,
    deadline_at {TS} NOT NULL,
    submitted_at {TS},
    score BIGINT,
    total BIGINT NOT NULL,
    passed BOOLEAN,
    UNIQUE (exam_id, user_id, attempt_no)
);
CREATE INDEX exam_attempts_exam ON exam_attempts (exam_id, submitted_at);
CREATE TABLE wrong_answers (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    question_id BIGINT NOT NULL REFERENCES questions(id),
    times BIGINT NOT NULL,
    last_answer TEXT NOT NULL,
    last_wrong_at {TS} NOT NULL,
    UNIQUE (user_id, question_id)
);
CREATE TABLE credits (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    source TEXT NOT NULL,
    source_ref BIGINT NOT NULL,
    attempt_id BIGINT,
    title TEXT NOT NULL,
    tenths BIGINT NOT NULL,
    earned_on DATE NOT NULL,
    created_at {TS} NOT NULL,
    UNIQUE (person_id, source, source_ref)
);
CREATE INDEX credits_person ON credits (tenant_id, person_id)
"#;

const DOWN: &str = r#"
DROP TABLE credits;
DROP TABLE wrong_answers;
DROP TABLE exam_attempts;
DROP TABLE exams;
DROP TABLE quiz_attempts;
DROP TABLE questions;
DROP TABLE question_banks
"#;
