//! Signing links as they arrive in a URL. A token that parses is exactly an envelope id, a dot
//! and the MAC; the link check (envelope id, then the token's SHA-256 against each signer's,
//! in constant time) accepts exactly the tokens that were issued, and a one-time code check
//! exactly the live code. Tokens minted from parts of the input always parse back.

use std::sync::OnceLock;
use vedtak::domain::Sha256Hex;
use vedtak::signing::links::{constant_time_eq, envelope_of, token_sha256, LinkKey};

const ENVELOPE: &str = "env_0123456789abcdef01234567";
const NONCES: [&str; 2] = ["5f1e0c7a9b3d42e68a1c0f2b7d9e4a63", "0d9c8b7a6f5e4d3c2b1a09f8e7d6c5b4"];
const EMAILS: [&str; 2] = ["dir@holtalen.example", "ceo@hp.example"];

pub fn check(data: &[u8]) {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(id) = envelope_of(token) {
        let mac = &token[id.len() + 1..];
        assert_eq!(format!("{id}.{mac}"), token, "a parsed token does not re-form");
        assert!(
            id.len() == 28 && mac.len() == 43,
            "{token:?} parsed with the wrong shape"
        );
    }
    let issued = issued_tokens();
    let accepted = envelope_of(token) == Some(ENVELOPE)
        && issued
            .iter()
            .any(|t| constant_time_eq(&token_sha256(token), &token_sha256(t)));
    assert_eq!(
        accepted,
        issued.iter().any(|t| t == token),
        "link check disagrees for {token:?}"
    );

    let live_code = key().code(ENVELOPE, 0, NONCES[0]);
    assert_eq!(constant_time_eq(&live_code, token), live_code == token);

    // Any envelope id the product could issue, with any signer details, mints a token that parses.
    let envelope = format!("env_{:0>24}", hex_of(&data[..data.len().min(12)]));
    let minted = key().token(&envelope, data.len(), token, &[], token);
    assert_eq!(
        envelope_of(&minted),
        Some(envelope.as_str()),
        "a minted token does not parse"
    );
}

fn key() -> &'static LinkKey {
    static KEY: OnceLock<LinkKey> = OnceLock::new();
    KEY.get_or_init(|| LinkKey::from_bytes(&[42; 32]))
}

/// The links of a two-signer envelope; they are the seeds of this target.
pub fn issued_tokens() -> &'static [String] {
    static TOKENS: OnceLock<Vec<String>> = OnceLock::new();
    TOKENS.get_or_init(|| {
        let documents = [Sha256Hex::of(b"the agreement")];
        (0..2)
            .map(|signer| key().token(ENVELOPE, signer, EMAILS[signer], &documents, NONCES[signer]))
            .collect()
    })
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
