//! The rank histogram (issue #5 performance): how many people of a school have each lifetime
//! points value, so a person's rank reads the distinct values above theirs instead of counting
//! the people ahead of them (a range count over 1 M index entries).

ddl_migration!("m0018_points_rank");

// Kept in the same transaction as every change of `points_totals.earned` (`db::points::rank`);
// filled here from the totals that exist. A value nobody holds any more may keep a row at 0.
const UP: &str = r#"
CREATE TABLE points_rank (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    earned BIGINT NOT NULL,
    people BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, earned)
);
INSERT INTO points_rank (tenant_id, earned, people)
    SELECT tenant_id, earned, COUNT(*) FROM points_totals GROUP BY tenant_id, earned
"#;

const DOWN: &str = r#"
DROP TABLE points_rank
"#;
