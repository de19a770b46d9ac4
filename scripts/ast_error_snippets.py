#!/usr/bin/env python3
"""Syntax errors as CPython's own test suite writes them, compared.

Extracts every doctest example of a version's ``test/test_syntax.py`` (the
``>>>``/``...`` blocks whose expected output names an error) into one file
each, then runs scripts/ast_conformance.py on those files for that version:
both sides parse each snippet, and the report shows how many are accepted
or rejected alike and how many errors agree on class, message, line and
offset.  The expected outputs are whatever the real interpreter prints for
the extracted file, never the doctest text.

Usage: ast_error_snippets.py [--versions 3.12,3.13,3.14] [--out DIR]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracles  # noqa: E402

ERROR_LINE = re.compile(r"^\s*(SyntaxError|IndentationError|TabError)\b")


def snippets(path):
    """Source of each doctest example that expects an error."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(">>> "):
            indent = len(line) - len(line.lstrip())
            src = [line[indent + 4:]]
            i += 1
            while i < len(lines) and lines[i][indent:indent + 4] in ("... ", "..."):
                src.append(lines[i][indent + 4:])
                i += 1
            expect = []
            while i < len(lines) and lines[i].strip() and not lines[i].lstrip().startswith(">>>"):
                expect.append(lines[i])
                i += 1
            if any(ERROR_LINE.match(e) for e in expect):
                out.append("\n".join(src) + "\n")
        else:
            i += 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--versions", default="3.12,3.13,3.14")
    ap.add_argument("--out", default=os.path.join(oracles.ROOT, "conformance-report", "snippets"))
    args = ap.parse_args()
    found = {o.version: o for o in oracles.available()}
    for v in args.versions.split(","):
        o = found.get(v)
        src = o and o.stdlib_dir and os.path.join(o.stdlib_dir, "test", "test_syntax.py")
        if not src or not os.path.exists(src):
            print("ast_error_snippets: no test_syntax.py for %s; skipped" % v)
            continue
        with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
            for n, text in enumerate(snippets(src)):
                with open(os.path.join(tmp, "s%04d.py" % n), "w", encoding="utf-8") as f:
                    f.write(text)
            subprocess.run([sys.executable, os.path.join(oracles.ROOT, "scripts", "ast_conformance.py"),
                            "--versions", v, "--out", args.out, tmp], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
