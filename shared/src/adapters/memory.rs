//! In-memory `Store` and `Documents` for unit tests: the same semantics as the embedded adapters
//! (the `contract` suite checks both), nothing on disk. One mutex over all of the store's maps
//! makes a commit atomic the simple way: nobody sees, or writes, anything halfway.

mod documents;
#[cfg(test)]
mod tests;

pub use documents::MemoryDocuments;

use crate::auth::ApiKey;
use crate::chain::Event;
use crate::domain::Sha256Hex;
use crate::domain::{Enrollment, Envelope, MunicipalityNumber, Program, ProgramId};
use crate::ports::{Commit, DocumentGrant, IdempotencyRecord, OutboxEntry, Store, StoreError};
use crate::webhooks::{Delivery, DeliveryStatus, InboundSecret, Subscription};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

type EnrollmentKey = (ProgramId, MunicipalityNumber);

#[derive(Default)]
struct Maps {
    programs: BTreeMap<ProgramId, Program>,
    api_keys: BTreeMap<String, ApiKey>,
    api_key_hashes: HashMap<String, String>,
    /// Tuple keys order by program, then number: a program's enrollments come out ordered.
    enrollments: BTreeMap<EnrollmentKey, Enrollment>,
    events: BTreeMap<EnrollmentKey, BTreeMap<u64, Event>>,
    outbox: BTreeMap<String, OutboxEntry>,
    idempotency: HashMap<String, IdempotencyRecord>,
    envelopes: HashMap<String, Envelope>,
    subscriptions: BTreeMap<(ProgramId, String), Subscription>,
    /// By (subscription, delivery id).
    deliveries: BTreeMap<(String, String), Delivery>,
    inbound_secrets: HashMap<EnrollmentKey, InboundSecret>,
    document_grants: HashMap<(ProgramId, Sha256Hex), DocumentGrant>,
}

/// A `Store` that lives as long as the value.
#[derive(Default)]
pub struct MemoryStore {
    maps: Mutex<Maps>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, Maps>, StoreError> {
        // A panic while holding the lock may have left a commit half-applied: refuse to go on.
        self.maps
            .lock()
            .map_err(|_| StoreError::Unavailable("memory store poisoned".into()))
    }
}

fn conflict<T>(msg: String) -> Result<T, StoreError> {
    Err(StoreError::Conflict(msg))
}

#[async_trait]
impl Store for MemoryStore {
    async fn create_program(&self, program: &Program) -> Result<(), StoreError> {
        let mut m = self.lock()?;
        if m.programs.contains_key(&program.id) {
            return conflict(format!("program {} exists", program.id));
        }
        m.programs.insert(program.id.clone(), program.clone());
        Ok(())
    }

    async fn program(&self, id: &ProgramId) -> Result<Option<Program>, StoreError> {
        Ok(self.lock()?.programs.get(id).cloned())
    }

    async fn programs(&self) -> Result<Vec<Program>, StoreError> {
        Ok(self.lock()?.programs.values().cloned().collect())
    }

