//! The rules of signing, as pure functions: turns, codes, completion, decline, expiry, reminders.

use super::*;
use crate::domain::envelope::{Due, CODE_MAX_TRIES};
use serde_json::json;

const NOW: &str = "2021-11-01T10:00:00+01:00";

fn signer(name: &str, mail: &str, order: u32) -> NewSigner {
    NewSigner {
        name: text(name),
        email: email(mail),
        title: None,
        order,
        link_nonce: format!("nonce-{mail}"),
        token_sha256: format!("hash-{mail}"),
    }
}

fn open_with(signers: Vec<NewSigner>) -> (Program, Decided) {
    let program = oslo_program();
    let current = enrollment_in(&program, State::OptionExercised);
    let new = NewEnvelope {
        id: "env_1".into(),
        title: text("Tjenesteavtale"),
        documents: vec![EnvelopeDocument {
            sha256: Sha256Hex::of(b"pdf"),
            size: 3,
            content_type: "application/pdf".into(),
        }],
        signers,
    };
    let d = decide_envelope(&program, &current, None, &EnvelopeCommand::Open(new), utc(NOW)).unwrap();
    (program, d)
}

fn director_then_ceo() -> (Program, Decided) {
    open_with(vec![
        signer("Direktør", "dir@k.example", 1),
        signer("CEO", "ceo@hp.example", 2),
    ])
}

/// Runs `command` on the state `d` left, at `at`.
fn then(program: &Program, d: &Decided, command: EnvelopeCommand, at: &str) -> Result<Decided, DomainError> {
    decide_envelope(program, &d.enrollment, d.envelope.as_ref(), &command, utc(at))
}

fn sign(signer: usize, right: bool) -> EnvelopeCommand {
    EnvelopeCommand::Sign {
        signer,
        code_matches: right,
        ip: "192.0.2.1".into(),
        user_agent: "test".into(),
    }
}

fn code(signer: usize) -> EnvelopeCommand {
    EnvelopeCommand::RequestCode {
        signer,
        nonce: format!("code-{signer}"),
    }
}

fn links(d: &Decided) -> Vec<usize> {
    d.effects
        .iter()
        .filter_map(|e| match e {
            Effect::SigningLink { signer, .. } => Some(*signer),
            _ => None,
        })
        .collect()
}

#[test]
fn opening_sends_a_link_only_to_the_first_in_order() {
    let (_, d) = director_then_ceo();
    assert_eq!(d.enrollment.state, State::AgreementSent);
    assert_eq!(d.enrollment.envelope_id.as_deref(), Some("env_1"));
    let env = d.envelope.as_ref().unwrap();
    assert_eq!(env.signers[0].status, SignerStatus::Invited);
    assert_eq!(env.signers[1].status, SignerStatus::Waiting);
    assert_eq!(links(&d), [0]);
    assert_eq!(d.events[0].event_type, "agreement.sent");
    assert_eq!(d.events[0].data["to"], json!("agreement_sent"));
}

#[test]
fn signers_who_share_an_order_are_invited_together() {
    let (_, d) = open_with(vec![
        signer("A", "a@k.example", 1),
        signer("B", "b@k.example", 1),
        signer("C", "c@k.example", 2),
    ]);
    assert_eq!(links(&d), [0, 1]);
}

#[test]
fn an_envelope_needs_signers_with_their_own_addresses() {
    let program = oslo_program();
    let current = enrollment_in(&program, State::OptionExercised);
    let twice = NewEnvelope {
        id: "env_2".into(),
        title: text("T"),
        documents: vec![EnvelopeDocument {
            sha256: Sha256Hex::of(b"x"),
            size: 1,
            content_type: "application/pdf".into(),
        }],
        signers: vec![signer("A", "a@k.example", 1), signer("A again", "A@k.example", 2)],
    };
    let err = decide_envelope(&program, &current, None, &EnvelopeCommand::Open(twice), utc(NOW)).unwrap_err();
    assert!(err.is_invalid_input(), "{err:?}");
}

#[test]
fn signing_needs_a_live_code_and_five_wrong_tries_kill_it() {
    let (program, d) = director_then_ceo();
    assert!(matches!(
        then(&program, &d, sign(0, true), NOW),
        Err(DomainError::NoLiveCode { .. })
    ));
    let mut d = then(&program, &d, code(0), NOW).unwrap();
    for i in 1..=CODE_MAX_TRIES {
        let version = d.enrollment.version;
        d = then(&program, &d, sign(0, false), NOW).unwrap();
        assert_eq!(d.events[0].event_type, "signing.code_failed", "try {i} is recorded");
        assert_eq!(d.enrollment.version, version + 1);
        assert_eq!(d.envelope.as_ref().unwrap().signers[0].status, SignerStatus::Invited);
    }
    assert!(matches!(
        then(&program, &d, sign(0, true), NOW),
        Err(DomainError::NoLiveCode { .. })
    ));
}

