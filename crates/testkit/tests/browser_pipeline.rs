//! Browser test of the 发展党员 pipeline: one student is walked through all 25 steps, from 团员
//! to 正式党员, on the record page at a phone width, on both databases. The test clock moves to
//! each step's day, so the date field's default (today) is the step's date, as it is for a
//! secretary recording on the day; the branch secretary records the branch's steps and the
//! 组织员 the higher committee's. Step 3 rests on the League's 推优 (the student is a 团员 under
//! 28). A refused step shows its rule; the profile ends as 中共党员 with one timeline. At a
//! desktop width (1366 px) the 组织员 drills from the college's board to a branch's.

use anyhow::{Context, ensure};
use chrono::NaiveDate;
use redbranch_testkit::browser::{
    Client, Locator, Screen, check_viewport, eventually, fill, in_browser, screenshot, sign_in_as,
    text,
};
use redbranch_testkit::{TestApp, both_backends};
use sea_orm::ConnectionTrait;

/// Who records each step, on which day, and what the form needs besides the date.
struct Planned {
    by: &'static str,
    on: &'static str,
    fields: &'static [(&'static str, &'static str)],
}

const fn step(
    by: &'static str,
    on: &'static str,
    fields: &'static [(&'static str, &'static str)],
) -> Planned {
    Planned { by, on, fields }
}

const BRANCH: &str = "seca";
const HIGHER: &str = "organiser";

/// The 25 steps of a typical student's record, with dates that keep every time limit.
const PLAN: [Planned; 25] = [
    step(BRANCH, "2023-03-01", &[]),
    step(BRANCH, "2023-03-15", &[]),
    // Step 3 follows the League's 推优 of 2023-09-20, accepted by the Party branch.
    step(BRANCH, "2023-10-10", &[]),
    step(BRANCH, "2023-10-20", &[]),
    step(BRANCH, "2023-10-20", &[("step-cultivators", "2021A003")]),
    step(BRANCH, "2024-04-20", &[]),
    step(BRANCH, "2024-10-15", &[]),
    step(BRANCH, "2024-10-20", &[]),
    step(
        BRANCH,
        "2024-10-25",
        &[("step-introducers", "2021A003, 2021B003")],
    ),
    step(BRANCH, "2024-11-10", &[]),
    step(
        BRANCH,
        "2024-11-20",
        &[("step-days", "3"), ("step-hours", "24")],
    ),
    step(BRANCH, "2024-12-01", &[]),
    step(HIGHER, "2024-12-05", &[]),
    step(BRANCH, "2024-12-10", &[]),
    step(
        BRANCH,
        "2024-12-20",
        &[
            ("step-entitled", "5"),
            ("step-present", "5"),
            ("step-yes", "5"),
            ("step-pub-start", "2024-12-11"),
            ("step-pub-end", "2024-12-17"),
        ],
    ),
    step(HIGHER, "2025-01-05", &[]),
    step(HIGHER, "2025-01-10", &[]),
    step(HIGHER, "2025-01-15", &[]),
    step(BRANCH, "2025-01-20", &[]),
    step(BRANCH, "2025-01-20", &[]),
    step(BRANCH, "2025-06-10", &[]),
    step(BRANCH, "2025-11-20", &[]),
    step(
        BRANCH,
        "2025-12-22",
        &[
            ("step-entitled", "6"),
            ("step-present", "6"),
            ("step-yes", "6"),
        ],
    ),
    step(HIGHER, "2025-12-28", &[]),
    step(BRANCH, "2026-01-10", &[]),
];

/// The League branch's 推优大会 recommends the student and the Party branch accepts, through
/// the API as its secretary (who serves both); the pages for it have their own browser test,
/// `browser_league.rs`.
async fn recommend(app: &TestApp, person: i64) -> anyhow::Result<()> {
    let c = app.as_user(BRANCH).await;
    let csrf = app.csrf(&c, "/me").await;
    let league = app.world.orgs["LA1"].id;
    app.clock.set_today(day("2023-09-20")?);
    let meeting: serde_json::Value = c
        .post(app.url(&format!("/api/v1/orgs/{league}/recommendations")))
        .header("x-csrf-token", &csrf)
        .json(
            &serde_json::json!({"on": "2023-09-20", "entitled": 3, "present": 3,
            "candidates": [{"person_id": person, "yes": 3}]}),
        )
        .send()
        .await?
        .json()
        .await?;
    let id = &meeting["candidates"][0]["id"];
    ensure!(id.is_i64(), "the 推优大会 is recorded: {meeting}");
    let res = c
        .post(app.url(&format!("/api/v1/recommendations/{id}/decision")))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"decision": "accepted", "on": "2023-09-20"}))
        .send()
        .await?;
    ensure!(
        res.status() == 200 || res.status() == 201,
        "accepted: {}",
        res.text().await?
    );
    Ok(())
}

fn day(s: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").context("a plan date")
}

async fn done_steps(c: &Client) -> anyhow::Result<u64> {
    let n = c
        .execute(
            "return document.querySelectorAll('.steps li.step-done').length",
            vec![],
        )
        .await?;
    n.as_u64().context("a count")
}

