//! People: the value types a person record is made of, each valid by construction.

mod idcard;
mod status;

pub use idcard::{IdCardNo, check_char as id_card_check_char};
pub use status::{Gender, PoliticalStatus};

use chrono::NaiveDate;

use crate::error::FieldError;
use crate::text::{compact, normalise};

/// Everything about a person that a form or an import sets.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonData {
    pub student_no: StudentNo,
    pub name: PersonName,
    pub gender: Option<Gender>,
    pub ethnicity: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub id_card: Option<IdCardNo>,
    pub phone: Option<PhoneNo>,
    pub college: Option<String>,
    pub major: Option<String>,
    pub grade: Option<String>,
    pub class_name: Option<String>,
    pub political_status: PoliticalStatus,
    pub league_joined_on: Option<NaiveDate>,
    pub party_applied_on: Option<NaiveDate>,
    pub activist_on: Option<NaiveDate>,
    pub target_on: Option<NaiveDate>,
    pub party_joined_on: Option<NaiveDate>,
    pub confirmed_on: Option<NaiveDate>,
}

/// 学号 or 工号: 4–20 ASCII letters or digits after normalisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct StudentNo(String);

impl StudentNo {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = compact(raw);
        if s.is_empty() {
            return Err(FieldError::new("field.student_no", "error.required"));
        }
        let ok_len = (4..=20).contains(&s.len());
        if !ok_len || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(FieldError::new(
                "field.student_no",
                "error.student_no_format",
            ));
        }
        Ok(Self(s.to_ascii_uppercase()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for StudentNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's name: 1–40 characters after normalisation, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = normalise(raw);
        if s.is_empty() {
            return Err(FieldError::new("field.name", "error.required"));
        }
        if s.chars().count() > 40 || s.chars().any(char::is_control) {
            return Err(FieldError::new("field.name", "error.name_format"));
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A mainland mobile number: 11 digits starting with 1 (an optional +86/86 prefix is dropped).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PhoneNo(String);

impl PhoneNo {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let mut s: String = compact(raw).chars().filter(|c| *c != '-').collect();
        if let Some(rest) = s.strip_prefix("+86") {
            s = rest.to_string();
        } else if s.len() == 13 && s.starts_with("86") {
            s = s[2..].to_string();
        }
        if s.len() != 11 || !s.starts_with('1') || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new("field.phone", "error.phone_format"));
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `138****5678`: how a phone number is shown to someone who may not see it whole.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn student_no_accepts_full_width_digits_and_spaces() {
        assert_eq!(
            StudentNo::parse(" ２０２１ 01０１ ").map(|s| s.0),
            Ok("20210101".into())
        );
    }

    #[test]
    fn student_no_rejects_punctuation_and_empty() {
        assert_eq!(
            StudentNo::parse("2021-01").map(|_| ()).unwrap_err().code,
            "error.student_no_format"
        );
        assert_eq!(
            StudentNo::parse("  ").map(|_| ()).unwrap_err().code,
            "error.required"
        );
    }

    #[test]
    fn phone_drops_country_code_and_masks() {
        let p = PhoneNo::parse("+86 １３８-0013-8000").map_err(|e| e.code);
        assert_eq!(p.as_ref().map(PhoneNo::as_str), Ok("13800138000"));
        assert_eq!(p.map(|p| p.masked()), Ok("138****8000".into()));
    }

    #[test]
    fn phone_rejects_landlines() {
        assert!(PhoneNo::parse("027-87654321").is_err());
    }

    #[test]
    fn name_is_required() {
        assert_eq!(
            PersonName::parse("\n").map(|_| ()).unwrap_err().code,
            "error.required"
        );
    }
}
