//! Printable forms filled from the record, as `.docx` (docs/adr/0005-printable-forms.md):
//! `GET /members/{id}/forms/activist.docx` (入党积极分子登记表-style summary),
//! `GET /members/{id}/forms/admission.docx` (预备党员接收 summary) and
//! `GET /orgs/{id}/forms/publicity.docx?people=1,2&from=..&to=..&contact=..` (发展对象公示).
//!
//! The text is Chinese in every language: these are Party documents to be printed, signed and
//! filed, so they are content, not interface. Dates are written 2025年11月21日, as printed forms
//! write them (DESIGN.md).

use std::io::Cursor;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use docx_rs::{
    AlignmentType, Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow, WidthType,
};
use redbranch_db::org::{self as dborg, Org};
use redbranch_db::people::{self as dbpeople, Person, PersonId};
use redbranch_db::pipeline::{self as dbpipeline, RecordedStep};
use redbranch_domain::authz::Permission;
use redbranch_domain::dates::parse_date;
use redbranch_domain::error::FieldError;
use redbranch_domain::org::OrgId;
use redbranch_domain::people::Gender;
use redbranch_domain::pipeline::Step;
use serde::Deserialize;
use serde_json::Value;

use super::settings;
use crate::error::{AppError, AppResult};
use crate::members::PersonOrgs;
use crate::orgs::parse_id;
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// The longest list a 公示 is printed for; a branch publicises a handful at a time.
const MAX_PUBLICITY_PEOPLE: usize = 200;
/// 宋体 is what Party offices print forms in; Word substitutes where it is missing.
const FONT: &str = "SimSun";

/// `2025年11月21日`.
pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn cn_date_opt(d: Option<NaiveDate>) -> String {
    d.map(cn_date).unwrap_or_default()
}

fn run(text: &str) -> Run {
    Run::new()
        .add_text(text)
        .fonts(RunFonts::new().east_asia(FONT))
}

pub(crate) fn title(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text).bold().size(36))
        .align(AlignmentType::Center)
}

pub(crate) fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text).size(24))
}

fn cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(para(text))
}

/// A two-column table of labels and values.
pub(crate) fn fields_table(rows: &[(&str, String)]) -> Table {
    Table::new(
        rows.iter()
            .map(|(k, v)| TableRow::new(vec![cell(k), cell(v)]))
            .collect(),
    )
    .set_grid(vec![2600, 6400])
    .width(9000, WidthType::Dxa)
}

/// A table with a header row.
pub(crate) fn grid_table(headers: &[&str], rows: &[Vec<String>]) -> Table {
    let mut all = vec![TableRow::new(headers.iter().map(|h| cell(h)).collect())];
    all.extend(
        rows.iter()
            .map(|r| TableRow::new(r.iter().map(|c| cell(c)).collect())),
    );
    Table::new(all).width(9000, WidthType::Dxa)
}

pub(crate) fn pack(doc: Docx) -> AppResult<Vec<u8>> {
    let mut buf = Cursor::new(Vec::new());
    doc.pack(&mut buf)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing a .docx form: {e}")))?;
    Ok(buf.into_inner())
}

