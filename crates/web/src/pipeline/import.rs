//! Importing the current pipeline state from Excel: check (the preview) and commit (all or
//! nothing), shared by the pages and the API.
//!
//! Checking finds the person by 学号/工号 with the name as a cross-check, inside the importer's
//! `RecordPipeline` scope; finds each named 培养联系人/入党介绍人 in the school; and replays the
//! row's steps through the domain's rules ([`PipelineSettings::replay`]). Problems the file must
//! fix are `issues`; past violations of a rule are `violations`, which only a college or school
//! administrator (`OverridePipelineRule`) may commit past, with a written reason recorded on each
//! overridden step. The commit records every step through [`record_step`], the same path as one
//! step recorded by hand, in one transaction.

use std::collections::{HashMap, HashSet};

use redbranch_db::TransactionTrait;
use redbranch_db::people::Person;
use redbranch_db::pipeline::io as dbio;
use redbranch_domain::authz::Permission;
use redbranch_domain::error::FieldError;
use redbranch_domain::people::PoliticalStatus;
use redbranch_domain::pipeline::import::{PipelineRow, parse_pipeline_import, step_header};
use redbranch_domain::pipeline::{Fact, History, Introducer, Step, StepFacts};
use redbranch_i18n::{Locale, tr};
use serde::{Deserialize, Serialize};

use super::{RecordRequest, record_step, settings};
use crate::error::AppResult;
use crate::import::IssueLine;
use crate::members::PersonOrgs;
use crate::session::CurrentUser;
use crate::state::AppState;

/// The job kind under which pipeline imports wait in `import_jobs`.
pub const JOB_KIND: &str = "pipeline";
/// Override reasons are kept whole; a longer text is refused by `record_step`.
const MAX_REASON: usize = 500;

/// What the preview shows and the commit reports, stored with the job as JSON.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportReport {
    /// Person rows read.
    pub rows: usize,
    /// Steps the file would record.
    pub steps: usize,
    /// Problems the file must fix before anything can be committed.
    pub issues: Vec<IssueLine>,
    /// Past violations of a rule: committed only by an administrator with a reason.
    pub violations: Vec<IssueLine>,
    /// Flagged, not refused: a candidate leaving within 3 months of the 支部大会 (细则 第十九条).
    /// Reports stored before this field existed read as none.
    #[serde(default)]
    pub flags: Vec<IssueLine>,
    /// Steps recorded, once committed.
    pub committed: Option<usize>,
    /// Why the file or the commit was refused as a whole.
    pub error: Option<String>,
}

/// One person's steps, ready to record.
struct Planned {
    person: Person,
    orgs: PersonOrgs,
    row: PipelineRow,
    /// Each step with what to record and whether a rule refused it.
    steps: Vec<(RecordRequest, bool)>,
}

struct Checked {
    report: ImportReport,
    planned: Vec<Planned>,
}

fn line(locale: Locale, row: &PipelineRow, column: &str, e: &FieldError) -> IssueLine {
    IssueLine {
        sheet: row.sheet.clone(),
        row: row.row,
        column: column.to_string(),
        message: crate::render::field_line(locale, e),
    }
}

fn header_of(locale: Locale, s: Step) -> String {
    step_header(s, tr(locale, s.key()))
}

