//! Compliance: the meetings a branch must hold in each period, set against what it held, with
//! the quorum of general meetings checked on the recorded attendance; and the "silent branch"
//! warning. The numbers are a rule table with its sources (RULES §3, §5), not scattered code.

use chrono::{Datelike, NaiveDate};

use super::{LectureFrequency, MeetingKind, MeetingsSettings};
use crate::org::Tree;

pub mod months;

/// The regulations this table follows, for the page footer and the API.
pub const RULES_VERSION: &str = "支部工作条例（试行）2018-10-28 · 中青发〔2017〕5号";

/// How often a requirement recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl Every {
    pub fn code(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::HalfYear => "half_year",
            Self::Year => "year",
        }
    }

    fn months(self) -> u32 {
        match self {
            Self::Month => 1,
            Self::Quarter => 3,
            Self::HalfYear => 6,
            Self::Year => 12,
        }
    }

    fn from_lecture(f: LectureFrequency) -> Option<Self> {
        match f {
            LectureFrequency::Monthly => Some(Self::Month),
            LectureFrequency::Quarterly => Some(Self::Quarter),
            LectureFrequency::HalfYearly => Some(Self::HalfYear),
            LectureFrequency::Yearly => Some(Self::Year),
            LectureFrequency::None => None,
        }
    }
}

/// One line of the rule table: at least one meeting of `kind` every `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    pub kind: MeetingKind,
    pub every: Every,
    /// Where the rule comes from, shown beside a missed meeting.
    pub source: &'static str,
}

const PARTY_RULE: &str = "《中国共产党支部工作条例（试行）》第十九条";
const LEAGUE_RULE: &str = "三会两制一课（中青发〔2017〕5号）";

/// What a branch of `tree` must hold, with the school's lecture frequency.
pub fn requirements(tree: Tree, s: &MeetingsSettings) -> Vec<Requirement> {
    let req = |kind, every, source| Requirement {
        kind,
        every,
        source,
    };
    let mut out = match tree {
        // RULES §3: 支部党员大会 quarterly, 支委会 and 党小组会 monthly, 主题党日 a fixed day a
        // month, 组织生活会 yearly.
        Tree::Party => vec![
            req(MeetingKind::BranchGeneral, Every::Quarter, PARTY_RULE),
            req(MeetingKind::BranchCommittee, Every::Month, PARTY_RULE),
            req(MeetingKind::PartyGroup, Every::Month, PARTY_RULE),
            req(MeetingKind::ThemePartyDay, Every::Month, PARTY_RULE),
            req(MeetingKind::OrgLife, Every::Year, PARTY_RULE),
        ],
        // RULES §5: 支部大会 quarterly, 支委会 monthly, 团小组会 monthly.
        Tree::League => vec![
            req(MeetingKind::LeagueGeneral, Every::Quarter, LEAGUE_RULE),
            req(MeetingKind::LeagueCommittee, Every::Month, LEAGUE_RULE),
            req(MeetingKind::LeagueGroup, Every::Month, LEAGUE_RULE),
        ],
    };
    // 党课/团课: no national branch frequency (RULES §3), so the school's setting.
    let (kind, freq) = match tree {
        Tree::Party => (MeetingKind::PartyLecture, s.party_lecture),
        Tree::League => (MeetingKind::LeagueLecture, s.league_lecture),
    };
    if let Some(every) = Every::from_lecture(freq) {
        out.push(req(kind, every, "学校设置（RULES §3：党课频次由学校规定）"));
    }
    out
}

/// A general meeting decides only with more than half of its members there (《中国共产党支部
/// 工作条例（试行）》第十四条; League 支部大会 likewise, RULES §5). `expected` is who was invited.
pub fn quorum_met(attended: u32, expected: u32) -> bool {
    expected > 0 && u64::from(attended) * 2 > u64::from(expected)
}

/// One meeting that was held, as compliance sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub kind: MeetingKind,
    pub on: NaiveDate,
    pub attended: u32,
    pub expected: u32,
}

impl Held {
    /// Whether it counts: held, and quorate if its kind needs a quorum.
    pub fn counts(&self) -> bool {
        !self.kind.needs_quorum() || quorum_met(self.attended, self.expected)
    }
}

/// Where one period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotState {
    /// Held (and quorate where needed).
    Met,
    /// Held, but the attendance did not reach the quorum.
    NoQuorum,
    /// The period is over and nothing counting was held.
    Missed,
    /// The period is under way and nothing counting held yet.
    Open,
    /// The period has not begun.
    Future,
}

impl SlotState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::NoQuorum => "no_quorum",
            Self::Missed => "missed",
            Self::Open => "open",
            Self::Future => "future",
        }
    }
}

/// One period of one requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// `2026-03`, `2026-Q1`, `2026-H1` or `2026`.
    pub label: String,
    pub state: SlotState,
    /// Meetings of the kind held in the period (counting or not).
    pub held: u32,
}

