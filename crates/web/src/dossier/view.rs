//! The dossier as the page and the API read it: the checklist per step, documents, remarks with
//! their reviews, 思想汇报 with their answers — with names in the reader's language.

use redbranch_db::dossier::{self as dbdossier, DocumentMeta};
use redbranch_db::people::PersonId;
use redbranch_db::pipeline as dbpipeline;
use redbranch_domain::dossier::RemarkKind;
use redbranch_domain::pipeline::{Material, Step, checklist};
use serde::Serialize;

use crate::error::AppResult;
use crate::page::Ctx;
use crate::session::CurrentUser;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize)]
pub struct DocRef {
    pub id: i64,
    pub filename: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub material: &'static str,
    pub name: String,
    /// The regulation it comes from.
    pub source: String,
    pub documents: Vec<DocRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepView {
    pub step: &'static str,
    pub number: u8,
    pub name: String,
    pub recorded: bool,
    pub items: Vec<ItemView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocView {
    pub id: i64,
    pub filename: String,
    pub kind: String,
    pub kind_name: String,
    pub step: Option<String>,
    pub step_name: String,
    pub content_type: String,
    pub size_kb: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RemarkView {
    pub id: i64,
    pub kind: String,
    pub kind_name: String,
    pub period: String,
    pub body: String,
    pub written_by: String,
    pub written_at: String,
    /// `agree` / `comment`; empty until reviewed.
    pub verdict: String,
    pub verdict_name: String,
    pub review_comment: String,
    pub reviewed_by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub id: i64,
    pub quarter: String,
    pub body: String,
    pub document: Option<DocRef>,
    pub submitted_on: String,
    pub answer: String,
    pub answered_by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DossierView {
    pub person_id: i64,
    pub checklist: Vec<StepView>,
    pub documents: Vec<DocView>,
    pub remarks: Vec<RemarkView>,
    pub reports: Vec<ReportView>,
}

fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    crate::fmt::beijing(t, "%Y-%m-%d %H:%M")
}

fn doc_ref(docs: &[DocumentMeta], id: i64) -> Option<DocRef> {
    docs.iter().find(|d| d.id == id).map(|d| DocRef {
        id,
        filename: d.filename.clone(),
    })
}

/// Reads everything in the dossier of `person` (the caller has been allowed to read it).
pub async fn load(
    st: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    person: PersonId,
) -> AppResult<DossierView> {
    let c = &st.db.conn;
    let docs = dbdossier::documents_of(c, u.tenant, person).await?;
    let remarks = dbdossier::remarks_of(c, u.tenant, person).await?;
    let reports = dbdossier::reports_of(c, u.tenant, person).await?;
    let mut users: Vec<i64> = docs.iter().map(|d| d.uploaded_by).collect();
    users.extend(
        remarks
            .iter()
            .flat_map(|r| [Some(r.written_by), r.reviewed_by])
            .flatten(),
    );
    users.extend(reports.iter().filter_map(|r| r.answered_by));
    let names = dbdossier::user_names(c, users).await?;
    let name = |id: Option<i64>| {
        id.and_then(|id| names.get(&id).cloned())
            .unwrap_or_default()
    };

    // The steps recorded, and the next one: what is done should be on file, and what comes next
    // shows what to prepare.
    let steps = dbpipeline::steps_of(c, u.tenant, person).await?;
    let history = dbpipeline::history(&steps);
    let mut shown: Vec<Step> = steps.iter().map(|(s, _)| *s).collect();
    shown.extend(history.next_step());
    let filed: Vec<_> = docs
        .iter()
        .filter_map(|d| {
            let kind = Material::from_code(&d.kind)?;
            Some((d.id, d.step.as_deref().and_then(Step::from_code), kind))
        })
        .collect();
    let checklist = checklist(&shown, &filed)
        .into_iter()
        .map(|(step, items)| StepView {
            step: step.code(),
            number: step.number(),
            name: ctx.t(step.key()).to_string(),
            recorded: steps.iter().any(|(s, _)| *s == step),
            items: items
                .into_iter()
                .map(|i| ItemView {
                    material: i.required.material.code(),
                    name: ctx.t(i.required.material.key()).to_string(),
                    source: i.required.source.to_string(),
                    documents: i
                        .documents
                        .iter()
                        .filter_map(|id| doc_ref(&docs, *id))
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let documents = docs
        .iter()
        .map(|d| DocView {
            id: d.id,
            filename: d.filename.clone(),
            kind: d.kind.clone(),
            kind_name: Material::from_code(&d.kind)
                .map_or_else(|| d.kind.clone(), |m| ctx.t(m.key()).to_string()),
            step: d.step.clone(),
            step_name: d
                .step
                .as_deref()
                .and_then(Step::from_code)
                .map(|s| format!("{} {}", s.number(), ctx.t(s.key())))
                .unwrap_or_default(),
            content_type: d.content_type.clone(),
            size_kb: (d.size_bytes + 1023) / 1024,
            sha256: d.sha256.clone(),
            uploaded_by: name(Some(d.uploaded_by)),
            uploaded_at: stamp(d.uploaded_at),
        })
        .collect();
    let remarks = remarks
        .into_iter()
        .map(|r| RemarkView {
            id: r.id,
            kind_name: RemarkKind::from_code(&r.kind)
                .map_or_else(|| r.kind.clone(), |k| ctx.t(&k.key()).to_string()),
            kind: r.kind,
            period: r.period.unwrap_or_default(),
            body: r.body,
            written_by: name(Some(r.written_by)),
            written_at: stamp(r.written_at),
            verdict_name: r
                .verdict
                .as_deref()
                .map(|v| ctx.t(&format!("dossier.verdict.{v}")).to_string())
                .unwrap_or_default(),
            verdict: r.verdict.unwrap_or_default(),
            review_comment: r.review_comment.unwrap_or_default(),
            reviewed_by: name(r.reviewed_by),
        })
        .collect();
    let reports = reports
        .into_iter()
        .map(|r| ReportView {
            id: r.id,
            quarter: r.quarter,
            body: r.body.unwrap_or_default(),
            document: r.document_id.and_then(|id| doc_ref(&docs, id)),
            submitted_on: r.submitted_on.format("%Y-%m-%d").to_string(),
            answer: r.answer.unwrap_or_default(),
            answered_by: name(r.answered_by),
        })
        .collect();
    Ok(DossierView {
        person_id: person.0,
        checklist,
        documents,
        remarks,
        reports,
    })
}
