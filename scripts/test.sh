#!/usr/bin/env bash
# Every test pybc has, from a fresh clone: formatting and lints, unit,
# snapshot and fixture tests, the generated tables, the conformance suites
# against real interpreters (installed here if missing) and a fixed-seed
# slice of the hostile-input sweep.
#
#   scripts/test.sh            everything
#   scripts/test.sh --quick    stop after `cargo test` (no interpreters needed)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
step "cargo test"
cargo test --workspace --quiet
step "generated opcode tables are up to date"
python3 scripts/gen_opcodes.py --check

if [[ "${1:-}" == "--quick" ]]; then
    exit 0
fi

step "cargo build --release"
cargo build --release --quiet
step "README examples are pybc's current output"
python3 scripts/readme_examples.py --check
step "HTML page in headless Chromium"
scripts/html_test.sh
step "bytecode read straight from a wheel and a zipapp (packages from PyPI)"
scripts/archive_test.sh
step "reference interpreters"
python3 scripts/oracles.py install
python3 scripts/oracles.py list
step "opcode tables agree with each interpreter"
python3 scripts/gen_opcodes.py --verify
step "conformance against the real dis (whole standard libraries)"
python3 scripts/conformance.py --strict --versions 2.7,3.6,3.7,3.8,3.9,3.10,3.11,3.12,3.13,3.14,3.15
step "pybc-ast against each version's ast.dump (every 4th stdlib file, 3.12-3.14)"
python3 scripts/ast_conformance.py --sample 4 --strict
step "older CPython and PyPy: pybc against xdis on xdis's test .pyc files"
python3 scripts/opcodes_from_xdis.py --check
python3 scripts/xdis_compare.py --strict
step "hostile input: mutation sweep (fixed-seed CI slice)"
python3 scripts/mutation_sweep.py --ci
