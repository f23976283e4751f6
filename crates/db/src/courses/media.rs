//! Media files of courses, stored in the database in chunks so that a range request reads only
//! the chunks it covers (see docs/adr/0011-course-media-in-chunks.md).

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};

use super::entity::{course_media, course_media_chunks};
use crate::DbError;
use crate::auth::UserId;
use crate::tenants::TenantId;

pub use course_media::Model as Media;

/// Bytes per stored chunk: 1 MiB, a few video seconds at phone quality. Smaller chunks mean more
/// rows per file; larger ones more bytes read past a seek's start.
pub const MEDIA_CHUNK_BYTES: usize = 1024 * 1024;

/// A media file to store (already sniffed and within the size limit); its SHA-256 is taken here.
pub struct NewMedia {
    pub course_id: i64,
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub by: UserId,
}

pub async fn add_media(
    c: &impl ConnectionTrait,
    tenant: TenantId,
    n: NewMedia,
) -> Result<Media, DbError> {
    let size = i64::try_from(n.bytes.len()).unwrap_or(i64::MAX);
    let row = course_media::ActiveModel {
        tenant_id: Set(tenant.0),
        course_id: Set(n.course_id),
        filename: Set(n.filename),
        content_type: Set(n.content_type.to_string()),
        size_bytes: Set(size),
        chunk_bytes: Set(i64::try_from(MEDIA_CHUNK_BYTES).unwrap_or(i64::MAX)),
        sha256: Set(hex::encode(Sha256::digest(&n.bytes))),
        uploaded_by: Set(n.by.0),
        uploaded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    for (seq, chunk) in n.bytes.chunks(MEDIA_CHUNK_BYTES).enumerate() {
        course_media_chunks::ActiveModel {
            media_id: Set(row.id),
            seq: Set(i32::try_from(seq).unwrap_or(i32::MAX)),
            bytes: Set(chunk.to_vec()),
        }
        .insert(c)
        .await?;
    }
    Ok(row)
}

/// A media file's description by id (any school: its course decides who may read it).
pub async fn media(c: &impl ConnectionTrait, id: i64) -> Result<Media, DbError> {
    course_media::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Bytes `first..=last` of a media file, reading only the chunks that hold them.
pub async fn media_bytes(
    c: &impl ConnectionTrait,
    m: &Media,
    first: u64,
    last: u64,
) -> Result<Vec<u8>, DbError> {
    let chunk = u64::try_from(m.chunk_bytes.max(1)).unwrap_or(1);
    let (from, to) = (first / chunk, last / chunk);
    let seq = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
    let rows = course_media_chunks::Entity::find()
        .filter(course_media_chunks::Column::MediaId.eq(m.id))
        .filter(course_media_chunks::Column::Seq.gte(seq(from)))
        .filter(course_media_chunks::Column::Seq.lte(seq(to)))
        .order_by_asc(course_media_chunks::Column::Seq)
        .all(c)
        .await?;
    let cap = usize::try_from(last - first + 1).unwrap_or(0);
    let mut out = Vec::with_capacity(cap);
    for r in rows {
        let start = u64::try_from(r.seq).unwrap_or(0) * chunk;
        let lo = usize::try_from(first.saturating_sub(start)).unwrap_or(0);
        let hi = usize::try_from((last + 1).saturating_sub(start))
            .unwrap_or(0)
            .min(r.bytes.len());
        if lo < hi {
            out.extend_from_slice(&r.bytes[lo..hi]);
        }
    }
    if out.len() != cap {
        return Err(DbError::Corrupt(format!(
            "media {} is missing chunks",
            m.id
        )));
    }
    Ok(out)
}
