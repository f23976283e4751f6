//! The electronic dossier (网上档案) on the web side: who may read and write a person's dossier,
//! the school's limit on documents, and the actions shared by the pages and the JSON API.
//!
//! Who is who: the person themselves (reads their dossier, submits 思想汇报, uploads what they
//! write); their 培养联系人, recorded at step 5 (remarks, answers to reports); and whoever holds
//! `RecordPipeline` on the person's org — the branch committee, secretary, 组织员, administrators
//! of the subtree (everything, and the review of remarks). Nobody writes remarks on, reviews or
//! answers for themselves.

mod documents;
mod show_dossier;
mod view;
mod write;

pub(crate) use documents::disposition;
pub use documents::{
    Upload, attachment_response, clean_filename, download_document, read_upload, store_document,
};
/// A refused form's name, row, typed values and messages (the meeting pages use it too).
pub(crate) use show_dossier::Failed;
pub use show_dossier::{
    answer_report_form, review_remark_form, show_dossier, submit_report_form, upload_document_form,
    write_remark_form,
};
pub use view::{DossierView, load};
pub use write::{
    AnswerInput, RemarkInput, ReportInput, ReviewInput, answer_report, review_remark,
    submit_report, write_remark,
};

use redbranch_db::people::{self as dbpeople, Person, PersonId};
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::dossier::DossierSettings;
use redbranch_domain::pipeline::Material;

use crate::error::{AppError, AppResult};
use crate::members::PersonOrgs;
use crate::orgs::parse_id;
use crate::session::CurrentUser;
use crate::state::AppState;

/// What the caller is to the person whose dossier it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Access {
    pub is_self: bool,
    pub is_cultivator: bool,
    /// `RecordPipeline` on the person's org.
    pub committee: bool,
    /// `ViewMembers` on the person's org.
    pub viewer: bool,
}

impl Access {
    fn refuse() -> AppError {
        AppError::Forbidden(Forbidden(Permission::RecordPipeline))
    }

    pub fn may_read(&self) -> bool {
        self.is_self || self.is_cultivator || self.committee || self.viewer
    }

    pub fn may_remark(&self) -> bool {
        (self.is_cultivator || self.committee) && !self.is_self
    }

    pub fn may_review(&self) -> bool {
        self.committee && !self.is_self
    }

    pub fn may_answer(&self) -> bool {
        self.may_remark()
    }

    pub fn may_report(&self) -> bool {
        self.is_self
    }

    /// The committee files any material; the person only what they write themselves.
    pub fn may_upload(&self, kind: Material) -> bool {
        self.committee || (self.is_self && kind.by_the_person())
    }

    pub fn may_upload_any(&self) -> bool {
        self.committee || self.is_self
    }

    pub fn ensure(&self, allowed: bool) -> AppResult<()> {
        if allowed { Ok(()) } else { Err(Self::refuse()) }
    }
}

/// The person of `raw` (an id from the path), their orgs and what `u` is to them. Someone who
/// may not read the dossier at all is refused here, before anything else is read.
pub async fn person_for(
    st: &AppState,
    u: &CurrentUser,
    raw: &str,
) -> AppResult<(Person, PersonOrgs, Access)> {
    let id = parse_id(raw)?;
    let person = dbpeople::get(&st.db.conn, u.tenant, PersonId(id)).await?;
    let orgs = PersonOrgs::of(&st.db.conn, u.tenant, &person).await?;
    let cultivators =
        redbranch_db::dossier::cultivators_of(&st.db.conn, u.tenant, PersonId(id)).await?;
    let access = Access {
        is_self: u.person_id == Some(person.id),
        is_cultivator: u.person_id.is_some_and(|me| cultivators.contains(&me)),
        committee: orgs.ensure(&u.grants, Permission::RecordPipeline).is_ok(),
        viewer: orgs.ensure(&u.grants, Permission::ViewMembers).is_ok(),
    };
    if !access.may_read() {
        return Err(AppError::Forbidden(Forbidden(Permission::ViewMembers)));
    }
    Ok((person, orgs, access))
}

/// The school's dossier settings: the defaults, with what the school set under `"dossier"`.
pub async fn settings(st: &AppState, u: &CurrentUser) -> AppResult<DossierSettings> {
    crate::settings::school_section(&st.db.conn, u.tenant, "dossier").await
}

/// The largest document the school accepts now, capped by the server's upload limit.
pub async fn max_document_bytes(st: &AppState, u: &CurrentUser) -> AppResult<usize> {
    Ok(settings(st, u)
        .await?
        .effective_max(st.settings.max_upload_bytes))
}

/// The dossier's pages and their form posts (merged into the main router).
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/members/{id}/dossier", get(show_dossier))
        .route("/members/{id}/documents/{doc}", get(download_document))
        .route(
            "/members/{id}/dossier/documents",
            post(upload_document_form),
        )
        .route("/members/{id}/dossier/remarks", post(write_remark_form))
        .route(
            "/members/{id}/dossier/remarks/{remark}/review",
            post(review_remark_form),
        )
        .route("/members/{id}/dossier/reports", post(submit_report_form))
        .route(
            "/members/{id}/dossier/reports/{report}/answer",
            post(answer_report_form),
        )
}
