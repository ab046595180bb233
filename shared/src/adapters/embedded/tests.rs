use super::*;
use crate::adapters::contract::{self, fixtures::*};
use crate::ports::Store;

#[tokio::test]
async fn passes_the_store_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(dir.path()).unwrap();
    contract::run_all(&store).await;
}

#[tokio::test]
async fn creates_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested/data");
    EmbeddedStore::open(&data).unwrap();
    assert!(
        data.join(FILE_NAME).is_file(),
        "the database file is in the data directory"
    );
}

#[tokio::test]
async fn data_survives_closing_and_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let program = program("reopen");
    let key = api_key("reopen-key", "reopen-secret", "reopen");
    let c1 = next_commit("reopen", "5027", None, 1);
    let c2 = next_commit("reopen", "5027", Some(&c1.enrollment), 2);
    {
        let store = EmbeddedStore::open(dir.path()).unwrap();
        store.create_program(&program).await.unwrap();
        store.put_api_key(&key).await.unwrap();
        store.commit(c1.clone()).await.unwrap();
        store.commit(c2.clone()).await.unwrap();
    }
    let store = EmbeddedStore::open(dir.path()).unwrap();
    assert_eq!(store.program(&program.id).await.unwrap(), Some(program));
    assert_eq!(store.api_key_by_hash(&key.hash).await.unwrap(), Some(key));
    let (p, n) = (pid("reopen"), num("5027"));
    assert_eq!(store.enrollment(&p, &n).await.unwrap(), Some(c2.enrollment.clone()));
    let events: Vec<_> = c1.events.iter().chain(&c2.events).cloned().collect();
    assert_eq!(store.events(&p, &n).await.unwrap(), events);
    assert_eq!(store.outbox_pending().await.unwrap(), [c1.outbox, c2.outbox].concat());
}

#[tokio::test]
async fn a_second_open_of_the_same_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let _first = EmbeddedStore::open(dir.path()).unwrap();
    match EmbeddedStore::open(dir.path()) {
        Err(StoreError::Unavailable(_)) => {}
        other => panic!("expected Unavailable, got {:?}", other.map(|_| ())),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_commits_on_the_same_version_exactly_one_wins() {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(dir.path()).unwrap();
    let (p, n) = ("race", "5027");
    let c1 = next_commit(p, n, None, 1);
    store.commit(c1.clone()).await.unwrap();
    for round in 0..20 {
        let current = store.enrollment(&pid(p), &num(n)).await.unwrap().unwrap();
        let tasks: Vec<_> = ["a", "b"]
            .map(|who| {
                let store = store.clone();
                let mut c = next_commit(p, n, Some(&current), 1);
                c.idempotency = Some(idempotency(&format!("race:{round}:{who}"), "{}"));
                tokio::spawn(async move { store.commit(c).await })
            })
            .into();
        let mut results = Vec::new();
        for t in tasks {
            results.push(t.await.unwrap());
        }
        let wins = results.iter().filter(|r| r.is_ok()).count();
        let conflicts = results
            .iter()
            .filter(|r| matches!(r, Err(StoreError::Conflict(_))))
            .count();
        assert_eq!((wins, conflicts), (1, 1), "round {round}: {results:?}");
        let after = store.enrollment(&pid(p), &num(n)).await.unwrap().unwrap();
        assert_eq!(after.version, current.version + 1, "round {round}: one version up");
        let scopes = ["a", "b"].map(|who| format!("race:{round}:{who}"));
        let mut stored = 0;
        for s in &scopes {
            stored += usize::from(store.idempotency(s).await.unwrap().is_some());
        }
        assert_eq!(
            stored, 1,
            "round {round}: only the winner's idempotency record is stored"
        );
    }
    let events = store.events(&pid(p), &num(n)).await.unwrap();
    assert_eq!(events.len(), 21, "one event per winning commit");
    assert!(
        crate::chain::verify_events(&events).is_ok(),
        "and the chain is unbroken"
    );
}

/// Rewrites one stored event's JSON in place, as someone with access to the file could.
fn tamper_event(store: &EmbeddedStore, key: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    use redb::ReadableTable;
    let txn = store.db.begin_write().unwrap();
    {
        let mut table = txn.open_table(EVENTS).unwrap();
        let mut value: serde_json::Value = serde_json::from_slice(table.get(key).unwrap().unwrap().value()).unwrap();
        edit(&mut value);
        let bytes = serde_json::to_vec(&value).unwrap();
        table.insert(key, bytes.as_slice()).unwrap();
    }
    txn.commit().unwrap();
}

async fn store_with_history(dir: &std::path::Path) -> EmbeddedStore {
    let store = EmbeddedStore::open(dir).unwrap();
    store.create_program(&program("tamper")).await.unwrap();
    let c1 = next_commit("tamper", "5027", None, 1);
    let c2 = next_commit("tamper", "5027", Some(&c1.enrollment), 2);
    let c3 = next_commit("tamper", "5027", Some(&c2.enrollment), 3);
    for c in [c1, c2, c3] {
        store.commit(c).await.unwrap();
    }
    store
}

#[tokio::test]
async fn editing_one_stored_event_is_detected_by_the_integrity_check() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_history(dir.path()).await;
    let reports = crate::integrity::check_store(&store).await.unwrap();
    assert!(reports.iter().all(|r| r.is_intact()), "{reports:?}");

    tamper_event(&store, &format!("tamper/5027/{:020}", 2), |e| {
        e["actor"] = "someone-else".into()
    });
    let reports = crate::integrity::check_store(&store).await.unwrap();
    let problem = reports[0].problem.as_deref().expect("the edit is detected");
    assert!(problem.starts_with("event 2 (seq 2): content changed"), "{problem}");
}

