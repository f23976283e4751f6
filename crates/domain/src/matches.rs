//! Live quiz matches (双人对战 and 四人赛, after 学习强国): players wait in a room until it is
//! full, then everyone gets the same questions on a shared clock. A question closes when every
//! player has answered it or its time is up, whichever comes first; a right answer scores more
//! the faster it came. The winner earns `match_win`, everyone else `match_loss`, and only the
//! first game of the day pays (the points rule table's `match` group, RULES.md §6: 学习强国's
//! 2023 四人赛 first game win 10 / loss 8).
//!
//! Everything here is a plain function of the stored state and the time, so any node can tell
//! where a match stands without having been told.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How many play: 双人对战 or 四人赛.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchSize {
    Duel,
    Four,
}

impl MatchSize {
    pub const ALL: [MatchSize; 2] = [Self::Duel, Self::Four];

    pub fn players(self) -> usize {
        match self {
            Self::Duel => 2,
            Self::Four => 4,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Duel => "duel",
            Self::Four => "four",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Duel => "matches.size.duel",
            Self::Four => "matches.size.four",
        }
    }
}

/// A match's numbers (school settings under `"quiz"`, see `quiz::QuizSettings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchClock {
    /// Questions per match. 学习强国's 四人赛 and 双人对战: 5.
    pub questions: usize,
    /// Seconds each question stays open.
    pub question_seconds: i64,
    /// Seconds between the room filling and the first question, so every phone is ready.
    pub countdown_seconds: i64,
    /// A room nobody else joins within this many seconds is closed.
    pub wait_seconds: i64,
}

impl Default for MatchClock {
    fn default() -> Self {
        Self {
            questions: 5,
            question_seconds: 15,
            countdown_seconds: 3,
            wait_seconds: 60,
        }
    }
}

/// A room's stored status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Waiting,
    Playing,
    Finished,
    /// Closed before it filled: nobody came.
    Abandoned,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Playing => "playing",
            Self::Finished => "finished",
            Self::Abandoned => "abandoned",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [
            Self::Waiting,
            Self::Playing,
            Self::Finished,
            Self::Abandoned,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }
}

/// Where a match stands at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    /// Not full yet; closes at `until` if nobody comes.
    Waiting {
        until: DateTime<Utc>,
    },
    /// Full; the first question opens at `until`.
    Countdown {
        until: DateTime<Utc>,
    },
    /// Question `index` (0-based) is open until `deadline`.
    Question {
        index: usize,
        deadline: DateTime<Utc>,
    },
    Finished,
    Abandoned,
}

/// The stored facts a phase is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    pub status: Status,
    pub created_at: DateTime<Utc>,
    /// The question open now (0-based); `questions` once all have closed.
    pub current: usize,
    /// When question `current` opened (or will open, during the countdown).
    pub current_opened_at: Option<DateTime<Utc>>,
}

/// The phase at `now` from the stored facts alone. It does not move the match on: a question
/// past its deadline still shows as open until someone calls [`next_step`] and stores it.
pub fn phase(s: &Stored, clock: &MatchClock, now: DateTime<Utc>) -> Phase {
    match s.status {
        Status::Waiting => Phase::Waiting {
            until: s.created_at + Duration::seconds(clock.wait_seconds),
        },
        Status::Finished => Phase::Finished,
        Status::Abandoned => Phase::Abandoned,
        Status::Playing => match s.current_opened_at {
            Some(at) if now < at => Phase::Countdown { until: at },
            Some(at) => Phase::Question {
                index: s.current,
                deadline: at + Duration::seconds(clock.question_seconds),
            },
            None => Phase::Finished,
        },
    }
}

/// What should be stored next, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Close question `from` and open `from + 1` at `at`.
    Advance { from: usize, at: DateTime<Utc> },
    /// Close the last question: the match is over.
    Finish { from: usize },
    /// The waiting room timed out.
    Abandon,
}

/// The move a match is due at `now`, given how many players have answered the open question.
/// A question closes early once all `players` have answered; otherwise at its deadline, and
/// the next one opens at that deadline (not at `now`), so a late observer does not stretch the
/// game.
pub fn next_step(
    s: &Stored,
    clock: &MatchClock,
    players: usize,
    answered_current: usize,
    now: DateTime<Utc>,
) -> Option<Step> {
    match phase(s, clock, now) {
        Phase::Waiting { until } if now >= until => Some(Step::Abandon),
        Phase::Question { index, deadline } => {
            let all_in = players > 0 && answered_current >= players;
            if !all_in && now < deadline {
                return None;
            }
            if index + 1 >= clock.questions {
                return Some(Step::Finish { from: index });
            }
            Some(Step::Advance {
                from: index,
                at: if all_in { now.min(deadline) } else { deadline },
            })
        }
        _ => None,
    }
}

/// Whether an answer to question `index` arriving at `now` counts: it must be the open question
/// and in its time.
pub fn accepts(s: &Stored, clock: &MatchClock, index: usize, now: DateTime<Utc>) -> bool {
    matches!(phase(s, clock, now), Phase::Question { index: i, deadline } if i == index && now < deadline)
}

