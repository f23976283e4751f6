//! The `people` and `memberships` tables.

pub mod people {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "people")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub student_no: String,
        pub name: String,
        pub name_initials: String,
        pub gender: Option<String>,
        pub ethnicity: Option<String>,
        pub birth_date: Option<Date>,
        /// Sealed identity number (see `crate::crypto`); never leaves the server unmasked
        /// unless a permitted viewer asks, which is audited.
        pub id_card_cipher: Option<Vec<u8>>,
        pub id_card_hash: Option<String>,
        pub id_card_masked: Option<String>,
        pub phone: Option<String>,
        pub college: Option<String>,
        pub major: Option<String>,
        pub grade: Option<String>,
        pub class_name: Option<String>,
        pub political_status: String,
        pub league_joined_on: Option<Date>,
        pub party_applied_on: Option<Date>,
        pub activist_on: Option<Date>,
        pub target_on: Option<Date>,
        pub party_joined_on: Option<Date>,
        pub confirmed_on: Option<Date>,
        pub party_org_id: Option<i64>,
        pub league_org_id: Option<i64>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod memberships {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "memberships")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub person_id: i64,
        pub org_id: i64,
        pub tree: String,
        pub started_on: Date,
        pub ended_on: Option<Date>,
        pub note: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
