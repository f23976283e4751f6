//! Elections and votes (换届选举 and other votes of a branch): who may vote, what a valid ballot
//! is, turnout, quorum and who is elected. The secret-ballot arithmetic is in [`ballot`];
//! ADR 0007 explains how the two fit.

pub mod ballot;

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::FieldError;

/// Where an election is in its life. Voting happens only while `Open` and within its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Created; candidates and roll fixed, nobody can vote yet.
    Draft,
    Open,
    /// Voting ended; ballots are published, not yet counted officially.
    Closed,
    /// Counted; the result is under 公示 until `publicity_until`.
    Tallied,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Closed => "closed",
            Self::Tallied => "tallied",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [Self::Draft, Self::Open, Self::Closed, Self::Tallied]
            .into_iter()
            .find(|x| x.code() == s)
    }
    pub fn key(self) -> String {
        format!("elections.status.{}", self.code())
    }
}

/// How many must vote for the vote to be valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quorum {
    /// More than half of those entitled to vote: the 支部党员大会 quorum, RULES.md §3
    /// (《中国共产党支部工作条例（试行）》) and the League's 支部大会, RULES.md §5.
    Half,
    /// More than four fifths: 《中国共产党基层组织选举工作条例》(2020) for 换届 elections, when
    /// the school chooses the stricter rule.
    FourFifths,
}

impl Quorum {
    pub fn code(self) -> &'static str {
        match self {
            Self::Half => "half",
            Self::FourFifths => "four_fifths",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [Self::Half, Self::FourFifths]
            .into_iter()
            .find(|x| x.code() == s)
    }
    pub fn key(self) -> String {
        format!("elections.quorum.{}", self.code())
    }
}

/// Is the vote valid? `cast` ballots of `eligible` voters; strictly more than the fraction.
/// RULES.md §3 (支部党员大会: > ½ of members with voting rights), §5 (团支部大会 > ½).
pub fn quorum_met(rule: Quorum, cast: u64, eligible: u64) -> bool {
    match rule {
        Quorum::Half => cast * 2 > eligible,
        Quorum::FourFifths => cast * 5 > eligible * 4,
    }
}

/// Turnout in per mille (rounded down), for display as 66.6 %.
pub fn turnout_permille(cast: u64, eligible: u64) -> u64 {
    (cast * 1000).checked_div(eligible).unwrap_or(0)
}

/// The outcome for one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Elected,
    /// Enough votes, but tied with another at the last seat: a further round decides.
    Tied,
    NotElected,
}

/// Who is elected: a candidate needs yes votes from more than half of the ballots cast
/// (RULES.md §1/§5: passes with yes > ½; 《中国共产党基层组织选举工作条例》: 赞成票超过实到会有选举权
/// 的人数的一半，始得当选), and then the `seats` with most votes win. Candidates tied across the
/// last seat are all `Tied`. Nobody is elected when the quorum failed.
pub fn outcomes(votes: &[u64], cast: u64, seats: u64, quorum: bool) -> Vec<Outcome> {
    let passes = |v: u64| quorum && v * 2 > cast;
    let mut ranked: Vec<u64> = votes.iter().copied().filter(|v| passes(*v)).collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    let seats = usize::try_from(seats).unwrap_or(usize::MAX);
    // The vote count of the last seat and of the first candidate beyond it.
    let last = ranked.get(seats.saturating_sub(1)).copied();
    let beyond = ranked.get(seats).copied();
    votes
        .iter()
        .map(|v| {
            if !passes(*v) || seats == 0 {
                Outcome::NotElected
            } else if ranked.len() <= seats {
                Outcome::Elected
            } else if beyond == Some(*v) {
                Outcome::Tied
            } else if last.is_some_and(|l| *v >= l) {
                Outcome::Elected
            } else {
                Outcome::NotElected
            }
        })
        .collect()
}

