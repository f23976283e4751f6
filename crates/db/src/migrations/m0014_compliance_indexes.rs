//! Indexes for the compliance view of a whole school (issue #4 performance).

ddl_migration!("m0014_compliance_indexes");

// The compliance view reads a year of held meetings (tens of thousands for a school of a
// thousand branches) and each org's latest one. Through `meetings_day` each row cost a table
// lookup and the latest-per-org needed a sort: 60 ms and 56 ms on SQLite for 37 k meetings.
// These two answer both from the index alone (4 ms and 11 ms). The first carries the
// attendance counts, so a check-in updates it too; the second does not.
const UP: &str = r#"
CREATE INDEX meetings_held_day ON meetings (tenant_id, status, held_on, org_id, kind, attended, invited);
CREATE INDEX meetings_held_org ON meetings (tenant_id, status, org_id, held_on)
"#;

const DOWN: &str = r#"
DROP INDEX meetings_held_org;
DROP INDEX meetings_held_day
"#;
