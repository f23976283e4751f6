//! Browser tests at a phone width (390 px), on both databases: a student takes the daily quiz and
//! a branch exam with plain forms, answering by reading each question as a person would; the
//! marked round and the exam result (with its credits) are what they see afterwards; and a live
//! 1-v-1 match drawn from the match socket, tapped through to the result.

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

/// The student plays a 1-v-1 match on the phone against a secretary playing through the API,
/// who answers every question wrong: each question is drawn from the socket, answered by
/// tapping, and the result shows first place and the points.
async fn duel(app: &TestApp, c: Client) -> anyhow::Result<()> {
    let c = &c;
    let school = app.session("school").await;
    seed_bank(app, &school, app.world.org("P").id, "党章题库").await;
    let sec = app.session("seca").await;
    sign_in_as(app, c, "stua").await?;
    c.goto(&app.url("/quiz")).await?;
    tap(c, &c.find(Locator::Id("to-matches")).await?).await?;
    tap(c, &c.find(Locator::Id("play-duel")).await?).await?;
    eventually("the room waits for an opponent", || async {
        Ok(text(c, "#match-status").await?.contains("等待对手加入"))
    })
    .await?;
    let (status, room) = app
        .post_json(&sec, "/api/v1/matches", json!({"size": "duel"}))
        .await;
    ensure!(status == 201, "the secretary joins: {room}");
    let id = room["id"].as_i64().context("room id")?;
    eventually("the countdown shows", || async {
        Ok(text(c, "#match-status").await?.contains("秒后开始"))
    })
    .await?;
    app.clock.advance(4);
    for i in 1..=5 {
        let status_line = format!("第 {i} / 5 题");
        eventually(&format!("question {i} opens"), || async {
            Ok(text(c, "#match-status").await?.contains(&status_line)
                && !c.find_all(Locator::Id("match-submit")).await?.is_empty())
        })
        .await?;
        ensure!(answer_all(c).await? == 1, "one question at a time");
        if i == 1 {
            screenshot(app, c, "phone-match-question.png").await?;
        }
        tap(c, &c.find(Locator::Id("match-submit")).await?).await?;
        eventually("the answer is acknowledged", || async {
            Ok(text(c, "#match-question").await?.contains("答对"))
        })
        .await?;
        let (_, v) = app.get_json(&sec, &format!("/api/v1/matches/{id}")).await;
        let (status, out) = app
            .post_json(
                &sec,
                &format!("/api/v1/matches/{id}/answer"),
                redbranch_testkit::quizkit::answer(&v["question"], false),
            )
            .await;
        ensure!(
            status == 200 && out["correct"] == false,
            "the secretary answers: {out}"
        );
    }
    eventually("the result shows", || async {
        Ok(text(c, "#match-status").await?.contains("对战结束"))
    })
    .await?;
    let players = text(c, "#match-players").await?;
    ensure!(
        players.contains("第 1 名") && players.contains("积分 +10") && players.contains("第 2 名"),
        "players: {players}"
    );
    ensure!(
        c.find_all(Locator::Css("#match-closed .question"))
            .await?
            .len()
            == 5,
        "every question is shown with its answer after the match"
    );
    screenshot(app, c, "phone-match-result.png").await?;
    Ok(())
}

both_backends!(
    a_student_plays_a_duel_on_a_phone,
    |app: TestApp| async move { in_browser(&app, Screen::Phone, duel).await }
);
