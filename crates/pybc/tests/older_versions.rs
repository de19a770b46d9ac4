//! Behaviour of the older eras that the fixture listings do not show on
//! their own: recursion defaults, PyPy's opcodes, unknown opcodes.

// Test helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use pybc::Options;

fn fixture(version: &str, name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(version)
        .join(name);
    std::fs::read(path).unwrap()
}

/// Offset of the module's first opcode in a 2.7 `.pyc`: 8-byte header, 'c',
/// four 32-bit fields, 's' and the code string's length.
const FIRST_OPCODE_27: usize = 8 + 1 + 16 + 1 + 4;

#[test]
fn python2_dis_does_not_recurse_unless_asked() {
    let data = fixture("2.7", "portable.pyc");
    let plain = pybc::dis_text(&data, &Options::default()).unwrap();
    assert!(!plain.contains("Disassembly of"));
    let recursive = Options {
        recursive: Some(true),
        ..Options::default()
    };
    let all = pybc::dis_text(&data, &recursive).unwrap();
    assert!(all.starts_with(&plain));
    assert!(all.contains("Disassembly of <code object counter"));
}

#[test]
fn python37_dis_recurses_and_36_does_not() {
    let with = pybc::dis_text(&fixture("3.7", "portable.pyc"), &Options::default()).unwrap();
    assert!(with.contains("Disassembly of"));
    let without = pybc::dis_text(&fixture("3.6", "portable.pyc"), &Options::default()).unwrap();
    assert!(!without.contains("Disassembly of"));
}

#[test]
fn pypy_files_use_pypy_opcodes_and_unknown_opcodes_show_their_number() {
    let mut data = fixture("2.7", "portable.pyc");
    assert_eq!(data[FIRST_OPCODE_27], 100, "LOAD_CONST expected first");
    data[FIRST_OPCODE_27] = 201;
    let cpython = pybc::dis_text(&data, &Options::default()).unwrap();
    assert!(cpython.contains(" <201> "), "{cpython}");
    // PyPy 2.7 writes CPython 2.7's magic number plus 7.
    data[..2].copy_from_slice(&62218u16.to_le_bytes());
    let arena = pybc::Arena::new();
    let module = pybc::load(&data, &arena, &Options::default()).unwrap();
    assert_eq!(
        module.implementation(),
        pybc::versions::Implementation::PyPy
    );
    let pypy = pybc::dis_text(&data, &Options::default()).unwrap();
    assert!(pypy.contains(" LOOKUP_METHOD "), "{pypy}");
}

/// Every older reader and decoder handles arbitrary bytes: a real 2.7 and
/// 3.6 file, mutated and read as each version from 1.0 to 3.9, lists or
/// fails with an error, never panics.
#[test]
fn older_readers_survive_mutated_input() {
    let sources = [
        fixture("2.7", "portable.pyc"),
        fixture("3.6", "portable.pyc"),
    ];
    let versions = (0..=6)
        .map(|m| (1, m))
        .chain((0..=7).map(|m| (2, m)))
        .chain((0..=9).map(|m| (3, m)));
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for (major, minor) in versions {
        let version = pybc::versions::PyVersion::new(major, minor);
        for source in &sources {
            for round in 0..20 {
                let mut data = source.clone();
                let flips = if round == 0 { 0 } else { 1 + next() % 4 };
                for _ in 0..flips {
                    let at = 8 + (next() as usize) % (data.len() - 8);
                    data[at] = next() as u8;
                }
                let options = Options {
                    version: Some(version),
                    ..Options::default()
                };
                let _ = pybc::dis_text(&data, &options);
                let arena = pybc::Arena::new();
                if let Ok(module) = pybc::load(&data, &arena, &options) {
                    let _ = pybc::info_text(&module);
                    let _ = pybc::render(&module, "x", &options, pybc::Format::Json);
                }
            }
        }
    }
}
