//! The `meetings`, `meeting_attendees` and `meeting_files` tables.

pub mod meetings {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "meetings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[serde(skip)]
        pub tenant_id: i64,
        pub org_id: i64,
        /// A `domain::meetings::MeetingKind` code.
        pub kind: String,
        pub title: String,
        pub starts_at: DateTimeUtc,
        pub ends_at: DateTimeUtc,
        /// The start's date in Beijing time.
        pub held_on: Date,
        pub place: Option<String>,
        pub online_link: Option<String>,
        pub agenda: String,
        /// `planned` or `held` (minutes recorded).
        pub status: String,
        pub invited: i64,
        pub attended: i64,
        /// Sanitised HTML.
        pub minutes: Option<String>,
        pub resolutions: Option<String>,
        pub host: Option<String>,
        pub recorder: Option<String>,
        pub minutes_by: Option<i64>,
        pub minutes_at: Option<DateTimeUtc>,
        pub created_by: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod meeting_attendees {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_attendees")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub meeting_id: i64,
        pub person_id: i64,
        /// A `domain::meetings::Attendance` code.
        pub status: String,
        pub checked_in_at: Option<DateTimeUtc>,
        /// `qr` or `organiser`.
        pub via: Option<String>,
        pub leave_reason: Option<String>,
        /// A `domain::meetings::LeaveStatus` code.
        pub leave_status: Option<String>,
        pub leave_decided_by: Option<i64>,
        pub correction_reason: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod meeting_files {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "meeting_files")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: i64,
        pub meeting_id: i64,
        /// `photo` or `attachment`.
        pub kind: String,
        pub filename: String,
        pub content_type: String,
        pub size_bytes: i64,
        pub sha256: String,
        pub content: Vec<u8>,
        pub uploaded_by: i64,
        pub uploaded_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
