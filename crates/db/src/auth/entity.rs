//! The `users`, `role_grants`, `sessions`, `api_tokens` and `login_attempts` tables.

pub mod users {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub person_id: Option<i64>,
        pub login: String,
        pub display_name: String,
        pub password_hash: String,
        pub must_change_password: bool,
        pub password_changed_at: DateTimeUtc,
        pub totp_secret_cipher: Option<Vec<u8>>,
        pub totp_enabled: bool,
        pub failed_logins: i32,
        pub locked_until: Option<DateTimeUtc>,
        pub disabled: bool,
        pub locale: Option<String>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "crate::tenants::entity::Entity",
            from = "Column::TenantId",
            to = "crate::tenants::entity::Column::Id"
        )]
        Tenant,
    }

    impl Related<crate::tenants::entity::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Tenant.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod role_grants {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "role_grants")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub user_id: i64,
        pub role: String,
        pub org_id: i64,
        pub granted_at: DateTimeUtc,
        pub granted_by: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "crate::org::entity::orgs::Entity",
            from = "Column::OrgId",
            to = "crate::org::entity::orgs::Column::Id"
        )]
        Org,
    }

    impl Related<crate::org::entity::orgs::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Org.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod sessions {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// SHA-256 of the cookie value: a stolen database does not yield live cookies.
        pub token_hash: String,
        pub user_id: i64,
        pub csrf_token: String,
        pub mfa_passed: bool,
        pub created_at: DateTimeUtc,
        pub last_seen_at: DateTimeUtc,
        pub ip: Option<String>,
        pub user_agent: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::users::Entity",
            from = "Column::UserId",
            to = "super::users::Column::Id"
        )]
        User,
    }

    impl Related<super::users::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod api_tokens {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub token_hash: String,
        pub name: String,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub last_used_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::users::Entity",
            from = "Column::UserId",
            to = "super::users::Column::Id"
        )]
        User,
    }

    impl Related<super::users::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod login_attempts {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "login_attempts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub login: String,
        pub ip: String,
        pub succeeded: bool,
        pub attempted_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
