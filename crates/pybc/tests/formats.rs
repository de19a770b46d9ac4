//! The machine-readable formats: JSON and JSON Lines validate against the
//! committed schema; CSV parses back to one row per instruction.

// Test helpers fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};

use pybc::{Format, Options};

fn fixtures() -> Vec<PathBuf> {
    common::fixture_pycs()
}

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema/pybc.schema.json"),
    )
    .unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&value).unwrap()
}

fn render(path: &Path, format: Format, csv_header: bool) -> String {
    let data = std::fs::read(path).unwrap();
    let options = Options {
        csv_header,
        ..Options::default()
    };
    let arena = pybc::Arena::new();
    let module = pybc::load(&data, &arena, &options).unwrap();
    pybc::render(&module, "fixture.pyc", &options, format).unwrap()
}

fn instruction_count(value: &serde_json::Value) -> usize {
    let code = &value["code"];
    let own = code["instructions"].as_array().map_or(0, Vec::len);
    let children: usize = code["children"]
        .as_array()
        .map(|c| {
            c.iter()
                .map(|child| instruction_count(&serde_json::json!({ "code": child })))
                .sum()
        })
        .unwrap_or(0);
    own + children
}

#[test]
fn json_documents_match_the_schema() {
    let validator = schema();
    for path in fixtures() {
        let doc: serde_json::Value =
            serde_json::from_str(&render(&path, Format::Json, false)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        assert!(instruction_count(&doc) > 0);
    }
}

#[test]
fn json_lines_match_the_schema_and_cover_every_code_object() {
    let validator = schema();
    for path in fixtures() {
        let doc: serde_json::Value =
            serde_json::from_str(&render(&path, Format::Json, false)).unwrap();
        let lines = render(&path, Format::Jsonl, false);
        let mut instructions = 0;
        for line in lines.lines() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            instructions += value["code"]["instructions"].as_array().map_or(0, Vec::len);
        }
        assert_eq!(instructions, instruction_count(&doc), "{}", path.display());
    }
}

#[test]
fn csv_has_one_row_per_instruction() {
    for path in fixtures() {
        let doc: serde_json::Value =
            serde_json::from_str(&render(&path, Format::Json, false)).unwrap();
        let text = render(&path, Format::Csv, true);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        assert_eq!(&headers[0], "file");
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), instruction_count(&doc), "{}", path.display());
        assert!(rows.iter().all(|r| r.len() == headers.len()));
    }
}

/// The typed, whole view (`code_json`) holds every field of the streamed
/// JSON of a code object tree, in order: written again, it is the same
/// text, byte for byte.
#[test]
fn streamed_json_equals_the_whole_view() {
    use pybc::dis::json::{code_json, CodeJsonStream};
    use pybc::dis::CodeAddresses;

    for path in fixtures() {
        let data = std::fs::read(&path).unwrap();
        let arena = pybc::Arena::new();
        let module = pybc::load(&data, &arena, &Options::default()).unwrap();
        let dialect = module.dialect().unwrap();
        let pybc::model::Object::Code(root) = module.code else {
            panic!("{}: not code", path.display());
        };
        let whole = serde_json::to_string_pretty(
            &code_json(root, dialect, &CodeAddresses::new(), &[], true).unwrap(),
        )
        .unwrap();
        let addresses = CodeAddresses::new();
        let streamed = serde_json::to_string_pretty(&CodeJsonStream {
            code: root,
            dialect,
            addresses: &addresses,
            parent_path: Vec::new(),
            nested: true,
        })
        .unwrap();
        assert_eq!(streamed, whole, "{}", path.display());
    }
}
