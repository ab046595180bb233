#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vedtak_fuzz::event_chain::check(data));
