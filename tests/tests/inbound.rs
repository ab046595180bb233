//! Inbound webhooks: a case-management system posts a council decision, signed with the
//! municipality's inbound secret, and it runs exactly as the API's command would.

use reqwest::StatusCode;
use serde_json::{json, Value};
use vedtak::webhooks::signature;
use vedtak_tests::*;

const START: &str = "2021-02-18T20:00:00+01:00";

fn start_unix() -> i64 {
    chrono::DateTime::parse_from_rfc3339(START).unwrap().timestamp()
}

/// Posts `body` to the inbound endpoint signed with `secret`, as `id` at `timestamp`.
async fn post_signed(app: &TestApp, secret: &str, id: &str, timestamp: i64, body: &Value) -> (StatusCode, Value) {
    let bytes = serde_json::to_vec(body).unwrap();
    let response = app
        .client
        .post(app.url("/v1/inbound/helseplattformen"))
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature::header(&[secret], id, timestamp, &bytes))
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn secret_for(app: &TestApp, key: &str, number: &str) -> String {
    let response = app
        .post(
            key,
            &format!("/v1/programs/helseplattformen/municipalities/{number}/inbound-secret"),
            json!({}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Value>().await.unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn decision(votes_for: u32, present: u32) -> Value {
    json!({"type": "decision.recorded", "municipality": "5027", "data": {
        "body": "kommunestyre", "date": "2021-02-18", "case_number": "21/00245",
        "members": 27, "present": present, "votes_for": votes_for, "votes_against": present - votes_for }})
}

on_both_backends! {

async fn a_signed_decision_moves_the_enrollment_and_a_replay_changes_nothing(aws: bool) {
    let (app, key) = spawn_program_on(aws, START, &[("5027", "Midtre Gauldal")]).await;
    app.ok(&key, "5027", "notice", json!({})).await;
    let secret = secret_for(&app, &key, "5027").await;

    let (status, first) = post_signed(&app, &secret, "msg_esa_1", start_unix(), &decision(25, 25)).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["state"], "adopted");
    let history = app.events(&key, "5027").await;
    assert_eq!(history.last().unwrap()["actor"], "inbound:helseplattformen:5027");

    let (status, again) = post_signed(&app, &secret, "msg_esa_1", start_unix() + 30, &decision(25, 25)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, first, "the replay is answered as the first time");
    assert_eq!(app.events(&key, "5027").await.len(), history.len(), "and changes nothing");
}

async fn a_decision_without_quorum_is_refused_as_the_api_refuses_it(aws: bool) {
    let (app, key) = spawn_program_on(aws, START, &[("5027", "Midtre Gauldal")]).await;
    app.ok(&key, "5027", "notice", json!({})).await;
    let secret = secret_for(&app, &key, "5027").await;
    let (status, inbound) = post_signed(&app, &secret, "msg_esa_2", start_unix(), &decision(10, 10)).await;
    let api = app.command(&key, "5027", "decision", decision(10, 10)["data"].clone()).await;
    assert_eq!(status, api.status());
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let api: Value = api.json().await.unwrap();
    assert_eq!(inbound["type"], api["type"]);
    assert_eq!(inbound["type"], "urn:vedtak:problem:quorum-not-met");
}

}

#[tokio::test]
async fn a_bad_signature_is_401_and_a_stale_timestamp_is_400() {
    let (app, key) = spawn_program(START, &[("5027", "Midtre Gauldal")]).await;
    app.ok(&key, "5027", "notice", json!({})).await;
    let secret = secret_for(&app, &key, "5027").await;
    let before = app.events(&key, "5027").await.len();

    let wrong = signature::new_secret();
    let (status, problem) = post_signed(&app, &wrong, "msg_x", start_unix(), &decision(25, 25)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    let (status, _) = post_signed(&app, &secret, "msg_y", start_unix() - 301, &decision(25, 25)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = post_signed(&app, &secret, "msg_z", start_unix() + 301, &decision(25, 25)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A signature over other bytes than those sent does not hold either.
    let body = serde_json::to_vec(&decision(25, 25)).unwrap();
    let signed_other = signature::header(&[&secret], "msg_w", start_unix(), b"{}");
    let response = app
        .client
        .post(app.url("/v1/inbound/helseplattformen"))
        .header("content-type", "application/json")
        .header("webhook-id", "msg_w")
        .header("webhook-timestamp", start_unix().to_string())
        .header("webhook-signature", signed_other)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.events(&key, "5027").await.len(),
        before,
        "nothing refused changed anything"
    );
}
