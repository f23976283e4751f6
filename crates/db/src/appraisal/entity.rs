//! The `appraisals`, `appraisal_members` and `appraisal_tallies` tables.

pub mod appraisals {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "appraisals")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub org_id: i64,
        /// `party` or `league`: whose cap and attendance rule apply.
        pub tree: String,
        pub year: i32,
        /// A `domain::appraisal::Phase` code.
        pub phase: String,
        pub published_on: Option<Date>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod appraisal_members {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "appraisal_members")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub appraisal_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: i64,
        pub self_text: Option<String>,
        /// A `domain::appraisal::Grade` code the member gave themselves.
        pub self_grade: Option<String>,
        /// Has handed in the mutual assessment (and nothing about what it said).
        pub rated: bool,
        pub final_grade: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod appraisal_tallies {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "appraisal_tallies")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub appraisal_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub person_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub grade: String,
        pub votes: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
