//! One command's result in a redb write transaction: first every check, then every write, so a
//! refused commit writes nothing at all — also when it shares its transaction with others (see
//! `group_commit`). redb allows one writer at a time, so what is checked here cannot change
//! before the transaction commits.

use super::tables::*;
use crate::ports::{Commit, StoreError};
use redb::{ReadableTable, WriteTransaction};

/// Whether `commit` may be applied: its expected version is current, and none of its events,
/// outbox entries or idempotency record exists yet. Reads only.
pub(super) fn check(txn: &WriteTransaction, commit: &Commit) -> Result<(), StoreError> {
    let e = &commit.enrollment;
    let key = enrollment_key(&e.program, &e.number);
    let current: Option<crate::domain::Enrollment> = get_json(&txn.open_table(ENROLLMENTS).db()?, &key)?;
    match (commit.expected_version, current) {
        (0, None) => {}
        (0, Some(_)) => return Err(StoreError::Conflict(format!("enrollment {key} exists"))),
        (expected, None) => {
            return Err(StoreError::Conflict(format!(
                "enrollment {key} does not exist (expected version {expected})"
            )))
        }
        (expected, Some(found)) if found.version != expected => {
            return Err(StoreError::Conflict(format!(
                "enrollment {key} is at version {}, not {expected}",
                found.version
            )))
        }
        _ => {}
    }
    // Events are append-only: an existing seq means someone else extended this history.
    let events = txn.open_table(EVENTS).db()?;
    for event in &commit.events {
        let event_key = event_key(&e.program, &e.number, event.seq);
        if events.get(event_key.as_str()).db()?.is_some() {
            return Err(StoreError::Conflict(format!("event {event_key} exists")));
        }
    }
    // Outbox ids embed the version, so a taken id can only mean the same version twice.
    let outbox = txn.open_table(OUTBOX).db()?;
    for entry in &commit.outbox {
        if outbox.get(entry.id.as_str()).db()?.is_some() {
            return Err(StoreError::Conflict(format!("outbox entry {} exists", entry.id)));
        }
    }
    // A used scope means the same request already ran: its first answer stands.
    if let Some(record) = &commit.idempotency {
        let idempotency = txn.open_table(IDEMPOTENCY).db()?;
        if idempotency.get(record.scope.as_str()).db()?.is_some() {
            return Err(StoreError::Conflict(format!(
                "idempotency key {} was used",
                record.scope
            )));
        }
    }
    Ok(())
}

/// Writes a checked commit. Only the database itself can fail here, and then the whole
/// transaction must be dropped.
pub(super) fn write(txn: &WriteTransaction, commit: &Commit) -> Result<(), StoreError> {
    let e = &commit.enrollment;
    let mut events = txn.open_table(EVENTS).db()?;
    for event in &commit.events {
        put_json(&mut events, &event_key(&e.program, &e.number, event.seq), event)?;
    }
    let mut outbox = txn.open_table(OUTBOX).db()?;
    for entry in &commit.outbox {
        put_json(&mut outbox, &entry.id, entry)?;
    }
    if let Some(record) = &commit.idempotency {
        put_json(&mut txn.open_table(IDEMPOTENCY).db()?, &record.scope, record)?;
    }
    if let Some(envelope) = &commit.envelope {
        put_json(&mut txn.open_table(ENVELOPES).db()?, &envelope.id, envelope)?;
    }
    let key = enrollment_key(&e.program, &e.number);
    put_json(&mut txn.open_table(ENROLLMENTS).db()?, &key, e)
}
