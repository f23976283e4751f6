//! A small question bank whose answers the tests know, and helpers that answer a served
//! question right (or wrong) the way a person would: by option text, not by letter, since every
//! person sees the options in their own order.

use serde_json::{Value, json};

use crate::{Session, TestApp};

/// (type, stem, options, answer as the template writes it, the right option texts or words).
pub type Known = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
);

pub const QUESTIONS: [Known; 8] = [
    (
        "single",
        "中国共产党的最高理想和最终目标是（）。",
        &["实现共产主义", "全面小康", "现代化", "民族独立"],
        "A",
        &["实现共产主义"],
    ),
    (
        "single",
        "党的最高领导机关是（）。",
        &[
            "中央委员会",
            "党的全国代表大会和它所产生的中央委员会",
            "中央政治局",
            "中央书记处",
        ],
        "B",
        &["党的全国代表大会和它所产生的中央委员会"],
    ),
    (
        "multiple",
        "党的三大优良作风是（）。",
        &["理论联系实际", "密切联系群众", "批评与自我批评", "艰苦奋斗"],
        "ABC",
        &["理论联系实际", "密切联系群众", "批评与自我批评"],
    ),
    (
        "multiple",
        "预备党员的义务包括（）。",
        &["学习", "纪律", "投票", "被选举"],
        "AB",
        &["学习", "纪律"],
    ),
    ("judge", "预备党员的预备期为一年。", &[], "正确", &["正确"]),
    ("judge", "预备党员有表决权。", &[], "错误", &["错误"]),
    (
        "fill",
        "党的根本宗旨是全心全意为（）服务。",
        &[],
        "人民",
        &["人民"],
    ),
    (
        "fill",
        "党费按月交纳，学生党员每月交纳（）元。",
        &[],
        "0.2",
        &["0.2"],
    ),
];

/// Creates a bank on `org_id` as `s`, adds [`QUESTIONS`] and publishes it; returns its id.
pub async fn seed_bank(app: &TestApp, s: &Session, org_id: i64, name: &str) -> i64 {
    let (status, bank) = app
        .post_json(
            s,
            "/api/v1/question-banks",
            json!({"org_id": org_id, "name": name}),
        )
        .await;
    assert_eq!(status, 201, "create bank: {bank}");
    let id = bank["id"].as_i64().unwrap_or_default();
    for (kind, stem, options, answer, _) in QUESTIONS {
        let (status, v) = app
            .post_json(
                s,
                &format!("/api/v1/question-banks/{id}/questions"),
                json!({"kind": kind, "stem": stem, "options": options, "answer": answer, "topic": "党章"}),
            )
            .await;
        assert_eq!(status, 201, "add question {stem}: {v}");
    }
    let (status, v) = app
        .post_json(
            s,
            &format!("/api/v1/question-banks/{id}/publish"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "publish: {v}");
    id
}

/// What a person who knows the answer sends for a served question (`right`), or a wrong answer.
pub fn answer(q: &Value, right: bool) -> Value {
    let stem = q["stem"].as_str().unwrap_or_default();
    let Some((kind, _, _, _, texts)) = QUESTIONS.iter().find(|x| x.1 == stem) else {
        panic!("unknown question {stem}");
    };
    let given: Vec<String> = match *kind {
        "single" | "multiple" => q["options"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| texts.contains(&o["text"].as_str().unwrap_or_default()) == right)
            .take(if right { 6 } else { 1 })
            .filter_map(|o| o["label"].as_str().map(String::from))
            .collect(),
        "judge" => vec![
            if (texts[0] == "正确") == right {
                "对"
            } else {
                "错"
            }
            .to_string(),
        ],
        _ => vec![if right {
            format!(" {} ", texts[0])
        } else {
            "不知道".into()
        }],
    };
    json!({"question_id": q["id"], "given": given})
}
