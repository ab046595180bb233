//! Webhook subscriptions, deliveries and inbound secrets in the DynamoDB store: each method is one
//! request (see the access patterns in `docs/dynamodb.md`).

use super::items::*;
use super::requests::IF_NEW;
use super::{unavailable, DynamoStore};
use crate::adapters::aws_schema::table;
use crate::domain::{MunicipalityNumber, ProgramId};
use crate::ports::StoreError;
use crate::webhooks::{Delivery, DeliveryStatus, InboundSecret, Subscription};
use chrono::{DateTime, Utc};

impl DynamoStore {
    pub(super) async fn put_subscription_(&self, subscription: &Subscription) -> Result<(), StoreError> {
        self.put_item("put_subscription", subscription_item(subscription)?)
            .await
    }

    pub(super) async fn subscription_(
        &self,
        program: &ProgramId,
        id: &str,
    ) -> Result<Option<Subscription>, StoreError> {
        self.get_doc(enrollment_pk(program), subscription_sk(id)).await
    }

    /// The `WH#` items of the program's partition: ordered by id.
    pub(super) async fn subscriptions_(&self, program: &ProgramId) -> Result<Vec<Subscription>, StoreError> {
        let q = self
            .query(enrollment_pk(program))
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
            .expression_attribute_names("#sk", table::SORT_KEY)
            .expression_attribute_values(":prefix", s(SUBSCRIPTION_PREFIX))
            .consistent_read(true);
        self.query_docs("subscriptions", q).await
    }

    /// Only if no delivery has this key yet: a failed condition is a fan-out running twice, and
    /// the delivery already there (perhaps tried meanwhile) is kept.
    pub(super) async fn create_delivery_(&self, delivery: &Delivery) -> Result<bool, StoreError> {
        self.put_if("create_delivery", delivery_item(delivery)?, IF_NEW).await
    }

    /// The whole item is rewritten, so the `due` attributes follow the status: a new next try
    /// moves the delivery in the index, delivered or failed takes it out.
    pub(super) async fn update_delivery_(&self, delivery: &Delivery) -> Result<(), StoreError> {
        self.put_item("update_delivery", delivery_item(delivery)?).await
    }

    pub(super) async fn delivery_(&self, subscription: &str, id: &str) -> Result<Option<Delivery>, StoreError> {
        self.get_doc(deliveries_pk(subscription), delivery_sk(id)).await
    }

    /// The subscription's partition backwards (ids sort by time: newest first), stopping at
    /// `limit` items instead of reading the whole history.
    pub(super) async fn deliveries_(&self, subscription: &str, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let q = self
            .query(deliveries_pk(subscription))
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
            .expression_attribute_names("#sk", table::SORT_KEY)
            .expression_attribute_values(":prefix", s(DELIVERY_PREFIX))
            .scan_index_forward(false)
            .consistent_read(true)
            .limit(page_size(limit));
        let mut items = q.into_paginator().items().send();
        let mut out = Vec::with_capacity(limit.min(100));
        while out.len() < limit {
            match items.try_next().await.map_err(|e| unavailable("deliveries", e))? {
                Some(item) => out.push(decode(&item)?),
                None => break,
            }
        }
        Ok(out)
    }

    /// One `Query` on the index's delivery partition up to `now`, earliest first, read only as far
    /// as `limit` needs: up to the `limit`-th hit and the rest of its millisecond, so that ties are
    /// ordered as everywhere else (exact instant, then delivery id, then subscription). The index
    /// is eventually consistent, so each hit is re-checked on its own document.
    pub(super) async fn deliveries_due_(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // One more than `limit`: usually enough to see the next millisecond without a second page.
        let q = self
            .due_query(table::DUE_DELIVERY, Some(now))
            .limit(page_size(limit.saturating_add(1)));
        let mut items = q.into_paginator().items().send();
        let mut due: Vec<Delivery> = Vec::new();
        let mut last_instant: Option<String> = None;
        while let Some(item) = items.try_next().await.map_err(|e| unavailable("deliveries_due", e))? {
            // `due_sk` is `{instant}#{id}`.
            let at = string(&item, table::DUE_SORT_KEY)?
                .split('#')
                .next()
                .unwrap_or_default();
            if due.len() >= limit && last_instant.as_deref() != Some(at) {
                break;
            }
            let at = at.to_owned();
            let d: Delivery = decode(&item)?;
            if d.status == DeliveryStatus::Pending && d.next_attempt_at.is_some_and(|t| t <= now) {
                last_instant = Some(at);
                due.push(d);
            }
        }
        due.sort_by(|a, b| {
            (a.next_attempt_at, &a.id, &a.subscription).cmp(&(b.next_attempt_at, &b.id, &b.subscription))
        });
        due.truncate(limit);
        Ok(due)
    }

    pub(super) async fn put_inbound_secret_(&self, secret: &InboundSecret) -> Result<(), StoreError> {
        self.put_item("put_inbound_secret", inbound_secret_item(secret)?).await
    }

    pub(super) async fn inbound_secret_(
        &self,
        program: &ProgramId,
        number: &MunicipalityNumber,
    ) -> Result<Option<InboundSecret>, StoreError> {
        self.get_doc(enrollment_pk(program), inbound_secret_sk(number)).await
    }
}

/// A query's `Limit` (items per page), which DynamoDB takes as a positive `i32`.
fn page_size(items: usize) -> i32 {
    i32::try_from(items).unwrap_or(i32::MAX).max(1)
}
