//! The `Store` port on the embedded database: each method is one read or one write transaction.

use super::tables::*;
use super::EmbeddedStore;
use crate::auth::ApiKey;
use crate::chain::Event;
use crate::domain::{Enrollment, Envelope, MunicipalityNumber, Program, ProgramId, Sha256Hex};
use crate::ports::{Commit, DocumentGrant, IdempotencyRecord, OutboxEntry, Store, StoreError};
use crate::webhooks::{Delivery, InboundSecret, Subscription};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redb::ReadableTable;

#[async_trait]
impl Store for EmbeddedStore {
    async fn create_program(&self, program: &Program) -> Result<(), StoreError> {
        let program = program.clone();
        self.write(move |txn| {
            let mut t = txn.open_table(PROGRAMS).db()?;
            if t.get(program.id.as_str()).db()?.is_some() {
                return Err(StoreError::Conflict(format!("program {} exists", program.id)));
            }
            put_json(&mut t, program.id.as_str(), &program)
        })
        .await
    }

    async fn program(&self, id: &ProgramId) -> Result<Option<Program>, StoreError> {
        let id = id.clone();
        self.read(move |txn| get_json(&txn.open_table(PROGRAMS).db()?, id.as_str()))
            .await
    }

    async fn programs(&self) -> Result<Vec<Program>, StoreError> {
        self.read(|txn| scan_all(&txn.open_table(PROGRAMS).db()?)).await
    }

    async fn put_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let key = key.clone();
        self.write(move |txn| {
            let mut keys = txn.open_table(API_KEYS).db()?;
            let mut hashes = txn.open_table(API_KEY_HASHES).db()?;
            // A taken hash would silently re-point the index at another key: refuse it too.
            if keys.get(key.id.as_str()).db()?.is_some() || hashes.get(key.hash.as_str()).db()?.is_some() {
                return Err(StoreError::Conflict(format!("api key {} exists", key.id)));
            }
            put_json(&mut keys, &key.id, &key)?;
            hashes.insert(key.hash.as_str(), key.id.as_str()).db()?;
            Ok(())
        })
        .await
    }

    async fn api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let hash = hash.to_owned();
        self.read(move |txn| {
            let id = match txn.open_table(API_KEY_HASHES).db()?.get(hash.as_str()).db()? {
                Some(id) => id.value().to_owned(),
                None => return Ok(None),
            };
            get_json(&txn.open_table(API_KEYS).db()?, &id)
        })
        .await
    }

    async fn api_key(&self, id: &str) -> Result<Option<ApiKey>, StoreError> {
        let id = id.to_owned();
        self.read(move |txn| get_json(&txn.open_table(API_KEYS).db()?, &id))
            .await
    }

    async fn enrollment(
        &self,
        program: &ProgramId,
        number: &MunicipalityNumber,
    ) -> Result<Option<Enrollment>, StoreError> {
        let key = enrollment_key(program, number);
        self.read(move |txn| get_json(&txn.open_table(ENROLLMENTS).db()?, &key))
            .await
    }

    async fn enrollments(&self, program: &ProgramId) -> Result<Vec<Enrollment>, StoreError> {
        let prefix = format!("{program}/");
        self.read(move |txn| scan_prefix(&txn.open_table(ENROLLMENTS).db()?, &prefix))
            .await
    }

    async fn events(&self, program: &ProgramId, number: &MunicipalityNumber) -> Result<Vec<Event>, StoreError> {
        let prefix = events_prefix(program, number);
        self.read(move |txn| scan_prefix(&txn.open_table(EVENTS).db()?, &prefix))
            .await
    }

    async fn commit(&self, commit: Commit) -> Result<(), StoreError> {
        self.commit_grouped(commit).await
    }

    async fn envelope(&self, id: &str) -> Result<Option<Envelope>, StoreError> {
        let id = id.to_owned();
        self.read(move |txn| get_json(&txn.open_table(ENVELOPES).db()?, &id))
            .await
    }

    async fn idempotency(&self, scope: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        let scope = scope.to_owned();
        self.read(move |txn| get_json(&txn.open_table(IDEMPOTENCY).db()?, &scope))
            .await
    }

    async fn put_idempotency(&self, record: &IdempotencyRecord) -> Result<(), StoreError> {
        let record = record.clone();
        self.write(move |txn| {
            let mut t = txn.open_table(IDEMPOTENCY).db()?;
            if t.get(record.scope.as_str()).db()?.is_none() {
                put_json(&mut t, &record.scope, &record)?;
            }
            Ok(())
        })
        .await
    }

    async fn outbox_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        // A full scan: the local outbox holds only what is not yet done, a handful of entries.
        let mut due: Vec<OutboxEntry> = self.outbox_pending().await?;
        due.retain(|e| e.next_attempt_at <= now);
        due.truncate(limit);
        Ok(due)
    }

    async fn outbox_pending(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut all: Vec<OutboxEntry> = self.read(|txn| scan_all(&txn.open_table(OUTBOX).db()?)).await?;
        all.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(all)
    }

    async fn outbox_done(&self, id: &str) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.write_lazily(move |txn| {
            txn.open_table(OUTBOX).db()?.remove(id.as_str()).db()?;
            Ok(())
        })
        .await
    }

    async fn outbox_retry(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        let entry = entry.clone();
        self.write_lazily(move |txn| {
            let mut t = txn.open_table(OUTBOX).db()?;
            // Done in the meantime (another dispatcher, an operator): do not bring it back.
            let Some(mut stored) = get_json::<OutboxEntry>(&t, &entry.id)? else {
                return Ok(());
            };
            stored.attempts = entry.attempts;
            stored.next_attempt_at = entry.next_attempt_at;
            stored.last_error = entry.last_error.clone();
            put_json(&mut t, &entry.id, &stored)
        })
        .await
    }
    async fn put_subscription(&self, subscription: &Subscription) -> Result<(), StoreError> {
        self.put_subscription_(subscription).await
    }
    async fn subscription(&self, program: &ProgramId, id: &str) -> Result<Option<Subscription>, StoreError> {
        self.subscription_(program, id).await
    }
    async fn subscriptions(&self, program: &ProgramId) -> Result<Vec<Subscription>, StoreError> {
        self.subscriptions_(program).await
    }
    async fn create_delivery(&self, delivery: &Delivery) -> Result<bool, StoreError> {
        self.create_delivery_(delivery).await
    }
    async fn update_delivery(&self, delivery: &Delivery) -> Result<(), StoreError> {
        self.update_delivery_(delivery).await
    }
    async fn delivery(&self, subscription: &str, id: &str) -> Result<Option<Delivery>, StoreError> {
        self.delivery_(subscription, id).await
    }
    async fn deliveries(&self, subscription: &str, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        self.deliveries_(subscription, limit).await
    }
    async fn deliveries_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        self.deliveries_due_(now, limit).await
    }
    async fn put_document_grant(&self, grant: &DocumentGrant) -> Result<(), StoreError> {
        self.put_document_grant_(grant).await
    }
    async fn document_grant(
        &self,
        sha256: &Sha256Hex,
        program: &ProgramId,
    ) -> Result<Option<DocumentGrant>, StoreError> {
        self.document_grant_(sha256, program).await
    }
    async fn put_inbound_secret(&self, secret: &InboundSecret) -> Result<(), StoreError> {
        self.put_inbound_secret_(secret).await
    }
    async fn inbound_secret(
        &self,
        program: &ProgramId,
        number: &MunicipalityNumber,
    ) -> Result<Option<InboundSecret>, StoreError> {
        self.inbound_secret_(program, number).await
    }
}
