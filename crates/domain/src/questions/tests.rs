use super::check::{is_correct, normalise_fill, unshuffle};
use super::*;
use crate::roster::{Cell, Sheet};

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn letters_are_read_in_every_notation_people_use() {
    for raw in [
        "ABD",
        "A、B、D",
        "abd",
        "ＡＢＤ",
        "A,B,D",
        "A B D",
        "A，B，D",
        "Ａ、Ｂ、Ｄ",
        " d b a ",
    ] {
        assert_eq!(
            parse_answer(QuestionKind::Multiple, raw, 4),
            Ok(s(&["A", "B", "D"])),
            "{raw}"
        );
    }
    assert_eq!(parse_answer(QuestionKind::Single, "Ａ", 4), Ok(s(&["A"])));
}

#[test]
fn a_letter_beyond_the_last_option_is_refused_and_the_last_one_is_not() {
    assert_eq!(parse_answer(QuestionKind::Single, "D", 4), Ok(s(&["D"])));
    assert_eq!(
        parse_answer(QuestionKind::Single, "E", 4),
        Err(AnswerProblem::NotAmongOptions("E".into(), 4))
    );
    assert_eq!(
        parse_answer(QuestionKind::Multiple, "ABF", 5),
        Err(AnswerProblem::NotAmongOptions("F".into(), 5))
    );
    assert_eq!(
        parse_answer(QuestionKind::Single, "AB", 4),
        Err(AnswerProblem::SeveralForSingle)
    );
    assert_eq!(
        parse_answer(QuestionKind::Single, "  ", 4),
        Err(AnswerProblem::Missing)
    );
}

#[test]
fn true_and_false_are_read_from_words_and_marks() {
    for t in ["正确", "对", "√", " 对 ", "T"] {
        assert_eq!(
            parse_answer(QuestionKind::Judge, t, 0),
            Ok(s(&[TRUE])),
            "{t}"
        );
    }
    for f in ["错误", "错", "×", "F"] {
        assert_eq!(
            parse_answer(QuestionKind::Judge, f, 0),
            Ok(s(&[FALSE])),
            "{f}"
        );
    }
    assert_eq!(
        parse_answer(QuestionKind::Judge, "不确定", 0),
        Err(AnswerProblem::NotTrueOrFalse("不确定".into()))
    );
}

#[test]
fn blanks_are_split_on_the_bar_and_trimmed() {
    assert_eq!(
        parse_answer(QuestionKind::Fill, "有责 | 尽责|享有", 0),
        Ok(s(&["有责", "尽责", "享有"]))
    );
    assert_eq!(
        parse_answer(QuestionKind::Fill, "三|", 0),
        Ok(s(&["三", ""]))
    );
    assert_eq!(
        parse_answer(QuestionKind::Fill, "|三", 0),
        Err(AnswerProblem::EmptyBlank)
    );
}

#[test]
fn the_question_type_is_read_from_full_short_and_long_names() {
    for (raw, k) in [
        ("单选题", QuestionKind::Single),
        (" 单选", QuestionKind::Single),
        ("单项选择题", QuestionKind::Single),
        ("多选", QuestionKind::Multiple),
        ("判断题", QuestionKind::Judge),
        ("填空", QuestionKind::Fill),
    ] {
        assert_eq!(QuestionKind::from_name(raw), Some(k), "{raw}");
    }
    assert_eq!(QuestionKind::from_name("问答题"), None);
}

#[test]
fn an_option_gap_and_a_single_option_are_refused() {
    let mut q = QuestionInput {
        kind: Some(QuestionKind::Single),
        stem: " 题干\r\n".into(),
        options: s(&["甲", "", "丙"]),
        answer: "A".into(),
        ..QuestionInput::default()
    };
    assert_eq!(
        validate(&q).map_err(|e| e.code),
        Err("questions.error.option_gap")
    );
    q.options = s(&["甲"]);
    assert_eq!(
        validate(&q).map_err(|e| e.code),
        Err("questions.error.too_few_options")
    );
    q.options = s(&["甲", "乙", "", ""]);
    let ok = validate(&q).map_err(|e| e.code);
    assert_eq!(ok.as_ref().map(|q| q.stem.as_str()), Ok("题干"));
    assert_eq!(ok.map(|q| q.options.len()), Ok(2));
}

