//! Effects are data: the domain says what should happen in the world, the outbox keeps it in
//! the same transaction as the state, and the dispatcher does it later, at least once.

use super::records::Contact;
use super::values::{MunicipalityNumber, ProgramId, Sha256Hex};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Effect {
    /// E-mail the option notice, with the deadline, to the municipality's contact.
    OptionNotice {
        to: Contact,
        program: ProgramId,
        program_name: String,
        counterparty: String,
        number: MunicipalityNumber,
        municipality: String,
        deadline: DateTime<FixedOffset>,
    },
    /// Remind the municipality's contact that the deadline is `days_left` days away.
    DeadlineReminder {
        to: Contact,
        program_name: String,
        counterparty: String,
        number: MunicipalityNumber,
        municipality: String,
        deadline: DateTime<FixedOffset>,
        days_left: u32,
    },
    /// E-mail a signer their signing link. The link's token is not here: the dispatcher derives
    /// it from `link_nonce` with the link key, so the outbox never holds a usable link.
    SigningLink {
        envelope_id: String,
        signer: usize,
        to_name: String,
        to_email: String,
        link_nonce: String,
        documents: Vec<Sha256Hex>,
        title: String,
        program_name: String,
        counterparty: String,
        municipality: String,
        expires_at: DateTime<Utc>,
        reminder: bool,
    },
    /// E-mail a one-time code, derived from `nonce` the same way.
    SigningCode {
        envelope_id: String,
        signer: usize,
        to_name: String,
        to_email: String,
        nonce: String,
        title: String,
        expires_at: DateTime<Utc>,
    },
    /// Publish a webhook message to every subscription that wants it: fanned out into
    /// deliveries by the dispatcher.
    Publish {
        program: ProgramId,
        number: MunicipalityNumber,
        event_type: String,
        seq: u64,
        data: serde_json::Value,
        occurred_at: DateTime<Utc>,
    },
    /// Tell a signer that everyone has signed, with where the certificate is.
    EnvelopeCompleted {
        envelope_id: String,
        to_name: String,
        to_email: String,
        title: String,
    },
}

impl Effect {
    /// Whether it is an e-mail (the others are performed without the mailer).
    pub fn is_mail(&self) -> bool {
        !matches!(self, Effect::Publish { .. })
    }

    /// Whether performing it needs the link key (to derive a link or a code).
    pub fn needs_keys(&self) -> bool {
        matches!(self, Effect::SigningLink { .. } | Effect::SigningCode { .. })
    }

    /// A name for logs, which must never carry the effect's content.
    pub fn kind(&self) -> &'static str {
        match self {
            Effect::OptionNotice { .. } => "option_notice",
            Effect::DeadlineReminder { .. } => "deadline_reminder",
            Effect::SigningLink { .. } => "signing_link",
            Effect::SigningCode { .. } => "signing_code",
            Effect::EnvelopeCompleted { .. } => "envelope_completed",
            Effect::Publish { .. } => "publish",
        }
    }
}
