//! Raw marshal data of any version (byte 0 picks it) → `pybc::marshal::loads`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pybc_fuzz::marshal_loads(data));
