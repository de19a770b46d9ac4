//! Bad inputs give one clear line on stderr, exit status 1, and never stop
//! the other files from being processed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/3.13/fetch_to_csv.pyc")
}

fn pybc(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pybc"))
        .args(args)
        .output()
        .expect("pybc runs")
}

/// Runs pybc on `data` and returns its single stderr line (with the file
/// name replaced by FILE), checking exit status 1 and a single line.
fn error_for(data: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.pyc");
    std::fs::write(&path, data).unwrap();
    let out = pybc(&[&path]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr}");
    stderr
        .trim_end()
        .replace(&path.display().to_string(), "FILE")
}

#[test]
fn empty_file() {
    assert_eq!(error_for(b""), "FILE: empty file");
}

#[test]
fn unknown_magic_number() {
    let msg = error_for(b"\x01\x02\r\n\0\0\0\0\0\0\0\0\0\0\0\0\xe3");
    assert_eq!(
        msg,
        "FILE: unknown magic number 513 (bytes 01 02 0d 0a); use --pyversion to force a version"
    );
}

#[test]
fn truncated_everywhere() {
    let good = std::fs::read(fixture()).unwrap();
    // Every cut point must give an error line, never a panic or success.
    for cut in 1..good.len() {
        let msg = error_for(&good[..cut]);
        assert!(
            msg.contains("truncated") || msg.contains("too short") || msg.contains("expected"),
            "cut at {cut}: {msg}"
        );
    }
}

#[test]
fn truncation_names_offset_and_need() {
    let good = std::fs::read(fixture()).unwrap();
    let msg = error_for(&good[..40]);
    assert!(
        msg.starts_with("FILE: truncated marshal data at offset "),
        "{msg}"
    );
    assert!(msg.contains("more bytes for"), "{msg}");
}

#[test]
fn corrupted_type_code() {
    let mut data = std::fs::read(fixture()).unwrap();
    data[16] = 0x07;
    assert_eq!(
        error_for(&data),
        "FILE: unknown marshal type code 0x07 (?) at offset 16"
    );
}

#[test]
fn empty_directory_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let out = pybc(&[dir.path()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.lines().next(),
        Some(
            format!(
                "{}: no .pyc or .py files in this directory",
                dir.path().display()
            )
            .as_str()
        )
    );
}

#[test]
fn missing_file_is_reported() {
    let out = pybc(&[Path::new("/nonexistent/x.pyc")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("/nonexistent/x.pyc: cannot read: "),
        "{stderr}"
    );
    // The cause is said once, not again as the error's source.
    let first_line = stderr.lines().next().unwrap_or_default();
    assert_eq!(first_line.matches("os error").count(), 1, "{stderr}");
}

#[test]
fn other_files_still_processed() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.pyc");
    std::fs::write(&bad, b"").unwrap();
    let good = fixture();
    let out = pybc(&[&bad, &good]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("RESUME"), "{stdout}");
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("empty file"));
}
