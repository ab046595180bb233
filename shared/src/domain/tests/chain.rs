//! The tamper-evident history the domain's events are chained into, and the canonical JSON
//! their hashes are taken over.

use super::*;
use crate::canonical;
use crate::chain::{self, verify, verify_events, BrokenLink, Event, GENESIS_HASH};
use serde_json::{json, Value};

fn five_events() -> Vec<Event> {
    let t0 = utc("2021-11-01T10:00:00Z");
    let types = [
        "enrollment.created",
        "notice.sent",
        "meeting.scheduled",
        "decision.recorded",
        "option.exercised",
    ];
    let mut prev = GENESIS_HASH.to_owned();
    let mut events = Vec::new();
    for (i, event_type) in types.into_iter().enumerate() {
        let seq = i as u64 + 1;
        let at = t0 + Duration::days(i as i64);
        let data = json!({ "step": seq, "note": format!("event {seq}"), "nested": { "b": [1, 2.5, "x"], "a": null } });
        let e = Event::chained(
            seq,
            event_type,
            at,
            at + Duration::seconds(1),
            "program_admin:k1",
            data,
            &prev,
        );
        prev = e.hash.clone();
        events.push(e);
    }
    events
}

fn as_values(events: &[Event]) -> Vec<Value> {
    events.iter().map(|e| serde_json::to_value(e).unwrap()).collect()
}

fn broken_at(r: Result<chain::Head, BrokenLink>) -> BrokenLink {
    r.expect_err("the chain should be broken")
}

#[test]
fn a_chain_of_five_events_verifies_with_head_seq_five() {
    let events = five_events();
    let head = verify_events(&events).unwrap();
    assert_eq!(head.seq, 5);
    assert_eq!(head.hash, events[4].hash);
    assert_eq!(verify(&as_values(&events)).unwrap(), head);
}

#[test]
fn the_first_prev_hash_is_64_zeros_and_each_links_to_the_one_before() {
    let events = five_events();
    assert_eq!(GENESIS_HASH, "0".repeat(64));
    assert_eq!(events[0].prev_hash, "0".repeat(64));
    for pair in events.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1);
        assert_eq!(e.hash.len(), 64);
        assert!(
            e.hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{}",
            e.hash
        );
    }
    // An empty history verifies to the genesis head.
    assert_eq!(
        verify(&[]).unwrap(),
        chain::Head {
            seq: 0,
            hash: GENESIS_HASH.to_owned()
        }
    );
}

#[test]
fn the_hash_is_sha256_over_the_canonical_event_without_its_hash() {
    let e = &five_events()[2];
    let mut v = serde_json::to_value(e).unwrap();
    v.as_object_mut().unwrap().remove("hash");
    assert_eq!(e.hash, canonical::sha256_hex(&v));
    let digest = ring::digest::digest(&ring::digest::SHA256, &canonical::to_vec(&v));
    assert_eq!(e.hash, hex::encode(digest));
    // The event is shown with the contract's field names, prev_hash included in what is hashed.
    let shown = serde_json::to_value(e).unwrap();
    for field in [
        "seq",
        "type",
        "occurred_at",
        "recorded_at",
        "actor",
        "data",
        "prev_hash",
        "hash",
    ] {
        assert!(shown.get(field).is_some(), "{field} missing from {shown}");
    }
    let canonical_text = String::from_utf8(canonical::to_vec(&v)).unwrap();
    assert!(canonical_text.contains("\"prev_hash\":"), "{canonical_text}");
    assert!(!canonical_text.contains("\"hash\":"), "{canonical_text}");
}

#[test]
fn editing_one_events_data_names_that_event_as_content_changed() {
    for position in 1..=5 {
        let mut values = as_values(&five_events());
        values[position - 1]["data"]["note"] = json!("rewritten");
        let broken = broken_at(verify(&values));
        assert_eq!(broken.position, position);
        assert_eq!(broken.seq, position.to_string());
        assert!(broken.problem.contains("content changed"), "{}", broken.problem);
        assert!(broken.to_string().contains(&format!("event {position}")), "{broken}");
    }
}