/// Reads and checks a file; nothing is written.
async fn check(
    st: &AppState,
    u: &CurrentUser,
    locale: Locale,
    bytes: &[u8],
    file_name: &str,
) -> AppResult<Checked> {
    let mut report = ImportReport::default();
    let sheets = match redbranch_sheets::read_workbook(bytes, file_name) {
        Ok(s) => s,
        Err(e) => {
            report.error = Some(tr(locale, e.code()).to_string());
            return Ok(Checked {
                report,
                planned: Vec::new(),
            });
        }
    };
    let parsed = parse_pipeline_import(&sheets);
    report.rows = parsed.rows.len() + {
        let mut bad: Vec<_> = parsed.issues.iter().map(|i| (&i.sheet, i.row)).collect();
        bad.dedup();
        bad.len()
    };
    report.issues = parsed
        .issues
        .iter()
        .map(|i| IssueLine {
            sheet: i.sheet.clone(),
            row: i.row,
            column: i.column.clone().unwrap_or_default(),
            message: crate::render::field_line(locale, &i.error),
        })
        .collect();
    let s = settings(st, u).await?;
    let today = st.clock.today();
    let nos: Vec<String> = parsed.rows.iter().map(|r| r.student_no.clone()).collect();
    let people = redbranch_db::people::by_student_nos(&st.db.conn, u.tenant, &nos).await?;
    let mut names: Vec<String> = parsed
        .rows
        .iter()
        .flat_map(|r| r.cultivators.iter().chain(&r.introducers).cloned())
        .collect();
    names.sort();
    names.dedup();
    let named = dbio::by_names(&st.db.conn, u.tenant, &names).await?;
    // Everyone named may be an introducer: their discipline records, read once for the file.
    let named_ids: Vec<i64> = named.values().flatten().map(|p| p.id).collect();
    let discipline =
        redbranch_db::discipline::records_of_people(&st.db.conn, u.tenant, &named_ids).await?;
    let ids: Vec<i64> = people.values().map(|p| p.id).collect();
    let recorded = dbio::steps_of_many(&st.db.conn, u.tenant, &ids).await?;
    let org_of = PersonOrgs::of_many(st, u.tenant, people.values()).await?;
    let mut seen = HashSet::new();
    let mut planned = Vec::new();
    for row in parsed.rows {
        let before = report.issues.len();
        let mut issue =
            |column: &str, e: FieldError| report.issues.push(line(locale, &row, column, &e));
        let no_col = redbranch_domain::pipeline::import::STUDENT_NO;
        if !seen.insert(row.student_no.clone()) {
            issue(
                no_col,
                FieldError::new("field.student_no", "error.pipeline_io_duplicate_row"),
            );
            continue;
        }
        let Some(person) = people.get(&row.student_no) else {
            issue(
                no_col,
                FieldError::new("field.student_no", "error.pipeline_io_unknown_person")
                    .with("value", &row.student_no),
            );
            continue;
        };
        if person.name != row.name {
            issue(
                redbranch_domain::pipeline::import::NAME,
                FieldError::new("field.name", "error.pipeline_io_name_mismatch")
                    .with("value", &row.name)
                    .with("name", &person.name),
            );
        }
        let orgs = org_of.get(&person.id).cloned().unwrap_or_default();
        if orgs.ensure(&u.grants, Permission::RecordPipeline).is_err() {
            issue(
                no_col,
                FieldError::new("field.student_no", "error.pipeline_io_out_of_scope"),
            );
        }
        // Each name must be exactly one person of the school.
        let mut resolve = |list: &[String], column: &str, field: &'static str| -> Vec<&Person> {
            list.iter()
                .filter_map(|n| match named.get(n).map(Vec::as_slice) {
                    Some([p]) => Some(p),
                    Some([_, _, ..]) => {
                        issue(
                            column,
                            FieldError::new(field, "error.pipeline_io_name_ambiguous")
                                .with("value", n),
                        );
                        None
                    }
                    _ => {
                        issue(
                            column,
                            FieldError::new(field, "error.pipeline_io_name_unknown")
                                .with("value", n),
                        );
                        None
                    }
                })
                .collect()
        };
        use redbranch_domain::pipeline::import::{CULTIVATORS, INTRODUCERS};
        let cultivators: Vec<i64> = resolve(&row.cultivators, CULTIVATORS, "field.cultivators")
            .iter()
            .map(|p| p.id)
            .collect();
        let introducer_people = resolve(&row.introducers, INTRODUCERS, "field.introducers");
        // 细则 第十四条 on the day the file gives for step 9 (without it, no introducers are
        // recorded and the flag is never read).
        let introduced_on = row.dates.get(&Step::AssignIntroducers).copied();
        let introducers: Vec<Introducer> = introducer_people
            .iter()
            .map(|p| Introducer {
                status: PoliticalStatus::from_code(&p.political_status)
                    .unwrap_or(PoliticalStatus::Masses),
                under_probation_discipline: introduced_on
                    .is_some_and(|on| crate::discipline::under_probation_in(&discipline, p.id, on)),
            })
            .collect();
        let introducer_ids: Vec<i64> = introducer_people.iter().map(|p| p.id).collect();
        let already: History = recorded
            .get(&person.id)
            .map(|v| redbranch_db::pipeline::history(v))
            .unwrap_or_default();
        let mut steps: Vec<(Step, StepFacts)> = Vec::new();
        for (step, on) in &row.dates {
            let column = header_of(locale, *step);
            match already.date_of(*step) {
                Some(d) if d == *on => continue,
                Some(d) => {
                    issue(
                        &column,
                        FieldError::new(
                            "field.pipeline_on",
                            "error.pipeline_io_already_recorded_on",
                        )
                        .with("date", d),
                    );
                    continue;
                }
                None => {}
            }
            if *on > today {
                issue(
                    &column,
                    FieldError::new("field.pipeline_on", "error.date_in_future")
                        .with("today", today),
                );
            }
            for fact in step.needs() {
                let missing = match fact {
                    Fact::BirthDate => person.birth_date.is_none(),
                    Fact::Cultivators => row.cultivators.is_empty(),
                    Fact::Introducers => row.introducers.is_empty(),
                    Fact::Training => row.training_days.is_none() && row.training_hours.is_none(),
                    Fact::Vote => match step {
                        Step::AdmissionMeeting => row.admission_vote.is_none(),
                        _ => row.conversion_vote.is_none(),
                    },
                };
                if missing {
                    issue(&column, FieldError::new(fact.field(), "error.required"));
                }
            }
            let mut facts = row.facts(*step, *on, person.birth_date, &introducers);
            if *step == Step::RecommendActivist {
                // The same League facts record_step reads at commit, so that a missing 推优 is
                // a rule violation in the preview (which an administrator may override) and not
                // a surprise refusal when committing.
                let (member, recommendation) =
                    crate::league::party_facts(&st.db.conn, u, person).await?;
                facts.league_member = member;
                facts.recommendation = recommendation;
            }
            steps.push((*step, facts));
        }
        let (refused, flagged) = s.replay_flagged(&already, &steps);
        for (step, r) in &flagged {
            let e = FieldError {
                field: "field.pipeline_step",
                code: r.key(),
                args: r.args.clone(),
            };
            report
                .flags
                .push(line(locale, &row, &header_of(locale, *step), &e));
        }
        for (step, r) in &refused {
            let e = FieldError {
                field: "field.pipeline_step",
                code: r.key(),
                args: r.args.clone(),
            };
            report
                .violations
                .push(line(locale, &row, &header_of(locale, *step), &e));
        }
        if report.issues.len() > before {
            continue;
        }
        report.steps += steps.len();
        let requests = steps
            .iter()
            .map(|(step, f)| {
                let req = request_for(&row, *step, f, &cultivators, &introducer_ids);
                (req, refused.iter().any(|(s, _)| s == step))
            })
            .collect();
        planned.push(Planned {
            person: person.clone(),
            orgs,
            row,
            steps: requests,
        });
    }
    Ok(Checked { report, planned })
}

