//! The hash chain verifier, given any JSON as a history. It must name a broken link inside the
//! list, or accept; what it accepts must also hold link by link (every prefix verifies) and as
//! typed events; and no history other than the known one can end in one of its hashes, since
//! that would mean content was changed without changing the hash.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::sync::OnceLock;
use vedtak::canonical;
use vedtak::chain::{self, Event, GENESIS_HASH};

pub fn check(data: &[u8]) {
    let Ok(Value::Array(events)) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let head = match chain::verify(&events) {
        Err(broken) => {
            assert!(
                (1..=events.len()).contains(&broken.position),
                "{broken} names no event of the list"
            );
            return;
        }
        Ok(head) => head,
    };
    assert_eq!(head.seq, events.len() as u64);
    let last_hash = events
        .last()
        .map_or(GENESIS_HASH, |e| e["hash"].as_str().expect("verified"));
    assert_eq!(head.hash, last_hash);
    if let Some((_, prefix)) = events.split_last() {
        chain::verify(prefix).expect("a prefix of a verified history verifies");
    }
    if let Ok(typed) = serde_json::from_value::<Vec<Event>>(Value::Array(events.clone())) {
        assert_eq!(
            chain::verify_events(&typed).as_ref(),
            Ok(&head),
            "typed events verify otherwise"
        );
    }
    let known = known_history();
    if let Some(at) = known.iter().position(|e| e.hash == head.hash) {
        let expected: Vec<Value> = known[..=at].iter().map(|e| serde_json::to_value(e).unwrap()).collect();
        assert_eq!(
            canonical_of(&events),
            canonical_of(&expected),
            "changed events kept a known hash"
        );
    }
}

fn canonical_of(events: &[Value]) -> Vec<Vec<u8>> {
    events.iter().map(canonical::to_vec).collect()
}

/// A short history built the way the engine builds one; its JSON is the seed of this target.
pub fn known_history() -> &'static [Event] {
    static HISTORY: OnceLock<Vec<Event>> = OnceLock::new();
    HISTORY.get_or_init(|| {
        let at = |s: &str| s.parse::<DateTime<Utc>>().expect("a valid instant");
        let steps = [
            (
                "enrolled",
                "2026-01-05T09:00:00Z",
                json!({"number": "5027", "name": "Holtålen"}),
            ),
            ("notice_sent", "2026-01-06T10:30:00Z", json!({"deadline": "2026-06-30"})),
            (
                "decision_recorded",
                "2026-03-12T18:45:10.250Z",
                json!({"members": 17, "present": 15, "votes_for": 9, "votes_against": 6, "outcome": "adopted"}),
            ),
        ];
        let mut events: Vec<Event> = Vec::new();
        for (i, (kind, when, data)) in steps.into_iter().enumerate() {
            let prev = events.last().map_or(GENESIS_HASH.to_owned(), |e| e.hash.clone());
            let actor = "role:program_admin:key_1";
            events.push(Event::chained(
                i as u64 + 1,
                kind,
                at(when),
                at(when),
                actor,
                data,
                &prev,
            ));
        }
        events
    })
}
