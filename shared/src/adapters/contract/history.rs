//! Contract checks for what is read back in order, or once: histories, listings, idempotency
//! records and the outbox.

use super::fixtures::*;
use super::{conflict, ok, snapshot};
use crate::chain::verify_events;
use crate::ports::Store;
use chrono::{DateTime, Duration, TimeZone, Utc};

pub async fn events_ordered_by_seq(store: &dyn Store) {
    let (p, n) = ("ct-order", "5027");
    // 1, then 2..=12, then 13: past 9 and 10, where text order ("10" < "2") and number order part.
    let c1 = next_commit(p, n, None, 1);
    let c2 = next_commit(p, n, Some(&c1.enrollment), 11);
    let c3 = next_commit(p, n, Some(&c2.enrollment), 1);
    let expected: Vec<_> = [&c1, &c2, &c3].iter().flat_map(|c| c.events.clone()).collect();
    for c in [c1, c2, c3] {
        ok(store.commit(c).await, "commit");
    }
    let got = ok(store.events(&pid(p), &num(n)).await, "events");
    let seqs: Vec<u64> = got.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        (1..=13).collect::<Vec<_>>(),
        "events come back ordered by seq as a number"
    );
    assert_eq!(got, expected, "events read back exactly as committed");
    assert!(verify_events(&got).is_ok(), "the stored history is an unbroken chain");
    assert!(
        ok(store.events(&pid(p), &num("0301")).await, "events").is_empty(),
        "no history is empty"
    );
}

pub async fn enrollments_listed_per_program(store: &dyn Store) {
    // Ids chosen to trip a careless prefix scan: `ct-list-x` and `ct-list0` start with `ct-list`
    // (and `-` sorts before `/`, `0` right after it); `ct-lis` is a prefix of `ct-list`.
    for (p, n) in [
        ("ct-list", "5027"),
        ("ct-list-x", "0301"),
        ("ct-list", "0301"),
        ("ct-list0", "0101"),
        ("ct-lis", "9999"),
        ("ct-list", "1103"),
    ] {
        ok(store.commit(next_commit(p, n, None, 1)).await, "create");
    }
    let numbers = |items: Vec<crate::domain::Enrollment>, p: &str| -> Vec<String> {
        assert!(
            items.iter().all(|e| e.program.as_str() == p),
            "only {p}'s enrollments are listed"
        );
        items.iter().map(|e| e.number.to_string()).collect()
    };
    let list = ok(store.enrollments(&pid("ct-list")).await, "enrollments");
    assert_eq!(
        numbers(list, "ct-list"),
        ["0301", "1103", "5027"],
        "ct-list's, ordered by number"
    );
    let list = ok(store.enrollments(&pid("ct-list-x")).await, "enrollments");
    assert_eq!(numbers(list, "ct-list-x"), ["0301"], "ct-list-x's only");
    let list = ok(store.enrollments(&pid("ct-list0")).await, "enrollments");
    assert_eq!(numbers(list, "ct-list0"), ["0101"], "ct-list0's only");
    let list = ok(store.enrollments(&pid("ct-lis")).await, "enrollments");
    assert_eq!(numbers(list, "ct-lis"), ["9999"], "ct-lis's only");
    let list = ok(store.enrollments(&pid("ct-list-none")).await, "enrollments");
    assert!(list.is_empty(), "a program without enrollments lists none");
}

pub async fn idempotency_once(store: &dyn Store) {
    let (p, n) = ("ct-idem", "5027");
    let first = idempotency("ct-idem:refused", "{\"status\":409}");
    ok(store.put_idempotency(&first).await, "put_idempotency");
    let mut second = first.clone();
    second.body = "{\"status\":200}".into();
    ok(
        store.put_idempotency(&second).await,
        "put_idempotency on a used scope is not an error",
    );
    let got = ok(store.idempotency(&first.scope).await, "idempotency");
    assert_eq!(got, Some(first.clone()), "put_idempotency keeps the first record");

    // A commit carrying a used scope: the request already has an answer, so nothing happens.
    let mut c = next_commit(p, n, None, 1);
    c.idempotency = Some(idempotency(&first.scope, "{}"));
    conflict(store.commit(c).await, "commit whose idempotency scope is used");
    let s = snapshot(store, p, n).await;
    assert!(
        s.enrollment.is_none() && s.events.is_empty() && s.outbox.is_empty(),
        "it wrote nothing: {s:?}"
    );
    assert_eq!(
        ok(store.idempotency(&first.scope).await, "idempotency"),
        Some(first),
        "first record kept"
    );

    let mut c1 = next_commit(p, n, None, 1);
    c1.idempotency = Some(idempotency("ct-idem:once", "{\"version\":1}"));
    ok(store.commit(c1.clone()).await, "commit with a fresh scope");
    let mut c2 = next_commit(p, n, Some(&c1.enrollment), 1);
    c2.idempotency = Some(idempotency("ct-idem:once", "{\"version\":2}"));
    conflict(store.commit(c2).await, "second commit with the same scope");
    let s = snapshot(store, p, n).await;
    assert_eq!(
        s.enrollment.map(|e| e.version),
        Some(1),
        "the second commit did not apply"
    );
    let got = ok(store.idempotency("ct-idem:once").await, "idempotency");
    assert_eq!(got, c1.idempotency, "the first commit's answer stands");
}

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2020, 1, 1, h, m, 0).unwrap()
}

/// Uses times in 2020, years before every other check's entries (which are due from 2030), so
/// `outbox_due` here sees only this check's entries even on a shared store.
pub async fn outbox_lifecycle(store: &dyn Store) {
    let (p, n) = ("ct-outbox", "5027");
    let mut c = next_commit(p, n, None, 1);
    let [a, b, later] = [("a", 2, 2), ("b", 1, 5), ("later", 3, 24 * 60)].map(|(name, created, due)| {
        outbox_entry(
            &format!("{p}/{n}/1/{name}"),
            at(0, created),
            at(0, 0) + Duration::minutes(due),
        )
    });
    c.outbox = vec![a.clone(), later.clone(), b.clone()];
    ok(store.commit(c).await, "commit with outbox entries");

    let due = ok(store.outbox_due(at(0, 10), 10).await, "outbox_due");
    assert_eq!(due, [b.clone(), a.clone()], "due entries only, oldest created first");
    let due = ok(store.outbox_due(at(0, 10), 1).await, "outbox_due");
    assert_eq!(due, std::slice::from_ref(&b), "at most `limit` entries");
    assert!(
        ok(store.outbox_due(at(0, 0), 10).await, "outbox_due").is_empty(),
        "nothing is due before its time"
    );

    let mut failed = b.clone();
    failed.attempts = 1;
    failed.next_attempt_at = at(1, 0);
    failed.last_error = Some("connection refused".into());
    ok(store.outbox_retry(&failed).await, "outbox_retry");
    let due = ok(store.outbox_due(at(0, 10), 10).await, "outbox_due");
    assert_eq!(
        due,
        std::slice::from_ref(&a),
        "a retried entry waits for its next attempt"
    );
    let due = ok(store.outbox_due(at(1, 0), 10).await, "outbox_due");
    assert_eq!(
        due,
        [failed.clone(), a.clone()],
        "then it is due again, with attempts and error"
    );

    ok(store.outbox_done(&a.id).await, "outbox_done");
    ok(store.outbox_done(&a.id).await, "outbox_done twice is harmless");
    ok(store.outbox_retry(&a).await, "outbox_retry after done");
    let pending = snapshot(store, p, n).await.outbox;
    assert_eq!(
        pending,
        [failed, later],
        "done entries are gone and a late retry does not revive them"
    );
}