#[test]
fn editing_any_field_but_the_hash_is_content_changed() {
    let edits: [(&str, Value); 5] = [
        ("type", json!("option.exercised")),
        ("actor", json!("platform_admin:evil")),
        ("occurred_at", json!("2020-01-01T00:00:00Z")),
        ("recorded_at", json!("2020-01-01T00:00:00Z")),
        ("data", json!({})),
    ];
    for (field, value) in edits {
        let mut values = as_values(&five_events());
        values[2][field] = value;
        let broken = broken_at(verify(&values));
        assert_eq!(broken.position, 3, "{field}");
        assert!(
            broken.problem.contains("content changed"),
            "{field}: {}",
            broken.problem
        );
    }
    // Adding a field is a change too.
    let mut values = as_values(&five_events());
    values[1]["extra"] = json!(true);
    assert_eq!(broken_at(verify(&values)).position, 2);
}

#[test]
fn an_edit_resealed_with_a_new_hash_is_caught_at_the_next_link() {
    let mut values = as_values(&five_events());
    values[2]["data"]["note"] = json!("rewritten");
    let rehash = chain::hash_of(&values[2]);
    values[2]["hash"] = json!(rehash);
    let broken = broken_at(verify(&values));
    assert_eq!(broken.position, 4);
    assert!(broken.problem.contains("prev_hash"), "{}", broken.problem);
}

#[test]
fn removing_an_event_names_the_position_where_it_is_missing() {
    for removed in 1..=4 {
        let mut values = as_values(&five_events());
        values.remove(removed - 1);
        let broken = broken_at(verify(&values));
        assert_eq!(broken.position, removed, "removed event {removed}");
        assert_eq!(broken.seq, (removed + 1).to_string());
        assert!(broken.problem.contains("missing"), "{}", broken.problem);
    }
    // Removing the last event leaves a shorter chain that is whole in itself: only a head
    // recorded elsewhere (the enrollment, a certificate) shows it, and the head moves back.
    let mut values = as_values(&five_events());
    values.pop();
    assert_eq!(verify(&values).unwrap().seq, 4);
}

#[test]
fn swapping_two_events_names_the_first_swapped_position() {
    let mut values = as_values(&five_events());
    values.swap(1, 2);
    let broken = broken_at(verify(&values));
    assert_eq!(broken.position, 2);
    assert_eq!(broken.seq, "3");
    // Swapped and renumbered: the seq is right, the link is not.
    let mut values = as_values(&five_events());
    values.swap(3, 4);
    values[3]["seq"] = json!(4);
    values[4]["seq"] = json!(5);
    let broken = broken_at(verify(&values));
    assert_eq!(broken.position, 4);
}

#[test]
fn a_changed_prev_hash_is_detected() {
    let events = five_events();
    let mut values = as_values(&events);
    values[3]["prev_hash"] = json!(events[0].hash);
    let broken = broken_at(verify(&values));
    assert_eq!(broken.position, 4);
    assert!(broken.problem.contains("prev_hash"), "{}", broken.problem);
    // Even resealed, the changed link shows.
    let rehash = chain::hash_of(&values[3]);
    values[3]["hash"] = json!(rehash);
    assert_eq!(broken_at(verify(&values)).position, 4);
    // The first event must start from the genesis hash.
    let mut values = as_values(&events);
    values[0]["prev_hash"] = json!("1".repeat(64));
    let broken = broken_at(verify(&values));
    assert_eq!(broken.position, 1);
}

#[test]
fn an_inserted_or_duplicated_event_is_detected() {
    let events = five_events();
    let mut values = as_values(&events);
    values.insert(2, values[1].clone());
    assert_eq!(broken_at(verify(&values)).position, 3);
    let mut typed = events.clone();
    typed.push(events[4].clone());
    assert_eq!(broken_at(verify_events(&typed)).position, 6);
}