/// Counts that add up the tree: periods due, met, missed, held without quorum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub due: u32,
    pub met: u32,
    pub missed: u32,
    pub no_quorum: u32,
}

impl Tally {
    pub fn add(&mut self, o: Tally) {
        self.due += o.due;
        self.met += o.met;
        self.missed += o.missed;
        self.no_quorum += o.no_quorum;
    }

    /// Met as a whole percentage of due; `None` when nothing was due yet.
    pub fn percent(&self) -> Option<u32> {
        (self.due > 0).then(|| self.met * 100 / self.due)
    }
}

/// One requirement over a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindCompliance {
    pub requirement: Requirement,
    pub slots: Vec<Slot>,
    pub tally: Tally,
}

fn label(year: i32, every: Every, index: u32) -> String {
    match every {
        Every::Month => format!("{year}-{:02}", index + 1),
        Every::Quarter => format!("{year}-Q{}", index + 1),
        Every::HalfYear => format!("{year}-H{}", index + 1),
        Every::Year => format!("{year}"),
    }
}

/// First and last day of period `index` of `year`.
fn bounds(year: i32, every: Every, index: u32) -> Option<(NaiveDate, NaiveDate)> {
    let m = every.months();
    let start = NaiveDate::from_ymd_opt(year, index * m + 1, 1)?;
    let next = start.checked_add_months(chrono::Months::new(m))?;
    Some((start, next.pred_opt()?))
}

/// Meetings of `r.kind` per period of `year`: (held, counting), in one pass over `held`.
fn per_period(year: i32, r: &Requirement, held: &[Held]) -> Vec<(u32, u32)> {
    let months = r.every.months();
    let mut out = vec![(0u32, 0u32); (12 / months) as usize];
    for h in held
        .iter()
        .filter(|h| h.kind == r.kind && h.on.year() == year)
    {
        if let Some(p) = out.get_mut(((h.on.month() - 1) / months) as usize) {
            p.0 += 1;
            p.1 += u32::from(h.counts());
        }
    }
    out
}

/// Where period `i` of `r` stands on `today`, given what was held in it.
fn state_of(
    year: i32,
    today: NaiveDate,
    r: &Requirement,
    i: u32,
    (count, counting): (u32, u32),
) -> SlotState {
    let Some((start, end)) = bounds(year, r.every, i) else {
        return SlotState::Future;
    };
    let over = end < today;
    if counting > 0 {
        SlotState::Met
    } else if count > 0 && over {
        SlotState::NoQuorum
    } else if over {
        SlotState::Missed
    } else if start <= today {
        SlotState::Open
    } else {
        SlotState::Future
    }
}

impl Tally {
    fn count(&mut self, state: SlotState) {
        match state {
            SlotState::Met => self.met += 1,
            SlotState::NoQuorum => self.no_quorum += 1,
            SlotState::Missed => self.missed += 1,
            SlotState::Open | SlotState::Future => return,
        }
        self.due += 1;
    }
}

/// How each requirement stands for `year`, on `today`, given what was held that year. A
/// period counts as due once it is over, or earlier if it is already met.
pub fn evaluate(
    year: i32,
    today: NaiveDate,
    reqs: &[Requirement],
    held: &[Held],
) -> Vec<KindCompliance> {
    reqs.iter()
        .map(|r| {
            let mut tally = Tally::default();
            let slots = (0u32..)
                .zip(per_period(year, r, held))
                .map(|(i, p)| {
                    let state = state_of(year, today, r, i, p);
                    tally.count(state);
                    Slot {
                        label: label(year, r.every, i),
                        state,
                        held: p.0,
                    }
                })
                .collect();
            KindCompliance {
                requirement: *r,
                slots,
                tally,
            }
        })
        .collect()
}

/// The totals of [`evaluate`] alone, without building the periods (for roll-ups of many
/// branches).
pub fn tally(year: i32, today: NaiveDate, reqs: &[Requirement], held: &[Held]) -> Tally {
    let mut t = Tally::default();
    for r in reqs {
        for (i, p) in (0u32..).zip(per_period(year, r, held)) {
            t.count(state_of(year, today, r, i, p));
        }
    }
    t
}

/// A branch is "silent" when it has held nothing for more than `days` days (by default 30, a
/// school setting), or has never held anything.
pub fn is_silent(last_held: Option<NaiveDate>, today: NaiveDate, days: u32) -> bool {
    match last_held {
        None => true,
        Some(d) => (today - d).num_days() > i64::from(days),
    }
}

