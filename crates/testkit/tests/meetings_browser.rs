//! Browser tests of meetings, on both databases. At a phone width the branch secretary plans a
//! meeting with the plain form, opens the check-in screen and a member's phone (an HTTP client)
//! opens the link in the QR code read from the page; the screen's count follows by itself, and
//! the secretary records the minutes. At a desktop width a member signs in and checks in from
//! the link, and a link whose code has gone stale is refused with the reason.

use anyhow::{Context, ensure};
use chrono::{DateTime, TimeZone, Utc};
use redbranch_testkit::browser::{
    Client, Locator, Screen, check_viewport, eventually, in_browser, path_is, screenshot,
    sign_in_as, text,
};
use redbranch_testkit::{TestApp, both_backends};

/// 2026-03-05 at `h:m` in Beijing time.
fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 5, h, m, 0)
        .single()
        .unwrap_or_default()
        - chrono::Duration::hours(8)
}

/// Sets an input's value by script (date and time inputs take keys in the browser's locale).
async fn set(c: &Client, id: &str, value: &str) -> anyhow::Result<()> {
    c.execute(
        "document.getElementById(arguments[0]).value = arguments[1];",
        vec![id.into(), value.into()],
    )
    .await?;
    Ok(())
}

/// Scrolls an element to the middle of the screen (clear of the phone's tab bar) and clicks it.
async fn click(c: &Client, css: &str) -> anyhow::Result<()> {
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
        vec![css.into()],
    )
    .await?;
    c.find(Locator::Css(css)).await?.click().await?;
    Ok(())
}

async fn plan_meeting(app: &TestApp, c: &Client) -> anyhow::Result<String> {
    c.goto(&app.url("/meetings/new")).await?;
    let kind = c.find(Locator::Id("kind")).await?;
    kind.select_by_value("branch_committee").await?;
    c.find(Locator::Id("title"))
        .await?
        .send_keys("三月支部委员会")
        .await?;
    set(c, "date", "2026-03-05").await?;
    set(c, "start", "14:00").await?;
    set(c, "end", "15:30").await?;
    c.find(Locator::Id("place"))
        .await?
        .send_keys("学院楼 301")
        .await?;
    let boxes = c
        .find_all(Locator::Css("#invitees input[type=checkbox]:checked"))
        .await?;
    ensure!(
        boxes.len() == 3,
        "the branch's members are ticked: {}",
        boxes.len()
    );
    click(c, "#meeting-form button[type=submit]").await?;
    eventually("the new meeting's page opens", || async {
        Ok(c.find(Locator::Id("plan")).await.is_ok())
    })
    .await?;
    let path = c.current_url().await?.path().to_string();
    ensure!(path.starts_with("/meetings/"), "on {path}");
    Ok(path)
}

both_backends!(
    a_secretary_plans_a_meeting_members_check_in_by_qr_and_minutes_are_recorded,
    |app: TestApp| async move {
        app.clock.set_now(at(13, 55));
        in_browser(&app, Screen::Phone, |app, c| async move {
            sign_in_as(app, &c, "seca").await?;
            check_viewport(&c, Screen::Phone).await?;
            let meeting = plan_meeting(app, &c).await?;
            let flash = text(&c, "#toasts").await?;
            ensure!(flash.contains("已通知"), "flash: {flash}");

            c.find(Locator::Id("show-qr")).await?.click().await?;
            eventually("the QR code shows", || async {
                Ok(c.find(Locator::Css("#qr svg")).await.is_ok())
            })
            .await?;
            screenshot(app, &c, "meetings-qr-phone.png").await?;
            let qr = c.find(Locator::Id("qr")).await?;
            let url = qr.attr("data-url").await?.context("data-url")?;
            let code = qr.attr("data-code").await?.context("data-code")?;
            ensure!(url.ends_with(&code), "{url} carries {code}");

            // A member's phone opens the link from the code.
            let phone = app.as_user("stua").await;
            let res = phone.get(&url).send().await?;
            ensure!(res.status() == 200, "scan: {}", res.status());
            ensure!(res.text().await?.contains("签到成功"), "the phone says so");
            // The organiser's screen catches up by itself (htmx polls every 10 s).
            eventually("the screen counts the member", || async {
                Ok(text(&c, "#checked-in").await?.trim() == "1")
            })
            .await?;

            // After the meeting: the minutes.
            app.clock.set_now(at(15, 35));
            c.goto(&app.url(&meeting)).await?;
            let row = c.find(Locator::Css("tr[data-status=present]")).await?;
            ensure!(row.text().await?.contains("张伟"), "the member is present");
            let box_ = c.find(Locator::Id("minutes-body")).await?;
            box_.send_keys("一、学习《中国共产党支部工作条例（试行）》\n二、讨论发展计划")
                .await?;
            c.find(Locator::Id("resolutions"))
                .await?
                .send_keys("同意确定张伟为入党积极分子")
                .await?;
            click(&c, "#minutes-form button[type=submit]").await?;
            eventually("the minutes are shown", || async {
                Ok(text(&c, "#minutes-text")
                    .await?
                    .contains("二、讨论发展计划"))
            })
            .await?;
            let status = text(&c, "#meeting-status").await?;
            ensure!(status.contains("已召开"), "status: {status}");
            screenshot(app, &c, "meetings-minutes-phone.png").await?;
            Ok(())
        })
        .await;
    }
);

both_backends!(
    a_member_checks_in_from_the_link_at_a_desk_and_a_stale_link_is_refused,
    |app: TestApp| async move {
        app.clock.set_now(at(13, 55));
        let sec = app.session("seca").await;
        let org = app.world.orgs["PA1"].id;
        let (s, m) = app
            .post_json(
                &sec,
                "/api/v1/meetings",
                serde_json::json!({"org_id": org, "kind": "theme_party_day", "title": "主题党日",
                    "date": "2026-03-05", "start": "14:00", "end": "16:00", "online_link": "https://meeting.tencent.com/dm/x"}),
            )
            .await;
        assert_eq!(s, 201, "{m}");
        let id = m["id"].as_i64().unwrap_or_default();
        in_browser(&app, Screen::Desktop, |app, c| async move {
            sign_in_as(app, &c, "stua").await?;
            check_viewport(&c, Screen::Desktop).await?;
            // The notice on the home page leads to the meeting.
            c.goto(&app.url("/")).await?;
            let home = text(&c, "main").await?;
            ensure!(home.contains("会议通知：主题党日"), "home: {home}");
            c.goto(&app.url(&format!("/checkin/{id}/0123456789abcdef0123")))
                .await?;
            let refused = text(&c, "#scan-result").await?;
            ensure!(refused.contains("二维码"), "stale: {refused}");
            let (_, v) = {
                let res = sec
                    .0
                    .get(app.url(&format!("/api/v1/meetings/{id}/checkin-code")))
                    .send()
                    .await?;
                (res.status(), res.json::<serde_json::Value>().await?)
            };
            let path = v["path"].as_str().context("path")?.to_string();
            c.goto(&app.url(&path)).await?;
            let ok = text(&c, "#scan-result").await?;
            ensure!(ok.contains("签到成功"), "checked in: {ok}");
            c.find(Locator::Css("#scan-result a"))
                .await?
                .click()
                .await?;
            eventually("the meeting page opens", || async {
                path_is(&c, &format!("/meetings/{id}")).await
            })
            .await?;
            let mine = text(&c, "#mine").await?;
            ensure!(mine.contains("出席"), "my attendance: {mine}");
            screenshot(app, &c, "meetings-member-desktop.png").await?;
            Ok(())
        })
        .await;
    }
);
