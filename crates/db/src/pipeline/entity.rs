//! The `pipeline_steps` table.

pub mod pipeline_steps {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "pipeline_steps")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub person_id: i64,
        /// A `domain::pipeline::Step` code.
        pub step: String,
        pub happened_on: Date,
        /// JSON: what the step's rules were checked against.
        pub details: String,
        pub override_reason: Option<String>,
        pub recorded_by: Option<i64>,
        pub recorded_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