    async fn put_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let mut m = self.lock()?;
        if m.api_keys.contains_key(&key.id) || m.api_key_hashes.contains_key(&key.hash) {
            return conflict(format!("api key {} exists", key.id));
        }
        m.api_key_hashes.insert(key.hash.clone(), key.id.clone());
        m.api_keys.insert(key.id.clone(), key.clone());
        Ok(())
    }

    async fn api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let m = self.lock()?;
        Ok(m.api_key_hashes.get(hash).and_then(|id| m.api_keys.get(id)).cloned())
    }

    async fn api_key(&self, id: &str) -> Result<Option<ApiKey>, StoreError> {
        Ok(self.lock()?.api_keys.get(id).cloned())
    }

    async fn enrollment(
        &self,
        program: &ProgramId,
        number: &MunicipalityNumber,
    ) -> Result<Option<Enrollment>, StoreError> {
        let key = (program.clone(), number.clone());
        Ok(self.lock()?.enrollments.get(&key).cloned())
    }

    async fn enrollments(&self, program: &ProgramId) -> Result<Vec<Enrollment>, StoreError> {
        let m = self.lock()?;
        let items = m.enrollments.iter().filter(|((p, _), _)| p == program);
        Ok(items.map(|(_, e)| e.clone()).collect())
    }

    async fn events(&self, program: &ProgramId, number: &MunicipalityNumber) -> Result<Vec<Event>, StoreError> {
        let key = (program.clone(), number.clone());
        let m = self.lock()?;
        Ok(m.events
            .get(&key)
            .map(|h| h.values().cloned().collect())
            .unwrap_or_default())
    }

    async fn commit(&self, commit: Commit) -> Result<(), StoreError> {
        let mut guard = self.lock()?;
        let m = &mut *guard;
        let e = commit.enrollment;
        let key = (e.program.clone(), e.number.clone());
        // Every check first, then every write: a refusal leaves the maps untouched.
        match (commit.expected_version, m.enrollments.get(&key)) {
            (0, None) => {}
            (0, Some(_)) => return conflict(format!("enrollment {}/{} exists", e.program, e.number)),
            (v, None) => return conflict(format!("enrollment does not exist (expected version {v})")),
            (v, Some(found)) if found.version != v => {
                return conflict(format!("enrollment is at version {}, not {v}", found.version))
            }
            _ => {}
        }
        let history = m.events.get(&key);
        if let Some(ev) = commit
            .events
            .iter()
            .find(|ev| history.is_some_and(|h| h.contains_key(&ev.seq)))
        {
            return conflict(format!("event {} exists", ev.seq));
        }
        if let Some(o) = commit.outbox.iter().find(|o| m.outbox.contains_key(&o.id)) {
            return conflict(format!("outbox entry {} exists", o.id));
        }
        if let Some(r) = commit
            .idempotency
            .as_ref()
            .filter(|r| m.idempotency.contains_key(&r.scope))
        {
            return conflict(format!("idempotency key {} was used", r.scope));
        }
        let history = m.events.entry(key.clone()).or_default();
        history.extend(commit.events.into_iter().map(|ev| (ev.seq, ev)));
        m.outbox.extend(commit.outbox.into_iter().map(|o| (o.id.clone(), o)));
        if let Some(envelope) = commit.envelope {
            m.envelopes.insert(envelope.id.clone(), envelope);
        }
        if let Some(r) = commit.idempotency {
            m.idempotency.insert(r.scope.clone(), r);
        }
        m.enrollments.insert(key, e);
        Ok(())
    }

    async fn envelope(&self, id: &str) -> Result<Option<Envelope>, StoreError> {
        Ok(self.lock()?.envelopes.get(id).cloned())
    }

    async fn idempotency(&self, scope: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        Ok(self.lock()?.idempotency.get(scope).cloned())
    }

    async fn put_idempotency(&self, record: &IdempotencyRecord) -> Result<(), StoreError> {
        let mut m = self.lock()?;
        m.idempotency
            .entry(record.scope.clone())
            .or_insert_with(|| record.clone());
        Ok(())
    }

    async fn outbox_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut due = self.outbox_pending().await?;
        due.retain(|o| o.next_attempt_at <= now);
        due.truncate(limit);
        Ok(due)
    }

    async fn outbox_pending(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut all: Vec<OutboxEntry> = self.lock()?.outbox.values().cloned().collect();
        all.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(all)
    }

    async fn outbox_done(&self, id: &str) -> Result<(), StoreError> {
        self.lock()?.outbox.remove(id);
        Ok(())
    }

    async fn outbox_retry(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        if let Some(stored) = self.lock()?.outbox.get_mut(&entry.id) {
            stored.attempts = entry.attempts;
            stored.next_attempt_at = entry.next_attempt_at;
            stored.last_error = entry.last_error.clone();
        }
        Ok(())
    }

    async fn put_subscription(&self, subscription: &Subscription) -> Result<(), StoreError> {
        let key = (subscription.program.clone(), subscription.id.clone());
        self.lock()?.subscriptions.insert(key, subscription.clone());
        Ok(())
    }

    async fn subscription(&self, program: &ProgramId, id: &str) -> Result<Option<Subscription>, StoreError> {
        Ok(self
            .lock()?
            .subscriptions
            .get(&(program.clone(), id.to_owned()))
            .cloned())
    }

    async fn subscriptions(&self, program: &ProgramId) -> Result<Vec<Subscription>, StoreError> {
        let m = self.lock()?;
        Ok(m.subscriptions
            .iter()
            .filter(|((p, _), _)| p == program)
            .map(|(_, s)| s.clone())
            .collect())
    }

    async fn create_delivery(&self, delivery: &Delivery) -> Result<bool, StoreError> {
        let key = (delivery.subscription.clone(), delivery.id.clone());
        let mut m = self.lock()?;
        if m.deliveries.contains_key(&key) {
            return Ok(false);
        }
        m.deliveries.insert(key, delivery.clone());
        Ok(true)
    }

    async fn update_delivery(&self, delivery: &Delivery) -> Result<(), StoreError> {
        let key = (delivery.subscription.clone(), delivery.id.clone());
        self.lock()?.deliveries.insert(key, delivery.clone());
        Ok(())
    }

    async fn delivery(&self, subscription: &str, id: &str) -> Result<Option<Delivery>, StoreError> {
        Ok(self
            .lock()?
            .deliveries
            .get(&(subscription.to_owned(), id.to_owned()))
            .cloned())
    }

    async fn deliveries(&self, subscription: &str, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        let m = self.lock()?;
        let mine = m.deliveries.iter().filter(|((s, _), _)| s == subscription).rev();
        Ok(mine.take(limit).map(|(_, d)| d.clone()).collect())
    }

    async fn deliveries_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        let m = self.lock()?;
        let mut due: Vec<Delivery> = m
            .deliveries
            .values()
            .filter(|d| d.status == DeliveryStatus::Pending && d.next_attempt_at.is_some_and(|at| at <= now))
            .cloned()
            .collect();
        due.sort_by(|a, b| (a.next_attempt_at, &a.id).cmp(&(b.next_attempt_at, &b.id)));
        due.truncate(limit);
        Ok(due)
    }

    async fn put_document_grant(&self, grant: &DocumentGrant) -> Result<(), StoreError> {
        let key = (grant.program.clone(), grant.sha256.clone());
        self.lock()?.document_grants.entry(key).or_insert_with(|| grant.clone());
        Ok(())
    }

    async fn document_grant(
        &self,
        sha256: &Sha256Hex,
        program: &ProgramId,
    ) -> Result<Option<DocumentGrant>, StoreError> {
        let key = (program.clone(), sha256.clone());
        Ok(self.lock()?.document_grants.get(&key).cloned())
    }

    async fn put_inbound_secret(&self, secret: &InboundSecret) -> Result<(), StoreError> {
        let key = (secret.program.clone(), secret.number.clone());
        self.lock()?.inbound_secrets.insert(key, secret.clone());
        Ok(())
    }

    async fn inbound_secret(
        &self,
        program: &ProgramId,
        number: &MunicipalityNumber,
    ) -> Result<Option<InboundSecret>, StoreError> {
        Ok(self
            .lock()?
            .inbound_secrets
            .get(&(program.clone(), number.clone()))
            .cloned())
    }
}
