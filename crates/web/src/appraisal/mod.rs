//! 民主评议党员 / 团员教育评议 on the web side: who may see and run a campaign, the view the page
//! and the API share, and the routes. Actions are in `write`, pages in `pages`.
//!
//! Who sees what: whoever holds `ManageVotes` on the branch runs the campaign, reads the
//! self-assessments and, from the deciding phase on, the per-member tallies; a member taking
//! part writes their own self-assessment and grades the others once; the branch (`ViewOrg`)
//! sees the decided grades once published. Nobody — administrators included — can see who
//! gave which grade to whom: that is not stored (see `redbranch_db::appraisal`).

mod pages;
mod write;

pub use write::{
    CreateInput, GradesInput, SelfInput, advance_appraisal, create_appraisal, decide_grades,
    publish_appraisal, submit_mutual, submit_self,
};

use redbranch_db::appraisal::{self as dbap, Appraisal, Participant};
use redbranch_db::org::{self as dborg, Org};
use redbranch_domain::appraisal::{Grade, Phase, attendance_needed, max_excellent};
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::org::{OrgId, Tree};
use serde::Serialize;

use crate::error::{AppError, AppResult};
use crate::orgs::parse_id;
use crate::session::CurrentUser;
use crate::state::AppState;

pub struct Loaded {
    pub a: Appraisal,
    pub org: Org,
    pub phase: Phase,
    pub manage: bool,
    pub participants: Vec<Participant>,
    /// The caller's own row, if they take part.
    pub me: Option<Participant>,
}

impl Loaded {
    pub fn tree(&self) -> Tree {
        Tree::from_code(&self.a.tree).unwrap_or(Tree::Party)
    }
    pub fn ensure_manage(&self) -> AppResult<()> {
        if self.manage {
            Ok(())
        } else {
            Err(AppError::Forbidden(Forbidden(Permission::ManageVotes)))
        }
    }
}

pub async fn load(st: &AppState, u: &CurrentUser, raw: &str) -> AppResult<Loaded> {
    let id = parse_id(raw)?;
    let a = dbap::get(&st.db.conn, u.tenant, id).await?;
    let org = dborg::get(&st.db.conn, u.tenant, OrgId(a.org_id)).await?;
    let path = org.org_path();
    let manage = u.grants.ensure(Permission::ManageVotes, &path).is_ok();
    let participants = dbap::participants(&st.db.conn, a.id).await?;
    let me = u
        .person_id
        .and_then(|p| participants.iter().find(|x| x.person_id == p).cloned());
    if !manage && me.is_none() {
        u.grants.ensure(Permission::ViewOrg, &path)?;
    }
    let phase = Phase::from_code(&a.phase).unwrap_or(Phase::SelfAssessment);
    Ok(Loaded {
        a,
        org,
        phase,
        manage,
        participants,
        me,
    })
}

/// One member of the campaign as the caller may see them.
#[derive(Debug, Clone, Serialize)]
pub struct MemberRow {
    pub person_id: i64,
    pub name: String,
    pub self_done: bool,
    /// Their self-assessment: to themselves and to those who run the campaign.
    pub self_text: Option<String>,
    pub self_grade: Option<String>,
    /// Has handed in the mutual assessment (to those who run it: it is the attendance).
    pub rated: Option<bool>,
    /// Grades others gave them, in `Grade::ALL` order: to those who run it, once deciding.
    pub tally: Option<[i32; 4]>,
    /// The decided grade: to those who run it, and to everyone once published.
    pub final_grade: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppraisalView {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub tree: &'static str,
    pub year: i32,
    pub phase: Phase,
    pub members: Vec<MemberRow>,
    pub member_count: u64,
    pub self_count: u64,
    pub rated_count: u64,
    pub max_excellent: u64,
    /// How many must take part for the result to stand (League > ⅔; 0 for the Party).
    pub attendance_needed: u64,
    pub may_manage: bool,
    pub taking_part: bool,
    pub i_rated: bool,
    pub published_on: Option<String>,
}

pub async fn view(st: &AppState, u: &CurrentUser, l: &Loaded) -> AppResult<AppraisalView> {
    let c = &st.db.conn;
    let ids: Vec<i64> = l.participants.iter().map(|p| p.person_id).collect();
    let names: std::collections::HashMap<i64, String> =
        redbranch_db::people::by_ids(c, u.tenant, &ids)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
    let tallies = if l.manage && l.phase >= Phase::Deciding {
        Some(dbap::tallies(c, l.a.id).await?)
    } else {
        None
    };
    let published = l.phase == Phase::Published;
    let members = l
        .participants
        .iter()
        .map(|p| {
            let mine = u.person_id == Some(p.person_id);
            MemberRow {
                person_id: p.person_id,
                name: names.get(&p.person_id).cloned().unwrap_or_default(),
                self_done: p.self_grade.is_some(),
                self_text: (l.manage || mine).then(|| p.self_text.clone()).flatten(),
                self_grade: (l.manage || mine).then(|| p.self_grade.clone()).flatten(),
                rated: l.manage.then_some(p.rated),
                tally: tallies.as_ref().map(|t| {
                    Grade::ALL.map(|g| {
                        t.get(&(p.person_id, g.code().to_string()))
                            .copied()
                            .unwrap_or(0)
                    })
                }),
                final_grade: (l.manage || published)
                    .then(|| p.final_grade.clone())
                    .flatten(),
            }
        })
        .collect();
    let n = l.participants.len() as u64;
    Ok(AppraisalView {
        id: l.a.id,
        org_id: l.org.id,
        org_name: l.org.name.clone(),
        tree: l.tree().code(),
        year: l.a.year,
        phase: l.phase,
        members,
        member_count: n,
        self_count: l
            .participants
            .iter()
            .filter(|p| p.self_grade.is_some())
            .count() as u64,
        rated_count: l.participants.iter().filter(|p| p.rated).count() as u64,
        max_excellent: max_excellent(l.tree(), n),
        attendance_needed: attendance_needed(l.tree(), n),
        may_manage: l.manage,
        taking_part: l.me.is_some(),
        i_rated: l.me.as_ref().is_some_and(|m| m.rated),
        published_on: l.a.published_on.map(|d| d.to_string()),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct AppraisalRow {
    pub id: i64,
    pub org_id: i64,
    pub year: i32,
    pub phase: Phase,
}

pub async fn list(st: &AppState, u: &CurrentUser) -> AppResult<Vec<AppraisalRow>> {
    let scope = u.grants.scope(Permission::ViewOrg);
    let rows = dbap::list(&st.db.conn, u.tenant, &scope, u.person_id).await?;
    Ok(rows
        .into_iter()
        .map(|a| AppraisalRow {
            id: a.id,
            org_id: a.org_id,
            year: a.year,
            phase: Phase::from_code(&a.phase).unwrap_or(Phase::SelfAssessment),
        })
        .collect())
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/appraisals",
            get(pages::list_appraisals).post(pages::create_appraisal_form),
        )
        .route("/appraisals/{id}", get(pages::show_appraisal))
        .route("/appraisals/{id}/self", post(pages::submit_self_form))
        .route("/appraisals/{id}/mutual", post(pages::submit_mutual_form))
        .route("/appraisals/{id}/advance", post(pages::advance_form))
        .route("/appraisals/{id}/decide", post(pages::decide_form))
        .route("/appraisals/{id}/publish", post(pages::publish_form))
}
