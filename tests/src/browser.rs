//! Headless Chromium for end-to-end tests of the server-rendered pages, driven over WebDriver:
//! [`Browser::start`] runs a chromedriver of its own on a free loopback port, with a fresh
//! profile and a phone's screen, and the helpers do what a person does on a page (fill in,
//! tick, press a button, read what is shown).
//!
//! The executables are `$VEDTAK_CHROMEDRIVER` and `$VEDTAK_CHROMIUM`, else Debian's
//! `/usr/bin/chromedriver` and `/usr/bin/chromium` (what `infra/install-tools.sh` installs).
//! Without them the test fails: a browser test that quietly skips would pass while testing
//! nothing.
//!
//! Chromium is chromedriver's child, so killing chromedriver alone would leave it running.
//! chromedriver is therefore started in a process group of its own under a small `sh` that
//! holds a pipe from the test process and kills the whole group once the pipe is closed: when
//! the [`Browser`] is dropped (also when a test panics) and when the test process ends in any
//! way (a test binary ends with `exit`, without running destructors, and may be killed).

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// The screen of a phone (an iPhone 12 to 15, in CSS pixels): the pages are read on phones.
pub const PHONE: Screen = Screen {
    width: 390,
    height: 844,
    mobile: true,
};

/// How long a submitted form may take to bring the next page.
const NAVIGATION: Duration = Duration::from_secs(15);

/// What the page is shown on. Headless Chromium's window is never narrower than 500 pixels and
/// keeps part of its height for browser controls it does not draw, so the size is set with
/// chromedriver's device emulation instead: the page gets exactly `width` x `height` CSS pixels,
/// one device pixel each (screenshots are that size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub width: u32,
    pub height: u32,
    /// Lays the page out as a phone does (a `<meta name="viewport">` is obeyed, a page without
    /// one is laid out 980 pixels wide and shrunk to fit) and with touch input.
    pub mobile: bool,
}

/// A headless Chromium with its chromedriver and profile; all three are gone when it is dropped.
/// [`Browser::close`] ends the session first, letting Chromium shut down on its own.
pub struct Browser {
    client: Client,
    driver: Child,
    /// The profile and chromedriver's log; removed after the processes are killed.
    _dir: TempDir,
}

impl Browser {
    /// A browser on a phone's screen ([`PHONE`]). Panics when Chromium or chromedriver is missing.
    pub async fn start() -> Browser {
        Browser::start_on(PHONE).await
    }

    /// A browser on a screen of this size, laid out as on a desktop.
    pub async fn start_desktop(width: u32, height: u32) -> Browser {
        Browser::start_on(Screen {
            width,
            height,
            mobile: false,
        })
        .await
    }

