//! The small school every integration test starts from: two colleges, each with one Party
//! branch and one League branch, three people in each, and one login per role.

use std::collections::HashMap;

use redbranch_db::Db;
use redbranch_db::auth::{self, NewUser, UserId};
use redbranch_db::crypto::Crypto;
use redbranch_db::org::{self, NewOrg, Org};
use redbranch_db::people::{self, PersonData};
use redbranch_db::tenants::{self, TenantId};
use redbranch_domain::authz::Role;
use redbranch_domain::org::{OrgKind, Tree};
use redbranch_domain::people::{
    Gender, IdCardNo, PersonName, PhoneNo, PoliticalStatus, StudentNo, id_card_check_char,
};

/// login, role, orgs it is held on, the person it belongs to, must change the password.
type LoginPlan<'a> = (&'a str, Role, &'a [&'a str], Option<&'a str>, bool);

/// Every world login's password.
pub const PASSWORD: &str = "Test@2026pw";

pub struct World {
    pub tenant: TenantId,
    /// Orgs by code: P, PA, PB, PA1, PB1 (Party); L, LA, LB, LA1, LB1 (League).
    pub orgs: HashMap<&'static str, Org>,
    /// People by 学号: A001–A003 in college A, B001–B003 in college B.
    pub people: HashMap<&'static str, i64>,
    /// Users by login.
    pub users: HashMap<&'static str, UserId>,
}

fn id_card(seq: u32) -> IdCardNo {
    let body = format!("42010620030101{:03}", seq % 1000);
    let full = format!("{body}{}", id_card_check_char(&body));
    IdCardNo::parse(&full).unwrap_or_else(|e| panic!("test id card {full}: {e}"))
}

impl World {
    pub async fn seed(db: &Db, crypto: &Crypto) -> anyhow::Result<Self> {
        let c = &db.conn;
        let t = TenantId(tenants::create(c, "test", "测试大学").await?.id);
        let mut orgs = HashMap::new();
        let plan: [(&str, OrgKind, &str, Option<&str>); 10] = [
            ("P", OrgKind::PartyCommittee, "测试大学党委", None),
            ("PA", OrgKind::PartyCommittee, "甲学院党委", Some("P")),
            ("PB", OrgKind::PartyCommittee, "乙学院党委", Some("P")),
            (
                "PA1",
                OrgKind::PartyBranch,
                "甲学院学生第一党支部",
                Some("PA"),
            ),
            (
                "PB1",
                OrgKind::PartyBranch,
                "乙学院学生第一党支部",
                Some("PB"),
            ),
            ("L", OrgKind::LeagueCommittee, "测试大学团委", None),
            ("LA", OrgKind::LeagueCommittee, "甲学院团委", Some("L")),
            ("LB", OrgKind::LeagueCommittee, "乙学院团委", Some("L")),
            ("LA1", OrgKind::LeagueBranch, "甲2101班团支部", Some("LA")),
            ("LB1", OrgKind::LeagueBranch, "乙2101班团支部", Some("LB")),
        ];
        for (code, kind, name, parent) in plan {
            let parent = parent.and_then(|p: &str| orgs.get(p).map(Org::org_id));
            let o = org::create(
                c,
                t,
                NewOrg {
                    kind,
                    code: code.into(),
                    name: name.into(),
                    parent,
                    founded_on: None,
                    sort_order: 0,
                },
                None,
            )
            .await?;
            orgs.insert(code, o);
        }
        let mut people_ids = HashMap::new();
        let names = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"];
        let on = chrono::NaiveDate::from_ymd_opt(2021, 9, 1).unwrap_or_default();
        for (i, no) in ["A001", "A002", "A003", "B001", "B002", "B003"]
            .into_iter()
            .enumerate()
        {
            let college_a = no.starts_with('A');
            let d = PersonData {
                student_no: StudentNo::parse(&format!("2021{no}"))?,
                name: PersonName::parse(names[i])?,
                gender: Some(if i % 2 == 0 {
                    Gender::Male
                } else {
                    Gender::Female
                }),
                ethnicity: Some("汉族".into()),
                birth_date: None,
                id_card: Some(id_card(u32::try_from(i).unwrap_or(0) * 2 + 11)),
                phone: Some(PhoneNo::parse(&format!("1380000000{i}"))?),
                college: Some(if college_a { "甲学院" } else { "乙学院" }.into()),
                major: Some("计算机科学与技术".into()),
                grade: Some("2021".into()),
                class_name: Some(if college_a { "甲2101" } else { "乙2101" }.into()),
                political_status: if i % 3 == 2 {
                    PoliticalStatus::PartyMember
                } else {
                    PoliticalStatus::LeagueMember
                },
                league_joined_on: None,
                party_applied_on: None,
                activist_on: None,
                target_on: None,
                party_joined_on: None,
                confirmed_on: None,
            };
            let p = match people::upsert(c, crypto, t, &d).await? {
                people::Upserted::Inserted(p)
                | people::Upserted::Unchanged(p)
                | people::Upserted::Updated { person: p, .. } => p,
            };
            let (party, league) = if college_a {
                ("PA1", "LA1")
            } else {
                ("PB1", "LB1")
            };
            people::set_org(
                c,
                t,
                &p,
                Tree::League,
                orgs.get(league).map(Org::org_id),
                on,
            )
            .await?;
            let p = people::get(c, t, p.person_id()).await?;
            people::set_org(c, t, &p, Tree::Party, orgs.get(party).map(Org::org_id), on).await?;
            people_ids.insert(no, p.id);
        }
        // One hash for all: Argon2 is deliberately slow and the tests need many accounts.
        let hash =
            redbranch_web::auth::password::hash(PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut users = HashMap::new();
        let logins: [LoginPlan<'_>; 8] = [
            ("sys", Role::SystemAdmin, &["P", "L"], None, false),
            ("school", Role::SchoolAdmin, &["P", "L"], None, false),
            ("collegea", Role::CollegeAdmin, &["PA", "LA"], None, false),
            ("organiser", Role::Organiser, &["PA"], None, false),
            (
                "seca",
                Role::BranchSecretary,
                &["PA1", "LA1"],
                Some("A003"),
                false,
            ),
            ("coma", Role::BranchCommittee, &["PA1"], Some("A002"), false),
            ("stua", Role::Member, &["LA1"], Some("A001"), false),
            ("fresh", Role::Member, &["LB1"], Some("B001"), true),
        ];
        for (login, role, on_orgs, person, must_change) in logins {
            let person_id = person.and_then(|p| people_ids.get(p).copied());
            let u = auth::create_user(
                c,
                t,
                NewUser {
                    login,
                    display_name: login,
                    password_hash: hash.clone(),
                    person_id,
                    must_change_password: must_change,
                },
            )
            .await?;
            for o in on_orgs {
                let org = orgs.get(o).ok_or_else(|| anyhow::anyhow!("no org {o}"))?;
                auth::grant(c, t, UserId(u.id), role, org.org_id(), None).await?;
            }
            users.insert(login, UserId(u.id));
        }
        Ok(Self {
            tenant: t,
            orgs,
            people: people_ids,
            users,
        })
    }

    pub fn org(&self, code: &str) -> &Org {
        self.orgs
            .get(code)
            .unwrap_or_else(|| panic!("no org {code}"))
    }

    pub fn person(&self, no: &str) -> i64 {
        *self
            .people
            .get(no)
            .unwrap_or_else(|| panic!("no person {no}"))
    }
}
