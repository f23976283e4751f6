//! Courses on the web side: who may open and who may author a course, the school's numbers, and
//! the routes of the pages. The JSON API (`crate::api::courses`) calls the same functions.
//!
//! Opening: a published public course opens for anyone, signed in or not; a course published to
//! org subtrees opens for people whose Party or League org lies in one of them (and for anyone
//! holding a role there); a draft only for its authors. Authoring: `AuthorContent` on the org
//! that owns the course; publishing to everyone needs it at the top of a tree (the school).

mod author;
mod forms;
mod heartbeat;
mod hub;
mod lesson;
mod media;
mod rates;
mod records;
mod show_course;

pub use author::{
    CourseInput, LessonInput, PublishInput, add_lesson, create_course, ensure_author,
    publish_course, withdraw_course,
};
pub use heartbeat::{HeartbeatInput, heartbeat};
pub use hub::{CourseCard, HubQuery, list_courses};
pub use lesson::{LessonView, load as load_lesson};
pub use media::{CheckedFile, checked_file, serve_media, store_checked, store_media};
pub use rates::{StudyQuery, load_study};
pub use records::my_records;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use redbranch_db::courses::{self as dbcourses, Course, CourseViewer, PUBLISHED};
use redbranch_db::people::PersonId;
use redbranch_db::tenants::TenantId;
use redbranch_domain::authz::{Forbidden, Permission};
use redbranch_domain::courses::{CourseSettings, Visibility};
use redbranch_domain::org::{OrgId, OrgPath};

use crate::error::{AppError, AppResult};
use crate::session::{CurrentUser, SignedIn};
use crate::state::AppState;

/// Extractor: the signed-in user if there is one whose sign-in is complete, otherwise nobody.
/// Public content takes this instead of [`SignedIn`].
pub struct Viewer(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, AppError> {
        match <SignedIn as FromRequestParts<AppState>>::from_request_parts(parts, st).await {
            Ok(SignedIn(u)) => Ok(Viewer(Some(u))),
            Err(AppError::Unauthenticated) => Ok(Viewer(None)),
            Err(e) => Err(e),
        }
    }
}

/// What the viewer may do with one course.
#[derive(Debug, Clone, Copy, Default)]
pub struct Access {
    pub open: bool,
    pub author: bool,
}

/// The org ids a user belongs under: every org on the path of their person's Party and League
/// orgs, and of every org they hold a role on.
pub async fn viewer_org_ids(st: &AppState, u: &CurrentUser) -> AppResult<Vec<i64>> {
    let mut paths: Vec<OrgPath> = u.grants.0.iter().map(|g| g.org.clone()).collect();
    if let Some(pid) = u.person_id {
        let p = redbranch_db::people::get(&st.db.conn, u.tenant, PersonId(pid)).await?;
        let ids: Vec<i64> = [p.party_org_id, p.league_org_id]
            .into_iter()
            .flatten()
            .collect();
        for o in redbranch_db::org::by_ids(&st.db.conn, u.tenant, &ids).await? {
            paths.push(o.org_path());
        }
    }
    let mut ids: Vec<i64> = paths
        .iter()
        .flat_map(OrgPath::ids)
        .map(|OrgId(id)| id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The list filter's idea of the viewer.
pub async fn course_viewer(st: &AppState, u: Option<&CurrentUser>) -> AppResult<CourseViewer> {
    match u {
        None => Ok(CourseViewer::default()),
        Some(u) => Ok(CourseViewer {
            org_ids: viewer_org_ids(st, u).await?,
            author_scope: u.grants.scope(Permission::AuthorContent),
        }),
    }
}

/// What `viewer` may do with `course`.
pub async fn access(
    st: &AppState,
    viewer: Option<&CurrentUser>,
    course: &Course,
) -> AppResult<Access> {
    let own_school = viewer.filter(|u| u.tenant.0 == course.tenant_id);
    let author = own_school.is_some_and(|u| {
        u.grants.allows(
            Permission::AuthorContent,
            &OrgPath::from_stored(course.owner_path.clone()),
        )
    });
    let open = author
        || (course.status == PUBLISHED
            && match Visibility::from_code(&course.visibility) {
                Some(Visibility::Public) => true,
                Some(Visibility::Orgs) => match own_school {
                    Some(u) => {
                        let mine = viewer_org_ids(st, u).await?;
                        let audience = dbcourses::audience_of(&st.db.conn, course.id).await?;
                        audience.iter().any(|a| mine.contains(a))
                    }
                    None => false,
                },
                None => false,
            });
    Ok(Access { open, author })
}

/// The course at `id` with the viewer's access, refused unless they may open it: someone not
/// signed in is sent to sign in (401), someone signed in but outside the audience gets 403.
pub async fn open_course(
    st: &AppState,
    viewer: Option<&CurrentUser>,
    id: i64,
) -> AppResult<(Course, Access)> {
    let course = dbcourses::course_anywhere(&st.db.conn, id).await?;
    let a = access(st, viewer, &course).await?;
    if a.open {
        return Ok((course, a));
    }
    match viewer {
        None => Err(AppError::Unauthenticated),
        // Another school's restricted course does not exist as far as this viewer knows.
        Some(u) if u.tenant.0 != course.tenant_id => Err(AppError::NotFound),
        Some(_) => Err(AppError::Forbidden(Forbidden(Permission::ViewOrg))),
    }
}

/// The school's course settings: the defaults, with what the school set under `"courses"`.
pub async fn settings(st: &AppState, tenant: TenantId) -> AppResult<CourseSettings> {
    crate::settings::school_section(&st.db.conn, tenant, "courses").await
}

/// The school whose public courses an anonymous visitor sees: the configured default one, or
/// the only school there is.
pub async fn default_tenant(st: &AppState) -> AppResult<TenantId> {
    let c = &st.db.conn;
    if let Some(t) = redbranch_db::tenants::by_code(c, &st.settings.default_tenant).await? {
        return Ok(TenantId(t.id));
    }
    match redbranch_db::tenants::list(c).await?.as_slice() {
        [only] => Ok(TenantId(only.id)),
        _ => Err(AppError::NotFound),
    }
}

/// The pages and form posts of courses (merged into the main router).
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/learn", get(hub::show_hub))
        .route("/learn/new", get(forms::show_new_course))
        .route("/learn/courses", post(forms::create_course_form))
        .route("/learn/courses/{id}", get(show_course::show_course))
        .route("/learn/courses/{id}/lessons", post(forms::add_lesson_form))
        .route("/learn/courses/{id}/publish", post(forms::publish_form))
        .route("/learn/courses/{id}/withdraw", post(forms::withdraw_form))
        .route("/learn/courses/{id}/study", get(rates::show_study))
        .route("/learn/lessons/{id}", get(lesson::show_lesson))
        .route("/learn/me", get(records::show_records))
        .route("/media/{id}", get(serve_media))
}
