//! The DynamoDB store against Amazon's DynamoDB Local: the storage contract every store passes,
//! and what only a real DynamoDB can show — lost races as conditions and transaction conflicts,
//! the sparse deadline index, TTL on idempotency records, and a command as one transaction.
//! Each test has a table of its own.

use aws_sdk_dynamodb::types::{AttributeValue, KeyType, ProjectionType, StreamViewType, TimeToLiveStatus};
use aws_sdk_dynamodb::Client;
use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use serde_json::json;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use vedtak::adapters::aws_schema::table;
use vedtak::adapters::contract::{self, fixtures::*};
use vedtak::adapters::dynamodb::DynamoStore;
use vedtak::adapters::embedded::EmbeddedStore;
use vedtak::chain::{verify_events, Event};
use vedtak::domain::{Enrollment, State};
use vedtak::ports::{Commit, Store, StoreError};
use vedtak_tests::dynamodb_local;

async fn store() -> (Client, DynamoStore) {
    let (client, table) = dynamodb_local::fresh_table().await;
    (client.clone(), DynamoStore::new(client, table))
}

/// An item exactly as stored, bypassing the adapter.
async fn raw_item(client: &Client, store: &DynamoStore, pk: &str, sk: &str) -> Option<HashMap<String, AttributeValue>> {
    client
        .get_item()
        .table_name(store.table())
        .key(table::PARTITION_KEY, AttributeValue::S(pk.into()))
        .key(table::SORT_KEY, AttributeValue::S(sk.into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
}

fn s<'a>(item: &'a HashMap<String, AttributeValue>, name: &str) -> Option<&'a str> {
    item.get(name).and_then(|v| v.as_s().ok()).map(String::as_str)
}

#[tokio::test]
async fn the_dynamodb_store_passes_the_storage_contract() {
    let (_, store) = store().await;
    contract::run_all(&store).await;
}

/// Writer `who`'s next command on `current`: one event that names the writer, so the history
/// shows whose commit won.
fn writer_commit(current: &Enrollment, who: &str, round: usize) -> Commit {
    let (p, n) = (current.program.as_str(), current.number.as_str());
    let mut c = next_commit(p, n, Some(current), 1);
    let at = t0() + Duration::seconds(round as i64);
    let data = json!({ "round": round, "writer": who });
    let event = Event::chained(current.last_seq + 1, "test.race", at, at, who, data, &current.head_hash);
    c.enrollment.head_hash = event.hash.clone();
    c.events = vec![event];
    c.idempotency = Some(idempotency(&format!("race:{round}:{who}"), "{}"));
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_writers_racing_on_one_version_exactly_one_wins_and_the_history_has_no_gap() {
    const ROUNDS: usize = 30;
    let (_, store) = store().await;
    let store = Arc::new(store);
    let (p, n) = (pid("race"), num("5027"));
    store.commit(next_commit("race", "5027", None, 1)).await.unwrap();
    let mut winners = Vec::new();
    for round in 0..ROUNDS {
        let current = store.enrollment(&p, &n).await.unwrap().unwrap();
        // Both start together, so their transactions overlap as often as the machine allows.
        let start = Arc::new(tokio::sync::Barrier::new(2));
        let tasks = ["a", "b"].map(|who| {
            let (store, start) = (store.clone(), start.clone());
            let c = writer_commit(&current, who, round);
            tokio::spawn(async move {
                start.wait().await;
                (who, store.commit(c).await)
            })
        });
        let mut results = Vec::new();
        for t in tasks {
            results.push(t.await.unwrap());
        }
        let won: Vec<&str> = results.iter().filter(|(_, r)| r.is_ok()).map(|(w, _)| *w).collect();
        let lost = results
            .iter()
            .filter(|(_, r)| matches!(r, Err(StoreError::Conflict(_))))
            .count();
        assert_eq!((won.len(), lost), (1, 1), "round {round}: {results:?}");
        winners.push(won[0]);

        let after = store.enrollment(&p, &n).await.unwrap().unwrap();
        assert_eq!(after.version, current.version + 1, "round {round}: one version up");
        for who in ["a", "b"] {
            let record = store.idempotency(&format!("race:{round}:{who}")).await.unwrap();
            assert_eq!(
                record.is_some(),
                who == won[0],
                "round {round}: only the winner's record"
            );
        }
    }
    let events = store.events(&p, &n).await.unwrap();
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        (1..=ROUNDS as u64 + 1).collect::<Vec<_>>(),
        "no gap, no duplicate"
    );
    verify_events(&events).expect("the history is one unbroken chain");
    let actors: Vec<&str> = events[1..].iter().map(|e| e.actor.as_str()).collect();
    assert_eq!(actors, winners, "each round's event is the winner's");
    let head = store.enrollment(&p, &n).await.unwrap().unwrap();
    assert_eq!(
        head.head_hash,
        events.last().unwrap().hash,
        "the enrollment points at the head"
    );
}

