//! Envelope commands through the same loop as every other command. What a command needs from
//! the secrets (a fresh link per signer, whether an entered code is right) is worked out by a
//! `prepare` step against the envelope exactly as loaded in that attempt, then the pure
//! `decide_envelope` rules decide.

use super::{Answer, Engine, Idempotency, Meta, ServiceError};
use crate::domain::{
    decide_envelope, DomainError, Enrollment, Envelope, EnvelopeCommand, EnvelopeDocument, EnvelopeStatus,
    MunicipalityNumber, NewEnvelope, NewSigner, Program, ProgramId, Sha256Hex, SignerStatus, Text,
};
use crate::signing::keys::Keys;
use crate::signing::links::{self, constant_time_eq, token_sha256};
use std::sync::Arc;

/// Who runs an envelope command on which enrollment.
#[derive(Debug, Clone)]
pub struct EnvelopeRequest {
    pub program: ProgramId,
    pub number: MunicipalityNumber,
    pub actor: String,
    pub if_match: Option<u64>,
    pub idempotency: Option<Idempotency>,
}

/// A signer as the `agreement` command names them.
#[derive(Debug, Clone)]
pub struct SignerSpec {
    pub name: Text,
    pub email: crate::domain::Email,
    pub title: Option<Text>,
    pub order: u32,
}

/// What a presented link leads to.
#[derive(Debug, Clone)]
pub struct Located {
    pub envelope: Envelope,
    pub signer: usize,
}

#[derive(Debug, Clone)]
pub enum LinkCheck {
    /// No envelope, or no signer of it, has this token.
    Unknown,
    /// The link is the signer's, and it is their turn.
    Usable(Located),
    /// The link is the signer's, but it cannot be used now; the envelope and signer say why.
    Refused(Located),
}

impl Engine {
    pub async fn signing_keys(&self) -> Result<Arc<Keys>, ServiceError> {
        let signing = self
            .signing
            .as_ref()
            .ok_or_else(|| ServiceError::Signing("signing is not configured".into()))?;
        signing.keys.keys().await.map_err(|e| {
            tracing::error!(error = %e, "signing keys unavailable");
            ServiceError::Signing("keys".into())
        })
    }

    /// Runs an envelope command built by `prepare` from the state as loaded.
    pub async fn execute_envelope<P>(
        &self,
        req: &EnvelopeRequest,
        prepare: P,
    ) -> Result<(Answer, Option<Envelope>), ServiceError>
    where
        P: Fn(&Program, &Enrollment, Option<&Envelope>) -> Result<EnvelopeCommand, ServiceError>,
    {
        let meta = Meta {
            program: &req.program,
            number: &req.number,
            actor: &req.actor,
            if_match: req.if_match,
            idempotency: req.idempotency.as_ref(),
            occurred_at: None,
        };
        self.run(&meta, true, |program, current, envelope, now| {
            let command = prepare(program, current, envelope)?;
            Ok(decide_envelope(program, current, envelope, &command, now)?)
        })
        .await
    }

