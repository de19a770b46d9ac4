//! The hot paths, measured on the fixture modules of every version:
//! marshal decoding, instruction decoding and `dis` text printing.
//!
//! `cargo bench -p pybc --bench hot_paths`. Whole-corpus comparisons with
//! CPython's `dis` and xdis are in `scripts/bench.py`.

// Benchmark setup fails loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pybc::model::Object;
use pybc::Options;

#[path = "../tests/common/mod.rs"]
mod common;

/// Every fixture `.pyc`, read once.
fn corpus() -> Vec<Vec<u8>> {
    common::fixture_pycs()
        .into_iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

fn hot_paths(c: &mut Criterion) {
    let files = corpus();
    let bytes: u64 = files.iter().map(|f| f.len() as u64).sum();
    let options = Options::default();
    let arena = pybc::Arena::new();
    let modules: Vec<pybc::Module> = files
        .iter()
        .map(|f| pybc::load(f, &arena, &options).unwrap())
        .collect();

    let mut group = c.benchmark_group("fixtures");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("marshal_load", |b| {
        b.iter(|| {
            for f in &files {
                let arena = pybc::Arena::new();
                std::hint::black_box(pybc::load(f, &arena, &options).unwrap());
            }
        })
    });
    group.bench_function("decode_instructions", |b| {
        b.iter(|| {
            for m in &modules {
                let dialect = m.dialect().unwrap();
                let Object::Code(root) = m.code else {
                    continue;
                };
                let mut codes = Vec::new();
                common::all_codes(root, &mut codes);
                let repr = |o: &Object| pybc::repr::repr(o, m.version, &|_| 0x10000);
                for code in codes {
                    std::hint::black_box(pybc::dis::decode(code, dialect, &repr));
                }
            }
        })
    });
    group.bench_function("dis_text", |b| {
        b.iter(|| {
            for m in &modules {
                std::hint::black_box(pybc::module_text(m, &options).unwrap());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, hot_paths);
criterion_main!(benches);
