//! The fuzz harnesses: one function per entry point that takes untrusted
//! bytes. Each must return normally for every input; a panic, an abort, a
//! hang or runaway memory is a bug.
//!
//! The libFuzzer targets in `fuzz_targets/` call these, and
//! `crates/pybc/tests/fuzz_smoke.rs` includes this file to run the same
//! functions over seeded mutations of the fixtures in plain `cargo test`.
//!
//! Planned (the features do not exist yet): `archive` (an archive of `.pyc`
//! files → one listing per member) and `source_to_ast` (Python source →
//! `pybc-ast`). Add them here and as `fuzz_targets/<name>.rs`.

use pybc::versions::PyVersion;

/// Versions `marshal_loads` picks from with the first input byte: every
/// version `pybc` disassembles first, then older ones the reader supports.
pub const MARSHAL_VERSIONS: &[(u8, u8)] = &[
    (3, 10),
    (3, 11),
    (3, 12),
    (3, 13),
    (3, 14),
    (3, 15),
    (3, 9),
    (3, 8),
    (3, 7),
    (3, 6),
    (3, 0),
    (2, 7),
];

/// The version for a selector byte.
pub fn marshal_version(selector: u8) -> PyVersion {
    let count = MARSHAL_VERSIONS.len();
    let (major, minor) = MARSHAL_VERSIONS
        .get(usize::from(selector) % count)
        .copied()
        .unwrap_or((3, 13));
    PyVersion::new(major, minor)
}

/// Raw marshal data: byte 0 picks the version, the rest is the data.
pub fn marshal_loads(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let version = marshal_version(selector);
    match pybc::marshal::loads(body, version) {
        Ok(obj) => {
            // Touch the tree so that a lazily wrong result would show.
            let _ = obj.type_name();
        }
        Err(e) => check_message(&e.to_string()),
    }
}

/// Options for `pyc_to_text` from its selector byte: bit 0 `show_caches`,
/// bit 1 `show_offsets`, bit 2 `show_positions`, bits 3–4 `recursive`
/// (default / on / off / default).
pub fn text_options(selector: u8) -> pybc::Options {
    pybc::Options {
        show_caches: selector & 1 != 0,
        show_offsets: selector & 2 != 0,
        show_positions: selector & 4 != 0,
        recursive: match (selector >> 3) & 3 {
            1 => Some(true),
            2 => Some(false),
            _ => None,
        },
        ..pybc::Options::default()
    }
}

/// A whole `.pyc` file: byte 0 picks the options, the rest is the file.
pub fn pyc_to_text(data: &[u8]) {
    let Some((&selector, pyc)) = data.split_first() else {
        return;
    };
    match pybc::dis_text(pyc, &text_options(selector)) {
        Ok(text) => {
            let _ = text.len();
        }
        Err(e) => check_message(&e.to_string()),
    }
}

/// The CLI prints `FILE: message` on one line: an error message must not
/// span several.
fn check_message(message: &str) {
    assert!(
        !message.contains('\n') && !message.contains('\r'),
        "error message spans several lines: {message:?}"
    );
}
