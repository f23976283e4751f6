//! Steps, citations, settings, and the catalogue entries every code needs.
//!
//! The domain does not depend on `redbranch-i18n`, so the two `pipeline.toml` files are read
//! here as text with a reader just good enough for their flat `key = "value"` shape. The i18n
//! crate's own test checks they parse and that both languages have the same keys and placeholders.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde::de::value::{Error as DeError, MapDeserializer};

use super::*;
use crate::people::PoliticalStatus;

const ZH: &str = include_str!("../../../../i18n/locales/zh-CN/pipeline.toml");
const EN: &str = include_str!("../../../../i18n/locales/en/pipeline.toml");

fn catalogue(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut section = String::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            continue;
        }
        let (key, value) = line.split_once('=').unwrap();
        let value = value.trim().trim_matches('"');
        out.insert(format!("{section}.{}", key.trim()), value.to_string());
    }
    out
}

fn placeholders(s: &str) -> BTreeSet<&str> {
    s.split('{')
        .skip(1)
        .filter_map(|p| p.split('}').next())
        .collect()
}

fn every_key() -> BTreeSet<&'static str> {
    let stages = Stage::ALL.into_iter().map(Stage::key);
    let steps = Step::ALL.into_iter().map(Step::key);
    let rules = RuleId::ALL.into_iter().map(RuleId::key);
    stages.chain(steps).chain(rules).collect()
}

