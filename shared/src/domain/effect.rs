//! Effects are data: the domain says what should happen in the world, the outbox keeps it in
//! the same transaction as the state, and the dispatcher does it later, at least once.

use super::records::Contact;
use super::values::{MunicipalityNumber, ProgramId};
use chrono::{DateTime, FixedOffset};
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
}