    /// The `agreement` command: opens an envelope with a link for every signer (sent when
    /// their turn comes). Signers default to the director, then the counterparty's signer.
    pub async fn open_agreement(
        &self,
        req: &EnvelopeRequest,
        title: Text,
        documents: &[Sha256Hex],
        signers: Option<Vec<SignerSpec>>,
    ) -> Result<(Answer, Option<Envelope>), ServiceError> {
        let keys = self.signing_keys().await?;
        let stored = self.envelope_documents(&req.program, documents).await?;
        self.execute_envelope(req, |program, current, _| {
            let signers = signers.clone().unwrap_or_else(|| default_signers(program, current));
            let id = links::envelope_id();
            let hashes: Vec<Sha256Hex> = stored.iter().map(|d| d.sha256.clone()).collect();
            let signers = signers
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    let link_nonce = links::nonce();
                    let token = keys.link.token(&id, i, s.email.as_str(), &hashes, &link_nonce);
                    NewSigner {
                        name: s.name,
                        email: s.email,
                        title: s.title,
                        order: s.order,
                        link_nonce,
                        token_sha256: token_sha256(&token),
                    }
                })
                .collect();
            Ok(EnvelopeCommand::Open(NewEnvelope {
                id,
                title: title.clone(),
                documents: stored.clone(),
                signers,
            }))
        })
        .await
    }

    /// The documents' descriptions, for documents the program's keys uploaded: another program's
    /// document is refused as unknown, or an agreement would hand it out through signing links.
    async fn envelope_documents(
        &self,
        program: &ProgramId,
        documents: &[Sha256Hex],
    ) -> Result<Vec<EnvelopeDocument>, ServiceError> {
        let store = &self
            .signing
            .as_ref()
            .ok_or_else(|| ServiceError::Signing("signing is not configured".into()))?
            .documents;
        let mut found = Vec::with_capacity(documents.len());
        for sha in documents {
            let meta = store.meta(sha).await.map_err(|e| {
                tracing::error!(error = %e, "document store unavailable");
                ServiceError::Signing("documents".into())
            })?;
            let granted = self.store.document_grant(sha, program).await?.is_some();
            let meta = meta.filter(|_| granted).ok_or_else(|| DomainError::Invalid {
                field: "document_sha256",
                reason: format!("no document with SHA-256 {sha} has been uploaded"),
            })?;
            found.push(EnvelopeDocument {
                sha256: meta.sha256,
                size: meta.size,
                content_type: meta.content_type,
            });
        }
        Ok(found)
    }

    /// Finds the envelope and signer a presented link belongs to, and whether it can be used.
    pub async fn check_link(&self, token: &str) -> Result<LinkCheck, ServiceError> {
        let Some(id) = links::envelope_of(token) else {
            return Ok(LinkCheck::Unknown);
        };
        let Some(envelope) = self.store.envelope(id).await? else {
            return Ok(LinkCheck::Unknown);
        };
        let Some(signer) = signer_of(&envelope, token) else {
            return Ok(LinkCheck::Unknown);
        };
        let usable = envelope.status == EnvelopeStatus::Sent
            && self.now() < envelope.expires_at
            && envelope.signers[signer].status == SignerStatus::Invited;
        let located = Located { envelope, signer };
        Ok(if usable {
            LinkCheck::Usable(located)
        } else {
            LinkCheck::Refused(located)
        })
    }

    /// A command that names the envelope it means (void, expiry, a reminder): refused when that
    /// envelope is no longer the enrollment's current one.
    pub async fn on_envelope(
        &self,
        req: &EnvelopeRequest,
        envelope_id: &str,
        command: EnvelopeCommand,
    ) -> Result<(Answer, Option<Envelope>), ServiceError> {
        self.execute_envelope(req, |_, _, envelope| match envelope {
            Some(e) if e.id == envelope_id => Ok(command.clone()),
            _ => Err(DomainError::NotCurrentEnvelope {
                envelope_id: envelope_id.to_owned(),
            }
            .into()),
        })
        .await
    }

    /// A link's signer acts: asks for a code, signs or declines.
    pub async fn signer_acts(
        &self,
        token: &str,
        at: &Located,
        act: SignerAct,
    ) -> Result<(Answer, Option<Envelope>), ServiceError> {
        let keys = self.signing_keys().await?;
        let req = EnvelopeRequest {
            program: at.envelope.program.clone(),
            number: at.envelope.number.clone(),
            actor: format!("signer:{}", at.envelope.signers[at.signer].email),
            if_match: None,
            idempotency: None,
        };
        self.execute_envelope(&req, |_, _, envelope| {
            // The same link must still name a signer of the envelope as loaded now.
            let envelope = envelope
                .filter(|e| e.id == at.envelope.id)
                .ok_or(DomainError::EnvelopeClosed { status: "withdrawn" })?;
            let signer = signer_of(envelope, token).ok_or(DomainError::EnvelopeClosed { status: "withdrawn" })?;
            Ok(match &act {
                SignerAct::RequestCode => EnvelopeCommand::RequestCode {
                    signer,
                    nonce: links::nonce(),
                },
                SignerAct::Sign { code, ip, user_agent } => EnvelopeCommand::Sign {
                    signer,
                    code_matches: code_matches(&keys, envelope, signer, code),
                    ip: ip.clone(),
                    user_agent: user_agent.clone(),
                },
                SignerAct::Decline { reason } => EnvelopeCommand::Decline {
                    signer,
                    reason: reason.clone(),
                },
            })
        })
        .await
    }
}

/// What a signer can do with their link.
#[derive(Debug, Clone)]
pub enum SignerAct {
    RequestCode,
    Sign {
        code: String,
        ip: String,
        user_agent: String,
    },
    Decline {
        reason: Text,
    },
}

fn default_signers(program: &Program, current: &Enrollment) -> Vec<SignerSpec> {
    let spec = |s: &crate::domain::Signer, order| SignerSpec {
        name: s.name.clone(),
        email: s.email.clone(),
        title: Some(s.title.clone()),
        order,
    };
    vec![spec(&current.director, 1), spec(&program.counterparty_signer, 2)]
}

/// The signer whose stored token hash matches, compared in constant time against each.
fn signer_of(envelope: &Envelope, token: &str) -> Option<usize> {
    let presented = token_sha256(token);
    let mut found = None;
    for (i, s) in envelope.signers.iter().enumerate() {
        if constant_time_eq(&presented, &s.token_sha256) {
            found = Some(i);
        }
    }
    found
}

/// Whether `entered` is the signer's live code. A dead or missing code matches nothing; the
/// rules then say why.
fn code_matches(keys: &Keys, envelope: &Envelope, signer: usize, entered: &str) -> bool {
    match &envelope.signers[signer].code {
        Some(code) => constant_time_eq(&keys.link.code(&envelope.id, signer, &code.nonce), entered),
        None => false,
    }
}
