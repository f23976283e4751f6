//! The `quiz_matches`, `quiz_match_players` and `quiz_match_answers` tables.

pub mod quiz_matches {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "quiz_matches")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        /// A `domain::matches::MatchSize` code.
        pub size: String,
        pub bank_id: i64,
        /// A `domain::matches::Status` code.
        pub status: String,
        pub capacity: i64,
        pub seats: i64,
        /// JSON array of `domain::quiz::Served`: the same questions, in the same option order,
        /// for every player.
        pub items: String,
        pub question_seconds: i64,
        pub current: i64,
        pub current_opened_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub finished_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod quiz_match_players {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "quiz_match_players")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub match_id: i64,
        pub user_id: i64,
        pub person_id: Option<i64>,
        pub seat: i64,
        pub name: String,
        pub score: i64,
        pub right_ms: i64,
        pub place: Option<i64>,
        pub points: Option<i64>,
        pub joined_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod quiz_match_answers {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "quiz_match_answers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub match_id: i64,
        pub player_id: i64,
        pub idx: i64,
        /// JSON array of strings, as sent (letters as shown).
        pub given: String,
        pub correct: bool,
        pub ms: i64,
        pub score: i64,
        pub answered_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
