//! How records become items: the key of every item type, the attributes beside `doc`, and JSON
//! in and out. The layout is described (with the reasons) in `docs/dynamodb.md`; this file is
//! the only place that spells a key, so the layout and the code cannot drift apart.
//!
//! Program ids are `[a-z0-9-]`, municipality numbers four digits, subscription ids `wh_` and hex
//! and delivery ids `msg_`, a timestamp and hex, so `#` never occurs inside an id and a key never
//! splits ambiguously.

use crate::adapters::aws_schema::table;
use crate::auth::ApiKey;
use crate::chain::Event;
use crate::domain::{Enrollment, Envelope, MunicipalityNumber, Program, ProgramId};
use crate::ports::{IdempotencyRecord, OutboxEntry, StoreError};
use crate::webhooks::{Delivery, DeliveryStatus, InboundSecret, Subscription};
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;

pub(super) type Item = HashMap<String, AttributeValue>;

/// The record itself, as the JSON of the struct the embedded store keeps.
pub(super) const DOC: &str = "doc";
/// An enrollment's version, beside its doc, so a commit can be conditioned on it.
pub(super) const VERSION: &str = "version";
/// On a key's hash-index item: which key the hash belongs to.
pub(super) const KEY_ID: &str = "key_id";

pub(super) const PROGRAMS_PK: &str = "PROGRAMS";
pub(super) const KEY_SK: &str = "KEY";
pub(super) const KEYHASH_SK: &str = "KEYHASH";
pub(super) const OUTBOX_SK: &str = "OUTBOX";
pub(super) const IDEM_SK: &str = "IDEM";
pub(super) const ENVELOPE_SK: &str = "ENVELOPE";
/// Sort-key prefix of an enrollment inside its program's partition.
pub(super) const ENROLLMENT_PREFIX: &str = "E#";
/// Sort-key prefix of a webhook subscription inside its program's partition.
pub(super) const SUBSCRIPTION_PREFIX: &str = "WH#";
/// Sort-key prefix of a delivery inside its subscription's partition.
pub(super) const DELIVERY_PREFIX: &str = "D#";

/// How long an idempotency record is kept: a client retrying a request retries within minutes;
/// a week covers a retry after a weekend outage. After that DynamoDB's TTL may delete it.
pub(super) const IDEMPOTENCY_TTL: Duration = Duration::days(7);