/// One refusal under every rule, each produced by the real check.
fn every_refusal() -> Vec<Refusal> {
    let s = national();
    let p = PoliticalStatus::PartyActivist;
    let bad = Introducer {
        status: p,
        under_probation_discipline: true,
    };
    let mut v = vec![
        s.check_application_age(d(2010, 1, 1), d(2024, 1, 1)),
        s.check_talk(d(2024, 1, 1), d(2024, 3, 1)),
        s.check_talk(d(2024, 1, 2), d(2024, 1, 1)),
        s.check_target(d(2024, 1, 1), d(2024, 2, 1)),
        check_cultivators(0),
        s.check_training(0, 0),
        check_branch_vote(9, 1, 1),
        check_branch_vote(9, 9, 1),
        check_branch_vote(1, 9, 1),
        s.check_decision(d(2024, 1, 1), d(2025, 1, 1)),
        s.check_extension(1, false),
        s.check_extension(6, true),
        s.check_conversion(d(2025, 1, 1), d(2024, 1, 1)),
        s.check_conversion(d(2025, 1, 1), d(2026, 1, 1)),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect::<Vec<_>>();
    v.extend(check_introducers(&[bad]).unwrap_err());
    v.extend(
        s.check_publicity(d(2024, 6, 1), d(2024, 6, 2), d(2024, 6, 1))
            .unwrap_err(),
    );
    v.extend(s.leaving_notice(d(2024, 1, 1), d(2024, 2, 1)));
    let mut league = StepFacts::on(d(2024, 1, 1));
    league.birth_date = Some(d(2004, 1, 1));
    league.league_member = true;
    v.extend(s.check_league_recommendation(&league).err());
    v.extend(
        s.check_step(
            Step::ApplicationTalk,
            &History::default(),
            &StepFacts::on(d(2024, 1, 1)),
        )
        .refusals,
    );
    v
}

#[test]
fn there_are_twenty_five_steps_numbered_in_order() {
    for (i, step) in Step::ALL.into_iter().enumerate() {
        assert_eq!(usize::from(step.number()), i + 1);
        assert_eq!(Step::from_number(step.number()), Some(step));
        assert_eq!(Step::from_code(step.code()), Some(step));
    }
    assert_eq!(Step::from_number(0), None);
    assert_eq!(Step::from_number(26), None);
    assert_eq!(Step::SubmitApplication.next(), Some(Step::ApplicationTalk));
    assert_eq!(Step::Archive.next(), None);
}

#[test]
fn stages_hold_two_four_five_seven_and_seven_steps() {
    let sizes: Vec<usize> = Stage::ALL.into_iter().map(|s| s.steps().count()).collect();
    assert_eq!(sizes, [2, 4, 5, 7, 7]);
    assert_eq!(Step::DetermineTarget.stage(), Stage::Target);
    assert_eq!(Step::AdmissionMeeting.stage(), Stage::Admission);
    assert_eq!(Step::JoinBranch.stage(), Stage::Probation);
    for (i, stage) in Stage::ALL.into_iter().enumerate() {
        assert_eq!(usize::from(stage.number()), i + 1);
        assert_eq!(Stage::from_code(stage.code()), Some(stage));
    }
}

#[test]
fn codes_are_unique_snake_case() {
    let codes: Vec<&str> = Stage::ALL
        .into_iter()
        .map(Stage::code)
        .chain(RuleId::ALL.into_iter().map(RuleId::code))
        .collect();
    let steps: BTreeSet<&str> = Step::ALL.into_iter().map(Step::code).collect();
    assert_eq!(steps.len(), 25);
    let rules: BTreeSet<&str> = RuleId::ALL.into_iter().map(RuleId::code).collect();
    assert_eq!(rules.len(), RuleId::ALL.len());
    for code in codes.into_iter().chain(steps) {
        assert!(
            code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{code}"
        );
    }
    for rule in RuleId::ALL {
        assert_eq!(RuleId::from_code(rule.code()), Some(rule));
    }
}

#[test]
fn every_rule_cites_a_regulation() {
    for rule in RuleId::ALL {
        assert!(!rule.citations().is_empty(), "{rule:?}");
        for c in rule.citations() {
            assert!(!c.source.is_empty() && !c.article.is_empty(), "{rule:?}");
        }
        assert_eq!(rule.citation(), rule.citations()[0]);
    }
}

#[test]
fn citations_read_as_title_and_article() {
    assert_eq!(
        RuleId::ProbationPeriod.citation().to_string(),
        "《中国共产党章程》第七条"
    );
    assert_eq!(
        RuleId::MinAge.citations()[1].to_string(),
        "《中国共产党发展党员工作细则》第五条"
    );
    assert_eq!(
        RuleId::TalkWithin.citation().to_string(),
        "《中国共产党发展党员工作细则》"
    );
}

#[test]
fn every_stage_step_and_rule_has_a_message_in_both_languages() {
    for (name, text) in [("zh-CN", ZH), ("en", EN)] {
        let cat = catalogue(text);
        for key in every_key() {
            let value = cat.get(key).map(String::as_str).unwrap_or("");
            assert!(!value.is_empty(), "{name}: {key} missing");
        }
        let stale: Vec<&String> = cat
            .keys()
            .filter(|k| !every_key().contains(k.as_str()))
            .collect();
        assert!(stale.is_empty(), "{name}: keys for no code: {stale:?}");
    }
}

#[test]
fn every_rule_is_produced_by_some_check() {
    let produced: BTreeSet<RuleId> = every_refusal().into_iter().map(|r| r.rule).collect();
    let all: BTreeSet<RuleId> = RuleId::ALL.into_iter().collect();
    assert_eq!(produced, all);
}

#[test]
fn messages_use_exactly_the_values_their_check_supplies() {
    for (name, text) in [("zh-CN", ZH), ("en", EN)] {
        let cat = catalogue(text);
        for r in every_refusal() {
            let message = cat.get(r.key()).map(String::as_str).unwrap_or("");
            let supplied: BTreeSet<&str> = r.args.iter().map(|(n, _)| *n).collect();
            assert_eq!(placeholders(message), supplied, "{name}: {}", r.key());
        }
    }
}

#[test]
fn national_values_are_the_defaults() {
    let s = PipelineSettings::default();
    let numbers = [
        (s.min_age_years, 18),
        (s.talk_within_months, 1),
        (s.activist_min_months, 12),
        (s.training_min_days, 3),
        (s.training_min_hours, 24),
        (s.publicity_days, 5),
        (s.leaving_window_months, 3),
        (s.decision_within_months, 3),
        (s.decision_special_max_months, 6),
        (s.probation_months, 12),
        (s.extension_min_months, 6),
        (s.extension_max_months, 12),
        (s.conversion_within_months, 3),
        (s.activist_review_months, 6),
        (s.thought_report_months, 3),
        (s.recommendation_below_age, 28),
    ];
    for (i, (got, want)) in numbers.into_iter().enumerate() {
        assert_eq!(got, want, "field {i}");
    }
}

#[test]
fn stored_settings_may_set_only_some_fields() {
    let stored = [("publicity_days", 7_u32), ("thought_report_months", 1)];
    let s = PipelineSettings::deserialize(MapDeserializer::<_, DeError>::new(stored.into_iter()))
        .unwrap();
    assert_eq!(s.publicity_days, 7);
    assert_eq!(s.thought_report_months, 1);
    assert_eq!(s.probation_months, 12);
}

#[test]
fn a_misspelt_setting_is_refused_rather_than_ignored() {
    let stored = [("publicty_days", 7_u32)];
    assert!(
        PipelineSettings::deserialize(MapDeserializer::<_, DeError>::new(stored.into_iter()))
            .is_err()
    );
}
