//! Outbound webhooks against a real local receiver: signed Standard Webhooks deliveries, retried
//! on the server's clock until they arrive, never lost, and visible in the deliveries list.

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use vedtak::webhooks::signature;
use vedtak_tests::receiver::{Received, Receiver};
use vedtak_tests::*;

const START: &str = "2021-02-15T09:00:00+01:00";
const ALL: [&str; 4] = [
    "enrollment.state_changed",
    "envelope.completed",
    "envelope.declined",
    "deadline.approaching",
];

/// Subscribes `url` to every message of the program; returns (id, secret).
async fn subscribe(app: &TestApp, key: &str, url: &str) -> (String, String) {
    let response = app
        .post(
            key,
            "/v1/programs/helseplattformen/webhooks",
            json!({ "url": url, "events": ALL }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert!(body["secret"].as_str().unwrap().starts_with("whsec_"));
    (
        body["id"].as_str().unwrap().to_owned(),
        body["secret"].as_str().unwrap().to_owned(),
    )
}

/// Each message once, by `webhook-id`, from the requests answered 2xx; every signature checked.
fn delivered(received: &[Received], secret: &str) -> BTreeMap<String, Value> {
    let mut once = BTreeMap::new();
    for r in received {
        assert!(
            signature::verify(secret, &r.signature, &r.id, r.timestamp, r.body.as_bytes()),
            "signature of {}",
            r.id
        );
        if r.answered < 300 {
            once.insert(r.id.clone(), serde_json::from_str(&r.body).unwrap());
        }
    }
    once
}

on_both_backends! {

async fn a_receiver_failing_three_times_gets_every_event_once_with_valid_signatures(aws: bool) {
    let (app, key) = spawn_program_on(aws, START, &[]).await;
    let receiver = Receiver::start(&[500, 500, 500]).await;
    let (id, secret) = subscribe(&app, &key, &receiver.url).await;
    app.enroll(&key, "5027", "Midtre Gauldal").await;
    app.ok(&key, "5027", "notice", json!({})).await;
    app.ok(&key, "5027", "meetings", meeting("2021-02-18")).await;
    receiver.wait_for(2).await;

    // Retries follow the server's clock: move it past each wait instead of waiting.
    for at in ["2021-02-15T09:00:10+01:00", "2021-02-15T09:10:00+01:00", "2021-02-15T10:00:00+01:00"] {
        app.set_clock(at).await;
    }
    let received = receiver.wait_for(5).await;
    let once = delivered(&received, &secret);
    assert_eq!(once.len(), 2, "two state changes, each delivered once: {received:?}");
    let mut messages: Vec<&Value> = once.values().collect();
    messages.sort_by_key(|m| m["data"]["seq"].as_u64());
    assert_eq!(messages[0]["type"], "enrollment.state_changed");
    assert_eq!(messages[0]["data"]["to"], "notice_sent");
    assert_eq!(messages[0]["data"]["seq"], 2);
    assert_eq!(messages[1]["data"]["to"], "meeting_scheduled");
    assert_eq!(messages[1]["data"]["seq"], 3);
    assert_eq!(received.iter().filter(|r| r.answered == 500).count(), 3);

    let list: Value = app.get(&key, &format!("/v1/programs/helseplattformen/webhooks/{id}/deliveries")).await.json().await.unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|d| d["status"] == "delivered"), "{list}");
    let tries: usize = items.iter().map(|d| d["attempts"].as_array().unwrap().len()).sum();
    assert_eq!(tries, 5, "three failed tries and two that arrived: {list}");
}

}

#[tokio::test]
async fn a_commit_whose_process_died_before_delivering_is_delivered_after_restart() {
    let receiver = Receiver::start(&[]).await;
    let first = spawn_with(Options {
        clock_start: Some(START),
        hold_effects: true,
        ..Default::default()
    })
    .await;
    let key = first.create_program("2021-10-31").await;
    subscribe(&first, &key, &receiver.url).await;
    first.enroll(&key, "5026", "Holtålen").await;
    first.ok(&key, "5026", "notice", json!({})).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        receiver.received().is_empty(),
        "nothing was sent before the process died"
    );
    let data = first.stop().await;

    let second = spawn_with(Options {
        clock_start: Some(START),
        data: Some(data),
        ..Default::default()
    })
    .await;
    let received = receiver.wait_for(1).await;
    assert_eq!(received.len(), 1, "{received:?}");
    let message: Value = serde_json::from_str(&received[0].body).unwrap();
    assert_eq!(message["data"]["to"], "notice_sent");
    second.stop().await;
}

