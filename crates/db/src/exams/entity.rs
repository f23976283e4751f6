//! The `exams`, `exam_attempts` and `credits` tables.

pub mod exams {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "exams")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub bank_id: i64,
        pub title: String,
        /// JSON of `domain::exams::ExamSpec`.
        pub spec: String,
        pub minutes: i64,
        pub max_attempts: i64,
        pub pass_percent: i64,
        pub credit_tenths: i64,
        pub shuffle: bool,
        /// `draft` or `published`.
        pub status: String,
        pub published_at: Option<DateTimeUtc>,
        pub published_by: Option<i64>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod exam_attempts {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "exam_attempts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub exam_id: i64,
        pub user_id: i64,
        pub person_id: Option<i64>,
        pub attempt_no: i64,
        /// JSON array of `domain::quiz::Served`.
        pub items: String,
        /// JSON array of `db::quiz::Given`.
        pub answers: String,
        pub started_at: DateTimeUtc,
        pub deadline_at: DateTimeUtc,
        pub submitted_at: Option<DateTimeUtc>,
        pub score: Option<i64>,
        pub total: i64,
        pub passed: Option<bool>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod credits {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "credits")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub person_id: i64,
        /// What earned it: `exam`.
        pub source: String,
        /// The exam's id for `exam`.
        pub source_ref: i64,
        pub attempt_id: Option<i64>,
        pub title: String,
        /// In tenths of a 学分.
        pub tenths: i64,
        pub earned_on: Date,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
