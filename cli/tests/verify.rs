//! `vedtak verify` on files, as an auditor would run it, offline.

use serde_json::json;
use std::path::Path;
use std::process::Command;
use vedtak::signing::seal::{PublishedKeys, SealingKey};

const DOCUMENT: &[u8] = b"%PDF-1.7 tjenesteavtale Roros - Helseplattformen, signert 22.03.2022";

fn run(dir: &Path, document: &str, keys: bool) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vedtak"));
    command
        .arg("verify")
        .arg("--document")
        .arg(dir.join(document))
        .arg("--certificate")
        .arg(dir.join("certificate.json"));
    if keys {
        command.arg("--keys").arg(dir.join("vedtak-keys.json"));
    }
    let out = command.output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (key, _) = SealingKey::generate("2026-1");
    let sha = hex::encode(ring::digest::digest(&ring::digest::SHA256, DOCUMENT));
    let certificate = key.seal(json!({
        "document_sha256": sha,
        "signers": [{"name": "Kjersti Forbord Jensås", "email": "dir@roros.example", "signed_at": "2022-03-22T12:00:00Z"},
                    {"name": "Torbjørg Vanvik", "email": "ceo@hp.example", "signed_at": "2022-03-22T12:05:00Z"}],
    }));
    std::fs::write(dir.path().join("agreement.pdf"), DOCUMENT).unwrap();
    std::fs::write(
        dir.path().join("certificate.json"),
        serde_json::to_vec_pretty(&certificate).unwrap(),
    )
    .unwrap();
    let keys = PublishedKeys {
        keys: vec![key.public()],
    };
    std::fs::write(dir.path().join("vedtak-keys.json"), serde_json::to_vec(&keys).unwrap()).unwrap();
    dir
}

#[test]
fn a_matching_document_and_certificate_verify_with_a_one_line_summary() {
    let dir = setup();
    let (ok, said) = run(dir.path(), "agreement.pdf", true);
    assert!(ok, "{said}");
    assert_eq!(said.lines().count(), 1);
    assert!(
        said.starts_with("OK: ")
            && said.contains("Kjersti Forbord Jensås, Torbjørg Vanvik")
            && said.contains("a published key"),
        "{said}"
    );
}

#[test]
fn one_flipped_byte_of_the_document_fails_naming_the_document() {
    let dir = setup();
    let mut bytes = DOCUMENT.to_vec();
    bytes[20] ^= 1;
    std::fs::write(dir.path().join("changed.pdf"), bytes).unwrap();
    let (ok, said) = run(dir.path(), "changed.pdf", true);
    assert!(!ok);
    assert!(said.contains("the document does not match"), "{said}");
}

#[test]
fn one_flipped_byte_of_the_certificate_fails_naming_the_signature() {
    let dir = setup();
    let path = dir.path().join("certificate.json");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("12:05:00Z", "12:05:01Z");
    std::fs::write(&path, text).unwrap();
    let (ok, said) = run(dir.path(), "agreement.pdf", true);
    assert!(!ok);
    assert!(said.contains("the signature does not match"), "{said}");
}

#[test]
fn without_published_keys_it_says_the_origin_was_not_checked() {
    let dir = setup();
    let (ok, said) = run(dir.path(), "agreement.pdf", false);
    assert!(ok, "{said}");
    assert!(said.contains("not checked against published keys"), "{said}");
}
