//! 段位 (levels) from lifetime points and milestone badges. Both are derived from the lifetime
//! total on read, so they can never disagree with the ledger.

use serde::Serialize;

/// A level: its code (a catalogue key under `points.level.`) and the lifetime points it starts at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Level {
    pub code: &'static str,
    pub from: i64,
}

/// The ladder, lowest first. The thresholds roughly double so that a member earning the daily
/// maximum of 56 climbs one level in the first weeks and the top after about two and a half years.
pub const LEVELS: [Level; 6] = [
    Level {
        code: "bronze",
        from: 0,
    },
    Level {
        code: "silver",
        from: 300,
    },
    Level {
        code: "gold",
        from: 1_500,
    },
    Level {
        code: "platinum",
        from: 5_000,
    },
    Level {
        code: "diamond",
        from: 15_000,
    },
    Level {
        code: "king",
        from: 50_000,
    },
];

/// The level held with `lifetime` points, and the next one with the points still missing.
pub fn level_of(lifetime: i64) -> (Level, Option<(Level, i64)>) {
    let idx = LEVELS.iter().rposition(|l| lifetime >= l.from).unwrap_or(0);
    let next = LEVELS.get(idx + 1).map(|n| (*n, n.from - lifetime));
    (LEVELS[idx], next)
}

/// Milestone badges: (code, lifetime points needed).
pub const BADGES: [(&str, i64); 5] = [
    ("first_points", 1),
    ("hundred", 100),
    ("thousand", 1_000),
    ("ten_thousand", 10_000),
    ("hundred_thousand", 100_000),
];

/// The badges earned with `lifetime` points, in order.
pub fn badges_of(lifetime: i64) -> Vec<&'static str> {
    BADGES
        .iter()
        .filter(|(_, need)| lifetime >= *need)
        .map(|(code, _)| *code)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_change_exactly_at_the_threshold() {
        assert_eq!(level_of(0).0.code, "bronze");
        assert_eq!(level_of(299).0.code, "bronze");
        assert_eq!(level_of(300).0.code, "silver");
        assert_eq!(
            level_of(299).1.map(|(l, left)| (l.code, left)),
            Some(("silver", 1))
        );
        assert_eq!(level_of(50_000).0.code, "king");
        assert!(level_of(50_000).1.is_none());
    }

    #[test]
    fn badges_come_at_their_milestones() {
        assert!(badges_of(0).is_empty());
        assert_eq!(badges_of(1), vec!["first_points"]);
        assert_eq!(badges_of(99), vec!["first_points"]);
        assert_eq!(badges_of(100), vec!["first_points", "hundred"]);
    }
}
