//! Ports: the narrow traits between the engine and the world. The service speaks only to these;
//! adapters (embedded, memory, DynamoDB, S3, SES) implement them.

use crate::auth::ApiKey;
use crate::chain::Event;
use crate::domain::{Effect, Enrollment, Envelope, MunicipalityNumber, Program, ProgramId, Sha256Hex, State};
use crate::webhooks::{Delivery, InboundSecret, Subscription};
use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The version read is no longer current, or the item to create already exists.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The backend failed; nothing was written.
    #[error("store unavailable: {0}")]
    Unavailable(String),
}

/// A stored answer for an `Idempotency-Key`, so a retry gets the first answer again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    /// Who asked and under which key: `{key id}:{Idempotency-Key}`.
    pub scope: String,
    /// SHA-256 of method, path and body: the same key with another request is refused.
    pub fingerprint: String,
    pub status: u16,
    /// The JSON body of the first answer.
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// An effect waiting to be performed, kept in the same transaction as the state that caused it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Stable: `{program}/{number}/{version}/{index}`; doing an effect twice is harmless
    /// because its id (e-mail file name, Message-ID) stays the same.
    pub id: String,
    pub effect: Effect,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
}

/// Everything one accepted command writes, in one atomic write.
#[derive(Debug, Clone)]
pub struct Commit {
    /// The version that was read; 0 means the enrollment must not exist yet.
    pub expected_version: u64,
    /// The new state, with `version == expected_version + 1`.
    pub enrollment: Enrollment,
    pub events: Vec<Event>,
    pub outbox: Vec<OutboxEntry>,
    pub idempotency: Option<IdempotencyRecord>,
    /// The envelope the command opened or changed, written whole. No condition of its own is
    /// needed: every envelope change is a command on its enrollment, whose version guards it.
    pub envelope: Option<Envelope>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Creates a program; `Conflict` if the id is taken.
    async fn create_program(&self, program: &Program) -> Result<(), StoreError>;
    async fn program(&self, id: &ProgramId) -> Result<Option<Program>, StoreError>;
    async fn programs(&self) -> Result<Vec<Program>, StoreError>;

    /// Stores a key (only its hash); `Conflict` if the id is taken.
    async fn put_api_key(&self, key: &ApiKey) -> Result<(), StoreError>;
    async fn api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, StoreError>;
    async fn api_key(&self, id: &str) -> Result<Option<ApiKey>, StoreError>;

    async fn enrollment(
        &self,
        program: &ProgramId,
        number: &MunicipalityNumber,
    ) -> Result<Option<Enrollment>, StoreError>;
    /// Enrollments of one program, ordered by municipality number.
    async fn enrollments(&self, program: &ProgramId) -> Result<Vec<Enrollment>, StoreError>;
    /// Enrollments whose option is still open (not exercised, not terminal) and whose deadline
    /// has passed at `now`: what the sweep lapses. The default walks every program, which is
    /// fine for a local store; a backend with an index by deadline answers without a scan.
    async fn open_past_deadline(&self, now: DateTime<Utc>) -> Result<Vec<(ProgramId, MunicipalityNumber)>, StoreError> {
        let mut due = Vec::new();
        for program in self.programs().await? {
            for e in self.enrollments(&program.id).await? {
                if e.state.is_before_exercise() && crate::domain::deadline::has_passed(e.option_deadline, now) {
                    due.push((e.program, e.number));
                }
            }
        }
        Ok(due)
    }

    async fn envelope(&self, id: &str) -> Result<Option<Envelope>, StoreError>;
    /// Open envelopes with a reminder or expiry due at `now`.
    /// The default walks the enrollments waiting for signatures; a backend with an index by
    /// due time answers without a scan.
    async fn envelopes_due(&self, now: DateTime<Utc>) -> Result<Vec<Envelope>, StoreError> {
        let mut due = Vec::new();
        for program in self.programs().await? {
            for e in self.enrollments(&program.id).await? {
                let Some(id) = e.envelope_id.as_deref().filter(|_| e.state == State::AgreementSent) else {
                    continue;
                };
                if let Some(envelope) = self.envelope(id).await? {
                    if envelope.next_due_at().is_some_and(|at| at <= now) {
                        due.push(envelope);
                    }
                }
            }
        }
        Ok(due)
    }

    /// Enrollments whose option is still open and whose deadline is before `until`: where the
    /// sweep looks for deadline reminders. The default walks every program.
    async fn open_with_deadline_before(&self, until: DateTime<Utc>) -> Result<Vec<Enrollment>, StoreError> {
        let mut found = Vec::new();
        for program in self.programs().await? {
            for e in self.enrollments(&program.id).await? {
                if e.state.is_before_exercise() && e.option_deadline < until {
                    found.push(e);
                }
            }
        }
        Ok(found)
    }

    /// The whole history of one enrollment, ordered by `seq`.
    async fn events(&self, program: &ProgramId, number: &MunicipalityNumber) -> Result<Vec<Event>, StoreError>;

    /// Writes a command's result atomically, only if the enrollment is still at
    /// `expected_version` (and, for an idempotency record, only if its scope is unused).
    async fn commit(&self, commit: Commit) -> Result<(), StoreError>;

    async fn idempotency(&self, scope: &str) -> Result<Option<IdempotencyRecord>, StoreError>;
    /// Records the answer of a command that was refused (nothing else is written); a record
    /// already there is kept.
    async fn put_idempotency(&self, record: &IdempotencyRecord) -> Result<(), StoreError>;

