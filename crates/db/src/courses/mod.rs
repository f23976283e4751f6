//! Courses, their tags and audiences, and their lessons. Every function takes the tenant, so a row
//! of another school is simply not found — except [`course_anywhere`], which finds a course by id
//! alone so that a public one opens without signing in (its own tenant is then the one used).

pub mod entity;
mod media;
mod rates;
mod study;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use redbranch_domain::authz::Scope;
use redbranch_domain::courses::{LessonKind, Visibility};
use redbranch_domain::org::OrgPath;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::DbError;
use crate::auth::UserId;
use crate::tenants::TenantId;
use entity::{course_audiences, course_tags, courses, lessons};

pub use entity::courses::Model as Course;
pub use entity::lessons::Model as Lesson;
pub use media::{MEDIA_CHUNK_BYTES, Media, NewMedia, add_media, media, media_bytes};
pub use rates::{StudyRate, study_rollup};
pub use study::{
    BeatOutcome, Progress, StudyRecord, beat_row, mark_complete, progress, record_beat, records_of,
};

/// `courses.status` of a course being written.
pub const DRAFT: &str = "draft";
/// `courses.status` of a course people can open.
pub const PUBLISHED: &str = "published";
/// `courses.status` of the row that owns a school's weekly-lesson videos in `course_media`
/// (migration m0017): never found, listed or opened as a course.
pub const HOLDER: &str = "holder";

