//! Which committed events become webhook messages, and what they say. Pure: the service calls
//! it on the events it is about to commit, so a message is in the outbox exactly when its event
//! is in the history.

use crate::chain::Event;
use crate::domain::Enrollment;
use serde_json::{json, Value};

/// A message to publish, before it is fanned out to subscriptions.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub event_type: &'static str,
    pub data: Value,
}

/// The messages for one commit's events. Every payload carries the enrollment's `seq` so that
/// receivers can order what they get.
pub fn for_events(enrollment: &Enrollment, events: &[Event]) -> Vec<Message> {
    let mut out = Vec::new();
    for event in events {
        let base = || {
            json!({
                "program": enrollment.program,
                "municipality": { "number": enrollment.number, "name": enrollment.name },
                "seq": event.seq,
                "event": event.event_type,
                "occurred_at": event.occurred_at,
            })
        };
        let (from, to) = (event.data.get("from"), event.data.get("to"));
        if let (Some(from), Some(to)) = (from, to) {
            let mut data = base();
            data["from"] = from.clone();
            data["to"] = to.clone();
            data["version"] = json!(enrollment.version);
            out.push(Message {
                event_type: "enrollment.state_changed",
                data,
            });
        }
        let envelope = event.data.get("envelope_id").cloned().unwrap_or(Value::Null);
        match event.event_type.as_str() {
            "agreement.signed" => {
                let mut data = base();
                data["envelope_id"] = envelope;
                out.push(Message {
                    event_type: "envelope.completed",
                    data,
                });
            }
            "signing.declined" => {
                let mut data = base();
                data["envelope_id"] = envelope;
                data["reason"] = event.data.get("reason").cloned().unwrap_or(Value::Null);
                out.push(Message {
                    event_type: "envelope.declined",
                    data,
                });
            }
            "deadline.approaching" => {
                let mut data = base();
                data["option_deadline"] = enrollment.option_deadline.to_rfc3339().into();
                data["days_left"] = event.data.get("days_left").cloned().unwrap_or(Value::Null);
                out.push(Message {
                    event_type: "deadline.approaching",
                    data,
                });
            }
            _ => {}
        }
    }
    out
}
