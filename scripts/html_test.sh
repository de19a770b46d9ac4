#!/usr/bin/env bash
# The HTML page in a real browser: installs Chromium (Debian package) and
# playwright-core (npm) when missing, writes the page of a fixture laid out
# as an installed package (source next to its __pycache__), and runs
# scripts/html/html_test.mjs on it (click, highlight, links, folding,
# screenshot compared with scripts/html/expected.png).
#
#   scripts/html_test.sh [--update]    --update rewrites the screenshot
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x /usr/bin/chromium ]]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi
if [[ ! -d scripts/html/node_modules/playwright-core ]]; then
    (cd scripts/html && npm ci --no-audit --no-fund --silent)
fi
pybc=${PYBC:-$PWD/target/release/pybc}
[[ -x "$pybc" ]] || cargo build --release --quiet -p pybc-cli
root=$PWD

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/pkg/__pycache__"
cp fixtures/src/exceptgroups.py "$work/pkg/exceptgroups.py"
cp fixtures/3.13/exceptgroups.pyc "$work/pkg/__pycache__/exceptgroups.cpython-313.pyc"
# A relative input path keeps the page title, and so the screenshot, stable.
cd "$work"
pyc=pkg/__pycache__/exceptgroups.cpython-313.pyc
"$pybc" --format html "$pyc" >page.html
"$pybc" --format json "$pyc" >expected.json
node "$root/scripts/html/html_test.mjs" page.html 6 expected.json \
    "$root/scripts/html/expected.png" "${1:-}"
