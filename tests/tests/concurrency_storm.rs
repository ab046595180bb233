//! Many clients at once: independent lifecycles on many enrollments and conflicting commands
//! on each. Every accepted command has exactly one event, versions have no gaps, the chains
//! verify, and no request ends in a server error — on the embedded store and on DynamoDB Local.

use serde_json::{json, Value};
use std::collections::HashMap;
use vedtak_tests::*;

const MUNICIPALITIES: [(&str, &str); 12] = [
    ("5001", "Trondheim"),
    ("5006", "Steinkjer"),
    ("5007", "Namsos"),
    ("5014", "Frøya"),
    ("5020", "Osen"),
    ("5021", "Oppdal"),
    ("5022", "Rennebu"),
    ("5025", "Røros"),
    ("5026", "Holtålen"),
    ("5027", "Midtre Gauldal"),
    ("5028", "Melhus"),
    ("5029", "Skaun"),
];

/// Conflicting moves fired at once at one enrollment after its decision: one of exercise and
/// decline can win; preferences race each other on the version.
fn conflicting() -> Vec<(&'static str, Value)> {
    vec![
        ("exercise", json!({})),
        ("decline", json!({"reason": "budsjett"})),
        ("exercise", json!({})),
        ("decline", json!({"reason": "avventer"})),
        ("preferences", json!({"preferred_month": "2022-11", "end_users": 300})),
        ("preferences", json!({"preferred_month": "2022-12", "end_users": 400})),
    ]
}

type Outcome = (String, &'static str, u16);

async fn post(app: &TestApp, key: &str, number: &str, command: &'static str, body: Value) -> Outcome {
    let status = app.command(key, number, command, body).await.status().as_u16();
    (number.to_owned(), command, status)
}

async fn lifecycle(app: &TestApp, key: &str, number: &'static str) -> Vec<Outcome> {
    let mut outcomes = vec![post(app, key, number, "notice", json!({})).await];
    outcomes.push(post(app, key, number, "meetings", meeting("2021-03-01")).await);
    outcomes.push(post(app, key, number, "decision", adopted_vote("2021-03-01")).await);
    let storm = conflicting()
        .into_iter()
        .map(|(command, body)| post(app, key, number, command, body));
    outcomes.extend(futures::future::join_all(storm).await);
    outcomes
}

on_both_backends! {

async fn many_clients_every_accepted_command_has_one_event_and_no_request_fails(aws: bool) {
    let (app, key) = spawn_program_on(aws, "2021-03-01T12:00:00+01:00", &MUNICIPALITIES).await;
    let lifecycles = MUNICIPALITIES.iter().map(|(number, _)| lifecycle(&app, &key, number));
    let outcomes: Vec<Outcome> = futures::future::join_all(lifecycles).await.into_iter().flatten().collect();

    let server_errors: Vec<&Outcome> = outcomes.iter().filter(|o| o.2 >= 500).collect();
    assert!(server_errors.is_empty(), "{server_errors:?}");
    let unexpected: Vec<&Outcome> = outcomes.iter().filter(|o| ![200, 409, 412].contains(&o.2)).collect();
    assert!(unexpected.is_empty(), "{unexpected:?}");

    let mut accepted: HashMap<&str, usize> = HashMap::new();
    for (number, _, status) in &outcomes {
        *accepted.entry(number.as_str()).or_default() += usize::from(*status == 200);
    }
    for (number, _) in MUNICIPALITIES {
        let events = app.events(&key, number).await;
        // One event for the enrollment itself, then exactly one per accepted command.
        assert_eq!(events.len(), 1 + accepted[number], "{number}: {outcomes:?}");
        vedtak::chain::verify(&events).unwrap_or_else(|e| panic!("{number}: {e}"));
        let mine = outcomes.iter().filter(|o| o.0 == number);
        let wins = |command: &str| mine.clone().filter(|o| o.1 == command && o.2 == 200).count();
        assert_eq!(wins("exercise") + wins("decline"), 1, "{number}: exactly one of exercise and decline");
        let enrollment: Value = app
            .get(&key, &format!("/v1/programs/{PROGRAM}/municipalities/{number}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(enrollment["version"].as_u64(), Some(events.len() as u64), "{number}");
    }
    let total: usize = accepted.values().sum();
    assert!(total >= MUNICIPALITIES.len() * 4, "at least the lifecycle moves: {total}");
}

}