fn deadline(rfc3339: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap()
}

/// Creates an enrollment in `state` with this deadline, on both stores.
async fn enroll(stores: [&dyn Store; 2], p: &str, n: &str, state: State, deadline: DateTime<FixedOffset>) -> Commit {
    let mut c = next_commit(p, n, None, 1);
    c.enrollment.state = state;
    c.enrollment.option_deadline = deadline;
    for store in stores {
        store.commit(c.clone()).await.unwrap();
    }
    c
}

#[tokio::test]
async fn open_past_deadline_finds_exactly_the_open_enrollments_whose_deadline_has_passed() {
    let (client, dynamo) = store().await;
    let dir = tempfile::tempdir().unwrap();
    let embedded = EmbeddedStore::open(dir.path()).unwrap();
    let stores: [&dyn Store; 2] = [&dynamo, &embedded];
    for s in stores {
        s.create_program(&program("frist")).await.unwrap();
        s.create_program(&program("frist-b")).await.unwrap();
    }
    let now = Utc.with_ymd_and_hms(2030, 7, 1, 10, 0, 0).unwrap();
    let passed = deadline("2030-06-30T23:59:59+02:00");
    let long_ago = deadline("2029-06-30T23:59:59+02:00");
    let future = deadline("2030-12-31T23:59:59+01:00");
    // The last second of the deadline is over exactly one second after it began.
    let just_over = (now - Duration::seconds(1)).fixed_offset();
    let still_running = now.fixed_offset();

    let cases = [
        ("frist", "0101", State::OptionHeld, passed, true),
        ("frist", "0301", State::Adopted, passed, true),
        ("frist", "1103", State::Rejected, long_ago, true),
        ("frist", "1104", State::NoticeSent, just_over, true),
        ("frist", "1105", State::MeetingScheduled, still_running, false),
        ("frist", "1106", State::OptionHeld, future, false),
        ("frist", "5027", State::OptionExercised, passed, false),
        ("frist", "5028", State::Lapsed, passed, false),
        ("frist", "5029", State::Declined, passed, false),
        ("frist", "5030", State::Live, long_ago, false),
        ("frist", "5031", State::AgreementSigned, passed, false),
        ("frist-b", "0101", State::OptionHeld, passed, true),
    ];
    let mut expected = BTreeSet::new();
    for (p, n, state, deadline, due) in cases {
        enroll(stores, p, n, state, deadline).await;
        if due {
            expected.insert((p.to_owned(), n.to_owned()));
        }
    }
    // Open and past its deadline, then exercised (as if just in time): it leaves the index.
    let c = enroll(stores, "frist", "5032", State::Adopted, passed).await;
    let mut exercised = next_commit("frist", "5032", Some(&c.enrollment), 1);
    exercised.enrollment.state = State::OptionExercised;
    exercised.enrollment.option_deadline = passed;
    for s in stores {
        s.commit(exercised.clone()).await.unwrap();
    }

    let found =
        |v: Vec<(vedtak::domain::ProgramId, vedtak::domain::MunicipalityNumber)>| -> BTreeSet<(String, String)> {
            v.into_iter().map(|(p, n)| (p.to_string(), n.to_string())).collect()
        };
    let from_index = found(dynamo.open_past_deadline(now).await.unwrap());
    assert_eq!(
        from_index, expected,
        "the open enrollments past their deadline, and no others"
    );
    let from_walk = found(embedded.open_past_deadline(now).await.unwrap());
    assert_eq!(from_index, from_walk, "the index agrees with walking every program");
    let at_the_last_second = found(dynamo.open_past_deadline(passed.to_utc()).await.unwrap());
    assert_eq!(
        at_the_last_second,
        BTreeSet::from([("frist".to_owned(), "1103".to_owned())]),
        "during the deadline's last second only the one long past is due"
    );

    // The index holds only open enrollments: closed ones are not merely filtered out.
    let indexed = client
        .query()
        .table_name(dynamo.table())
        .index_name(table::DUE_INDEX)
        .key_condition_expression("#k = :v")
        .expression_attribute_names("#k", table::DUE_PARTITION_KEY)
        .expression_attribute_values(":v", AttributeValue::S(table::DUE_DEADLINE.into()))
        .send()
        .await
        .unwrap();
    let open_count = cases.iter().filter(|c| c.2.is_before_exercise()).count();
    assert_eq!(
        indexed.count() as usize,
        open_count,
        "one index entry per open enrollment"
    );
    let closed = raw_item(&client, &dynamo, "P#frist", "E#5032").await.unwrap();
    assert!(
        !closed.contains_key(table::DUE_PARTITION_KEY),
        "an exercised enrollment is out of the index"
    );
}

