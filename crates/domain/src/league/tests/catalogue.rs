//! Every step and rule has a message in both languages, and each message uses only values its
//! check supplies.

use std::collections::BTreeSet;

use super::*;

const ZH: &str = include_str!("../../../../i18n/locales/zh-CN/league.toml");
const EN: &str = include_str!("../../../../i18n/locales/en/league.toml");

fn message<'a>(cat: &'a toml::Table, key: &str) -> &'a str {
    let mut v: Option<&toml::Value> = None;
    for part in key.split('.') {
        v = match v {
            None => cat.get(part),
            Some(t) => t.get(part),
        };
    }
    v.and_then(toml::Value::as_str).unwrap_or("")
}

fn placeholders(s: &str) -> BTreeSet<&str> {
    s.split('{')
        .skip(1)
        .filter_map(|p| p.split('}').next())
        .collect()
}

/// One refusal under every rule, each from the real check.
fn every_refusal() -> Vec<Refusal> {
    let s = national();
    let c = Candidate {
        birth_date: d(2010, 1, 1),
        league_joined_on: d(2024, 1, 1),
        party_applied_on: d(2024, 1, 1),
        yes: 9,
    };
    let nobody = LeagueIntroducer {
        league_member: false,
        party_member: false,
    };
    let vote = |entitled, present, yes| LeagueVote {
        entitled,
        present,
        yes,
    };
    let mut v = vec![
        s.check_application_age(d(2020, 1, 1), d(2024, 1, 1)),
        s.check_talk(d(2024, 1, 1), d(2024, 3, 1)),
        s.check_number(None, d(2024, 1, 1)).map(|_| ()),
        s.check_number(Some("x"), d(2024, 1, 1)).map(|_| ()),
        record::check_meeting_vote(vote(9, 1, 1), LeagueRule::MeetingQuorum),
        record::check_meeting_vote(vote(9, 9, 1), LeagueRule::MeetingMajority),
        record::check_meeting_vote(vote(1, 9, 1), LeagueRule::MeetingQuorum),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect::<Vec<_>>();
    v.extend(s.check_training(d(2024, 1, 1), d(2024, 1, 2), 0));
    v.extend(record::check_introducers(&[nobody]));
    v.extend(
        s.check_recommendation_meeting(d(2024, 6, 1), (10, 1, 10), &[c, c, c])
            .unwrap_err(),
    );
    let h = LeagueHistory([(LeagueStep::SubmitApplication, d(2024, 1, 2))].into());
    let f = LeagueStepFacts::default();
    v.extend(s.check_step(LeagueStep::ApplicationTalk, &h, d(2024, 1, 1), &f));
    v.extend(s.check_step(LeagueStep::Oath, &h, d(2024, 1, 3), &f));
    v
}

#[test]
fn every_rule_is_produced_by_some_check() {
    let produced: BTreeSet<LeagueRule> = every_refusal().into_iter().map(|r| r.rule).collect();
    let all: BTreeSet<LeagueRule> = LeagueRule::ALL.into_iter().collect();
    assert_eq!(produced, all);
}

#[test]
fn every_step_and_rule_has_a_message_using_only_supplied_values() {
    for (name, text) in [("zh-CN", ZH), ("en", EN)] {
        let cat: toml::Table = text.parse().unwrap();
        for step in LeagueStep::ALL {
            assert!(!message(&cat, step.key()).is_empty(), "{name}: {step:?}");
        }
        for r in every_refusal() {
            let m = message(&cat, r.key());
            assert!(!m.is_empty(), "{name}: {} missing", r.key());
            let supplied: BTreeSet<&str> = r.args.iter().map(|(n, _)| *n).collect();
            assert!(
                placeholders(m).is_subset(&supplied),
                "{name}: {} uses {:?}, has {supplied:?}",
                r.key(),
                placeholders(m)
            );
        }
    }
}

#[test]
fn every_rule_cites_the_league_regulation_or_the_school_rules_without_an_article() {
    for rule in LeagueRule::ALL {
        let c = rule.citation();
        assert!(!c.has_article(), "{rule:?}");
        assert!(
            c.source.starts_with('《') || c.source.contains("推优"),
            "{rule:?}"
        );
    }
}

#[test]
fn defaults_are_the_national_values_and_stored_settings_may_set_some() {
    let s: LeagueSettings = toml::from_str("recommend_quota_percent = 30").unwrap();
    assert_eq!(s.recommend_quota_percent, 30);
    assert_eq!(s.max_age_years, 28);
    assert_eq!(s.number_required_from, d(2017, 1, 1));
    assert!(toml::from_str::<LeagueSettings>("recommend_quota_percnt = 30").is_err());
}
