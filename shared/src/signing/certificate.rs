//! The certificate of a completed envelope: the facts that make a signature provable, sealed
//! with the sealing key. Built from the envelope and the enrollment as they are committed, so
//! `chain_head` is the hash of the last event of the very command that completed the envelope.

use super::seal::SealingKey;
use crate::domain::{Enrollment, Envelope, Program};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

pub const FORMAT: &str = "vedtak.certificate.v1";

/// The unsealed certificate.
pub fn build(program: &Program, enrollment: &Enrollment, envelope: &Envelope, sealed_at: DateTime<Utc>) -> Value {
    let signers: Vec<Value> = envelope
        .signers
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "email": s.email,
                "title": s.title,
                "order": s.order,
                "signed_at": s.signed_at,
                "ip": s.ip,
                "user_agent": s.user_agent,
                "verified_by": "email_code",
                "code_verified": s.signed_at.is_some(),
            })
        })
        .collect();
    json!({
        "format": FORMAT,
        "envelope_id": envelope.id,
        "title": envelope.title,
        "document_sha256": envelope.document_sha256(),
        "documents": envelope.documents,
        "program": { "id": program.id, "name": program.name },
        "counterparty": program.counterparty,
        "municipality": { "number": enrollment.number, "name": enrollment.name },
        "signers": signers,
        "sent_at": envelope.created_at,
        "completed_at": envelope.ended_at,
        "chain_head": { "seq": enrollment.last_seq, "hash": enrollment.head_hash },
        "sealed_at": sealed_at,
    })
}

/// The sealed certificate, as stored: pretty JSON for people; the seal covers its canonical form.
pub fn seal(key: &SealingKey, certificate: Value) -> Vec<u8> {
    let sealed = key.seal(certificate);
    let mut bytes = serde_json::to_vec_pretty(&sealed).expect("certificates serialize");
    bytes.push(b'\n');
    bytes
}
