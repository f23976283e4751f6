//! The tables of courses: `courses`, `course_tags`, `course_audiences`, `course_media`,
//! `course_media_chunks`, `lessons`, `study_records`.

pub mod courses {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "courses")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub tenant_id: i64,
        pub owner_org_id: i64,
        #[serde(skip)]
        pub owner_path: String,
        pub title: String,
        pub summary: String,
        pub topic: Option<String>,
        /// A `domain::courses::Visibility` code.
        pub visibility: String,
        /// `draft` or `published`.
        pub status: String,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
        pub published_by: Option<i64>,
        pub published_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod course_tags {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "course_tags")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub course_id: i64,
        pub tag: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod course_audiences {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "course_audiences")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub course_id: i64,
        pub org_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod course_media {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "course_media")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub tenant_id: i64,
        pub course_id: i64,
        pub filename: String,
        /// Sniffed from the bytes.
        pub content_type: String,
        pub size_bytes: i64,
        #[serde(skip)]
        pub chunk_bytes: i64,
        pub sha256: String,
        pub uploaded_by: i64,
        pub uploaded_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod course_media_chunks {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "course_media_chunks")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub media_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i32,
        pub bytes: Vec<u8>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod lessons {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "lessons")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub tenant_id: i64,
        pub course_id: i64,
        pub position: i32,
        pub title: String,
        /// A `domain::courses::LessonKind` code.
        pub kind: String,
        /// Sanitised HTML of an article.
        pub body: Option<String>,
        pub media_id: Option<i64>,
        pub duration_secs: Option<i32>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod study_records {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "study_records")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub tenant_id: i64,
        pub person_id: i64,
        pub lesson_id: i64,
        pub day: Date,
        pub seconds: i64,
        pub position_secs: Option<i32>,
        pub last_beat_at: Option<DateTimeUtc>,
        pub completed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
