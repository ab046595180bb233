//! Nothing is lost across a restart, and the history is tamper-evident.

use serde_json::{json, Value};
use vedtak_tests::*;

#[tokio::test]
async fn every_enrollment_event_and_document_survives_a_restart() {
    let app = spawn_with(Options {
        clock_start: Some("2021-03-01T12:00:00+01:00"),
        ..Default::default()
    })
    .await;
    let key = app.create_program("2021-10-31").await;
    app.enroll(&key, "5027", "Midtre Gauldal").await;
    app.ok(&key, "5027", "notice", json!({})).await;
    app.ok(&key, "5027", "decision", adopted_vote("2021-03-01")).await;
    let doc = app
        .client
        .post(app.url("/v1/documents"))
        .bearer_auth(&key)
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.7 protocol".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(doc.status(), 201);
    let sha = doc.json::<Value>().await.unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = app.events(&key, "5027").await;
    let data = app.stop().await;

    let app = spawn_with(Options {
        clock_start: Some("2021-03-02T12:00:00+01:00"),
        data: Some(data),
        ..Default::default()
    })
    .await;
    let e: Value = app
        .get(&key, &format!("/v1/programs/{PROGRAM}/municipalities/5027"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(e["state"], "adopted");
    assert_eq!(e["version"], 3);
    assert_eq!(app.events(&key, "5027").await, before);
    let bytes = app
        .get(&key, &format!("/v1/documents/{sha}"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"%PDF-1.7 protocol");
    assert_eq!(
        app.ok(&key, "5027", "exercise", json!({})).await["version"],
        4,
        "and the work goes on"
    );
}

#[tokio::test]
async fn editing_one_event_of_the_history_is_detected() {
    let app = spawn_with(Options {
        clock_start: Some("2021-03-01T12:00:00+01:00"),
        ..Default::default()
    })
    .await;
    let key = app.create_program("2021-10-31").await;
    app.enroll(&key, "5027", "Midtre Gauldal").await;
    app.ok(&key, "5027", "notice", json!({})).await;
    app.ok(&key, "5027", "decision", adopted_vote("2021-03-01")).await;
    let mut events = app.events(&key, "5027").await;
    vedtak::chain::verify(&events).expect("intact");
    events[2]["data"]["votes_against"] = json!(3);
    let broken = vedtak::chain::verify(&events).unwrap_err();
    assert_eq!(broken.position, 3);
    assert!(broken.problem.contains("content changed"), "{broken}");
}
