//! Python source → `pybc_ast::parse_module` (every target) → `pybc_ast::dump`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pybc_fuzz::source_to_ast(data));