#[tokio::test]
async fn an_idempotency_record_carries_expires_at_seven_days_after_it_was_created() {
    let (client, store) = store().await;
    let mut c = next_commit("ttl", "5027", None, 1);
    c.idempotency = Some(idempotency("ttl:committed", "{}"));
    store.commit(c).await.unwrap();
    let mut refused = idempotency("ttl:refused", "{\"status\":409}");
    refused.created_at = t0() + Duration::hours(5);
    store.put_idempotency(&refused).await.unwrap();

    for (scope, created) in [("ttl:committed", t0()), ("ttl:refused", refused.created_at)] {
        let item = raw_item(&client, &store, &format!("IDEM#{scope}"), "IDEM")
            .await
            .unwrap();
        let expected = (created + Duration::days(7)).timestamp().to_string();
        assert_eq!(
            item.get(table::TTL_ATTRIBUTE),
            Some(&AttributeValue::N(expected)),
            "{scope}: epoch seconds, a week after it was created"
        );
    }
    let ttl = client
        .describe_time_to_live()
        .table_name(store.table())
        .send()
        .await
        .unwrap();
    let ttl = ttl.time_to_live_description().unwrap();
    assert_eq!(
        ttl.attribute_name(),
        Some(table::TTL_ATTRIBUTE),
        "the table's TTL reads expires_at"
    );
    assert_eq!(ttl.time_to_live_status(), Some(&TimeToLiveStatus::Enabled));
}

#[tokio::test]
async fn a_commit_whose_last_event_collides_with_a_stored_one_writes_nothing_at_all() {
    let (client, store) = store().await;
    let (p, n) = (pid("atomic"), num("5027"));
    let v1 = next_commit("atomic", "5027", None, 3);
    store.commit(v1.clone()).await.unwrap();
    let before = (
        store.enrollment(&p, &n).await.unwrap(),
        store.events(&p, &n).await.unwrap(),
        store.outbox_pending().await.unwrap(),
    );

    // Version right, events 4..=7 new, three outbox entries, an idempotency record, and as the
    // very last item an event whose seq (2) is taken: the whole transaction is refused.
    let mut c = next_commit("atomic", "5027", Some(&v1.enrollment), 4);
    let good = c.clone();
    c.events.push(events(2, 1, &v1.events[0].hash).remove(0));
    c.outbox = (0..3)
        .map(|i| outbox_entry(&format!("atomic/5027/2/{i}"), t0(), t0()))
        .collect();
    c.idempotency = Some(idempotency("atomic:k1", "{}"));
    match store.commit(c).await {
        Err(StoreError::Conflict(message)) => assert!(message.contains("event 2"), "{message}"),
        other => panic!("expected Conflict naming event 2, got {other:?}"),
    }
    let after = (
        store.enrollment(&p, &n).await.unwrap(),
        store.events(&p, &n).await.unwrap(),
        store.outbox_pending().await.unwrap(),
    );
    assert_eq!(after, before, "enrollment, history and outbox are as they were");
    assert_eq!(after.0.unwrap().version, 1, "the version did not move");
    assert_eq!(
        store.idempotency("atomic:k1").await.unwrap(),
        None,
        "no idempotency record"
    );
    for seq in 4..=7 {
        let sk = format!("V#{seq:020}");
        assert!(
            raw_item(&client, &store, "E#atomic#5027", &sk).await.is_none(),
            "no event {seq}"
        );
    }

    // Without the colliding event the same commit goes through: the collision was the reason.
    store.commit(good).await.unwrap();
    assert_eq!(store.events(&p, &n).await.unwrap().len(), 7);
}

