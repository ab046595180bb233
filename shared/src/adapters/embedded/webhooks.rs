//! Webhook subscriptions, deliveries and inbound secrets in the embedded store. Each method is one
//! read or one write transaction; a delivery and its entry in the due index are written together.

use super::tables::*;
use super::EmbeddedStore;
use crate::domain::{MunicipalityNumber, ProgramId};
use crate::ports::StoreError;
use crate::webhooks::{Delivery, DeliveryStatus, InboundSecret, Subscription};
use chrono::{DateTime, Utc};
use redb::{ReadableTable, Table};

impl EmbeddedStore {
    pub(super) async fn put_subscription_(&self, subscription: &Subscription) -> Result<(), StoreError> {
        let subscription = subscription.clone();
        self.write(move |txn| {
            let key = subscription_key(&subscription.program, &subscription.id);
            put_json(&mut txn.open_table(SUBSCRIPTIONS).db()?, &key, &subscription)
        })
        .await
    }

    pub(super) async fn subscription_(
        &self,
        program: &ProgramId,
        id: &str,
    ) -> Result<Option<Subscription>, StoreError> {
        let key = subscription_key(program, id);
        self.read(move |txn| get_json(&txn.open_table(SUBSCRIPTIONS).db()?, &key))
            .await
    }

    /// Keys `{program}/{id}`: the program's range is its subscriptions ordered by id.
    pub(super) async fn subscriptions_(&self, program: &ProgramId) -> Result<Vec<Subscription>, StoreError> {
        let prefix = format!("{program}/");
        self.read(move |txn| scan_prefix(&txn.open_table(SUBSCRIPTIONS).db()?, &prefix))
            .await
    }

    pub(super) async fn create_delivery_(&self, delivery: &Delivery) -> Result<bool, StoreError> {
        let delivery = delivery.clone();
        self.write(move |txn| {
            let key = delivery_key(&delivery.subscription, &delivery.id);
            let mut deliveries = txn.open_table(DELIVERIES).db()?;
            if deliveries.get(key.as_str()).db()?.is_some() {
                return Ok(false);
            }
            put_json(&mut deliveries, &key, &delivery)?;
            index(&mut txn.open_table(DELIVERIES_DUE).db()?, None, &delivery, &key)?;
            Ok(true)
        })
        .await
    }

    /// Replaces the delivery and moves its due-index entry: out of the index if it is no longer
    /// pending, to its new time if it is.
    pub(super) async fn update_delivery_(&self, delivery: &Delivery) -> Result<(), StoreError> {
        let delivery = delivery.clone();
        self.write(move |txn| {
            let key = delivery_key(&delivery.subscription, &delivery.id);
            let mut deliveries = txn.open_table(DELIVERIES).db()?;
            let old: Option<Delivery> = get_json(&deliveries, &key)?;
            put_json(&mut deliveries, &key, &delivery)?;
            index(&mut txn.open_table(DELIVERIES_DUE).db()?, old.as_ref(), &delivery, &key)
        })
        .await
    }

    pub(super) async fn delivery_(&self, subscription: &str, id: &str) -> Result<Option<Delivery>, StoreError> {
        let key = delivery_key(subscription, id);
        self.read(move |txn| get_json(&txn.open_table(DELIVERIES).db()?, &key))
            .await
    }

    /// The subscription's range backwards: newest first, reading only the `limit` it returns.
    pub(super) async fn deliveries_(&self, subscription: &str, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        let subscription = subscription.to_owned();
        self.read(move |txn| {
            let table = txn.open_table(DELIVERIES).db()?;
            // `0` is the byte after `/`: exactly the keys `{subscription}/…` (see `scan_prefix`).
            let (start, end) = (format!("{subscription}/"), format!("{subscription}0"));
            let mut out = Vec::new();
            for item in table.range(start.as_str()..end.as_str()).db()?.rev() {
                if out.len() == limit {
                    break;
                }
                let (_, v) = item.db()?;
                let d: Delivery = serde_json::from_slice(v.value()).db()?;
                // Only a subscription id with a `/` in it could share the range; none has one.
                if d.subscription == subscription {
                    out.push(d);
                }
            }
            Ok(out)
        })
        .await
    }

    /// The due index up to `now`, earliest first, read only as far as `limit` needs: up to the
    /// `limit`-th hit and the rest of its instant (so ties are ordered as everywhere else: by
    /// delivery id, then subscription). Each hit is checked on the delivery itself.
    pub(super) async fn deliveries_due_(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        self.read(move |txn| {
            let index = txn.open_table(DELIVERIES_DUE).db()?;
            let deliveries = txn.open_table(DELIVERIES).db()?;
            // Keys are `{instant}/…` and `0` is the byte after `/`: every key at or before `now`.
            let end = format!("{}0", instant(now));
            let mut due: Vec<Delivery> = Vec::new();
            let mut last_instant: Option<String> = None;
            for item in index.range(..end.as_str()).db()? {
                let (k, v) = item.db()?;
                let at = k.value().split('/').next().unwrap_or_default();
                if due.len() >= limit && last_instant.as_deref() != Some(at) {
                    break;
                }
                let Some(d) = get_json::<Delivery>(&deliveries, v.value())? else {
                    continue;
                };
                if d.status == DeliveryStatus::Pending && d.next_attempt_at.is_some_and(|t| t <= now) {
                    last_instant = Some(at.to_owned());
                    due.push(d);
                }
            }
            sort_due(&mut due);
            due.truncate(limit);
            Ok(due)
        })
        .await
    }

    pub(super) async fn put_inbound_secret_(&self, secret: &InboundSecret) -> Result<(), StoreError> {
        let secret = secret.clone();
        self.write(move |txn| {
            let key = enrollment_key(&secret.program, &secret.number);
            put_json(&mut txn.open_table(INBOUND_SECRETS).db()?, &key, &secret)
        })
        .await
    }

    pub(super) async fn inbound_secret_(
        &self,
        program: &ProgramId,
        number: &MunicipalityNumber,
    ) -> Result<Option<InboundSecret>, StoreError> {
        let key = enrollment_key(program, number);
        self.read(move |txn| get_json(&txn.open_table(INBOUND_SECRETS).db()?, &key))
            .await
    }
}

/// Moves `new`'s entry in the due index from where `old` had it (if anywhere) to where it belongs
/// now (if anywhere).
fn index(
    due: &mut Table<&'static str, &'static str>,
    old: Option<&Delivery>,
    new: &Delivery,
    key: &str,
) -> Result<(), StoreError> {
    if let Some(old) = old.and_then(due_key) {
        due.remove(old.as_str()).db()?;
    }
    if let Some(new) = due_key(new) {
        due.insert(new.as_str(), key).db()?;
    }
    Ok(())
}

/// The port's order: next attempt, then delivery id, then subscription.
fn sort_due(due: &mut [Delivery]) {
    due.sort_by(|a, b| (a.next_attempt_at, &a.id, &a.subscription).cmp(&(b.next_attempt_at, &b.id, &b.subscription)));
}
