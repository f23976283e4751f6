//! Tests of the seed data: pure ones on the generators here, database ones in submodules.

mod demo;
mod generate;
mod postgres;

use chrono::Datelike;
use rand::SeedableRng;
use rand::rngs::StdRng;
use redbranch_db::Db;
use redbranch_db::crypto::Crypto;
use redbranch_domain::people::{Gender, IdCardNo, PoliticalStatus};
use sea_orm::{ConnectionTrait, Statement};

use super::pipeline::{self, AS_OF, Life};
use super::progress::IndicatifProgress;
use super::student::{self, enrolment, graduation};
use super::{Progress, person};

/// A fresh in-memory database (one connection: each connection would be its own database).
async fn fresh_db() -> Db {
    let db = Db::connect("sqlite::memory:", 1).await.unwrap();
    db.migrate().await.unwrap();
    db
}

fn crypto() -> Crypto {
    Crypto::new(b"seed-tests-0123456789abcdef-0123456789")
}

async fn count(db: &Db, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let row = db
        .conn
        .query_one_raw(Statement::from_string(db.backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

fn life(grade: i32, birth: chrono::NaiveDate) -> Life {
    Life {
        birth,
        enrolled: enrolment(grade),
        leaves: graduation(grade),
    }
}

#[test]
fn sampled_students_obey_the_development_rules_in_every_grade() {
    let mut rng = StdRng::seed_from_u64(7);
    let mut seen = std::collections::HashSet::new();
    for grade in [2021, 2022, 2023, 2024] {
        for _ in 0..2000 {
            let s = student::student(&mut rng, grade, 50);
            seen.insert(s.status);
            assert!(
                pipeline::obeys_rules(s.status, &s.dates, &s.life),
                "{grade} {:?} {:?} born {}",
                s.status,
                s.dates,
                s.life.birth
            );
            if let Some(l) = s.league_joined {
                assert!(
                    l >= pipeline::plus_months(s.life.birth, 14 * 12) && l < s.life.enrolled,
                    "入团 {l} born {}",
                    s.life.birth
                );
            }
            assert_eq!(
                s.league_joined.is_none(),
                s.status == PoliticalStatus::Masses
            );
        }
    }
    assert_eq!(seen.len(), PoliticalStatus::ALL.len());
}

#[test]
fn nobody_is_admitted_within_three_months_of_graduating() {
    let mut rng = StdRng::seed_from_u64(8);
    for _ in 0..2000 {
        let s = student::student(&mut rng, 2021, 50);
        if let Some(j) = s.dates.joined {
            assert!(
                j <= pipeline::minus_months(graduation(2021), 3),
                "joined {j}"
            );
        }
    }
}

#[test]
fn a_freshman_asked_to_be_a_party_member_falls_back_to_a_stage_that_fits() {
    let mut rng = StdRng::seed_from_u64(9);
    let birth = chrono::NaiveDate::from_ymd_opt(2006, 3, 1).unwrap();
    let (status, dates) =
        pipeline::settle(&mut rng, PoliticalStatus::PartyMember, &life(2024, birth));
    assert!(status <= PoliticalStatus::PartyActivist, "{status:?}");
    assert!(pipeline::obeys_rules(status, &dates, &life(2024, birth)));
}

#[test]
fn someone_who_turns_eighteen_after_the_snapshot_cannot_apply() {
    let mut rng = StdRng::seed_from_u64(10);
    let birth = chrono::NaiveDate::from_ymd_opt(2007, 8, 1).unwrap();
    let (status, _) = pipeline::settle(
        &mut rng,
        PoliticalStatus::PartyApplicant,
        &life(2024, birth),
    );
    assert_eq!(status, PoliticalStatus::LeagueMember);
}

#[test]
fn probationary_members_joined_less_than_a_year_before_the_snapshot() {
    let mut rng = StdRng::seed_from_u64(11);
    let birth = chrono::NaiveDate::from_ymd_opt(2003, 1, 1).unwrap();
    for _ in 0..500 {
        let d = pipeline::sample(
            &mut rng,
            PoliticalStatus::ProbationaryMember,
            &life(2021, birth),
        )
        .unwrap();
        let joined = d.joined.unwrap();
        assert!(joined <= AS_OF && pipeline::plus_months(joined, 12) > AS_OF);
        assert!(d.confirmed.is_none());
    }
}

#[test]
fn identity_numbers_are_valid_and_match_birth_date_and_gender() {
    let mut rng = StdRng::seed_from_u64(12);
    for i in 0..1000 {
        let gender = if i % 2 == 0 {
            Gender::Male
        } else {
            Gender::Female
        };
        let birth = person::birth_date(&mut rng, 2021 + i % 4);
        assert!((2002..=2007).contains(&birth.year()), "{birth}");
        let id = IdCardNo::parse(&person::id_card(&mut rng, birth, gender)).unwrap();
        assert_eq!(id.birth_date(), birth);
        assert_eq!(id.gender(), gender);
    }
}

#[test]
fn names_have_a_surname_and_one_or_two_given_characters() {
    let mut rng = StdRng::seed_from_u64(13);
    for _ in 0..1000 {
        let n = person::name(&mut rng, Gender::Female).chars().count();
        assert!((2..=4).contains(&n), "{n}");
    }
}

#[test]
fn phone_numbers_parse_as_mainland_mobiles() {
    let mut rng = StdRng::seed_from_u64(14);
    for _ in 0..200 {
        assert!(redbranch_domain::people::PhoneNo::parse(&person::phone(&mut rng)).is_ok());
    }
}

#[test]
fn chinese_numbers_read_naturally() {
    use super::catalogue::chinese_number;
    let got: Vec<String> = [1, 10, 12, 20, 31]
        .into_iter()
        .map(chinese_number)
        .collect();
    assert_eq!(got, ["一", "十", "十二", "二十", "三十一"]);
}

#[test]
fn the_progress_bar_survives_a_whole_run_without_a_terminal() {
    let p = IndicatifProgress::new();
    p.start("people", 10);
    p.inc(4);
    p.start("memberships", 3);
    p.inc(3);
    p.finish();
    p.finish();
}
