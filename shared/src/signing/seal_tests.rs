use super::*;
use serde_json::json;

const DOCUMENT: &[u8] = b"%PDF-1.7 tjenesteavtale Holtalen - Helseplattformen";

fn certificate() -> Value {
    json!({
        "envelope_id": "env_1",
        "document_sha256": hex::encode(ring::digest::digest(&ring::digest::SHA256, DOCUMENT)),
        "signers": [
            {"name": "Marius Jermstad", "email": "dir@holtalen.example", "signed_at": "2022-03-22T12:00:00Z", "verified_by": "email_code"},
            {"name": "Torbjørg Vanvik", "email": "ceo@hp.example", "signed_at": "2022-03-22T12:05:00Z", "verified_by": "email_code"}
        ],
        "chain_head": {"seq": 9, "hash": "ab".repeat(32)}
    })
}

fn sealed() -> (Value, PublishedKeys) {
    let (key, _) = SealingKey::generate("2026-1");
    (
        key.seal(certificate()),
        PublishedKeys {
            keys: vec![key.public()],
        },
    )
}

#[test]
fn a_sealed_certificate_verifies_against_its_document_and_published_key() {
    let (cert, keys) = sealed();
    let ok = verify(&cert, DOCUMENT, &keys).unwrap();
    assert_eq!(ok.key_id, "2026-1");
    assert_eq!(ok.signers, ["Marius Jermstad", "Torbjørg Vanvik"]);
}

#[test]
fn one_flipped_byte_of_the_document_is_named_as_a_document_mismatch() {
    let (cert, keys) = sealed();
    let mut doc = DOCUMENT.to_vec();
    doc[10] ^= 1;
    assert!(matches!(
        verify(&cert, &doc, &keys),
        Err(VerifyError::DocumentMismatch { .. })
    ));
}

#[test]
fn any_change_to_the_sealed_content_breaks_the_signature() {
    let (cert, keys) = sealed();
    let mut changed = cert.clone();
    changed["signers"][0]["signed_at"] = json!("2022-03-21T12:00:00Z");
    assert_eq!(
        verify(&changed, DOCUMENT, &keys),
        Err(VerifyError::BadSignature("2026-1".into()))
    );
    let mut signature = B64.decode(cert["signature"].as_str().unwrap()).unwrap();
    signature[0] ^= 1;
    let mut forged = cert.clone();
    forged["signature"] = json!(B64.encode(signature));
    assert_eq!(
        verify(&forged, DOCUMENT, &keys),
        Err(VerifyError::BadSignature("2026-1".into()))
    );
}

#[test]
fn a_certificate_sealed_with_an_unpublished_key_is_refused() {
    let (cert, _) = sealed();
    let (other, _) = SealingKey::generate("2026-1");
    let same_id_other_key = PublishedKeys {
        keys: vec![other.public()],
    };
    assert!(matches!(
        verify(&cert, DOCUMENT, &same_id_other_key),
        Err(VerifyError::BadSignature(_))
    ));
    assert_eq!(
        verify(&cert, DOCUMENT, &PublishedKeys::default()),
        Err(VerifyError::UnknownKey("2026-1".into()))
    );
}

#[test]
fn rotated_keys_still_verify_old_certificates() {
    let (cert, old_keys) = sealed();
    let (new, _) = SealingKey::generate("2027-1");
    let rotated = PublishedKeys {
        keys: vec![new.public(), old_keys.keys[0].clone()],
    };
    assert!(verify(&cert, DOCUMENT, &rotated).is_ok());
}

#[test]
fn the_seal_does_not_depend_on_key_order_or_spacing() {
    let (cert, keys) = sealed();
    let respaced: Value = serde_json::from_str(&serde_json::to_string_pretty(&cert).unwrap()).unwrap();
    assert!(verify(&respaced, DOCUMENT, &keys).is_ok());
}

#[test]
fn a_key_survives_its_pkcs8_round_trip() {
    let (key, pkcs8) = SealingKey::generate("k");
    let again = SealingKey::from_pkcs8("k", &pkcs8).unwrap();
    assert_eq!(key.public(), again.public());
    assert!(SealingKey::from_pkcs8("k", b"not a key").is_err());
}

#[test]
fn a_certificate_naming_several_documents_verifies_each() {
    let (key, _) = SealingKey::generate("k");
    let mut cert = certificate();
    cert["documents"] = json!([{"sha256": hex::encode(ring::digest::digest(&ring::digest::SHA256, b"appendix"))}]);
    let cert = key.seal(cert);
    let keys = PublishedKeys {
        keys: vec![key.public()],
    };
    assert!(verify(&cert, DOCUMENT, &keys).is_ok());
    assert!(verify(&cert, b"appendix", &keys).is_ok());
    assert!(verify(&cert, b"something else", &keys).is_err());
}

#[test]
fn without_published_keys_the_carried_key_checks_integrity_only() {
    let (cert, _) = sealed();
    let ok = verify_self_contained(&cert, DOCUMENT).unwrap();
    assert!(!ok.key_published);
    let mut changed = cert.clone();
    changed["chain_head"]["seq"] = json!(10);
    assert!(matches!(
        verify_self_contained(&changed, DOCUMENT),
        Err(VerifyError::BadSignature(_))
    ));
    // Swapping in another key's public_key does not help a forger: it is inside the seal.
    let (other, _) = SealingKey::generate("2026-1");
    let mut swapped = cert.clone();
    swapped["public_key"] = json!(other.public().public_key);
    assert!(matches!(
        verify_self_contained(&swapped, DOCUMENT),
        Err(VerifyError::BadSignature(_))
    ));
}
