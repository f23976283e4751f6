//! The `quiz_attempts` and `wrong_answers` tables.

pub mod quiz_attempts {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "quiz_attempts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub user_id: i64,
        /// A `domain::quiz::QuizMode` code.
        pub mode: String,
        /// `daily:YYYY-MM-DD` / `weekly:YYYY-Www`; NULL for repeatable quizzes.
        pub slot: Option<String>,
        pub bank_id: Option<i64>,
        pub topic: Option<String>,
        /// JSON array of `domain::quiz::Served`.
        pub items: String,
        /// JSON array of `{question_id, given, correct}`.
        pub answers: String,
        pub correct: i64,
        pub total: i64,
        pub started_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod wrong_answers {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "wrong_answers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub user_id: i64,
        pub question_id: i64,
        pub times: i64,
        /// What was given the last time, as the person wrote it.
        pub last_answer: String,
        pub last_wrong_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
