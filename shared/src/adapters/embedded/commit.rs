//! One command's result as one redb write transaction. Every check happens inside the
//! transaction before anything is inserted, and any refusal returns `Err`, which drops (aborts)
//! the transaction: a refused commit writes nothing at all. redb allows one writer at a time, so
//! the version read here cannot change before the transaction commits.

use super::tables::*;
use crate::ports::{Commit, StoreError};
use redb::{ReadableTable, WriteTransaction};

pub(super) fn apply(txn: &WriteTransaction, commit: &Commit) -> Result<(), StoreError> {
    let e = &commit.enrollment;
    let key = enrollment_key(&e.program, &e.number);

    let mut enrollments = txn.open_table(ENROLLMENTS).db()?;
    let current: Option<crate::domain::Enrollment> = get_json(&enrollments, &key)?;
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
    let mut events = txn.open_table(EVENTS).db()?;
    for event in &commit.events {
        let event_key = event_key(&e.program, &e.number, event.seq);
        if events.get(event_key.as_str()).db()?.is_some() {
            return Err(StoreError::Conflict(format!("event {event_key} exists")));
        }
        put_json(&mut events, &event_key, event)?;
    }

    // Outbox ids embed the version, so a taken id can only mean the same version twice.
    let mut outbox = txn.open_table(OUTBOX).db()?;
    for entry in &commit.outbox {
        if outbox.get(entry.id.as_str()).db()?.is_some() {
            return Err(StoreError::Conflict(format!("outbox entry {} exists", entry.id)));
        }
        put_json(&mut outbox, &entry.id, entry)?;
    }

    // A used scope means the same request already ran: its first answer stands.
    if let Some(record) = &commit.idempotency {
        let mut idempotency = txn.open_table(IDEMPOTENCY).db()?;
        if idempotency.get(record.scope.as_str()).db()?.is_some() {
            return Err(StoreError::Conflict(format!(
                "idempotency key {} was used",
                record.scope
            )));
        }
        put_json(&mut idempotency, &record.scope, record)?;
    }

    if let Some(envelope) = &commit.envelope {
        let mut envelopes = txn.open_table(ENVELOPES).db()?;
        put_json(&mut envelopes, &envelope.id, envelope)?;
    }

    put_json(&mut enrollments, &key, e)
}
