//! Wrong moves answer the contract's status codes, as problem+json, and change nothing.

use serde_json::{json, Value};
use vedtak_tests::*;

async fn app() -> (TestApp, String) {
    let (app, key) = spawn_program("2021-03-01T12:00:00+01:00", &[("5027", "Midtre Gauldal")]).await;
    app.ok(&key, "5027", "notice", json!({})).await;
    (app, key)
}

async fn version(app: &TestApp, key: &str) -> u64 {
    let e: Value = app
        .get(key, &format!("/v1/programs/{PROGRAM}/municipalities/5027"))
        .await
        .json()
        .await
        .unwrap();
    e["version"].as_u64().unwrap()
}

#[tokio::test]
async fn exercise_before_a_decision_is_409() {
    let (app, key) = app().await;
    expect_problem(
        app.command(&key, "5027", "exercise", json!({})).await,
        409,
        "not-allowed-in-state",
    )
    .await;
    assert_eq!(version(&app, &key).await, 2, "nothing changed");
}

#[tokio::test]
async fn a_decision_without_quorum_is_422() {
    let (app, key) = app().await;
    let vote = json!({"body": "kommunestyre", "date": "2021-03-01", "case_number": "21/1", "members": 27, "present": 13, "votes_for": 13, "votes_against": 0});
    expect_problem(app.command(&key, "5027", "decision", vote).await, 422, "quorum-not-met").await;
    assert_eq!(version(&app, &key).await, 2);
}

#[tokio::test]
async fn a_tie_without_the_chairs_casting_vote_is_422() {
    let (app, key) = app().await;
    let vote = json!({"body": "formannskap", "date": "2021-03-01", "case_number": "21/1", "members": 9, "present": 8, "votes_for": 4, "votes_against": 4});
    expect_problem(
        app.command(&key, "5027", "decision", vote).await,
        422,
        "tie-without-casting-vote",
    )
    .await;
}

#[tokio::test]
async fn votes_that_do_not_add_up_to_present_are_422() {
    let (app, key) = app().await;
    let vote = json!({"body": "kommunestyre", "date": "2021-03-01", "case_number": "21/1", "members": 27, "present": 25, "votes_for": 20, "votes_against": 3});
    expect_problem(
        app.command(&key, "5027", "decision", vote).await,
        422,
        "votes-do-not-add-up",
    )
    .await;
}

#[tokio::test]
async fn a_decision_dated_in_the_future_is_422() {
    let (app, key) = app().await;
    expect_problem(
        app.command(&key, "5027", "decision", adopted_vote("2021-03-02")).await,
        422,
        "invalid-value",
    )
    .await;
}

#[tokio::test]
async fn a_bad_municipality_number_is_422_and_an_unknown_one_404() {
    let (app, key) = app().await;
    let r = app
        .post(
            &key,
            &format!("/v1/programs/{PROGRAM}/municipalities"),
            municipality_body("502", "Nowhere"),
        )
        .await;
    let body = expect_problem(r, 422, "invalid-value").await;
    assert!(body["detail"].as_str().unwrap().starts_with("number"), "{body}");
    expect_problem(app.command(&key, "9999", "notice", json!({})).await, 404, "not-found").await;
    expect_problem(
        app.get(&key, &format!("/v1/programs/{PROGRAM}/municipalities/1234"))
            .await,
        404,
        "not-found",
    )
    .await;
}

#[tokio::test]
async fn enrolling_the_same_municipality_twice_is_409() {
    let (app, key) = app().await;
    let r = app
        .post(
            &key,
            &format!("/v1/programs/{PROGRAM}/municipalities"),
            municipality_body("5027", "Midtre Gauldal"),
        )
        .await;
    expect_problem(r, 409, "already-exists").await;
}

#[tokio::test]
async fn malformed_json_and_wrong_types_are_400() {
    let (app, key) = app().await;
    let path = app.url(&format!("/v1/programs/{PROGRAM}/municipalities/5027/decision"));
    let r = app
        .client
        .post(&path)
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body("{\"body\": ")
        .send()
        .await
        .unwrap();
    expect_problem(r, 400, "malformed-request").await;
    let negative = json!({"body": "kommunestyre", "date": "2021-03-01", "case_number": "21/1", "members": 27, "present": -1, "votes_for": 0, "votes_against": 0});
    expect_problem(
        app.command(&key, "5027", "decision", negative).await,
        400,
        "malformed-request",
    )
    .await;
    let r = app
        .get(&key, &format!("/v1/programs/{PROGRAM}/municipalities?state=approved"))
        .await;
    expect_problem(r, 400, "malformed-request").await;
    assert_eq!(version(&app, &key).await, 2);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let (app, key) = app().await;
    let huge = json!({"reason": "x".repeat(200 * 1024)});
    expect_problem(app.command(&key, "5027", "decline", huge).await, 413, "body-too-large").await;
    assert_eq!(version(&app, &key).await, 2);
}

#[tokio::test]
async fn unknown_routes_are_404_problems() {
    let (app, key) = app().await;
    expect_problem(app.get(&key, "/v1/nothing-here").await, 404, "not-found").await;
    let r = app
        .client
        .delete(app.url("/v1/programs"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    expect_problem(r, 405, "method-not-allowed").await;
}
