//! Quizzes (答题): 每日答题, 每周答题, 专项答题 and 挑战答题 — which questions a person gets and
//! how a round is scored. Question selection and answer checking are plain functions so that
//! the live matches built later use the same ones.
//!
//! The numbers follow 学习强国's quiz rules as the reference (see `shared/RULES.md` §6: daily
//! quiz 5 questions, challenge until the first mistake) and are a school setting.

mod select;

pub use select::{Served, pick, serve, shown_options};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The four kinds of quiz.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuizMode {
    /// 每日答题: once a day, a few random questions.
    Daily,
    /// 每周答题: once an ISO week, a longer set.
    Weekly,
    /// 专项答题: questions of one bank (and topic), as often as wished.
    Topic,
    /// 挑战答题: one question at a time until the first mistake.
    Challenge,
}

impl QuizMode {
    pub const ALL: [QuizMode; 4] = [Self::Daily, Self::Weekly, Self::Topic, Self::Challenge];

    pub fn code(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Weekly => "weekly",
            Self::Topic => "topic",
            Self::Challenge => "challenge",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == s)
    }

    /// The activity a finished round counts as in the points rule table (RULES.md §6: 学习强国's
    /// 每日答题, 每周答题, 专项答题 and 挑战答题 each have their own daily cap).
    pub fn activity(self) -> &'static str {
        match self {
            Self::Daily => "daily_quiz",
            Self::Weekly => "weekly_quiz",
            Self::Topic => "topic_quiz",
            Self::Challenge => "challenge_quiz",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Daily => "quiz.mode.daily",
            Self::Weekly => "quiz.mode.weekly",
            Self::Topic => "quiz.mode.topic",
            Self::Challenge => "quiz.mode.challenge",
        }
    }

    /// The period a person may take this quiz once in: `daily:2026-11-22`, `weekly:2026-W47`;
    /// `None` for quizzes that may be taken any number of times. The date is China Standard
    /// Time's, so "today" turns at midnight in Beijing.
    pub fn slot(self, today: NaiveDate) -> Option<String> {
        match self {
            Self::Daily => Some(format!("daily:{today}")),
            Self::Weekly => {
                let w = today.iso_week();
                Some(format!("weekly:{}-W{:02}", w.year(), w.week()))
            }
            Self::Topic | Self::Challenge => None,
        }
    }
}

/// A school's quiz numbers (settings JSON under `"quiz"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuizSettings {
    /// Questions in a daily quiz. 学习强国 (2023): 5.
    pub daily_count: usize,
    /// Questions in a weekly quiz. 学习强国 (2023): 5 to 10; we take 10.
    pub weekly_count: usize,
    /// Questions in a topic quiz. 学习强国 (2023): 10.
    pub topic_count: usize,
    /// Longest challenge: questions served before a flawless run ends by itself.
    pub challenge_max: usize,
    /// Questions in a live match. 学习强国 (2023): 5.
    pub match_questions: usize,
    /// Seconds each match question stays open.
    pub match_seconds: i64,
}

impl Default for QuizSettings {
    fn default() -> Self {
        Self {
            daily_count: 5,
            weekly_count: 10,
            topic_count: 10,
            challenge_max: 30,
            match_questions: 5,
            match_seconds: 15,
        }
    }
}

impl QuizSettings {
    pub fn count(&self, mode: QuizMode) -> usize {
        match mode {
            QuizMode::Daily => self.daily_count,
            QuizMode::Weekly => self.weekly_count,
            QuizMode::Topic => self.topic_count,
            QuizMode::Challenge => self.challenge_max,
        }
        .clamp(1, 100)
    }

    /// The clock of a live match, within sane bounds.
    pub fn match_clock(&self) -> crate::matches::MatchClock {
        crate::matches::MatchClock {
            questions: self.match_questions.clamp(1, 20),
            question_seconds: self.match_seconds.clamp(5, 120),
            ..Default::default()
        }
    }
}

/// The percentage of right answers, rounded down (a round of 0 questions scores 0).
pub fn percent(correct: usize, total: usize) -> usize {
    (correct * 100).checked_div(total).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn the_daily_slot_turns_with_the_date_and_the_weekly_one_with_the_iso_week() {
        assert_eq!(
            QuizMode::Daily.slot(day(2026, 11, 22)).as_deref(),
            Some("daily:2026-11-22")
        );
        // Sunday 2026-11-22 and Monday 2026-11-23 are in different ISO weeks.
        assert_eq!(
            QuizMode::Weekly.slot(day(2026, 11, 22)).as_deref(),
            Some("weekly:2026-W47")
        );
        assert_eq!(
            QuizMode::Weekly.slot(day(2026, 11, 23)).as_deref(),
            Some("weekly:2026-W48")
        );
        // 2027-01-01 is a Friday in ISO week 53 of 2026.
        assert_eq!(
            QuizMode::Weekly.slot(day(2027, 1, 1)).as_deref(),
            Some("weekly:2026-W53")
        );
        assert_eq!(QuizMode::Topic.slot(day(2026, 11, 22)), None);
    }

    #[test]
    fn counts_come_from_the_settings_within_bounds() {
        let s = QuizSettings::default();
        assert_eq!(s.count(QuizMode::Daily), 5);
        let z = QuizSettings {
            daily_count: 0,
            ..s
        };
        assert_eq!(z.count(QuizMode::Daily), 1);
        assert_eq!(percent(2, 3), 66);
        assert_eq!(percent(0, 0), 0);
    }
}
