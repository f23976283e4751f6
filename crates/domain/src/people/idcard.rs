//! 公民身份号码 (citizen identity number), GB 11643-1999.

use chrono::NaiveDate;

use super::Gender;
use crate::error::FieldError;
use crate::text::compact;

/// An 18-character identity number whose check character is right (GB 11643-1999 §5.2, ISO 7064
/// MOD 11-2) and whose birth date is a real date. `Display` masks it; `as_str` is for storage.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdCardNo(String);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

impl IdCardNo {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        const F: &str = "field.id_card";
        let s = compact(raw).to_ascii_uppercase();
        if s.is_empty() {
            return Err(FieldError::new(F, "error.required"));
        }
        let body_ok = s.len() == 18 && s[..17].chars().all(|c| c.is_ascii_digit());
        let last = s.chars().last().unwrap_or(' ');
        if !body_ok || !(last.is_ascii_digit() || last == 'X') {
            return Err(FieldError::new(F, "error.id_card_format"));
        }
        if Self::birth_date_of(&s).is_none() {
            return Err(FieldError::new(F, "error.id_card_birth_date"));
        }
        if check_char(&s[..17]) != last {
            return Err(FieldError::new(F, "error.id_card_checksum"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `420106********123X`: region and the last four kept, the birth date hidden.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }

    pub fn birth_date(&self) -> NaiveDate {
        Self::birth_date_of(&self.0).unwrap_or_default()
    }

    /// The 17th digit: odd for men, even for women (GB 11643-1999 §4.3).
    pub fn gender(&self) -> Gender {
        let d = self.0.as_bytes()[16] - b'0';
        if d % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    fn birth_date_of(s: &str) -> Option<NaiveDate> {
        let y = s.get(6..10)?.parse().ok()?;
        let m = s.get(10..12)?.parse().ok()?;
        let d = s.get(12..14)?.parse().ok()?;
        NaiveDate::from_ymd_opt(y, m, d)
            .filter(|date| *date >= NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default())
    }
}

/// The check character of the first 17 digits.
pub fn check_char(body: &str) -> char {
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

impl std::fmt::Display for IdCardNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

impl std::fmt::Debug for IdCardNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdCardNo({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 11010519491231002X is the worked example of GB 11643-1999 (female, born 1949-12-31).
    #[test]
    fn the_standard_worked_example_is_valid() {
        let id = IdCardNo::parse("11010519491231002X").map_err(|e| e.code);
        assert!(id.is_ok());
        let id = id.unwrap_or_else(|_| unreachable!());
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap_or_default()
        );
        assert_eq!(id.gender(), Gender::Female);
    }

    #[test]
    fn lower_case_x_and_full_width_digits_are_accepted() {
        assert!(IdCardNo::parse("１１0105194912310０2x").is_ok());
    }

    #[test]
    fn a_wrong_check_character_is_refused() {
        assert_eq!(
            IdCardNo::parse("110105194912310021")
                .map(|_| ())
                .unwrap_err()
                .code,
            "error.id_card_checksum"
        );
    }

    #[test]
    fn an_impossible_birth_date_is_refused() {
        let mut body = "11010519490230002".to_string();
        body.push(check_char(&body));
        assert_eq!(
            IdCardNo::parse(&body).map(|_| ()).unwrap_err().code,
            "error.id_card_birth_date"
        );
    }

    #[test]
    fn fifteen_digit_numbers_are_refused() {
        assert_eq!(
            IdCardNo::parse("110105491231002")
                .map(|_| ())
                .unwrap_err()
                .code,
            "error.id_card_format"
        );
    }

    #[test]
    fn display_and_debug_never_show_the_whole_number() {
        let id = IdCardNo::parse("11010519491231002X").unwrap_or_else(|_| unreachable!());
        assert_eq!(id.to_string(), "110105********002X");
        assert!(!format!("{id:?}").contains("19491231"));
    }
}
