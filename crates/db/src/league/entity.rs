//! The `league_steps`, `league_recommendation_meetings` and `league_recommendations` tables.

pub mod league_steps {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "league_steps")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub person_id: i64,
        /// A `domain::league::LeagueStep` code.
        pub step: String,
        pub happened_on: Date,
        /// JSON: what the step's rules were checked against.
        pub details: String,
        /// 发展团员编号, recorded at approval.
        pub league_no: Option<String>,
        pub recorded_by: Option<i64>,
        pub recorded_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod league_recommendation_meetings {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "league_recommendation_meetings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub org_id: i64,
        pub held_on: Date,
        pub entitled: i32,
        pub present: i32,
        /// The branch's members the quota was computed from.
        pub members: i32,
        pub quota: i32,
        pub recorded_by: Option<i64>,
        pub recorded_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod league_recommendations {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "league_recommendations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub meeting_id: i64,
        pub person_id: i64,
        pub yes_votes: i32,
        pub passed: bool,
        /// `accepted` or `declined`; `None` while the Party branch has not decided.
        pub decision: Option<String>,
        pub decided_on: Option<Date>,
        pub decided_by: Option<i64>,
        /// Why the Party branch did not accept it (required when declined; migration m0015).
        pub decision_reason: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