pub(super) fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// Fixed width (while years have four digits) and always UTC, so string order is time order.
pub(super) fn instant(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Upper bound (exclusive) for `due_sk` of everything due at or before `t` (to the
/// millisecond): `due_sk` is `{instant}#{id}`, and `$` is the byte right after `#`.
/// The bound can be one millisecond generous; callers re-check the exact instant in code.
pub(super) fn due_before(t: DateTime<Utc>) -> String {
    format!("{}$", instant(t))
}

pub(super) fn program_sk(id: &ProgramId) -> String {
    format!("P#{id}")
}

pub(super) fn key_pk(id: &str) -> String {
    format!("KEY#{id}")
}

pub(super) fn keyhash_pk(hash: &str) -> String {
    format!("KEYHASH#{hash}")
}

pub(super) fn enrollment_pk(program: &ProgramId) -> String {
    format!("P#{program}")
}

pub(super) fn enrollment_sk(number: &MunicipalityNumber) -> String {
    format!("{ENROLLMENT_PREFIX}{number}")
}

pub(super) fn events_pk(program: &ProgramId, number: &MunicipalityNumber) -> String {
    format!("E#{program}#{number}")
}

/// Zero-padded, so the sort key's string order is `seq`'s number order.
pub(super) fn event_sk(seq: u64) -> String {
    format!("V#{seq:020}")
}

pub(super) fn outbox_pk(id: &str) -> String {
    format!("OUTBOX#{id}")
}

pub(super) fn idempotency_pk(scope: &str) -> String {
    format!("IDEM#{scope}")
}

/// The primary key of an item, for `GetItem` and `DeleteItem`.
pub(super) fn key(pk: String, sk: impl Into<String>) -> Item {
    HashMap::from([
        (table::PARTITION_KEY.to_owned(), s(pk)),
        (table::SORT_KEY.to_owned(), s(sk)),
    ])
}

pub(super) fn doc_item(pk: String, sk: impl Into<String>, value: &impl Serialize) -> Result<Item, StoreError> {
    let json = serde_json::to_string(value).map_err(|e| StoreError::Unavailable(format!("cannot encode: {e}")))?;
    let mut item = key(pk, sk);
    item.insert(DOC.to_owned(), s(json));
    Ok(item)
}

pub(super) fn program_item(p: &Program) -> Result<Item, StoreError> {
    doc_item(PROGRAMS_PK.to_owned(), program_sk(&p.id), p)
}

pub(super) fn api_key_item(k: &ApiKey) -> Result<Item, StoreError> {
    doc_item(key_pk(&k.id), KEY_SK, k)
}

/// The hash index is an item of its own (not a GSI) so that a taken hash can be refused inside
/// the same transaction, and a lookup by hash is a strongly consistent `GetItem`. It carries a
/// copy of the key: every request authenticates, and keys are written once and never changed,
/// so the copy cannot drift and one read is enough.
pub(super) fn api_key_hash_item(k: &ApiKey) -> Result<Item, StoreError> {
    let mut item = doc_item(keyhash_pk(&k.hash), KEYHASH_SK, k)?;
    item.insert(KEY_ID.to_owned(), s(&k.id));
    Ok(item)
}

/// An enrollment whose option is still open is in the `due` index under its deadline; once it is
/// exercised or ends, the attributes are absent and the (sparse) index drops it.
pub(super) fn enrollment_item(e: &Enrollment) -> Result<Item, StoreError> {
    let mut item = doc_item(enrollment_pk(&e.program), enrollment_sk(&e.number), e)?;
    item.insert(VERSION.to_owned(), AttributeValue::N(e.version.to_string()));
    if e.state.is_before_exercise() {
        let deadline = instant(e.option_deadline.with_timezone(&Utc));
        item.insert(table::DUE_PARTITION_KEY.to_owned(), s(table::DUE_DEADLINE));
        item.insert(
            table::DUE_SORT_KEY.to_owned(),
            s(format!("{deadline}#{}#{}", e.program, e.number)),
        );
    }
    Ok(item)
}

pub(super) fn event_item(program: &ProgramId, number: &MunicipalityNumber, e: &Event) -> Result<Item, StoreError> {
    doc_item(events_pk(program, number), event_sk(e.seq), e)
}

pub(super) fn outbox_item(o: &OutboxEntry) -> Result<Item, StoreError> {
    let mut item = doc_item(outbox_pk(&o.id), OUTBOX_SK, o)?;
    item.insert(table::DUE_PARTITION_KEY.to_owned(), s(table::DUE_OUTBOX));
    item.insert(
        table::DUE_SORT_KEY.to_owned(),
        s(format!("{}#{}", instant(o.next_attempt_at), o.id)),
    );
    Ok(item)
}

pub(super) fn envelope_pk(id: &str) -> String {
    format!("ENVELOPE#{id}")
}

/// An open envelope is in the `due` index under its next reminder or expiry; a closed one is not.
pub(super) fn envelope_item(e: &Envelope) -> Result<Item, StoreError> {
    let mut item = doc_item(envelope_pk(&e.id), ENVELOPE_SK, e)?;
    if let Some(at) = e.next_due_at() {
        item.insert(table::DUE_PARTITION_KEY.to_owned(), s(table::DUE_ENVELOPE));
        item.insert(table::DUE_SORT_KEY.to_owned(), s(format!("{}#{}", instant(at), e.id)));
    }
    Ok(item)
}

pub(super) fn idempotency_item(r: &IdempotencyRecord) -> Result<Item, StoreError> {
    let mut item = doc_item(idempotency_pk(&r.scope), IDEM_SK, r)?;
    let expires = (r.created_at + IDEMPOTENCY_TTL).timestamp();
    item.insert(table::TTL_ATTRIBUTE.to_owned(), AttributeValue::N(expires.to_string()));
    Ok(item)
}

pub(super) fn subscription_sk(id: &str) -> String {
    format!("{SUBSCRIPTION_PREFIX}{id}")
}

/// In its program's partition, beside the enrollments: listing a program's subscriptions is one
/// `Query` on the `WH#` prefix, ordered by id.
pub(super) fn subscription_item(sub: &Subscription) -> Result<Item, StoreError> {
    doc_item(enrollment_pk(&sub.program), subscription_sk(&sub.id), sub)
}

pub(super) fn deliveries_pk(subscription: &str) -> String {
    format!("WH#{subscription}")
}

pub(super) fn delivery_sk(id: &str) -> String {
    format!("{DELIVERY_PREFIX}{id}")
}

/// Each subscription's deliveries are a partition, by id (ids sort by time). A pending delivery
/// with a next try is in the `due` index under it; a delivered or failed one is not.
pub(super) fn delivery_item(d: &Delivery) -> Result<Item, StoreError> {
    let mut item = doc_item(deliveries_pk(&d.subscription), delivery_sk(&d.id), d)?;
    if let (DeliveryStatus::Pending, Some(at)) = (d.status, d.next_attempt_at) {
        item.insert(table::DUE_PARTITION_KEY.to_owned(), s(table::DUE_DELIVERY));
        item.insert(table::DUE_SORT_KEY.to_owned(), s(format!("{}#{}", instant(at), d.id)));
    }
    Ok(item)
}

pub(super) fn inbound_secret_sk(number: &MunicipalityNumber) -> String {
    format!("INBOUND#{number}")
}

pub(super) fn inbound_secret_item(secret: &InboundSecret) -> Result<Item, StoreError> {
    doc_item(
        enrollment_pk(&secret.program),
        inbound_secret_sk(&secret.number),
        secret,
    )
}

/// The record in an item's `doc`. A missing or unreadable doc is a broken backend, not a
/// conflict: nothing vedtak writes lacks one.
pub(super) fn decode<T: DeserializeOwned>(item: &Item) -> Result<T, StoreError> {
    let json = string(item, DOC)?;
    serde_json::from_str(json).map_err(|e| StoreError::Unavailable(format!("corrupt item {}: {e}", describe(item))))
}

pub(super) fn string<'a>(item: &'a Item, name: &str) -> Result<&'a str, StoreError> {
    match item.get(name) {
        Some(AttributeValue::S(value)) => Ok(value),
        _ => Err(StoreError::Unavailable(format!(
            "item {} has no string attribute {name}",
            describe(item)
        ))),
    }
}

fn describe(item: &Item) -> String {
    let part = |name: &str| match item.get(name) {
        Some(AttributeValue::S(v)) => v.clone(),
        _ => "?".into(),
    };
    format!("{}/{}", part(table::PARTITION_KEY), part(table::SORT_KEY))
}
