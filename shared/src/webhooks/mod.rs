//! Webhooks both ways, in the Standard Webhooks format: subscriptions and their deliveries
//! (outbound: we tell case-management systems what changed), and the signature both directions
//! share (inbound: their systems post meetings and decisions in).

pub mod deliver;
pub mod messages;
pub mod sender;
pub mod signature;

use crate::domain::{MunicipalityNumber, ProgramId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The message types a subscription can ask for.
pub const EVENT_TYPES: [&str; 4] = [
    "enrollment.state_changed",
    "envelope.completed",
    "envelope.declined",
    "deadline.approaching",
];

/// One signing secret of a subscription. During a rotation the old one stays valid until
/// `expires_at` and deliveries carry a signature by each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSecret {
    /// `whsec_` and base64 of at least 24 random bytes; the HMAC key is the decoded bytes.
    pub secret: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// An endpoint that wants to hear about a program (or one municipality in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// `wh_` and 96 random bits as hex.
    pub id: String,
    pub program: ProgramId,
    pub municipality: Option<MunicipalityNumber>,
    pub url: String,
    pub events: Vec<String>,
    /// Newest first.
    pub secrets: Vec<WebhookSecret>,
    pub enabled: bool,
    /// Why it was disabled (by hand, or by the receiver answering 410 Gone).
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Subscription {
    /// The secrets that sign a delivery at `now`: the current one and any still overlapping.
    pub fn live_secrets(&self, now: DateTime<Utc>) -> Vec<&str> {
        self.secrets
            .iter()
            .filter(|s| s.expires_at.is_none_or(|at| now < at))
            .map(|s| s.secret.as_str())
            .collect()
    }

    pub fn wants(&self, event_type: &str, number: &MunicipalityNumber) -> bool {
        self.enabled
            && self.events.iter().any(|e| e == event_type)
            && self.municipality.as_ref().is_none_or(|m| m == number)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    /// Every try failed (or the endpoint is gone); it can be retried by hand.
    Failed,
}

/// One try to deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status, if it answered at all.
    pub status: Option<u16>,
    /// Why it failed, in words (never the body we sent, never a secret).
    pub error: Option<String>,
    pub duration_ms: u64,
}

/// One message to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The `webhook-id`: the same for every try of this message to this endpoint, so the
    /// receiver can de-duplicate.
    pub id: String,
    pub subscription: String,
    pub program: ProgramId,
    pub event_type: String,
    /// The exact body, fixed when the delivery is created: every try sends the same bytes.
    pub body: String,
    pub status: DeliveryStatus,
    pub attempts: Vec<Attempt>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A municipality's secret for signing what its case system posts to `/v1/inbound/{pid}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundSecret {
    pub program: ProgramId,
    pub number: MunicipalityNumber,
    pub secret: String,
    pub created_at: DateTime<Utc>,
}
