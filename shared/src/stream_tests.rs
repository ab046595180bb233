use super::*;
use crate::adapters::contract::fixtures;
use crate::adapters::memory::MemoryStore;
use crate::clock::FixedClock;
use crate::ports::{Mail, MailError, Mailer, Store};
use async_trait::async_trait;
use std::sync::{Arc, Mutex};

/// Records what it sends; refuses mail to addresses containing "bounce".
#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

#[async_trait]
impl Mailer for Recorder {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        if mail.to_email.contains("bounce") {
            return Err(MailError("mailbox unavailable".into()));
        }
        self.0.lock().unwrap().push(mail.id.clone());
        Ok(())
    }
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2031-03-01T12:00:00Z")
        .unwrap()
        .to_utc()
}

fn record(seq: &str, event: &str, pk: &str, doc: Option<String>) -> Value {
    let mut image = json!({ "pk": { "S": pk }, "sk": { "S": "OUTBOX" } });
    if let Some(doc) = doc {
        image["doc"] = json!({ "S": doc });
    }
    json!({ "eventName": event, "dynamodb": { "SequenceNumber": seq, "NewImage": image } })
}

async fn setup() -> (Arc<MemoryStore>, Arc<Recorder>, Dispatcher) {
    let store = Arc::new(MemoryStore::new());
    let mailer = Arc::new(Recorder::default());
    let clock = Arc::new(FixedClock::at(now()));
    let dispatcher = Dispatcher {
        store: store.clone(),
        mailer: mailer.clone(),
        clock,
        base_url: "http://127.0.0.1:1".into(),
        keys: None,
        webhooks: None,
    };
    (store, mailer, dispatcher)
}

#[tokio::test]
async fn a_poison_record_is_reported_and_the_others_are_performed() {
    let (store, mailer, dispatcher) = setup().await;
    let commit = fixtures::next_commit("stream", "5027", None, 1);
    let entry = commit
        .outbox
        .first()
        .cloned()
        .expect("the fixture commit has an outbox entry");
    store.commit(commit).await.unwrap();
    let event = json!({ "Records": [
        record("100", "INSERT", &format!("OUTBOX#{}", entry.id), Some(serde_json::to_string(&entry).unwrap())),
        record("101", "INSERT", "OUTBOX#garbage", Some("{not json".into())),
        record("102", "MODIFY", &format!("OUTBOX#{}", entry.id), Some(serde_json::to_string(&entry).unwrap())),
        record("103", "INSERT", "P#stream", None),
    ]});
    let answer = handle_batch(&dispatcher, &event).await;
    assert_eq!(answer, json!({ "batchItemFailures": [{ "itemIdentifier": "101" }] }));
    assert_eq!(
        mailer.0.lock().unwrap().clone(),
        vec![entry.id.clone()],
        "performed once: the MODIFY is not an effect"
    );
    assert!(
        store.outbox_pending().await.unwrap().is_empty(),
        "the performed entry is done"
    );
}

#[tokio::test]
async fn a_failed_effect_is_rescheduled_not_handed_back_to_the_stream() {
    let (store, _, dispatcher) = setup().await;
    let mut commit = fixtures::next_commit("stream", "5026", None, 1);
    let mut entry = commit.outbox.first().cloned().expect("an outbox entry");
    // Later effects (webhooks, signing links) will make this a refutable pattern.
    if let crate::domain::Effect::OptionNotice { to, .. } = &mut entry.effect {
        to.email = crate::domain::Email::parse("bounce@5026.example").unwrap();
    }
    commit.outbox = vec![entry.clone()];
    store.commit(commit).await.unwrap();
    let event = json!({ "Records": [record("7", "INSERT", &format!("OUTBOX#{}", entry.id), Some(serde_json::to_string(&entry).unwrap()))] });
    assert_eq!(
        handle_batch(&dispatcher, &event).await,
        json!({ "batchItemFailures": [] })
    );
    let pending = store.outbox_pending().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].attempts, 1);
    assert!(
        pending[0].next_attempt_at > entry.next_attempt_at,
        "retried later, by the scheduler"
    );
    assert_eq!(
        pending[0].last_error.as_deref(),
        Some("mail not sent: mailbox unavailable")
    );
}

#[test]
fn webhook_items_are_not_effects() {
    let sub = fixtures::subscription("stream", "wh_0123456789abcdef01234567");
    let delivery = fixtures::delivery(&sub.id, "stream", now(), "00ff");
    let secret = fixtures::inbound_secret("stream", "5027", "whsec_c2VjcmV0");
    let inserts = [
        (
            "P#stream".to_owned(),
            format!("WH#{}", sub.id),
            serde_json::to_string(&sub).unwrap(),
        ),
        (
            format!("WH#{}", sub.id),
            format!("D#{}", delivery.id),
            serde_json::to_string(&delivery).unwrap(),
        ),
        (
            "P#stream".to_owned(),
            "INBOUND#5027".to_owned(),
            serde_json::to_string(&secret).unwrap(),
        ),
    ];
    let records: Vec<Value> = inserts
        .iter()
        .enumerate()
        .map(|(i, (pk, sk, doc))| {
            let image = json!({ "pk": { "S": pk }, "sk": { "S": sk }, "doc": { "S": doc } });
            json!({ "eventName": "INSERT", "dynamodb": { "SequenceNumber": i.to_string(), "NewImage": image } })
        })
        .collect();
    let read = items(&json!({ "Records": records }));
    assert_eq!(read.len(), 3);
    for item in read {
        assert!(
            matches!(item.entry, Ok(None)),
            "record {} is nothing to do",
            item.sequence_number
        );
    }
}
