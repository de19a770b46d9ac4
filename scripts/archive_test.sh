#!/usr/bin/env bash
# pybc reads bytecode straight out of archives. Downloads two small
# pure-Python packages from PyPI, compiles them with a real interpreter
# (compileall), packs the result as a wheel and as a zipapp, and checks that
# pybc disassembles the archive members directly, as that interpreter's own
# dis does, with -j, -o DIR and --format html (source found in the archive).
#
#   scripts/archive_test.sh [PYTHON]      (default: python3)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-python3}
pybc=${PYBC:-$PWD/target/release/pybc}
[[ -x "$pybc" ]] || cargo build --release --quiet -p pybc-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() {
    if eval "$2"; then passed=$((passed + 1)); echo "ok - $1"
    else failed=$((failed + 1)); echo "not ok - $1"; fi
}

"$python" -m pip download --quiet --no-deps --only-binary=:all: -d "$work/dl" \
    six==1.17.0 toml==0.10.2
wheel=$(ls "$work"/dl/six-*.whl)
"$python" - "$wheel" "$work" <<'PY'
import compileall, os, sys, zipfile, zipapp
wheel, work = sys.argv[1], sys.argv[2]
# The wheel, with bytecode compiled by this interpreter added (__pycache__).
tree = os.path.join(work, "six")
zipfile.ZipFile(wheel).extractall(tree)
compileall.compile_dir(tree, quiet=1)
with zipfile.ZipFile(os.path.join(work, "six-compiled.whl"), "w", zipfile.ZIP_DEFLATED) as z:
    for d, _, files in sorted(os.walk(tree)):
        for f in sorted(files):
            p = os.path.join(d, f)
            z.write(p, os.path.relpath(p, tree))
# A zipapp of toml with its bytecode.
app = os.path.join(work, "app")
for w in os.listdir(os.path.join(work, "dl")):
    if w.startswith("toml-"):
        zipfile.ZipFile(os.path.join(work, "dl", w)).extractall(app)
with open(os.path.join(app, "__main__.py"), "w") as f:
    f.write("import toml\nprint(toml.dumps({'a': 1}))\n")
compileall.compile_dir(app, quiet=1)
zipapp.create_archive(app, os.path.join(work, "toml.pyz"))
PY
whl="$work/six-compiled.whl"
pyz="$work/toml.pyz"
tag=$("$python" -c 'import sys; print(sys.implementation.cache_tag)')

# One member, against the interpreter's own dis of the same .pyc.
rc=0; "$pybc" "$whl" >"$work/whl.dis" 2>"$work/whl.err" || rc=$?
check "pybc lists the wheel (exit 0)" "[[ $rc -eq 0 ]]"
"$python" - "$work/six/__pycache__/six.$tag.pyc" >"$work/six.expected" <<'PY'
import dis, marshal, re, sys
with open(sys.argv[1], "rb") as f:
    code = marshal.loads(f.read()[16:])
import io, contextlib
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    dis.dis(code)
sys.stdout.write(re.sub(r" at 0x[0-9a-f]+", " at 0xADDR", buf.getvalue()))
PY
"$pybc" "$whl" 2>/dev/null | awk -v want="==> $whl!__pycache__/six.$tag.pyc <==" \
    '/^==> /{on = ($0 == want); next} on' | sed -E 's/ at 0x[0-9a-f]+/ at 0xADDR/g' >"$work/six.actual"
check "six.py from the wheel equals $python's dis ($(wc -l <"$work/six.expected") lines)" \
    "[[ -s '$work/six.expected' ]] && cmp -s '$work/six.expected' '$work/six.actual'"
check "the summary counts the files and failures" "grep -Eq '^pybc: [0-9]+ files?, 0 failed' '$work/whl.err'"

# The zipapp, in parallel, one output file per member.
"$pybc" -j 2 -o "$work/out" --format json "$pyz" 2>"$work/pyz.err"
count=$(find "$work/out" -name '*.json' | wc -l)
members=$("$python" -c 'import sys, zipfile; print(sum(n.endswith(".pyc") for n in zipfile.ZipFile(sys.argv[1]).namelist()))' "$pyz")
check "-o writes one JSON file per .pyc member ($count of $members)" "[[ $count -eq $members && $count -gt 0 ]]"
check "the output tree mirrors the archive" "[[ -f '$work/out/toml.pyz/toml/__pycache__/decoder.$tag.pyc.json' ]]"

# HTML with the source taken from the archive.
"$pybc" --format html "$pyz" >"$work/pyz.html" 2>/dev/null
check "HTML pages carry the sources from the archive" "grep -q 'def loads' '$work/pyz.html'"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
