#!/usr/bin/env bash
# Runs pybc's cargo-fuzz targets (fuzz/), each for a bounded time, one after
# the other, at low priority; then minimises each corpus (cargo fuzz cmin).
#
#   scripts/fuzz.sh                      every target, 600 s each
#   scripts/fuzz.sh -t 60 pyc_to_text    one target, 60 s
#   scripts/fuzz.sh --list               the targets
#
# Options:
#   -t, --time SECONDS   time per target (default 600)
#   -r, --runs N         stop a target after N executions instead (0: no limit)
#   -s, --sanitizer S    address | none (default none: several times faster;
#                        panics, hangs and memory blow-ups are caught either
#                        way; pybc's two unsafe blocks, the ASCII column
#                        writer in pybc-dis/src/columns.rs and ascii_text in
#                        pybc-model/src/string.rs, are what address checks)
#   --no-cmin            keep the corpus as the run left it
#
# State lives outside git, under $CARGO_TARGET_DIR (default target-fuzz/):
#   corpus/<target>/     the working corpus, seeded from fuzz/seeds/<target>/
#                        and from real .pyc files of every version at hand
#                        (scripts/pyc_samples.py --fuzz-seeds)
#   artifacts/<target>/  crashing, timing-out and memory-hungry inputs
#   logs/<target>.log    libFuzzer's output
# A crash ends the script with status 1; turn the artifact into a regression
# test in crates/pybc/tests/hostile.rs (`cargo fuzz fmt TARGET FILE` shows it).
#
# cargo-fuzz is installed when missing (cargo install cargo-fuzz). libFuzzer
# needs nightly compiler flags: RUSTC_BOOTSTRAP=1 lets the stable toolchain
# take them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

TIME=600
RUNS=0
SANITIZER=none
CMIN=1
TARGETS=()
ALL_TARGETS=()
for f in fuzz/fuzz_targets/*.rs; do
    ALL_TARGETS+=("$(basename "$f" .rs)")
done

while [[ $# -gt 0 ]]; do
    case "$1" in
        -t|--time) TIME=$2; shift 2 ;;
        -r|--runs) RUNS=$2; shift 2 ;;
        -s|--sanitizer) SANITIZER=$2; shift 2 ;;
        --no-cmin) CMIN=0; shift ;;
        --list) printf '%s\n' "${ALL_TARGETS[@]}"; exit 0 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) TARGETS+=("$1"); shift ;;
    esac
done
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=("${ALL_TARGETS[@]}")

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target-fuzz}
STATE=$CARGO_TARGET_DIR
mkdir -p "$STATE/logs"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> installing cargo-fuzz"
    nice -n 10 cargo install cargo-fuzz --locked
fi

echo "==> seeds"
SEEDS=$(mktemp -d)
trap 'rm -rf "$SEEDS"' EXIT
python3 scripts/pyc_samples.py --fuzz-seeds "$SEEDS"

FUZZ=(nice -n 10 cargo fuzz)
# Debug assertions: an arithmetic overflow panics instead of wrapping.
BUILD_FLAGS=(--sanitizer "$SANITIZER" --debug-assertions --target-dir "$CARGO_TARGET_DIR")
status=0
summary=()
for target in "${TARGETS[@]}"; do
    if [[ ! -f fuzz/fuzz_targets/$target.rs ]]; then
        echo "fuzz.sh: no target $target (have: ${ALL_TARGETS[*]})" >&2
        exit 2
    fi
    corpus=$STATE/corpus/$target
    artifacts=$STATE/artifacts/$target
    log=$STATE/logs/$target.log
    mkdir -p "$corpus" "$artifacts"
    for d in "fuzz/seeds/$target" "$SEEDS/$target"; do
        if [[ -d $d ]]; then
            find "$d" -maxdepth 1 -type f -exec cp -n {} "$corpus"/ \;
        fi
    done

    echo "==> $target: ${TIME}s$([[ $RUNS -gt 0 ]] && echo " or $RUNS runs") ($(ls "$corpus" | wc -l) inputs)"
    "${FUZZ[@]}" build "${BUILD_FLAGS[@]}" "$target"
    args=(
        -max_total_time="$TIME"
        -timeout=10
        -rss_limit_mb=2048
        -malloc_limit_mb=1024
        -max_len=65536
        -print_final_stats=1
        -artifact_prefix="$artifacts/"
    )
    [[ $RUNS -gt 0 ]] && args+=(-runs="$RUNS")
    start=$(date +%s)
    if "${FUZZ[@]}" run "${BUILD_FLAGS[@]}" "$target" "$corpus" -- "${args[@]}" >"$log" 2>&1; then
        result=ok
    else
        result="FAILED (see $log and $artifacts)"
        status=1
    fi
    secs=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    tail -n 25 "$log" | grep -E '^(==|SUMMARY|stat::|Done|INFO: a corpus|.*panicked)' || true
    if [[ $CMIN == 1 && $result == ok ]]; then
        before=$(ls "$corpus" | wc -l)
        "${FUZZ[@]}" cmin "${BUILD_FLAGS[@]}" "$target" "$corpus" -- -timeout=10 -rss_limit_mb=2048 \
            >>"$log" 2>&1 || echo "cmin failed for $target (see $log)"
        echo "    corpus: $before -> $(ls "$corpus" | wc -l) inputs"
    fi
    summary+=("$(printf '%-15s %6ss %12s executions  %s' "$target" "$secs" "${execs:-?}" "$result")")
done

echo
echo "==> summary"
printf '%s\n' "${summary[@]}"
exit $status
