//! A zip archive → its members, each read within limits and disassembled.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pybc_fuzz::archive(data));
