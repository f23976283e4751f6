//! The pipeline of an org's subtree as a table: `GET /orgs/{id}/pipeline.xlsx` (Excel) and
//! `GET /api/v1/orgs/{id}/pipeline` (the same rows as JSON). Everyone under the org who is in
//! the pipeline — a step recorded, or the status of 入党申请人 up to 预备党员 — one row each.
//!
//! The columns follow the 发展党员 information the national 全国党员管理信息系统 keeps, as far as
//! public material shows it (docs/PIPELINE_IO.md says which parts are sourced and which are a
//! guess). The headers are Chinese in every language: the file goes to an organisation office
//! that types it into the national system. 身份证号 stays masked, as in the member export.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use redbranch_db::TransactionTrait;
use redbranch_db::org::{self as dborg, Org};
use redbranch_db::people::{self as dbpeople, MemberFilter};
use redbranch_db::pipeline::io as dbio;
use redbranch_domain::authz::{Permission, Scope};
use redbranch_domain::org::OrgId;
use redbranch_domain::people::{Gender, PoliticalStatus};
use redbranch_i18n::{Locale, tr};
use redbranch_sheets::Cell;
use serde_json::{Value, json};

use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::page::Ctx;
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;
use redbranch_domain::pipeline::Step;

/// The exported columns, in order.
pub const HEADERS: [&str; 23] = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "公民身份号码",
    "学号/工号",
    "所在党支部",
    "发展阶段",
    "申请入党日期",
    "确定为入党积极分子日期",
    "培养联系人",
    "确定为发展对象日期",
    "入党介绍人",
    "政治审查日期",
    "集中培训日期",
    "支部大会讨论日期",
    "上级党委审批日期",
    "加入党组织日期",
    "转正支部大会日期",
    "转正审批日期",
    "转为正式党员日期",
    "备注",
];

/// The steps whose dates are columns, in column order after 发展阶段 (`None`: a names column).
const STEP_COLUMNS: [Option<Step>; 9] = [
    Some(Step::SubmitApplication),
    Some(Step::RecommendActivist),
    None,
    Some(Step::DetermineTarget),
    None,
    Some(Step::PoliticalReview),
    Some(Step::IntensiveTraining),
    Some(Step::AdmissionMeeting),
    Some(Step::AdmissionApproval),
];

/// Statuses that are in the pipeline even before a step is recorded on the platform.
const IN_PIPELINE: [PoliticalStatus; 4] = [
    PoliticalStatus::PartyApplicant,
    PoliticalStatus::PartyActivist,
    PoliticalStatus::DevelopmentTarget,
    PoliticalStatus::ProbationaryMember,
];

fn text(s: Option<String>) -> Cell {
    s.filter(|s| !s.is_empty()).map_or(Cell::Empty, Cell::Text)
}

fn date(d: Option<NaiveDate>) -> Cell {
    d.map_or(Cell::Empty, Cell::Date)
}

/// The person ids a step's details list under `key` (`cultivators`, `introducers`).
fn ids_in(details: &str, key: &str) -> Vec<i64> {
    serde_json::from_str::<Value>(details)
        .ok()
        .and_then(|v| v.get(key).cloned())
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// The org the export is of, if `u` may export it.
pub async fn org_for_export(st: &AppState, u: &CurrentUser, raw: &str) -> AppResult<Org> {
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(parse_id(raw)?)).await?;
    u.grants
        .ensure(Permission::ExportMembers, &org.org_path())?;
    Ok(org)
}