/// What `record_step` is given for one step of an imported row.
fn request_for(
    row: &PipelineRow,
    step: Step,
    f: &StepFacts,
    cultivators: &[i64],
    introducers: &[i64],
) -> RecordRequest {
    let vote = match step {
        Step::AdmissionMeeting => row.admission_vote,
        Step::ConversionMeeting => row.conversion_vote,
        _ => None,
    };
    RecordRequest {
        step: step.code().into(),
        on: f.on.to_string(),
        cultivators: if step == Step::AssignCultivators {
            cultivators.to_vec()
        } else {
            Vec::new()
        },
        introducers: if step == Step::AssignIntroducers {
            introducers.to_vec()
        } else {
            Vec::new()
        },
        training_days: (step == Step::IntensiveTraining)
            .then_some(row.training_days)
            .flatten(),
        training_hours: (step == Step::IntensiveTraining)
            .then_some(row.training_hours)
            .flatten(),
        entitled: vote.map(|v| v.entitled),
        present: vote.map(|v| v.present),
        yes: vote.map(|v| v.yes),
        publicity_start: (step == Step::AdmissionMeeting)
            .then(|| row.publicity.map(|(s, _)| s.to_string()))
            .flatten(),
        publicity_end: (step == Step::AdmissionMeeting)
            .then(|| row.publicity.map(|(_, e)| e.to_string()))
            .flatten(),
        leaving_on: (step == Step::AdmissionMeeting)
            .then(|| row.leaving_on.map(|d| d.to_string()))
            .flatten(),
        override_reason: None,
    }
}

/// The preview of a file.
pub async fn preview(
    st: &AppState,
    u: &CurrentUser,
    locale: Locale,
    bytes: &[u8],
    file_name: &str,
) -> AppResult<ImportReport> {
    Ok(check(st, u, locale, bytes, file_name).await?.report)
}

