//! Optimistic concurrency (`If-Match`) and idempotent retries (`Idempotency-Key`).

use serde_json::{json, Value};
use vedtak_tests::*;

async fn app(aws: bool) -> (TestApp, String) {
    spawn_program_on(aws, "2021-03-01T12:00:00+01:00", &[("5027", "Midtre Gauldal")]).await
}

fn path(command: &str) -> String {
    format!("/v1/programs/{PROGRAM}/municipalities/5027/{command}")
}

on_both_backends! {

async fn a_stale_if_match_is_412_and_a_current_one_is_accepted(aws: bool) {
    let (app, key) = app(aws).await;
    let r = app
        .client
        .post(app.url(&path("notice")))
        .bearer_auth(&key)
        .header("if-match", "\"7\"")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 412);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = app
        .client
        .post(app.url(&path("notice")))
        .bearer_auth(&key)
        .header("if-match", "\"1\"")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"], "\"2\"");
}

async fn the_same_idempotency_key_and_body_returns_the_first_answer_and_changes_nothing(aws: bool) {
    let (app, key) = app(aws).await;
    let send = |body: Value| {
        app.client
            .post(app.url(&path("preferences")))
            .bearer_auth(&key)
            .header("idempotency-key", "pref-1")
            .json(&body)
            .send()
    };
    let first: Value = send(json!({"preferred_month": "2022-11", "end_users": 300}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let again = send(json!({"end_users": 300, "preferred_month": "2022-11"}))
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(first, again);
    assert_eq!(app.events(&key, "5027").await.len(), 2, "one command, one event");

    let other = send(json!({"preferred_month": "2023-01", "end_users": 300}))
        .await
        .unwrap();
    assert_eq!(other.status(), 422, "another body under the same key");
    assert_eq!(app.events(&key, "5027").await.len(), 2);
}

async fn an_idempotency_key_replays_a_refusal_too(aws: bool) {
    let (app, key) = app(aws).await;
    let send = || {
        app.client
            .post(app.url(&path("exercise")))
            .bearer_auth(&key)
            .header("idempotency-key", "ex-1")
            .json(&json!({}))
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 409);
    let first: Value = first.json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(again.status(), 409);
    assert_eq!(again.json::<Value>().await.unwrap(), first);
}

async fn racing_writers_on_one_version_exactly_one_wins_and_the_history_has_no_gap(aws: bool) {
    let (app, key) = app(aws).await;
    app.ok(&key, "5027", "notice", json!({})).await;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let client = app.client.clone();
        let url = app.url(&path("preferences"));
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(key)
                .header("if-match", "\"2\"")
                .json(&json!({"preferred_month": "2022-11", "end_users": 100 + i}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 412).count(), 15, "{statuses:?}");
    let events = app.events(&key, "5027").await;
    assert_eq!(events.len(), 3);
    vedtak::chain::verify(&events).expect("no gap, no fork");
}

async fn concurrent_commands_without_if_match_are_serialised_with_one_event_each(aws: bool) {
    let (app, key) = app(aws).await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let client = app.client.clone();
        let url = app.url(&path("preferences"));
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(key)
                .json(&json!({"preferred_month": "2022-11", "end_users": 1 + i}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let events = app.events(&key, "5027").await;
    assert_eq!(events.len(), 21);
    vedtak::chain::verify(&events).expect("versions without gaps");
}
}