/// The rows of the export of `org`'s subtree, in 学号 order.
pub async fn pipeline_rows(
    st: &AppState,
    u: &CurrentUser,
    org: &Org,
    locale: Locale,
) -> AppResult<Vec<Vec<Cell>>> {
    let path = org.org_path();
    let scope = Scope {
        roots: vec![path.clone()],
    };
    let filter = MemberFilter {
        org: Some(path),
        ..MemberFilter::default()
    };
    let listed = dbpeople::list_all(&st.db.conn, u.tenant, &scope, &filter).await?;
    let ids: Vec<i64> = listed.iter().map(|r| r.id).collect();
    let steps = dbio::steps_of_many(&st.db.conn, u.tenant, &ids).await?;
    let people: HashMap<i64, dbpeople::Person> = dbpeople::by_ids(&st.db.conn, u.tenant, &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    // 培养联系人 and 入党介绍人 are kept as person ids; one query names them all.
    let mut named: Vec<i64> = steps
        .values()
        .flatten()
        .flat_map(|(_, r)| {
            [
                ids_in(&r.details, "cultivators"),
                ids_in(&r.details, "introducers"),
            ]
        })
        .flatten()
        .collect();
    named.sort_unstable();
    named.dedup();
    let names: HashMap<i64, String> = dbpeople::by_ids(&st.db.conn, u.tenant, &named)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let names_of = |ids: Vec<i64>| -> Cell {
        let v: Vec<&str> = ids
            .iter()
            .filter_map(|i| names.get(i).map(String::as_str))
            .collect();
        text(Some(v.join("、")))
    };
    let mut rows = Vec::new();
    for listed in &listed {
        let Some(p) = people.get(&listed.id) else {
            continue;
        };
        let own: &[(Step, redbranch_db::pipeline::RecordedStep)] =
            steps.get(&p.id).map_or(&[], Vec::as_slice);
        let status = PoliticalStatus::from_code(&p.political_status);
        if own.is_empty() && !status.is_some_and(|s| IN_PIPELINE.contains(&s)) {
            continue;
        }
        let on = |s: Step| {
            own.iter()
                .find(|(x, _)| *x == s)
                .map(|(_, r)| r.happened_on)
        };
        let details = |s: Step| {
            own.iter()
                .find(|(x, _)| *x == s)
                .map(|(_, r)| r.details.clone())
                .unwrap_or_default()
        };
        let stage = own.last().map_or_else(
            || status.map(|s| tr(locale, s.label_key()).to_string()),
            |(s, _)| Some(tr(locale, s.stage().key()).to_string()),
        );
        let gender = p
            .gender
            .as_deref()
            .and_then(Gender::from_code)
            .map(|g| tr(locale, g.label_key()).to_string());
        let mut row = vec![
            Cell::Number((rows.len() + 1) as f64),
            Cell::Text(p.name.clone()),
            text(gender),
            text(p.ethnicity.clone()),
            date(p.birth_date),
            text(p.id_card_masked.clone()),
            Cell::Text(p.student_no.clone()),
            text(listed.party_org_name.clone()),
            text(stage),
        ];
        for (i, c) in STEP_COLUMNS.iter().enumerate() {
            row.push(match c {
                Some(s) => date(on(*s).or(match s {
                    Step::SubmitApplication => p.party_applied_on,
                    Step::RecommendActivist => p.activist_on,
                    Step::DetermineTarget => p.target_on,
                    _ => None,
                })),
                None if i == 2 => {
                    names_of(ids_in(&details(Step::AssignCultivators), "cultivators"))
                }
                None => names_of(ids_in(&details(Step::AssignIntroducers), "introducers")),
            });
        }
        row.extend([
            date(p.party_joined_on),
            date(on(Step::ConversionMeeting)),
            date(on(Step::ConversionApproval)),
            date(p.confirmed_on),
        ]);
        let overrides: Vec<String> = own
            .iter()
            .filter_map(|(s, r)| {
                r.override_reason
                    .as_ref()
                    .map(|why| format!("第{}步破例：{why}", s.number()))
            })
            .collect();
        row.push(text(Some(overrides.join("；"))));
        rows.push(row);
    }
    Ok(rows)
}

/// Writes the audit entry of an export: who took which org's pipeline, how many rows.
async fn audit_export(st: &AppState, u: &CurrentUser, org: &Org, rows: usize) -> AppResult<()> {
    let txn = st.db.conn.begin().await?;
    let entry = crate::audit::entry(
        u,
        "export",
        "pipeline",
        org.id,
        Some(org.org_path()),
        None,
        Some(json!({"rows": rows, "numbers_in_clear": false})),
    );
    redbranch_db::audit::append(&txn, u.tenant, entry).await?;
    txn.commit().await?;
    Ok(())
}

/// `GET /orgs/{id}/pipeline.xlsx`.
pub async fn export_pipeline_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Response> {
    let org = org_for_export(&st, &u, &raw).await?;
    let rows = pipeline_rows(&st, &u, &org, ctx.locale).await?;
    let n = rows.len();
    let bytes = redbranch_sheets::write_xlsx("发展党员", &HEADERS, rows)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing the pipeline export: {e}")))?;
    audit_export(&st, &u, &org, n).await?;
    let today = st.clock.today();
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let disposition = format!("attachment; filename=\"pipeline-{}-{today}.xlsx\"", org.id);
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// `GET /api/v1/orgs/{id}/pipeline`: the same columns and rows; dates as `YYYY-MM-DD`.
pub async fn export_pipeline_api(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(u): SignedIn,
    Path(raw): Path<String>,
) -> AppResult<Json<Value>> {
    let org = org_for_export(&st, &u, &raw).await?;
    let rows = pipeline_rows(&st, &u, &org, ctx.locale).await?;
    audit_export(&st, &u, &org, rows.len()).await?;
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.text().into_owned()).collect())
        .collect();
    Ok(Json(
        json!({"org_id": org.id, "columns": HEADERS, "rows": rows}),
    ))
}
