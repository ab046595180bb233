//! Webhook deliveries that fail for good go to the dead-letter queue (moto's SQS), built as
//! `AwsBackend` builds it from `VEDTAK_WEBHOOK_DLQ_URL`: one message per failed delivery, with
//! its id, subscription, program, type, status, every try and the exact body that was to be
//! sent, and never a secret. A delivered one sends nothing. Each test has a queue of its own;
//! the store is in memory, since only the queue is under test here.

use aws_sdk_sqs::types::{Message, MessageSystemAttributeName, QueueAttributeName};
use chrono::Duration;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use vedtak::adapters::contract::fixtures::{delivery, subscription, t0};
use vedtak::adapters::memory::MemoryStore;
use vedtak::aws::{AwsBackend, AwsConfig, KeysSetting};
use vedtak::clock::FixedClock;
use vedtak::ports::{Clock, SendError, Store, WebhookRequest, WebhookSender};
use vedtak::webhooks::deliver::{Deliverer, SCHEDULE};
use vedtak::webhooks::{Delivery, DeliveryStatus};
use vedtak_tests::moto;

const PROGRAM: &str = "helseplattformen";
const SUBSCRIPTION: &str = "wh_00000000000000000000dead";

/// Answers every request with `status`, and keeps what it was asked to send.
struct Receiver {
    status: u16,
    sent: Mutex<Vec<WebhookRequest>>,
}

#[async_trait::async_trait]
impl WebhookSender for Receiver {
    async fn send(&self, request: &WebhookRequest) -> Result<u16, SendError> {
        self.sent.lock().unwrap().push(request.clone());
        Ok(self.status)
    }
}

/// The backend as `AwsBackend::connect` assembles it with `VEDTAK_WEBHOOK_DLQ_URL=queue_url`,
/// its SQS client on moto. Table, bucket and mail are never used here.
async fn backend(queue_url: &str) -> AwsBackend {
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new(moto::REGION))
            .endpoint_url("http://127.0.0.1:1")
            .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                "test", "test", None, None, "test",
            ))
            .build(),
    );
    let config = AwsConfig {
        table: "vedtak-dead-letters-test".into(),
        bucket: "vedtak-dead-letters-test".into(),
        base_url: "http://127.0.0.1".into(),
        mail_from: moto::MAIL_FROM.into(),
        keys: KeysSetting::None,
        webhook_dlq_url: Some(queue_url.into()),
    };
    let (s3, sesv2) = (moto::s3().await, moto::sesv2().await);
    AwsBackend::from_clients(
        config,
        dynamodb,
        s3,
        sesv2,
        None,
        Some(moto::sqs()),
        moto::REGION.into(),
    )
}

struct Setup {
    store: Arc<MemoryStore>,
    clock: Arc<FixedClock>,
    receiver: Arc<Receiver>,
    deliverer: Deliverer,
    delivery: Delivery,
    secret: String,
}

/// One subscription, one delivery due at `t0`, a receiver answering `status`, and the dead
/// letters of `backend(queue_url)`.
async fn setup(queue_url: &str, status: u16) -> Setup {
    let store = Arc::new(MemoryStore::new());
    let sub = subscription(PROGRAM, SUBSCRIPTION);
    store.put_subscription(&sub).await.unwrap();
    let delivery = delivery(SUBSCRIPTION, PROGRAM, t0(), "00000000000000000dead");
    assert!(store.create_delivery(&delivery).await.unwrap());
    let clock = Arc::new(FixedClock::at(t0()));
    let receiver = Arc::new(Receiver {
        status,
        sent: Mutex::new(vec![]),
    });
    let dead_letters = backend(queue_url).await.dead_letters;
    assert!(dead_letters.is_some(), "a queue is configured");
    let deliverer = Deliverer {
        store: store.clone(),
        sender: receiver.clone(),
        clock: clock.clone(),
        dead_letters,
        passes: Default::default(),
    };
    Setup {
        store,
        clock,
        receiver,
        deliverer,
        delivery,
        secret: sub.secrets[0].secret.clone(),
    }
}

impl Setup {
    async fn stored(&self) -> Delivery {
        let stored = self.store.delivery(SUBSCRIPTION, &self.delivery.id).await.unwrap();
        stored.expect("the delivery is stored")
    }

    /// Every try of the schedule: a pass, then the clock two days on (past the longest wait,
    /// jitter included) and another, until none is left.
    async fn run_whole_schedule(&self) {
        for _ in 0..=SCHEDULE.len() {
            self.deliverer.run_once().await.unwrap();
            self.clock.set(self.clock.now() + Duration::days(2));
        }
    }
}

