//! Dates as they arrive from spreadsheets: typed in half a dozen local styles, or as Excel serials.
//!
//! College offices write `2004.5.1`, `2004年5月1日`, `2004/05/01`, `20040501` or let Excel turn the
//! cell into a serial number. Every unambiguous form is accepted; anything that could be read two
//! ways (`01/05/2004`, two-digit years) is refused, so a wrong date never slips in silently.

use std::borrow::Cow;

use chrono::{Days, NaiveDate};

use crate::text::normalise;

/// Years outside this range are typing mistakes in a student roster, not dates.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// The last day Excel can show (9999-12-31) as a serial number.
const MAX_SERIAL: f64 = 2_958_465.0;

/// A date written as text in any of the unambiguous styles seen in rosters:
/// `2004-05-01`, `2004-5-1`, `2004.5.1`, `2004/05/01`, `2004年5月1日` (or `…1号`, or without the
/// final `日`), `20040501`, each optionally followed by a time (`2004-5-1 00:00:00`,
/// `2004-05-01T08:30`), in half- or full-width digits. Impossible dates (`2004.2.30`) are `None`.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    // ASCII input (most of it) needs no width or space folding: no allocation.
    let s = if raw.is_ascii() {
        Cow::Borrowed(raw.trim())
    } else {
        Cow::Owned(normalise(raw))
    };
    let date = strip_time(&s)?;
    let parts = Parts::of(date)?;
    let (y, m, d) = match parts.count {
        1 if parts.groups[0].len() == 8 => {
            let g = parts.groups[0];
            (
                g[..4].parse().ok()?,
                g[4..6].parse().ok()?,
                g[6..].parse().ok()?,
            )
        }
        3 if parts.is_full_date() => {
            let [y, m, d] = parts.groups;
            (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
        }
        _ => return None,
    };
    ymd(y, m, d)
}

/// A year and month without a day (`2019.5`, `2019-05`, `2019年5月`): what a 出生年月 or 入团年月
/// column often holds. Kept apart from [`parse_date`] because inventing the day would be a guess.
pub fn parse_year_month(raw: &str) -> Option<(i32, u32)> {
    let s = normalise(raw);
    let parts = Parts::of(&s)?;
    if parts.count != 2 || parts.groups[0].len() != 4 || !(1..=2).contains(&parts.groups[1].len()) {
        return None;
    }
    let seps_ok = match parts.seps {
        [Some('年'), Some('月'), None] => true,
        [Some(a), None, None] => matches!(a, '.' | '/' | '-'),
        _ => false,
    };
    let y: i32 = parts.groups[0].parse().ok()?;
    let m: u32 = parts.groups[1].parse().ok()?;
    (seps_ok && YEARS.contains(&y) && (1..=12).contains(&m)).then_some((y, m))
}

/// The date of an Excel serial number in the 1900 date system, time of day ignored.
///
/// Excel copies a Lotus 1-2-3 bug: it believes 1900 was a leap year, so serial 60 is the
/// non-existent 1900-02-29 (`None` here) and every serial from 61 on is one day "late".
pub fn from_excel_serial(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..=MAX_SERIAL).contains(&serial) {
        return None;
    }
    let days = serial.floor() as u64;
    let epoch = match days {
        60 => return None,
        ..60 => NaiveDate::from_ymd_opt(1899, 12, 31)?,
        _ => NaiveDate::from_ymd_opt(1899, 12, 30)?,
    };
    epoch.checked_add_days(Days::new(days))
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !YEARS.contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The date part of `date[ T]time`; `None` when what follows is not a time of day.
fn strip_time(s: &str) -> Option<&str> {
    let split = s.find(' ').or_else(|| s.find('T'));
    let Some(at) = split else { return Some(s) };
    let (date, time) = (
        &s[..at],
        s[at + 1..]
            .trim()
            .trim_end_matches("AM")
            .trim_end_matches("PM")
            .trim_end(),
    );
    let is_time = !time.is_empty()
        && time.contains(':')
        && time
            .chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == '.');
    is_time.then_some(date)
}

/// Up to three runs of digits and the single character after each.
struct Parts<'a> {
    groups: [&'a str; 3],
    seps: [Option<char>; 3],
    count: usize,
}

