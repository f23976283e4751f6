//! Notices and documents (通知、文件) from superior orgs to chosen subtrees or roles, with read
//! receipts and reminders to those who have not read (issue #4 part 5).
//!
//! Plain values and the rules on them: the audience, and when a reminder may go out.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::authz::Role;
use crate::error::FieldError;

/// A school's numbers for notices (its settings JSON under `"notices"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NoticeSettings {
    /// Days after publication at which the daily job reminds those who have not read, once.
    pub auto_remind_after_days: i64,
    /// Most notices pinned on a home page at once (the newest win).
    pub max_pinned: u64,
}

impl Default for NoticeSettings {
    fn default() -> Self {
        Self {
            auto_remind_after_days: 3,
            max_pinned: 3,
        }
    }
}

/// Who within the chosen subtrees receives a notice: everyone (members and office holders), or
/// only holders of the chosen roles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audience {
    pub roles: Vec<Role>,
}

impl Audience {
    /// Role codes as ticked on the form or sent to the API; none means everyone.
    pub fn parse<'a>(
        field: &'static str,
        codes: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, FieldError> {
        let mut roles = Vec::new();
        for c in codes.into_iter().map(str::trim).filter(|c| !c.is_empty()) {
            let r = Role::from_code(c).ok_or_else(|| {
                FieldError::new(field, "notices.error.unknown_role").with("value", c)
            })?;
            if !roles.contains(&r) {
                roles.push(r);
            }
        }
        roles.sort();
        Ok(Self { roles })
    }

    pub fn everyone(&self) -> bool {
        self.roles.is_empty()
    }

    /// Stored as comma-separated role codes ("" for everyone).
    pub fn to_stored(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn from_stored(s: &str) -> Self {
        Self {
            roles: s.split(',').filter_map(Role::from_code).collect(),
        }
    }

    /// Whether someone who is a member of the subtree (`member`) or holds `roles` there receives it.
    pub fn includes(&self, member: bool, roles: &[Role]) -> bool {
        if self.everyone() {
            return member || !roles.is_empty();
        }
        (member && self.roles.contains(&Role::Member))
            || roles.iter().any(|r| self.roles.contains(r))
    }
}

/// Why a reminder cannot go out now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemindRefusal {
    /// Everyone has read it.
    NobodyLeft,
    /// A reminder already went out today.
    AlreadyToday,
}

/// A publisher reminds those who have not read a notice at most once a day: the central rules
/// against "指尖上的形式主义" (中共中央办公厅《关于解决形式主义突出问题为基层减负的通知》, 2019)
/// ask that people at the grassroots not be chased by repeated messages for the same thing.
pub fn may_remind(
    unread: u64,
    last_reminded: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), RemindRefusal> {
    if unread == 0 {
        Err(RemindRefusal::NobodyLeft)
    } else if last_reminded.is_some_and(|d| d >= today) {
        Err(RemindRefusal::AlreadyToday)
    } else {
        Ok(())
    }
}

/// The daily job's own reminder: once, `auto_remind_after_days` after publication (on that day
/// or any later day it runs), and only if nobody reminded today. Same source as [`may_remind`].
pub fn auto_remind_due(
    published_on: NaiveDate,
    today: NaiveDate,
    already_auto: bool,
    s: NoticeSettings,
) -> bool {
    !already_auto && (today - published_on).num_days() >= s.auto_remind_after_days
}

/// An account's e-mail address: empty clears it; otherwise one `@` with text on both sides, a dot
/// in the domain, no spaces, at most 254 characters (RFC 5321's limit on a path).
pub fn parse_email(field: &'static str, raw: &str) -> Result<Option<String>, FieldError> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || FieldError::new(field, "notices.error.email_format").with("value", t);
    let (local, domain) = t.split_once('@').ok_or_else(bad)?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && t.len() <= 254
        && !t.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(Some(t.to_string()))
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn an_audience_is_everyone_unless_roles_are_chosen() {
        let all = Audience::parse("f", [""]).unwrap_or_default();
        assert!(all.everyone());
        assert!(all.includes(true, &[]));
        assert!(all.includes(false, &[Role::BranchSecretary]));
        assert!(!all.includes(false, &[]));
        let secs =
            Audience::parse("f", ["branch_secretary", "branch_secretary"]).unwrap_or_default();
        assert_eq!(secs.roles, vec![Role::BranchSecretary]);
        assert!(!secs.includes(true, &[]));
        assert!(secs.includes(false, &[Role::BranchSecretary]));
        assert_eq!(Audience::from_stored(&secs.to_stored()), secs);
        assert!(Audience::parse("f", ["chairman"]).is_err());
    }

    #[test]
    fn an_email_address_is_checked_loosely_and_empty_clears_it() {
        assert_eq!(parse_email("f", " "), Ok(None));
        assert_eq!(
            parse_email("f", "zhang@example.edu.cn"),
            Ok(Some("zhang@example.edu.cn".into()))
        );
        assert!(parse_email("f", "zhang").is_err());
        assert!(parse_email("f", "zhang@localhost").is_err());
        assert!(parse_email("f", "zh ang@example.cn").is_err());
        assert!(parse_email("f", "@example.cn").is_err());
    }

    #[test]
    fn a_reminder_goes_out_at_most_once_a_day() {
        let today = d("2026-03-10");
        assert_eq!(may_remind(3, None, today), Ok(()));
        assert_eq!(may_remind(3, Some(d("2026-03-09")), today), Ok(()));
        assert_eq!(
            may_remind(3, Some(today), today),
            Err(RemindRefusal::AlreadyToday)
        );
        assert_eq!(may_remind(0, None, today), Err(RemindRefusal::NobodyLeft));
    }

    #[test]
    fn the_automatic_reminder_comes_on_the_third_day_once() {
        let s = NoticeSettings::default();
        let published = d("2026-03-10");
        assert!(!auto_remind_due(published, d("2026-03-12"), false, s));
        assert!(auto_remind_due(published, d("2026-03-13"), false, s));
        assert!(auto_remind_due(published, d("2026-03-20"), false, s));
        assert!(!auto_remind_due(published, d("2026-03-13"), true, s));
    }
}
