//! The browser harness itself, on a page of its own: a form filled in and sent by headless
//! Chromium reaches the server with exactly what was typed, and what the server sends back as
//! text is shown as text.

use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::{get, post};
use axum::Router;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use vedtak_tests::browser::{Browser, PHONE};

/// Every form the server received, as its fields in order.
type Received = Arc<Mutex<Vec<Vec<(String, String)>>>>;

const FORM: &str = r#"
  <form method="post" action="/submit">
    <label>Navn <input type="text" name="name"></label>
    <label><input type="checkbox" name="consent" value="yes"> Jeg samtykker</label>
    <button type="submit">Send inn</button>
  </form>"#;

#[tokio::test]
async fn a_form_is_filled_and_submitted_in_headless_chromium() {
    let received = Received::default();
    let address = serve(
        Router::new()
            .route("/", get(|| async { page("Skjema", FORM) }))
            .route("/submit", post(submit))
            .with_state(received.clone()),
    )
    .await;

    let started = Instant::now();
    let browser = Browser::start().await;
    browser.goto(&format!("{address}/")).await;
    println!("Chromium started and showed the first page in {:?}", started.elapsed());
    assert!(browser.text().await.contains("Jeg samtykker"));

    // Non-ASCII and markup characters, to see them encoded and decoded on the way.
    let name = "Torbjørg Vanvik & <Sønner>";
    browser.fill("name", name).await;
    browser.check("consent").await;
    browser.click_button("Send inn").await;

    let forms = received.lock().unwrap().clone();
    assert_eq!(
        forms,
        [[
            ("name".to_owned(), name.to_owned()),
            ("consent".to_owned(), "yes".to_owned())
        ]],
        "the server saw one form with exactly what was typed and ticked"
    );
    assert_eq!(browser.current_url().await, format!("{address}/submit"));
    let shown = browser.text().await;
    assert!(shown.contains(&format!("name = {name}")), "{shown}");
    assert!(shown.contains("consent = yes"), "{shown}");

    let path = browser.screenshot("browser-harness-form-submitted").await;
    let png = std::fs::read(&path).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{} is a PNG", path.display());
    // The IHDR chunk's width and height: the screen is a phone's.
    let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!((size(16), size(20)), (PHONE.width, PHONE.height), "screenshot size");
    browser.close().await;
}

#[tokio::test]
async fn markup_the_server_escaped_is_shown_as_text_and_not_run() {
    let address = serve(Router::new().route("/echo", get(echo)).route("/raw", get(raw))).await;
    let browser = Browser::start().await;
    let script = r#"<script>document.title = "ran"</script>"#;
    let url = |path: &str| reqwest::Url::parse_with_params(&format!("{address}{path}"), [("text", script)]).unwrap();

    browser.goto(url("/echo").as_str()).await;
    let shown = browser.text().await;
    assert!(shown.contains(&format!("You wrote: {script}")), "{shown}");
    assert_eq!(
        browser.client().title().await.unwrap(),
        "Echo",
        "the script did not run"
    );

    // The control: the same text put in unescaped does run, so the title would have shown it.
    browser.goto(url("/raw").as_str()).await;
    assert_eq!(browser.client().title().await.unwrap(), "ran");
    browser.close().await;
}

/// Serves `router` on a free loopback port for the rest of the test; returns its address.
async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    address
}

async fn submit(State(received): State<Received>, body: String) -> Html<String> {
    // An application/x-www-form-urlencoded body is decoded the way a URL's query is.
    let url = reqwest::Url::parse(&format!("http://form.invalid/?{body}")).unwrap();
    let fields: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let list: String = fields
        .iter()
        .map(|(k, v)| format!("<li>{} = {}</li>", escape(k), escape(v)))
        .collect();
    received.lock().unwrap().push(fields);
    page("Mottatt", &format!("<p>Mottatt:</p><ul>{list}</ul>"))
}

async fn echo(Query(query): Query<HashMap<String, String>>) -> Html<String> {
    let text = escape(query.get("text").map_or("", String::as_str));
    page("Echo", &format!("<p>You wrote: {text}</p>"))
}

/// `echo` without the escaping: what a page must never do.
async fn raw(Query(query): Query<HashMap<String, String>>) -> Html<String> {
    let text = query.get("text").map_or("", String::as_str);
    page("Echo", &format!("<p>You wrote: {text}</p>"))
}

/// A page as a phone needs it: UTF-8, and laid out for the screen's width (without the viewport
/// tag a phone lays a page out 980 pixels wide and shrinks it).
fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        r#"<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head><body>{body}</body></html>"#
    ))
}

/// HTML escaping for text and attribute values.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
