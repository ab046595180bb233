use super::*;

fn docs() -> Vec<Sha256Hex> {
    vec![Sha256Hex::of(b"agreement")]
}

#[test]
fn a_token_names_its_envelope_and_is_bound_to_signer_documents_and_nonce() {
    let (key, _) = LinkKey::generate();
    let id = envelope_id();
    let n = nonce();
    let token = key.token(&id, 0, "a@example.no", &docs(), &n);
    assert_eq!(envelope_of(&token), Some(id.as_str()));
    assert_eq!(token, key.token(&id, 0, "A@example.no", &docs(), &n));
    assert_ne!(token, key.token(&id, 1, "a@example.no", &docs(), &n));
    assert_ne!(token, key.token(&id, 0, "b@example.no", &docs(), &n));
    assert_ne!(token, key.token(&id, 0, "a@example.no", &[Sha256Hex::of(b"other")], &n));
    assert_ne!(token, key.token(&id, 0, "a@example.no", &docs(), &nonce()));
    let (other_key, _) = LinkKey::generate();
    assert_ne!(token, other_key.token(&id, 0, "a@example.no", &docs(), &n));
}

#[test]
fn nonces_and_ids_carry_enough_randomness_and_do_not_repeat() {
    assert_eq!(nonce().len(), 32, "128 bits as hex");
    let many: std::collections::HashSet<String> = (0..1000).map(|_| nonce()).collect();
    assert_eq!(many.len(), 1000);
    assert_eq!(envelope_id().len(), 28);
}

#[test]
fn codes_are_six_digits_and_depend_on_the_nonce() {
    let (key, _) = LinkKey::generate();
    let codes: std::collections::HashSet<String> = (0..200).map(|_| key.code("env_x", 0, &nonce())).collect();
    assert!(codes
        .iter()
        .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())));
    assert!(codes.len() > 190, "codes spread out: {}", codes.len());
    let n = nonce();
    assert_eq!(key.code("env_x", 0, &n), key.code("env_x", 0, &n));
    assert_ne!(key.code("env_x", 0, &n), key.code("env_x", 1, &n));
}

#[test]
fn malformed_tokens_name_no_envelope() {
    for junk in [
        "",
        "env_",
        "abc.def",
        "env_zzzzzzzzzzzzzzzzzzzzzzzz.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "../../etc/passwd",
    ] {
        assert_eq!(envelope_of(junk), None, "{junk}");
    }
    let (key, _) = LinkKey::generate();
    let token = key.token(&envelope_id(), 0, "a@example.no", &docs(), &nonce());
    assert_eq!(envelope_of(&format!("{token}x")), None);
}

#[test]
fn constant_time_equality_is_equality() {
    assert!(constant_time_eq("123456", "123456"));
    assert!(!constant_time_eq("123456", "123457"));
    assert!(!constant_time_eq("123456", "12345"));
}