impl<'a> Parts<'a> {
    fn of(s: &'a str) -> Option<Self> {
        let mut parts = Parts {
            groups: [""; 3],
            seps: [None; 3],
            count: 0,
        };
        let mut rest = s;
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if digits == 0 || parts.count == 3 {
                return None;
            }
            parts.groups[parts.count] = &rest[..digits];
            rest = &rest[digits..];
            let mut chars = rest.chars();
            if let Some(sep) = chars.next() {
                if !matches!(sep, '.' | '/' | '-' | '年' | '月' | '日' | '号') {
                    return None;
                }
                parts.seps[parts.count] = Some(sep);
                rest = chars.as_str();
            }
            parts.count += 1;
        }
        Some(parts)
    }

    /// `y?m?d` with one repeated separator, or `y年m月d[日|号]`; four-digit year first.
    fn is_full_date(&self) -> bool {
        let [y, m, d] = self.groups;
        let lengths_ok = y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len());
        let seps_ok = match self.seps {
            [Some('年'), Some('月'), None | Some('日') | Some('号')] => true,
            [Some(a), Some(b), None] => a == b && matches!(a, '.' | '/' | '-'),
            _ => false,
        };
        lengths_ok && seps_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn every_roster_style_of_the_same_day_is_understood() {
        for raw in [
            "2004.5.1",
            "2004.05.01",
            "2004年5月1日",
            "2004年05月01日",
            "2004年5月1号",
            "2004年5月1",
            "2004/05/01",
            "2004/5/1",
            "2004-05-01",
            "2004-5-1",
            "20040501",
            "2004-5-1 00:00:00",
            "2004-05-01T08:30:00",
            "2004/5/1 0:00",
            "2004/5/1  12:00:00 AM",
            "２００４．５．１",
            "２００４年５月１日",
            " 2004-05-01 ",
        ] {
            assert_eq!(parse_date(raw), d(2004, 5, 1), "{raw}");
        }
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert_eq!(parse_date("2004.2.30"), None);
        assert_eq!(parse_date("2003-02-29"), None);
        assert_eq!(parse_date("2004.13.1"), None);
        assert_eq!(parse_date("20040230"), None);
    }

    #[test]
    fn the_leap_day_of_a_leap_year_is_a_date() {
        assert_eq!(parse_date("2004.2.29"), d(2004, 2, 29));
    }

    #[test]
    fn ambiguous_or_partial_forms_are_refused() {
        for raw in [
            "01/05/2004",
            "04.5.1",
            "2004.5",
            "2004-05/01",
            "2004年5月1日 下午",
            "",
            "无",
            "2004.5.1.2",
        ] {
            assert_eq!(parse_date(raw), None, "{raw}");
        }
    }

    #[test]
    fn years_outside_1900_to_2100_are_typing_mistakes() {
        assert_eq!(parse_date("1899-12-31"), None);
        assert_eq!(parse_date("2101-01-01"), None);
        assert_eq!(parse_date("1900-01-01"), d(1900, 1, 1));
    }

    #[test]
    fn year_and_month_without_a_day_is_recognised_separately() {
        assert_eq!(parse_year_month("2019.5"), Some((2019, 5)));
        assert_eq!(parse_year_month("2019-05"), Some((2019, 5)));
        assert_eq!(parse_year_month("2019年5月"), Some((2019, 5)));
        assert_eq!(parse_year_month("2019.13"), None);
        assert_eq!(parse_year_month("2019.5.4"), None);
    }

    #[test]
    fn excel_serials_follow_the_1900_system_with_the_lotus_leap_day() {
        assert_eq!(from_excel_serial(1.0), d(1900, 1, 1));
        assert_eq!(from_excel_serial(59.0), d(1900, 2, 28));
        assert_eq!(from_excel_serial(60.0), None);
        assert_eq!(from_excel_serial(61.0), d(1900, 3, 1));
        assert_eq!(from_excel_serial(38108.0), d(2004, 5, 1));
        assert_eq!(from_excel_serial(37745.0), d(2003, 5, 4));
        assert_eq!(from_excel_serial(45658.0), d(2025, 1, 1));
        assert_eq!(from_excel_serial(2_958_465.0), d(9999, 12, 31));
    }

    #[test]
    fn the_time_of_day_of_a_serial_is_ignored() {
        assert_eq!(from_excel_serial(38108.999), d(2004, 5, 1));
    }

    #[test]
    fn serials_out_of_range_are_not_dates() {
        for s in [0.0, 0.5, -1.0, 2_958_466.0, f64::NAN, f64::INFINITY] {
            assert_eq!(from_excel_serial(s), None, "{s}");
        }
    }
}
