//! Helpers shared by the integration tests and benches of this crate.

// Test helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::{Path, PathBuf};

/// The repository's `fixtures/` directory.
pub fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Every fixture `.pyc` (`fixtures/<X.Y>/*.pyc`), sorted.
pub fn fixture_pycs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(fixtures_root()).expect("fixtures/ exists") {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "pyc") {
                out.push(f);
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no fixtures found");
    out
}

/// `code` and every code object nested in its constants, depth first.
pub fn all_codes<'a>(
    code: &'a pybc::model::CodeObject<'a>,
    out: &mut Vec<&'a pybc::model::CodeObject<'a>>,
) {
    out.push(code);
    for c in code.consts() {
        if let pybc::model::Object::Code(inner) = &**c {
            all_codes(inner, out);
        }
    }
}
