//! Branch life (issue #4): meetings, their invitees' attendance and leave, and their photos
//! and attachments.

ddl_migration!("m0007_meetings");

// `held_on` is the meeting's date in Beijing time, so compliance groups by day without
// converting time zones in SQL; `status` becomes `held` when the minutes are recorded (the
// 会议记录 is what an inspection asks for). `invited` and `attended` are kept on the meeting in
// the same transaction as every attendance change, so the compliance view of a whole school
// reads one row per meeting instead of every attendee. Files live in the database, as the
// dossier's do: nodes keep no state of their own.
const UP: &str = r#"
CREATE TABLE meetings (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    starts_at {TS} NOT NULL,
    ends_at {TS} NOT NULL,
    held_on DATE NOT NULL,
    place TEXT,
    online_link TEXT,
    agenda TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'planned',
    invited BIGINT NOT NULL DEFAULT 0,
    attended BIGINT NOT NULL DEFAULT 0,
    minutes TEXT,
    resolutions TEXT,
    host TEXT,
    recorder TEXT,
    minutes_by BIGINT REFERENCES users(id),
    minutes_at {TS},
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at {TS} NOT NULL
);
CREATE INDEX meetings_org_day ON meetings (tenant_id, org_id, held_on);
CREATE INDEX meetings_day ON meetings (tenant_id, held_on);
CREATE TABLE meeting_attendees (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    status TEXT NOT NULL DEFAULT 'invited',
    checked_in_at {TS},
    via TEXT,
    leave_reason TEXT,
    leave_status TEXT,
    leave_decided_by BIGINT REFERENCES users(id),
    correction_reason TEXT,
    UNIQUE (meeting_id, person_id)
);
CREATE INDEX meeting_attendees_person ON meeting_attendees (tenant_id, person_id);
CREATE TABLE meeting_files (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content {BLOB} NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users(id),
    uploaded_at {TS} NOT NULL
);
CREATE INDEX meeting_files_meeting ON meeting_files (meeting_id)
"#;

const DOWN: &str = "DROP TABLE meeting_files; DROP TABLE meeting_attendees; DROP TABLE meetings";
