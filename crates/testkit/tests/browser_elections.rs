//! Browser test of a whole election at a phone width (390 px), on both databases: the branch
//! secretary creates it through the form and opens it; three members vote in the real page,
//! whose script blinds the token, has it signed and casts the ballot without cookies; the
//! secretary closes and counts; a voter checks their receipt.

use anyhow::{Context, ensure};
use redbranch_testkit::browser::{
    Client, Locator, Screen, check_viewport, eventually, in_browser, screenshot, shown, sign_in_as,
    text,
};
use redbranch_testkit::{TestApp, both_backends};

/// Signs `login` in on a browser that may hold someone else's session.
async fn switch_to(app: &TestApp, c: &Client, login: &str) -> anyhow::Result<()> {
    c.goto(&app.url("/login")).await?;
    c.delete_all_cookies().await?;
    sign_in_as(app, c, login).await
}

/// As a thumb would: brings the element up from behind the phone's fixed tab bar, then taps.
async fn click(c: &Client, css: &str) -> anyhow::Result<()> {
    let el = c.find(Locator::Css(css)).await?;
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'})",
        vec![serde_json::to_value(&el)?],
    )
    .await?;
    // The ballot script swaps the ballot for the receipt as the page settles; a tap computed
    // before that shift can miss, so wait a moment for the layout to be still.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    el.click().await?;
    Ok(())
}

/// Votes for the candidate at `position` on the election page; returns the receipt shown.
async fn vote(app: &TestApp, c: &Client, id: &str, position: u32) -> anyhow::Result<String> {
    c.goto(&app.url(&format!("/elections/{id}"))).await?;
    click(
        c,
        &format!("#ballot input[name=choice][value='{position}']"),
    )
    .await?;
    click(c, "#cast").await?;
    eventually("the receipt is shown", || async {
        shown(c, "#ballot-receipt").await
    })
    .await?;
    let receipt = text(c, "#ballot-receipt code").await?;
    ensure!(
        receipt.len() == 64,
        "a receipt of 64 hex digits, not {receipt:?}"
    );
    Ok(receipt)
}

both_backends!(
    a_full_election_in_the_browser_at_phone_width,
    |app: TestApp| async move {
        in_browser(&app, Screen::Phone, |app, c| async move {
            // The secretary creates the election through the form and opens it.
            sign_in_as(app, &c, "seca").await?;
            check_viewport(&c, Screen::Phone).await?;
            c.goto(&app.url("/elections")).await?;
            let la1 = app.world.org("LA1").id.to_string();
            click(&c, &format!("#el-org option[value='{la1}']")).await?;
            c.find(Locator::Id("el-title"))
                .await?
                .send_keys("第三届团支部委员会选举")
                .await?;
            c.find(Locator::Id("el-candidates"))
                .await?
                .send_keys("2021A001\n2021A002")
                .await?;
            click(&c, "#create-election").await?;
            eventually("the election page opens", || async {
                Ok(c.current_url().await?.path().starts_with("/elections/"))
            })
            .await?;
            let path = c.current_url().await?.path().to_string();
            let id = path.trim_start_matches("/elections/").to_string();
            click(&c, "#open-election").await?;
            eventually("voting is open", || async {
                Ok(text(&c, "#election-status").await?.contains("投票中"))
            })
            .await?;

            // Three members vote; the secretary too, being a member of the branch.
            let mut receipts = Vec::new();
            for (login, position) in [("stua", 0), ("coma", 0), ("seca", 1)] {
                switch_to(app, &c, login).await?;
                receipts.push(vote(app, &c, &id, position).await?);
            }
            screenshot(app, &c, "election-receipt-phone.png").await?;
            let distinct: std::collections::HashSet<&String> = receipts.iter().collect();
            ensure!(
                distinct.len() == 3,
                "three different receipts: {receipts:?}"
            );

            // Close and count.
            c.goto(&app.url(&format!("/elections/{id}"))).await?;
            ensure!(text(&c, "#count-cast").await? == "3", "three ballots cast");
            let close = c.find(Locator::Css("#close-election")).await?;
            c.execute(
                "arguments[0].form.requestSubmit(arguments[0])",
                vec![serde_json::to_value(&close)?],
            )
            .await?;
            let closed = eventually("the count button appears", || async {
                shown(&c, "#tally-election").await
            })
            .await;
            if closed.is_err() {
                screenshot(app, &c, "election-close-failed.png").await?;
                let body = text(&c, "body").await.unwrap_or_default();
                anyhow::bail!(
                    "closing did not lead to counting: {} {body}",
                    c.current_url().await?
                );
            }
            click(&c, "#tally-election").await?;
            eventually("the result is shown", || async {
                shown(&c, "#results").await
            })
            .await?;
            let results = text(&c, "#results").await?;
            ensure!(
                results.contains("张伟") && results.contains("当选"),
                "results: {results}"
            );
            ensure!(results.contains("投票率"), "turnout shown: {results}");
            screenshot(app, &c, "election-result-phone.png").await?;

            // A voter checks their receipt: the ballot is in the box, for 张伟.
            switch_to(app, &c, "stua").await?;
            c.goto(&app.url(&format!("/elections/{id}/receipt?token={}", receipts[0])))
                .await?;
            let found = text(&c, "#receipt-result")
                .await
                .context("the receipt answer")?;
            ensure!(
                found.contains("已在票箱中") && found.contains("张伟"),
                "receipt: {found}"
            );
            Ok(())
        })
        .await;
    }
);
