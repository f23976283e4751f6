//! The roll-up of many branches from the months in which each kind was held, not from the
//! meetings themselves.
//!
//! A period's state (see [`super::evaluate`]) depends only on whether *any* meeting of the kind
//! was held in it and whether *any* of them counts. So per kind two sets of months — held, and
//! held quorate — are all the totals need, and the database can hand them over grouped: a
//! school of 1,000 branches reads a few thousand rows instead of the year's ~37,000 meetings
//! (docs/BENCHMARKS.md). [`tally_months`] gives exactly what [`super::tally`] gives; the test
//! below checks that on random years of meetings.

use chrono::{Datelike, NaiveDate};

use super::{Requirement, Tally, quorum_met, state_of};
use crate::meetings::MeetingKind;

/// Bit of `on`'s month in a [`HeldMonths`] mask: bit 0 is January.
pub fn month_bit(on: NaiveDate) -> u16 {
    1 << on.month0()
}

/// The months of one year in which meetings of one kind were held, as bits (bit 0 = January).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeldMonths {
    /// Months with at least one meeting held.
    pub held: u16,
    /// Months with at least one meeting whose attendance met the quorum ([`quorum_met`]).
    pub quorate: u16,
}

impl HeldMonths {
    /// Adds the months of another org of the same branch (a 党小组's meetings are its branch's).
    pub fn merge(&mut self, o: HeldMonths) {
        self.held |= o.held;
        self.quorate |= o.quorate;
    }

    /// The months with a meeting that counts for `kind`: quorate ones where a quorum is needed.
    fn counting(self, kind: MeetingKind) -> u16 {
        if kind.needs_quorum() {
            self.quorate
        } else {
            self.held
        }
    }
}

/// A branch's [`HeldMonths`] for every kind of meeting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindMonths([HeldMonths; MeetingKind::ALL.len()]);

fn index(kind: MeetingKind) -> usize {
    MeetingKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or_default()
}

impl KindMonths {
    pub fn get(&self, kind: MeetingKind) -> HeldMonths {
        self.0[index(kind)]
    }

    pub fn add(&mut self, kind: MeetingKind, m: HeldMonths) {
        self.0[index(kind)].merge(m);
    }

    /// The months of `year` in `held` (what the grouped read returns, computed in memory).
    pub fn of(year: i32, held: &[super::Held]) -> Self {
        let mut out = Self::default();
        for h in held.iter().filter(|h| h.on.year() == year) {
            let bit = month_bit(h.on);
            out.add(
                h.kind,
                HeldMonths {
                    held: bit,
                    quorate: if quorum_met(h.attended, h.expected) {
                        bit
                    } else {
                        0
                    },
                },
            );
        }
        out
    }
}

/// The totals of [`super::evaluate`] for `year` on `today`, from the months held: equal to
/// [`super::tally`] of the same meetings.
pub fn tally_months(year: i32, today: NaiveDate, reqs: &[Requirement], m: &KindMonths) -> Tally {
    let mut t = Tally::default();
    for r in reqs {
        let hm = m.get(r.kind);
        let counting = hm.counting(r.kind);
        let width = r.every.months();
        let period: u16 = (1 << width) - 1;
        for i in 0..12 / width {
            let mask = period << (i * width);
            let p = (
                u32::from(hm.held & mask != 0),
                u32::from(counting & mask != 0),
            );
            t.count(state_of(year, today, r, i, p));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::super::{Held, LectureFrequency, MeetingsSettings, requirements, tally};
    use super::*;
    use crate::org::Tree;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn months_are_bits_from_january() {
        assert_eq!(month_bit(d(2026, 1, 1)), 1);
        assert_eq!(month_bit(d(2026, 12, 31)), 1 << 11);
        let m = KindMonths::of(
            2026,
            &[
                Held {
                    kind: MeetingKind::BranchGeneral,
                    on: d(2026, 2, 28),
                    attended: 5,
                    expected: 10,
                },
                Held {
                    kind: MeetingKind::BranchGeneral,
                    on: d(2026, 3, 1),
                    attended: 6,
                    expected: 10,
                },
                // Another year is not this year's.
                Held {
                    kind: MeetingKind::BranchGeneral,
                    on: d(2025, 12, 31),
                    attended: 6,
                    expected: 10,
                },
            ],
        );
        assert_eq!(
            m.get(MeetingKind::BranchGeneral),
            HeldMonths {
                held: 0b110,
                quorate: 0b100
            }
        );
        assert_eq!(m.get(MeetingKind::OrgLife), HeldMonths::default());
    }

    /// The old computation (every meeting) and the new one (months held) agree on random years
    /// of meetings of every kind — month and quarter edges, exactly half present, nobody
    /// invited, other years — for every day of the year and the days around it, and every
    /// lecture frequency.
    #[test]
    fn months_give_the_same_totals_as_every_meeting() {
        let mut rng = StdRng::seed_from_u64(4);
        let freqs = [
            LectureFrequency::Monthly,
            LectureFrequency::Quarterly,
            LectureFrequency::HalfYearly,
            LectureFrequency::Yearly,
            LectureFrequency::None,
        ];
        for round in 0..200 {
            let year = 2026;
            let n = rng.gen_range(0..40);
            let held: Vec<Held> = (0..n)
                .map(|_| {
                    let on = if rng.gen_bool(0.3) {
                        // A first or last day of a month, or a neighbouring year.
                        let m = rng.gen_range(1..=12);
                        match rng.gen_range(0..3) {
                            0 => d(year, m, 1),
                            1 => d(year, m, 1)
                                .checked_add_months(chrono::Months::new(1))
                                .and_then(|x| x.pred_opt())
                                .unwrap_or_default(),
                            _ => d(year + rng.gen_range(-1..=1), m, 15),
                        }
                    } else {
                        d(year, 1, 1) + chrono::Duration::days(rng.gen_range(0..365))
                    };
                    let expected = rng.gen_range(0..12);
                    let attended = match rng.gen_range(0..3) {
                        0 => expected / 2,
                        1 => expected / 2 + 1,
                        _ => rng.gen_range(0..=expected),
                    };
                    Held {
                        kind: MeetingKind::ALL[rng.gen_range(0..MeetingKind::ALL.len())],
                        on,
                        attended,
                        expected,
                    }
                })
                .collect();
            let s = MeetingsSettings {
                party_lecture: freqs[round % freqs.len()],
                league_lecture: freqs[(round / 5) % freqs.len()],
                ..MeetingsSettings::default()
            };
            let months = KindMonths::of(year, &held);
            for tree in [Tree::Party, Tree::League] {
                let reqs = requirements(tree, &s);
                let mut today = d(year - 1, 12, 30);
                while today <= d(year + 1, 1, 2) {
                    assert_eq!(
                        tally_months(year, today, &reqs, &months),
                        tally(year, today, &reqs, &held),
                        "round {round}, {tree:?}, {today}: {held:?}"
                    );
                    today = today.succ_opt().unwrap_or(today);
                }
            }
        }
    }
}
