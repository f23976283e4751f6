//! Browser tests: headless Chromium signs in and uses the member list at a phone width (390 px)
//! and a desktop width (1366 px), on both databases (harness: `redbranch_testkit::browser`).
//!
//! They assert what a user would notice (which navigation shows, what the table holds), never
//! how fast.

use anyhow::ensure;
use redbranch_testkit::browser::{
    Client, Locator, Screen, check_viewport, eventually, in_browser, path_is, screenshot, shown,
    sign_in, submit_login, text,
};
use redbranch_testkit::{TestApp, both_backends};

/// The names in the member table, top to bottom.
async fn names(c: &Client) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for cell in c
        .find_all(Locator::Css("#member-table tbody tr td:first-child"))
        .await?
    {
        out.push(cell.text().await?.trim().to_string());
    }
    Ok(out)
}

async fn name_sort(c: &Client) -> anyhow::Result<String> {
    Ok(c.find(Locator::Css("#member-table thead th:first-child"))
        .await?
        .attr("aria-sort")
        .await?
        .unwrap_or_default())
}

/// 390 px: sign in, tab bar (not sidebar), members via the tab bar, live search, a profile.
async fn phone_flow(app: &TestApp, c: Client) -> anyhow::Result<()> {
    let c = &c;
    sign_in(app, c).await?;
    check_viewport(c, Screen::Phone).await?;
    ensure!(shown(c, "nav.tabbar").await?, "a phone shows the tab bar");
    ensure!(!shown(c, ".sidebar").await?, "a phone hides the sidebar");

    c.find(Locator::Css("nav.tabbar a[href='/members']"))
        .await?
        .click()
        .await?;
    eventually("the tab bar leads to /members", || async {
        path_is(c, "/members").await
    })
    .await?;
    let before = text(c, "#member-table").await?;
    ensure!(
        before.contains("张伟") && before.contains("王芳"),
        "the branch's members are listed: {before}"
    );
    let current = c
        .find_all(Locator::Css("nav.tabbar a[aria-current]"))
        .await?;
    ensure!(
        current.len() == 1,
        "exactly one tab is marked current, not {}",
        current.len()
    );
    ensure!(
        current[0].attr("href").await?.as_deref() == Some("/members"),
        "the current tab is 成员"
    );
    screenshot(app, c, "phone-members-list.png").await?;

    c.find(Locator::Id("member-q"))
        .await?
        .send_keys("张")
        .await?;
    eventually(
        "typing 张 narrows the table to 张伟 (without a page load)",
        || async {
            let t = text(c, "#member-table").await?;
            Ok(t.contains("张伟") && !t.contains("王芳") && !t.contains("刘洋"))
        },
    )
    .await?;
    ensure!(
        path_is(c, "/members").await?,
        "the search stays on the member list"
    );

    c.find(Locator::LinkText("张伟")).await?.click().await?;
    let profile = format!("/members/{}", app.world.person("A001"));
    eventually("the name opens the profile", || async {
        path_is(c, &profile).await
    })
    .await?;
    let title = text(c, "main h2.card-title").await?;
    ensure!(title.contains("张伟"), "profile title: {title}");
    ensure!(
        shown(c, "nav.tabbar").await?,
        "the tab bar stays on the profile"
    );
    screenshot(app, c, "phone-members.png").await?;
    Ok(())
}

/// 1366 px: a wrong password in Chinese keeping the 学号, then the sidebar (not the tab bar),
/// the member table with its header row, and sorting by 姓名 both ways.
async fn desktop_flow(app: &TestApp, c: Client) -> anyhow::Result<()> {
    let c = &c;
    submit_login(app, c, "seca", "Wrong-pass1").await?;
    eventually("a wrong password is refused with a message", || async {
        shown(c, "#login-error").await
    })
    .await?;
    let error = text(c, "#login-error").await?;
    ensure!(
        error.contains("学号/工号或密码错误"),
        "the refusal is in Chinese: {error}"
    );
    let kept = c.find(Locator::Id("login")).await?.prop("value").await?;
    ensure!(
        kept.as_deref() == Some("seca"),
        "the typed 学号 is kept: {kept:?}"
    );
    screenshot(app, c, "desktop-login-refused.png").await?;

    sign_in(app, c).await?;
    check_viewport(c, Screen::Desktop).await?;
    ensure!(shown(c, ".sidebar").await?, "a desktop shows the sidebar");
    ensure!(
        !shown(c, "nav.tabbar").await?,
        "a desktop hides the tab bar"
    );

    c.find(Locator::Css(".sidebar a[href='/members']"))
        .await?
        .click()
        .await?;
    eventually("the sidebar leads to /members", || async {
        path_is(c, "/members").await
    })
    .await?;
    ensure!(
        shown(c, "#member-table thead").await?,
        "a desktop shows the table's header row"
    );
    let mut listed = names(c).await?;
    listed.sort();
    let mut expected = vec!["张伟", "王芳", "李娜"];
    expected.sort_unstable();
    ensure!(
        listed == expected,
        "the secretary sees exactly the branch: {listed:?}"
    );

    c.find(Locator::LinkText("姓名")).await?.click().await?;
    eventually("姓名 sorts ascending", || async {
        Ok(name_sort(c).await? == "ascending")
    })
    .await?;
    ensure!(
        c.current_url()
            .await?
            .query()
            .is_some_and(|q| q.contains("sort=name")),
        "the sorted list has its own address"
    );
    let asc = names(c).await?;
    // Names sort in pinyin order (李娜, 王芳, 张伟), as a Chinese reader expects.
    let pinyin = ["李娜", "王芳", "张伟"];
    let seen: Vec<&str> = asc
        .iter()
        .map(String::as_str)
        .filter(|n| pinyin.contains(n))
        .collect();
    ensure!(seen == pinyin, "ascending by 姓名 in pinyin order: {asc:?}");
    screenshot(app, c, "desktop-members.png").await?;

    c.find(Locator::LinkText("姓名")).await?.click().await?;
    eventually("姓名 again sorts descending", || async {
        Ok(name_sort(c).await? == "descending")
    })
    .await?;
    let desc = names(c).await?;
    let mut reversed = asc.clone();
    reversed.reverse();
    ensure!(
        desc == reversed,
        "descending is ascending reversed: {asc:?} then {desc:?}"
    );
    ensure!(desc.first() != asc.first(), "the first row changes");
    Ok(())
}

both_backends!(
    on_a_phone_a_secretary_signs_in_searches_the_member_list_and_opens_a_profile,
    |app: TestApp| async move { in_browser(&app, Screen::Phone, phone_flow).await }
);

both_backends!(
    on_a_desktop_a_wrong_password_is_refused_then_the_member_table_sorts_by_name,
    |app: TestApp| async move { in_browser(&app, Screen::Desktop, desktop_flow).await }
);
