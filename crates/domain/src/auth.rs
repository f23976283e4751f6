//! Sign-in rules: password complexity and expiry, lockout, session lifetimes.
//!
//! The "等保 mode" values follow what assessments under 《信息安全技术 网络安全等级保护基本要求》
//! (GB/T 22239-2019) level 3 expect of identity authentication (8.1.4.1 a–d): unique identities,
//! complex passwords changed periodically, lockout after repeated failures, session timeout, and
//! two factors for important users. The numbers are the common reading of those clauses and are
//! settings, not constants.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// Everything sign-in enforces, with the national-practice defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityPolicy {
    /// 等保 mode: complexity and expiry rules on (default on).
    pub dengbao_mode: bool,
    pub min_password_len: usize,
    /// Character classes (lower, upper, digit, symbol) a password needs in 等保 mode.
    pub min_password_classes: usize,
    pub password_max_age_days: i64,
    /// Failed attempts for one account within `lockout_window_minutes` before it locks.
    pub max_failed_logins: u32,
    pub lockout_window_minutes: i64,
    pub lockout_minutes: i64,
    /// Attempts from one address within the window before that address is throttled.
    pub max_attempts_per_ip: u32,
    pub idle_timeout_minutes: i64,
    pub admin_idle_timeout_minutes: i64,
    pub absolute_timeout_hours: i64,
    /// Administrators must pass a TOTP second factor.
    pub admin_totp_required: bool,
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        Self {
            dengbao_mode: true,
            min_password_len: 8,
            min_password_classes: 3,
            password_max_age_days: 90,
            max_failed_logins: 5,
            lockout_window_minutes: 15,
            lockout_minutes: 15,
            max_attempts_per_ip: 50,
            idle_timeout_minutes: 30,
            admin_idle_timeout_minutes: 15,
            absolute_timeout_hours: 12,
            admin_totp_required: true,
        }
    }
}

impl SecurityPolicy {
    /// Checks a new password. Outside 等保 mode only the minimum length applies.
    pub fn check_password(&self, login: &str, password: &str) -> Result<(), FieldError> {
        const F: &str = "field.new_password";
        if password.chars().count() < self.min_password_len {
            return Err(
                FieldError::new(F, "error.password_too_short").with("min", self.min_password_len)
            );
        }
        if !self.dengbao_mode {
            return Ok(());
        }
        let classes = [
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ]
        .into_iter()
        .filter(|b| *b)
        .count();
        if classes < self.min_password_classes {
            return Err(FieldError::new(F, "error.password_too_simple")
                .with("classes", self.min_password_classes));
        }
        if !login.is_empty() && password.to_lowercase().contains(&login.to_lowercase()) {
            return Err(FieldError::new(F, "error.password_contains_login"));
        }
        Ok(())
    }

    /// Whether a password set at `changed_at` must be changed now (等保 mode only).
    pub fn password_expired(&self, changed_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self.dengbao_mode && now - changed_at >= Duration::days(self.password_max_age_days)
    }

    /// Whether `failures` recent failures lock the account.
    pub fn locks_after(&self, failures: u32) -> bool {
        failures >= self.max_failed_logins
    }

    pub fn lockout(&self) -> Duration {
        Duration::minutes(self.lockout_minutes)
    }

    pub fn lockout_window(&self) -> Duration {
        Duration::minutes(self.lockout_window_minutes)
    }

    /// Whether a session is still alive: not idle too long and not older than the absolute limit.
    pub fn session_alive(
        &self,
        created: DateTime<Utc>,
        last_seen: DateTime<Utc>,
        is_admin: bool,
        now: DateTime<Utc>,
    ) -> bool {
        let idle = if is_admin {
            self.admin_idle_timeout_minutes
        } else {
            self.idle_timeout_minutes
        };
        now - last_seen < Duration::minutes(idle)
            && now - created < Duration::hours(self.absolute_timeout_hours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, h, m, 0)
            .single()
            .unwrap()
    }

    #[test]
    fn dengbao_mode_wants_three_classes() {
        let p = SecurityPolicy::default();
        assert_eq!(
            p.check_password("2021001", "abcdefgh").unwrap_err().code,
            "error.password_too_simple"
        );
        assert!(p.check_password("2021001", "abcDEF12").is_ok());
    }

    #[test]
    fn a_password_may_not_contain_the_login() {
        let p = SecurityPolicy::default();
        assert_eq!(
            p.check_password("zhang2021", "Zhang2021!")
                .unwrap_err()
                .code,
            "error.password_contains_login"
        );
    }

    #[test]
    fn outside_dengbao_mode_only_length_counts() {
        let p = SecurityPolicy {
            dengbao_mode: false,
            ..Default::default()
        };
        assert!(p.check_password("x", "aaaaaaaa").is_ok());
        assert_eq!(
            p.check_password("x", "aaaaaaa").unwrap_err().code,
            "error.password_too_short"
        );
    }

    #[test]
    fn a_password_expires_on_day_90_not_day_89() {
        let p = SecurityPolicy::default();
        let set = at(8, 0);
        assert!(!p.password_expired(set, set + Duration::days(89)));
        assert!(p.password_expired(set, set + Duration::days(90)));
    }

    #[test]
    fn the_fifth_failure_locks() {
        let p = SecurityPolicy::default();
        assert!(!p.locks_after(4));
        assert!(p.locks_after(5));
    }

    #[test]
    fn idle_timeout_is_shorter_for_administrators() {
        let p = SecurityPolicy::default();
        let start = at(8, 0);
        let seen = at(9, 0);
        assert!(p.session_alive(start, seen, false, at(9, 29)));
        assert!(!p.session_alive(start, seen, false, at(9, 30)));
        assert!(p.session_alive(start, seen, true, at(9, 14)));
        assert!(!p.session_alive(start, seen, true, at(9, 15)));
    }

    #[test]
    fn sessions_end_after_twelve_hours_however_active() {
        let p = SecurityPolicy::default();
        let start = at(8, 0);
        assert!(p.session_alive(start, at(19, 59), false, at(19, 59)));
        assert!(!p.session_alive(start, at(20, 0), false, at(20, 0)));
    }
}
