#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vedtak_fuzz::command_body::check(data));
