//! A weekly lesson's uploaded video. The file is checked and stored exactly as a course's media
//! (1 MiB chunks in `course_media`, served by `/media/{id}` with range requests; ADR 0011),
//! under the school's holder of lesson videos (migration m0017). Who may play it is the
//! lesson's business: the people of the orgs it was published to, and those who publish
//! lessons or oversee members there. Lessons are never public, so nobody signed out plays one.

use redbranch_db::ConnectionTrait;
use redbranch_db::courses::{self as dbcourses, Media};
use redbranch_db::lessons as dblessons;
use redbranch_db::org::Org;
use redbranch_db::tenants::TenantId;
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::error::FieldError;

use crate::courses::{checked_file, store_checked, viewer_org_ids};
use crate::dossier::Upload;
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;
use crate::state::AppState;

/// The largest video a school accepts: the course media limit (`courses.max_media_bytes`),
/// capped by the server's upload limit.
pub async fn max_video_bytes(st: &AppState, tenant: TenantId) -> AppResult<usize> {
    Ok(crate::courses::settings(st, tenant)
        .await?
        .effective_max(st.settings.max_upload_bytes))
}

/// Checks and stores the video of `up` for a lesson published on `org` (where the caller holds
/// `PublishLessons`), audited as `lesson_video_upload`. Not a video (MP4/WebM, by its bytes),
/// too large or missing: refused naming the field, nothing written.
pub async fn store_video(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    org: &Org,
    up: &Upload,
    max: usize,
) -> AppResult<Media> {
    let path = org.org_path();
    u.grants.ensure(Permission::PublishLessons, &path)?;
    let f = checked_file(up, max, true)?;
    let holder = dbcourses::video_holder(c, u.tenant, (org.id, &path), u.user_id).await?;
    store_checked(
        c,
        u,
        (holder, path),
        f,
        ("lesson_video_upload", "org", org.id),
    )
    .await
}

/// A video uploaded through the API, to be named by `media_id` when publishing: the caller's
/// own upload, a lesson video of this school, not yet any lesson's.
pub async fn ensure_unused_upload(
    c: &impl ConnectionTrait,
    u: &CurrentUser,
    media_id: i64,
) -> AppResult<()> {
    let refused = || FieldError::new("field.lesson_video_file", "lessons.error.media_id").into();
    let m = match dbcourses::media(c, media_id).await {
        Ok(m) => m,
        Err(redbranch_db::DbError::NotFound) => return Err(refused()),
        Err(e) => return Err(e.into()),
    };
    let ours = m.tenant_id == u.tenant.0
        && m.uploaded_by == u.user_id.0
        && dbcourses::is_video_holder(c, u.tenant, m.course_id).await?;
    if !ours || dblessons::by_media(c, media_id).await?.is_some() {
        return Err(refused());
    }
    Ok(())
}

/// May `viewer` play the video of lesson `lesson` of school `tenant`? Signed out: 401; another
/// school: 404; outside the lesson's orgs and without rights over them: 403.
pub async fn ensure_may_watch(
    st: &AppState,
    viewer: Option<&CurrentUser>,
    lesson: i64,
    tenant: TenantId,
) -> AppResult<()> {
    let Some(u) = viewer else {
        return Err(AppError::Unauthenticated);
    };
    if u.tenant != tenant {
        return Err(AppError::NotFound);
    }
    let c = &st.db.conn;
    if dblessons::published_to_any(c, lesson, &viewer_org_ids(st, u).await?).await? {
        return Ok(());
    }
    for p in [Permission::PublishLessons, Permission::ViewMembers] {
        if dblessons::reaches(c, lesson, &u.grants.scope(p)).await? {
            return Ok(());
        }
    }
    Err(AppError::Forbidden(Forbidden(Permission::ViewOrg)))
}
