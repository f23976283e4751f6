//! Who does what in the demo: three staff administrators, branch committees, and one sign-in
//! per role, each tied to a real person of the demo.

use anyhow::Context;
use rand::Rng;
use rand::seq::SliceRandom;
use redbranch_db::people::PersonData;
use redbranch_domain::authz::Role;
use redbranch_domain::org::PositionTitle;
use redbranch_domain::people::{Gender, IdCardNo, PersonName, PhoneNo, PoliticalStatus, StudentNo};

use super::orgs::OrgTree;
use super::{LoginPlan, PersonPlan, PositionPlan};
use crate::seed::person;
use crate::seed::pipeline::{AS_OF, plus_days, plus_months};
use crate::seed::student::enrolment;

/// The staff behind the administrator logins: 工号, name, gender, birth year, unit.
/// Their own 党组织关系 is in a 教工党支部, which the demo (a student roster) does not model.
const STAFF: [(&str, &str, Gender, i32, &str); 3] = [
    ("20050012", "钱文华", Gender::Male, 1979, "党委组织部"),
    ("20090031", "孙丽萍", Gender::Female, 1983, "计算机学院"),
    ("20150107", "郑凯", Gender::Male, 1988, "计算机学院"),
];

/// The staff as people: 正式党员 whose 发展 dates respect RULES §1 with fixed gaps.
pub(super) fn staff(rng: &mut impl Rng) -> anyhow::Result<Vec<PersonPlan>> {
    STAFF
        .iter()
        .map(|(no, name, gender, year, unit)| {
            let birth = person::day_in(rng, *year);
            let applied = plus_months(birth, 19 * 12 + 3);
            let activist = plus_months(applied, 5);
            let target = plus_months(activist, 13);
            let joined = plus_months(target, 4);
            let data = PersonData {
                student_no: StudentNo::parse(no)?,
                name: PersonName::parse(name)?,
                gender: Some(*gender),
                ethnicity: Some("汉族".into()),
                birth_date: Some(birth),
                id_card: Some(IdCardNo::parse(&person::id_card(rng, birth, *gender))?),
                phone: Some(PhoneNo::parse(&person::phone(rng))?),
                college: Some((*unit).to_string()),
                major: None,
                grade: None,
                class_name: None,
                political_status: PoliticalStatus::PartyMember,
                league_joined_on: Some(plus_months(birth, 14 * 12 + 6)),
                party_applied_on: Some(applied),
                activist_on: Some(activist),
                target_on: Some(target),
                party_joined_on: Some(joined),
                confirmed_on: Some(plus_months(joined, 12)),
            };
            Ok(PersonPlan {
                data,
                league: None,
                party: None,
            })
        })
        .collect()
}

/// 支部委员会 of every Party branch (from its 正式党员: 预备党员 may not be elected, 党章 第七条)
/// and of every 团支部.
pub(super) fn positions(
    rng: &mut impl Rng,
    tree: &OrgTree,
    people: &[PersonPlan],
) -> Vec<PositionPlan> {
    use PositionTitle::*;
    let mut out = Vec::new();
    for branch in tree.colleges.iter().flat_map(|c| c.branches) {
        let mut full: Vec<usize> = (0..people.len())
            .filter(|i| people[*i].party.is_some_and(|(o, _)| o == branch))
            .filter(|i| people[*i].data.political_status == PoliticalStatus::PartyMember)
            .collect();
        full.shuffle(rng);
        full.truncate(3);
        let elected = full
            .iter()
            .filter_map(|i| people[*i].data.confirmed_on)
            .max()
            .map_or(AS_OF, |d| plus_days(d, 14).min(AS_OF));
        for (person, title) in
            full.into_iter()
                .zip([Secretary, OrganisationMember, PropagandaMember])
        {
            out.push(PositionPlan {
                org: branch,
                person,
                title,
                on: elected,
            });
        }
    }
    for class in &tree.classes {
        let mut members: Vec<usize> = (0..people.len())
            .filter(|i| people[*i].league.is_some_and(|(o, _)| o == class.org))
            .collect();
        members.shuffle(rng);
        let elected = plus_days(enrolment(class.grade), 45);
        for (person, title) in members.into_iter().zip([
            Secretary,
            OrganisationMember,
            PropagandaMember,
            CultureSportsMember,
        ]) {
            out.push(PositionPlan {
                org: class.org,
                person,
                title,
                on: elected,
            });
        }
    }
    out
}

fn holder(positions: &[PositionPlan], org: usize, title: PositionTitle) -> anyhow::Result<usize> {
    positions
        .iter()
        .find(|p| p.org == org && p.title == title)
        .map(|p| p.person)
        .context("demo branch has no committee")
}

fn login_for(people: &[PersonPlan], person: usize, role: Role, orgs: Vec<usize>) -> LoginPlan {
    let d = &people[person].data;
    LoginPlan {
        role,
        login: d.student_no.as_str().to_string(),
        display_name: d.name.as_str().to_string(),
        person: Some(person),
        orgs,
    }
}

/// One sign-in per role. The branch roles sit on 计算机学院本科生第一党支部; the member is an
/// 入党积极分子 (and 共青团员) of that college, so that their view shows both trees.
pub(super) fn logins(
    tree: &OrgTree,
    people: &[PersonPlan],
    staff_from: usize,
    positions: &[PositionPlan],
) -> anyhow::Result<Vec<LoginPlan>> {
    let cs = &tree.colleges[0];
    let branch = cs.branches[0];
    let roots = vec![tree.party_root, tree.league_root];
    let secretary = holder(positions, branch, PositionTitle::Secretary)?;
    let committee = holder(positions, branch, PositionTitle::OrganisationMember)?;
    let member = (0..staff_from)
        .find(|i| {
            let p = &people[*i];
            p.data.political_status == PoliticalStatus::PartyActivist
                && p.party.is_some_and(|(o, _)| o == branch)
                && p.league.is_some()
                && !positions.iter().any(|x| x.person == *i)
        })
        .context("demo has no activist to sign in as a member")?;
    let member_orgs: Vec<usize> = people[member]
        .league
        .iter()
        .chain(people[member].party.iter())
        .map(|(o, _)| *o)
        .collect();
    Ok(vec![
        LoginPlan {
            role: Role::SystemAdmin,
            login: "admin".into(),
            display_name: "系统管理员".into(),
            person: None,
            orgs: roots.clone(),
        },
        login_for(people, staff_from, Role::SchoolAdmin, roots),
        login_for(
            people,
            staff_from + 1,
            Role::CollegeAdmin,
            vec![cs.party, cs.league],
        ),
        login_for(people, staff_from + 2, Role::Organiser, vec![cs.party]),
        login_for(people, secretary, Role::BranchSecretary, vec![branch]),
        login_for(people, committee, Role::BranchCommittee, vec![branch]),
        login_for(people, member, Role::Member, member_orgs),
    ])
}
