//! The `Store` port on DynamoDB: each method is one request (a `GetItem`, a paginated `Query`, a
//! `PutItem`, a `DeleteItem` or one `TransactWriteItems`), except `api_key_by_hash`, which follows
//! the hash index item to the key (two `GetItem`s).

use super::items::*;
use super::requests::{IF_NEW, IF_THERE};
use super::{unavailable, DynamoStore};
use crate::adapters::aws_schema::table;
use crate::auth::ApiKey;
use crate::chain::Event;
use crate::domain::{deadline, Enrollment, Envelope, MunicipalityNumber, Program, ProgramId, Sha256Hex};
use crate::ports::{Commit, DocumentGrant, IdempotencyRecord, OutboxEntry, Store, StoreError};
use crate::webhooks::{Delivery, InboundSecret, Subscription};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

#[async_trait]
impl Store for DynamoStore {
    async fn create_program(&self, program: &Program) -> Result<(), StoreError> {
        match self.put_if("create_program", program_item(program)?, IF_NEW).await? {
            true => Ok(()),
            false => Err(StoreError::Conflict(format!("program {} exists", program.id))),
        }
    }

    async fn program(&self, id: &ProgramId) -> Result<Option<Program>, StoreError> {
        self.get_doc(PROGRAMS_PK.to_owned(), program_sk(id)).await
    }

    async fn programs(&self) -> Result<Vec<Program>, StoreError> {
        let q = self.query(PROGRAMS_PK.to_owned()).consistent_read(true);
        self.query_docs("programs", q).await
    }

    async fn put_api_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        self.transact_api_key(key).await
    }

    async fn api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let Some(index) = self.get_item(keyhash_pk(hash), KEYHASH_SK).await? else {
            return Ok(None);
        };
        // Index items written before they carried the key lead to it with a second read.
        if index.contains_key(DOC) {
            return decode(&index).map(Some);
        }
        self.api_key(string(&index, KEY_ID)?).await
    }

    async fn api_key(&self, id: &str) -> Result<Option<ApiKey>, StoreError> {
        self.get_doc(key_pk(id), KEY_SK).await
    }

    async fn enrollment(
        &self,
        program: &ProgramId,
        number: &MunicipalityNumber,
    ) -> Result<Option<Enrollment>, StoreError> {
        self.get_doc(enrollment_pk(program), enrollment_sk(number)).await
    }

    async fn enrollments(&self, program: &ProgramId) -> Result<Vec<Enrollment>, StoreError> {
        // Four-digit numbers after `E#`: sort-key order is number order.
        let q = self
            .query(enrollment_pk(program))
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
            .expression_attribute_names("#sk", table::SORT_KEY)
            .expression_attribute_values(":prefix", s(ENROLLMENT_PREFIX))
            .consistent_read(true);
        self.query_docs("enrollments", q).await
    }

    /// One `Query` on the `due` index (deadline partition) up to `now`, instead of the default's
    /// walk over every program. The index is eventually consistent, so each hit is re-checked
    /// against its own document: the exact deadline rule, and a state still before exercise.
    /// (The sweep loads each enrollment again, consistently, before it lapses it.)
    async fn open_past_deadline(&self, now: DateTime<Utc>) -> Result<Vec<(ProgramId, MunicipalityNumber)>, StoreError> {
        // `has_passed` is "at least one second after the deadline"; the bound may let in a hit
        // up to a millisecond too early, which the exact check drops.
        let q = self.due_query(table::DUE_DEADLINE, Some(now - Duration::seconds(1)));
        let open: Vec<Enrollment> = self.query_docs("open_past_deadline", q).await?;
        Ok(open
            .into_iter()
            .filter(|e| e.state.is_before_exercise() && deadline::has_passed(e.option_deadline, now))
            .map(|e| (e.program, e.number))
            .collect())
    }

    async fn envelope(&self, id: &str) -> Result<Option<Envelope>, StoreError> {
        self.get_doc(envelope_pk(id), ENVELOPE_SK).await
    }

    /// One `Query` on the `due` index (envelope partition), each hit re-checked on its document.
    async fn envelopes_due(&self, now: DateTime<Utc>) -> Result<Vec<Envelope>, StoreError> {
        let q = self.due_query(table::DUE_ENVELOPE, Some(now));
        let open: Vec<Envelope> = self.query_docs("envelopes_due", q).await?;
        Ok(open
            .into_iter()
            .filter(|e| e.next_due_at().is_some_and(|at| at <= now))
            .collect())
    }

    /// The same `due` index query as `open_past_deadline`, with a later bound.
    async fn open_with_deadline_before(&self, until: DateTime<Utc>) -> Result<Vec<Enrollment>, StoreError> {
        let q = self.due_query(table::DUE_DEADLINE, Some(until));
        let open: Vec<Enrollment> = self.query_docs("open_with_deadline_before", q).await?;
        Ok(open
            .into_iter()
            .filter(|e| e.state.is_before_exercise() && e.option_deadline < until)
            .collect())
    }

    async fn events(&self, program: &ProgramId, number: &MunicipalityNumber) -> Result<Vec<Event>, StoreError> {
        // Ascending by the zero-padded `V#{seq}`: ordered by seq.
        let q = self
            .query(events_pk(program, number))
            .scan_index_forward(true)
            .consistent_read(true);
        self.query_docs("events", q).await
    }

    async fn commit(&self, commit: Commit) -> Result<(), StoreError> {
        self.transact_commit(&commit).await
    }

    async fn idempotency(&self, scope: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        self.get_doc(idempotency_pk(scope), IDEM_SK).await
    }

    async fn put_idempotency(&self, record: &IdempotencyRecord) -> Result<(), StoreError> {
        // A record already there is kept (the condition fails): the first answer stands.
        self.put_if("put_idempotency", idempotency_item(record)?, IF_NEW)
            .await?;
        Ok(())
    }

    /// Everything due (one `Query` on the index's outbox partition, up to `now`), then the oldest
    /// created first, as the port promises. The index orders by next attempt, not by creation,
    /// so all due entries are read before `limit` is applied; see docs/dynamodb.md.
    async fn outbox_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let q = self.due_query(table::DUE_OUTBOX, Some(now));
        let mut due: Vec<OutboxEntry> = self.query_docs("outbox_due", q).await?;
        due.retain(|e| e.next_attempt_at <= now);
        sort_outbox(&mut due);
        due.truncate(limit);
        Ok(due)
    }

    async fn outbox_pending(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let q = self.due_query(table::DUE_OUTBOX, None);
        let mut all: Vec<OutboxEntry> = self.query_docs("outbox_pending", q).await?;
        sort_outbox(&mut all);
        Ok(all)
    }

    async fn outbox_done(&self, id: &str) -> Result<(), StoreError> {
        // Deleting what is not there succeeds: done twice is harmless.
        let delete = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(outbox_pk(id), OUTBOX_SK)));
        delete.send().await.map_err(|e| unavailable("outbox_done", e))?;
        Ok(())
    }

    async fn outbox_retry(&self, entry: &OutboxEntry) -> Result<(), StoreError> {
        // Only over an entry still there: one done in the meantime (by another dispatcher or an
        // operator) must not come back, so a failed condition is fine. The new `due_sk` moves
        // the entry to its next attempt in the index.
        self.put_if("outbox_retry", outbox_item(entry)?, IF_THERE).await?;
        Ok(())
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

/// The order the embedded store lists the outbox in: created first, then by id.
fn sort_outbox(entries: &mut [OutboxEntry]) {
    entries.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
}
