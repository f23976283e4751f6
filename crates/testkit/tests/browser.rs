//! Browser tests: headless Chromium (Debian's `chromium`, driven through `chromium-driver` over
//! WebDriver) signs in and uses the member list at a phone width (390 px) and a desktop width
//! (1366 px), on both databases.
//!
//! Each test starts its own `chromedriver` on a free port and a fresh browser profile, and
//! asserts what a user would notice (which navigation shows, what the table holds), never how
//! fast. Where the browser is not installed the tests print a notice and pass, except under
//! `CI=true`, where they fail. Screenshots go to `browser-screens/<backend>/` under
//! `$CARGO_TARGET_DIR` (the system temporary directory when that is unset).

use std::future::Future;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use redbranch_testkit::{Backend, PASSWORD, TestApp, both_backends};
use serde_json::json;

/// How long to wait for something the page should come to show: only a guard against hanging.
const PATIENCE: Duration = Duration::from_secs(20);

/// The screen a test uses.
#[derive(Clone, Copy)]
enum Screen {
    /// A 390 × 844 phone (an iPhone 14's CSS pixels), emulated by Chromium with touch and the
    /// mobile viewport rules: headless windows are never narrower than 500 px.
    Phone,
    /// A 1366 × 900 window, the most common laptop width.
    Desktop,
}

impl Screen {
    fn width(self) -> u32 {
        match self {
            Self::Phone => 390,
            Self::Desktop => 1366,
        }
    }
}

/// One headless Chromium behind its own chromedriver, with a throw-away profile.
struct Browser {
    client: Client,
    driver: Child,
    profile: PathBuf,
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

impl Browser {
    /// Starts a browser showing pages on `screen`, or `None` (after a notice) where Chromium
    /// or chromedriver is missing outside CI.
    async fn launch(screen: Screen) -> Option<Self> {
        let (Some(chromium), Some(chromedriver)) = (on_path("chromium"), on_path("chromedriver"))
        else {
            let what = "the browser tests need `chromium` and `chromedriver` on PATH \
                        (apt-get install chromium chromium-driver)";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{what}; they are required under CI=true");
            }
            eprintln!("NOTICE: skipping this browser test: {what}");
            return None;
        };
        match Self::try_launch(&chromium, &chromedriver, screen).await {
            Ok(b) => Some(b),
            Err(e) => panic!("cannot start headless Chromium: {e:#}"),
        }
    }

    async fn try_launch(
        chromium: &std::path::Path,
        chromedriver: &std::path::Path,
        screen: Screen,
    ) -> anyhow::Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let profile = std::env::temp_dir().join(format!(
            "redbranch-chromium-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&profile)?;
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("spawn {}", chromedriver.display()))?;
        // From here on the driver is ours to stop, whatever happens next.
        let mut partial = Partial {
            driver: Some(driver),
            profile: profile.clone(),
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            ensure!(
                started.elapsed() < PATIENCE,
                "chromedriver did not listen on {addr}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let window = match screen {
            Screen::Phone => "--window-size=390,844",
            Screen::Desktop => "--window-size=1366,900",
        };
        let mut options = json!({
            "binary": chromium.display().to_string(),
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
                "--lang=zh-CN",
                format!("--user-data-dir={}", profile.display()),
                window,
            ],
            "prefs": { "intl.accept_languages": "zh-CN" },
        });
        if let Screen::Phone = screen {
            options["mobileEmulation"] = json!({
                "deviceMetrics": { "width": 390, "height": 844, "pixelRatio": 2, "touch": true, "mobile": true },
            });
        }
        let serde_json::Value::Object(caps) =
            json!({ "browserName": "chrome", "goog:chromeOptions": options })
        else {
            bail!("capabilities are an object");
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://{addr}"))
            .await
            .context("open a WebDriver session")?;
        let driver = partial.driver.take().context("the driver is still there")?;
        Ok(Self {
            client,
            driver,
            profile,
        })
    }

    /// Ends the session (Chromium quits), stops chromedriver and removes the profile.
    async fn quit(mut self) {
        let _ = self.client.clone().close().await;
        self.stop_driver();
    }

    fn stop_driver(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.stop_driver();
    }
}

/// A chromedriver started but not yet handed to a [`Browser`]: stopped if launching fails.
struct Partial {
    driver: Option<Child>,
    profile: PathBuf,
}

impl Drop for Partial {
    fn drop(&mut self) {
        if let Some(mut d) = self.driver.take() {
            let _ = d.kill();
            let _ = d.wait();
            let _ = std::fs::remove_dir_all(&self.profile);
        }
    }
}

/// Runs one flow in a fresh browser; the session is closed before a failure is reported.
async fn in_browser<'a, F, Fut>(app: &'a TestApp, screen: Screen, flow: F)
where
    F: FnOnce(&'a TestApp, Client) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let Some(browser) = Browser::launch(screen).await else {
        return;
    };
    let outcome = flow(app, browser.client.clone()).await;
    browser.quit().await;
    if let Err(e) = outcome {
        panic!("{e:#}");
    }
}

