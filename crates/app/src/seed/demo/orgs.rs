//! The demo's two org trees: 校党委 → 学院党委 → 学生党支部 → 党小组, and 校团委 → 院团委 → 班级团支部.
//!
//! Codes: `P`, `P-01`, `P-01-1`, `P-01-1-2` for the Party; `L`, `L-01`, and for a class the
//! class part of its students' 学号, `L-01210101` (college 01, grade 21, major 01, class 01).

use chrono::NaiveDate;
use redbranch_domain::org::OrgKind;

use super::OrgPlan;
use crate::seed::catalogue::{COLLEGES, GRADES, SCHOOL, chinese_number};
use crate::seed::student::enrolment;

/// A class and its 团支部.
#[derive(Debug, Clone)]
pub(in crate::seed) struct ClassOrg {
    pub college: usize,
    pub major: usize,
    pub grade: i32,
    /// `计科2101班`.
    pub name: String,
    /// The first eight digits of its students' 学号.
    pub no_prefix: String,
    /// Index of its 团支部 in [`OrgTree::orgs`].
    pub org: usize,
}

#[derive(Debug, Clone)]
pub(in crate::seed) struct CollegeOrgs {
    pub party: usize,
    pub league: usize,
    /// The three student Party branches.
    pub branches: [usize; 3],
}

#[derive(Debug, Clone)]
pub(in crate::seed) struct OrgTree {
    pub orgs: Vec<OrgPlan>,
    pub party_root: usize,
    pub league_root: usize,
    pub colleges: Vec<CollegeOrgs>,
    pub classes: Vec<ClassOrg>,
}

impl OrgTree {
    fn add(
        &mut self,
        code: String,
        name: String,
        kind: OrgKind,
        parent: Option<usize>,
        founded_on: NaiveDate,
        sort_order: usize,
    ) -> usize {
        let sort_order = i32::try_from(sort_order).unwrap_or(i32::MAX);
        self.orgs.push(OrgPlan {
            code,
            name,
            kind,
            parent,
            founded_on,
            sort_order,
        });
        self.orgs.len() - 1
    }

    /// The Party branch that cultivates the students of a class.
    pub fn branch_of(&self, class: &ClassOrg) -> usize {
        let b = COLLEGES[class.college].majors[class.major].branch;
        self.colleges[class.college].branches[usize::from(b.clamp(1, 3)) - 1]
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

pub(in crate::seed) fn plan() -> OrgTree {
    let mut t = OrgTree {
        orgs: Vec::new(),
        party_root: 0,
        league_root: 0,
        colleges: Vec::new(),
        classes: Vec::new(),
    };
    t.party_root = t.add(
        "P".into(),
        format!("中共{SCHOOL}委员会"),
        OrgKind::PartyCommittee,
        None,
        ymd(1958, 9, 1),
        0,
    );
    for (ci, c) in COLLEGES.iter().enumerate() {
        let party = t.add(
            format!("P-{}", c.code),
            format!("中共{SCHOOL}{}委员会", c.name),
            OrgKind::PartyCommittee,
            Some(t.party_root),
            ymd(2002, 6, 28),
            ci,
        );
        let mut branches = [0; 3];
        for (bi, slot) in branches.iter_mut().enumerate() {
            let n = chinese_number(bi as u32 + 1);
            let code = format!("P-{}-{}", c.code, bi + 1);
            let name = format!("{}本科生第{n}党支部", c.name);
            let branch = t.add(
                code.clone(),
                name.clone(),
                OrgKind::PartyBranch,
                Some(party),
                ymd(2016, 10, 12),
                bi,
            );
            for gi in 0..2 {
                let g = chinese_number(gi as u32 + 1);
                t.add(
                    format!("{code}-{}", gi + 1),
                    format!("{name}第{g}党小组"),
                    OrgKind::PartyGroup,
                    Some(branch),
                    ymd(2016, 10, 12),
                    gi,
                );
            }
            *slot = branch;
        }
        t.colleges.push(CollegeOrgs {
            party,
            league: 0,
            branches,
        });
    }
    t.league_root = t.add(
        "L".into(),
        format!("共青团{SCHOOL}委员会"),
        OrgKind::LeagueCommittee,
        None,
        ymd(1958, 10, 1),
        1,
    );
    for (ci, c) in COLLEGES.iter().enumerate() {
        let league = t.add(
            format!("L-{}", c.code),
            format!("共青团{SCHOOL}{}委员会", c.name),
            OrgKind::LeagueCommittee,
            Some(t.league_root),
            ymd(2002, 9, 20),
            ci,
        );
        t.colleges[ci].league = league;
        let mut order = 0;
        for (gi, grade) in GRADES.iter().enumerate() {
            let yy = grade % 100;
            for (mi, m) in c.majors.iter().enumerate() {
                for k in 1..=m.classes[gi] {
                    let name = format!("{}{yy:02}{k:02}班", m.abbr);
                    let no_prefix = format!("{}{yy:02}{:02}{k:02}", c.code, mi + 1);
                    let founded = crate::seed::pipeline::plus_days(enrolment(*grade), 20);
                    let org = t.add(
                        format!("L-{no_prefix}"),
                        format!("{name}团支部"),
                        OrgKind::LeagueBranch,
                        Some(league),
                        founded,
                        order,
                    );
                    order += 1;
                    t.classes.push(ClassOrg {
                        college: ci,
                        major: mi,
                        grade: *grade,
                        name,
                        no_prefix,
                        org,
                    });
                }
            }
        }
    }
    t
}
