//! The domain: states, commands, events, the transition table, vote rules and deadlines.
//! Pure: nothing in here performs I/O or reads a clock.

pub mod command;
pub mod deadline;
pub mod decide;
pub mod effect;
pub mod envelope;
pub mod error;
pub mod records;
pub mod signing;
pub mod state;
pub mod table;
pub mod values;
pub mod vote;

#[cfg(test)]
mod tests;

pub use command::{Command, CommandKind};
pub use decide::{decide, enroll, Decided, NewEvent};
pub use effect::Effect;
pub use envelope::{Envelope, EnvelopeDocument, EnvelopeSigner, EnvelopeStatus, SignerStatus};
pub use error::DomainError;
pub use records::{Contact, Counterparty, Enrollment, Meeting, NewEnrollment, Preferences, Program, Signer};
pub use signing::{decide_envelope, EnvelopeCommand, NewEnvelope, NewSigner};
pub use state::State;
pub use values::*;
pub use vote::{Decision, Outcome, Side, VoteError, VoteInput};