#[tokio::test]
async fn a_commit_beyond_the_100_items_of_one_transaction_is_refused_whole_as_an_outage() {
    let (_, store) = store().await;
    let (p, n) = (pid("huge"), num("5027"));
    // 1 enrollment + 99 events + 1 outbox entry = 101 items.
    match store.commit(next_commit("huge", "5027", None, 99)).await {
        Err(StoreError::Unavailable(message)) => assert!(message.contains("101 items"), "{message}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert_eq!(store.enrollment(&p, &n).await.unwrap(), None);
    assert!(store.events(&p, &n).await.unwrap().is_empty());
    // 1 + 98 + 1 = 100 is exactly the limit, and fits.
    store.commit(next_commit("huge", "5027", None, 98)).await.unwrap();
    assert_eq!(
        store.events(&p, &n).await.unwrap().len(),
        98,
        "read back across pages if need be"
    );
}

#[tokio::test]
async fn a_store_whose_table_is_missing_is_unavailable_never_in_conflict() {
    let store = DynamoStore::new(dynamodb_local::client().await, "vedtak-no-such-table");
    let (p, n) = (pid("missing"), num("5027"));
    let outage = |r: Result<(), StoreError>| matches!(r, Err(StoreError::Unavailable(_)));
    assert!(
        outage(store.commit(next_commit("missing", "5027", None, 1)).await),
        "commit"
    );
    assert!(
        outage(store.create_program(&program("missing")).await),
        "create_program"
    );
    assert!(
        outage(store.put_api_key(&api_key("k", "s", "missing")).await),
        "put_api_key"
    );
    assert!(
        matches!(store.enrollment(&p, &n).await, Err(StoreError::Unavailable(_))),
        "enrollment"
    );
    assert!(
        matches!(store.outbox_due(t0(), 10).await, Err(StoreError::Unavailable(_))),
        "outbox_due"
    );
}

#[tokio::test]
async fn the_table_is_created_as_the_schema_defines_it_and_creating_it_again_changes_nothing() {
    let (client, name) = dynamodb_local::fresh_table().await;
    let again = DynamoStore::create_table(&client, &name).await.unwrap();
    assert!(!again, "a second create finds the table and says so");

    let described = client.describe_table().table_name(&name).send().await.unwrap();
    let t = described.table().unwrap();
    let keys: Vec<(&str, &KeyType)> = t
        .key_schema()
        .iter()
        .map(|k| (k.attribute_name(), k.key_type()))
        .collect();
    assert_eq!(
        keys,
        [
            (table::PARTITION_KEY, &KeyType::Hash),
            (table::SORT_KEY, &KeyType::Range)
        ]
    );
    let billing = t
        .billing_mode_summary()
        .and_then(|b| b.billing_mode())
        .map(|m| m.as_str());
    assert_eq!(billing, Some(table::BILLING_MODE));
    let stream = t.stream_specification().unwrap();
    assert!(stream.stream_enabled());
    assert_eq!(
        stream.stream_view_type(),
        Some(&StreamViewType::from(table::STREAM_VIEW_TYPE))
    );

    let [index] = t.global_secondary_indexes() else {
        panic!("exactly one GSI: {:?}", t.global_secondary_indexes());
    };
    assert_eq!(index.index_name(), Some(table::DUE_INDEX));
    let keys: Vec<(&str, &KeyType)> = index
        .key_schema()
        .iter()
        .map(|k| (k.attribute_name(), k.key_type()))
        .collect();
    assert_eq!(
        keys,
        [
            (table::DUE_PARTITION_KEY, &KeyType::Hash),
            (table::DUE_SORT_KEY, &KeyType::Range)
        ]
    );
    let projection = index.projection().and_then(|p| p.projection_type());
    assert_eq!(
        projection,
        Some(&ProjectionType::All),
        "index readers get the whole doc"
    );
}

#[tokio::test]
async fn items_are_laid_out_as_docs_dynamodb_md_describes() {
    let (client, store) = store().await;
    store.create_program(&program("layout")).await.unwrap();
    let key = api_key("layout-key", "layout-secret", "layout");
    store.put_api_key(&key).await.unwrap();
    let mut c = next_commit("layout", "5027", None, 2);
    c.idempotency = Some(idempotency("layout-key:k1", "{}"));
    store.commit(c).await.unwrap();

    let scan = client.scan().table_name(store.table()).send().await.unwrap();
    let mut keys: Vec<(String, String, Vec<String>)> = scan
        .items()
        .iter()
        .map(|item| {
            let mut attrs: Vec<String> = item
                .keys()
                .filter(|k| *k != table::PARTITION_KEY && *k != table::SORT_KEY)
                .cloned()
                .collect();
            attrs.sort();
            let pk = s(item, table::PARTITION_KEY).unwrap().to_owned();
            (pk, s(item, table::SORT_KEY).unwrap().to_owned(), attrs)
        })
        .collect();
    keys.sort();
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let expected = vec![
        ("E#layout#5027".into(), "V#00000000000000000001".into(), owned(&["doc"])),
        ("E#layout#5027".into(), "V#00000000000000000002".into(), owned(&["doc"])),
        (
            "IDEM#layout-key:k1".into(),
            "IDEM".into(),
            owned(&["doc", "expires_at"]),
        ),
        ("KEY#layout-key".into(), "KEY".into(), owned(&["doc"])),
        (
            format!("KEYHASH#{}", key.hash),
            "KEYHASH".into(),
            owned(&["doc", "key_id"]),
        ),
        (
            "OUTBOX#layout/5027/1/0".into(),
            "OUTBOX".into(),
            owned(&["doc", "due_pk", "due_sk"]),
        ),
        (
            "P#layout".into(),
            "E#5027".into(),
            owned(&["doc", "due_pk", "due_sk", "version"]),
        ),
        ("PROGRAMS".into(), "P#layout".into(), owned(&["doc"])),
    ];
    assert_eq!(keys, expected);
}
