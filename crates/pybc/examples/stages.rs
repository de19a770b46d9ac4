//! Time of each stage of a text listing over many `.pyc` files:
//! `cargo run --release -p pybc --example stages -- FILE_LIST`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::time::Instant;

#[path = "../tests/common/mod.rs"]
mod common;

use pybc::model::Object;
use pybc::Options;

fn main() {
    let list = std::env::args()
        .nth(1)
        .expect("a file listing one .pyc per line");
    let names = std::fs::read_to_string(list).unwrap();
    let files: Vec<Vec<u8>> = names.lines().map(|n| std::fs::read(n).unwrap()).collect();
    let options = Options::default();

    // Loaded and freed one at a time, as a run does: memory stays warm.
    let mut arena = pybc::Arena::new();
    let t = Instant::now();
    for f in &files {
        std::hint::black_box(pybc::load(f, &arena, &options).unwrap());
        arena.reset();
    }
    println!("load+free{:>8.3}s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let arena = pybc::Arena::new();
    let modules: Vec<pybc::Module> = files
        .iter()
        .map(|f| pybc::load(f, &arena, &options).unwrap())
        .collect();
    println!("load     {:>8.3}s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    for m in &modules {
        pybc::budget::check(m, m.dialect().unwrap()).unwrap();
    }
    println!("budget   {:>8.3}s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let mut count = 0usize;
    for m in &modules {
        let d = m.dialect().unwrap();
        let Object::Code(root) = m.code else {
            continue;
        };
        let mut codes = Vec::new();
        common::all_codes(root, &mut codes);
        let addresses = pybc::dis::CodeAddresses::new();
        let printer = pybc::dis::TextPrinter::new(d, Default::default(), &addresses);
        for c in codes {
            count += pybc::dis::decode(c, d, &|o| printer.repr(o))
                .instructions
                .len();
        }
    }
    println!(
        "decode   {:>8.3}s ({count} instructions)",
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let mut bytes = 0usize;
    for m in &modules {
        bytes += pybc::module_text(m, &options).unwrap().len();
    }
    println!(
        "text     {:>8.3}s ({bytes} bytes, budget included)",
        t.elapsed().as_secs_f64()
    );
}
