//! One municipality's whole lifecycle — program, keys, webhook subscription, enrollment,
//! notice, meeting, decision, exercise, document, agreement, both signatures, go-live — driven
//! as a careful client drives it while ports fail: a 5xx is retried (commands with the same
//! `Idempotency-Key`), a code asked too soon is asked again later, a missing e-mail is waited
//! for while the clock moves and the outbox is retried.

use crate::signing::{addressed_to, code_in, link_in, mail_text, CEO, DOCUMENT};
use crate::*;
use reqwest::RequestBuilder;

pub const NUMBER: &str = "5027";
const TRIES: usize = 6;

/// What a run left behind, to compare with the run without faults.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    pub state: String,
    /// Event types in order, without the signers' code requests, which a client may repeat
    /// after a fault.
    pub milestones: Vec<String>,
    /// (recipient, subject) of every distinct e-mail sent.
    pub mails: std::collections::BTreeSet<(String, String)>,
    /// (message type, event, new state) of every distinct webhook received; not the seq, which
    /// a repeated code request moves on.
    pub webhooks: std::collections::BTreeSet<(String, String, String)>,
}

/// Sends until the answer is not a server error; panics if it never is.
async fn send(make: impl Fn() -> RequestBuilder) -> (u16, String) {
    for _ in 0..TRIES {
        let response = make().send().await.expect("request");
        let status = response.status().as_u16();
        if status < 500 {
            return (status, response.text().await.unwrap());
        }
    }
    panic!("still failing after {TRIES} tries")
}

/// Sends and expects one of `ok` (a retried create may meet its own first success).
async fn expect(make: impl Fn() -> RequestBuilder, ok: &[u16]) -> serde_json::Value {
    let (status, body) = send(make).await;
    assert!(ok.contains(&status), "{status}: {body}");
    serde_json::from_str(&body).unwrap_or(serde_json::Value::Null)
}

/// Moves the server's clock by `seconds` (which also runs the sweep and the outbox).
async fn advance(app: &TestApp, seconds: i64) {
    let now: serde_json::Value = expect(|| app.client.get(app.url("/v1/clock")).bearer_auth(ADMIN), &[200]).await;
    let now = chrono::DateTime::parse_from_rfc3339(now["now"].as_str().unwrap()).unwrap();
    let to = (now + chrono::Duration::seconds(seconds)).to_rfc3339();
    expect(
        || {
            app.client
                .put(app.url("/v1/clock"))
                .bearer_auth(ADMIN)
                .json(&json!({ "now": to }))
        },
        &[200],
    )
    .await;
}

/// The e-mails to `email` sent so far (raw), in no particular order.
async fn mails_to(app: &TestApp, email: &str) -> Vec<String> {
    app.outbox(0)
        .await
        .into_iter()
        .filter(|m| addressed_to(m, email))
        .collect()
}

/// An e-mail to `email` containing `needle` and not among `seen`, performing the outbox (and
/// moving the clock past its retry delays) until it has been sent.
async fn mail(app: &TestApp, email: &str, needle: &str, seen: &[String]) -> String {
    for _ in 0..30 {
        let _ = app.dispatcher.run_once().await;
        let new = mails_to(app, email).await.into_iter().filter(|m| !seen.contains(m));
        if let Some(text) = new.map(|m| mail_text(&m)).find(|t| t.contains(needle)) {
            return text;
        }
        advance(app, 20).await;
    }
    panic!("no new e-mail to {email} with {needle:?}")
}

async fn command(app: &TestApp, key: &str, name: &str, body: serde_json::Value) {
    let path = app.url(&format!("/v1/programs/{PROGRAM}/municipalities/{NUMBER}/{name}"));
    let idempotency = format!("fault-run-{name}");
    let make = || {
        app.client
            .post(&path)
            .bearer_auth(key)
            .header("idempotency-key", &idempotency)
            .json(&body)
    };
    expect(make, &[200]).await;
}

/// A signer's turn through the e-mailed link, tolerant of their own earlier half-done tries.
async fn sign(app: &TestApp, email: &str) {
    let link = link_in(&mail(app, email, "/sign/", &[]).await);
    let form = |path: String, fields: Vec<(&'static str, String)>| {
        move || {
            app.client
                .post(app.url(&path))
                .header("sec-fetch-site", "same-origin")
                .form(&fields)
        }
    };
    expect(|| app.client.get(app.url(&link)), &[200]).await;
    for _ in 0..TRIES {
        let before = mails_to(app, email).await;
        let (status, _) = send(form(format!("{link}/code"), vec![])).await;
        if status == 429 {
            advance(app, 31).await; // a code was sent moments ago: ask again when allowed
            continue;
        }
        assert_eq!(status, 200);
        let code = code_in(&mail(app, email, "Din engangskode", &before).await);
        let (status, page) = send(form(link.clone(), vec![("consent", "on".into()), ("code", code)])).await;
        match status {
            200 => return,
            // The signature went through but its answer was lost: the link is now used up.
            410 if page.contains("signert") || page.contains("signed") => return,
            _ => continue,
        }
    }
    panic!("{email} could not sign")
}

