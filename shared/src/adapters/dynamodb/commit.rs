//! Multi-item writes as one `TransactWriteItems`: a command's result (`commit`) and a new API
//! key with its hash index item. DynamoDB applies all of a transaction's items or none, so any
//! failed condition (or any error at all) leaves nothing written: never a torn write.
//!
//! The SDK gives every call a fresh `ClientRequestToken` and reuses it on its own retries, so a
//! retry after a lost response is answered from the first attempt instead of failing its
//! conditions against its own write (DynamoDB honours the token for ten minutes).

use super::items::*;
use super::requests::IF_NEW;
use super::{unavailable, DynamoStore};
use crate::adapters::aws_schema::table;
use crate::auth::ApiKey;
use crate::ports::{Commit, StoreError};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};

/// DynamoDB's limit on the items of one transaction. A command writes one enrollment, a few
/// events, a few outbox entries and one idempotency record: far below it (see docs/dynamodb.md).
const MAX_TRANSACTION_ITEMS: usize = 100;

/// Cancellation reasons that mean "someone else got there first": a condition did not hold, or a
/// concurrent transaction held one of the items. Both are a lost race, which the service resolves
/// (decide again on the new state, or answer 412/409); anything else is an outage.
const LOST_RACE: [&str; 2] = ["ConditionalCheckFailed", "TransactionConflict"];

/// One labelled write: the label names the item in a conflict message.
struct Write {
    label: String,
    put: Put,
}

impl DynamoStore {
    pub(super) async fn transact_commit(&self, c: &Commit) -> Result<(), StoreError> {
        let e = &c.enrollment;
        let mut writes = Vec::with_capacity(2 + c.events.len() + c.outbox.len());

        let enrollment = self.put(enrollment_item(e)?);
        let enrollment = match c.expected_version {
            // 0: the enrollment is being created and must not exist yet.
            0 => not_exists(enrollment),
            // Otherwise it must still be at the version that was read. A missing item has no
            // version, so the condition fails for it too.
            expected => enrollment
                .condition_expression("#version = :expected")
                .expression_attribute_names("#version", VERSION)
                .expression_attribute_values(":expected", AttributeValue::N(expected.to_string())),
        };
        let label = format!(
            "enrollment {}/{} at version {}",
            e.program, e.number, c.expected_version
        );
        writes.push(Write::new(label, enrollment)?);

        // Append-only history: a taken seq means someone else extended it.
        for event in &c.events {
            let put = not_exists(self.put(event_item(&e.program, &e.number, event)?));
            writes.push(Write::new(format!("event {}", event.seq), put)?);
        }
        // Outbox ids embed the version, so a taken id can only mean the same version twice.
        for entry in &c.outbox {
            let put = not_exists(self.put(outbox_item(entry)?));
            writes.push(Write::new(format!("outbox entry {}", entry.id), put)?);
        }
        // A used scope means the same request already ran: its first answer stands.
        if let Some(record) = &c.idempotency {
            let put = not_exists(self.put(idempotency_item(record)?));
            writes.push(Write::new(format!("idempotency record {}", record.scope), put)?);
        }
        // Guarded by the enrollment's version condition: envelopes change only through it.
        if let Some(envelope) = &c.envelope {
            let put = self.put(envelope_item(envelope)?);
            writes.push(Write::new(format!("envelope {}", envelope.id), put)?);
        }
        self.transact("commit", writes).await
    }

    /// The key and its hash index item, each only if its id (or hash) is free: a taken hash
    /// would otherwise silently re-point the index at another key.
    pub(super) async fn transact_api_key(&self, k: &ApiKey) -> Result<(), StoreError> {
        let writes = vec![
            Write::new(format!("api key {}", k.id), not_exists(self.put(api_key_item(k)?)))?,
            Write::new("api key hash".into(), not_exists(self.put(api_key_hash_item(k)?)))?,
        ];
        self.transact("put_api_key", writes).await
    }

    fn put(&self, item: Item) -> aws_sdk_dynamodb::types::builders::PutBuilder {
        Put::builder().table_name(&self.table).set_item(Some(item))
    }

    async fn transact(&self, what: &str, writes: Vec<Write>) -> Result<(), StoreError> {
        if writes.len() > MAX_TRANSACTION_ITEMS {
            return Err(StoreError::Unavailable(format!(
                "{what}: {} items exceed DynamoDB's {MAX_TRANSACTION_ITEMS} per transaction",
                writes.len()
            )));
        }
        let labels: Vec<String> = writes.iter().map(|w| w.label.clone()).collect();
        let items = writes
            .into_iter()
            .map(|w| TransactWriteItem::builder().put(w.put).build())
            .collect();
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err) => Err(classify(what, &labels, err)),
        }
    }
}

impl Write {
    fn new(label: String, put: aws_sdk_dynamodb::types::builders::PutBuilder) -> Result<Self, StoreError> {
        let put = put
            .build()
            .map_err(|e| StoreError::Unavailable(format!("cannot build a write of {label}: {e}")))?;
        Ok(Self { label, put })
    }
}

/// Only if no item has this key yet.
pub(super) fn not_exists(
    put: aws_sdk_dynamodb::types::builders::PutBuilder,
) -> aws_sdk_dynamodb::types::builders::PutBuilder {
    put.condition_expression(IF_NEW)
        .expression_attribute_names("#pk", table::PARTITION_KEY)
}

/// A lost race is `Conflict` (naming the items whose condition failed); every other failure,
/// including a cancellation for any other reason (throttling, validation), is `Unavailable`.
/// (Generic over the raw response only so that tests can build errors without HTTP.)
pub(super) fn classify<R: std::fmt::Debug>(
    what: &str,
    labels: &[String],
    err: SdkError<TransactWriteItemsError, R>,
) -> StoreError {
    if let SdkError::ServiceError(ctx) = &err {
        if let TransactWriteItemsError::TransactionCanceledException(cancel) = ctx.err() {
            // Reasons are positional: one per item, `None` for the items that were fine.
            let lost: Vec<String> = cancel
                .cancellation_reasons()
                .iter()
                .zip(labels)
                .filter_map(|(reason, label)| {
                    let code = reason.code()?;
                    LOST_RACE.contains(&code).then(|| format!("{label}: {code}"))
                })
                .collect();
            if !lost.is_empty() {
                return StoreError::Conflict(format!("{what} refused: {}", lost.join("; ")));
            }
        }
    }
    unavailable(what, err)
}