#[test]
fn events_missing_fields_or_with_wrong_types_do_not_verify_and_do_not_panic() {
    let events = five_events();
    for field in ["seq", "prev_hash", "hash"] {
        let mut values = as_values(&events);
        values[2].as_object_mut().unwrap().remove(field);
        assert_eq!(broken_at(verify(&values)).position, 3, "{field}");
    }
    let mut values = as_values(&events);
    values[2]["seq"] = json!("3");
    assert_eq!(broken_at(verify(&values)).position, 3);
    let mut values = as_values(&events);
    values[2] = json!(null);
    assert_eq!(broken_at(verify(&values)).position, 3);
}

#[test]
fn an_exported_history_verifies_as_received_whatever_its_key_order_or_whitespace() {
    let events = five_events();
    let pretty = serde_json::to_string_pretty(&as_values(&events)).unwrap();
    let received: Vec<Value> = serde_json::from_str(&pretty).unwrap();
    assert_eq!(verify(&received).unwrap().hash, events[4].hash);

    // The same first event written by hand, with its members in another order.
    let e = &events[0];
    let text = format!(
        r#"{{ "hash": "{}", "data": {{ "nested": {{ "a": null, "b": [1, 2.5, "x"] }}, "note": "event 1", "step": 1 }},
             "prev_hash": "{}", "actor": "program_admin:k1", "recorded_at": "{}", "occurred_at": "{}",
             "type": "enrollment.created", "seq": 1 }}"#,
        e.hash,
        e.prev_hash,
        e.recorded_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        e.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
    );
    let by_hand: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(verify(&[by_hand]).unwrap().hash, e.hash);
}

#[test]
fn canonical_json_does_not_depend_on_key_order_in_the_input() {
    let a: Value = serde_json::from_str(r#"{"b":1,"a":{"y":[3,{"q":1,"p":2}],"x":"ø"},"c":null}"#).unwrap();
    let b: Value =
        serde_json::from_str(r#"{ "c": null, "a": { "x": "ø", "y": [3, { "p": 2, "q": 1 }] }, "b": 1 }"#).unwrap();
    assert_eq!(canonical::to_vec(&a), canonical::to_vec(&b));
    assert_eq!(canonical::sha256_hex(&a), canonical::sha256_hex(&b));
    assert_eq!(
        String::from_utf8(canonical::to_vec(&a)).unwrap(),
        r#"{"a":{"x":"ø","y":[3,{"p":2,"q":1}]},"b":1,"c":null}"#
    );
    // Array order does matter.
    let c: Value = serde_json::from_str(r#"{"b":1,"a":{"y":[{"q":1,"p":2},3],"x":"ø"},"c":null}"#).unwrap();
    assert_ne!(canonical::sha256_hex(&a), canonical::sha256_hex(&c));
    // The same number written two ways is the same number.
    assert_eq!(
        canonical::to_vec(&json!({"n": 1.0})),
        canonical::to_vec(&json!({"n": 1}))
    );
}

#[test]
fn an_event_hash_does_not_depend_on_the_key_order_of_its_data() {
    let t = utc("2021-11-01T10:00:00Z");
    let d1: Value = serde_json::from_str(r#"{"from":"option_held","to":"notice_sent","x":{"b":2,"a":1}}"#).unwrap();
    let d2: Value = serde_json::from_str(r#"{"x":{"a":1,"b":2},"to":"notice_sent","from":"option_held"}"#).unwrap();
    let e1 = Event::chained(1, "notice.sent", t, t, "scheduler", d1, GENESIS_HASH);
    let e2 = Event::chained(1, "notice.sent", t, t, "scheduler", d2, GENESIS_HASH);
    assert_eq!(e1.hash, e2.hash);
    let e3 = Event::chained(
        1,
        "notice.sent",
        t,
        t,
        "scheduler",
        json!({"from":"option_held","to":"adopted"}),
        GENESIS_HASH,
    );
    assert_ne!(e1.hash, e3.hash);
}
