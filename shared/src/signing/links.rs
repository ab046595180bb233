//! Signing links and one-time codes, derived with a secret link key.
//!
//! A link's token is `{envelope_id}.{mac}`, where `mac` is HMAC-SHA256 under the link key over
//! the envelope, the signer (index and e-mail), the document hashes and a random nonce of 128
//! bits from the OS. The store keeps the nonce and the token's SHA-256; the outbox keeps only the
//! nonce. Neither can produce a working link without the key, which lives in configuration.
//! A one-time code is derived the same way from its own nonce, so it is never stored at all.

use crate::domain::Sha256Hex;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine as _;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

/// The secret from which links and codes are derived.
pub struct LinkKey(hmac::Key);

impl LinkKey {
    pub fn from_bytes(bytes: &[u8]) -> LinkKey {
        LinkKey(hmac::Key::new(hmac::HMAC_SHA256, bytes))
    }

    /// A fresh key: 32 bytes from the OS random number generator.
    pub fn generate() -> (LinkKey, Vec<u8>) {
        let bytes = random_bytes::<32>().to_vec();
        (LinkKey::from_bytes(&bytes), bytes)
    }

    fn mac(&self, parts: &[&str]) -> hmac::Tag {
        hmac::sign(&self.0, parts.join("\n").as_bytes())
    }

    /// The token of one signer's link; see the module documentation for what it binds.
    pub fn token(&self, envelope_id: &str, signer: usize, email: &str, documents: &[Sha256Hex], nonce: &str) -> String {
        let docs: Vec<&str> = documents.iter().map(|d| d.as_str()).collect();
        let tag = self.mac(&[
            "vedtak-link-v1",
            envelope_id,
            &signer.to_string(),
            &email.to_ascii_lowercase(),
            &docs.join(","),
            nonce,
        ]);
        format!("{envelope_id}.{}", B64URL.encode(tag.as_ref()))
    }

    /// The six-digit one-time code for `nonce`.
    pub fn code(&self, envelope_id: &str, signer: usize, nonce: &str) -> String {
        let tag = self.mac(&["vedtak-code-v1", envelope_id, &signer.to_string(), nonce]);
        let mut first = [0u8; 8];
        first.copy_from_slice(&tag.as_ref()[..8]);
        // 2^64 is so much larger than 10^6 that the modulo's bias is below 10^-13.
        format!("{:06}", u64::from_be_bytes(first) % 1_000_000)
    }
}

/// A fresh nonce: 128 bits from the OS random number generator, as hex.
pub fn nonce() -> String {
    hex::encode(random_bytes::<16>())
}

/// A fresh envelope id: `env_` and 96 random bits.
pub fn envelope_id() -> String {
    format!("env_{}", hex::encode(random_bytes::<12>()))
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("the OS random number generator works");
    bytes
}

/// SHA-256 of a token, as stored and compared.
pub fn token_sha256(token: &str) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, token.as_bytes()))
}

/// The envelope id a token names, if the token is well-formed at all. Only a well-formed
/// token is looked up, so junk in a URL costs no store read.
pub fn envelope_of(token: &str) -> Option<&str> {
    let (id, mac) = token.split_once('.')?;
    let id_ok = id.len() == 28 && id.starts_with("env_") && id[4..].bytes().all(|b| b.is_ascii_hexdigit());
    let mac_ok = mac.len() == 43 && mac.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (id_ok && mac_ok).then_some(id)
}

/// Equality that takes the same time wherever the inputs differ, so response times reveal
/// nothing about how much of a guess was right.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    // The length is not secret (codes and token hashes have a fixed one).
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
#[path = "links_tests.rs"]
mod tests;
