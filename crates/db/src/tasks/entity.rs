//! The `plans`, `tasks`, `task_results` and `attachments` tables, and the `email` column of
//! `users` (read and written only through [`user_email`], so the accounts entity stays as it is).

macro_rules! entity {
    ($modname:ident, $table:literal, { $($(#[$m:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        pub mod $modname {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key)]
                pub id: i64,
                $($(#[$m])* pub $field: $ty,)*
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}
pub(crate) use entity;

entity!(plans, "plans", {
    tenant_id: i64,
    /// The org whose goals these are.
    org_id: i64,
    year: i32,
    title: String,
    body: String,
    created_by: i64,
    created_at: DateTimeUtc,
});

entity!(tasks, "tasks", {
    tenant_id: i64,
    plan_id: Option<i64>,
    /// The org the task counts under for progress.
    org_id: i64,
    assignee_org_id: Option<i64>,
    assignee_person_id: Option<i64>,
    title: String,
    body: String,
    due_on: Date,
    /// A `domain::tasks::TaskStatus` code.
    status: String,
    return_comment: Option<String>,
    created_by: i64,
    created_at: DateTimeUtc,
    updated_at: DateTimeUtc,
});

entity!(task_results, "task_results", {
    tenant_id: i64,
    task_id: i64,
    body: String,
    submitted_by: i64,
    submitted_at: DateTimeUtc,
});

entity!(attachments, "attachments", {
    tenant_id: i64,
    /// `task_result` or `notice`.
    owner: String,
    owner_id: i64,
    filename: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    #[serde(skip)]
    content: Vec<u8>,
    uploaded_by: i64,
    uploaded_at: DateTimeUtc,
});

entity!(user_email, "users", {
    tenant_id: i64,
    email: Option<String>,
});
