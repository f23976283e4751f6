//! The `documents`, `dossier_remarks` and `thought_reports` tables.

pub mod documents {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "documents")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub person_id: i64,
        /// A `domain::pipeline::Step` code, or none.
        pub step: Option<String>,
        /// A `domain::pipeline::Material` code.
        pub kind: String,
        pub filename: String,
        /// Sniffed from the bytes.
        pub content_type: String,
        pub size_bytes: i64,
        pub sha256: String,
        pub content: Vec<u8>,
        pub uploaded_by: i64,
        pub uploaded_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod dossier_remarks {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "dossier_remarks")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub person_id: i64,
        /// A `domain::dossier::RemarkKind` code.
        pub kind: String,
        /// `YYYY-MM` for a monthly remark.
        pub period: Option<String>,
        pub body: String,
        pub written_by: i64,
        pub written_at: DateTimeUtc,
        /// A `domain::dossier::Verdict` code once reviewed.
        pub verdict: Option<String>,
        pub review_comment: Option<String>,
        pub reviewed_by: Option<i64>,
        pub reviewed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod thought_reports {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "thought_reports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub person_id: i64,
        /// `2025-Q3`.
        pub quarter: String,
        pub body: Option<String>,
        pub document_id: Option<i64>,
        pub submitted_by: i64,
        pub submitted_on: Date,
        pub submitted_at: DateTimeUtc,
        pub answer: Option<String>,
        pub answered_by: Option<i64>,
        pub answered_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
