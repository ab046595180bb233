//! One signing step under construction: the next enrollment and envelope, the events and the
//! effects, built up by the rules in `signing.rs`.

use super::super::command::Command;
use super::super::decide::{decide, Decided, NewEvent};
use super::super::effect::Effect;
use super::super::envelope::*;
use super::super::error::DomainError;
use super::super::records::{Enrollment, Program};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

pub(super) struct Step {
    pub enrollment: Enrollment,
    pub env: Envelope,
    pub events: Vec<NewEvent>,
    pub effects: Vec<Effect>,
    pub now: DateTime<Utc>,
    /// Whether `decide` already moved the enrollment (and counted the version).
    pub moved: bool,
}

impl Step {
    pub fn new(current: &Enrollment, envelope: &Envelope, now: DateTime<Utc>) -> Step {
        Step {
            enrollment: current.clone(),
            env: envelope.clone(),
            events: vec![],
            effects: vec![],
            now,
            moved: false,
        }
    }

    pub fn event(&mut self, event_type: &'static str, mut data: Value) {
        data["envelope_id"] = json!(self.env.id);
        self.events.push(NewEvent { event_type, data });
    }

    /// The signer at `index`, if it is their turn (invited, not yet signed or declined).
    pub fn turn(&self, index: usize) -> Result<usize, DomainError> {
        let s = self.env.signers.get(index).ok_or(DomainError::Invalid {
            field: "signer",
            reason: format!("no signer {index} in this envelope"),
        })?;
        match s.status {
            SignerStatus::Invited => Ok(index),
            SignerStatus::Waiting => Err(DomainError::NotYourTurn),
            SignerStatus::Signed => Err(DomainError::AlreadySigned),
            SignerStatus::Declined => Err(DomainError::EnvelopeClosed { status: "declined" }),
        }
    }

    pub fn request_code(&mut self, signer: usize, nonce: &str) -> Result<(), DomainError> {
        let s = self.turn(signer)?;
        let now = self.now;
        let current = &self.env.signers[s];
        if current.codes_requested >= CODE_MAX_REQUESTS {
            return Err(DomainError::TooManyCodes);
        }
        if let Some(code) = &current.code {
            let ready = code.issued_at + Duration::seconds(CODE_MIN_INTERVAL_SECONDS);
            if now < ready {
                return Err(DomainError::CodeTooSoon { ready_at: ready });
            }
        }
        let code = OneTimeCode {
            nonce: nonce.to_owned(),
            issued_at: now,
            expires_at: now + Duration::minutes(CODE_LIFETIME_MINUTES),
            wrong_tries: 0,
        };
        let signer_ref = &mut self.env.signers[s];
        signer_ref.codes_requested += 1;
        signer_ref.code = Some(code.clone());
        let (name, email) = (signer_ref.name.to_string(), signer_ref.email.to_string());
        self.event(
            "signing.code_requested",
            json!({ "signer": s, "expires_at": code.expires_at }),
        );
        self.effects.push(Effect::SigningCode {
            envelope_id: self.env.id.clone(),
            signer: s,
            to_name: name,
            to_email: email,
            nonce: code.nonce,
            title: self.env.title.to_string(),
            expires_at: code.expires_at,
        });
        Ok(())
    }

