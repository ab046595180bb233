//! Deliveries: a published message fanned out to each subscription that wants it, then sent,
//! signed, and tried again on a growing, jittered schedule for more than a day. Everything is
//! recorded on the delivery, so the deliveries list shows each try and a failed delivery can be
//! sent again by hand. Where there are dead letters (on AWS), a delivery that fails for good is
//! also put there.

use super::signature;
use super::{Attempt, Delivery, DeliveryStatus, Subscription};
use crate::domain::Effect;
use crate::ports::{Clock, DeadLetters, OutboxEntry, SendError, Store, StoreError, WebhookRequest, WebhookSender};
use chrono::{DateTime, Duration, Utc};
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::json;
use std::sync::Arc;

/// Seconds to wait after the 1st, 2nd, … failed try: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
/// 20 h, 24 h — ten tries over about three days. Each wait gets up to 10 % more, at random, so
/// that many deliveries to one receiver that is back up do not arrive at the same second.
pub const SCHEDULE: [i64; 9] = [5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400];

/// How many due deliveries one pass takes.
const BATCH: usize = 50;
/// How many are sent at once: a slow receiver (up to 15 s) must not hold up the others, and a
/// pass must end well inside the scheduler function's time.
const CONCURRENCY: usize = 10;

pub struct Deliverer {
    pub store: Arc<dyn Store>,
    pub sender: Arc<dyn WebhookSender>,
    pub clock: Arc<dyn Clock>,
    /// Gets a copy of each delivery the moment it turns `failed` (on AWS, an SQS queue). None
    /// locally: there the deliveries list is the record.
    pub dead_letters: Option<Arc<dyn DeadLetters>>,
    /// One pass over due deliveries at a time in this process (the background loop and a moved
    /// clock may both start one), so a delivery is not sent twice by two passes.
    pub passes: tokio::sync::Mutex<()>,
}

/// How long a fresh delivery is left to the fan-out that created it and tries it at once,
/// before a pass over due deliveries may take it (if that first try never happened).
const FIRST_TRY_LEASE_SECONDS: i64 = 60;

/// The `webhook-id` of one message to one subscription: stable however often the fan-out runs,
/// and sorting by the time of the event.
pub fn delivery_id(entry: &OutboxEntry, subscription: &str) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA256,
        format!("{}\n{subscription}", entry.id).as_bytes(),
    );
    let stamp = entry.created_at.format("%Y%m%dT%H%M%S%3f");
    format!("msg_{stamp}_{}", &hex::encode(digest.as_ref())[..20])
}

fn jittered(seconds: i64) -> Duration {
    let mut byte = [0u8; 1];
    let _ = SystemRandom::new().fill(&mut byte);
    Duration::milliseconds(seconds * 1000 + seconds * 100 * i64::from(byte[0]) / 255)
}

impl Deliverer {
    /// Creates a delivery for each subscription that wants the message in `entry` (a `Publish`
    /// effect); returns those created now (none for a fan-out that already ran).
    pub async fn fan_out(&self, entry: &OutboxEntry) -> Result<Vec<Delivery>, StoreError> {
        let Effect::Publish {
            program,
            number,
            event_type,
            data,
            occurred_at,
            ..
        } = &entry.effect
        else {
            return Ok(vec![]);
        };
        let mut created = Vec::new();
        for subscription in self.store.subscriptions(program).await? {
            if !subscription.wants(event_type, number) {
                continue;
            }
            let body = json!({ "type": event_type, "timestamp": occurred_at, "data": data }).to_string();
            let delivery = Delivery {
                id: delivery_id(entry, &subscription.id),
                subscription: subscription.id.clone(),
                program: program.clone(),
                event_type: event_type.clone(),
                body,
                status: DeliveryStatus::Pending,
                attempts: vec![],
                // The fan-out tries it at once; passes over due deliveries wait for the lease.
                next_attempt_at: Some(self.clock.now() + Duration::seconds(FIRST_TRY_LEASE_SECONDS)),
                created_at: entry.created_at,
            };
            if self.store.create_delivery(&delivery).await? {
                created.push(delivery);
            }
        }
        Ok(created)
    }

