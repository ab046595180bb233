//! Hostile input over real HTTP: deep JSON, invalid UTF-8, huge and negative numbers, path
//! traversal, header injection in e-mail fields, oversized fields. Each is refused with a
//! problem+json of the contract's status, and afterwards nothing has changed: the same
//! enrollments, versions, events, e-mails and files in the data directory.

use serde_json::{json, Value};
use std::path::Path;
use vedtak_tests::*;

const PROGRAM_PATH: &str = "/v1/programs/helseplattformen";

async fn app() -> (TestApp, String) {
    let (app, key) = spawn_program("2021-03-01T12:00:00+01:00", &[("5027", "Midtre Gauldal")]).await;
    app.ok(&key, "5027", "notice", json!({})).await;
    app.outbox(1).await; // the notice, sent after the answer: not part of what is compared
    (app, key)
}

/// Everything a refused request could have touched.
async fn snapshot(app: &TestApp, key: &str) -> (Value, usize, usize, Vec<String>) {
    let list: Value = app
        .get(key, &format!("{PROGRAM_PATH}/municipalities"))
        .await
        .json()
        .await
        .unwrap();
    let events = app.events(key, "5027").await.len();
    let mails = app.outbox(0).await.len();
    (list, events, mails, files_under(app.data.path()))
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut found = vec![];
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path.display().to_string());
        }
    }
    found.sort();
    found
}

async fn raw_post(app: &TestApp, key: &str, path: &str, body: Vec<u8>) -> reqwest::Response {
    let request = app.client.post(app.url(path)).bearer_auth(key);
    let request = request.header("content-type", "application/json").body(body);
    request.send().await.unwrap()
}

fn decision_path() -> String {
    format!("{PROGRAM_PATH}/municipalities/5027/decision")
}

#[tokio::test]
async fn malformed_bodies_are_400_and_change_nothing() {
    let (app, key) = app().await;
    let before = snapshot(&app, &key).await;
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let mut invalid_utf8 = br#"{"body": "kommunestyre", "date": "2021-03-01", "case_number": "21/1"#.to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, b'"', b'}']);
    // A lawful vote with one count replaced by a number no count can be.
    let vote = |field: &str, number: &str| {
        let v = adopted_vote("2021-03-01");
        let (lawful, hostile) = (format!("\"{field}\":{}", v[field]), format!("\"{field}\":{number}"));
        let text = v.to_string();
        assert!(text.contains(&lawful));
        text.replace(&lawful, &hostile).into_bytes()
    };
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("nested 10,000 deep", deep.into_bytes()),
        ("invalid UTF-8", invalid_utf8),
        ("a count past u32", vote("members", "4294967296")),
        ("a count past f64", vote("members", "1e400")),
        ("a count past u64", vote("present", "184467440737095516160000")),
        ("a negative count", vote("votes_for", "-25")),
        ("a fractional count", vote("present", "24.5")),
        ("a duplicated field", br#"{"reason": "a", "reason": "b"}"#.to_vec()),
        ("a NUL byte outside a string", b"{\"reason\":\0\"x\"}".to_vec()),
        ("an empty body", vec![]),
    ];
    for (what, body) in bodies {
        let path = if what == "a duplicated field" {
            format!("{PROGRAM_PATH}/municipalities/5027/decline")
        } else {
            decision_path()
        };
        let r = raw_post(&app, &key, &path, body).await;
        assert_eq!(r.status(), 400, "{what}");
        expect_problem(r, 400, "malformed-request").await;
    }
    assert_eq!(snapshot(&app, &key).await, before);
}

#[tokio::test]
async fn path_traversal_in_any_name_is_refused_and_touches_no_file() {
    let (app, key) = app().await;
    let before = snapshot(&app, &key).await;
    let mut program = program_body("../../etc", "2021-10-31");
    let r = app.post(ADMIN, "/v1/programs", program.clone()).await;
    expect_problem(r, 422, "invalid-value").await;
    program["id"] = json!("..%2F..%2Fetc");
    expect_problem(app.post(ADMIN, "/v1/programs", program).await, 422, "invalid-value").await;
    let enroll = municipality_body("../5", "Traversal");
    let r = app.post(&key, &format!("{PROGRAM_PATH}/municipalities"), enroll).await;
    expect_problem(r, 422, "invalid-value").await;
    let reads = [
        "/v1/documents/..%2F..%2F..%2Fetc%2Fpasswd",
        "/v1/documents/%2e%2e%2fkeys.json",
        "/v1/envelopes/..%2Fkeys.json",
        "/v1/envelopes/..%2F..%2Fkeys.json/certificate",
        "/v1/programs/..%2F..%2Fetc/municipalities/5027",
        "/v1/programs/helseplattformen/municipalities/..%2F5027/events",
    ];
    for path in reads {
        let r = app.get(&key, path).await;
        let status = r.status().as_u16();
        assert!(status == 404 || status == 400, "{path}: {status}");
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{path}");
        let text = r.text().await.unwrap();
        assert!(!text.contains("root:") && !text.contains("link_key"), "{path}: {text}");
    }
    let (status, page) = signing::get_page(&app, "/sign/..%2F..%2Fkeys.json").await;
    assert_eq!(status, 404);
    assert!(!page.contains("link_key"));
    assert_eq!(snapshot(&app, &key).await, before);
}