    pub fn sign(
        &mut self,
        program: &Program,
        signer: usize,
        code_matches: bool,
        ip: &str,
        user_agent: &str,
    ) -> Result<(), DomainError> {
        let s = self.turn(signer)?;
        let now = self.now;
        let code = match &self.env.signers[s].code {
            None => {
                return Err(DomainError::NoLiveCode {
                    reason: "no code has been sent yet",
                })
            }
            Some(c) if c.wrong_tries >= CODE_MAX_TRIES => {
                return Err(DomainError::NoLiveCode {
                    reason: "the code was entered wrongly too many times",
                })
            }
            Some(c) if now >= c.expires_at => {
                return Err(DomainError::NoLiveCode {
                    reason: "the code has expired",
                })
            }
            Some(c) => c.clone(),
        };
        if !code_matches {
            let tries = code.wrong_tries + 1;
            self.env.signers[s].code = Some(OneTimeCode {
                wrong_tries: tries,
                ..code
            });
            self.event(
                "signing.code_failed",
                json!({ "signer": s, "tries_left": CODE_MAX_TRIES - tries }),
            );
            return Ok(());
        }
        let entry = &mut self.env.signers[s];
        entry.status = SignerStatus::Signed;
        entry.signed_at = Some(now);
        entry.ip = Some(ip.to_owned());
        entry.user_agent = Some(user_agent.to_owned());
        entry.code = None;
        let data = json!({
            "signer": s, "name": entry.name, "email": entry.email, "order": entry.order,
            "signed_at": now, "ip": ip, "user_agent": user_agent, "verified_by": "email_code",
            "code_issued_at": code.issued_at,
        });
        self.event("signing.signed", data);
        if self.env.all_signed() {
            self.env.status = EnvelopeStatus::Completed;
            self.env.ended_at = Some(now);
            let command = Command::AgreementCompleted {
                envelope_id: self.env.id.clone(),
            };
            self.table(program, &command)?;
            for i in 0..self.env.signers.len() {
                let s = &self.env.signers[i];
                self.effects.push(Effect::EnvelopeCompleted {
                    envelope_id: self.env.id.clone(),
                    to_name: s.name.to_string(),
                    to_email: s.email.to_string(),
                    title: self.env.title.to_string(),
                });
            }
        } else {
            self.invite_next(program);
        }
        Ok(())
    }

    /// Sends links to the signers of the current order who have not had one yet.
    pub fn invite_next(&mut self, program: &Program) {
        let Some(order) = self.env.current_order() else { return };
        let enrollment = self.enrollment.clone();
        for i in 0..self.env.signers.len() {
            let s = &mut self.env.signers[i];
            if s.order == order && s.status == SignerStatus::Waiting {
                s.status = SignerStatus::Invited;
                s.invited_at = Some(self.now);
                let data = json!({ "signer": i, "name": s.name, "email": s.email, "order": order });
                self.event("signing.invited", data);
                self.link(program, &enrollment, i, false);
            }
        }
    }

    pub fn link(&mut self, program: &Program, enrollment: &Enrollment, signer: usize, reminder: bool) {
        let s = &self.env.signers[signer];
        self.effects.push(Effect::SigningLink {
            envelope_id: self.env.id.clone(),
            signer,
            to_name: s.name.to_string(),
            to_email: s.email.to_string(),
            link_nonce: s.link_nonce.clone(),
            documents: self.env.documents.iter().map(|d| d.sha256.clone()).collect(),
            title: self.env.title.to_string(),
            program_name: program.name.to_string(),
            counterparty: program.counterparty.name.to_string(),
            municipality: enrollment.name.to_string(),
            expires_at: self.env.expires_at,
            reminder,
        });
    }

    /// Ends the envelope unsigned; the enrollment goes back to `option_exercised`.
    pub fn end(&mut self, program: &Program, status: EnvelopeStatus, reason: String) -> Result<(), DomainError> {
        self.env.status = status;
        self.env.ended_at = Some(self.now);
        self.env.end_reason = Some(reason.clone());
        let command = Command::AgreementWithdrawn {
            envelope_id: self.env.id.clone(),
            reason,
        };
        self.table(program, &command)
    }

    /// Moves the enrollment through the transition table.
    fn table(&mut self, program: &Program, command: &Command) -> Result<(), DomainError> {
        let moved = decide(program, &self.enrollment, command, self.now)?;
        self.enrollment = moved.enrollment;
        self.events.extend(moved.events);
        self.effects.extend(moved.effects);
        self.moved = true;
        Ok(())
    }

    pub fn finish(mut self) -> Decided {
        if !self.moved {
            self.enrollment.version += 1;
            self.enrollment.updated_at = self.now;
        }
        Decided {
            enrollment: self.enrollment,
            events: self.events,
            effects: self.effects,
            envelope: Some(self.env),
        }
    }
}
