//! Secrets never reach a log line or an error body: API keys, the admin token, webhook and
//! inbound secrets, signing-link tokens, one-time codes and the keys in keys.json. The whole
//! server logs at debug level into memory while a lifecycle with signing, webhooks, inbound
//! messages and refusals runs; then every secret is looked for in every line.

use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use vedtak::webhooks::signature;
use vedtak_tests::receiver::Receiver;
use vedtak_tests::signing::*;
use vedtak_tests::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Logs as the Lambda functions log (JSON lines, with the request span), at debug level.
fn capture_logs() -> Captured {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .json()
        .with_env_filter("debug")
        .with_current_span(true)
        .with_span_list(true)
        .without_time()
        .with_writer(move || writer.clone())
        .init();
    captured
}

async fn body_of(r: reqwest::Response) -> String {
    r.text().await.unwrap()
}

#[tokio::test]
async fn no_secret_appears_in_any_log_line_or_error_body() {
    let logs = capture_logs();
    let (app, key) = spawn_program("2021-02-18T12:00:00+01:00", &[]).await;
    let mut secrets: Vec<String> = vec![ADMIN.into(), key.clone()];
    let mut bodies: Vec<String> = vec![];

    let receiver = Receiver::start(&[500]).await;
    let hook = json!({"url": receiver.url, "events": ["enrollment.state_changed"]});
    let made: Value = app
        .post(&key, &format!("/v1/programs/{PROGRAM}/webhooks"), hook)
        .await
        .json()
        .await
        .unwrap();
    secrets.push(made["secret"].as_str().unwrap().to_owned());
    exercised(&app, &key, "5027", "Midtre Gauldal").await;
    let municipal = app
        .new_key(&key, json!({"role": "municipality_admin", "municipality": "5027"}))
        .await;
    secrets.push(municipal.clone());
    let inbound: Value = app
        .post(
            &key,
            &format!("/v1/programs/{PROGRAM}/municipalities/5027/inbound-secret"),
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    let inbound_secret = inbound["secret"].as_str().unwrap().to_owned();
    secrets.push(inbound_secret.clone());

    // Refusals that carry a secret in the request: the answer must not echo it.
    bodies.push(
        body_of(
            app.get("vk_not_a_real_key_0123456789abcdef", "/v1/programs/helseplattformen")
                .await,
        )
        .await,
    );
    secrets.push("vk_not_a_real_key_0123456789abcdef".into());
    let message = br#"{"type": "decision.recorded", "municipality": "5027", "data": {}}"#;
    let at = chrono::DateTime::parse_from_rfc3339("2021-02-18T20:00:00+01:00")
        .unwrap()
        .timestamp();
    let forged = signature::header(&["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], "msg_1", at, message);
    let r = app
        .client
        .post(app.url("/v1/inbound/helseplattformen"))
        .header("webhook-id", "msg_1")
        .header("webhook-timestamp", at.to_string())
        .header("webhook-signature", &forged)
        .body(message.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    bodies.push(body_of(r).await);
    secrets.push(forged.trim_start_matches("v1,").to_owned());

    // Signing, with a wrong code first.
    let sha = upload(&app, &key, DOCUMENT).await;
    send_agreement(&app, &key, "5027", "Tjenesteavtale", &sha).await;
    let link = link_of(&app, &director("5027")).await;
    let code = request_code(&app, &director("5027"), &link).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, page) = post_form(&app, &link, &[("consent", "on"), ("code", wrong)]).await;
    assert_eq!(status, 422);
    // The page belongs to the link's holder, so it carries the link; never a code.
    assert!(!contains_token(&page, wrong) && !contains_token(&page, &code), "{page}");
    secrets.extend([link.trim_start_matches("/sign/").to_owned(), code, wrong.to_owned()]);
    app.set_clock("2021-02-18T20:01:00+01:00").await; // a new code may be asked for
    sign_as(&app, &director("5027")).await;
    let ceo_link = link_of(&app, CEO).await;
    sign_as(&app, CEO).await;
    secrets.push(ceo_link.trim_start_matches("/sign/").to_owned());
    receiver.wait_for(2).await;

    let keys: Value = serde_json::from_slice(&std::fs::read(app.data.path().join("keys.json")).unwrap()).unwrap();
    secrets.extend(long_strings(&keys));
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.lines().count() > 50,
        "the logs were captured: {} lines",
        logs.lines().count()
    );
    assert!(logs.contains("/sign/***"), "signing requests are logged, masked");
    for secret in &secrets {
        let found = logs.lines().find(|line| contains_token(line, secret));
        assert!(found.is_none(), "a secret in the logs: {}", found.unwrap());
        for body in &bodies {
            assert!(!contains_token(body, secret), "a secret in an error body: {body}");
        }
    }
    eprintln!(
        "{} secrets looked for in {} log lines and {} error bodies",
        secrets.len(),
        logs.lines().count(),
        bodies.len()
    );
}

/// Every string of 32 characters or more in the keys file: the private keys, in any encoding.
fn long_strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) if s.len() >= 32 => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(long_strings).collect(),
        Value::Object(map) => map.values().flat_map(long_strings).collect(),
        _ => vec![],
    }
}

/// `secret` as a whole token: a six-digit code inside a longer number is not a match.
fn contains_token(text: &str, secret: &str) -> bool {
    text.match_indices(secret).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + secret.len()..].chars().next();
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        !(digit(before) || digit(after))
    })
}