    /// Outbox entries whose next attempt is due at `now`, oldest first.
    async fn outbox_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxEntry>, StoreError>;
    /// All entries not yet done (for operators and tests).
    async fn outbox_pending(&self) -> Result<Vec<OutboxEntry>, StoreError>;
    async fn outbox_done(&self, id: &str) -> Result<(), StoreError>;
    /// Records a failed attempt and when to try again.
    async fn outbox_retry(&self, entry: &OutboxEntry) -> Result<(), StoreError>;

    /// Creates or replaces a webhook subscription.
    async fn put_subscription(&self, subscription: &Subscription) -> Result<(), StoreError>;
    async fn subscription(&self, program: &ProgramId, id: &str) -> Result<Option<Subscription>, StoreError>;
    /// A program's subscriptions, ordered by id.
    async fn subscriptions(&self, program: &ProgramId) -> Result<Vec<Subscription>, StoreError>;

    /// Creates a delivery unless one with its id exists already (a fan-out that runs twice
    /// must not deliver twice); says whether it created it.
    async fn create_delivery(&self, delivery: &Delivery) -> Result<bool, StoreError>;
    /// Replaces a delivery (after a try, or a retry by hand).
    async fn update_delivery(&self, delivery: &Delivery) -> Result<(), StoreError>;
    async fn delivery(&self, subscription: &str, id: &str) -> Result<Option<Delivery>, StoreError>;
    /// One subscription's deliveries, newest first (delivery ids sort by time), at most `limit`.
    async fn deliveries(&self, subscription: &str, limit: usize) -> Result<Vec<Delivery>, StoreError>;
    /// Pending deliveries whose next try is due at `now`, earliest first, at most `limit`.
    async fn deliveries_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Delivery>, StoreError>;

    /// Creates or replaces a municipality's inbound webhook secret.
    /// Records that a program's keys may read a document: its keys uploaded it. Documents are
    /// shared by content, so without this any key that learns a hash (certificates show them)
    /// could read another program's documents.
    async fn put_document_grant(&self, grant: &DocumentGrant) -> Result<(), StoreError>;
    async fn document_grant(
        &self,
        sha256: &Sha256Hex,
        program: &ProgramId,
    ) -> Result<Option<DocumentGrant>, StoreError>;

    async fn put_inbound_secret(&self, secret: &InboundSecret) -> Result<(), StoreError>;
    async fn inbound_secret(
        &self,
        program: &ProgramId,
        number: &MunicipalityNumber,
    ) -> Result<Option<InboundSecret>, StoreError>;
}

/// A program's right to read a document (see `Store::put_document_grant`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentGrant {
    pub sha256: Sha256Hex,
    pub program: ProgramId,
    pub granted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentMeta {
    #[schema(value_type = String)]
    pub sha256: Sha256Hex,
    pub size: u64,
    pub content_type: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("document store unavailable: {0}")]
    Unavailable(String),
    #[error("stored bytes do not match their SHA-256 {0}")]
    Corrupt(String),
}

/// Where and how a client uploads a large document itself (straight to S3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PresignedUpload {
    pub url: String,
    pub method: String,
    /// Headers the upload must carry exactly (content type, SHA-256 checksum).
    pub headers: std::collections::BTreeMap<String, String>,
    pub expires_at: DateTime<Utc>,
}

/// Content-addressed documents: the key is the SHA-256 of the bytes.
#[async_trait]
pub trait Documents: Send + Sync + 'static {
    /// A URL to upload the document with this SHA-256 directly, bound to that checksum so the
    /// store refuses other bytes. `None` where the backend has no such thing (local mode).
    async fn presign_upload(
        &self,
        _sha256: &Sha256Hex,
        _content_type: &str,
        _size: u64,
        _expires_in: std::time::Duration,
    ) -> Result<Option<PresignedUpload>, DocumentError> {
        Ok(None)
    }

    /// Stores the bytes (once, however often they are put) and says what they are.
    async fn put(&self, bytes: Bytes, content_type: &str) -> Result<DocumentMeta, DocumentError>;
    async fn get(&self, sha256: &Sha256Hex) -> Result<Option<(DocumentMeta, Bytes)>, DocumentError>;
    async fn meta(&self, sha256: &Sha256Hex) -> Result<Option<DocumentMeta>, DocumentError>;
}

/// An e-mail ready to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// Stable id (the outbox entry's): sending twice writes the same message.
    pub id: String,
    pub to_name: String,
    pub to_email: String,
    pub subject: String,
    pub text: String,
    pub date: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
#[error("mail not sent: {0}")]
pub struct MailError(pub String);

#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, mail: &Mail) -> Result<(), MailError>;
}

/// Every `now` in the engine comes from here.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// One webhook request, ready to send: the body and headers are final.
#[derive(Debug, Clone)]
pub struct WebhookRequest {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Refused before any connection: the address is not one we deliver to (SSRF guard), or
    /// the URL is not a plain http(s) URL.
    #[error("refused: {0}")]
    Refused(String),
    /// No answer: connection failed, or no response within the timeout.
    #[error("no answer: {0}")]
    NoAnswer(String),
}

/// Sends webhook requests. Answers the receiver's HTTP status; redirects are not followed.
#[async_trait]
pub trait WebhookSender: Send + Sync + 'static {
    async fn send(&self, request: &WebhookRequest) -> Result<u16, SendError>;
}

#[derive(Debug, thiserror::Error)]
#[error("dead letter not sent: {0}")]
pub struct DeadLetterError(pub String);

/// Where a webhook delivery that failed for good is also put, so that operators find every
/// such message in one place (on AWS: an SQS queue). It is a copy: the delivery itself stays in
/// the store as `failed`, listed and retried by hand as before. An error must never carry a
/// subscription's secret or the delivery's body.
#[async_trait]
pub trait DeadLetters: Send + Sync + 'static {
    async fn failed(&self, delivery: &Delivery) -> Result<(), DeadLetterError>;
}
