//! The dossier's written records — a 培养联系人's remark, its review, a 思想汇报 and its answer —
//! checked and written with their audit entry on the caller's transaction. Shared by the pages
//! (form fields) and the JSON API (the same names in a JSON body).

use redbranch_db::ConnectionTrait;
use redbranch_db::dossier::{self as dbdossier, NewRemark, NewReport, Remark, ThoughtReport};
use redbranch_db::people::{Person, PersonId};
use redbranch_domain::dossier::{RemarkKind, Verdict, parse_month, parse_quarter, parse_text};
use redbranch_domain::error::{FieldError, FieldErrors};
use redbranch_domain::pipeline::Material;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Access;
use crate::error::AppResult;
use crate::members::PersonOrgs;
use crate::session::CurrentUser;
use crate::state::AppState;

/// The person, their orgs and what the caller is to them.
pub type Subject<'a> = (&'a Person, &'a PersonOrgs, Access);

#[derive(Debug, Default, Clone, Deserialize)]
pub struct RemarkInput {
    #[serde(default)]
    pub kind: String,
    /// `YYYY-MM`, for a monthly remark.
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub body: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReviewInput {
    /// `agree` or `comment`.
    #[serde(default)]
    pub verdict: String,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReportInput {
    #[serde(default)]
    pub quarter: String,
    #[serde(default)]
    pub body: String,
    /// A document of the person, of kind 思想汇报, already uploaded.
    pub document_id: Option<i64>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct AnswerInput {
    #[serde(default)]
    pub answer: String,
}

async fn audit(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (person, orgs): (&Person, &PersonOrgs),
    action: &str,
    after: Value,
) -> AppResult<()> {
    let org = orgs.party.as_ref().map(|o| o.org_path());
    let e = crate::audit::entry(u, action, "person", person.id, org, None, Some(after));
    redbranch_db::audit::append(c, u.tenant, e).await?;
    Ok(())
}

pub async fn write_remark(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (person, orgs, access): Subject<'_>,
    input: &RemarkInput,
) -> AppResult<Remark> {
    access.ensure(access.may_remark())?;
    let mut errs = FieldErrors::default();
    let kind = RemarkKind::from_code(input.kind.trim());
    if kind.is_none() {
        errs.push(FieldError::new(
            "field.remark_kind",
            "dossier.error.unknown_kind",
        ));
    }
    let period = match (kind, input.period.trim()) {
        (Some(k), "") if k.needs_period() => {
            errs.push(FieldError::new("field.remark_period", "error.required"));
            None
        }
        (_, "") => None,
        (_, raw) => errs.take(parse_month("field.remark_period", raw, st.clock.today())),
    };
    let body = errs.take(parse_text("field.remark_body", &input.body));
    errs.into_result()?;
    let (Some(kind), Some(body)) = (kind, body) else {
        return Err(FieldErrors::default().into());
    };
    let row = dbdossier::add_remark(
        c,
        u.tenant,
        PersonId(person.id),
        NewRemark {
            kind: kind.code(),
            period,
            body,
            by: u.user_id,
        },
    )
    .await?;
    let after =
        json!({"remark_id": row.id, "kind": row.kind, "period": row.period, "body": row.body});
    audit(c, u, (person, orgs), "dossier_remark", after).await?;
    Ok(row)
}

pub async fn review_remark(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (person, orgs, access): Subject<'_>,
    remark_id: i64,
    input: &ReviewInput,
) -> AppResult<()> {
    access.ensure(access.may_review())?;
    let mut errs = FieldErrors::default();
    let verdict = Verdict::from_code(input.verdict.trim());
    if verdict.is_none() {
        errs.push(FieldError::new("field.review_verdict", "error.required"));
    }
    let comment = match (verdict, input.comment.trim()) {
        (_, "") if verdict != Some(Verdict::Comment) => None,
        (_, raw) => errs.take(parse_text("field.review_comment", raw)),
    };
    errs.into_result()?;
    let verdict = verdict.unwrap_or(Verdict::Agree);
    dbdossier::review_remark(
        c,
        u.tenant,
        PersonId(person.id),
        remark_id,
        (verdict.code(), comment.clone()),
        u.user_id,
    )
    .await?;
    let after = json!({"remark_id": remark_id, "verdict": verdict.code(), "comment": comment});
    audit(c, u, (person, orgs), "dossier_review", after).await
}

/// A 思想汇报: text, a document already stored (`document_id`), or both.
pub async fn submit_report(
    st: &AppState,
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (person, orgs, access): Subject<'_>,
    input: &ReportInput,
) -> AppResult<ThoughtReport> {
    access.ensure(access.may_report())?;
    let mut errs = FieldErrors::default();
    let today = st.clock.today();
    let quarter = errs.take(parse_quarter("field.report_quarter", &input.quarter, today));
    let body = match input.body.trim() {
        "" => None,
        raw => errs.take(parse_text("field.report_body", raw)),
    };
    if let Some(id) = input.document_id {
        let doc = dbdossier::document(c, u.tenant, PersonId(person.id), id).await;
        if !doc.is_ok_and(|d| d.kind == Material::ThoughtReport.code()) {
            errs.push(FieldError::new(
                "field.report_document",
                "dossier.error.not_a_report",
            ));
        }
    } else if input.body.trim().is_empty() {
        errs.push(FieldError::new(
            "field.report_body",
            "dossier.error.text_or_file",
        ));
    }
    errs.into_result()?;
    let Some(quarter) = quarter else {
        return Err(FieldErrors::default().into());
    };
    let row = dbdossier::add_report(
        c,
        u.tenant,
        PersonId(person.id),
        NewReport {
            quarter: quarter.to_string(),
            body,
            document_id: input.document_id,
            on: today,
            by: u.user_id,
        },
    )
    .await?;
    let after = json!({"report_id": row.id, "quarter": row.quarter, "body": row.body, "document_id": row.document_id});
    audit(c, u, (person, orgs), "thought_report", after).await?;
    Ok(row)
}

pub async fn answer_report(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    (person, orgs, access): Subject<'_>,
    report_id: i64,
    input: &AnswerInput,
) -> AppResult<()> {
    access.ensure(access.may_answer())?;
    let answer = parse_text("field.report_answer", &input.answer)?;
    dbdossier::answer_report(
        c,
        u.tenant,
        PersonId(person.id),
        report_id,
        answer.clone(),
        u.user_id,
    )
    .await?;
    let after = json!({"report_id": report_id, "answer": answer});
    audit(c, u, (person, orgs), "thought_report_answer", after).await
}
