//! Snapshots of every printer on one small fixture (compiled by CPython
//! 3.13): text, text with source, JSON, JSON Lines, CSV, HTML and info.
//! The snapshots are written by pybc itself (`cargo insta review`); the
//! text listing is separately checked against CPython's own `dis` by
//! `dis_fixtures.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use pybc::{Format, Options};

const FIXTURE: &str = "fixtures/3.13/exceptgroups.pyc";
const SOURCE: &str = "fixtures/src/exceptgroups.py";

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn render(format: Format, show_source: bool) -> String {
    let data = std::fs::read(root().join(FIXTURE)).unwrap();
    let options = Options {
        csv_header: true,
        source: Some(std::fs::read_to_string(root().join(SOURCE)).unwrap()),
        show_source,
        ..Options::default()
    };
    let arena = pybc::Arena::new();
    let module = pybc::load(&data, &arena, &options).unwrap();
    pybc::render(&module, "exceptgroups.pyc", &options, format).unwrap()
}

#[test]
fn text() {
    insta::assert_snapshot!(render(Format::Text, false));
}

#[test]
fn text_with_source() {
    insta::assert_snapshot!(render(Format::Text, true));
}

#[test]
fn json() {
    insta::assert_snapshot!(render(Format::Json, false));
}

#[test]
fn jsonl() {
    insta::assert_snapshot!(render(Format::Jsonl, false));
}

#[test]
fn csv() {
    insta::assert_snapshot!(render(Format::Csv, false));
}

#[test]
fn html() {
    insta::assert_snapshot!(render(Format::Html, false));
}

#[test]
fn info() {
    let data = std::fs::read(root().join(FIXTURE)).unwrap();
    let arena = pybc::Arena::new();
    let module = pybc::load(&data, &arena, &Options::default()).unwrap();
    insta::assert_snapshot!(pybc::info_text(&module).unwrap());
}

#[test]
fn colour_keeps_the_text() {
    let text = render(Format::Text, false);
    let colored = pybc::color::ansi(&text);
    assert!(colored.contains("\x1b["));
    let mut plain = String::new();
    let mut skipping = false;
    for c in colored.chars() {
        match (skipping, c) {
            (false, '\x1b') => skipping = true,
            (true, 'm') => skipping = false,
            (false, c) => plain.push(c),
            _ => {}
        }
    }
    assert_eq!(plain, text);
}
