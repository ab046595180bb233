//! What the engine keeps: programs and enrollments. These are also what the API shows.

use super::deadline;
use super::state::State;
use super::values::{Body, CaseNumber, Email, MunicipalityNumber, OrgNumber, ProgramId, Text, YearMonth};
use super::vote::Decision;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Counterparty {
    #[schema(value_type = String)]
    pub name: Text,
    #[schema(value_type = String, example = "974760673")]
    pub org_number: OrgNumber,
}

/// A person who signs on behalf of a party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Signer {
    #[schema(value_type = String)]
    pub name: Text,
    #[schema(value_type = String)]
    pub email: Email,
    #[schema(value_type = String)]
    pub title: Text,
}

/// The person in the municipality who receives notices and reminders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Contact {
    #[schema(value_type = String)]
    pub name: Text,
    #[schema(value_type = String)]
    pub email: Email,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Program {
    #[schema(value_type = String, example = "helseplattformen")]
    pub id: ProgramId,
    #[schema(value_type = String)]
    pub name: Text,
    pub counterparty: Counterparty,
    /// The last day on which the option can be exercised.
    #[schema(value_type = String, format = Date)]
    pub option_deadline: NaiveDate,
    /// IANA time zone in which the deadline date is read.
    #[schema(example = "Europe/Oslo")]
    pub time_zone: String,
    pub counterparty_signer: Signer,
    /// How long a signing envelope lives.
    pub envelope_days: u32,
    pub created_at: DateTime<Utc>,
}

impl Program {
    pub const DEFAULT_TIME_ZONE: &'static str = "Europe/Oslo";
    pub const DEFAULT_ENVELOPE_DAYS: u32 = 30;

    pub fn tz(&self) -> Tz {
        // Validated when the program was created; the fallback only guards old records.
        self.time_zone.parse().unwrap_or(chrono_tz::Europe::Oslo)
    }

    /// 23:59:59 of the deadline date in the program's zone.
    pub fn deadline_instant(&self) -> DateTime<FixedOffset> {
        deadline::end_of_day(self.option_deadline, self.tz())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Meeting {
    pub body: Body,
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    #[schema(value_type = String)]
    pub case_number: CaseNumber,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Preferences {
    #[schema(value_type = String, example = "2022-11")]
    pub preferred_month: YearMonth,
    pub end_users: u32,
}

/// One municipality inside one program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Enrollment {
    #[schema(value_type = String)]
    pub program: ProgramId,
    #[schema(value_type = String, example = "5027")]
    pub number: MunicipalityNumber,
    #[schema(value_type = String, example = "Midtre Gauldal")]
    pub name: Text,
    pub state: State,
    /// Grows by one with each accepted command; send it back in `If-Match`.
    pub version: u64,
    /// 23:59:59 of the program's deadline date, with the program zone's offset.
    #[schema(value_type = String, format = DateTime)]
    pub option_deadline: DateTime<FixedOffset>,
    pub contact: Contact,
    pub director: Signer,
    pub meeting: Option<Meeting>,
    pub decision: Option<Decision>,
    pub exercised_at: Option<DateTime<Utc>>,
    pub envelope_id: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub golive_date: Option<NaiveDate>,
    pub end_users: Option<u32>,
    pub preferences: Option<Preferences>,
    pub declined_reason: Option<String>,
    /// Days before the deadline of the last reminder sent (30, 14, 7 or 1).
    #[serde(default)]
    pub last_reminder_days: Option<u32>,
    /// Sequence number of the last event in this enrollment's history.
    pub last_seq: u64,
    /// Hash of the last event: the head of the chain.
    pub head_hash: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What is needed to enroll a municipality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEnrollment {
    pub number: MunicipalityNumber,
    pub name: Text,
    pub contact: Contact,
    pub director: Signer,
}
