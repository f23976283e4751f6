//! Browser tests of two administrators' pages of the online school, on both databases: a college
//! administrator adjusts a member's points on a phone (390 px) — search, choose, enter +8 with a
//! reason, see the balance and the history change — and reads a course's study rate per branch
//! at desktop width (1366 px), drilling down from the college to a branch.

use anyhow::{Context, ensure};
use redbranch_testkit::browser::{
    Client, Screen, check_viewport, eventually, fill, in_browser, screenshot, shown, sign_in_as,
    tap, text,
};
use redbranch_testkit::coursekit::{read_through, two_article_course};
use redbranch_testkit::{TestApp, both_backends};

async fn adjust(app: &TestApp, c: Client) -> anyhow::Result<()> {
    let c = &c;
    sign_in_as(app, c, "collegea").await?;
    check_viewport(c, Screen::Phone).await?;
    c.goto(&app.url("/points/adjust")).await?;
    fill(c, "adjust-q", "张伟").await?;
    tap(c, "#find button[type=submit]").await?;
    eventually("the search lists 张伟", || async {
        Ok(shown(c, "#found a").await? && text(c, "#found").await?.contains("张伟"))
    })
    .await?;
    tap(c, "#found a").await?;
    eventually("the adjustment form for 张伟", || async {
        shown(c, "#adjust-points").await
    })
    .await?;
    ensure!(text(c, "#balance").await?.trim() == "0", "balance before");
    fill(c, "adjust-points", "+8").await?;
    fill(c, "adjust-reason", "志愿服务 4 小时").await?;
    tap(c, "#adjust button[type=submit]").await?;
    eventually("the balance shows the 8 points", || async {
        Ok(text(c, "#balance").await?.trim() == "8")
    })
    .await?;
    ensure!(
        c.source().await?.contains("积分调整已记录"),
        "the page says the adjustment was recorded"
    );
    let recent = text(c, "#recent").await?;
    ensure!(
        recent.contains("+8") && recent.contains("志愿服务 4 小时"),
        "the history shows the adjustment and its reason: {recent}"
    );
    screenshot(app, c, "points-adjust-phone.png").await?;
    // The member sees the same points (the page wrote them through the ledger).
    let stua = app.session("stua").await;
    let (_, mine) = app.get_json(&stua, "/api/v1/points/me").await;
    ensure!(mine["earned"] == 8, "the member's points: {mine}");
    Ok(())
}

async fn study_rate(app: &TestApp, c: Client) -> anyhow::Result<()> {
    let c = &c;
    let school = app.session("school").await;
    let (course, [first, second]) = two_article_course(app, &school).await;
    app.away_from_midnight();
    let stua = app.session("stua").await;
    read_through(app, &stua, first).await;
    read_through(app, &stua, second).await;
    sign_in_as(app, c, "collegea").await?;
    check_viewport(c, Screen::Desktop).await?;
    let pa = app.world.org("PA").id;
    c.goto(&app.url(&format!("/learn/courses/{course}/study?org={pa}")))
        .await?;
    let summary = text(c, "#summary").await?;
    ensure!(
        summary.contains("33.3%"),
        "one of the college's three members completed: {summary}"
    );
    let ranking = text(c, "#ranking").await?;
    ensure!(
        ranking.contains("甲学院学生第一党支部"),
        "the branches ranked: {ranking}"
    );
    screenshot(app, c, "course-study-desktop.png").await?;
    tap(c, "#ranking a")
        .await
        .context("drill down to the branch")?;
    eventually("the branch's own rate", || async {
        Ok(text(c, "#summary").await?.contains("甲学院学生第一党支部"))
    })
    .await?;
    Ok(())
}

both_backends!(
    a_college_administrator_adjusts_points_on_a_phone,
    |app: TestApp| async move { in_browser(&app, Screen::Phone, adjust).await }
);

both_backends!(
    a_college_administrator_reads_a_courses_study_rate_on_a_desktop,
    |app: TestApp| async move { in_browser(&app, Screen::Desktop, study_rate).await }
);
