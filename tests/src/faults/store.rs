//! The store behind a fault plan: every method is one counted call.

use super::{Plan, Port, INJECTED};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use vedtak::auth::ApiKey;
use vedtak::chain::Event;
use vedtak::domain::{Enrollment, Envelope, MunicipalityNumber, Program, ProgramId, Sha256Hex};
use vedtak::ports::{Commit, DocumentGrant, IdempotencyRecord, OutboxEntry, Store, StoreError};
use vedtak::webhooks::{Delivery, InboundSecret, Subscription};

pub struct FaultyStore {
    pub inner: Arc<dyn Store>,
    pub plan: Arc<Plan>,
}

fn fault() -> StoreError {
    StoreError::Unavailable(INJECTED.into())
}

/// One counted call to the inner store.
macro_rules! gate {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        $self.plan.gate(Port::Store, $self.inner.$method($($arg),*), fault).await
    };
}

type Due = Vec<(ProgramId, MunicipalityNumber)>;

#[async_trait]
impl Store for FaultyStore {
    async fn create_program(&self, program: &Program) -> Result<(), StoreError> {
        gate!(self.create_program(program))
    }
    async fn program(&self, id: &ProgramId) -> Result<Option<Program>, StoreError> {
        gate!(self.program(id))
    }
    async fn programs(&self) -> Result<Vec<Program>, StoreError> {
        gate!(self.programs())
    }
    async fn put_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        gate!(self.put_api_key(key))
    }
    async fn api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, StoreError> {
        gate!(self.api_key_by_hash(hash))
    }
    async fn api_key(&self, id: &str) -> Result<Option<ApiKey>, StoreError> {
        gate!(self.api_key(id))
    }
    async fn enrollment(&self, p: &ProgramId, n: &MunicipalityNumber) -> Result<Option<Enrollment>, StoreError> {
        gate!(self.enrollment(p, n))
    }
    async fn enrollments(&self, program: &ProgramId) -> Result<Vec<Enrollment>, StoreError> {
        gate!(self.enrollments(program))
    }
    async fn open_past_deadline(&self, now: DateTime<Utc>) -> Result<Due, StoreError> {
        gate!(self.open_past_deadline(now))
    }
    async fn envelope(&self, id: &str) -> Result<Option<Envelope>, StoreError> {
        gate!(self.envelope(id))
    }
    async fn envelopes_due(&self, now: DateTime<Utc>) -> Result<Vec<Envelope>, StoreError> {
        gate!(self.envelopes_due(now))
    }
    async fn open_with_deadline_before(&self, until: DateTime<Utc>) -> Result<Vec<Enrollment>, StoreError> {
        gate!(self.open_with_deadline_before(until))
    }
    async fn events(&self, p: &ProgramId, n: &MunicipalityNumber) -> Result<Vec<Event>, StoreError> {
        gate!(self.events(p, n))
    }
    async fn commit(&self, commit: Commit) -> Result<(), StoreError> {
        gate!(self.commit(commit))
    }
    async fn idempotency(&self, scope: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        gate!(self.idempotency(scope))
    }
    async fn put_idempotency(&self, record: &IdempotencyRecord) -> Result<(), StoreError> {
        gate!(self.put_idempotency(record))
    }
    async fn outbox_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        gate!(self.outbox_due(now, limit))
    }
    async fn outbox_pending(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        gate!(self.outbox_pending())
    }
    async fn outbox_done(&self, id: &str) -> Result<(), StoreError> {
        gate!(self.outbox_done(id))
    }
    async fn outbox_retry(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        gate!(self.outbox_retry(entry))
    }
    async fn put_subscription(&self, subscription: &Subscription) -> Result<(), StoreError> {
        gate!(self.put_subscription(subscription))
    }
    async fn subscription(&self, program: &ProgramId, id: &str) -> Result<Option<Subscription>, StoreError> {
        gate!(self.subscription(program, id))
    }
    async fn subscriptions(&self, program: &ProgramId) -> Result<Vec<Subscription>, StoreError> {
        gate!(self.subscriptions(program))
    }
    async fn create_delivery(&self, delivery: &Delivery) -> Result<bool, StoreError> {
        gate!(self.create_delivery(delivery))
    }
    async fn update_delivery(&self, delivery: &Delivery) -> Result<(), StoreError> {
        gate!(self.update_delivery(delivery))
    }
    async fn delivery(&self, subscription: &str, id: &str) -> Result<Option<Delivery>, StoreError> {
        gate!(self.delivery(subscription, id))
    }
    async fn deliveries(&self, subscription: &str, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        gate!(self.deliveries(subscription, limit))
    }
    async fn deliveries_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        gate!(self.deliveries_due(now, limit))
    }
    async fn put_document_grant(&self, grant: &DocumentGrant) -> Result<(), StoreError> {
        gate!(self.put_document_grant(grant))
    }
    async fn document_grant(&self, sha256: &Sha256Hex, p: &ProgramId) -> Result<Option<DocumentGrant>, StoreError> {
        gate!(self.document_grant(sha256, p))
    }
    async fn put_inbound_secret(&self, secret: &InboundSecret) -> Result<(), StoreError> {
        gate!(self.put_inbound_secret(secret))
    }
    async fn inbound_secret(&self, p: &ProgramId, n: &MunicipalityNumber) -> Result<Option<InboundSecret>, StoreError> {
        gate!(self.inbound_secret(p, n))
    }
}
