//! Canonical JSON, as RFC 8785 (JSON Canonicalization Scheme) defines it: object members sorted
//! by the UTF-16 code units of their names, no insignificant whitespace, strings escaped as
//! ECMAScript's JSON.stringify does, numbers in ECMAScript's shortest form. Event hashes and
//! certificate seals both go through this one function, so a verifier in any language that
//! implements RFC 8785 gets the same bytes.

use serde_json::Value;

/// The canonical bytes of a JSON value.
pub fn to_vec(value: &Value) -> Vec<u8> {
    let mut out = String::with_capacity(256);
    write_value(value, &mut out);
    out.into_bytes()
}

/// SHA-256 of the canonical bytes, lower-case hex.
pub fn sha256_hex(value: &Value) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, &to_vec(value)))
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            // RFC 8785 §3.2.3: sort by UTF-16 code units, not by bytes or chars.
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_value(v, out);
            }
            out.push('}');
        }
    }
}

/// Integers that a double holds exactly print as integers; everything else is printed as the
/// IEEE-754 double that ECMAScript would see, as RFC 8785 §3.2.2.3 requires.
fn write_number(n: &serde_json::Number, out: &mut String) {
    const EXACT: u64 = 1 << 53;
    if let Some(u) = n.as_u64().filter(|u| *u <= EXACT) {
        out.push_str(&u.to_string());
    } else if let Some(i) = n.as_i64().filter(|i| i.unsigned_abs() <= EXACT) {
        out.push_str(&i.to_string());
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        if f.is_finite() {
            if f == 0.0 {
                out.push('0'); // -0 is written 0
            } else {
                out.push_str(ryu_js::Buffer::new().format_finite(f));
            }
        } else {
            out.push_str("null"); // unreachable for parsed JSON, which has no NaN or infinity
        }
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn canon(v: Value) -> String {
        String::from_utf8(to_vec(&v)).unwrap()
    }

    #[test]
    fn sorts_keys_and_drops_whitespace() {
        assert_eq!(
            canon(json!({"b": [1, 2], "a": {"d": null, "c": true}})),
            r#"{"a":{"c":true,"d":null},"b":[1,2]}"#
        );
    }

    #[test]
    fn sorts_by_utf16_code_units_as_rfc_8785_example() {
        // RFC 8785 §3.2.3's example: U+20AC, U+1F600 (a surrogate pair), U+FB33, "\r", "1", U+00F6...
        let v = json!({"\u{20ac}": "Euro Sign", "\r": "Carriage Return", "\u{fb33}": "Hebrew Letter Dalet With Dagesh",
            "1": "One", "\u{1f600}": "Emoji: Grinning Face", "\u{0080}": "Control", "\u{00f6}": "Latin Small Letter O With Diaeresis"});
        let s = canon(v);
        let order: Vec<usize> = [
            "\\r",
            "\"1\"",
            "\u{0080}",
            "\u{00f6}",
            "\u{20ac}",
            "\u{1f600}",
            "\u{fb33}",
        ]
        .iter()
        .map(|k| s.find(k).unwrap())
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{s}");
    }

    #[test]
    fn escapes_like_ecmascript() {
        assert_eq!(
            canon(json!("a\"b\\c\n\u{1}\u{7f}ø€")),
            "\"a\\\"b\\\\c\\n\\u0001\u{7f}ø€\""
        );
    }

    #[test]
    #[allow(clippy::excessive_precision)] // the literal is RFC 8785's own example, on purpose
    fn numbers_in_shortest_ecmascript_form() {
        assert_eq!(
            canon(json!([
                0,
                -0.0,
                1.0,
                1e21,
                1.5e-7,
                333333333.33333329,
                9007199254740993u64
            ])),
            "[0,0,1,1e+21,1.5e-7,333333333.3333333,9007199254740992]"
        );
    }

    #[test]
    fn a_number_reads_back_from_its_canonical_form_as_the_same_double() {
        // Found by fuzzing (fuzz/regressions/canonical_json/): without serde_json's
        // float_roundtrip this form read back one unit in the last place higher, so JSON read
        // back from storage or an export no longer hashed to what was sealed.
        let number = 1.6779200232126492e243_f64;
        let text = canon(json!(number));
        assert_eq!(text, "1.6779200232126492e+243");
        let again: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(again.as_f64(), Some(number));
        assert_eq!(canon(again), text);
    }
}