pub(crate) fn docx_response(bytes: Vec<u8>, file: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The gender as the catalogue writes it in Chinese: printed forms are the official Chinese
/// forms whatever the reader's language.
fn gender(p: &Person) -> String {
    p.gender
        .as_deref()
        .and_then(Gender::from_code)
        .map(|g| redbranch_i18n::tr(redbranch_i18n::Locale::ZhCn, g.label_key()).to_string())
        .unwrap_or_default()
}

/// 专业 and 年级: the record keeps no 学历, so the form shows what a student's is made of.
fn study(p: &Person) -> String {
    [p.major.clone(), p.grade.as_ref().map(|g| format!("{g}级"))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("，")
}

/// The names of the person ids listed under `key` in a step's details.
async fn names_in(
    st: &AppState,
    u: &CurrentUser,
    step: Option<&RecordedStep>,
    key: &str,
) -> AppResult<String> {
    let ids: Vec<i64> = step
        .and_then(|r| serde_json::from_str::<Value>(&r.details).ok())
        .and_then(|v| v.get(key).cloned())
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let found = dbpeople::by_ids(&st.db.conn, u.tenant, &ids).await?;
    Ok(ids
        .iter()
        .filter_map(|i| found.iter().find(|p| p.id == *i).map(|p| p.name.clone()))
        .collect::<Vec<_>>()
        .join("、"))
}

/// `GET /members/{id}/forms/{form}` with `activist.docx` or `admission.docx`.
pub async fn person_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path((raw, form)): Path<(String, String)>,
) -> AppResult<Response> {
    let person = dbpeople::get(&st.db.conn, u.tenant, PersonId(parse_id(&raw)?)).await?;
    let orgs = PersonOrgs::of(&st.db.conn, u.tenant, &person).await?;
    orgs.ensure(&u.grants, Permission::ViewMembers)?;
    let steps = dbpipeline::steps_of(&st.db.conn, u.tenant, PersonId(person.id)).await?;
    let row = |s: Step| steps.iter().find(|(x, _)| *x == s).map(|(_, r)| r);
    let on = |s: Step| row(s).map(|r| r.happened_on);
    let branch = orgs
        .party
        .as_ref()
        .map(|o| o.name.clone())
        .unwrap_or_default();
    let mut facts = vec![
        ("姓名", person.name.clone()),
        ("性别", gender(&person)),
        ("民族", person.ethnicity.clone().unwrap_or_default()),
        ("出生日期", cn_date_opt(person.birth_date)),
        ("学号/工号", person.student_no.clone()),
        ("所在党支部", branch),
        ("专业、年级", study(&person)),
        (
            "递交入党申请书日期",
            cn_date_opt(on(Step::SubmitApplication).or(person.party_applied_on)),
        ),
        ("党组织派人谈话日期", cn_date_opt(on(Step::ApplicationTalk))),
        (
            "确定为入党积极分子日期",
            cn_date_opt(on(Step::RecommendActivist).or(person.activist_on)),
        ),
    ];
    let (heading, file) = match form.trim_end_matches(".docx") {
        "activist" => {
            facts.push((
                "培养联系人",
                names_in(&st, &u, row(Step::AssignCultivators), "cultivators").await?,
            ));
            ("入党积极分子登记表", "activist.docx")
        }
        "admission" => {
            let s = settings(&st, &u).await?;
            let meeting = on(Step::AdmissionMeeting);
            let vote = row(Step::AdmissionMeeting)
                .and_then(|r| serde_json::from_str::<Value>(&r.details).ok())
                .and_then(|v| v.get("vote").cloned())
                .filter(|v| !v.is_null())
                .map(|v| {
                    format!(
                        "应到 {} 人，实到 {} 人，赞成 {} 票",
                        v["entitled"], v["present"], v["yes"]
                    )
                })
                .unwrap_or_default();
            facts.extend([
                (
                    "确定为发展对象日期",
                    cn_date_opt(on(Step::DetermineTarget).or(person.target_on)),
                ),
                (
                    "入党介绍人",
                    names_in(&st, &u, row(Step::AssignIntroducers), "introducers").await?,
                ),
                ("政治审查日期", cn_date_opt(on(Step::PoliticalReview))),
                ("集中培训日期", cn_date_opt(on(Step::IntensiveTraining))),
                ("支部大会讨论日期", cn_date_opt(meeting)),
                ("支部大会表决情况", vote),
                ("上级党委审批日期", cn_date_opt(on(Step::AdmissionApproval))),
                (
                    "预备期",
                    meeting
                        .map(|m| format!("{}至{}", cn_date(m), cn_date(s.probation_ends(m))))
                        .unwrap_or_default(),
                ),
            ]);
            ("预备党员接收情况表", "admission.docx")
        }
        _ => return Err(AppError::NotFound),
    };
    let doc = Docx::new()
        .add_paragraph(title(heading))
        .add_paragraph(para(""))
        .add_table(fields_table(&facts))
        .add_paragraph(para(""))
        .add_paragraph(para(&format!("填表日期：{}", cn_date(st.clock.today()))));
    Ok(docx_response(pack(doc)?, file))
}

/// The 公示's query: who, from when to when, and whom to contact with objections.
#[derive(Debug, Default, Deserialize)]
pub struct PublicityQuery {
    #[serde(default)]
    pub people: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    pub contact: Option<String>,
}

fn query_date(field: &'static str, raw: &str) -> Result<NaiveDate, FieldError> {
    parse_date(raw.trim())
        .ok_or_else(|| FieldError::new(field, "error.date_format").with("value", raw))
}

/// `GET /orgs/{id}/forms/publicity.docx`: a 发展对象公示 for people of the org's subtree.
pub async fn publicity_form(
    State(st): State<AppState>,
    SignedIn(u): SignedIn,
    Path((raw, form)): Path<(String, String)>,
    Query(q): Query<PublicityQuery>,
) -> AppResult<Response> {
    if form != "publicity.docx" {
        return Err(AppError::NotFound);
    }
    let org: Org = dborg::get(&st.db.conn, u.tenant, OrgId(parse_id(&raw)?)).await?;
    u.grants.ensure(Permission::ViewMembers, &org.org_path())?;
    let mut errs = redbranch_domain::error::FieldErrors::default();
    let from = errs.take(query_date("field.publicity_start", &q.from));
    let to = errs.take(query_date("field.publicity_end", &q.to));
    let ids: Vec<i64> = q
        .people
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    if ids.is_empty() || ids.len() > MAX_PUBLICITY_PEOPLE {
        errs.push(FieldError::new(
            "field.pipeline_io_people",
            "error.required",
        ));
    }
    let (Some(from), Some(to)) = (from, to) else {
        return Err(errs.into());
    };
    if to < from {
        errs.push(
            FieldError::new("field.publicity_end", "error.pipeline_io_period_backwards")
                .with("from", from)
                .with("to", to),
        );
    }
    errs.into_result()?;
    let people = dbpeople::by_ids(&st.db.conn, u.tenant, &ids).await?;
    let org_of = PersonOrgs::of_many(&st, u.tenant, &people).await?;
    let steps_of = redbranch_db::pipeline::io::steps_of_many(&st.db.conn, u.tenant, &ids).await?;
    let mut rows = Vec::new();
    for id in &ids {
        let p = people
            .iter()
            .find(|p| p.id == *id)
            .ok_or(AppError::BadRequest("unknown_person"))?;
        // Only people of this org's subtree: a 公示 lists the branch's own candidates.
        let orgs = org_of.get(&p.id).cloned().unwrap_or_default();
        let inside = [&orgs.party, &orgs.league]
            .into_iter()
            .flatten()
            .any(|o| org.org_path().contains(&o.org_path()));
        if !inside {
            return Err(AppError::Forbidden(redbranch_domain::authz::Forbidden(
                Permission::ViewMembers,
            )));
        }
        let steps = steps_of.get(&p.id).map_or(&[][..], Vec::as_slice);
        let on = |s: Step| {
            steps
                .iter()
                .find(|(x, _)| *x == s)
                .map(|(_, r)| r.happened_on)
        };
        rows.push(vec![
            p.name.clone(),
            gender(p),
            p.birth_date
                .map(|d| format!("{}年{}月", d.year(), d.month()))
                .unwrap_or_default(),
            study(p),
            cn_date_opt(on(Step::SubmitApplication).or(p.party_applied_on)),
            cn_date_opt(on(Step::RecommendActivist).or(p.activist_on)),
        ]);
    }
    let contact = q
        .contact
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map_or_else(|| org.name.clone(), |c| format!("{}（{c}）", org.name));
    let doc = Docx::new()
        .add_paragraph(title(&format!("{}发展对象公示", org.name)))
        .add_paragraph(para(""))
        .add_paragraph(para(&format!(
            "经支部委员会研究，拟将以下 {} 名同志列为发展对象，现予公示。",
            rows.len()
        )))
        .add_table(grid_table(
            &[
                "姓名",
                "性别",
                "出生年月",
                "专业、年级",
                "申请入党时间",
                "确定为积极分子时间",
            ],
            &rows,
        ))
        .add_paragraph(para(""))
        .add_paragraph(para(&format!(
            "公示时间：{}至{}",
            cn_date(from),
            cn_date(to)
        )))
        .add_paragraph(para(&format!(
            "公示期间，如对公示对象有意见，请以书面或当面形式向{contact}反映。"
        )))
        .add_paragraph(para(""))
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&org.name).size(24))
                .align(AlignmentType::Right),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&cn_date(from)).size(24))
                .align(AlignmentType::Right),
        );
    Ok(docx_response(pack(doc)?, "publicity.docx"))
}
