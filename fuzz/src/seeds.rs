//! The committed seed corpus, generated here so it stays valid when the formats change:
//! `VEDTAK_WRITE_SEEDS=1 cargo test --test seeds` rewrites `fuzz/corpus/`, and without it the
//! test checks the committed files are these.

use crate::{certificate, event_chain, signing_token, webhook_signature};
use serde_json::json;

/// `(target, file name, bytes)` for every seed.
pub fn all() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut seeds = Vec::new();
    let mut add = |target: &'static str, name: &str, bytes: Vec<u8>| seeds.push((target, name.to_owned(), bytes));
    for (name, body) in command_bodies() {
        add("command_body", name, serde_json::to_vec_pretty(&body).unwrap());
    }
    for (i, header) in webhook_signature::seed_headers().into_iter().enumerate() {
        add("webhook_signature", &format!("header-{i}"), header.into_bytes());
    }
    add("webhook_signature", "body", webhook_signature::BODY.to_vec());
    for (i, token) in signing_token::issued_tokens().iter().enumerate() {
        add("signing_token", &format!("token-{i}"), token.clone().into_bytes());
    }
    add("signing_token", "code", b"042917".to_vec());
    let history = serde_json::to_value(event_chain::known_history()).unwrap();
    add("canonical_json", "history", serde_json::to_vec(&history).unwrap());
    let numbers = "[0,-0,1e21,1.5e-7,333333333.33333329,9007199254740993,-1e-300,5e-324]";
    add("canonical_json", "numbers", numbers.as_bytes().to_vec());
    let strings = r#"{"\u20ac":"\ud83d\ude00","\r":"\u0001\"\\/","1":[null,true,false,{}],"ö":""}"#;
    add("canonical_json", "strings", strings.as_bytes().to_vec());
    add("event_chain", "history", serde_json::to_vec_pretty(&history).unwrap());
    add("event_chain", "empty", b"[]".to_vec());
    let sealed = &certificate::known().certificate;
    add("certificate", "sealed", serde_json::to_vec_pretty(sealed).unwrap());
    add("certificate", "document", certificate::DOCUMENT.to_vec());
    seeds
}

/// One valid body of each kind the API takes, and an inbound message of each type.
fn command_bodies() -> Vec<(&'static str, serde_json::Value)> {
    let person = json!({"name": "Marius Jermstad", "email": "dir@holtalen.example", "title": "Kommunedirektør"});
    let meeting = json!({"body": "kommunestyre", "date": "2026-03-12", "case_number": "2026/1234"});
    let decision = json!({"body": "kommunestyre", "date": "2026-03-12", "case_number": "2026/1234",
        "members": 17, "present": 16, "votes_for": 8, "votes_against": 8, "chair_casting_vote": "for",
        "protocol_sha256": "ab".repeat(32)});
    vec![
        (
            "program",
            json!({"id": "helseplattformen", "name": "Helseplattformen",
            "counterparty": {"name": "Helseplattformen AS", "org_number": "920 104 967"},
            "option_deadline": "2026-06-30", "time_zone": "Europe/Oslo",
            "counterparty_signer": person, "envelope_days": 30}),
        ),
        (
            "enrollment",
            json!({"number": "5027", "name": "Holtålen", "contact": person, "director": person}),
        ),
        ("meeting", meeting.clone()),
        ("decision", decision.clone()),
        ("decline", json!({"reason": "Kommunestyret sa nei.\nSe protokollen."})),
        ("preferences", json!({"preferred_month": "2027-01", "end_users": 250})),
        ("golive", json!({"date": "2027-01-15", "end_users": 250})),
        (
            "agreement",
            json!({"title": "Tjenesteavtale", "document_sha256": "ab".repeat(32),
            "attachments": ["cd".repeat(32)],
            "signers": [{"name": "Marius Jermstad", "email": "dir@holtalen.example", "order": 1}]}),
        ),
        (
            "subscription",
            json!({"url": "https://hooks.example.no/vedtak", "events": ["envelope.completed"], "municipality": "5027"}),
        ),
        (
            "inbound-meeting",
            json!({"type": "meeting.scheduled", "municipality": "5027", "data": meeting}),
        ),
        (
            "inbound-decision",
            json!({"type": "decision.recorded", "municipality": "5027", "data": decision}),
        ),
        ("key", json!({"role": "municipality_admin", "municipality": "5027"})),
        ("clock", json!({"now": "2021-10-31T23:59:59+01:00"})),
        (
            "upload",
            json!({"sha256": "ab".repeat(32), "size": 1024, "content_type": "application/pdf"}),
        ),
        ("empty", json!({})),
    ]
}