/// A ballot's choices: distinct candidate positions (0-based), at most `seats` of them.
/// An empty ballot is valid (it counts for turnout and for nobody: 弃权).
pub fn check_choices(choices: &[u32], candidates: u32, seats: u32) -> Result<(), FieldError> {
    if choices.iter().any(|c| *c >= candidates) {
        return Err(FieldError::new(
            "field.ballot_choices",
            "elections.error.unknown_candidate",
        ));
    }
    let mut sorted = choices.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != choices.len() {
        return Err(FieldError::new(
            "field.ballot_choices",
            "elections.error.duplicate_choice",
        ));
    }
    if choices.len() > seats as usize {
        return Err(
            FieldError::new("field.ballot_choices", "elections.error.too_many_choices")
                .with("seats", seats),
        );
    }
    Ok(())
}

/// Is `today` inside the voting window `[opens, closes]` (both days included)?
pub fn in_window(today: NaiveDate, opens: NaiveDate, closes: NaiveDate) -> bool {
    opens <= today && today <= closes
}

/// The last day of the 公示 that starts on the day of the tally: `days` days including that day
/// (RULES.md §1 uses 5–7 day 公示 as school practice; the election sets its own).
pub fn publicity_until(tallied: NaiveDate, days: u32) -> NaiveDate {
    tallied + chrono::Duration::days(i64::from(days.max(1)) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Outcome::*;

    #[test]
    fn quorum_is_strictly_more_than_half() {
        assert!(!quorum_met(Quorum::Half, 2, 4));
        assert!(quorum_met(Quorum::Half, 3, 4));
        assert!(quorum_met(Quorum::Half, 2, 3));
        assert!(!quorum_met(Quorum::Half, 1, 3));
        assert!(!quorum_met(Quorum::Half, 0, 0));
    }

    #[test]
    fn the_stricter_quorum_needs_more_than_four_fifths() {
        assert!(!quorum_met(Quorum::FourFifths, 4, 5));
        assert!(quorum_met(Quorum::FourFifths, 5, 5));
        assert!(quorum_met(Quorum::FourFifths, 9, 10));
        assert!(!quorum_met(Quorum::FourFifths, 8, 10));
    }

    #[test]
    fn a_candidate_needs_more_than_half_of_the_ballots() {
        // 4 ballots: 2 is exactly half and not enough, 3 is.
        assert_eq!(outcomes(&[3, 2], 4, 2, true), vec![Elected, NotElected]);
        assert_eq!(outcomes(&[3, 3], 5, 1, true), vec![Tied, Tied]);
        assert_eq!(outcomes(&[4, 3, 3], 5, 2, true), vec![Elected, Tied, Tied]);
        assert_eq!(
            outcomes(&[4, 3, 1], 5, 2, true),
            vec![Elected, Elected, NotElected]
        );
    }

    #[test]
    fn nobody_is_elected_without_a_quorum() {
        assert_eq!(outcomes(&[5], 5, 1, false), vec![NotElected]);
    }

    #[test]
    fn choices_are_distinct_known_and_within_the_seats() {
        assert!(check_choices(&[], 3, 1).is_ok());
        assert!(check_choices(&[0, 2], 3, 2).is_ok());
        assert!(check_choices(&[0, 2], 3, 1).is_err());
        assert!(check_choices(&[3], 3, 1).is_err());
        assert!(check_choices(&[1, 1], 3, 2).is_err());
    }

    #[test]
    fn the_window_includes_its_first_and_last_day() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let (o, c) = (d("2026-11-20"), d("2026-11-22"));
        assert!(!in_window(d("2026-11-19"), o, c));
        assert!(in_window(d("2026-11-20"), o, c));
        assert!(in_window(d("2026-11-22"), o, c));
        assert!(!in_window(d("2026-11-23"), o, c));
        assert_eq!(publicity_until(d("2026-11-22"), 5), d("2026-11-26"));
        assert_eq!(turnout_permille(2, 3), 666);
    }
}