/// The id of the school's holder of weekly-lesson videos, made on first use and owned by
/// `owner` (the org of the first lesson that uploads one). Two first uploads racing may each
/// make one; either serves, as nothing reads the holder but its media.
pub async fn video_holder(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    (owner_org_id, owner_path): (i64, &OrgPath),
    by: UserId,
) -> Result<i64, DbError> {
    let found: Option<i64> = courses::Entity::find()
        .select_only()
        .column(courses::Column::Id)
        .filter(courses::Column::TenantId.eq(tenant.0))
        .filter(courses::Column::Status.eq(HOLDER))
        .order_by_asc(courses::Column::Id)
        .into_tuple::<i64>()
        .one(c)
        .await?;
    if let Some(id) = found {
        return Ok(id);
    }
    let row = courses::ActiveModel {
        tenant_id: Set(tenant.0),
        owner_org_id: Set(owner_org_id),
        owner_path: Set(owner_path.as_str().to_string()),
        title: Set("weekly-lesson videos".into()),
        summary: Set(String::new()),
        topic: Set(None),
        visibility: Set(Visibility::Orgs.code().to_string()),
        status: Set(HOLDER.to_string()),
        created_by: Set(by.0),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(row.id)
}

/// A course to create (a draft, visible to its authors only).
pub struct NewCourse {
    pub owner_org_id: i64,
    pub owner_path: OrgPath,
    pub title: String,
    pub summary: String,
    pub topic: Option<String>,
    pub tags: Vec<String>,
    pub by: UserId,
}

pub async fn create_course(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    n: NewCourse,
) -> Result<Course, DbError> {
    let row = courses::ActiveModel {
        tenant_id: Set(tenant.0),
        owner_org_id: Set(n.owner_org_id),
        owner_path: Set(n.owner_path.as_str().to_string()),
        title: Set(n.title),
        summary: Set(n.summary),
        topic: Set(n.topic),
        visibility: Set(Visibility::Orgs.code().to_string()),
        status: Set(DRAFT.to_string()),
        created_by: Set(n.by.0),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    for tag in n.tags {
        course_tags::ActiveModel {
            tenant_id: Set(tenant.0),
            course_id: Set(row.id),
            tag: Set(tag),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    Ok(row)
}

/// Whether course `id` is the school's holder of weekly-lesson videos.
pub async fn is_video_holder(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
) -> Result<bool, DbError> {
    Ok(courses::Entity::find_by_id(id)
        .filter(courses::Column::TenantId.eq(tenant.0))
        .filter(courses::Column::Status.eq(HOLDER))
        .one(c)
        .await?
        .is_some())
}

/// One course of the school.
pub async fn course(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
) -> Result<Course, DbError> {
    courses::Entity::find_by_id(id)
        .filter(courses::Column::TenantId.eq(tenant.0))
        .filter(courses::Column::Status.ne(HOLDER))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// A course by id in any school: only for deciding whether it is public (see the module note).
pub async fn course_anywhere(c: &impl ConnectionTrait, id: i64) -> Result<Course, DbError> {
    courses::Entity::find_by_id(id)
        .filter(courses::Column::Status.ne(HOLDER))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Tags per course id.
pub async fn tags_of(
    c: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, DbError> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows = course_tags::Entity::find()
        .filter(course_tags::Column::CourseId.is_in(ids.iter().copied()))
        .order_by_asc(course_tags::Column::Id)
        .all(c)
        .await?;
    for r in rows {
        out.entry(r.course_id).or_default().push(r.tag);
    }
    Ok(out)
}

/// The org ids a course is published to (empty for a public course or a draft).
pub async fn audience_of(c: &impl ConnectionTrait, course_id: i64) -> Result<Vec<i64>, DbError> {
    Ok(course_audiences::Entity::find()
        .select_only()
        .column(course_audiences::Column::OrgId)
        .filter(course_audiences::Column::CourseId.eq(course_id))
        .order_by_asc(course_audiences::Column::OrgId)
        .into_tuple::<i64>()
        .all(c)
        .await?)
}

/// Publishes a course to everyone or to org subtrees, replacing any earlier audience.
pub async fn publish(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    id: i64,
    (visibility, audience): (Visibility, &[i64]),
    by: UserId,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    course_audiences::Entity::delete_many()
        .filter(course_audiences::Column::CourseId.eq(id))
        .filter(course_audiences::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await?;
    for org in audience {
        course_audiences::ActiveModel {
            tenant_id: Set(tenant.0),
            course_id: Set(id),
            org_id: Set(*org),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    let res = courses::Entity::update_many()
        .col_expr(courses::Column::Visibility, Expr::value(visibility.code()))
        .col_expr(courses::Column::Status, Expr::value(PUBLISHED))
        .col_expr(courses::Column::PublishedBy, Expr::value(by.0))
        .col_expr(courses::Column::PublishedAt, Expr::value(at))
        .filter(courses::Column::Id.eq(id))
        .filter(courses::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await?;
    if res.rows_affected == 1 {
        Ok(())
    } else {
        Err(DbError::NotFound)
    }
}

/// Takes a course back to draft: nobody but its authors sees it; study records stay.
pub async fn withdraw(c: &impl ConnectionTrait, tenant: TenantId, id: i64) -> Result<(), DbError> {
    courses::Entity::update_many()
        .col_expr(courses::Column::Status, Expr::value(DRAFT))
        .filter(courses::Column::Id.eq(id))
        .filter(courses::Column::TenantId.eq(tenant.0))
        .exec(c)
        .await?;
    Ok(())
}

/// Who is asking for the list of courses.
#[derive(Debug, Clone, Default)]
pub struct CourseViewer {
    /// The org ids on the paths of the viewer's orgs (their branches and every org above them):
    /// a course published to any of them reaches the viewer.
    pub org_ids: Vec<i64>,
    /// Where the viewer authors: drafts owned there are listed too.
    pub author_scope: Scope,
}

/// Optional filters of the course list.
#[derive(Debug, Clone, Default)]
pub struct CourseFilter {
    pub topic: Option<String>,
    pub tag: Option<String>,
}

/// The courses `viewer` may open (published publicly or to one of their orgs, or owned where
/// they author), newest first. An anonymous viewer (`CourseViewer::default()`) gets the public ones.
pub async fn list_visible(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    viewer: &CourseViewer,
    filter: &CourseFilter,
) -> Result<Vec<Course>, DbError> {
    use courses::Column as C;
    let reached: Vec<i64> = if viewer.org_ids.is_empty() {
        Vec::new()
    } else {
        course_audiences::Entity::find()
            .select_only()
            .column(course_audiences::Column::CourseId)
            .filter(course_audiences::Column::TenantId.eq(tenant.0))
            .filter(course_audiences::Column::OrgId.is_in(viewer.org_ids.iter().copied()))
            .into_tuple::<i64>()
            .all(c)
            .await?
    };
    let published = Condition::all().add(C::Status.eq(PUBLISHED)).add(
        Condition::any()
            .add(C::Visibility.eq(Visibility::Public.code()))
            .add(C::Id.is_in(reached)),
    );
    let mut visible = Condition::any().add(published);
    for root in &viewer.author_scope.roots {
        visible = visible.add(crate::org::in_subtree(C::OwnerPath, root));
    }
    let mut q = courses::Entity::find()
        .filter(C::TenantId.eq(tenant.0))
        .filter(C::Status.ne(HOLDER))
        .filter(visible);
    if let Some(topic) = &filter.topic {
        q = q.filter(C::Topic.eq(topic.as_str()));
    }
    if let Some(tag) = &filter.tag {
        let ids: Vec<i64> = course_tags::Entity::find()
            .select_only()
            .column(course_tags::Column::CourseId)
            .filter(course_tags::Column::TenantId.eq(tenant.0))
            .filter(course_tags::Column::Tag.eq(tag.as_str()))
            .into_tuple::<i64>()
            .all(c)
            .await?;
        q = q.filter(C::Id.is_in(ids));
    }
    Ok(q.order_by_desc(C::Id).limit(500).all(c).await?)
}

/// The topics in use among the courses of the school, for the filter.
pub async fn topics(c: &impl ConnectionTrait, tenant: TenantId) -> Result<Vec<String>, DbError> {
    let mut t: Vec<Option<String>> = courses::Entity::find()
        .select_only()
        .column(courses::Column::Topic)
        .filter(courses::Column::TenantId.eq(tenant.0))
        .filter(courses::Column::Status.eq(PUBLISHED))
        .distinct()
        .into_tuple::<Option<String>>()
        .all(c)
        .await?;
    t.sort();
    Ok(t.into_iter().flatten().collect())
}

/// A lesson to add at the end of a course.
pub struct NewLesson {
    pub title: String,
    pub kind: LessonKind,
    pub body: Option<String>,
    pub media_id: Option<i64>,
    pub duration_secs: Option<u32>,
    pub by: UserId,
}

pub async fn add_lesson(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    course_id: i64,
    n: NewLesson,
) -> Result<Lesson, DbError> {
    let last: Option<i32> = lessons::Entity::find()
        .select_only()
        .column_as(lessons::Column::Position.max(), "max")
        .filter(lessons::Column::CourseId.eq(course_id))
        .into_tuple::<Option<i32>>()
        .one(c)
        .await?
        .flatten();
    Ok(lessons::ActiveModel {
        tenant_id: Set(tenant.0),
        course_id: Set(course_id),
        position: Set(last.unwrap_or(0) + 1),
        title: Set(n.title),
        kind: Set(n.kind.code().to_string()),
        body: Set(n.body),
        media_id: Set(n.media_id),
        duration_secs: Set(n
            .duration_secs
            .map(|d| i32::try_from(d).unwrap_or(i32::MAX))),
        created_by: Set(n.by.0),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

/// The lessons of a course, in order.
pub async fn lessons_of(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    course_id: i64,
) -> Result<Vec<Lesson>, DbError> {
    Ok(lessons::Entity::find()
        .filter(lessons::Column::TenantId.eq(tenant.0))
        .filter(lessons::Column::CourseId.eq(course_id))
        .order_by_asc(lessons::Column::Position)
        .all(c)
        .await?)
}

/// A lesson by id in any school (its course decides who may open it).
pub async fn lesson_anywhere(c: &impl ConnectionTrait, id: i64) -> Result<Lesson, DbError> {
    lessons::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Lessons by id, of one school.
pub async fn lessons_by_ids(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[i64],
) -> Result<Vec<Lesson>, DbError> {
    Ok(lessons::Entity::find()
        .filter(lessons::Column::TenantId.eq(tenant.0))
        .filter(lessons::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await?)
}

/// Courses by id, of one school.
pub async fn courses_by_ids(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[i64],
) -> Result<Vec<Course>, DbError> {
    Ok(courses::Entity::find()
        .filter(courses::Column::TenantId.eq(tenant.0))
        .filter(courses::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await?)
}
