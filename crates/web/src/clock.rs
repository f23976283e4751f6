//! Today's date for business rules (due dates, "not in the future"), in Beijing time.
//!
//! Tests move it forward so that a person can be walked through years of the pipeline in one
//! run; sessions and sign-in keep the real clock, so moving it never signs anyone out.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};

#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Seconds added to the system clock; zero outside tests.
    shift_secs: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::seconds(self.shift_secs.load(Ordering::Relaxed))
    }

    /// The date in China Standard Time (UTC+8, no daylight saving).
    pub fn today(&self) -> NaiveDate {
        let now = self.now();
        match FixedOffset::east_opt(8 * 3600) {
            Some(cst) => now.with_timezone(&cst).date_naive(),
            None => now.date_naive(),
        }
    }

    /// Moves the clock forward by `secs` seconds (tests only: heartbeats a whole interval apart
    /// without waiting for it).
    pub fn advance(&self, secs: i64) {
        self.shift_secs.fetch_add(secs, Ordering::Relaxed);
    }

    /// Moves the clock so that [`Clock::today`] is `day` (tests only).
    pub fn set_today(&self, day: NaiveDate) {
        let diff = (day - self.today()).num_seconds();
        self.shift_secs.fetch_add(diff, Ordering::Relaxed);
    }
}

impl Clock {
    /// Moves the clock so that [`Clock::now`] is `at` (tests only: a meeting's check-in
    /// window and late marks depend on the time of day, not only the date). The clock keeps
    /// whole seconds, so it lands within the second after `at`, never before it.
    pub fn set_now(&self, at: DateTime<Utc>) {
        let diff_ms = (at - self.now()).num_milliseconds();
        self.shift_secs
            .fetch_add(diff_ms.div_euclid(1000) + 1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_clock_reads_the_day_it_was_set_to() {
        let c = Clock::default();
        let day = NaiveDate::from_ymd_opt(2031, 2, 28).unwrap_or_default();
        c.set_today(day);
        assert_eq!(c.today(), day);
        c.set_today(day - Duration::days(400));
        assert_eq!(c.today(), day - Duration::days(400));
    }
}