#[tokio::test]
async fn an_endpoint_answering_410_is_disabled_and_a_failed_delivery_can_be_retried_by_hand() {
    let (app, key) = spawn_program(START, &[]).await;
    let receiver = Receiver::start(&[410]).await;
    let (id, _) = subscribe(&app, &key, &receiver.url).await;
    app.enroll(&key, "5028", "Melhus").await;
    app.ok(&key, "5028", "notice", json!({})).await;
    receiver.wait_for(1).await;
    let path = format!("/v1/programs/helseplattformen/webhooks/{id}");
    let mut sub: Value = app.get(&key, &path).await.json().await.unwrap();
    for _ in 0..40 {
        if sub["enabled"] == false {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        sub = app.get(&key, &path).await.json().await.unwrap();
    }
    assert_eq!(sub["enabled"], false);
    assert!(sub["disabled_reason"].as_str().unwrap().contains("410"));
    let list: Value = app.get(&key, &format!("{path}/deliveries")).await.json().await.unwrap();
    let delivery = &list["items"][0];
    assert_eq!(delivery["status"], "failed");

    assert_eq!(
        app.post(&key, &format!("{path}/enable"), json!({})).await.status(),
        StatusCode::OK
    );
    let retried = app
        .post(
            &key,
            &format!("{path}/deliveries/{}/retry", delivery["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(retried.status(), StatusCode::OK);
    let retried: Value = retried.json().await.unwrap();
    assert_eq!(retried["status"], "delivered");
    let received = receiver.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].id, received[1].id, "the same webhook-id on every try");
}

#[tokio::test]
async fn during_a_secret_rotation_both_secrets_sign_each_delivery() {
    let (app, key) = spawn_program(START, &[]).await;
    let receiver = Receiver::start(&[]).await;
    let (id, old) = subscribe(&app, &key, &receiver.url).await;
    let rotated: Value = app
        .post(
            &key,
            &format!("/v1/programs/helseplattformen/webhooks/{id}/rotate"),
            json!({"overlap_hours": 2}),
        )
        .await
        .json()
        .await
        .unwrap();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    // Two hours after now (the server's clock runs on from its start).
    let until = rotated["previous_secret_expires_at"].as_str().unwrap();
    assert!(until.starts_with("2021-02-15T10:00:0"), "{until}");
    app.enroll(&key, "5029", "Skaun").await;
    app.ok(&key, "5029", "notice", json!({})).await;
    let r = receiver.wait_for(1).await.remove(0);
    assert_eq!(r.signature.split(' ').count(), 2);
    assert!(signature::verify(
        &old,
        &r.signature,
        &r.id,
        r.timestamp,
        r.body.as_bytes()
    ));
    assert!(signature::verify(
        &new,
        &r.signature,
        &r.id,
        r.timestamp,
        r.body.as_bytes()
    ));

    app.set_clock("2021-02-15T11:00:01+01:00").await;
    app.ok(&key, "5029", "meetings", meeting("2021-02-18")).await;
    let after = receiver.wait_for(2).await.remove(1);
    assert_eq!(
        after.signature.split(' ').count(),
        1,
        "the old secret has stopped signing"
    );
    assert!(signature::verify(
        &new,
        &after.signature,
        &after.id,
        after.timestamp,
        after.body.as_bytes()
    ));
}

#[tokio::test]
async fn webhook_urls_on_loopback_or_private_networks_are_refused_by_a_deployment() {
    let app = spawn_with(Options {
        refuse_private_webhooks: true,
        ..Default::default()
    })
    .await;
    let key = app.create_program("2031-10-31").await;
    for url in [
        "http://127.0.0.1:9/hook",
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest",
        "http://[::1]/x",
        "ftp://example.org/",
    ] {
        let response = app
            .post(
                &key,
                "/v1/programs/helseplattformen/webhooks",
                json!({ "url": url, "events": ALL }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
    }
    let unknown = app
        .post(
            &key,
            "/v1/programs/helseplattformen/webhooks",
            json!({ "url": "https://sak.example.org/h", "events": ["enrollment.created"] }),
        )
        .await;
    assert_eq!(
        unknown.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an event type we do not send"
    );
}

#[tokio::test]
async fn a_redirect_is_not_followed_but_counted_as_a_failed_try() {
    let (app, key) = spawn_program(START, &[]).await;
    let receiver = Receiver::start(&[302]).await;
    let (id, _) = subscribe(&app, &key, &receiver.url).await;
    app.enroll(&key, "5030", "Oppdal").await;
    app.ok(&key, "5030", "notice", json!({})).await;
    receiver.wait_for(1).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let list: Value = app
        .get(&key, &format!("/v1/programs/helseplattformen/webhooks/{id}/deliveries"))
        .await
        .json()
        .await
        .unwrap();
    let delivery = &list["items"][0];
    assert_eq!(delivery["status"], "pending", "{list}");
    assert_eq!(delivery["attempts"][0]["status"], 302);
    assert_eq!(receiver.received().len(), 1, "the redirect was not followed");
}

#[tokio::test]
async fn a_municipality_admin_manages_only_its_own_municipalitys_subscriptions() {
    let (app, key) = spawn_program(START, &[("5027", "Midtre Gauldal")]).await;
    let receiver = Receiver::start(&[]).await;
    let (program_wide, _) = subscribe(&app, &key, &receiver.url).await;
    let municipal = app
        .new_key(&key, json!({"role": "municipality_admin", "municipality": "5027"}))
        .await;
    let created = app
        .post(
            &municipal,
            "/v1/programs/helseplattformen/webhooks",
            json!({ "url": receiver.url, "events": ALL }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["municipality"], "5027", "scoped to its own municipality");
    let list: Value = app
        .get(&municipal, "/v1/programs/helseplattformen/webhooks")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let other = app
        .post(
            &municipal,
            &format!("/v1/programs/helseplattformen/webhooks/{program_wide}/disable"),
            json!({}),
        )
        .await;
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
    assert!(
        list["items"][0].get("secret").is_none(),
        "the secret is shown only once"
    );
}