/// Runs the lifecycle to its end and lets every effect finish.
pub async fn run(app: &TestApp, receiver: &crate::receiver::Receiver) -> Outcome {
    let programs = || app.client.post(app.url("/v1/programs")).bearer_auth(ADMIN);
    expect(|| programs().json(&program_body(PROGRAM, "2021-10-31")), &[201, 409]).await;
    let keys = app.url(&format!("/v1/programs/{PROGRAM}/keys"));
    let made = expect(
        || {
            app.client
                .post(&keys)
                .bearer_auth(ADMIN)
                .json(&json!({"role": "program_admin"}))
        },
        &[201],
    )
    .await;
    let key = made["key"].as_str().unwrap().to_owned();
    let hooks = app.url(&format!("/v1/programs/{PROGRAM}/webhooks"));
    let hook = json!({"url": receiver.url, "events": ["enrollment.state_changed", "envelope.completed"]});
    expect(|| app.client.post(&hooks).bearer_auth(&key).json(&hook), &[201]).await;
    let enroll = app.url(&format!("/v1/programs/{PROGRAM}/municipalities"));
    let body = municipality_body(NUMBER, "Midtre Gauldal");
    expect(|| app.client.post(&enroll).bearer_auth(&key).json(&body), &[201, 409]).await;

    command(app, &key, "notice", json!({})).await;
    command(app, &key, "meetings", meeting("2021-02-18")).await;
    command(app, &key, "decision", adopted_vote("2021-02-18")).await;
    command(app, &key, "exercise", json!({})).await;
    let upload = || {
        let request = app.client.post(app.url("/v1/documents")).bearer_auth(&key);
        request
            .header("content-type", "application/pdf")
            .body(DOCUMENT.to_vec())
    };
    let sha = expect(upload, &[201]).await["sha256"].as_str().unwrap().to_owned();
    command(
        app,
        &key,
        "agreement",
        json!({"title": "Tjenesteavtale", "document_sha256": sha}),
    )
    .await;
    sign(app, &crate::signing::director(NUMBER)).await;
    sign(app, CEO).await;
    command(app, &key, "golive", json!({"date": "2022-11-12", "end_users": 400})).await;
    settle(app, receiver).await;
    outcome(app, &key, receiver).await
}

/// Lets the outbox and the webhook retries run to the end, moving the clock past the delays.
async fn settle(app: &TestApp, receiver: &crate::receiver::Receiver) {
    for _ in 0..40 {
        let _ = app.dispatcher.run_once().await;
        let pending = app.engine.store.outbox_pending().await.map(|p| p.len()).unwrap_or(1);
        let later = app.engine.now() + chrono::Duration::days(2);
        let waiting = app.engine.store.deliveries_due(later, 1).await;
        if pending == 0 && waiting.is_ok_and(|d| d.is_empty()) && !receiver.received().is_empty() {
            return;
        }
        advance(app, 600).await;
    }
    panic!("effects did not settle")
}

async fn outcome(app: &TestApp, key: &str, receiver: &crate::receiver::Receiver) -> Outcome {
    let base = format!("/v1/programs/{PROGRAM}/municipalities/{NUMBER}");
    let read = |path: String| move || app.client.get(app.url(&path)).bearer_auth(key);
    let events = expect(read(format!("{base}/events")), &[200]).await["items"]
        .as_array()
        .unwrap()
        .clone();
    vedtak::chain::verify(&events).expect("the chain verifies");
    let page_visits = ["signing.code_requested", "signing.code_failed"];
    let milestones = events
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .filter(|t| !page_visits.contains(&t.as_str()))
        .collect();
    let enrollment = expect(read(base), &[200]).await;
    let subject = |raw: &str| {
        raw.lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or("")
            .to_owned()
    };
    let to = |raw: &str| {
        raw.lines()
            .find_map(|l| l.strip_prefix("To: "))
            .unwrap_or("")
            .to_owned()
    };
    let mails = app.outbox(0).await.iter().map(|m| (to(m), subject(m))).collect();
    let webhooks = receiver
        .received()
        .iter()
        .map(|r| serde_json::from_str::<serde_json::Value>(&r.body).unwrap())
        .map(|b| {
            let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_owned();
            (text(&b["type"]), text(&b["data"]["event"]), text(&b["data"]["to"]))
        })
        .collect();
    Outcome {
        state: enrollment["state"].as_str().unwrap().to_owned(),
        milestones,
        mails,
        webhooks,
    }
}