/// Points on the match scoreboard for one answer: 0 when wrong; when right, 10 plus one for
/// every whole second still left on the clock, so the quicker of two right answers wins.
pub fn answer_score(correct: bool, elapsed_ms: i64, clock: &MatchClock) -> i64 {
    if !correct {
        return 0;
    }
    let left_ms = (clock.question_seconds * 1000 - elapsed_ms.max(0)).max(0);
    10 + left_ms / 1000
}

/// One player's totals for ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub score: i64,
    /// Milliseconds spent on the answers that were right; less is better on a tied score.
    pub right_ms: i64,
}

/// Competition ranking ("1224"): higher score first, then less time on right answers; players
/// tied on both share a place.
pub fn ranks(tallies: &[Tally]) -> Vec<usize> {
    tallies
        .iter()
        .map(|t| {
            1 + tallies
                .iter()
                .filter(|o| o.score > t.score || (o.score == t.score && o.right_ms < t.right_ms))
                .count()
        })
        .collect()
}

/// The points-table activity a finished match earns for a player in `rank`: the winners (all
/// who share first place) `match_win`, the rest `match_loss`.
pub fn activity(rank: usize) -> &'static str {
    if rank == 1 { "match_win" } else { "match_loss" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + secs, 0)
            .single()
            .unwrap_or_default()
    }

    fn playing(current: usize, opened: i64) -> Stored {
        Stored {
            status: Status::Playing,
            created_at: t(-100),
            current,
            current_opened_at: Some(t(opened)),
        }
    }

    #[test]
    fn a_full_room_counts_down_then_opens_the_first_question() {
        let c = MatchClock::default();
        let s = playing(0, 3);
        assert_eq!(phase(&s, &c, t(2)), Phase::Countdown { until: t(3) });
        assert_eq!(
            phase(&s, &c, t(3)),
            Phase::Question {
                index: 0,
                deadline: t(18)
            }
        );
        assert_eq!(next_step(&s, &c, 2, 0, t(2)), None);
    }

    #[test]
    fn a_question_closes_at_its_deadline_not_a_second_before() {
        let c = MatchClock::default();
        let s = playing(1, 0);
        assert_eq!(next_step(&s, &c, 2, 1, t(14)), None);
        assert_eq!(
            next_step(&s, &c, 2, 1, t(15)),
            Some(Step::Advance { from: 1, at: t(15) })
        );
        // Noticed late: the next question still opened at the deadline.
        assert_eq!(
            next_step(&s, &c, 2, 1, t(40)),
            Some(Step::Advance { from: 1, at: t(15) })
        );
        assert!(accepts(&s, &c, 1, t(14)));
        assert!(!accepts(&s, &c, 1, t(15)));
        assert!(!accepts(&s, &c, 0, t(5)), "an earlier question is closed");
        assert!(!accepts(&s, &c, 2, t(5)), "a later one is not open yet");
    }

    #[test]
    fn a_question_closes_early_once_everyone_has_answered() {
        let c = MatchClock::default();
        let s = playing(0, 0);
        assert_eq!(
            next_step(&s, &c, 4, 4, t(6)),
            Some(Step::Advance { from: 0, at: t(6) })
        );
        assert_eq!(next_step(&s, &c, 4, 3, t(6)), None);
    }

    #[test]
    fn the_last_question_finishes_the_match() {
        let c = MatchClock::default();
        let s = playing(4, 0);
        assert_eq!(
            next_step(&s, &c, 2, 2, t(1)),
            Some(Step::Finish { from: 4 })
        );
        assert_eq!(
            next_step(&s, &c, 2, 0, t(15)),
            Some(Step::Finish { from: 4 })
        );
    }

    #[test]
    fn an_empty_room_is_abandoned_when_the_wait_runs_out() {
        let c = MatchClock::default();
        let s = Stored {
            status: Status::Waiting,
            created_at: t(0),
            current: 0,
            current_opened_at: None,
        };
        assert_eq!(next_step(&s, &c, 1, 0, t(59)), None);
        assert_eq!(next_step(&s, &c, 1, 0, t(60)), Some(Step::Abandon));
    }

    #[test]
    fn a_quicker_right_answer_scores_more_and_a_wrong_one_nothing() {
        let c = MatchClock::default();
        assert_eq!(answer_score(true, 0, &c), 25);
        assert_eq!(answer_score(true, 2_500, &c), 22);
        assert_eq!(answer_score(true, 14_999, &c), 10);
        assert_eq!(answer_score(true, 60_000, &c), 10);
        assert_eq!(answer_score(false, 100, &c), 0);
    }

    #[test]
    fn ties_share_a_place_and_time_breaks_a_tied_score() {
        let a = Tally {
            score: 50,
            right_ms: 9_000,
        };
        let b = Tally {
            score: 50,
            right_ms: 7_000,
        };
        let z = Tally {
            score: 10,
            right_ms: 1_000,
        };
        assert_eq!(ranks(&[a, b, z, a]), vec![2, 1, 4, 2]);
        assert_eq!(ranks(&[a, a]), vec![1, 1]);
        assert_eq!(activity(1), "match_win");
        assert_eq!(activity(2), "match_loss");
    }
}
