//! pybc-ast against fixtures written by the real interpreters
//! (`scripts/gen_ast_fixtures.py`): for every target version and source,
//! the dump (plain and `indent=2`) or the error line must be identical.
//! `fixtures/known-gaps.txt` lists the `X.Y NAME` pairs that still differ;
//! the test fails when that list is not exactly the set of differences
//! (`PYBC_UPDATE_GAPS=1 cargo test -p pybc-ast --test fixtures` rewrites it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use pybc_ast::{dump, parse_module, DumpOptions, Error, Target};

fn ours(src: &[u8], target: Target, indent: Option<usize>) -> String {
    match parse_module(src, target) {
        Ok(m) => dump(
            &m,
            &DumpOptions {
                target,
                include_attributes: true,
                indent,
            },
        ),
        Err(Error::Syntax(e)) => e.to_string(),
        Err(e) => format!("Error: {e}"),
    }
}

#[test]
fn fixtures_match_cpython() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let known: BTreeSet<String> = fs::read_to_string(dir.join("known-gaps.txt"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    let mut failing = BTreeSet::new();
    let mut checked = 0;
    for target in Target::ALL {
        let vdir = dir.join(target.to_string());
        let mut names: Vec<_> = fs::read_dir(dir.join("src"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        for src_path in names {
            let name = src_path.file_stem().unwrap().to_string_lossy().into_owned();
            let src = fs::read(&src_path).unwrap();
            for (suffix, indent) in [("dump", None), ("indent.dump", Some(2))] {
                let Ok(expected) = fs::read(vdir.join(format!("{name}.{suffix}"))) else {
                    continue;
                };
                let expected = String::from_utf8_lossy(&expected);
                let got = ours(&src, target, indent);
                checked += 1;
                if got.trim_end() != expected.trim_end() {
                    if !known.contains(&format!("{target} {name}")) {
                        eprintln!(
                            "{target} {name}.{suffix}:\n  cpython : {expected}\n  pybc-ast: {got}"
                        );
                    }
                    failing.insert(format!("{target} {name}"));
                }
            }
        }
    }
    assert!(checked > 100, "fixtures missing ({checked} checked)");
    if std::env::var_os("PYBC_UPDATE_GAPS").is_some() {
        let mut text = String::from(
            "# X.Y NAME pairs whose output still differs from CPython's (see tests/fixtures.rs).\n",
        );
        for f in &failing {
            text.push_str(f);
            text.push('\n');
        }
        fs::write(dir.join("known-gaps.txt"), text).unwrap();
        return;
    }
    let unexpected: Vec<_> = failing.difference(&known).collect();
    let fixed: Vec<_> = known.difference(&failing).collect();
    assert!(
        unexpected.is_empty() && fixed.is_empty(),
        "new differences: {unexpected:?}; now passing (remove from known-gaps.txt): {fixed:?}"
    );
}
