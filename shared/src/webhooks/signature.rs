//! The Standard Webhooks signature: `v1,` and base64 of HMAC-SHA256 over
//! `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64-decoded part of a
//! `whsec_…` secret. Several signatures travel space-separated (during a secret rotation).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

pub const SECRET_PREFIX: &str = "whsec_";
/// 32 random bytes: above the 24 the Standard Webhooks spec asks for.
const SECRET_BYTES: usize = 32;

/// A fresh `whsec_…` secret from the OS random number generator.
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("the OS random number generator works");
    format!("{SECRET_PREFIX}{}", B64.encode(bytes))
}

fn key(secret: &str) -> Option<hmac::Key> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let bytes = B64.decode(encoded).ok()?;
    Some(hmac::Key::new(hmac::HMAC_SHA256, &bytes))
}

/// The exact bytes that are signed.
pub fn signed_content(id: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut content = format!("{id}.{timestamp}.").into_bytes();
    content.extend_from_slice(body);
    content
}

/// `v1,<base64>` for one secret; `None` for a secret that is not base64.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let tag = hmac::sign(&key(secret)?, &signed_content(id, timestamp, body));
    Some(format!("v1,{}", B64.encode(tag.as_ref())))
}

/// The `webhook-signature` header for these secrets: their signatures, space-separated.
pub fn header(secrets: &[&str], id: &str, timestamp: i64, body: &[u8]) -> String {
    let signatures: Vec<String> = secrets.iter().filter_map(|s| sign(s, id, timestamp, body)).collect();
    signatures.join(" ")
}

/// Whether any `v1` signature in `header` is valid for `secret`, checked in constant time.
/// Signatures of other versions, and malformed parts, are skipped rather than trusted.
pub fn verify(secret: &str, header: &str, id: &str, timestamp: i64, body: &[u8]) -> bool {
    let Some(key) = key(secret) else {
        return false;
    };
    let content = signed_content(id, timestamp, body);
    header
        .split(' ')
        .filter_map(|part| part.strip_prefix("v1,"))
        .filter_map(|b64| B64.decode(b64).ok())
        .any(|tag| hmac::verify(&key, &content, &tag).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_any_change_breaks_it() {
        let secret = new_secret();
        let sig = sign(&secret, "msg_1", 1_700_000_000, b"{\"a\":1}").unwrap();
        assert!(sig.starts_with("v1,"));
        assert!(verify(&secret, &sig, "msg_1", 1_700_000_000, b"{\"a\":1}"));
        assert!(!verify(&secret, &sig, "msg_2", 1_700_000_000, b"{\"a\":1}"));
        assert!(!verify(&secret, &sig, "msg_1", 1_700_000_001, b"{\"a\":1}"));
        assert!(!verify(&secret, &sig, "msg_1", 1_700_000_000, b"{\"a\":2}"));
        assert!(!verify(&new_secret(), &sig, "msg_1", 1_700_000_000, b"{\"a\":1}"));
    }

    #[test]
    fn the_standard_webhooks_test_vector_matches() {
        // From the Standard Webhooks specification's reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let sig = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn during_a_rotation_either_secret_verifies_the_header() {
        let (old, new) = (new_secret(), new_secret());
        let h = header(&[&new, &old], "msg_1", 5, b"x");
        assert_eq!(h.split(' ').count(), 2);
        assert!(verify(&old, &h, "msg_1", 5, b"x") && verify(&new, &h, "msg_1", 5, b"x"));
        assert!(!verify(&old, "v2,abc v1,%%% junk", "msg_1", 5, b"x"));
    }
}
