//! Contract checks for `commit`: one atomic write, all of it or (on any conflict) none of it.

use super::fixtures::*;
use super::{conflict, ok, snapshot};
use crate::chain::GENESIS_HASH;
use crate::ports::Store;

pub async fn commit_creates_enrollment(store: &dyn Store) {
    let mut c = next_commit("ct-create", "5027", None, 1);
    c.idempotency = Some(idempotency("ct-create:k1", "{\"version\":1}"));
    ok(store.commit(c.clone()).await, "commit creating an enrollment");
    let s = snapshot(store, "ct-create", "5027").await;
    assert_eq!(
        s.enrollment.as_ref().map(|e| e.version),
        Some(1),
        "a new enrollment is at version 1"
    );
    assert_eq!(
        s.enrollment,
        Some(c.enrollment),
        "the enrollment reads back as committed"
    );
    assert_eq!(s.events, c.events, "its events read back as committed");
    assert_eq!(s.outbox, c.outbox, "its outbox entries are pending");
    let record = ok(store.idempotency("ct-create:k1").await, "idempotency");
    assert_eq!(
        record, c.idempotency,
        "the idempotency record is stored with the commit"
    );
}

pub async fn stale_commit_writes_nothing(store: &dyn Store) {
    let (p, n) = ("ct-stale", "5027");
    let v1 = next_commit(p, n, None, 1);
    ok(store.commit(v1.clone()).await, "commit v1");
    let v2 = next_commit(p, n, Some(&v1.enrollment), 1);
    ok(store.commit(v2).await, "commit v2");
    let before = snapshot(store, p, n).await;

    // Lost a race: read v1, someone else committed v2 meanwhile. Same version, same outbox id.
    let mut stale = next_commit(p, n, Some(&v1.enrollment), 2);
    stale.idempotency = Some(idempotency("ct-stale:k1", "{}"));
    conflict(store.commit(stale).await, "commit with a stale expected_version");
    // A version from the future is as wrong as one from the past.
    let mut ahead = next_commit(p, n, Some(&before.enrollment.clone().unwrap()), 1);
    ahead.expected_version += 5;
    ahead.outbox[0].id = format!("{p}/{n}/ahead/0");
    conflict(
        store.commit(ahead).await,
        "commit with an expected_version ahead of the store",
    );
    // Expecting a version of an enrollment that does not exist.
    let mut missing = next_commit(p, "0301", None, 1);
    missing.expected_version = 1;
    conflict(
        store.commit(missing).await,
        "commit expecting a version of a missing enrollment",
    );

    assert_eq!(snapshot(store, p, n).await, before, "refused commits wrote nothing");
    assert_eq!(
        snapshot(store, p, "0301").await.enrollment,
        None,
        "no enrollment appeared"
    );
    assert_eq!(
        ok(store.idempotency("ct-stale:k1").await, "idempotency"),
        None,
        "no idempotency record"
    );
}

pub async fn creating_existing_enrollment_conflicts(store: &dyn Store) {
    let (p, n) = ("ct-exists", "5027");
    ok(store.commit(next_commit(p, n, None, 1)).await, "first create");
    let before = snapshot(store, p, n).await;
    let mut again = next_commit(p, n, None, 2);
    again.outbox[0].id = format!("{p}/{n}/again/0");
    again.idempotency = Some(idempotency("ct-exists:k1", "{}"));
    conflict(store.commit(again).await, "creating an enrollment that exists");
    assert_eq!(snapshot(store, p, n).await, before, "the refused create wrote nothing");
    assert_eq!(
        ok(store.idempotency("ct-exists:k1").await, "idempotency"),
        None,
        "no idempotency record"
    );
}

pub async fn taken_event_seq_conflicts(store: &dyn Store) {
    let (p, n) = ("ct-seq", "5027");
    let v1 = next_commit(p, n, None, 1);
    ok(store.commit(v1.clone()).await, "create");
    let before = snapshot(store, p, n).await;
    // The version is right but the event reuses seq 1: the history is append-only.
    let mut c = next_commit(p, n, Some(&v1.enrollment), 1);
    c.events = events(1, 1, GENESIS_HASH);
    conflict(store.commit(c).await, "commit whose event seq is taken");
    assert_eq!(snapshot(store, p, n).await, before, "the refused commit wrote nothing");
}