/// Opens the record page on the clock's day, fills the next step's form and submits it.
async fn submit_next(
    app: &TestApp,
    c: &Client,
    person: i64,
    fields: &[(&str, &str)],
) -> anyhow::Result<()> {
    c.goto(&app.url(&format!("/members/{person}/pipeline")))
        .await?;
    for (id, value) in fields {
        fill(c, id, value).await?;
    }
    let button = c
        .find(Locator::Css("#next-step button[type=submit]"))
        .await?;
    // As a thumb would: bring the button up from behind the phone's fixed tab bar, then tap.
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'})",
        vec![serde_json::to_value(&button)?],
    )
    .await?;
    button.click().await?;
    Ok(())
}

async fn switch_to(app: &TestApp, c: &Client, login: &str) -> anyhow::Result<()> {
    c.delete_all_cookies().await?;
    sign_in_as(app, c, login).await
}

async fn walk(app: &TestApp, c: Client) -> anyhow::Result<()> {
    let c = &c;
    let person = app.world.people["A001"];
    app.db
        .conn
        .execute_unprepared(&format!(
            "UPDATE people SET birth_date = '2003-01-01', league_joined_on = '2019-05-04' \
             WHERE id = {person}"
        ))
        .await?;
    // A branch of three has a 20 % quota of none; this school lets every branch recommend one.
    app.db
        .conn
        .execute_unprepared(
            "UPDATE tenants SET settings = '{\"league\": {\"recommend_quota_minimum\": 1}}'",
        )
        .await?;
    let mut signed_in_as = "";
    for (i, planned) in PLAN.iter().enumerate() {
        if planned.by != signed_in_as {
            switch_to(app, c, planned.by).await?;
            signed_in_as = planned.by;
            if i == 0 {
                check_viewport(c, Screen::Phone).await?;
            }
        }
        if i == 2 {
            recommend(app, person).await?;
        }
        if i == 6 {
            // 确定发展对象 a day short of a year as an activist: refused, naming the article.
            app.clock.set_today(day("2024-10-09")?);
            submit_next(app, c, person, planned.fields).await?;
            eventually("the refused step shows its error", || async {
                Ok(!c
                    .find_all(Locator::Css("#next-step .field-error"))
                    .await?
                    .is_empty())
            })
            .await?;
            let error = text(c, "#next-step .field-error").await?;
            ensure!(
                error.contains("第十三条") && error.contains("2024-10-10"),
                "the refusal names the rule and the first allowed day: {error}"
            );
            screenshot(app, c, "phone-pipeline-refused.png").await?;
        }
        app.clock.set_today(day(planned.on)?);
        submit_next(app, c, person, planned.fields).await?;
        let want = u64::try_from(i + 1)?;
        eventually(&format!("step {} is recorded", i + 1), || async {
            Ok(done_steps(c).await? == want)
        })
        .await?;
        if i == 12 {
            screenshot(app, c, "phone-pipeline-record.png").await?;
        }
    }
    c.goto(&app.url(&format!("/members/{person}"))).await?;
    let profile = text(c, "main").await?;
    ensure!(
        profile.contains("中共党员") && profile.contains("2025-12-20"),
        "the profile shows a full member since the end of probation: {profile}"
    );
    ensure!(
        profile.contains("发展党员第 24 步") && profile.contains("团支部推优入党"),
        "the life timeline lists the League's 推优 and the pipeline's steps: {profile}"
    );
    screenshot(app, c, "phone-profile-after-pipeline.png").await?;
    Ok(())
}

both_backends!(
    a_student_is_walked_from_league_member_to_full_party_member,
    |app: TestApp| async move { in_browser(&app, Screen::Phone, walk).await }
);

/// 1366 px: the 组织员 opens the board of their college, sees the branch's applicant counted,
/// and drills down to the branch, where the applicant stands with their step.
async fn board(app: &TestApp, c: Client) -> anyhow::Result<()> {
    let c = &c;
    let person = app.world.people["A001"];
    app.sql(&format!(
        "UPDATE people SET birth_date = '2003-01-01' WHERE id = {person}"
    ))
    .await;
    app.clock.set_today(day("2023-03-01")?);
    let sec = app.session(BRANCH).await;
    let (status, body) = app
        .post_json(
            &sec,
            &format!("/api/v1/members/{person}/pipeline"),
            serde_json::json!({"step": "submit_application", "on": "2023-03-01"}),
        )
        .await;
    ensure!(status == 201, "the application is recorded: {body}");

    sign_in_as(app, c, HIGHER).await?;
    check_viewport(c, Screen::Desktop).await?;
    c.goto(&app.url("/pipeline")).await?;
    let table = text(c, "#board-table").await?;
    ensure!(
        table.contains("甲学院学生第一党支部") && !table.contains("乙学院"),
        "the college's branches, and only those: {table}"
    );
    c.find(Locator::LinkText("甲学院学生第一党支部"))
        .await?
        .click()
        .await?;
    eventually(
        "the branch board lists the applicant with their step",
        || async {
            let page = text(c, "main").await?;
            Ok(page.contains("张伟") && page.contains("已到第 1 步"))
        },
    )
    .await?;
    screenshot(app, c, "desktop-pipeline-branch-board.png").await?;
    Ok(())
}

both_backends!(
    the_organiser_drills_from_the_college_board_to_a_branch,
    |app: TestApp| async move { in_browser(&app, Screen::Desktop, board).await }
);
