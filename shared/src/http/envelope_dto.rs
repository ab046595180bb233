//! The JSON of envelopes: the `agreement` body as it arrives, and an envelope as shown. What is
//! secret about a signer (link nonce, token hash, code) is never part of it.

use super::dto::field;
use super::error::AppError;
use crate::domain::{Email, Envelope, EnvelopeDocument, EnvelopeStatus, Sha256Hex, SignerStatus, Text};
use crate::service::SignerSpec;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Documents beyond the agreement itself (appendices) an envelope may carry.
const MAX_ATTACHMENTS: usize = 10;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementIn {
    pub title: String,
    /// The agreement, uploaded before with `POST /v1/documents`.
    pub document_sha256: String,
    /// Appendices signed together with the agreement, also uploaded before.
    #[serde(default)]
    pub attachments: Vec<String>,
    /// Who signs, in `order` (equal orders sign in parallel). Default: the municipality's
    /// director (1), then the program's counterparty signer (2).
    pub signers: Option<Vec<SignerIn>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignerIn {
    pub name: String,
    pub email: String,
    pub title: Option<String>,
    pub order: u32,
}

pub struct ValidAgreement {
    pub title: Text,
    pub documents: Vec<Sha256Hex>,
    pub signers: Option<Vec<SignerSpec>>,
}

impl AgreementIn {
    pub fn validate(&self) -> Result<ValidAgreement, AppError> {
        let mut documents = vec![field("document_sha256", Sha256Hex::parse(&self.document_sha256))?];
        if self.attachments.len() > MAX_ATTACHMENTS {
            return Err(AppError::invalid("attachments", format!("at most {MAX_ATTACHMENTS}")));
        }
        for (i, a) in self.attachments.iter().enumerate() {
            let sha = field(&format!("attachments[{i}]"), Sha256Hex::parse(a))?;
            if documents.contains(&sha) {
                return Err(AppError::invalid(&format!("attachments[{i}]"), "is listed twice"));
            }
            documents.push(sha);
        }
        let signers = match &self.signers {
            None => None,
            Some(list) => Some(
                list.iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let at = format!("signers[{i}]");
                        Ok(SignerSpec {
                            name: field(&format!("{at}.name"), Text::parse(&s.name))?,
                            email: field(&format!("{at}.email"), Email::parse(&s.email))?,
                            title: s
                                .title
                                .as_deref()
                                .map(|t| field(&format!("{at}.title"), Text::parse(t)))
                                .transpose()?,
                            order: s.order,
                        })
                    })
                    .collect::<Result<Vec<_>, AppError>>()?,
            ),
        };
        Ok(ValidAgreement {
            title: field("title", Text::parse(&self.title))?,
            documents,
            signers,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidIn {
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct EnvelopeView {
    pub id: String,
    pub status: EnvelopeStatus,
    pub title: String,
    pub program: String,
    pub municipality: String,
    /// The agreement: the first of `documents`.
    pub document_sha256: String,
    pub documents: Vec<EnvelopeDocument>,
    pub signers: Vec<SignerView>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
    /// When the scheduler next has work here (a reminder or the expiry); null once ended.
    pub next_due_at: Option<DateTime<Utc>>,
    pub certificate_sha256: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SignerView {
    pub name: String,
    pub email: String,
    pub title: Option<String>,
    pub order: u32,
    pub status: SignerStatus,
    pub invited_at: Option<DateTime<Utc>>,
    pub reminders_sent: u32,
    pub signed_at: Option<DateTime<Utc>>,
    pub declined_reason: Option<String>,
}

impl EnvelopeView {
    pub fn of(e: &Envelope) -> EnvelopeView {
        EnvelopeView {
            id: e.id.clone(),
            status: e.status,
            title: e.title.to_string(),
            program: e.program.to_string(),
            municipality: e.number.to_string(),
            document_sha256: e.document_sha256().to_string(),
            documents: e.documents.clone(),
            signers: e
                .signers
                .iter()
                .map(|s| SignerView {
                    name: s.name.to_string(),
                    email: s.email.to_string(),
                    title: s.title.as_ref().map(|t| t.to_string()),
                    order: s.order,
                    status: s.status,
                    invited_at: s.invited_at,
                    reminders_sent: s.reminders_sent,
                    signed_at: s.signed_at,
                    declined_reason: s.declined_reason.clone(),
                })
                .collect(),
            created_at: e.created_at,
            expires_at: e.expires_at,
            ended_at: e.ended_at,
            end_reason: e.end_reason.clone(),
            next_due_at: e.next_due_at(),
            certificate_sha256: e.certificate_sha256.as_ref().map(|s| s.to_string()),
        }
    }
}
