//! Browser test of 推优入党 at a phone width (390 px), on both databases: the League branch's
//! secretary holds a 推优大会 on the branch's page — ticks the candidate, types the counts and
//! the votes, submits — and the Party branch's committee member accepts it on theirs.

use anyhow::ensure;
use chrono::NaiveDate;
use redbranch_testkit::browser::{
    Client, Locator, Screen, check_viewport, eventually, fill, in_browser, screenshot, sign_in_as,
    tap, text,
};
use redbranch_testkit::{TestApp, both_backends};
use sea_orm::ConnectionTrait;

async fn flow(app: &TestApp, c: Client) -> anyhow::Result<()> {
    let c = &c;
    let person = app.world.people["A001"];
    app.db
        .conn
        .execute_unprepared(&format!(
            "UPDATE people SET birth_date = '2003-01-01', league_joined_on = '2019-05-04', \
             party_applied_on = '2024-01-01' WHERE id = {person}"
        ))
        .await?;
    // A branch of three has a 20 % quota of none; this school lets every branch recommend one.
    app.db
        .conn
        .execute_unprepared(
            "UPDATE tenants SET settings = '{\"league\": {\"recommend_quota_minimum\": 1}}'",
        )
        .await?;
    app.clock
        .set_today(NaiveDate::from_ymd_opt(2024, 10, 8).ok_or_else(|| anyhow::anyhow!("a date"))?);

    sign_in_as(app, c, "seca").await?;
    check_viewport(c, Screen::Phone).await?;
    let league = app.world.orgs["LA1"].id;
    c.goto(&app.url(&format!("/orgs/{league}"))).await?;
    tap(c, &format!("a[href='/orgs/{league}/recommendations']")).await?;
    eventually("the 推优大会 form opens", || async {
        Ok(!c
            .find_all(Locator::Id("meeting-entitled"))
            .await?
            .is_empty())
    })
    .await?;
    tap(c, &format!("input[name=candidate][value='{person}']")).await?;
    fill(c, "meeting-entitled", "3").await?;
    fill(c, "meeting-present", "3").await?;
    fill(c, &format!("yes-{person}"), "3").await?;
    screenshot(app, c, "phone-league-meeting.png").await?;
    tap(c, "#hold-meeting button[type=submit]").await?;
    eventually("the meeting is listed", || async {
        Ok(text(c, "#past-meetings").await?.contains("推优大会通过"))
    })
    .await?;

    c.delete_all_cookies().await?;
    sign_in_as(app, c, "coma").await?;
    let party = app.world.orgs["PA1"].id;
    c.goto(&app.url(&format!("/orgs/{party}/recommendations")))
        .await?;
    let card = text(c, "main").await?;
    ensure!(
        card.contains("张伟"),
        "the Party branch sees the candidate: {card}"
    );
    tap(c, "button[name=decision][value=accepted]").await?;
    eventually("the recommendation is accepted", || async {
        Ok(text(c, "main").await?.contains("党支部已接受"))
    })
    .await?;
    screenshot(app, c, "phone-league-decided.png").await?;
    Ok(())
}

both_backends!(
    a_recommendation_is_held_and_accepted_on_a_phone,
    |app: TestApp| async move {
        in_browser(&app, Screen::Phone, flow).await;
    }
);
