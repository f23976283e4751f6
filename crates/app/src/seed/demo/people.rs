//! The demo's 3,000 students: class sizes, 学号, and enough 正式党员 in every Party branch.

use rand::Rng;
use rand::seq::SliceRandom;
use redbranch_db::people::PersonData;
use redbranch_domain::people::{IdCardNo, PersonName, PhoneNo, PoliticalStatus, StudentNo};

use super::PersonPlan;
use super::orgs::OrgTree;
use crate::seed::catalogue::COLLEGES;
use crate::seed::student::{Student, enrolment, seniority, student};

/// Students in the demo school.
pub(in crate::seed) const STUDENTS: usize = 3000;

/// 《中国共产党支部工作条例（试行）》第九条: a branch with at least seven 正式党员 has a 支部委员会
/// (书记, 组织委员, 宣传委员…). Every demo branch gets that many so its committee is lawful.
pub(in crate::seed) const MIN_FULL_MEMBERS: usize = 7;

/// A student and where they study.
#[derive(Debug, Clone)]
pub(super) struct Planned {
    pub s: Student,
    /// 学号: college(2) + grade(2) + major(2) + class(2) + seat(2), as the fixtures' roster.
    pub no: String,
    /// Index into [`OrgTree::classes`].
    pub class: usize,
}

/// Class sizes between 16 and 32 that add up to exactly [`STUDENTS`].
fn class_sizes(rng: &mut impl Rng, classes: usize) -> Vec<usize> {
    let mut sizes: Vec<usize> = (0..classes).map(|_| rng.gen_range(18..=28)).collect();
    let mut total: usize = sizes.iter().sum();
    while total != STUDENTS && classes > 0 {
        let i = rng.gen_range(0..classes);
        if total < STUDENTS && sizes[i] < 32 {
            sizes[i] += 1;
            total += 1;
        } else if total > STUDENTS && sizes[i] > 16 {
            sizes[i] -= 1;
            total -= 1;
        }
    }
    sizes
}

pub(super) fn plan(rng: &mut impl Rng, tree: &OrgTree) -> Vec<Planned> {
    let sizes = class_sizes(rng, tree.classes.len());
    let mut out = Vec::with_capacity(STUDENTS);
    for (ci, (class, size)) in tree.classes.iter().zip(sizes).enumerate() {
        let female_pct = COLLEGES[class.college].female_pct;
        for seat in 1..=size {
            out.push(Planned {
                s: student(rng, class.grade, female_pct),
                no: format!("{}{seat:02}", class.no_prefix),
                class: ci,
            });
        }
    }
    out
}

/// Promotes senior 共青团员 to 正式党员 in branches that have fewer than [`MIN_FULL_MEMBERS`].
pub(super) fn top_up(rng: &mut impl Rng, tree: &OrgTree, people: &mut [Planned]) {
    let branches: Vec<usize> = tree.colleges.iter().flat_map(|c| c.branches).collect();
    for branch in branches {
        let in_branch: Vec<usize> = (0..people.len())
            .filter(|i| tree.branch_of(&tree.classes[people[*i].class]) == branch)
            .collect();
        let mut full = in_branch
            .iter()
            .filter(|i| people[**i].s.status == PoliticalStatus::PartyMember)
            .count();
        let mut candidates: Vec<usize> = in_branch
            .into_iter()
            .filter(|i| {
                people[*i].s.status == PoliticalStatus::LeagueMember
                    && seniority(tree.classes[people[*i].class].grade) >= 2
            })
            .collect();
        candidates.shuffle(rng);
        for i in candidates {
            if full >= MIN_FULL_MEMBERS {
                break;
            }
            if people[i].s.promote_to_party_member(rng) {
                full += 1;
            }
        }
    }
}

/// The person record and memberships of a planned student.
pub(super) fn to_person(p: &Planned, tree: &OrgTree) -> anyhow::Result<PersonPlan> {
    let class = &tree.classes[p.class];
    let college = &COLLEGES[class.college];
    let s = &p.s;
    let data = PersonData {
        student_no: StudentNo::parse(&p.no)?,
        name: PersonName::parse(&s.name)?,
        gender: Some(s.gender),
        ethnicity: Some(s.ethnicity.to_string()),
        birth_date: Some(s.life.birth),
        id_card: Some(IdCardNo::parse(&s.id_card)?),
        phone: Some(PhoneNo::parse(&s.phone)?),
        college: Some(college.name.to_string()),
        major: Some(college.majors[class.major].name.to_string()),
        grade: Some(class.grade.to_string()),
        class_name: Some(class.name.clone()),
        political_status: s.status,
        league_joined_on: s.league_joined,
        party_applied_on: s.dates.applied,
        activist_on: s.dates.activist,
        target_on: s.dates.target,
        party_joined_on: s.dates.joined,
        confirmed_on: s.dates.confirmed,
    };
    // League membership from 入学 (the 团组织关系 moves to the class's 团支部 at enrolment);
    // the Party branch tracks a person from the day it receives the application.
    let league = s.in_league().then(|| (class.org, enrolment(class.grade)));
    let party = if s.in_party_branch() {
        s.dates.applied.map(|d| (tree.branch_of(class), d))
    } else {
        None
    };
    Ok(PersonPlan {
        data,
        league,
        party,
    })
}
