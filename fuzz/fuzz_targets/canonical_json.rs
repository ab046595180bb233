#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vedtak_fuzz::canonical_json::check(data));
