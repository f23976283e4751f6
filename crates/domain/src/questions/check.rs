//! Marking one answer. The server alone holds the correct answers; a client sends what the
//! person chose or typed, in the order the options were shown to them.

use super::answer::parse_judge;
use super::{FALSE, LETTERS, QuestionKind, TRUE};
use crate::text::to_half_width;

/// A fill-in answer in the form it is compared in: half-width, no white space, case folded,
/// without the punctuation a person adds at the end (`。`, `.`) or wraps it in (`“”`, `《》`
/// stay: they are part of a title).
pub fn normalise_fill(s: &str) -> String {
    to_half_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .trim_matches(|c: char| matches!(c, '。' | '.' | ',' | '，' | ';' | '；' | '、'))
        .to_lowercase()
}

/// Letters chosen on screen (`["A","C"]` in the shown order) mapped back to the stored option
/// letters through `shown`, where `shown[i]` is the stored index of the option shown i-th.
/// Letters beyond the shown options are dropped: they cannot be right.
pub fn unshuffle(given: &[String], shown: &[usize]) -> Vec<String> {
    let mut out: Vec<usize> = given
        .iter()
        .flat_map(|g| to_half_width(g).chars().collect::<Vec<_>>())
        .filter_map(|c| {
            let up = c.to_ascii_uppercase();
            LETTERS.iter().position(|l| l.starts_with(up))
        })
        .filter_map(|i| shown.get(i).copied())
        .collect();
    out.sort_unstable();
    out.dedup();
    out.into_iter()
        .filter_map(|i| LETTERS.get(i).map(|l| l.to_string()))
        .collect()
}

/// Whether `given` (stored letters for choice questions, see [`unshuffle`]) answers a question
/// of `kind` whose canonical answer is `expected`. A 多选题 needs every correct letter and no
/// other (少选、多选均不得分, the common marking rule of Party-knowledge tests).
pub fn is_correct(kind: QuestionKind, expected: &[String], given: &[String]) -> bool {
    match kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            let mut g: Vec<String> = given.to_vec();
            g.sort_unstable();
            g.dedup();
            !g.is_empty() && g == expected
        }
        QuestionKind::Judge => {
            let want = expected.first().map(|e| e == TRUE);
            let got = given.first().and_then(|g| parse_judge(g));
            want.is_some()
                && want == got
                && expected.first().is_some_and(|e| e == TRUE || e == FALSE)
        }
        QuestionKind::Fill => {
            let filled: Vec<&String> = expected.iter().filter(|e| !e.trim().is_empty()).collect();
            filled.len() <= given.len()
                && filled
                    .iter()
                    .zip(given)
                    .all(|(e, g)| normalise_fill(e) == normalise_fill(g))
                && given[filled.len()..].iter().all(|g| g.trim().is_empty())
        }
    }
}

/// How many blanks a person fills for an answer of this shape (empty alternatives excluded).
pub fn blanks(expected: &[String]) -> usize {
    expected
        .iter()
        .filter(|e| !e.trim().is_empty())
        .count()
        .max(1)
}
