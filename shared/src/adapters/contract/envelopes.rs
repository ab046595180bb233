//! Contract checks for envelopes: written with their enrollment's commit or not at all, read
//! back by id, and found by the sweep when a reminder or the expiry is due.

use super::fixtures::*;
use super::{conflict, ok};
use crate::domain::{
    Email, Envelope, EnvelopeDocument, EnvelopeSigner, EnvelopeStatus, Sha256Hex, SignerStatus, State, Text,
};
use crate::ports::{Commit, Store};
use chrono::Duration;

fn envelope(id: &str, program: &str, number: &str) -> Envelope {
    Envelope {
        id: id.to_owned(),
        program: pid(program),
        number: num(number),
        title: Text::parse("Tjenesteavtale").unwrap(),
        documents: vec![EnvelopeDocument {
            sha256: Sha256Hex::of(b"agreement"),
            size: 9,
            content_type: "application/pdf".into(),
        }],
        status: EnvelopeStatus::Sent,
        signers: vec![EnvelopeSigner {
            name: Text::parse("Direktør").unwrap(),
            email: Email::parse("dir@k.example").unwrap(),
            title: None,
            order: 1,
            status: SignerStatus::Invited,
            link_nonce: "00".repeat(16),
            token_sha256: "ab".repeat(32),
            invited_at: Some(t0()),
            reminders_sent: 0,
            code: None,
            codes_requested: 0,
            signed_at: None,
            ip: None,
            user_agent: None,
            declined_reason: None,
        }],
        created_at: t0(),
        expires_at: t0() + Duration::days(30),
        ended_at: None,
        end_reason: None,
        certificate_sha256: None,
    }
}

/// A commit that leaves the enrollment waiting for signatures in `env`.
fn with_envelope(mut c: Commit, env: &Envelope) -> Commit {
    c.enrollment.state = State::AgreementSent;
    c.enrollment.envelope_id = Some(env.id.clone());
    c.envelope = Some(env.clone());
    c
}

pub async fn envelopes_ride_on_commits(store: &dyn Store) {
    let (p, n, id) = ("ct-envelope", "5027", "env_ct0000000000000000000001");
    ok(store.create_program(&program(p)).await, "create_program");
    let env = envelope(id, p, n);
    let v1 = with_envelope(next_commit(p, n, None, 1), &env);
    ok(store.commit(v1.clone()).await, "commit with an envelope");
    assert_eq!(
        ok(store.envelope(id).await, "envelope"),
        Some(env.clone()),
        "the envelope reads back"
    );
    assert_eq!(
        ok(store.envelope("env_missing").await, "envelope"),
        None,
        "an unknown id is None"
    );

    // A lost race carries a changed envelope: neither is written.
    let mut changed = env.clone();
    changed.status = EnvelopeStatus::Voided;
    let stale = with_envelope(next_commit(p, n, None, 1), &changed);
    conflict(store.commit(stale).await, "a stale commit with an envelope");
    assert_eq!(
        ok(store.envelope(id).await, "envelope"),
        Some(env.clone()),
        "a refused commit leaves the envelope"
    );

    let before_reminder = t0() + Duration::days(2);
    let reminder_due = t0() + Duration::days(3);
    let due = |list: Vec<Envelope>| list.iter().any(|e| e.id == id);
    assert!(
        !due(ok(store.envelopes_due(before_reminder).await, "due")),
        "nothing due yet"
    );
    assert!(
        due(ok(store.envelopes_due(reminder_due).await, "due")),
        "the first reminder is due"
    );

    let v2 = with_envelope(next_commit(p, n, Some(&v1.enrollment), 1), &changed);
    ok(store.commit(v2).await, "commit closing the envelope");
    assert_eq!(ok(store.envelope(id).await, "envelope"), Some(changed));
    let far = t0() + Duration::days(60);
    assert!(
        !due(ok(store.envelopes_due(far).await, "due")),
        "a closed envelope is never due"
    );
}
