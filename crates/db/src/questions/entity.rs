//! The `question_banks` and `questions` tables.

pub mod question_banks {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "question_banks")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub org_id: i64,
        pub org_path: String,
        pub name: String,
        pub description: String,
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

pub mod questions {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "questions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub bank_id: i64,
        /// A `domain::questions::QuestionKind` code.
        pub kind: String,
        pub stem: String,
        /// JSON array of option texts, A first.
        pub options: String,
        /// JSON array: letters, `正确`/`错误`, or one text per blank.
        pub answer: String,
        pub explanation: Option<String>,
        pub topic: Option<String>,
        pub dedupe_key: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
