//! Times `parse_module` (parse + lower) over files read into memory first;
//! the Rust side of `scripts/bench_ast.py`.
//!
//! Usage: `ast_bench [--target X.Y] [--repeat N] --list FILES.txt`
//! Prints `files=N bytes=B seconds=S rejected=R` (the best of N rounds).

use std::time::Instant;

fn main() -> std::io::Result<()> {
    let mut target = pybc_ast::Target::PY313;
    let mut repeat = 3;
    let mut list = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--target" => {
                target = args
                    .next()
                    .as_deref()
                    .and_then(pybc_ast::Target::parse)
                    .unwrap_or(target)
            }
            "--repeat" => repeat = args.next().and_then(|n| n.parse().ok()).unwrap_or(repeat),
            "--list" => list = args.next(),
            _ => {}
        }
    }
    let Some(list) = list else {
        eprintln!("usage: ast_bench [--target X.Y] [--repeat N] --list FILES.txt");
        std::process::exit(2);
    };
    let sources: Vec<Vec<u8>> = std::fs::read_to_string(list)?
        .lines()
        .filter(|l| !l.is_empty())
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    let bytes: usize = sources.iter().map(Vec::len).sum();
    let mut best = f64::INFINITY;
    let mut rejected = 0;
    for _ in 0..repeat.max(1) {
        rejected = 0;
        let start = Instant::now();
        for src in &sources {
            match pybc_ast::parse_module(src, target) {
                Ok(m) => drop(std::hint::black_box(m)),
                Err(_) => rejected += 1,
            }
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "files={} bytes={bytes} seconds={best:.4} rejected={rejected}",
        sources.len()
    );
    Ok(())
}
