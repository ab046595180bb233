//! Steps of the signing scenarios, as a signer and an administrator take them: over HTTP, with
//! e-mails read from the outbox the way a person reads their mailbox.

use super::*;
use base64::Engine as _;
use reqwest::StatusCode;

pub const DOCUMENT: &[u8] = b"%PDF-1.7\n% Tjenesteavtale mellom kommunen og Helseplattformen AS\n%%EOF\n";

/// Takes `number` (enrolled or not) to `option_exercised` at 2021-02-18 20:00 Oslo time.
pub async fn exercised(app: &TestApp, key: &str, number: &str, name: &str) {
    app.enroll(key, number, name).await;
    app.ok(key, number, "notice", json!({})).await;
    app.ok(key, number, "meetings", meeting("2021-02-18")).await;
    app.set_clock("2021-02-18T20:00:00+01:00").await;
    app.ok(key, number, "decision", adopted_vote("2021-02-18")).await;
    app.ok(key, number, "exercise", json!({})).await;
}

/// Uploads a document; returns its SHA-256.
pub async fn upload(app: &TestApp, key: &str, bytes: &[u8]) -> String {
    let response = app
        .client
        .post(app.url("/v1/documents"))
        .bearer_auth(key)
        .header("content-type", "application/pdf")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Sends the agreement for signing; returns the enrollment.
pub async fn send_agreement(app: &TestApp, key: &str, number: &str, title: &str, sha: &str) -> Value {
    app.ok(
        key,
        number,
        "agreement",
        json!({ "title": title, "document_sha256": sha }),
    )
    .await
}

/// The text of an RFC 5322 message: its body decoded from quoted-printable or base64.
pub fn mail_text(raw: &str) -> String {
    let normalized = raw.replace("\r\n", "\n");
    let (head, body) = normalized.split_once("\n\n").unwrap_or((&normalized, ""));
    let encoding = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Transfer-Encoding:"))
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match encoding.as_str() {
        "quoted-printable" => {
            let bytes = quoted_printable::decode(body, quoted_printable::ParseMode::Robust).unwrap();
            String::from_utf8(bytes).unwrap()
        }
        "base64" => {
            let joined: String = body.split_whitespace().collect();
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(joined).unwrap()).unwrap()
        }
        _ => body.to_owned(),
    }
}

/// The decoded texts of the e-mails to `email`, oldest first, waiting up to two seconds for
/// `at_least` of them.
pub async fn mails_to(app: &TestApp, email: &str, at_least: usize) -> Vec<String> {
    for _ in 0..40 {
        let mut mine: Vec<String> = app
            .outbox(0)
            .await
            .into_iter()
            .filter(|raw| addressed_to(raw, email))
            .collect();
        mine.sort_by_key(|raw| order_of(raw));
        let mine: Vec<String> = mine.iter().map(|raw| mail_text(raw)).collect();
        if mine.len() >= at_least {
            return mine;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("fewer than {at_least} e-mails to {email}");
}

/// Whether the `To:` header names `email`, also when a long name folded it onto more lines.
pub fn addressed_to(raw: &str, email: &str) -> bool {
    let unfolded = raw.replace("\r\n", "\n").replace("\n ", " ").replace("\n\t", " ");
    unfolded
        .lines()
        .take_while(|l| !l.is_empty())
        .any(|l| l.starts_with("To:") && l.contains(&format!("<{email}>")))
}

/// Where a mail stands in its enrollment's history: the Message-ID ends in the outbox entry's
/// `{version}_{index}`, which file names and send times do not order reliably.
fn order_of(raw: &str) -> (u64, u64) {
    let id = raw
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID:").or_else(|| l.strip_prefix("Message-Id:")))
        .unwrap_or("")
        .trim()
        .trim_start_matches('<')
        .split('@')
        .next()
        .unwrap_or("")
        .to_owned();
    let mut parts = id.rsplit('_').map(|p| p.parse::<u64>().unwrap_or(0));
    let index = parts.next().unwrap_or(0);
    (parts.next().unwrap_or(0), index)
}

/// The signing link in an e-mail, as a path (`/sign/…`).
pub fn link_in(text: &str) -> String {
    let start = text.find("/sign/").expect("a signing link in the e-mail");
    let end = text[start..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| start + i);
    text[start..end].to_owned()
}

/// The six-digit code in a code e-mail.
pub fn code_in(text: &str) -> String {
    text.split_whitespace()
        .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        .expect("a one-time code in the e-mail")
        .to_owned()
}

/// A browser-like form post (same-origin) to a signing page.
pub async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let response = app
        .client
        .post(app.url(path))
        .header("sec-fetch-site", "same-origin")
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

pub async fn get_page(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

/// A signer's whole turn: open the link, ask for a code, read it, sign. Returns the last page.
pub async fn sign_as(app: &TestApp, email: &str) -> String {
    let before = mails_to(app, email, 1).await;
    let link = link_in(before.iter().rev().find(|m| m.contains("/sign/")).unwrap());
    let (status, _) = get_page(app, &link).await;
    assert_eq!(status, StatusCode::OK);
    let code = request_code(app, email, &link).await;
    let (status, page) = post_form(app, &link, &[("consent", "on"), ("code", &code)]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

/// Asks for a code on the page at `link` and reads it from the signer's mailbox.
pub async fn request_code(app: &TestApp, email: &str, link: &str) -> String {
    let before = mails_to(app, email, 0).await.len();
    let (status, page) = post_form(app, &format!("{link}/code"), &[]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    code_in(mails_to(app, email, before + 1).await.last().unwrap())
}

/// The link e-mailed last to `email`.
pub async fn link_of(app: &TestApp, email: &str) -> String {
    let mails = mails_to(app, email, 1).await;
    link_in(mails.iter().rev().find(|m| m.contains("/sign/")).unwrap())
}

pub async fn envelope(app: &TestApp, key: &str, id: &str) -> Value {
    let response = app.get(key, &format!("/v1/envelopes/{id}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

pub fn director(number: &str) -> String {
    format!("direktor@{number}.kommune.example")
}

pub const CEO: &str = "ceo@helseplattformen.example";
