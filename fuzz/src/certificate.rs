//! The certificate verifier, given any bytes as a certificate and as a document. It must never
//! accept a certificate whose sealed content differs from what was sealed, by the published key
//! or (self-contained) by the key the known certificate carries; and the known certificate must
//! refuse every document but its own.

use serde_json::{json, Value};
use std::sync::OnceLock;
use vedtak::canonical;
use vedtak::signing::seal::{self, PublishedKeys, SealingKey, VerifyError};

pub const DOCUMENT: &[u8] = b"%PDF-1.7 tjenesteavtale Holtalen - Helseplattformen";

pub fn check(data: &[u8]) {
    let known = known();
    match seal::verify(&known.certificate, data, &known.keys) {
        Ok(_) => assert_eq!(data, DOCUMENT, "the certificate accepted another document"),
        Err(e) => assert!(matches!(e, VerifyError::DocumentMismatch { .. }), "{e}"),
    }
    let Ok(candidate) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let by_published = seal::verify(&candidate, DOCUMENT, &known.keys);
    let self_contained = seal::verify_self_contained(&candidate, DOCUMENT);
    let carries_known_key = candidate.get("public_key") == known.certificate.get("public_key");
    if by_published.is_ok() || (self_contained.is_ok() && carries_known_key) {
        assert_eq!(
            canonical::to_vec(&candidate),
            canonical::to_vec(&known.certificate),
            "a changed certificate verified"
        );
    }
}

pub struct Known {
    pub certificate: Value,
    pub keys: PublishedKeys,
}

/// A certificate sealed with a fixed key, so that the seed corpus stays valid from run to run.
pub fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let key = SealingKey::from_pkcs8("fuzz-1", &pkcs8_of_seed(&[7; 32])).expect("a well-formed key");
        let document_sha256 = hex_sha256(DOCUMENT);
        let unsealed = json!({
            "format": "vedtak.certificate.v1",
            "envelope_id": "env_0123456789abcdef01234567",
            "title": "Tjenesteavtale",
            "document_sha256": document_sha256,
            "documents": [{"sha256": document_sha256, "size": DOCUMENT.len(), "content_type": "application/pdf"}],
            "signers": [
                {"name": "Marius Jermstad", "email": "dir@holtalen.example", "order": 1,
                 "signed_at": "2022-03-22T12:00:00Z", "verified_by": "email_code", "code_verified": true},
                {"name": "Torbjørg Vanvik", "email": "ceo@hp.example", "order": 2,
                 "signed_at": "2022-03-22T12:05:00Z", "verified_by": "email_code", "code_verified": true}
            ],
            "chain_head": {"seq": 9, "hash": "ab".repeat(32)},
            "sealed_at": "2022-03-22T12:05:01Z",
        });
        Known {
            certificate: key.seal(unsealed),
            keys: PublishedKeys {
                keys: vec![key.public()],
            },
        }
    })
}

/// PKCS#8 v2 of an Ed25519 key, the form the sealing key is configured in (RFC 8410), built
/// around a fixed seed because the product only ever generates random ones.
fn pkcs8_of_seed(seed: &[u8; 32]) -> Vec<u8> {
    use ring::signature::{Ed25519KeyPair, KeyPair};
    let public = Ed25519KeyPair::from_seed_unchecked(seed).expect("any 32 bytes are a seed");
    let mut der = vec![
        0x30, 0x53, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ];
    der.extend_from_slice(seed);
    der.extend_from_slice(&[0xa1, 0x23, 0x03, 0x21, 0x00]);
    der.extend_from_slice(public.public_key().as_ref());
    der
}

fn hex_sha256(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}
