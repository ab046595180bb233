//! The storage contract: what every `Store` (and `Documents`) adapter must do, as checks that
//! any adapter's tests can run. Compiled always, not only under `cfg(test)`, so an adapter in
//! another crate or behind a feature (DynamoDB, S3) runs the very same suite.
//!
//! Each check uses ids of its own (programs `ct-…`), so all of them can share one store; run
//! them on a store that holds nothing else. They panic, with a message, on the first failure.

mod commits;
mod documents;
mod envelopes;
pub mod fixtures;
mod grants;
mod history;
mod webhooks;

pub use commits::{
    commit_creates_enrollment, creating_existing_enrollment_conflicts, stale_commit_writes_nothing,
    taken_event_seq_conflicts,
};
pub use documents::documents_contract;
pub use envelopes::envelopes_ride_on_commits;
pub use grants::document_grants_per_program;
pub use history::{enrollments_listed_per_program, events_ordered_by_seq, idempotency_once, outbox_lifecycle};
pub use webhooks::{
    deliveries_created_once_newest_first, deliveries_due_when_pending, inbound_secrets_per_municipality,
    subscriptions_per_program,
};

use self::fixtures::*;
use crate::chain::Event;
use crate::domain::Enrollment;
use crate::ports::{OutboxEntry, Store, StoreError};
use std::fmt::Debug;

/// Every store check, in turn.
pub async fn run_all(store: &dyn Store) {
    programs(store).await;
    api_keys(store).await;
    commit_creates_enrollment(store).await;
    stale_commit_writes_nothing(store).await;
    creating_existing_enrollment_conflicts(store).await;
    taken_event_seq_conflicts(store).await;
    events_ordered_by_seq(store).await;
    enrollments_listed_per_program(store).await;
    idempotency_once(store).await;
    outbox_lifecycle(store).await;
    envelopes_ride_on_commits(store).await;
    subscriptions_per_program(store).await;
    deliveries_created_once_newest_first(store).await;
    deliveries_due_when_pending(store).await;
    inbound_secrets_per_municipality(store).await;
    document_grants_per_program(store).await;
}

/// The value of a call that must succeed. (`track_caller`: a failure names the check's line.)
#[track_caller]
pub(crate) fn ok<T, E: Debug>(result: Result<T, E>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("{what}: expected success, got {e:?}"),
    }
}

/// A call that must be refused as a conflict.
#[track_caller]
pub(crate) fn conflict<T: Debug>(result: Result<T, StoreError>, what: &str) {
    match result {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("{what}: expected Conflict, got {other:?}"),
    }
}

/// Everything a commit to one enrollment can touch, to show that a refused one touched nothing.
#[derive(Debug, PartialEq)]
pub(crate) struct Snapshot {
    enrollment: Option<Enrollment>,
    events: Vec<Event>,
    outbox: Vec<OutboxEntry>,
}

pub(crate) async fn snapshot(store: &dyn Store, program: &str, number: &str) -> Snapshot {
    let (p, n) = (pid(program), num(number));
    let prefix = format!("{program}/{number}/");
    let mut outbox = ok(store.outbox_pending().await, "outbox_pending");
    outbox.retain(|o| o.id.starts_with(&prefix));
    Snapshot {
        enrollment: ok(store.enrollment(&p, &n).await, "enrollment"),
        events: ok(store.events(&p, &n).await, "events"),
        outbox,
    }
}

pub async fn programs(store: &dyn Store) {
    let p = program("ct-prog");
    ok(store.create_program(&p).await, "create_program");
    assert_eq!(
        ok(store.program(&p.id).await, "program"),
        Some(p.clone()),
        "a created program reads back"
    );
    let mut other = p.clone();
    other.envelope_days = 99;
    conflict(
        store.create_program(&other).await,
        "creating a program whose id is taken",
    );
    assert_eq!(
        ok(store.program(&p.id).await, "program"),
        Some(p.clone()),
        "a refused create changes nothing"
    );
    let all = ok(store.programs().await, "programs");
    assert!(all.contains(&p), "programs() lists the created program");
    assert_eq!(
        ok(store.program(&pid("ct-prog-missing")).await, "program"),
        None,
        "an unknown program is None"
    );
}

pub async fn api_keys(store: &dyn Store) {
    let key = api_key("ct-key-1", "ct-secret-1", "ct-keys");
    ok(store.put_api_key(&key).await, "put_api_key");
    assert_eq!(
        ok(store.api_key_by_hash(&key.hash).await, "by hash"),
        Some(key.clone()),
        "found by hash"
    );
    assert_eq!(
        ok(store.api_key(&key.id).await, "by id"),
        Some(key.clone()),
        "found by id"
    );
    let same_id = api_key("ct-key-1", "ct-secret-2", "ct-keys");
    conflict(store.put_api_key(&same_id).await, "putting a key whose id is taken");
    assert_eq!(
        ok(store.api_key_by_hash(&same_id.hash).await, "by hash"),
        None,
        "a refused key is not findable"
    );
    assert_eq!(
        ok(store.api_key(&key.id).await, "by id"),
        Some(key),
        "a refused key changes nothing"
    );
    assert_eq!(
        ok(store.api_key("ct-key-missing").await, "by id"),
        None,
        "an unknown id is None"
    );
    assert_eq!(
        ok(store.api_key_by_hash(&"0".repeat(64)).await, "by hash"),
        None,
        "an unknown hash is None"
    );
}
