//! Browser tests at a phone width (390 px), on both databases: a student takes the daily quiz and
//! a branch exam with plain forms, answering by reading each question as a person would; the
//! marked round and the exam result (with its credits) are what they see afterwards.

use anyhow::{Context, ensure};
use redbranch_testkit::browser::{
    Client, Locator, Screen, check_viewport, eventually, in_browser, screenshot, sign_in_as, text,
};
use redbranch_testkit::quizkit::{QUESTIONS, seed_bank};
use redbranch_testkit::{TestApp, both_backends};
use serde_json::json;

/// Scrolls an element to the middle of the screen (clear of the tab bar) and taps it.
async fn tap(c: &Client, e: &fantoccini::elements::Element) -> anyhow::Result<()> {
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(e)?],
    )
    .await?;
    e.click().await?;
    Ok(())
}

/// Answers every question on the page right: options by their text, blanks by typing.
async fn answer_all(c: &Client) -> anyhow::Result<usize> {
    let questions = c.find_all(Locator::Css("fieldset.question")).await?;
    for q in &questions {
        let legend = q.find(Locator::Css("legend")).await?.text().await?;
        let (_, _, _, _, right) = QUESTIONS
            .iter()
            .find(|x| legend.contains(x.1))
            .with_context(|| format!("unknown question {legend}"))?;
        let boxes = q.find_all(Locator::Css("input[autocomplete=off]")).await?;
        if let Some(b) = boxes.first() {
            c.execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(b)?],
            )
            .await?;
            b.send_keys(right[0]).await?;
            continue;
        }
        for label in q.find_all(Locator::Css("label.check")).await? {
            let t = label.text().await?;
            let words = t.split_once(". ").map_or(t.as_str(), |(_, w)| w).trim();
            if right.contains(&words) {
                tap(c, &label).await?;
            }
        }
    }
    Ok(questions.len())
}

async fn daily_quiz(app: &TestApp, c: Client) -> anyhow::Result<()> {
    let c = &c;
    let school = app.session("school").await;
    seed_bank(app, &school, app.world.org("P").id, "党章题库").await;
    sign_in_as(app, c, "stua").await?;
    check_viewport(c, Screen::Phone).await?;
    c.goto(&app.url("/quiz")).await?;
    c.find(Locator::Id("start-daily")).await?.click().await?;
    eventually("the round opens", || async {
        Ok(c.current_url().await?.path().starts_with("/quiz/"))
    })
    .await?;
    let n = answer_all(c).await?;
    ensure!(n == 5, "a daily round has 5 questions, not {n}");
    screenshot(app, c, "phone-quiz-round.png").await?;
    tap(c, &c.find(Locator::Id("submit-round")).await?).await?;
    eventually("the result shows", || async {
        Ok(!c.find_all(Locator::Id("result")).await?.is_empty())
    })
    .await?;
    let result = text(c, "#result").await?;
    ensure!(result.contains("答对 5 / 5 题"), "result: {result}");
    screenshot(app, c, "phone-quiz-result.png").await?;
    // Back on the hub the daily quiz is done for today.
    c.goto(&app.url("/quiz")).await?;
    let hub = text(c, "main").await?;
    ensure!(hub.contains("今天的每日答题已完成"), "hub: {hub}");
    Ok(())
}

both_backends!(
    a_student_takes_the_daily_quiz_on_a_phone,
    |app: TestApp| async move { in_browser(&app, Screen::Phone, daily_quiz).await }
);

async fn branch_exam(app: &TestApp, c: Client) -> anyhow::Result<()> {
    let c = &c;
    let seca = app.session("seca").await;
    let pa1 = app.world.org("PA1").id;
    let bank = seed_bank(app, &seca, pa1, "培训题库").await;
    let (status, exam) = app
        .post_json(
            &seca,
            "/api/v1/exams",
            json!({
                "org_id": pa1, "bank_id": bank, "title": "入党积极分子培训结业考试", "minutes": 30,
                "max_attempts": 1, "pass_percent": 60, "credits": "1.5", "shuffle": true,
                "draws": [{"kind": "single", "count": 2}, {"kind": "multiple", "count": 2},
                          {"kind": "judge", "count": 2}, {"kind": "fill", "count": 2}],
            }),
        )
        .await;
    ensure!(status == 201, "create exam: {exam}");
    let id = exam["id"].as_i64().context("exam id")?;
    let (status, _) = app
        .post_json(&seca, &format!("/api/v1/exams/{id}/publish"), json!({}))
        .await;
    ensure!(status == 200, "publish");

    sign_in_as(app, c, "stua").await?;
    c.goto(&app.url("/exams")).await?;
    c.find(Locator::LinkText("入党积极分子培训结业考试"))
        .await?
        .click()
        .await?;
    c.find(Locator::Id("start-exam")).await?.click().await?;
    eventually("the paper opens", || async {
        Ok(c.current_url().await?.path().starts_with("/exams/papers/"))
    })
    .await?;
    let deadline = text(c, "#deadline").await?;
    ensure!(deadline.contains("前交卷"), "deadline: {deadline}");
    ensure!(answer_all(c).await? == 8, "the paper has 8 questions");
    screenshot(app, c, "phone-exam-paper.png").await?;
    tap(c, &c.find(Locator::Id("submit-paper")).await?).await?;
    eventually("the result shows", || async {
        Ok(!c.find_all(Locator::Id("result")).await?.is_empty())
    })
    .await?;
    let result = text(c, "#result").await?;
    ensure!(
        result.contains("得分 10 / 10") && result.contains("及格") && result.contains("1.5 学分"),
        "result: {result}"
    );
    screenshot(app, c, "phone-exam-result.png").await?;
    c.goto(&app.url("/quiz")).await?;
    let credits = text(c, "#credits").await?;
    ensure!(credits.contains("共 1.5 学分"), "credits: {credits}");
    Ok(())
}

both_backends!(
    a_student_takes_a_branch_exam_on_a_phone_and_earns_credits,
    |app: TestApp| async move { in_browser(&app, Screen::Phone, branch_exam).await }
);
