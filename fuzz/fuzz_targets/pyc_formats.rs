//! A whole `.pyc` (after one byte of options) → info, JSON, JSON Lines, CSV, HTML.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pybc_fuzz::pyc_formats(data));
