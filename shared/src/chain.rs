//! The tamper-evident history: every event carries the hash of the one before it, and its own
//! hash is SHA-256 over its canonical JSON (RFC 8785, see `canonical`) with `hash` left out and
//! `prev_hash` in. Changing any stored event, or removing or reordering one, breaks the chain at
//! that link, and `verify` names it.

use crate::canonical;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `prev_hash` of the first event: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of an enrollment's history, exactly as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Event {
    pub seq: u64,
    #[serde(rename = "type")]
    pub event_type: String,
    /// When the fact took place (for events from a case system, its own time).
    pub occurred_at: DateTime<Utc>,
    /// When vedtak committed it.
    pub recorded_at: DateTime<Utc>,
    /// Who caused it: `role:key-id`, `scheduler`, or `signer:…`.
    pub actor: String,
    #[schema(value_type = Object)]
    pub data: Value,
    pub prev_hash: String,
    pub hash: String,
}

impl Event {
    /// Builds the next event after `prev_hash` and seals it with its hash.
    pub fn chained(
        seq: u64,
        event_type: &str,
        occurred_at: DateTime<Utc>,
        recorded_at: DateTime<Utc>,
        actor: &str,
        data: Value,
        prev_hash: &str,
    ) -> Event {
        let mut event = Event {
            seq,
            event_type: event_type.to_owned(),
            occurred_at,
            recorded_at,
            actor: actor.to_owned(),
            data,
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        event.hash = hash_of(&serde_json::to_value(&event).expect("events serialize"));
        event
    }
}

/// The hash an event should carry: SHA-256 over canonical JSON of the event without `hash`.
pub fn hash_of(event: &Value) -> String {
    let mut v = event.clone();
    if let Some(obj) = v.as_object_mut() {
        obj.remove("hash");
    }
    canonical::sha256_hex(&v)
}

/// The first link that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("broken link at event {position} (seq {seq}): {problem}")]
pub struct BrokenLink {
    /// 1-based position in the list.
    pub position: usize,
    pub seq: String,
    pub problem: String,
}

/// The verified head: the last event's `seq` and `hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: u64,
    pub hash: String,
}

/// Re-verifies a whole history as JSON values (so it works on exported or fetched events
/// exactly as received) and names the first broken link.
pub fn verify(events: &[Value]) -> Result<Head, BrokenLink> {
    let mut prev = GENESIS_HASH.to_owned();
    for (i, e) in events.iter().enumerate() {
        let position = i + 1;
        let seq_text = e.get("seq").map(|s| s.to_string()).unwrap_or_else(|| "?".into());
        let broken = |problem: String| BrokenLink {
            position,
            seq: seq_text.clone(),
            problem,
        };
        if e.get("seq").and_then(Value::as_u64) != Some(position as u64) {
            return Err(broken(format!(
                "seq should be {position}: an event is missing, added or out of order"
            )));
        }
        let prev_hash = e.get("prev_hash").and_then(Value::as_str).unwrap_or("");
        if prev_hash != prev {
            return Err(broken("prev_hash does not match the previous event's hash".into()));
        }
        let stated = e.get("hash").and_then(Value::as_str).unwrap_or("");
        let actual = hash_of(e);
        if stated != actual {
            return Err(broken(format!(
                "content changed: hash is {stated}, the content hashes to {actual}"
            )));
        }
        prev = actual;
    }
    Ok(Head {
        seq: events.len() as u64,
        hash: prev,
    })
}

/// Verifies typed events (as loaded from a store).
pub fn verify_events(events: &[Event]) -> Result<Head, BrokenLink> {
    let values: Vec<Value> = events
        .iter()
        .map(|e| serde_json::to_value(e).expect("events serialize"))
        .collect();
    verify(&values)
}