    /// Sends every delivery that is due, several at a time; returns how many were delivered.
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        let _pass = self.passes.lock().await;
        let due = self.store.deliveries_due(self.clock.now(), BATCH).await?;
        self.attempt_all(due).await
    }

    /// Tries each delivery, at most `CONCURRENCY` at once; returns how many were delivered.
    pub async fn attempt_all(&self, deliveries: Vec<Delivery>) -> Result<usize, StoreError> {
        use futures::stream::{self, StreamExt, TryStreamExt};
        let done: Vec<Delivery> = stream::iter(deliveries.into_iter().map(|d| self.attempt(d)))
            .buffer_unordered(CONCURRENCY)
            .try_collect()
            .await?;
        Ok(done.iter().filter(|d| d.status == DeliveryStatus::Delivered).count())
    }

    /// One try: sign, send, record what happened and when to try next.
    pub async fn attempt(&self, mut delivery: Delivery) -> Result<Delivery, StoreError> {
        let now = self.clock.now();
        let subscription = self
            .store
            .subscription(&delivery.program, &delivery.subscription)
            .await?;
        let Some(subscription) = subscription.filter(|s| s.enabled) else {
            delivery.status = DeliveryStatus::Failed;
            delivery.next_attempt_at = None;
            delivery.attempts.push(Attempt {
                at: now,
                status: None,
                error: Some("the subscription is disabled or gone; retry by hand after enabling it".into()),
                duration_ms: 0,
            });
            self.store.update_delivery(&delivery).await?;
            self.dead_letter(&delivery).await;
            return Ok(delivery);
        };
        let started = std::time::Instant::now();
        let result = self.sender.send(&request(&subscription, &delivery, now)).await;
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let (status, error) = match &result {
            Ok(code) if (200..300).contains(code) => (Some(*code), None),
            Ok(code) => (Some(*code), Some(format!("the receiver answered {code}"))),
            Err(e) => (None, Some(e.to_string())),
        };
        delivery.attempts.push(Attempt {
            at: now,
            status,
            error,
            duration_ms,
        });
        let tries = delivery.attempts.len();
        match result {
            Ok(code) if (200..300).contains(&code) => {
                delivery.status = DeliveryStatus::Delivered;
                delivery.next_attempt_at = None;
            }
            Ok(410) => {
                // The receiver says the endpoint is gone for good: stop sending to it.
                delivery.status = DeliveryStatus::Failed;
                delivery.next_attempt_at = None;
                self.disable(subscription, "the receiver answered 410 Gone").await?;
            }
            Err(SendError::Refused(_)) => {
                // Trying again cannot help: the address is not one we deliver to.
                delivery.status = DeliveryStatus::Failed;
                delivery.next_attempt_at = None;
            }
            _ if tries > SCHEDULE.len() => {
                delivery.status = DeliveryStatus::Failed;
                delivery.next_attempt_at = None;
            }
            _ => delivery.next_attempt_at = Some(now + jittered(SCHEDULE[tries - 1])),
        }
        tracing::info!(delivery = %delivery.id, tries, status = ?delivery.status, "webhook attempt");
        if delivery.status == DeliveryStatus::Failed {
            // Counted by a metric filter on AWS, which raises an alarm (see template.yaml).
            tracing::warn!(delivery = %delivery.id, subscription = %delivery.subscription, "webhook delivery failed");
        }
        self.store.update_delivery(&delivery).await?;
        if delivery.status == DeliveryStatus::Failed {
            self.dead_letter(&delivery).await;
        }
        Ok(delivery)
    }

    /// Puts a delivery that has just turned `failed`, and is stored so, into the dead letters.
    /// That is only a copy for operators: if it cannot be put there, the failure is logged
    /// (without the body or any secret) and nothing else changes.
    async fn dead_letter(&self, delivery: &Delivery) {
        let Some(dead_letters) = &self.dead_letters else {
            return;
        };
        if let Err(error) = dead_letters.failed(delivery).await {
            tracing::error!(
                delivery = %delivery.id,
                subscription = %delivery.subscription,
                %error,
                "failed webhook delivery not put into the dead letters"
            );
        }
    }

    /// A delivery sent again now, by hand. Its earlier tries stay in its record; if this one
    /// fails too, the schedule goes on from where it was (a delivery that had used all its
    /// tries is failed again at once).
    pub async fn retry_by_hand(&self, mut delivery: Delivery) -> Result<Delivery, StoreError> {
        delivery.status = DeliveryStatus::Pending;
        delivery.next_attempt_at = Some(self.clock.now());
        self.attempt(delivery).await
    }

    async fn disable(&self, mut subscription: Subscription, reason: &str) -> Result<(), StoreError> {
        subscription.enabled = false;
        subscription.disabled_reason = Some(reason.to_owned());
        self.store.put_subscription(&subscription).await
    }
}

