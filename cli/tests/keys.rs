//! `vedtak keys new | rotate | public`, run as an operator runs them: keys JSON through stdin and
//! stdout.

use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};
use vedtak::signing::keys::Keys;
use vedtak::signing::seal::{verify, PublishedKeys};

/// Runs `vedtak keys ARGS` with `stdin`; (success, stdout, stderr).
fn keys(args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vedtak"))
        .arg("keys")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn ok(args: &[&str], stdin: &str) -> String {
    let (success, stdout, stderr) = keys(args, stdin);
    assert!(success, "vedtak keys {args:?}: {stderr}");
    stdout
}

fn ids(published: &PublishedKeys) -> Vec<&str> {
    published.keys.iter().map(|k| k.key_id.as_str()).collect()
}

#[test]
fn new_keys_are_the_keys_json_and_public_prints_what_the_well_known_url_serves() {
    let json = ok(&["new", "--key-id", "2026-11"], "");
    let keys = Keys::from_json(&json).expect("vedtak keys new prints keys JSON");
    assert_eq!(keys.sealing.key_id, "2026-11");
    let fields: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(fields["retired_keys"], json!([]));

    let public: PublishedKeys = serde_json::from_str(&ok(&["public"], &json)).expect("published keys JSON");
    assert_eq!(public, keys.published());
    let text = ok(&["public"], &json);
    for secret in ["sealing_key", "link_key"] {
        assert!(!text.contains(fields[secret].as_str().unwrap()), "{text}");
    }

    // Without --key-id, today's date names the key; two runs give two different keys.
    let today = || chrono::Utc::now().format("%Y-%m-%d").to_string();
    let before = today();
    let dated = Keys::from_json(&ok(&["new"], "")).unwrap();
    assert!(
        [before, today()].contains(&dated.sealing.key_id),
        "{}",
        dated.sealing.key_id
    );
    assert_ne!(dated.sealing.public(), keys.sealing.public());
}

#[test]
fn a_rotation_retires_the_old_key_first_so_certificates_it_sealed_still_verify() {
    let first = ok(&["new", "--key-id", "2026-01"], "");
    let first_keys = Keys::from_json(&first).unwrap();
    let document = b"%PDF-1.7 tjenesteavtale";
    let sha = hex::encode(ring::digest::digest(&ring::digest::SHA256, document));
    let sealed_before = first_keys.sealing.seal(json!({"document_sha256": sha, "signers": []}));

    let second = ok(&["rotate", "--key-id", "2026-06"], &first);
    let third = ok(&["rotate", "--key-id", "2026-11"], &second);
    let third_keys = Keys::from_json(&third).unwrap();
    let published: PublishedKeys = serde_json::from_str(&ok(&["public"], &third)).unwrap();
    assert_eq!(ids(&published), ["2026-11", "2026-06", "2026-01"]);
    assert_eq!(published.keys[2], first_keys.sealing.public());
    verify(&sealed_before, document, &published).expect("sealed before two rotations, still verifies");
    let sealed_after = third_keys.sealing.seal(json!({"document_sha256": sha, "signers": []}));
    assert_eq!(verify(&sealed_after, document, &published).unwrap().key_id, "2026-11");

    // The link key stays, so links and codes already sent keep working.
    let link = |json: &str| serde_json::from_str::<Value>(json).unwrap()["link_key"].clone();
    assert_eq!(link(&third), link(&first));
}

#[test]
fn bad_input_and_reused_key_ids_are_refused_without_echoing_the_keys() {
    let json = ok(&["new", "--key-id", "2026-01"], "");
    let rotated = ok(&["rotate", "--key-id", "2026-06"], &json);
    for used in ["2026-06", "2026-01"] {
        let (success, stdout, stderr) = keys(&["rotate", "--key-id", used], &rotated);
        assert!(!success && stdout.is_empty(), "{used} is refused");
        assert!(stderr.contains("used before"), "{stderr}");
    }
    let (success, _, stderr) = keys(&["new", "--key-id", " "], "");
    assert!(!success && stderr.contains("key id"), "{stderr}");

    let mut broken: Value = serde_json::from_str(&json).unwrap();
    let link_key = broken["link_key"].as_str().unwrap().to_owned();
    broken["sealing_key"] = "bm90LWEta2V5LWJ1dC1zZWNyZXQtbm9uZXRoZWxlc3M=".into();
    for command in ["rotate", "public"] {
        for input in [broken.to_string(), "".into(), format!("{json} trailing {link_key}")] {
            let (success, stdout, stderr) = keys(&[command], &input);
            assert!(!success && stdout.is_empty(), "{command} refuses {input:?}");
            assert!(
                !stderr.contains(&link_key) && !stderr.contains("bm90LWEta2V5"),
                "{command} echoes the keys: {stderr}"
            );
        }
    }
}