#[tokio::test]
async fn header_injection_in_names_and_e_mail_addresses_is_422_and_sends_nothing() {
    let (app, key) = app().await;
    let before = snapshot(&app, &key).await;
    let injections = [
        (
            "/director/email",
            "direktor@5001.kommune.example\r\nBcc: all@evil.example",
        ),
        ("/director/email", "direktor@5001.kommune.example,all@evil.example"),
        ("/director/email", "Direktør <direktor@5001.kommune.example>"),
        ("/director/name", "Direktør\r\nBcc: all@evil.example"),
        ("/director/name", "Direktør\nSubject: signer nå"),
        ("/contact/name", "Kontakt\u{0}"),
        ("/director/title", "Kommunedirektør\r\n\r\n<html>"),
        ("/name", "Trondheim\r\nX-Injected: 1"),
    ];
    for (pointer, value) in injections {
        let mut body = municipality_body("5001", "Trondheim");
        *body.pointer_mut(pointer).unwrap() = json!(value);
        let r = app.post(&key, &format!("{PROGRAM_PATH}/municipalities"), body).await;
        assert_eq!(r.status(), 422, "{pointer} = {value:?}");
        expect_problem(r, 422, "invalid-value").await;
    }
    let mut program = program_body("ondsinnet", "2021-10-31");
    program["counterparty_signer"]["email"] = json!("ceo@helseplattformen.example\r\nBcc: x@evil.example");
    expect_problem(app.post(ADMIN, "/v1/programs", program).await, 422, "invalid-value").await;
    let hook = json!({"url": "https://hooks.example/in\r\nX-Injected: 1", "events": ["enrollment.state_changed"]});
    let r = app.post(&key, &format!("{PROGRAM_PATH}/webhooks"), hook).await;
    expect_problem(r, 422, "invalid-value").await;
    assert_eq!(snapshot(&app, &key).await, before);
}

#[tokio::test]
async fn oversized_fields_and_lists_are_refused_within_the_body_limit() {
    let (app, key) = app().await;
    let before = snapshot(&app, &key).await;
    let long_name = municipality_body("5001", &"Å".repeat(5_000));
    let r = app
        .post(&key, &format!("{PROGRAM_PATH}/municipalities"), long_name)
        .await;
    expect_problem(r, 422, "invalid-value").await;
    let long_case = json!({"body": "kommunestyre", "date": "2021-03-01", "case_number": "1".repeat(5_000)});
    expect_problem(
        app.command(&key, "5027", "meetings", long_case).await,
        422,
        "invalid-value",
    )
    .await;
    let many_events: Vec<String> = (0..2_000).map(|i| format!("e.{i}")).collect();
    let hook = json!({"url": "https://hooks.example/in", "events": many_events});
    let r = app.post(&key, &format!("{PROGRAM_PATH}/webhooks"), hook).await;
    expect_problem(r, 422, "invalid-value").await;
    let query = format!("{PROGRAM_PATH}/municipalities?state={}", "x".repeat(50_000));
    let r = app.get(&key, &query).await;
    let status = r.status().as_u16();
    assert!(status == 400 || status == 414 || status == 431, "{status}");
    assert_eq!(snapshot(&app, &key).await, before);
}

#[tokio::test]
async fn hostile_inbound_signature_headers_are_401_and_change_nothing() {
    let (app, key) = app().await;
    let secret_path = format!("{PROGRAM_PATH}/municipalities/5027/inbound-secret");
    assert_eq!(app.post(&key, &secret_path, json!({})).await.status(), 200);
    let before = snapshot(&app, &key).await;
    let many = (0..2_000)
        .map(|i| format!("v1,{i:0>43}="))
        .collect::<Vec<_>>()
        .join(" ");
    let headers = [
        ("v1,not-base64!!", "msg_1"),
        (many.as_str(), "msg_2"),
        ("v1a,,,,,,", "msg_3"),
        ("", "msg_4"),
        ("v1,", "msg_5"),
    ];
    let message = json!({"type": "decision.recorded", "municipality": "5027", "data": adopted_vote("2021-03-01")});
    let at = chrono::DateTime::parse_from_rfc3339("2021-03-01T12:00:00+01:00").unwrap();
    for (signature, id) in headers {
        let r = app
            .client
            .post(app.url("/v1/inbound/helseplattformen"))
            .header("webhook-id", id)
            .header("webhook-timestamp", at.timestamp().to_string())
            .header("webhook-signature", signature)
            .json(&message)
            .send()
            .await
            .unwrap();
        let short: String = signature.chars().take(40).collect();
        assert_eq!(r.status(), 401, "{short}");
        expect_problem(r, 401, "bad-signature").await;
    }
    assert_eq!(snapshot(&app, &key).await, before);
}
