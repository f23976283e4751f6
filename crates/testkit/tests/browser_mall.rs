//! Browser test of the points mall at a phone width (390 px), on both databases: a student with
//! points opens the mall, redeems an item, sees the success, their balance go down and the
//! redemption pending; the item's stock goes down by one.

use anyhow::{Context, ensure};
use redbranch_testkit::browser::{
    Client, Locator, Screen, check_viewport, eventually, in_browser, screenshot, sign_in_as, text,
};
use redbranch_testkit::{TestApp, both_backends};
use serde_json::json;

async fn redeem(app: &TestApp, c: Client) -> anyhow::Result<()> {
    let c = &c;
    let sys = app.session("sys").await;
    let (s, v) = app
        .post_json(
            &sys,
            "/api/v1/points/adjustments",
            json!({"person_id": app.world.person("A001"), "points": 40, "reason": "志愿服务"}),
        )
        .await;
    ensure!(s == 201, "adjustment: {v}");
    let (s, item) = app
        .post_json(&sys, "/api/v1/mall/items", json!({"org_id": app.world.org("LA").id, "name": "团徽", "description": "金属团徽一枚", "price": 15, "stock": 3, "per_person_limit": 1}))
        .await;
    ensure!(s == 201, "item: {item}");
    sign_in_as(app, c, "stua").await?;
    check_viewport(c, Screen::Phone).await?;
    c.goto(&app.url("/mall")).await?;
    let balance = text(c, "#balance").await?;
    ensure!(balance.trim() == "40", "balance before: {balance}");
    let item_css = format!("li[data-item='{}'] button[type=submit]", item["id"]);
    c.find(Locator::Css(&item_css))
        .await
        .context("the redeem button")?
        .click()
        .await?;
    eventually("the mall says the redemption went through", || async {
        Ok(c.source().await?.contains("兑换成功"))
    })
    .await?;
    let balance = text(c, "#balance").await?;
    ensure!(balance.trim() == "25", "balance after: {balance}");
    let mine = text(c, "#mine").await?;
    ensure!(
        mine.contains("团徽") && mine.contains("待发放"),
        "my redemptions: {mine}"
    );
    let stock = text(c, &format!("li[data-item='{}']", item["id"])).await?;
    ensure!(stock.contains("剩余 2 件"), "stock: {stock}");
    screenshot(app, c, "mall-phone.png").await?;
    Ok(())
}

both_backends!(
    a_student_redeems_an_item_on_a_phone,
    |app: TestApp| async move { in_browser(&app, Screen::Phone, redeem).await }
);
