//! Deliveries: a published message fanned out to each subscription that wants it, then sent,
//! signed, and tried again on a growing, jittered schedule for more than a day. Everything is
//! recorded on the delivery, so the deliveries list shows each try and a failed delivery can be
//! sent again by hand.

use super::signature;
use super::{Attempt, Delivery, DeliveryStatus, Subscription};
use crate::domain::Effect;
use crate::ports::{Clock, OutboxEntry, SendError, Store, StoreError, WebhookRequest, WebhookSender};
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
}

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
                next_attempt_at: Some(entry.created_at),
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
        Ok(delivery)
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
