//! Request bodies as they arrive, and their validation into domain types. Types that do not
//! fit are 400 (serde); values that fit but break a rule are 422, naming the field.

use super::error::AppError;
use crate::domain::{
    Body, CaseNumber, Contact, Counterparty, Email, Meeting, MunicipalityNumber, NewEnrollment, OrgNumber, Preferences,
    ProgramId, Sha256Hex, Side, Signer, Text, ValueError, VoteInput, YearMonth,
};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

pub(super) fn field<T>(name: &str, r: Result<T, ValueError>) -> Result<T, AppError> {
    r.map_err(|e| AppError::invalid(name, e))
}

fn date(name: &str, s: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|_| s.len() == 10)
        .ok_or_else(|| AppError::invalid(name, "a date is written YYYY-MM-DD"))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonIn {
    pub name: String,
    pub email: String,
    pub title: Option<String>,
}

impl PersonIn {
    pub fn contact(&self, at: &str) -> Result<Contact, AppError> {
        Ok(Contact {
            name: field(&format!("{at}.name"), Text::parse(&self.name))?,
            email: field(&format!("{at}.email"), Email::parse(&self.email))?,
        })
    }
    pub fn signer(&self, at: &str) -> Result<Signer, AppError> {
        let title = self
            .title
            .as_deref()
            .ok_or_else(|| AppError::invalid(&format!("{at}.title"), "is required"))?;
        Ok(Signer {
            name: field(&format!("{at}.name"), Text::parse(&self.name))?,
            email: field(&format!("{at}.email"), Email::parse(&self.email))?,
            title: field(&format!("{at}.title"), Text::parse(title))?,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounterpartyIn {
    pub name: String,
    pub org_number: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgramIn {
    pub id: String,
    pub name: String,
    pub counterparty: CounterpartyIn,
    /// `YYYY-MM-DD`: the last day the option can be exercised.
    pub option_deadline: String,
    /// IANA zone; default `Europe/Oslo`.
    pub time_zone: Option<String>,
    pub counterparty_signer: PersonIn,
    /// How long a signing envelope lives; default 30.
    pub envelope_days: Option<u32>,
}

pub struct ValidProgram {
    pub id: ProgramId,
    pub name: Text,
    pub counterparty: Counterparty,
    pub option_deadline: NaiveDate,
    pub time_zone: String,
    pub counterparty_signer: Signer,
    pub envelope_days: u32,
}

impl ProgramIn {
    pub fn validate(&self) -> Result<ValidProgram, AppError> {
        let time_zone = self
            .time_zone
            .clone()
            .unwrap_or_else(|| crate::domain::Program::DEFAULT_TIME_ZONE.into());
        if time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(AppError::invalid(
                "time_zone",
                "not an IANA time zone, e.g. Europe/Oslo",
            ));
        }
        let envelope_days = self
            .envelope_days
            .unwrap_or(crate::domain::Program::DEFAULT_ENVELOPE_DAYS);
        if !(1..=365).contains(&envelope_days) {
            return Err(AppError::invalid("envelope_days", "between 1 and 365"));
        }
        Ok(ValidProgram {
            id: field("id", ProgramId::parse(&self.id))?,
            name: field("name", Text::parse(&self.name))?,
            counterparty: Counterparty {
                name: field("counterparty.name", Text::parse(&self.counterparty.name))?,
                org_number: field(
                    "counterparty.org_number",
                    OrgNumber::parse(&self.counterparty.org_number),
                )?,
            },
            option_deadline: date("option_deadline", &self.option_deadline)?,
            time_zone,
            counterparty_signer: self.counterparty_signer.signer("counterparty_signer")?,
            envelope_days,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyIn {
    /// `program_admin` or `municipality_admin`.
    pub role: String,
    pub municipality: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentIn {
    pub number: String,
    pub name: String,
    pub contact: PersonIn,
    pub director: PersonIn,
}

impl EnrollmentIn {
    pub fn validate(&self) -> Result<NewEnrollment, AppError> {
        Ok(NewEnrollment {
            number: field("number", MunicipalityNumber::parse(&self.number))?,
            name: field("name", Text::parse(&self.name))?,
            contact: self.contact.contact("contact")?,
            director: self.director.signer("director")?,
        })
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct EmptyIn {}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingIn {
    /// `kommunestyre` or `formannskap`.
    pub body: String,
    pub date: String,
    pub case_number: String,
}

impl MeetingIn {
    pub fn validate(&self) -> Result<Meeting, AppError> {
        Ok(Meeting {
            body: field("body", Body::parse(&self.body))?,
            date: date("date", &self.date)?,
            case_number: field("case_number", CaseNumber::parse(&self.case_number))?,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    pub body: String,
    pub date: String,
    pub case_number: String,
    pub members: u32,
    pub present: u32,
    pub votes_for: u32,
    pub votes_against: u32,
    /// `for` or `against`: required exactly when the vote is tied.
    pub chair_casting_vote: Option<String>,
    pub protocol_sha256: Option<String>,
}

impl DecisionIn {
    pub fn validate(&self) -> Result<VoteInput, AppError> {
        let chair_casting_vote = match self.chair_casting_vote.as_deref() {
            None => None,
            Some("for") => Some(Side::For),
            Some("against") => Some(Side::Against),
            Some(_) => return Err(AppError::invalid("chair_casting_vote", "is for or against")),
        };
        let protocol_sha256 = self.protocol_sha256.as_deref().map(Sha256Hex::parse).transpose();
        Ok(VoteInput {
            body: field("body", Body::parse(&self.body))?,
            date: date("date", &self.date)?,
            case_number: field("case_number", CaseNumber::parse(&self.case_number))?,
            members: self.members,
            present: self.present,
            votes_for: self.votes_for,
            votes_against: self.votes_against,
            chair_casting_vote,
            protocol_sha256: field("protocol_sha256", protocol_sha256)?,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineIn {
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesIn {
    /// `YYYY-MM`
    pub preferred_month: String,
    pub end_users: u32,
}

impl PreferencesIn {
    pub fn validate(&self) -> Result<Preferences, AppError> {
        if self.end_users == 0 {
            return Err(AppError::invalid("end_users", "at least 1"));
        }
        Ok(Preferences {
            preferred_month: field("preferred_month", YearMonth::parse(&self.preferred_month))?,
            end_users: self.end_users,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoliveIn {
    pub date: String,
    pub end_users: u32,
}

impl GoliveIn {
    pub fn validate(&self) -> Result<(NaiveDate, u32), AppError> {
        if self.end_users == 0 {
            return Err(AppError::invalid("end_users", "at least 1"));
        }
        Ok((date("date", &self.date)?, self.end_users))
    }
}

pub fn reason(s: &str) -> Result<Text, AppError> {
    field("reason", Text::parse_long(s))
}
