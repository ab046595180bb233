//! The DynamoDB stream, as the `stream` Lambda receives it: every new OUTBOX item is an effect
//! to perform. Kept here, free of any Lambda crate, so it is tested like the rest of the engine.

use crate::dispatch::Dispatcher;
use crate::ports::OutboxEntry;
use serde_json::{json, Value};

/// One stream record: its sequence number (what a partial batch failure names) and the outbox
/// entry it carries, or why it could not be read.
#[derive(Debug)]
pub struct StreamItem {
    pub sequence_number: String,
    pub entry: Result<Option<OutboxEntry>, String>,
}

/// Reads the outbox entries out of a DynamoDB stream event (`{"Records":[…]}`). Records that
/// are not inserts of outbox items are `Ok(None)`: nothing to do.
pub fn items(event: &Value) -> Vec<StreamItem> {
    let records = event
        .get("Records")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    records.iter().map(item).collect()
}

fn item(record: &Value) -> StreamItem {
    let dynamodb = record.get("dynamodb").cloned().unwrap_or(Value::Null);
    let sequence_number = dynamodb
        .get("SequenceNumber")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let is_insert = record.get("eventName").and_then(Value::as_str) == Some("INSERT");
    let image = dynamodb.get("NewImage");
    let pk = image
        .and_then(|i| i.pointer("/pk/S"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !is_insert || !pk.starts_with("OUTBOX#") {
        return StreamItem {
            sequence_number,
            entry: Ok(None),
        };
    }
    let entry = image
        .and_then(|i| i.pointer("/doc/S"))
        .and_then(Value::as_str)
        .ok_or_else(|| format!("outbox item {pk} has no doc"))
        .and_then(|doc| serde_json::from_str::<OutboxEntry>(doc).map_err(|e| format!("outbox item {pk}: {e}")))
        .map(Some);
    StreamItem { sequence_number, entry }
}

/// Handles a batch and answers with the records to hand back to the stream
/// (`{"batchItemFailures":[{"itemIdentifier":…}]}`): an unreadable record, or one whose outcome
/// could not be stored. A failed *effect* is not one of them — it is rescheduled in the outbox
/// and the scheduler retries it — so one poison record never holds up the others.
pub async fn handle_batch(dispatcher: &Dispatcher, event: &Value) -> Value {
    let mut failures = Vec::new();
    for item in items(event) {
        let outcome = match item.entry {
            Ok(None) => Ok(()),
            Ok(Some(entry)) => dispatcher.handle(entry).await.map(|_| ()).map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        if let Err(error) = outcome {
            tracing::error!(sequence_number = %item.sequence_number, %error, "stream record failed");
            failures.push(json!({ "itemIdentifier": item.sequence_number }));
        }
    }
    json!({ "batchItemFailures": failures })
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
