//! The settable clock exists only with --allow-time-travel and only moves forward.

use serde_json::{json, Value};
use vedtak_tests::*;

#[tokio::test]
async fn without_time_travel_the_clock_endpoints_are_404() {
    let app = spawn_app().await;
    assert_eq!(app.get(ADMIN, "/v1/clock").await.status(), 404);
    assert_eq!(app.set_clock("2030-01-01T00:00:00Z").await.status(), 404);
}

#[tokio::test]
async fn the_clock_moves_forward_but_never_back() {
    let app = spawn_with(Options {
        clock_start: Some("2021-03-01T12:00:00+01:00"),
        ..Default::default()
    })
    .await;
    assert_eq!(app.client.get(app.url("/v1/clock")).send().await.unwrap().status(), 401);
    let now: Value = app.get(ADMIN, "/v1/clock").await.json().await.unwrap();
    assert!(now["now"].as_str().unwrap().starts_with("2021-03-01T11:00"), "{now}");
    assert_eq!(app.set_clock("2021-06-01T12:00:00+02:00").await.status(), 200);
    assert_eq!(app.set_clock("2021-05-01T12:00:00+02:00").await.status(), 409);
    assert_eq!(app.set_clock("not a time").await.status(), 400);
    let key = app.create_program("2021-10-31").await;
    let r = app
        .client
        .put(app.url("/v1/clock"))
        .bearer_auth(&key)
        .json(&json!({"now": "2021-07-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "only the platform admin moves time");
}
