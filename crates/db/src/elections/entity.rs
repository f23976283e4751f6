//! The `elections`, `election_candidates`, `election_voters`, `election_ballots` and
//! `election_objections` tables.

pub mod elections {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "elections")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub org_id: i64,
        /// `party` or `league`: whose rules decide the roll.
        pub tree: String,
        pub title: String,
        pub seats: i32,
        /// A `domain::elections::Quorum` code.
        pub quorum: String,
        pub opens_on: Date,
        pub closes_on: Date,
        pub publicity_days: i32,
        /// A `domain::elections::Status` code.
        pub status: String,
        /// The public key, hex.
        pub key_n: String,
        pub key_e: String,
        /// The signing key (`n:d` hex), sealed with the server's secret key.
        pub key_sealed: Vec<u8>,
        /// The tally as JSON, once counted.
        pub result: Option<String>,
        pub tallied_on: Option<Date>,
        pub publicity_until: Option<Date>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod election_candidates {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "election_candidates")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        #[serde(skip)]
        pub election_id: i64,
        /// 0-based; what a ballot's choices refer to.
        #[sea_orm(primary_key, auto_increment = false)]
        pub position: i32,
        pub person_id: i64,
        pub name: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod election_voters {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "election_voters")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub election_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: i64,
        pub issued: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod election_ballots {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "election_ballots")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        #[serde(skip)]
        pub election_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub token: String,
        pub signature: String,
        /// Candidate positions, comma-separated, ascending ("" for a blank ballot).
        pub choices: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod election_objections {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "election_objections")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub tenant_id: i64,
        pub election_id: i64,
        pub body: String,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
