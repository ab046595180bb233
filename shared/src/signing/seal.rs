//! Sealing and verifying certificates. A certificate is a JSON object; its seal is an Ed25519
//! signature over its canonical form (RFC 8785, `crate::canonical`) without `signature`, made
//! with the key named by its `key_id`. Verification needs nothing but the certificate, the
//! document and the published public keys, so it works offline and in any language.

use crate::canonical;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The private key that seals, with the id it is published under.
pub struct SealingKey {
    pub key_id: String,
    pair: Ed25519KeyPair,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Keys given that are not usable keys (never echoing them).
    #[error("the signing keys are refused: {0}")]
    Rejected(String),
    /// Not configured, or where they are kept cannot be read (never with their value).
    #[error("the signing keys are unavailable: {0}")]
    Unavailable(String),
}

impl SealingKey {
    /// A new key; also returns its PKCS#8 bytes, which are what configuration holds.
    pub fn generate(key_id: &str) -> (SealingKey, Vec<u8>) {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).expect("OS random number generator");
        let key = Self::from_pkcs8(key_id, pkcs8.as_ref()).expect("a key just generated is valid");
        (key, pkcs8.as_ref().to_vec())
    }

    pub fn from_pkcs8(key_id: &str, pkcs8: &[u8]) -> Result<SealingKey, KeyError> {
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8)
            .map_err(|e| KeyError::Rejected(format!("the sealing key is not an Ed25519 PKCS#8 key ({e})")))?;
        Ok(SealingKey {
            key_id: key_id.to_owned(),
            pair,
        })
    }

    pub fn public(&self) -> PublicKey {
        PublicKey {
            key_id: self.key_id.clone(),
            algorithm: "Ed25519".into(),
            public_key: B64.encode(self.pair.public_key().as_ref()),
        }
    }

    /// Seals `certificate` (an object): sets `key_id` and `public_key` (so the seal can be
    /// checked even without the published keys, for integrity), then `signature` over the rest.
    pub fn seal(&self, mut certificate: Value) -> Value {
        let obj = certificate.as_object_mut().expect("a certificate is a JSON object");
        obj.remove("signature");
        obj.insert("key_id".into(), Value::String(self.key_id.clone()));
        obj.insert("public_key".into(), Value::String(self.public().public_key));
        let signature = self.pair.sign(&canonical::to_vec(&certificate));
        certificate["signature"] = Value::String(B64.encode(signature.as_ref()));
        certificate
    }
}

/// One published key, as `/.well-known/vedtak-keys.json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKey {
    pub key_id: String,
    pub algorithm: String,
    /// Base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
}

/// `{"keys":[…]}`: several keys, so a key can be rotated while old certificates still verify.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedKeys {
    pub keys: Vec<PublicKey>,
}

/// What does not match, named so a person can act on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the certificate is not readable: {0}")]
    Malformed(String),
    #[error("the document does not match: its SHA-256 is {actual}, the certificate names {}", names.join(", "))]
    DocumentMismatch { actual: String, names: Vec<String> },
    #[error("the certificate was sealed with key '{0}', which is not among the published keys")]
    UnknownKey(String),
    #[error("the signature does not match the certificate: its content was changed after sealing, or it was not sealed with key '{0}'")]
    BadSignature(String),
}

/// A verified certificate, in brief.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub document_sha256: String,
    pub key_id: String,
    pub signers: Vec<String>,
    /// False when checked only against the key the certificate carries: that proves the
    /// certificate and document belong together unchanged, not who sealed it.
    pub key_published: bool,
}

/// Checks that `document` is one the certificate names, and that the certificate's seal is a
/// valid signature by the published key it names.
pub fn verify(certificate: &Value, document: &[u8], keys: &PublishedKeys) -> Result<Verified, VerifyError> {
    verify_with(certificate, document, Some(keys))
}

/// As `verify`, but without published keys: the seal is checked against the `public_key` the
/// certificate carries.
pub fn verify_self_contained(certificate: &Value, document: &[u8]) -> Result<Verified, VerifyError> {
    verify_with(certificate, document, None)
}

fn verify_with(certificate: &Value, document: &[u8], keys: Option<&PublishedKeys>) -> Result<Verified, VerifyError> {
    let malformed = |what: &str| VerifyError::Malformed(what.to_owned());
    let obj = certificate.as_object().ok_or_else(|| malformed("not a JSON object"))?;
    let key_id = obj
        .get("key_id")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("no key_id"))?;
    let signature = obj
        .get("signature")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("no signature"))?;
    let signature = B64
        .decode(signature)
        .map_err(|_| malformed("the signature is not base64"))?;

    let actual = hex::encode(ring::digest::digest(&ring::digest::SHA256, document));
    let names = document_hashes(certificate);
    if names.is_empty() {
        return Err(malformed("it names no document SHA-256"));
    }
    if !names.contains(&actual) {
        return Err(VerifyError::DocumentMismatch { actual, names });
    }

    let public_key = match keys {
        Some(keys) => {
            let key = keys
                .keys
                .iter()
                .find(|k| k.key_id == key_id && k.algorithm == "Ed25519");
            key.ok_or_else(|| VerifyError::UnknownKey(key_id.to_owned()))?
                .public_key
                .clone()
        }
        None => obj
            .get("public_key")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("no public_key"))?
            .to_owned(),
    };
    let public = B64
        .decode(public_key)
        .map_err(|_| malformed("the public key is not base64"))?;
    let mut unsigned = certificate.clone();
    unsigned.as_object_mut().expect("checked above").remove("signature");
    UnparsedPublicKey::new(&ED25519, &public)
        .verify(&canonical::to_vec(&unsigned), &signature)
        .map_err(|_| VerifyError::BadSignature(key_id.to_owned()))?;

    let signers = certificate
        .get("signers")
        .and_then(Value::as_array)
        .map(|s| {
            s.iter()
                .filter_map(|x| x.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Ok(Verified {
        document_sha256: actual,
        key_id: key_id.to_owned(),
        signers,
        key_published: keys.is_some(),
    })
}

/// Every document hash a certificate names: `document_sha256`, and `sha256` of each entry of
/// `documents` (an envelope may hold several).
fn document_hashes(certificate: &Value) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    if let Some(s) = certificate.get("document_sha256").and_then(Value::as_str) {
        names.push(s.to_ascii_lowercase());
    }
    let listed = certificate
        .get("documents")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    names.extend(
        listed
            .iter()
            .filter_map(|d| d.get("sha256").and_then(Value::as_str))
            .map(str::to_ascii_lowercase),
    );
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
#[path = "seal_tests.rs"]
mod tests;