/// How many messages the queue holds (none is received before this is asked).
async fn waiting(client: &aws_sdk_sqs::Client, queue_url: &str) -> usize {
    let attributes = client
        .get_queue_attributes()
        .queue_url(queue_url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .expect("queue attributes");
    let count = attributes
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::ApproximateNumberOfMessages))
        .expect("ApproximateNumberOfMessages");
    count.parse().expect("a number")
}

async fn receive(client: &aws_sdk_sqs::Client, queue_url: &str) -> Vec<Message> {
    let received = client
        .receive_message()
        .queue_url(queue_url)
        .max_number_of_messages(10)
        .message_system_attribute_names(MessageSystemAttributeName::All)
        .send()
        .await
        .expect("receive");
    received.messages.unwrap_or_default()
}

#[tokio::test]
async fn a_delivery_that_used_up_every_try_is_one_message_in_the_dead_letter_queue_without_secrets() {
    let (client, queue_url) = moto::fresh_queue(false).await;
    let s = setup(&queue_url, 500).await;
    s.run_whole_schedule().await;

    let stored = s.stored().await;
    assert_eq!(stored.status, DeliveryStatus::Failed);
    assert_eq!(stored.attempts.len(), SCHEDULE.len() + 1, "ten tries");
    assert_eq!(waiting(&client, &queue_url).await, 1, "one message, not one per try");

    let messages = receive(&client, &queue_url).await;
    assert_eq!(messages.len(), 1);
    let text = messages[0].body().expect("a body");
    let m: Value = serde_json::from_str(text).expect("the message is JSON");
    assert_eq!(m["id"], stored.id, "the webhook-id");
    assert_eq!(m["subscription"], SUBSCRIPTION);
    assert_eq!(m["program"], PROGRAM);
    assert_eq!(m["type"], "enrollment.state_changed");
    assert_eq!(m["status"], "failed");
    let attempts = m["attempts"].as_array().expect("attempts");
    assert_eq!(attempts.len(), stored.attempts.len());
    for (sent, kept) in attempts.iter().zip(&stored.attempts) {
        assert_eq!(sent["status"], 500);
        assert_eq!(sent["error"], "the receiver answered 500");
        let at = chrono::DateTime::parse_from_rfc3339(sent["at"].as_str().unwrap()).unwrap();
        assert_eq!(at, kept.at);
    }
    let last_sent = s
        .receiver
        .sent
        .lock()
        .unwrap()
        .last()
        .cloned()
        .expect("something was sent");
    assert_eq!(
        m["body"].as_str(),
        Some(last_sent.body.as_str()),
        "the exact body, as a string"
    );

    // No secret, and nothing derived from one: neither the subscription's secret, nor its key
    // bytes, nor a signature that was sent.
    let key = s.secret.trim_start_matches("whsec_");
    assert!(
        !text.contains(&s.secret) && !text.contains(key) && !text.contains("whsec_"),
        "{text}"
    );
    for (name, value) in &last_sent.headers {
        if name == "webhook-signature" {
            let signature = value.trim_start_matches("v1,");
            assert!(!text.contains(signature), "{text}");
        }
    }
    // A standard queue: no FIFO group.
    let attributes = messages[0].attributes().cloned().unwrap_or_default();
    assert!(!attributes.contains_key(&MessageSystemAttributeName::MessageGroupId));
}

#[tokio::test]
async fn a_delivered_one_sends_nothing_to_the_dead_letter_queue() {
    let (client, queue_url) = moto::fresh_queue(false).await;
    let s = setup(&queue_url, 204).await;
    s.run_whole_schedule().await;
    assert_eq!(s.stored().await.status, DeliveryStatus::Delivered);
    assert_eq!(s.receiver.sent.lock().unwrap().len(), 1);
    assert_eq!(waiting(&client, &queue_url).await, 0);
    assert!(receive(&client, &queue_url).await.is_empty());
}

#[tokio::test]
async fn a_fifo_queue_gets_the_subscription_as_group_and_one_id_per_failure() {
    let (client, queue_url) = moto::fresh_queue(true).await;
    let s = setup(&queue_url, 410).await;
    s.deliverer.run_once().await.unwrap();
    let stored = s.stored().await;
    assert_eq!(stored.status, DeliveryStatus::Failed, "410 fails it at once");

    let messages = receive(&client, &queue_url).await;
    assert_eq!(messages.len(), 1);
    let m: Value = serde_json::from_str(messages[0].body().unwrap()).unwrap();
    assert_eq!(m["id"], stored.id);
    assert_eq!(m["attempts"][0]["status"], 410);
    let attributes = messages[0].attributes().cloned().unwrap_or_default();
    assert_eq!(
        attributes.get(&MessageSystemAttributeName::MessageGroupId),
        Some(&SUBSCRIPTION.to_owned())
    );
    assert_eq!(
        attributes.get(&MessageSystemAttributeName::MessageDeduplicationId),
        Some(&format!("{}.1", stored.id))
    );
}