/// The year a date falls in (for the default period of the compliance view).
pub fn year_of(d: NaiveDate) -> i32 {
    d.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn held(kind: MeetingKind, on: NaiveDate, attended: u32, expected: u32) -> Held {
        Held {
            kind,
            on,
            attended,
            expected,
        }
    }

    #[test]
    fn quorum_is_more_than_half_so_exactly_half_is_not_enough() {
        assert!(!quorum_met(5, 10));
        assert!(quorum_met(6, 10));
        assert!(quorum_met(4, 7));
        assert!(!quorum_met(3, 7));
        assert!(!quorum_met(0, 0));
    }

    #[test]
    fn a_month_is_due_once_it_is_over_or_already_met() {
        let reqs = [Requirement {
            kind: MeetingKind::BranchCommittee,
            every: Every::Month,
            source: PARTY_RULE,
        }];
        let h = [
            held(MeetingKind::BranchCommittee, d(2026, 1, 31), 3, 5),
            held(MeetingKind::BranchCommittee, d(2026, 3, 1), 3, 5),
        ];
        // On 2026-03-15: January met, February missed, March met early, April on in the future.
        let r = &evaluate(2026, d(2026, 3, 15), &reqs, &h)[0];
        let states: Vec<_> = r.slots.iter().take(4).map(|s| s.state).collect();
        assert_eq!(
            states,
            [
                SlotState::Met,
                SlotState::Missed,
                SlotState::Met,
                SlotState::Future
            ]
        );
        assert_eq!(
            r.tally,
            Tally {
                due: 3,
                met: 2,
                missed: 1,
                no_quorum: 0
            }
        );
        // On the last day of February the month is still open; the day after, it is missed.
        let r = &evaluate(2026, d(2026, 2, 28), &reqs, &h)[0];
        assert_eq!(r.slots[1].state, SlotState::Open);
        let r = &evaluate(2026, d(2026, 3, 1), &reqs, &h)[0];
        assert_eq!(r.slots[1].state, SlotState::Missed);
    }

    #[test]
    fn a_general_meeting_without_quorum_does_not_count() {
        let reqs = [Requirement {
            kind: MeetingKind::BranchGeneral,
            every: Every::Quarter,
            source: PARTY_RULE,
        }];
        let h = [
            held(MeetingKind::BranchGeneral, d(2026, 2, 10), 5, 10),
            held(MeetingKind::BranchGeneral, d(2026, 5, 10), 6, 10),
        ];
        let r = &evaluate(2026, d(2026, 12, 31), &reqs, &h)[0];
        let states: Vec<_> = r.slots.iter().map(|s| s.state).collect();
        assert_eq!(
            states,
            [
                SlotState::NoQuorum,
                SlotState::Met,
                SlotState::Missed,
                SlotState::Open
            ]
        );
        assert_eq!(
            r.tally,
            Tally {
                due: 3,
                met: 1,
                missed: 1,
                no_quorum: 1
            }
        );
        assert_eq!(r.slots[0].label, "2026-Q1");
    }

    #[test]
    fn the_lecture_follows_the_school_setting() {
        let mut s = MeetingsSettings::default();
        let has = |s: &MeetingsSettings, tree| {
            requirements(tree, s)
                .iter()
                .find(|r| {
                    matches!(
                        r.kind,
                        MeetingKind::PartyLecture | MeetingKind::LeagueLecture
                    )
                })
                .map(|r| r.every)
        };
        assert_eq!(has(&s, Tree::Party), Some(Every::Quarter));
        s.party_lecture = LectureFrequency::HalfYearly;
        assert_eq!(has(&s, Tree::Party), Some(Every::HalfYear));
        s.party_lecture = LectureFrequency::None;
        assert_eq!(has(&s, Tree::Party), None);
        assert_eq!(has(&s, Tree::League), Some(Every::Quarter));
        assert!(
            requirements(Tree::League, &s)
                .iter()
                .all(|r| r.kind.tree() == Tree::League)
        );
    }

    #[test]
    fn the_tally_alone_equals_the_sum_of_the_periods() {
        let reqs = requirements(Tree::Party, &MeetingsSettings::default());
        let h = [
            held(MeetingKind::BranchGeneral, d(2026, 2, 10), 5, 10),
            held(MeetingKind::BranchCommittee, d(2026, 1, 5), 3, 5),
            held(MeetingKind::PartyLecture, d(2026, 6, 30), 3, 5),
        ];
        let today = d(2026, 7, 1);
        let mut sum = Tally::default();
        for k in evaluate(2026, today, &reqs, &h) {
            sum.add(k.tally);
        }
        assert_eq!(tally(2026, today, &reqs, &h), sum);
    }

    #[test]
    fn silent_after_more_than_the_configured_days() {
        let today = d(2026, 3, 31);
        assert!(!is_silent(Some(d(2026, 3, 1)), today, 30));
        assert!(is_silent(Some(d(2026, 2, 28)), today, 30));
        assert!(is_silent(None, today, 30));
        assert!(!is_silent(Some(d(2026, 2, 28)), today, 31));
    }

    #[test]
    fn tallies_add_up_and_give_a_percentage() {
        let mut t = Tally {
            due: 3,
            met: 2,
            missed: 1,
            no_quorum: 0,
        };
        t.add(Tally {
            due: 1,
            met: 1,
            missed: 0,
            no_quorum: 0,
        });
        assert_eq!(t.percent(), Some(75));
        assert_eq!(Tally::default().percent(), None);
    }
}
