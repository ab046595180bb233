//! The Standard Webhooks signature, as inbound messages are checked with it. Any text as the
//! `webhook-signature` header verifies against a fixed secret exactly when one of its
//! space-separated parts is the true signature; any bytes as the body verify exactly when they
//! are the signed body; and any text as a secret either is refused or signs what it verifies.

use vedtak::webhooks::signature::{sign, verify};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP: i64 = 1_614_265_330;
pub const BODY: &[u8] = br#"{"type":"meeting.scheduled","municipality":"5027","data":{}}"#;

pub fn check(data: &[u8]) {
    let expected = sign(SECRET, ID, TIMESTAMP, BODY).expect("the fixed secret is base64");
    assert_eq!(
        verify(SECRET, &expected, ID, TIMESTAMP, data),
        data == BODY,
        "a changed body verified, or the signed one did not"
    );
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    assert_eq!(
        verify(SECRET, text, ID, TIMESTAMP, BODY),
        text.split(' ').any(|part| part == expected),
        "the header {text:?} was judged wrongly"
    );
    if let Some(signature) = sign(text, ID, TIMESTAMP, data) {
        assert!(
            verify(text, &signature, ID, TIMESTAMP, data),
            "a secret does not verify what it signs"
        );
    }
    assert!(!verify(text, "", ID, TIMESTAMP, data), "an empty header verified");
}

/// Headers worth starting from: the true signature alone, among others, and beside a rotated one.
pub fn seed_headers() -> Vec<String> {
    let expected = sign(SECRET, ID, TIMESTAMP, BODY).expect("the fixed secret is base64");
    vec![
        expected.clone(),
        format!("v2,abc {expected}"),
        format!("v1,{} {expected}", "A".repeat(44)),
        "v1,not-base64 v1,".to_owned(),
    ]
}