/// Waits until `check` answers true; an error from it (an element mid-swap) counts as "not yet".
async fn eventually<F, Fut>(what: &str, mut check: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<bool>>,
{
    let started = Instant::now();
    loop {
        let last = match check().await {
            Ok(true) => return Ok(()),
            Ok(false) => "the condition was false".to_string(),
            Err(e) => format!("{e:#}"),
        };
        if started.elapsed() > PATIENCE {
            bail!("gave up waiting until {what} ({last})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn path_is(c: &Client, want: &str) -> anyhow::Result<bool> {
    Ok(c.current_url().await?.path() == want)
}

async fn text(c: &Client, css: &str) -> anyhow::Result<String> {
    Ok(c.find(Locator::Css(css)).await?.text().await?)
}

async fn shown(c: &Client, css: &str) -> anyhow::Result<bool> {
    Ok(c.find(Locator::Css(css)).await?.is_displayed().await?)
}

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

/// Opens /login (checking it is the Chinese page) and submits the form.
async fn submit_login(
    app: &TestApp,
    c: &Client,
    login: &str,
    password: &str,
) -> anyhow::Result<()> {
    c.goto(&app.url("/login")).await?;
    let lang = c.find(Locator::Css("html")).await?.attr("lang").await?;
    ensure!(
        lang.as_deref().is_some_and(|l| l.starts_with("zh")),
        "the sign-in page should be Chinese for a zh-CN browser, not {lang:?}"
    );
    let label = text(c, "label[for=login]").await?;
    ensure!(label.contains("学号"), "login label: {label}");
    let login_box = c.find(Locator::Id("login")).await?;
    login_box.clear().await?;
    login_box.send_keys(login).await?;
    let password_box = c.find(Locator::Id("password")).await?;
    password_box.clear().await?;
    password_box.send_keys(password).await?;
    c.find(Locator::Css("form[action='/login'] button[type=submit]"))
        .await?
        .click()
        .await?;
    Ok(())
}

async fn sign_in(app: &TestApp, c: &Client) -> anyhow::Result<()> {
    submit_login(app, c, "seca", PASSWORD).await?;
    eventually("signing in lands on the home page", || async {
        path_is(c, "/").await
    })
    .await
}

async fn check_viewport(c: &Client, screen: Screen) -> anyhow::Result<()> {
    let width = screen.width();
    let inner = c.execute("return window.innerWidth", vec![]).await?;
    ensure!(
        inner.as_u64() == Some(u64::from(width)),
        "the viewport should be {width} px wide, is {inner}"
    );
    Ok(())
}

async fn screenshot(app: &TestApp, c: &Client, name: &str) -> anyhow::Result<PathBuf> {
    let base = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(std::env::temp_dir, PathBuf::from)
        .join("browser-screens")
        .join(match app.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        });
    std::fs::create_dir_all(&base)?;
    let path = base.join(name);
    std::fs::write(&path, c.screenshot().await?)?;
    eprintln!("screenshot: {}", path.display());
    Ok(path)
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