/// The request for one try: Standard Webhooks headers, signed by every live secret.
pub fn request(subscription: &Subscription, delivery: &Delivery, now: DateTime<Utc>) -> WebhookRequest {
    let timestamp = now.timestamp();
    let secrets = subscription.live_secrets(now);
    let signature = signature::header(&secrets, &delivery.id, timestamp, delivery.body.as_bytes());
    WebhookRequest {
        url: subscription.url.clone(),
        headers: vec![
            ("webhook-id".into(), delivery.id.clone()),
            ("webhook-timestamp".into(), timestamp.to_string()),
            ("webhook-signature".into(), signature),
        ],
        body: delivery.body.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::contract::fixtures::{delivery, subscription, t0};
    use crate::adapters::memory::MemoryStore;
    use crate::clock::FixedClock;
    use crate::ports::DeadLetterError;
    use async_trait::async_trait;
    use std::sync::Mutex;

    const PROGRAM: &str = "helseplattformen";
    const SUBSCRIPTION: &str = "wh_000000000000000000000001";

    /// Answers every request the same way.
    struct Answers(fn() -> Result<u16, SendError>);

    #[async_trait]
    impl WebhookSender for Answers {
        async fn send(&self, _: &WebhookRequest) -> Result<u16, SendError> {
            (self.0)()
        }
    }

    /// Keeps what it is given; refuses everything when `broken`.
    #[derive(Default)]
    struct Kept {
        letters: Mutex<Vec<Delivery>>,
        broken: bool,
    }

    impl Kept {
        fn letters(&self) -> Vec<Delivery> {
            self.letters.lock().unwrap().clone()
        }
    }

    #[async_trait]
    impl DeadLetters for Kept {
        async fn failed(&self, delivery: &Delivery) -> Result<(), DeadLetterError> {
            if self.broken {
                return Err(DeadLetterError("the queue is gone".into()));
            }
            self.letters.lock().unwrap().push(delivery.clone());
            Ok(())
        }
    }

    struct Setup {
        store: Arc<MemoryStore>,
        clock: Arc<FixedClock>,
        kept: Arc<Kept>,
        deliverer: Deliverer,
        delivery: Delivery,
    }

    /// One subscription, one delivery due at `t0`, and a deliverer whose sender answers `answer`.
    async fn setup(answer: fn() -> Result<u16, SendError>, kept: Kept) -> Setup {
        let store = Arc::new(MemoryStore::new());
        store
            .put_subscription(&subscription(PROGRAM, SUBSCRIPTION))
            .await
            .unwrap();
        let delivery = delivery(SUBSCRIPTION, PROGRAM, t0(), "00000000000000000001");
        assert!(store.create_delivery(&delivery).await.unwrap());
        let clock = Arc::new(FixedClock::at(t0()));
        let kept = Arc::new(kept);
        let deliverer = Deliverer {
            store: store.clone(),
            sender: Arc::new(Answers(answer)),
            clock: clock.clone(),
            dead_letters: Some(kept.clone()),
            passes: Default::default(),
        };
        Setup {
            store,
            clock,
            kept,
            deliverer,
            delivery,
        }
    }

    impl Setup {
        async fn stored(&self) -> Delivery {
            self.store
                .delivery(SUBSCRIPTION, &self.delivery.id)
                .await
                .unwrap()
                .expect("the delivery is stored")
        }

        /// Moves the clock two days on (past the longest wait) and runs one pass.
        async fn next_pass(&self) {
            self.clock.set(self.clock.now() + Duration::days(2));
            self.deliverer.run_once().await.unwrap();
        }
    }

    #[tokio::test]
    async fn a_delivery_goes_to_the_dead_letters_once_when_its_last_try_fails_not_at_each_try() {
        let s = setup(|| Ok(500), Kept::default()).await;
        s.deliverer.run_once().await.unwrap();
        for _ in 0..SCHEDULE.len() {
            assert!(s.kept.letters().is_empty(), "a try with tries left is no dead letter");
            s.next_pass().await;
        }
        let stored = s.stored().await;
        assert_eq!(stored.status, DeliveryStatus::Failed);
        assert_eq!(stored.attempts.len(), SCHEDULE.len() + 1);
        assert_eq!(
            s.kept.letters(),
            std::slice::from_ref(&stored),
            "one dead letter, the delivery as stored"
        );

        // More passes find nothing due and add nothing.
        s.next_pass().await;
        assert_eq!(s.kept.letters().len(), 1);

        // A retry by hand that fails again is a failure of its own.
        let again = s.deliverer.retry_by_hand(stored).await.unwrap();
        assert_eq!(again.status, DeliveryStatus::Failed);
        let letters = s.kept.letters();
        assert_eq!(letters.len(), 2);
        assert_eq!(letters[1].attempts.len(), SCHEDULE.len() + 2);
    }

    #[tokio::test]
    async fn a_410_goes_to_the_dead_letters_at_once_and_so_do_the_other_deliveries_it_stops() {
        let s = setup(|| Ok(410), Kept::default()).await;
        let waiting = delivery(SUBSCRIPTION, PROGRAM, t0(), "00000000000000000002");
        assert!(s.store.create_delivery(&waiting).await.unwrap());
        let answered = s.deliverer.attempt(s.delivery.clone()).await.unwrap();
        assert_eq!(answered.status, DeliveryStatus::Failed);
        assert_eq!(answered.attempts[0].status, Some(410));
        assert_eq!(
            s.kept.letters(),
            std::slice::from_ref(&answered),
            "at once, at the first try"
        );
        // The 410 disabled the subscription: the other delivery fails without being sent.
        let stopped = s.deliverer.attempt(waiting).await.unwrap();
        assert_eq!(stopped.status, DeliveryStatus::Failed);
        assert_eq!(stopped.attempts[0].status, None);
        assert!(stopped.attempts[0].error.as_deref().unwrap().contains("disabled"));
        assert_eq!(s.kept.letters(), [answered, stopped]);
        let sub = s
            .store
            .subscription(&s.delivery.program, SUBSCRIPTION)
            .await
            .unwrap()
            .unwrap();
        assert!(!sub.enabled);
    }

    #[tokio::test]
    async fn a_refused_address_goes_to_the_dead_letters_at_once() {
        let s = setup(
            || Err(SendError::Refused("10.0.0.1 is not public".into())),
            Kept::default(),
        )
        .await;
        s.deliverer.run_once().await.unwrap();
        let stored = s.stored().await;
        assert_eq!(stored.status, DeliveryStatus::Failed);
        assert_eq!(stored.attempts.len(), 1);
        assert_eq!(s.kept.letters(), [stored]);
    }

    #[tokio::test]
    async fn a_delivered_one_and_one_that_will_be_tried_again_send_nothing() {
        let s = setup(|| Ok(204), Kept::default()).await;
        s.deliverer.run_once().await.unwrap();
        assert_eq!(s.stored().await.status, DeliveryStatus::Delivered);
        assert!(s.kept.letters().is_empty());

        let s = setup(
            || Err(SendError::NoAnswer("connection refused".into())),
            Kept::default(),
        )
        .await;
        s.deliverer.run_once().await.unwrap();
        assert_eq!(s.stored().await.status, DeliveryStatus::Pending);
        assert!(s.kept.letters().is_empty());
    }

    #[tokio::test]
    async fn dead_letters_that_cannot_be_sent_undo_nothing() {
        let broken = Kept {
            broken: true,
            ..Kept::default()
        };
        let s = setup(|| Ok(410), broken).await;
        let done = s
            .deliverer
            .attempt(s.delivery.clone())
            .await
            .expect("the try itself is recorded");
        assert_eq!(done.status, DeliveryStatus::Failed);
        assert_eq!(s.stored().await, done);
        let sub = s
            .store
            .subscription(&s.delivery.program, SUBSCRIPTION)
            .await
            .unwrap()
            .unwrap();
        assert!(!sub.enabled, "the 410 still disabled the subscription");
    }
}
