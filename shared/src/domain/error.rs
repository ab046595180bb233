use super::command::CommandKind;
use super::state::State;
use super::table;
use super::vote::VoteError;
use chrono::{DateTime, FixedOffset, Utc};

/// Why the domain refused a command. 409 for "not now", 422 for "not like this".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error("'{command}' is not allowed in state '{state}' (allowed from: {})", list(table::allowed_from(*command)))]
    NotAllowed { command: CommandKind, state: State },
    #[error("the option deadline {deadline} has passed")]
    DeadlinePassed { deadline: DateTime<FixedOffset> },
    #[error("the option deadline {deadline} has not passed yet")]
    DeadlineNotPassed { deadline: DateTime<FixedOffset> },
    #[error("envelope {envelope_id} is not the enrollment's current envelope")]
    NotCurrentEnvelope { envelope_id: String },
    #[error("the envelope is {status}; nothing more can be done with it")]
    EnvelopeClosed { status: &'static str },
    #[error("it is not this signer's turn yet: earlier signers have not signed")]
    NotYourTurn,
    #[error("this signer has already signed")]
    AlreadySigned,
    #[error("no valid one-time code: {reason}; ask for a new code")]
    NoLiveCode { reason: &'static str },
    #[error("too many one-time codes were asked for in this envelope")]
    TooManyCodes,
    #[error("a code was sent moments ago; a new one can be asked for from {ready_at}")]
    CodeTooSoon { ready_at: DateTime<Utc> },
    #[error("not due yet: {what}")]
    NotDue { what: String },
    #[error(transparent)]
    Vote(#[from] VoteError),
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
}

fn list(states: &[State]) -> String {
    let names: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    names.join(", ")
}

impl DomainError {
    /// True for "well-formed but invalid" (422); false for "not allowed now" (409).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, DomainError::Vote(_) | DomainError::Invalid { .. })
    }

    pub fn slug(&self) -> &'static str {
        match self {
            DomainError::NotAllowed { .. } => "not-allowed-in-state",
            DomainError::DeadlinePassed { .. } => "deadline-passed",
            DomainError::DeadlineNotPassed { .. } => "deadline-not-passed",
            DomainError::NotCurrentEnvelope { .. } => "not-current-envelope",
            DomainError::EnvelopeClosed { .. } => "envelope-closed",
            DomainError::NotYourTurn => "not-your-turn",
            DomainError::AlreadySigned => "already-signed",
            DomainError::NoLiveCode { .. } => "no-live-code",
            DomainError::TooManyCodes => "too-many-codes",
            DomainError::CodeTooSoon { .. } => "code-too-soon",
            DomainError::NotDue { .. } => "not-due",
            DomainError::Vote(v) => v.slug(),
            DomainError::Invalid { .. } => "invalid-value",
        }
    }
}
