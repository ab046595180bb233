//! Canonical JSON (RFC 8785), on which every event hash and certificate seal rests. For any
//! JSON it parses: the canonical form is JSON again, canonicalising it again changes nothing
//! (so a verifier that re-reads exported JSON gets the same bytes and hash), and without
//! fractions or huge numbers it reads back as the very same value. The first eight bytes are
//! also taken as a double: its shortest form must read back as exactly that double.

use serde_json::Value;
use vedtak::canonical;

pub fn check(data: &[u8]) {
    if let Some(bits) = data.first_chunk::<8>() {
        number_reads_back_exactly(f64::from_bits(u64::from_le_bytes(*bits)));
    }
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let bytes = canonical::to_vec(&value);
    let text = std::str::from_utf8(&bytes).expect("canonical JSON is UTF-8");
    let again: Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("canonical form {text} does not parse: {e}"));
    assert_eq!(
        text.as_bytes(),
        canonical::to_vec(&again),
        "canonicalising the canonical form changed it"
    );
    assert_eq!(canonical::sha256_hex(&value), canonical::sha256_hex(&again));
    if only_exact_numbers(&value) {
        assert_eq!(value, again, "the canonical form reads back as another value");
    }
}

fn number_reads_back_exactly(number: f64) {
    let Some(json) = serde_json::Number::from_f64(number) else {
        return; // NaN and the infinities are not JSON
    };
    let bytes = canonical::to_vec(&Value::Number(json));
    let text = std::str::from_utf8(&bytes).expect("canonical JSON is UTF-8");
    let read: f64 = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text} does not parse: {e}"));
    // -0 is written 0 (RFC 8785), so compare as numbers, where -0 == 0.
    assert!(
        read == number,
        "{number:e} is written {text}, which reads back as {read:e}"
    );
}

/// Integers a double holds exactly are written as they are; everything else goes through a
/// double and may legitimately come back as a nearby value.
fn only_exact_numbers(value: &Value) -> bool {
    const EXACT: u64 = 1 << 53;
    match value {
        Value::Number(n) => {
            n.as_u64().is_some_and(|u| u <= EXACT) || n.as_i64().is_some_and(|i| i.unsigned_abs() <= EXACT)
        }
        Value::Array(items) => items.iter().all(only_exact_numbers),
        Value::Object(members) => members.values().all(only_exact_numbers),
        _ => true,
    }
}