#[tokio::test]
async fn deleting_the_last_stored_event_is_detected_by_the_integrity_check() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_history(dir.path()).await;
    let last = store.events(&pid("tamper"), &num("5027")).await.unwrap().len();
    let txn = store.db.begin_write().unwrap();
    txn.open_table(EVENTS)
        .unwrap()
        .remove(format!("tamper/5027/{last:020}").as_str())
        .unwrap();
    txn.commit().unwrap();
    let reports = crate::integrity::check_store(&store).await.unwrap();
    let problem = reports[0].problem.as_deref().expect("the deletion is detected");
    assert!(problem.contains("events are missing"), "{problem}");
}

/// Concurrent commits share transactions (group commit) yet are judged one by one: of many
/// racing on one version exactly one wins, and commits to other enrollments are unaffected.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_commits_in_one_transaction_are_still_judged_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(dir.path()).unwrap();
    let first = next_commit("group", "5027", None, 1);
    store.commit(first.clone()).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..24u64 {
        let store = store.clone();
        let commit = if i % 2 == 0 {
            // All of these expect version 1 of 5027: one may win.
            let mut racing = next_commit("group", "5027", Some(&first.enrollment), 1);
            racing.outbox[0].id = format!("group/5027/race/{i}");
            racing
        } else {
            next_commit("group", &format!("{:04}", 5000 + i), None, 1)
        };
        tasks.push(tokio::spawn(async move { (i, store.commit(commit).await) }));
    }
    let mut racing_wins = 0;
    for task in tasks {
        let (i, outcome) = task.await.unwrap();
        match (i % 2 == 0, outcome) {
            (true, Ok(())) => racing_wins += 1,
            (true, Err(StoreError::Conflict(_))) => {}
            (false, Ok(())) => {}
            (racing, other) => panic!("commit {i} (racing: {racing}): {other:?}"),
        }
    }
    assert_eq!(racing_wins, 1);
    let events = store.events(&pid("group"), &num("5027")).await.unwrap();
    crate::chain::verify_events(&events).expect("one history, no fork");
    assert_eq!(
        events.len() as u64,
        store
            .enrollment(&pid("group"), &num("5027"))
            .await
            .unwrap()
            .unwrap()
            .version
    );
    for i in (1..24u64).step_by(2) {
        let number = num(&format!("{:04}", 5000 + i));
        assert!(store.enrollment(&pid("group"), &number).await.unwrap().is_some());
    }
}
