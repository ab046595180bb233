//! Deadline reminders act by themselves: with time travel, each reminder reaches the contact on
//! its day and only once, a sweep that finds several due sends only the latest, and nothing is
//! sent to a municipality that has exercised.

use serde_json::{json, Value};
use vedtak_tests::receiver::Receiver;
use vedtak_tests::signing::mails_to;
use vedtak_tests::*;

fn reminders(mails: &[String]) -> Vec<String> {
    mails
        .iter()
        .filter(|m| m.contains("Om ") && m.contains("går fristen ut"))
        .cloned()
        .collect()
}

#[tokio::test]
async fn reminders_arrive_on_their_days_once_each_and_the_sweep_is_idempotent() {
    // Deadline 2021-10-31 (Oslo). Midtre Gauldal has not exercised; Holtålen has.
    let (app, key) = spawn_program("2021-02-15T09:00:00+01:00", &[("5027", "Midtre Gauldal")]).await;
    let receiver = Receiver::start(&[]).await;
    app.post(
        &key,
        "/v1/programs/helseplattformen/webhooks",
        json!({"url": receiver.url, "events": ["deadline.approaching"]}),
    )
    .await;
    vedtak_tests::signing::exercised(&app, &key, "5026", "Holtålen").await;
    app.ok(&key, "5027", "notice", json!({})).await;
    let contact = "post@5027.kommune.example";

    app.set_clock("2021-09-30T23:59:59+02:00").await;
    assert!(
        reminders(&mails_to(&app, contact, 1).await).is_empty(),
        "not before 00:00 on day 30"
    );
    app.set_clock("2021-10-01T00:00:00+02:00").await;
    app.set_clock("2021-10-01T00:00:00.500+02:00").await; // the same day again: nothing new
    let sent = reminders(&mails_to(&app, contact, 2).await);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].contains("Om 30 dager"), "{}", sent[0]);

    // The server was down for the 14-day reminder: at the 7-day mark only that one goes out.
    app.set_clock("2021-10-24T09:00:00+02:00").await;
    let sent = reminders(&mails_to(&app, contact, 3).await);
    assert_eq!(sent.len(), 2);
    assert!(sent[1].contains("Om 7 dager"), "{}", sent[1]);

    app.set_clock("2021-10-30T00:00:01+02:00").await;
    let sent = reminders(&mails_to(&app, contact, 4).await);
    assert_eq!(sent.len(), 3);
    assert!(sent[2].contains("Om 1 dag "), "{}", sent[2]);
    // Two more sweeps at one and the same instant find nothing left to send.
    let at = app.engine.now();
    let again = vedtak::sweep::sweep(&app.engine, at).await.unwrap();
    let and_again = vedtak::sweep::sweep(&app.engine, at).await.unwrap();
    assert_eq!((again.deadline_reminders, and_again.deadline_reminders), (0, 0));

    let holtalen = reminders(&mails_to(&app, "post@5026.kommune.example", 1).await);
    assert!(holtalen.is_empty(), "an exercised option needs no reminder");

    let events = app.events(&key, "5027").await;
    let days: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "deadline.approaching")
        .map(|e| &e["data"]["days_left"])
        .collect();
    assert_eq!(days, [&json!(30), &json!(7), &json!(1)]);
    let hooks = receiver.wait_for(3).await;
    assert_eq!(hooks.len(), 3, "each reminder is also a deadline.approaching webhook");
    let message: Value = serde_json::from_str(&hooks[2].body).unwrap();
    assert_eq!(message["type"], "deadline.approaching");
    assert_eq!(message["data"]["days_left"], 1);

    // One second after the deadline the sweep lapses it; the exercised one is untouched.
    app.set_clock("2021-11-01T00:00:00+01:00").await;
    let state = |n: &'static str| {
        let app = &app;
        let key = key.clone();
        async move {
            let e: Value = app
                .get(&key, &format!("/v1/programs/helseplattformen/municipalities/{n}"))
                .await
                .json()
                .await
                .unwrap();
            e["state"].as_str().unwrap().to_owned()
        }
    };
    assert_eq!(state("5027").await, "lapsed");
    assert_eq!(state("5026").await, "option_exercised");
}