    /// A browser on `screen`.
    pub async fn start_on(screen: Screen) -> Browser {
        let chromedriver = executable("VEDTAK_CHROMEDRIVER", "/usr/bin/chromedriver");
        let chromium = executable("VEDTAK_CHROMIUM", "/usr/bin/chromium");
        let dir = tempfile::Builder::new()
            .prefix("vedtak-browser-")
            .tempdir()
            .expect("temp dir");
        let (driver, port) = spawn_driver(&chromedriver, dir.path()).await;
        let profile = dir.path().join("profile");
        let Screen { width, height, mobile } = screen;
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            // The network here is closed, and without these Chromium keeps trying to reach
            // Google's hosts (component updates, sync, field trials, default apps).
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-default-apps".to_owned(),
            format!("--user-data-dir={}", profile.display()),
            format!("--window-size={width},{height}"),
        ];
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": args,
                "mobileEmulation": {
                    "deviceMetrics": {"width": width, "height": height, "pixelRatio": 1, "mobile": mobile, "touch": mobile},
                },
            },
            // A page that does not load fails the test within a minute, not WebDriver's five.
            "timeouts": { "pageLoad": 60_000 },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        // chromedriver speaks plain HTTP on 127.0.0.1: no TLS.
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| panic!("no Chromium session: {e}\n{}", log(dir.path())));
        Browser {
            client,
            driver,
            _dir: dir,
        }
    }

    /// Ends the session (Chromium exits and chromedriver waits for it), then stops chromedriver.
    pub async fn close(self) {
        // The client is shared with the Browser being dropped, so close a clone of it.
        let _ = self.client.clone().close().await;
    }

    /// The WebDriver client, for what the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and waits until the page has loaded.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    pub async fn current_url(&self) -> String {
        self.client.current_url().await.expect("current URL").to_string()
    }

    /// The page's text as a person sees it: rendered, without markup or hidden elements.
    pub async fn text(&self) -> String {
        self.find(Locator::Css("body"), "the page's body")
            .await
            .text()
            .await
            .expect("body text")
    }

    /// Types `value` into the field named `name`, replacing what was there.
    pub async fn fill(&self, name: &str, value: &str) {
        let field = self.by_name(name).await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("cannot clear {name}: {e}"));
        field
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("cannot type into {name}: {e}"));
    }

    /// Ticks the checkbox named `name` (leaves it ticked if it is).
    pub async fn check(&self, name: &str) {
        let checkbox = self.by_name(name).await;
        if !checkbox.is_selected().await.expect("checkbox state") {
            checkbox
                .click()
                .await
                .unwrap_or_else(|e| panic!("cannot tick {name}: {e}"));
        }
    }

    /// Presses the submit button labelled `text` and waits until the page it leads to has
    /// replaced this one (so a button that loads no page fails the test).
    pub async fn click_button(&self, text: &str) {
        let label = xpath_literal(text);
        let xpath = format!(
            "//button[normalize-space(.)={label} and (not(@type) or @type='submit')] \
             | //input[@type='submit' and @value={label}]"
        );
        let button = self.find(Locator::XPath(&xpath), &format!("a button {text:?}")).await;
        let page = self.find(Locator::Css("html"), "the page").await;
        button
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot press {text:?}: {e}"));
        // The old page's root goes stale once the next document is there; then wait for it to
        // finish loading.
        let deadline = Instant::now() + NAVIGATION;
        loop {
            match page.is_displayed().await {
                Err(e) if e.is_stale_element_reference() => break,
                Err(e) => panic!("after pressing {text:?}: {e}"),
                Ok(_) if Instant::now() > deadline => panic!("pressing {text:?} loaded no new page"),
                Ok(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        while self.client.execute("return document.readyState", vec![]).await.ok() != Some(json!("complete")) {
            assert!(
                Instant::now() < deadline,
                "the page after {text:?} did not finish loading"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Saves what the screen shows as `target/test-artifacts/<name>.png` in the workspace and
    /// returns the path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-artifacts");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        let path = dir.canonicalize().expect("artifacts dir").join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }

    async fn by_name(&self, name: &str) -> Element {
        let css = format!("[name={}]", css_string(name));
        self.find(Locator::Css(&css), &format!("a field named {name:?}")).await
    }

    async fn find(&self, locator: Locator<'_>, what: &str) -> Element {
        match self.client.find(locator).await {
            Ok(element) => element,
            Err(e) => panic!("{what} is not on {}: {e}", self.current_url().await),
        }
    }
}

impl Drop for Browser {
    /// Closing the pipe makes the watchdog kill chromedriver, Chromium and every helper process
    /// of Chromium's; waiting for it means they are gone before the profile is removed.
    fn drop(&mut self) {
        drop(self.driver.stdin.take());
        let _ = self.driver.wait();
    }
}

fn executable(variable: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from(default), PathBuf::from);
    assert!(
        path.is_file(),
        "{} does not exist: run infra/install-tools.sh (it installs Debian's chromium and \
         chromium-driver), or set {variable}",
        path.display()
    );
    path
}

/// Starts chromedriver under its watchdog and waits until it answers; returns it and its port.
/// A port taken between choosing and binding it is retried with another.
async fn spawn_driver(chromedriver: &Path, dir: &Path) -> (Child, u16) {
    let mut errors = vec![];
    for _ in 0..3 {
        let port = free_port();
        let mut driver = watchdog(chromedriver, port, dir);
        let deadline = Instant::now() + Duration::from_secs(30);
        let error = loop {
            if ready(port).await {
                return (driver, port);
            }
            if let Ok(Some(status)) = driver.try_wait() {
                break format!("chromedriver on port {port} exited ({status}):\n{}", log(dir));
            }
            if Instant::now() > deadline {
                break format!("chromedriver on port {port} did not answer within 30 s:\n{}", log(dir));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        errors.push(error);
        drop(driver.stdin.take());
        let _ = driver.wait();
    }
    panic!("{}", errors.join("\n"));
}

/// `sh` in a new process group: it starts chromedriver ($1, on port $2, logging to $3), and
/// kills the group (itself included) when chromedriver exits or its stdin, a pipe from this
/// process, reaches its end. A non-interactive shell gives background jobs /dev/null as stdin,
/// hence the copy on descriptor 3.
fn watchdog(chromedriver: &Path, port: u16, dir: &Path) -> Child {
    let script = r#"
        exec 3<&0
        "$1" --port="$2" </dev/null 3<&- >"$3" 2>&1 &
        driver=$!
        { read -r _ <&3; kill -KILL 0; } &
        wait "$driver"
        kill -KILL 0
    "#;
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("sh")
        .arg(chromedriver)
        .arg(port.to_string())
        .arg(dir.join("chromedriver.log"))
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run sh: {e}"))
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("local address").port()
}

/// Whether chromedriver at `port` answers that it is ready for a session.
async fn ready(port: u16) -> bool {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("HTTP client");
    let Ok(response) = client.get(format!("http://127.0.0.1:{port}/status")).send().await else {
        return false;
    };
    let status: serde_json::Value = response.json().await.unwrap_or_default();
    status["value"]["ready"] == json!(true)
}

fn log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("chromedriver.log")).unwrap_or_default()
}

/// `s` as an XPath 1.0 string literal (which has no escapes: a string with both kinds of quote
/// is spliced together with concat()).
fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// `s` as a CSS string, for an attribute selector.
fn css_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
