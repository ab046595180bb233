//! The redb tables, their keys, and JSON in and out of them.

use crate::domain::{MunicipalityNumber, ProgramId};
use crate::ports::StoreError;
use crate::webhooks::{Delivery, DeliveryStatus};
use chrono::{DateTime, Utc};
use redb::{ReadableTable, Table, TableDefinition};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub(super) type Json = TableDefinition<'static, &'static str, &'static [u8]>;

pub(super) const PROGRAMS: Json = TableDefinition::new("programs");
pub(super) const API_KEYS: Json = TableDefinition::new("api_keys");
/// hash → key id: the lookup every request makes, kept as its own index.
pub(super) const API_KEY_HASHES: TableDefinition<'static, &'static str, &'static str> =
    TableDefinition::new("api_key_hashes");
pub(super) const ENROLLMENTS: Json = TableDefinition::new("enrollments");
pub(super) const EVENTS: Json = TableDefinition::new("events");
pub(super) const OUTBOX: Json = TableDefinition::new("outbox");
pub(super) const IDEMPOTENCY: Json = TableDefinition::new("idempotency");
pub(super) const ENVELOPES: Json = TableDefinition::new("envelopes");
/// `{program}/{subscription id}`.
pub(super) const SUBSCRIPTIONS: Json = TableDefinition::new("webhook_subscriptions");
/// `{subscription id}/{delivery id}`: delivery ids sort by time, so a subscription's range is its
/// history in order.
pub(super) const DELIVERIES: Json = TableDefinition::new("webhook_deliveries");
/// `{next attempt}/{subscription id}/{delivery id}` → the delivery's key, for the pending
/// deliveries that have a next attempt: what `deliveries_due` reads instead of every delivery
/// ever made. Kept in step with `DELIVERIES` in the same write transaction.
pub(super) const DELIVERIES_DUE: TableDefinition<'static, &'static str, &'static str> =
    TableDefinition::new("webhook_deliveries_due");
/// `{program}/{number}`.
pub(super) const INBOUND_SECRETS: Json = TableDefinition::new("inbound_secrets");
/// `{program}/{sha256}`.
pub(super) const DOCUMENT_GRANTS: Json = TableDefinition::new("document_grants");

/// Any redb (or decoding) failure means the backend failed: `Unavailable`, never `Conflict`.
pub(super) trait OrUnavailable<T> {
    fn db(self) -> Result<T, StoreError>;
}

impl<T, E: std::fmt::Display> OrUnavailable<T> for Result<T, E> {
    fn db(self) -> Result<T, StoreError> {
        self.map_err(|e| StoreError::Unavailable(e.to_string()))
    }
}

pub(super) fn get_json<T: DeserializeOwned>(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &str,
) -> Result<Option<T>, StoreError> {
    match table.get(key).db()? {
        Some(v) => serde_json::from_slice(v.value()).db().map(Some),
        None => Ok(None),
    }
}

pub(super) fn put_json(
    table: &mut Table<&'static str, &'static [u8]>,
    key: &str,
    value: &impl Serialize,
) -> Result<(), StoreError> {
    let bytes = serde_json::to_vec(value).db()?;
    table.insert(key, bytes.as_slice()).db()?;
    Ok(())
}

/// Every value whose key starts with `prefix`, in key order. `prefix` ends in `/`, and `0` is the
/// byte after `/`, so `[prefix, prefix without '/' + '0')` is exactly the keys with that prefix:
/// `abc/…` matches, `abc-x/…` and `abc0/…` do not.
pub(super) fn scan_prefix<T: DeserializeOwned>(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    prefix: &str,
) -> Result<Vec<T>, StoreError> {
    debug_assert!(prefix.ends_with('/'));
    let end = format!("{}0", &prefix[..prefix.len() - 1]);
    let mut out = Vec::new();
    for item in table.range(prefix..end.as_str()).db()? {
        let (_, v) = item.db()?;
        out.push(serde_json::from_slice(v.value()).db()?);
    }
    Ok(out)
}

pub(super) fn scan_all<T: DeserializeOwned>(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    for item in table.iter().db()? {
        let (_, v) = item.db()?;
        out.push(serde_json::from_slice(v.value()).db()?);
    }
    Ok(out)
}

pub(super) fn enrollment_key(program: &ProgramId, number: &MunicipalityNumber) -> String {
    format!("{program}/{number}")
}

pub(super) fn events_prefix(program: &ProgramId, number: &MunicipalityNumber) -> String {
    format!("{program}/{number}/")
}

pub(super) fn event_key(program: &ProgramId, number: &MunicipalityNumber, seq: u64) -> String {
    format!("{program}/{number}/{seq:020}")
}

pub(super) fn subscription_key(program: &ProgramId, id: &str) -> String {
    format!("{program}/{id}")
}

pub(super) fn delivery_key(subscription: &str, id: &str) -> String {
    format!("{subscription}/{id}")
}

/// UTC to the nanosecond, fixed width (while years have four digits): string order is time order.
pub(super) fn instant(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string()
}

/// The key of a delivery in `DELIVERIES_DUE`, or `None` if it is not waiting for a try.
pub(super) fn due_key(d: &Delivery) -> Option<String> {
    match (d.status, d.next_attempt_at) {
        (DeliveryStatus::Pending, Some(at)) => Some(format!("{}/{}/{}", instant(at), d.subscription, d.id)),
        _ => None,
    }
}
