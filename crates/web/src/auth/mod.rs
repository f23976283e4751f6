//! Sign-in, sign-out, password change, second factor, and the "me" page.

pub mod login;
pub mod logout;
pub mod me;
pub mod password;
pub mod password_change;
pub mod totp;

/// Only same-site relative paths are followed after sign-in (no open redirects).
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/"
    }
}
