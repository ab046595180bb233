//! `decide_envelope`: the pure rules of signing. Like `decide`, it returns the next enrollment,
//! the events and the effects, and now also the next envelope. Whenever signing moves the
//! enrollment (sent, all signed, declined, voided, expired) it goes through `decide` with the
//! matching table command, so the transition table stays the one authority on states.

use super::command::Command;
use super::decide::{decide, Decided};
use super::envelope::*;
use super::error::DomainError;
use super::records::{Enrollment, Program};
use super::values::{Email, Text};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// A signer as the envelope is opened: the link nonce and token hash come from the caller,
/// which holds the link key and the random number generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSigner {
    pub name: Text,
    pub email: Email,
    pub title: Option<Text>,
    pub order: u32,
    pub link_nonce: String,
    pub token_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEnvelope {
    pub id: String,
    pub title: Text,
    pub documents: Vec<EnvelopeDocument>,
    pub signers: Vec<NewSigner>,
}

/// What can happen to an envelope. `signer` is an index into the envelope's signers, found
/// by the caller from the presented link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvelopeCommand {
    Open(NewEnvelope),
    RequestCode {
        signer: usize,
        nonce: String,
    },
    /// `code_matches`: whether the entered code equals the live code, compared by the caller
    /// in constant time (only it holds the key the code is derived from).
    Sign {
        signer: usize,
        code_matches: bool,
        ip: String,
        user_agent: String,
    },
    Decline {
        signer: usize,
        reason: Text,
    },
    Void {
        reason: Text,
    },
    Expire,
    Remind {
        signer: usize,
    },
}

pub const MAX_SIGNERS: usize = 20;

pub fn decide_envelope(
    program: &Program,
    current: &Enrollment,
    envelope: Option<&Envelope>,
    command: &EnvelopeCommand,
    now: DateTime<Utc>,
) -> Result<Decided, DomainError> {
    if let EnvelopeCommand::Open(new) = command {
        return open(program, current, new, now);
    }
    let envelope = envelope
        .filter(|e| current.envelope_id.as_deref() == Some(e.id.as_str()))
        .ok_or_else(|| DomainError::NotCurrentEnvelope {
            envelope_id: envelope.map(|e| e.id.clone()).unwrap_or_default(),
        })?;
    if !envelope.is_open() {
        return Err(DomainError::EnvelopeClosed {
            status: envelope.status.as_str(),
        });
    }
    let mut step = Step::new(current, envelope, now);
    match command {
        EnvelopeCommand::Open(_) => unreachable!("handled above"),
        EnvelopeCommand::RequestCode { signer, nonce } => step.request_code(*signer, nonce)?,
        EnvelopeCommand::Sign {
            signer,
            code_matches,
            ip,
            user_agent,
        } => step.sign(program, *signer, *code_matches, ip, user_agent)?,
        EnvelopeCommand::Decline { signer, reason } => {
            let s = step.turn(*signer)?;
            step.env.signers[s].status = SignerStatus::Declined;
            step.env.signers[s].declined_reason = Some(reason.to_string());
            let name = step.env.signers[s].name.to_string();
            step.event(
                "signing.declined",
                json!({ "signer": s, "name": name, "reason": reason }),
            );
            step.end(
                program,
                EnvelopeStatus::Declined,
                format!("declined by {name}: {reason}"),
            )?;
        }
        EnvelopeCommand::Void { reason } => {
            step.event("envelope.voided", json!({ "reason": reason }));
            step.end(program, EnvelopeStatus::Voided, reason.to_string())?;
        }
        EnvelopeCommand::Expire => {
            if now < envelope.expires_at {
                return Err(DomainError::NotDue {
                    what: format!("the envelope expires at {}", envelope.expires_at),
                });
            }
            step.event("envelope.expired", json!({ "expires_at": envelope.expires_at }));
            step.end(program, EnvelopeStatus::Expired, "the envelope expired unsigned".into())?;
        }
        EnvelopeCommand::Remind { signer } => {
            let s = step.turn(*signer)?;
            if envelope.next_reminder_at(s).is_none_or(|at| at > now) {
                return Err(DomainError::NotDue {
                    what: format!("no reminder is due for signer {s}"),
                });
            }
            step.env.signers[s].reminders_sent += 1;
            step.event(
                "signing.reminded",
                json!({ "signer": s, "reminder": step.env.signers[s].reminders_sent }),
            );
            step.link(program, current, s, true);
        }
    }
    Ok(step.finish())
}

fn open(
    program: &Program,
    current: &Enrollment,
    new: &NewEnvelope,
    now: DateTime<Utc>,
) -> Result<Decided, DomainError> {
    let invalid = |field, reason: &str| DomainError::Invalid {
        field,
        reason: reason.to_owned(),
    };
    if new.documents.is_empty() {
        return Err(invalid("document_sha256", "an envelope needs a document"));
    }
    if new.signers.is_empty() || new.signers.len() > MAX_SIGNERS {
        return Err(invalid("signers", "an envelope needs between 1 and 20 signers"));
    }
    if new.signers.iter().any(|s| s.order == 0) {
        return Err(invalid("signers", "order starts at 1"));
    }
    let mut emails: Vec<&str> = new.signers.iter().map(|s| s.email.as_str()).collect();
    emails.sort_unstable();
    if emails.windows(2).any(|w| w[0].eq_ignore_ascii_case(w[1])) {
        return Err(invalid("signers", "each signer needs an e-mail address of their own"));
    }
    let table = decide(
        program,
        current,
        &Command::Agreement {
            envelope_id: new.id.clone(),
            title: new.title.clone(),
            document_sha256: new.documents[0].sha256.clone(),
        },
        now,
    )?;
    let envelope = Envelope {
        id: new.id.clone(),
        program: current.program.clone(),
        number: current.number.clone(),
        title: new.title.clone(),
        documents: new.documents.clone(),
        status: EnvelopeStatus::Sent,
        signers: new.signers.iter().map(waiting).collect(),
        created_at: now,
        expires_at: now + Duration::days(i64::from(program.envelope_days)),
        ended_at: None,
        end_reason: None,
        certificate_sha256: None,
    };
    let mut step = Step::new(&table.enrollment, &envelope, now);
    step.events = table.events;
    step.moved = true;
    let data = &mut step.events[0].data;
    data["documents"] = json!(envelope.documents.iter().map(|d| &d.sha256).collect::<Vec<_>>());
    data["signers"] = json!(envelope
        .signers
        .iter()
        .map(|s| json!({ "name": s.name, "email": s.email, "order": s.order }))
        .collect::<Vec<_>>());
    data["expires_at"] = json!(envelope.expires_at);
    step.invite_next(program);
    Ok(step.finish())
}

fn waiting(s: &NewSigner) -> EnvelopeSigner {
    EnvelopeSigner {
        name: s.name.clone(),
        email: s.email.clone(),
        title: s.title.clone(),
        order: s.order,
        status: SignerStatus::Waiting,
        link_nonce: s.link_nonce.clone(),
        token_sha256: s.token_sha256.clone(),
        invited_at: None,
        reminders_sent: 0,
        code: None,
        codes_requested: 0,
        signed_at: None,
        ip: None,
        user_agent: None,
        declined_reason: None,
    }
}

#[path = "signing_step.rs"]
mod step;
use step::Step;
