//! Envelopes: the documents of an agreement and the people who sign them, in order. An envelope
//! belongs to one enrollment and changes only through commands on that enrollment, so every
//! step of the signing sits in the enrollment's hash chain beside the political decision.
//!
//! What is stored about links and codes is never enough to use them: a signing link's token is
//! kept as its SHA-256, and a one-time code only as the random nonce it is derived from with a
//! key the store never sees (`crate::signing::links`).

use super::values::{Email, MunicipalityNumber, ProgramId, Sha256Hex, Text};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How long a one-time code lives.
pub const CODE_LIFETIME_MINUTES: i64 = 10;
/// Wrong tries after which a code is dead and a new one must be asked for.
pub const CODE_MAX_TRIES: u32 = 5;
/// Codes one signer may ask for in one envelope: more is someone flooding a mailbox.
pub const CODE_MAX_REQUESTS: u32 = 10;
/// A new code is sent at most this often, for the same reason.
pub const CODE_MIN_INTERVAL_SECONDS: i64 = 30;
/// A signer whose turn has come and who has not signed is reminded this often.
pub const REMINDER_INTERVAL_DAYS: i64 = 3;
/// ... this many times at most.
pub const MAX_REMINDERS: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnvelopeStatus {
    Sent,
    Completed,
    Declined,
    Expired,
    Voided,
}

impl EnvelopeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EnvelopeStatus::Sent => "sent",
            EnvelopeStatus::Completed => "completed",
            EnvelopeStatus::Declined => "declined",
            EnvelopeStatus::Expired => "expired",
            EnvelopeStatus::Voided => "voided",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignerStatus {
    /// Earlier signers have not finished; no link has been sent.
    Waiting,
    /// The signing link has been sent; the signer's turn.
    Invited,
    Signed,
    Declined,
}

/// A one-time code that was sent: the code itself is derived from `nonce` and never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimeCode {
    pub nonce: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub wrong_tries: u32,
}

impl OneTimeCode {
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at && self.wrong_tries < CODE_MAX_TRIES
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeSigner {
    pub name: Text,
    pub email: Email,
    pub title: Option<Text>,
    /// Signers sign in ascending order; signers sharing an order sign in parallel.
    pub order: u32,
    pub status: SignerStatus,
    /// Random input of this signer's link token (with the link key, the token is derived).
    pub link_nonce: String,
    /// SHA-256 (hex) of the token: what a presented link is checked against.
    pub token_sha256: String,
    pub invited_at: Option<DateTime<Utc>>,
    pub reminders_sent: u32,
    pub code: Option<OneTimeCode>,
    pub codes_requested: u32,
    pub signed_at: Option<DateTime<Utc>>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub declined_reason: Option<String>,
}

/// A document in an envelope. The first is the agreement itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EnvelopeDocument {
    #[schema(value_type = String)]
    pub sha256: Sha256Hex,
    pub size: u64,
    pub content_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub id: String,
    pub program: ProgramId,
    pub number: MunicipalityNumber,
    pub title: Text,
    pub documents: Vec<EnvelopeDocument>,
    pub status: EnvelopeStatus,
    pub signers: Vec<EnvelopeSigner>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
    /// SHA-256 of the sealed certificate, stored beside the documents, once completed.
    pub certificate_sha256: Option<Sha256Hex>,
}

/// Work the scheduler has on an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    Expire,
    Remind { signer: usize },
}

impl Envelope {
    pub fn document_sha256(&self) -> &Sha256Hex {
        &self.documents[0].sha256
    }

    /// The order whose signers are up: the lowest among those who have not signed.
    pub fn current_order(&self) -> Option<u32> {
        self.signers
            .iter()
            .filter(|s| s.status != SignerStatus::Signed)
            .map(|s| s.order)
            .min()
    }

    pub fn is_open(&self) -> bool {
        self.status == EnvelopeStatus::Sent
    }

    pub fn all_signed(&self) -> bool {
        self.signers.iter().all(|s| s.status == SignerStatus::Signed)
    }

    /// When a signer is next reminded: some days after the invitation or the last reminder.
    pub fn next_reminder_at(&self, signer: usize) -> Option<DateTime<Utc>> {
        let s = &self.signers[signer];
        if !self.is_open() || s.status != SignerStatus::Invited || s.reminders_sent >= MAX_REMINDERS {
            return None;
        }
        let days = REMINDER_INTERVAL_DAYS * (i64::from(s.reminders_sent) + 1);
        let at = s.invited_at? + Duration::days(days);
        (at < self.expires_at).then_some(at)
    }

    /// The next moment the scheduler has something to do here: a reminder or the expiry.
    pub fn next_due_at(&self) -> Option<DateTime<Utc>> {
        if !self.is_open() {
            return None;
        }
        (0..self.signers.len())
            .filter_map(|i| self.next_reminder_at(i))
            .chain(std::iter::once(self.expires_at))
            .min()
    }

    /// What is due at `now`: the expiry wins over reminders, and it makes them moot.
    pub fn due(&self, now: DateTime<Utc>) -> Vec<Due> {
        if !self.is_open() {
            return vec![];
        }
        if now >= self.expires_at {
            return vec![Due::Expire];
        }
        (0..self.signers.len())
            .filter(|i| self.next_reminder_at(*i).is_some_and(|at| at <= now))
            .map(|signer| Due::Remind { signer })
            .collect()
    }
}