#[test]
fn a_code_expires_after_ten_minutes() {
    let (program, d) = director_then_ceo();
    let d = then(&program, &d, code(0), NOW).unwrap();
    let late = "2021-11-01T10:10:00+01:00";
    assert!(matches!(
        then(&program, &d, sign(0, true), late),
        Err(DomainError::NoLiveCode { .. })
    ));
    assert!(then(&program, &d, sign(0, true), "2021-11-01T10:09:59+01:00").is_ok());
}

#[test]
fn codes_cannot_be_asked_for_in_a_flood() {
    let (program, d) = director_then_ceo();
    let d = then(&program, &d, code(0), NOW).unwrap();
    assert!(matches!(
        then(&program, &d, code(0), NOW),
        Err(DomainError::CodeTooSoon { .. })
    ));
    let mut d = then(&program, &d, code(0), "2021-11-01T10:00:30+01:00").unwrap();
    let mut minute = 1;
    while then(&program, &d, code(0), &format!("2021-11-01T10:{minute:02}:00+01:00")).is_ok() {
        d = then(&program, &d, code(0), &format!("2021-11-01T10:{minute:02}:00+01:00")).unwrap();
        minute += 1;
    }
    let refused = then(&program, &d, code(0), &format!("2021-11-01T10:{minute:02}:00+01:00"));
    assert!(matches!(refused, Err(DomainError::TooManyCodes)), "{refused:?}");
}

#[test]
fn the_last_signature_completes_the_envelope_and_signs_the_agreement() {
    let (program, d) = director_then_ceo();
    assert!(matches!(
        then(&program, &d, code(1), NOW),
        Err(DomainError::NotYourTurn)
    ));
    let d = then(&program, &d, code(0), NOW).unwrap();
    let d = then(&program, &d, sign(0, true), NOW).unwrap();
    assert_eq!(links(&d), [1], "the CEO's turn comes");
    assert!(matches!(
        then(&program, &d, sign(0, true), NOW),
        Err(DomainError::AlreadySigned)
    ));
    let d = then(&program, &d, code(1), NOW).unwrap();
    let done = then(&program, &d, sign(1, true), NOW).unwrap();
    let env = done.envelope.as_ref().unwrap();
    assert_eq!(env.status, EnvelopeStatus::Completed);
    assert_eq!(done.enrollment.state, State::AgreementSigned);
    assert_eq!(
        done.enrollment.version,
        d.enrollment.version + 1,
        "one command, one version"
    );
    let types: Vec<&str> = done.events.iter().map(|e| e.event_type).collect();
    assert_eq!(types, ["signing.signed", "agreement.signed"]);
    assert_eq!(env.signers[1].ip.as_deref(), Some("192.0.2.1"));
}

#[test]
fn a_decline_ends_the_envelope_and_reopens_the_agreement() {
    let (program, d) = director_then_ceo();
    let reason = EnvelopeCommand::Decline {
        signer: 0,
        reason: text("Feil pris"),
    };
    let d = then(&program, &d, reason, NOW).unwrap();
    assert_eq!(d.envelope.as_ref().unwrap().status, EnvelopeStatus::Declined);
    assert_eq!(d.enrollment.state, State::OptionExercised);
    assert_eq!(d.enrollment.envelope_id, None);
    assert!(matches!(
        then(&program, &d, code(0), NOW),
        Err(DomainError::NotCurrentEnvelope { .. })
    ));
}

#[test]
fn an_envelope_expires_only_when_its_time_is_up_and_reminds_before() {
    let (program, d) = director_then_ceo();
    let env = d.envelope.clone().unwrap();
    assert!(matches!(
        then(&program, &d, EnvelopeCommand::Expire, NOW),
        Err(DomainError::NotDue { .. })
    ));
    assert_eq!(env.due(utc(NOW)), []);
    assert_eq!(env.due(utc("2021-11-04T10:00:00+01:00")), [Due::Remind { signer: 0 }]);
    let reminded = then(
        &program,
        &d,
        EnvelopeCommand::Remind { signer: 0 },
        "2021-11-04T10:00:00+01:00",
    )
    .unwrap();
    assert_eq!(links(&reminded), [0]);
    let again = reminded.envelope.as_ref().unwrap();
    assert_eq!(again.due(utc("2021-11-04T10:00:01+01:00")), [], "each reminder once");
    assert_eq!(again.next_reminder_at(0), Some(utc("2021-11-07T10:00:00+01:00")));
    let expiry = "2021-12-01T10:00:00+01:00";
    assert_eq!(again.due(utc(expiry)), [Due::Expire], "expiry wins over reminders");
    let expired = then(&program, &reminded, EnvelopeCommand::Expire, expiry).unwrap();
    assert_eq!(expired.envelope.as_ref().unwrap().status, EnvelopeStatus::Expired);
    assert_eq!(expired.enrollment.state, State::OptionExercised);
    assert_eq!(expired.envelope.as_ref().unwrap().next_due_at(), None);
}
