use super::*;

#[test]
fn a_document_key_is_the_prefix_and_the_sha256() {
    let sha = Sha256Hex::of(b"vedtak");
    assert_eq!(key_of(&sha), format!("documents/{sha}"));
}

#[test]
fn the_checksum_is_base64_of_the_digest_bytes() {
    // SHA-256("hello"), as S3 reports it for these bytes.
    let sha = Sha256Hex::of(b"hello");
    assert_eq!(checksum_of(&sha), "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
}

#[test]
fn the_bucket_policy_denies_everything_without_tls() {
    let policy: serde_json::Value = serde_json::from_str(&tls_only_policy("vedtak-docs")).unwrap();
    let statements = policy["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    let s = &statements[0];
    assert_eq!(s["Effect"], "Deny");
    assert_eq!(s["Principal"], "*");
    assert_eq!(s["Action"], "s3:*");
    assert_eq!(
        s["Resource"],
        serde_json::json!(["arn:aws:s3:::vedtak-docs", "arn:aws:s3:::vedtak-docs/*"])
    );
    assert_eq!(
        s["Condition"],
        serde_json::json!({"Bool": {"aws:SecureTransport": "false"}})
    );
}
