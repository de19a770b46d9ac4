//! The text listing of every fixture equals what the real interpreter's
//! `dis.dis` printed for it (fixtures/<X.Y>/, written by
//! scripts/make_fixtures.py), for each option that version has.

// Test helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::PathBuf;

use pybc::Options;

mod common;
use common::fixtures_root;

/// Replaces object addresses (` at 0x7f...`) with ` at 0xADDR`.
fn normalize_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(" at 0x") {
        out.push_str(&rest[..i]);
        out.push_str(" at 0xADDR");
        let tail = &rest[i + " at 0x".len()..];
        let end = tail
            .find(|c: char| !c.is_ascii_hexdigit() && c != 'A' && c != 'D' && c != 'R')
            .unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Index just past the string literal starting at `i` (a quote).
fn skip_string(s: &[u8], mut i: usize) -> usize {
    let quote = s[i];
    i += 1;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    s.len()
}

/// Sorts the elements of each `frozenset({...})`: 32-bit interpreters hash
/// strings differently, so their sets iterate in another order.
fn sort_frozensets(text: &str) -> String {
    let s = text.as_bytes();
    let mut out = String::new();
    let mut last = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find("frozenset({") {
        let open = search + found + "frozenset({".len();
        let mut items = Vec::new();
        let (mut depth, mut start, mut i) = (0usize, open, open);
        while i < s.len() {
            match s[i] {
                b'\'' | b'"' => {
                    i = skip_string(s, i);
                    continue;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth > 0 => depth -= 1,
                b'}' => break,
                b',' if depth == 0 => {
                    items.push(text[start..i].trim());
                    start = i + 1;
                }
                _ => {}
            }
            i += 1;
        }
        items.push(text[start..i.min(s.len())].trim());
        items.sort_unstable();
        out.push_str(&text[last..open]);
        out.push_str(&items.join(", "));
        last = i.min(s.len());
        search = last;
    }
    out.push_str(&text[last..]);
    out
}

#[test]
fn frozenset_sorting_helper() {
    assert_eq!(
        sort_frozensets("x (frozenset({'b', 'a,}', ('c', 1)})) y"),
        "x (frozenset({'a,}', 'b', ('c', 1)})) y"
    );
}

#[test]
fn every_fixture_listing_equals_the_interpreters() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut versions: Vec<PathBuf> = std::fs::read_dir(fixtures_root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("oracle.json").is_file())
        .collect();
    versions.sort();
    assert!(versions.len() >= 6, "fixtures for 3.10 to 3.15 expected");
    for dir in versions {
        let oracle: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("oracle.json")).unwrap())
                .unwrap();
        let hash_bits = oracle["hash_bits"].as_u64().unwrap();
        for sample in oracle["samples"].as_array().unwrap() {
            let sample = sample.as_str().unwrap();
            let data = std::fs::read(dir.join(format!("{sample}.pyc"))).unwrap();
            for option in oracle["options"].as_array().unwrap() {
                let option = option.as_str().unwrap();
                let (suffix, options) = match option {
                    "default" => ("dis", Options::default()),
                    "C" => (
                        "C.dis",
                        Options {
                            show_caches: true,
                            ..Options::default()
                        },
                    ),
                    "O" => (
                        "O.dis",
                        Options {
                            show_offsets: true,
                            ..Options::default()
                        },
                    ),
                    "P" => (
                        "P.dis",
                        Options {
                            show_positions: true,
                            ..Options::default()
                        },
                    ),
                    other => panic!("unknown option {other}"),
                };
                let expected_path = dir.join(format!("{sample}.{suffix}"));
                let expected = std::fs::read_to_string(&expected_path).unwrap();
                let actual = normalize_addresses(&pybc::dis_text(&data, &options).unwrap());
                let (expected, actual) = if hash_bits == 32 {
                    (sort_frozensets(&expected), sort_frozensets(&actual))
                } else {
                    (expected, actual)
                };
                checked += 1;
                if expected != actual {
                    let line = expected
                        .lines()
                        .zip(actual.lines())
                        .position(|(e, a)| e != a)
                        .unwrap_or(0);
                    failures.push(format!(
                        "{}: first difference at line {}:\n  expected: {:?}\n  pybc:     {:?}",
                        expected_path.display(),
                        line + 1,
                        expected.lines().nth(line),
                        actual.lines().nth(line)
                    ));
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} listings checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Calls `check` with each fixture's path, text listing and whole text.
fn each_listing(mut check: impl FnMut(&std::path::Path, &pybc::TextListing, &str)) {
    for pyc in common::fixture_pycs() {
        let data = std::fs::read(&pyc).unwrap();
        let options = Options::default();
        let arena = pybc::Arena::new();
        let module = pybc::load(&data, &arena, &options).unwrap();
        let listing = pybc::TextListing::new(&module, &options).unwrap();
        let mut whole = String::new();
        listing.write_into(&mut whole);
        check(&pyc, &listing, &whole);
    }
}

/// Streaming a listing in small pieces gives the same text, cut only at
/// line ends.
#[test]
fn streamed_listings_equal_whole_ones() {
    let mut checked = 0;
    each_listing(|pyc, listing, whole| {
        let mut pieces: Vec<String> = Vec::new();
        listing.stream(64, &mut |text| pieces.push(text.to_string()));
        assert!(
            pieces.iter().all(|p| p.ends_with('\n')),
            "{}: a piece ends inside a line",
            pyc.display()
        );
        assert_eq!(pieces.concat(), whole, "{}", pyc.display());
        if pieces.len() > 10 {
            checked += 1;
        }
    });
    assert!(checked > 50, "only {checked} listings came in many pieces");
}

/// A listing written within a limit is the whole listing when it fits,
/// and stops (reporting so) when it does not, soon after the limit.
#[test]
fn listings_within_a_limit_stop_past_it() {
    let mut stopped = 0;
    each_listing(|pyc, listing, whole| {
        let mut fits = String::from("header\n");
        assert!(listing.write_within(&mut fits, whole.len() + 7));
        assert_eq!(fits, format!("header\n{whole}"), "{}", pyc.display());
        if whole.len() > 2000 {
            let mut cut = String::new();
            assert!(!listing.write_within(&mut cut, 1000), "{}", pyc.display());
            // Stopped at the first line past the limit (before 3.6, at
            // the end of the code object: those listings are built whole).
            assert!(whole.starts_with(&cut), "{}", pyc.display());
            if cut.len() < whole.len() {
                stopped += 1;
            }
        }
    });
    assert!(stopped > 50, "only {stopped} listings were cut");
}
