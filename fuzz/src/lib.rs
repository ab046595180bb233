//! The fuzz targets' bodies: one `check(&[u8])` per target, each feeding the bytes to the code
//! that reads them from outside and asserting what must hold for any input. The same functions
//! run under libFuzzer (`fuzz_targets/`) and on stable in `tests/replay.rs`, which replays the
//! committed corpus and every kept crash.

pub mod canonical_json;
pub mod certificate;
pub mod command_body;
pub mod event_chain;
pub mod seeds;
pub mod signing_token;
pub mod webhook_signature;

/// What a target does with one input; it panics where a property fails.
pub type Check = fn(&[u8]);

/// Every target by name, as `fuzz/corpus/<name>/` and `fuzz/regressions/<name>/` are named.
pub const TARGETS: &[(&str, Check)] = &[
    ("command_body", command_body::check),
    ("webhook_signature", webhook_signature::check),
    ("signing_token", signing_token::check),
    ("canonical_json", canonical_json::check),
    ("event_chain", event_chain::check),
    ("certificate", certificate::check),
];

/// Asserts that `value` reads back equal from the JSON it is stored as: what validation
/// accepts must load again from the store unchanged.
pub(crate) fn reads_back<T>(value: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let stored = serde_json::to_vec(value).expect("validated values serialize");
    let loaded: T = serde_json::from_slice(&stored)
        .unwrap_or_else(|e| panic!("{value:?} was accepted but does not load again: {e}"));
    assert_eq!(&loaded, value, "a value changed on its way through storage");
}
