//! A municipality's way from option notice to exercise, over HTTP, on the real local assembly.

use serde_json::{json, Value};
use vedtak_tests::*;

const START: &str = "2021-02-15T09:00:00+01:00";

async fn app(aws: bool) -> (TestApp, String) {
    spawn_program_on(aws, START, &[]).await
}

on_both_backends! {

async fn a_municipality_goes_from_option_held_to_option_exercised(aws: bool) {
    let (app, key) = app(aws).await;
    let created = app.enroll(&key, "5027", "Midtre Gauldal").await;
    assert_eq!(created["state"], "option_held");
    assert_eq!(created["version"], 1);
    assert_eq!(created["option_deadline"], "2021-10-31T23:59:59+01:00");
    assert_eq!(created["decision"], Value::Null);
    assert_eq!(created["envelope_id"], Value::Null);
    assert_eq!(created["golive_date"], Value::Null);

    assert_eq!(app.ok(&key, "5027", "notice", json!({})).await["state"], "notice_sent");
    assert_eq!(
        app.ok(&key, "5027", "meetings", meeting("2021-02-18")).await["state"],
        "meeting_scheduled"
    );
    app.set_clock("2021-02-18T20:00:00+01:00").await;
    let adopted = app.ok(&key, "5027", "decision", adopted_vote("2021-02-18")).await;
    assert_eq!(adopted["state"], "adopted");
    assert_eq!(adopted["decision"]["unanimous"], true);
    assert_eq!(adopted["decision"]["outcome"], "adopted");
    let exercised = app.ok(&key, "5027", "exercise", json!({})).await;
    assert_eq!(exercised["state"], "option_exercised");
    assert_eq!(exercised["version"], 5);

    let events = app.events(&key, "5027").await;
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "enrollment.created",
            "notice.sent",
            "meeting.scheduled",
            "decision.recorded",
            "option.exercised"
        ]
    );
    let head = vedtak::chain::verify(&events).expect("the history is an unbroken chain");
    assert_eq!(head.seq, 5);
    assert_eq!(events[0]["prev_hash"], "0".repeat(64));
}

async fn the_notice_is_emailed_to_the_contact_with_the_deadline(aws: bool) {
    let (app, key) = app(aws).await;
    app.enroll(&key, "5026", "Holtålen").await;
    app.ok(&key, "5026", "notice", json!({})).await;
    let mails = app.outbox(1).await;
    assert_eq!(mails.len(), 1, "one notice in the outbox");
    let mail = &mails[0];
    assert!(
        mail.lines()
            .any(|l| l.starts_with("To:") && l.contains("<post@5026.kommune.example>")),
        "{mail}"
    );
    assert!(mail.lines().any(|l| l.starts_with("Subject:")), "{mail}");
    assert!(mail.contains("31.10.2021"), "the deadline is in the notice: {mail}");
}

async fn a_rejected_municipality_is_treated_again_and_adopts(aws: bool) {
    let (app, key) = app(aws).await;
    app.enroll(&key, "5029", "Skaun").await;
    app.ok(&key, "5029", "notice", json!({})).await;
    let tie = json!({"body": "kommunestyre", "date": "2021-02-15", "case_number": "21/512", "members": 21,
        "present": 20, "votes_for": 10, "votes_against": 10, "chair_casting_vote": "against"});
    let rejected = app.ok(&key, "5029", "decision", tie).await;
    assert_eq!(rejected["state"], "rejected");
    assert_eq!(rejected["decision"]["chair_casting_vote"], "against");
    assert_eq!(
        app.ok(&key, "5029", "meetings", meeting("2021-03-18")).await["state"],
        "meeting_scheduled"
    );
    app.set_clock("2021-03-18T21:00:00+01:00").await;
    let adopted = app
        .ok(
            &key,
            "5029",
            "decision",
            json!({"body": "formannskap", "date": "2021-03-18",
        "case_number": "21/512", "members": 7, "present": 7, "votes_for": 5, "votes_against": 2}),
        )
        .await;
    assert_eq!(adopted["state"], "adopted");
    assert_eq!(adopted["decision"]["unanimous"], false);
    assert_eq!(
        app.ok(&key, "5029", "exercise", json!({})).await["state"],
        "option_exercised"
    );
}

async fn a_municipality_that_declines_is_done(aws: bool) {
    let (app, key) = app(aws).await;
    app.enroll(&key, "5032", "Selbu").await;
    app.ok(&key, "5032", "notice", json!({})).await;
    let declined = app
        .ok(
            &key,
            "5032",
            "decline",
            json!({"reason": "Avventer erfaringer fra nabokommunene."}),
        )
        .await;
    assert_eq!(declined["state"], "declined");
    let again = app.command(&key, "5032", "notice", json!({})).await;
    assert_eq!(again.status(), 409);
}

async fn preferences_are_recorded_without_a_state_change(aws: bool) {
    let (app, key) = app(aws).await;
    app.enroll(&key, "5025", "Røros").await;
    let e = app
        .ok(
            &key,
            "5025",
            "preferences",
            json!({"preferred_month": "2022-11", "end_users": 420}),
        )
        .await;
    assert_eq!(e["state"], "option_held");
    assert_eq!(e["version"], 2);
    assert_eq!(e["preferences"]["preferred_month"], "2022-11");
}

async fn the_deadline_ends_at_the_last_second_of_the_day_and_then_the_option_lapses(aws: bool) {
    let (app, key) = app(aws).await;
    for (n, name) in [("5025", "Røros"), ("5031", "Malvik"), ("5014", "Frøya")] {
        app.enroll(&key, n, name).await;
        app.ok(&key, n, "notice", json!({})).await;
    }
    app.ok(&key, "5025", "decision", adopted_vote("2021-02-15")).await;
    app.ok(&key, "5031", "decision", adopted_vote("2021-02-15")).await;
    app.set_clock("2021-10-31T23:59:58+01:00").await;
    assert_eq!(
        app.ok(&key, "5025", "exercise", json!({})).await["state"],
        "option_exercised"
    );

    let moved: Value = app.set_clock("2021-11-01T00:00:00+01:00").await.json().await.unwrap();
    assert_eq!(moved["lapsed"], 2, "Malvik (adopted, not exercised) and Frøya lapse");
    let late = app.command(&key, "5031", "exercise", json!({})).await;
    assert_eq!(late.status(), 409);
    let enrollment: Value = app
        .get(&key, &format!("/v1/programs/{PROGRAM}/municipalities/5031"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(enrollment["state"], "lapsed");
    let exercised: Value = app
        .get(&key, &format!("/v1/programs/{PROGRAM}/municipalities/5025"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        exercised["state"], "option_exercised",
        "an exercised option is untouched"
    );
    let lapse = app.events(&key, "5014").await.last().unwrap().clone();
    assert_eq!(lapse["type"], "enrollment.lapsed");
    assert_eq!(lapse["actor"], "scheduler");
}
}
