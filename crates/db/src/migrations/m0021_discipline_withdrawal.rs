//! A 党纪处分 record can be withdrawn (撤销): entered by mistake, or the decision revoked on
//! appeal (《中国共产党纪律处分条例》; 党章 第四条 党员的申诉权). The record stays, marked, with who
//! withdrew it, when and why; it no longer counts for any rule. An expulsion keeps the status
//! the person had before it, so that withdrawing it can give that status back.

ddl_migration!("m0021_discipline_withdrawal");

const UP: &str = r#"
ALTER TABLE discipline_records ADD COLUMN status_before TEXT;
ALTER TABLE discipline_records ADD COLUMN withdrawn_at {TS};
ALTER TABLE discipline_records ADD COLUMN withdrawn_by BIGINT;
ALTER TABLE discipline_records ADD COLUMN withdrawn_reason TEXT
"#;

const DOWN: &str = r#"
ALTER TABLE discipline_records DROP COLUMN withdrawn_reason;
ALTER TABLE discipline_records DROP COLUMN withdrawn_by;
ALTER TABLE discipline_records DROP COLUMN withdrawn_at;
ALTER TABLE discipline_records DROP COLUMN status_before
"#;