/// Checks the file again (the stored file is the truth, not the preview) and, if it may be
/// committed, records every step in one transaction. `Ok(report)` either way: a refused report
/// has `error` set and nothing was written.
pub async fn commit(
    st: &AppState,
    u: &CurrentUser,
    locale: Locale,
    (bytes, file_name): (&[u8], &str),
    reason: Option<&str>,
) -> AppResult<ImportReport> {
    let Checked {
        mut report,
        planned,
    } = check(st, u, locale, bytes, file_name).await?;
    let refuse = |mut report: ImportReport, key: &str| {
        report.error = Some(tr(locale, key).to_string());
        Ok(report)
    };
    if report.error.is_some() {
        return Ok(report);
    }
    if !report.issues.is_empty() {
        return refuse(report, "pipeline_io.import_has_issues");
    }
    if planned.is_empty() {
        return refuse(report, "pipeline_io.import_nothing");
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if !report.violations.is_empty() {
        let may = planned
            .iter()
            .filter(|p| p.steps.iter().any(|(_, v)| *v))
            .all(|p| {
                p.orgs
                    .ensure(&u.grants, Permission::OverridePipelineRule)
                    .is_ok()
            });
        if !may {
            return refuse(report, "pipeline_io.import_violations_admin_only");
        }
        match reason {
            None => return refuse(report, "pipeline_io.import_reason_required"),
            Some(r) if r.chars().count() > MAX_REASON => {
                return refuse(report, "pipeline_io.import_reason_too_long");
            }
            Some(_) => {}
        }
    }
    let s = settings(st, u).await?;
    let txn = st.db.conn.begin().await?;
    let mut recorded = 0;
    for p in &planned {
        for (req, violated) in &p.steps {
            let mut req = req.clone();
            if *violated {
                req.override_reason = reason.map(str::to_string);
            }
            if let Err(e) = record_step(st, &txn, u, &s, (&p.person, &p.orgs), &req).await {
                txn.rollback().await?;
                let crate::error::AppError::Invalid(fields) = e else {
                    return Err(e);
                };
                let column = Step::from_code(&req.step)
                    .map(|s| header_of(locale, s))
                    .unwrap_or_default();
                report.issues = fields
                    .0
                    .iter()
                    .map(|f| line(locale, &p.row, &column, f))
                    .collect();
                return refuse(report, "pipeline_io.import_has_issues");
            }
            recorded += 1;
        }
    }
    let by_person: HashMap<i64, usize> = planned
        .iter()
        .map(|p| (p.person.id, p.steps.len()))
        .collect();
    let mut e = crate::audit::entry(
        u,
        "import",
        "pipeline",
        "",
        None,
        None,
        Some(serde_json::json!({
            "file": file_name, "steps": recorded, "people": by_person.len(),
            "violations_overridden": report.violations.len(),
            "override_reason": if report.violations.is_empty() { None } else { reason },
        })),
    );
    e.entity_id = None;
    redbranch_db::audit::append(&txn, u.tenant, e).await?;
    txn.commit().await?;
    report.committed = Some(recorded);
    Ok(report)
}

/// The downloadable template: the columns the importer reads, in order, as `.xlsx`.
pub fn template() -> AppResult<Vec<u8>> {
    use redbranch_domain::pipeline::import as cols;
    // Chinese in every language: the headers are the import contract (as in the roster template).
    let steps: Vec<String> = Step::ALL
        .iter()
        .map(|s| header_of(Locale::ZhCn, *s))
        .collect();
    let mut headers: Vec<&str> = vec![cols::STUDENT_NO, cols::NAME];
    headers.extend(steps.iter().map(String::as_str));
    headers.extend([
        cols::CULTIVATORS,
        cols::INTRODUCERS,
        cols::TRAINING_DAYS,
        cols::TRAINING_HOURS,
        cols::PUBLICITY_START,
        cols::PUBLICITY_END,
        cols::LEAVING_ON,
    ]);
    headers.extend(cols::ADMISSION_VOTE);
    headers.extend(cols::CONVERSION_VOTE);
    redbranch_sheets::write_xlsx("发展党员", &headers, std::iter::empty())
        .map_err(|e| crate::error::AppError::Internal(anyhow::anyhow!("pipeline template: {e}")))
}
