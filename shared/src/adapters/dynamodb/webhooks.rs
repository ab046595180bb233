//! Webhook subscriptions, deliveries and inbound secrets in the dynamodb store.
// PENDING: the real implementation replaces these; until then every call says it is missing.

use super::DynamoStore;
use crate::domain::{MunicipalityNumber, ProgramId};
use crate::ports::StoreError;
use crate::webhooks::{Delivery, InboundSecret, Subscription};
use chrono::{DateTime, Utc};

fn missing<T>() -> Result<T, StoreError> {
    Err(StoreError::Unavailable(
        "webhook storage is not implemented in this store".into(),
    ))
}

impl DynamoStore {
    pub(super) async fn put_subscription_(&self, _: &Subscription) -> Result<(), StoreError> {
        missing()
    }
    pub(super) async fn subscription_(&self, _: &ProgramId, _: &str) -> Result<Option<Subscription>, StoreError> {
        missing()
    }
    pub(super) async fn subscriptions_(&self, _: &ProgramId) -> Result<Vec<Subscription>, StoreError> {
        missing()
    }
    pub(super) async fn create_delivery_(&self, _: &Delivery) -> Result<bool, StoreError> {
        missing()
    }
    pub(super) async fn update_delivery_(&self, _: &Delivery) -> Result<(), StoreError> {
        missing()
    }
    pub(super) async fn delivery_(&self, _: &str, _: &str) -> Result<Option<Delivery>, StoreError> {
        missing()
    }
    pub(super) async fn deliveries_(&self, _: &str, _: usize) -> Result<Vec<Delivery>, StoreError> {
        missing()
    }
    pub(super) async fn deliveries_due_(&self, _: DateTime<Utc>, _: usize) -> Result<Vec<Delivery>, StoreError> {
        missing()
    }
    pub(super) async fn put_inbound_secret_(&self, _: &InboundSecret) -> Result<(), StoreError> {
        missing()
    }
    pub(super) async fn inbound_secret_(
        &self,
        _: &ProgramId,
        _: &MunicipalityNumber,
    ) -> Result<Option<InboundSecret>, StoreError> {
        missing()
    }
}
