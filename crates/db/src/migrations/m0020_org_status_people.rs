//! People per political status per Party org, kept by the database itself (issue #3
//! performance): the pipeline board of a college read every person in the pipeline of its
//! subtree (some 600 index entries, about 0.9 ms of PostgreSQL's time per board); it now reads
//! one row per org and status.
//!
//! Triggers on `people` keep the table, not the code that writes people: a status or a branch
//! changes in step records, imports, bulk actions, member edits, transfers, discipline and
//! `generate`, and a count that one of them forgot would be wrong without anyone noticing. A
//! trigger cannot be forgotten; `pipeline_due.rs` checks the table against a recount after each
//! kind of write.
//!
//! PostgreSQL uses statement-level triggers over transition tables: one upsert per statement,
//! whatever its number of rows, applied in (org, status) order so that two writers lock the
//! count rows in the same order. SQLite has only row triggers, and one writer at a time.
//! The migration is written per backend because trigger bodies hold `;`.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0020_org_status_people"
    }
}

const TABLE: &str = "CREATE TABLE org_status_people (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    org_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    headcount BIGINT NOT NULL,
    PRIMARY KEY (org_id, status)
)";

const FILL: &str = "INSERT INTO org_status_people (tenant_id, org_id, status, headcount)
    SELECT tenant_id, party_org_id, political_status, COUNT(*) FROM people
    WHERE party_org_id IS NOT NULL GROUP BY tenant_id, party_org_id, political_status";

/// Adds `n` people to an (org, status); `n` may be negative.
const UPSERT_TAIL: &str = "ON CONFLICT (org_id, status) DO UPDATE SET headcount = org_status_people.headcount + excluded.headcount";

fn postgres() -> Vec<String> {
    let apply = |rows: &str| {
        format!(
            "INSERT INTO org_status_people (tenant_id, org_id, status, headcount) \
             SELECT tenant_id, org_id, status, SUM(n) FROM ({rows}) d \
             GROUP BY tenant_id, org_id, status HAVING SUM(n) <> 0 ORDER BY org_id, status {UPSERT_TAIL};"
        )
    };
    let added = "SELECT tenant_id, party_org_id AS org_id, political_status AS status, 1 AS n \
                 FROM new_rows WHERE party_org_id IS NOT NULL";
    let removed = "SELECT tenant_id, party_org_id AS org_id, political_status AS status, -1 AS n \
                   FROM old_rows WHERE party_org_id IS NOT NULL";
    let function = format!(
        "CREATE FUNCTION org_status_people_apply() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {ins}
    ELSIF TG_OP = 'DELETE' THEN
        {del}
    ELSE
        {upd}
    END IF;
    RETURN NULL;
END
$body$",
        ins = apply(added),
        del = apply(removed),
        upd = apply(&format!("{added} UNION ALL {removed}")),
    );
    let trigger = |name: &str, event: &str, tables: &str| {
        format!(
            "CREATE TRIGGER {name} AFTER {event} ON people REFERENCING {tables} \
             FOR EACH STATEMENT EXECUTE FUNCTION org_status_people_apply()"
        )
    };
    vec![
        TABLE.into(),
        FILL.into(),
        function,
        trigger("org_status_people_ins", "INSERT", "NEW TABLE AS new_rows"),
        trigger("org_status_people_del", "DELETE", "OLD TABLE AS old_rows"),
        trigger(
            "org_status_people_upd",
            "UPDATE",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        ),
    ]
}

fn sqlite() -> Vec<String> {
    let add = |who: &str| {
        format!(
            "INSERT INTO org_status_people (tenant_id, org_id, status, headcount) \
             SELECT {who}.tenant_id, {who}.party_org_id, {who}.political_status, 1 \
             WHERE {who}.party_org_id IS NOT NULL {UPSERT_TAIL};"
        )
    };
    let remove = "UPDATE org_status_people SET headcount = headcount - 1 \
                  WHERE org_id = OLD.party_org_id AND status = OLD.political_status;";
    vec![
        TABLE.into(),
        FILL.into(),
        format!(
            "CREATE TRIGGER org_status_people_ins AFTER INSERT ON people BEGIN {} END",
            add("NEW")
        ),
        format!("CREATE TRIGGER org_status_people_del AFTER DELETE ON people BEGIN {remove} END"),
        format!(
            "CREATE TRIGGER org_status_people_upd AFTER UPDATE OF political_status, party_org_id ON people \
             WHEN OLD.political_status IS NOT NEW.political_status OR OLD.party_org_id IS NOT NEW.party_org_id \
             BEGIN {remove} {} END",
            add("NEW")
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        super::run_per_backend(manager, postgres, sqlite).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut statements: Vec<String> = ["ins", "del", "upd"]
            .iter()
            .map(|t| {
                format!(
                    "DROP TRIGGER org_status_people_{t}{}",
                    match manager.get_database_backend() {
                        DbBackend::Postgres => " ON people",
                        _ => "",
                    }
                )
            })
            .collect();
        if manager.get_database_backend() == DbBackend::Postgres {
            statements.push("DROP FUNCTION org_status_people_apply()".into());
        }
        statements.push("DROP TABLE org_status_people".into());
        super::run_each(manager, &statements).await
    }
}
