//! A whole `.pyc` (after one byte of options) → `pybc::dis_text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pybc_fuzz::pyc_to_text(data));
