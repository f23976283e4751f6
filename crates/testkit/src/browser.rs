//! Browser-test support: headless Chromium (Debian's `chromium`, driven through
//! `chromium-driver` over WebDriver) at a phone width (390 px) or a desktop width (1366 px).
//!
//! Each flow starts its own `chromedriver` on a free port and a fresh browser profile. Where the
//! browser is not installed a flow prints a notice and passes, except under `CI=true`, where it
//! fails. Screenshots go to `browser-screens/<backend>/` under `$CARGO_TARGET_DIR` (the system
//! temporary directory when that is unset).

use std::future::Future;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use fantoccini::ClientBuilder;
pub use fantoccini::{Client, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::{Backend, PASSWORD, TestApp};

/// How long to wait for something the page should come to show: only a guard against hanging.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The screen a test uses.
#[derive(Clone, Copy)]
pub enum Screen {
    /// A 390 × 844 phone (an iPhone 14's CSS pixels), emulated by Chromium with touch and the
    /// mobile viewport rules: headless windows are never narrower than 500 px.
    Phone,
    /// A 1366 × 900 window, the most common laptop width.
    Desktop,
}

impl Screen {
    pub fn width(self) -> u32 {
        match self {
            Self::Phone => 390,
            Self::Desktop => 1366,
        }
    }
}

/// One headless Chromium behind its own chromedriver, with a throw-away profile.
pub struct Browser {
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
pub async fn in_browser<'a, F, Fut>(app: &'a TestApp, screen: Screen, flow: F)
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
pub async fn eventually<F, Fut>(what: &str, mut check: F) -> anyhow::Result<()>
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

pub async fn path_is(c: &Client, want: &str) -> anyhow::Result<bool> {
    Ok(c.current_url().await?.path() == want)
}

pub async fn text(c: &Client, css: &str) -> anyhow::Result<String> {
    Ok(c.find(Locator::Css(css)).await?.text().await?)
}

pub async fn shown(c: &Client, css: &str) -> anyhow::Result<bool> {
    Ok(c.find(Locator::Css(css)).await?.is_displayed().await?)
}

/// Opens /login (checking it is the Chinese page) and submits the form.
pub async fn submit_login(
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

/// Signs in as the branch secretary `seca`.
pub async fn sign_in(app: &TestApp, c: &Client) -> anyhow::Result<()> {
    sign_in_as(app, c, "seca").await
}

/// Signs in as one of the world's logins and waits for the home page.
pub async fn sign_in_as(app: &TestApp, c: &Client, login: &str) -> anyhow::Result<()> {
    submit_login(app, c, login, PASSWORD).await?;
    eventually("signing in lands on the home page", || async {
        path_is(c, "/").await
    })
    .await
}

pub async fn check_viewport(c: &Client, screen: Screen) -> anyhow::Result<()> {
    let width = screen.width();
    let inner = c.execute("return window.innerWidth", vec![]).await?;
    ensure!(
        inner.as_u64() == Some(u64::from(width)),
        "the viewport should be {width} px wide, is {inner}"
    );
    Ok(())
}

pub async fn screenshot(app: &TestApp, c: &Client, name: &str) -> anyhow::Result<PathBuf> {
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

/// Taps the element at `css` as a thumb would: brought up from behind the phone's fixed tab bar
/// first.
pub async fn tap(c: &Client, css: &str) -> anyhow::Result<()> {
    let el = c.find(Locator::Css(css)).await?;
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'})",
        vec![serde_json::to_value(&el)?],
    )
    .await?;
    el.click().await?;
    Ok(())
}

/// Types `value` into the input with id `id`. A date input takes keys in the browser's locale
/// order, so its value is set instead.
pub async fn fill(c: &Client, id: &str, value: &str) -> anyhow::Result<()> {
    let input = c.find(Locator::Id(id)).await?;
    if input.attr("type").await?.as_deref() == Some("date") {
        c.execute(
            "arguments[0].value = arguments[1]",
            vec![serde_json::to_value(&input)?, serde_json::json!(value)],
        )
        .await?;
    } else {
        input.clear().await?;
        input.send_keys(value).await?;
    }
    Ok(())
}