#[test]
fn marking_follows_the_shown_order_and_needs_every_letter() {
    let expected = s(&["A", "C"]);
    // Shown order: stored C, A, B, D.
    let shown = [2, 0, 1, 3];
    assert_eq!(unshuffle(&s(&["A", "B"]), &shown), s(&["A", "C"]));
    assert!(is_correct(
        QuestionKind::Multiple,
        &expected,
        &unshuffle(&s(&["ab"]), &shown)
    ));
    assert!(!is_correct(QuestionKind::Multiple, &expected, &s(&["A"])));
    assert!(!is_correct(
        QuestionKind::Multiple,
        &expected,
        &s(&["A", "C", "D"])
    ));
    assert!(!is_correct(QuestionKind::Single, &s(&["A"]), &[]));
}

#[test]
fn fill_in_answers_match_after_normalisation() {
    assert_eq!(normalise_fill(" 党章。"), "党章");
    assert_eq!(normalise_fill("ＡＢ c"), "abc");
    let e = s(&["有责", "尽责"]);
    assert!(is_correct(QuestionKind::Fill, &e, &s(&["有责 ", "尽责。"])));
    assert!(!is_correct(QuestionKind::Fill, &e, &s(&["有责"])));
    assert!(!is_correct(QuestionKind::Fill, &e, &s(&["尽责", "有责"])));
    assert!(is_correct(QuestionKind::Fill, &s(&["三", ""]), &s(&["三"])));
    assert!(is_correct(QuestionKind::Judge, &s(&[TRUE]), &s(&["对"])));
    assert!(!is_correct(QuestionKind::Judge, &s(&[TRUE]), &s(&["错误"])));
}

fn grid(name: &str, rows: &[&[&str]]) -> Sheet {
    Sheet {
        name: name.into(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| Cell::from(*c)).collect())
            .collect(),
    }
}

#[test]
fn a_messy_sheet_is_read_below_its_title_with_blank_and_broken_rows_reported() {
    let sheet = grid(
        "单选",
        &[
            &["2024年题库"],
            &[
                "题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案",
                "解析",
            ],
            &["", " 问一\n", "甲", "乙", "丙", "丁", "", "", "ｂ", ""],
            &["", "", "", "", "", "", "", "", "", ""],
            &["单选题", "问二", "甲", "乙", "丙", "丁", "", "", "E", ""],
            &["单选", "问三", "甲", "乙", "", "", "", "", "", ""],
            &["单选", "问一", "甲", "乙", "丙", "丁", "", "", "A", ""],
        ],
    );
    let p = parse_bank(&[sheet]);
    assert_eq!(p.questions.len(), 1);
    assert_eq!(p.questions[0].row, 3);
    assert_eq!(p.questions[0].question.answer, s(&["B"]));
    assert_eq!(p.sheets[0].header_row, Some(2));
    assert_eq!(p.sheets[0].blank_rows, vec![4]);
    let rows: Vec<(usize, &str)> = p.issues.iter().map(|i| (i.row, i.error.code)).collect();
    assert_eq!(
        rows,
        vec![
            (5, "questions.error.answer_not_in_options"),
            (6, "questions.error.missing_answer"),
            (7, "questions.error.duplicate_in_file"),
        ]
    );
    assert_eq!(p.issues[0].column.as_deref(), Some("答案"));
}

#[test]
fn the_template_row_reads_back_as_the_same_question() {
    let q = validate(&QuestionInput {
        kind: Some(QuestionKind::Multiple),
        stem: "问".into(),
        options: s(&["甲", "乙", "丙"]),
        answer: "a、c".into(),
        explanation: "因为".into(),
        topic: "党章".into(),
    });
    let q = q.unwrap_or_else(|e| panic!("{e}"));
    let header: Vec<&str> = TEMPLATE_HEADERS.to_vec();
    let row = template_row(&q);
    let sheet = Sheet {
        name: "题库".into(),
        rows: vec![
            header.into_iter().map(Cell::from).collect(),
            row.into_iter().map(Cell::from).collect(),
        ],
    };
    let p = parse_bank(&[sheet]);
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    assert_eq!(p.questions[0].question, q);
}
