//! The electronic dossier (网上档案): documents, remarks by 培养联系人, 思想汇报 (issue #3).

ddl_migration!("m0005_dossier");

// Documents live in the database, not on a node's disk: nodes keep no state of their own and
// several share one PostgreSQL. `content_type` is the sniffed type, never the uploader's claim;
// `sha256` lets the audit log name a file without holding its bytes. `step` is a pipeline step
// code (NULL: filed under no step), `kind` a `domain::pipeline::Material` code.
const UP: &str = r#"
CREATE TABLE documents (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    step TEXT,
    kind TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content {BLOB} NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users(id),
    uploaded_at {TS} NOT NULL
);
CREATE INDEX documents_person ON documents (tenant_id, person_id);
CREATE TABLE dossier_remarks (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    period TEXT,
    body TEXT NOT NULL,
    written_by BIGINT NOT NULL REFERENCES users(id),
    written_at {TS} NOT NULL,
    verdict TEXT,
    review_comment TEXT,
    reviewed_by BIGINT REFERENCES users(id),
    reviewed_at {TS}
);
CREATE INDEX dossier_remarks_person ON dossier_remarks (tenant_id, person_id);
CREATE TABLE thought_reports (
    id {PK},
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    quarter TEXT NOT NULL,
    body TEXT,
    document_id BIGINT REFERENCES documents(id),
    submitted_by BIGINT NOT NULL REFERENCES users(id),
    submitted_on DATE NOT NULL,
    submitted_at {TS} NOT NULL,
    answer TEXT,
    answered_by BIGINT REFERENCES users(id),
    answered_at {TS}
);
CREATE INDEX thought_reports_person ON thought_reports (tenant_id, person_id, quarter)
"#;

const DOWN: &str = "DROP TABLE thought_reports; DROP TABLE dossier_remarks; DROP TABLE documents";
