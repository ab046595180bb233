//! The whole promise end to end: an agreement signed over HTTP by the director and the CEO,
//! then the document, the certificate and the published keys downloaded as files and checked
//! offline by the `vedtak` binary, which also names what a single flipped byte breaks.

use std::path::Path;
use std::process::Command;
use vedtak_tests::signing::*;
use vedtak_tests::*;

fn verify(dir: &Path, document: &str, certificate: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vedtak"))
        .args(["verify", "--document"])
        .arg(dir.join(document))
        .arg("--certificate")
        .arg(dir.join(certificate))
        .arg("--keys")
        .arg(dir.join("vedtak-keys.json"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), said)
}

async fn download(app: &TestApp, key: &str, path: &str) -> Vec<u8> {
    let response = app.get(key, path).await;
    assert!(response.status().is_success(), "{path}: {}", response.status());
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn a_certificate_from_a_real_signing_verifies_offline_and_one_flipped_byte_is_named() {
    let (app, key) = spawn_program("2021-02-15T09:00:00+01:00", &[]).await;
    exercised(&app, &key, "5027", "Midtre Gauldal").await;
    let sha = upload(&app, &key, DOCUMENT).await;
    let sent = send_agreement(&app, &key, "5027", "Tjenesteavtale", &sha).await;
    let id = sent["envelope_id"].as_str().unwrap().to_owned();
    sign_as(&app, &director("5027")).await;
    sign_as(&app, CEO).await;

    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("agreement.pdf", format!("/v1/documents/{sha}")),
        ("certificate.json", format!("/v1/envelopes/{id}/certificate")),
        ("vedtak-keys.json", "/.well-known/vedtak-keys.json".to_owned()),
    ];
    for (name, path) in &files {
        std::fs::write(dir.path().join(name), download(&app, &key, path).await).unwrap();
    }
    let (ok, said) = verify(dir.path(), "agreement.pdf", "certificate.json");
    assert!(ok, "{said}");
    assert!(
        said.starts_with("OK: ") && said.contains("Direktør Midtre Gauldal, Torbjørg Vanvik"),
        "{said}"
    );

    let mut document = DOCUMENT.to_vec();
    document[0] ^= 1;
    std::fs::write(dir.path().join("flipped.pdf"), document).unwrap();
    let (ok, said) = verify(dir.path(), "flipped.pdf", "certificate.json");
    assert!(!ok && said.contains("the document does not match"), "{said}");

    let mut certificate = std::fs::read(dir.path().join("certificate.json")).unwrap();
    let at = certificate
        .windows(5)
        .position(|w| w == b"Midtr")
        .expect("the director's name");
    certificate[at] ^= 1; // 'M' becomes 'L'
    std::fs::write(dir.path().join("flipped.json"), certificate).unwrap();
    let (ok, said) = verify(dir.path(), "agreement.pdf", "flipped.json");
    assert!(!ok && said.contains("the signature does not match"), "{said}");
}
