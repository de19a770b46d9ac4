#!/usr/bin/env python3
"""Compare pybc-ast's AST dumps with CPython's, version by version.

For every ``.py`` file of a version's standard library (its ``test/``
package included where the oracle has one; site-packages excluded) both
sides print ``ast.dump(ast.parse(src), include_attributes=True)``:
CPython through scripts/ast_dump.py run by that version's interpreter
(scripts/oracles.py: a pyenv build, or Pyodide for 3.14), pybc-ast through
its ``ast_dump`` example with ``--target X.Y``.

A file counts as identical when both dumps are equal, or when both sides
reject it with the same error class, message, line and offset.  The report
gives identical/total; for files CPython rejects, how many pybc-ast also
rejects and how many agree on line and on message; and, per node type and
field, how many files first differ there, with the first such file and
both sides' text around the difference.

Usage: ast_conformance.py [--versions 3.12,3.13,3.14] [--ours BIN]
                          [--out DIR] [--sample N] [PATH...]
  --versions  targets to check (default: every one with an oracle)
  --ours      pybc-ast's ast_dump binary (default: built with cargo, release)
  --out       write DIR/ast-X.Y.md per version (default: conformance-report/)
  --sample N  check only every N-th file (a fast run; bad files always kept)
  PATH        files or directories to check instead of the stdlib
With --strict, exits 1 when a file's dump differs or only one side rejects
it (differences in error messages alone are reported, not fatal).
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracles  # noqa: E402

ROOT = oracles.ROOT
MARKER = "\x01----pybc-ast-end----"
TARGETS = ("3.12", "3.13", "3.14")
ERR_RE = re.compile(r"^(\w+): (.*) \(line (-?\w+), offset (-?\w+)\)$", re.S)


def build_ours():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    env = dict(os.environ, CARGO_TARGET_DIR=target)
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "pybc-ast", "--example", "ast_dump"],
                   cwd=ROOT, env=env, check=True)
    return os.path.join(target, "release", "examples", "ast_dump")


def collect(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if d not in ("site-packages", "__pycache__"))
                files.extend(os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith(".py"))
        else:
            files.append(p)
    return files


def is_bad_file(path):
    """The stdlib's deliberately broken test inputs."""
    base = os.path.basename(path)
    return base.startswith(("badsyntax_", "bad_coding")) or "/test/" in path and "bad" in base


def run_dumper(cmd, env, files, out_path, tmp):
    list_path = os.path.join(tmp, "files.txt")
    with open(list_path, "w", encoding="utf-8") as f:
        f.write("\n".join(files) + "\n")
    with open(out_path, "wb") as out:
        proc = subprocess.run(cmd + ["--list", list_path], stdout=out, stderr=subprocess.PIPE, env=env)
    if proc.returncode != 0:
        sys.stderr.write("dumper %s exited %d: %s\n" % (cmd[0], proc.returncode,
                                                        proc.stderr[-2000:].decode("utf-8", "replace")))


def read_dumps(path):
    """Yields one dump text per file."""
    buf = []
    with open(path, encoding="utf-8", errors="replace", newline="\n") as f:
        for line in f:
            if line.rstrip("\n") == MARKER:
                yield "".join(buf).rstrip("\n")
                buf = []
            else:
                buf.append(line)


def locate(text, pos):
    """(innermost node type, field) open at ``pos`` of a dump text."""
    stack = []  # entries: [node name, current field]
    i, n = 0, min(pos, len(text))
    word_start = None
    while i < n:
        c = text[i]
        if c in "'\"":
            q = c
            i += 1
            while i < n and text[i] != q:
                i += 2 if text[i] == "\\" else 1
            i += 1
            word_start = None
            continue
        if c.isalnum() or c == "_":
            if word_start is None:
                word_start = i
        else:
            if c == "(" and word_start is not None:
                stack.append([text[word_start:i], ""])
            elif c == "=" and word_start is not None and stack:
                stack[-1][1] = text[word_start:i]
            elif c == ")" and stack:
                stack.pop()
            word_start = None
        i += 1
    if not stack:
        return ("Module", "")
    return tuple(stack[-1])


def first_diff(a, b):
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def parse_error(d):
    """(kind, msg, line, offset) of an error line, or None for a dump."""
    m = ERR_RE.match(d)
    if m and m.group(1).endswith("Error"):
        return m.groups()
    if d.startswith(("ValueError:", "RecursionError:", "MemoryError:", "IOError:", "Error:")):
        return (d.split(":", 1)[0], d, "?", "?")
    return None


def compare(version, files, ref_path, our_path, bad_files):
    st = collections.Counter()
    by_node = collections.OrderedDict()
    bad_rows = []
    for path, ref, got in zip(files, read_dumps(ref_path), read_dumps(our_path)):
        st["total"] += 1
        re_, ge = parse_error(ref), parse_error(got)
        if re_:
            st["cpython rejects"] += 1
            if ge:
                st["both reject"] += 1
                st["same line"] += re_[2] == ge[2]
                st["same message"] += (re_[0], re_[1]) == (ge[0], ge[1])
                st["same line+offset+message"] += re_ == ge
        if path in bad_files:
            bad_rows.append((path, re_, ge, ref if not re_ else None))
        if ref == got:
            st["identical"] += 1
            continue
        if re_ and ge:
            key = ("<error differs>", "line" if re_[2] != ge[2] else
                   "message" if re_[:2] != ge[:2] else "offset")
        elif re_:
            key = ("<CPython rejects>", re_[1][:60])
        elif ge:
            key = ("<pybc-ast rejects>", ge[1][:60])
        else:
            key = locate(ref, first_diff(ref, got))
        entry = by_node.setdefault(key, [0, path, ref, got])
        entry[0] += 1
    return st, by_node, bad_rows


def report(version, oracle, st, by_node, bad_rows):
    total = st["total"]
    lines = ["# pybc-ast conformance, target %s (CPython %s, %s)" % (version, oracle.full_version, oracle.kind),
             "",
             "identical: %d/%d (%.2f%%)" % (st["identical"], total, 100.0 * st["identical"] / max(total, 1)),
             "rejected by CPython: %d; also rejected by pybc-ast: %d; same line: %d; same class+message: %d; "
             "same line, offset and message: %d"
             % (st["cpython rejects"], st["both reject"], st["same line"], st["same message"],
                st["same line+offset+message"]),
             ""]
    if bad_rows:
        agree_rej = sum(1 for _, r, g, _ in bad_rows if bool(r) == bool(g))
        agree_line = sum(1 for _, r, g, _ in bad_rows if r and g and r[2] == g[2])
        agree_msg = sum(1 for _, r, g, _ in bad_rows if r and g and r[:2] == g[:2])
        lines.append("deliberately bad test files: %d; accept/reject agrees: %d; same line: %d; same message: %d"
                     % (len(bad_rows), agree_rej, agree_line, agree_msg))
        for path, r, g, _ in bad_rows:
            lines.append("- %s: cpython %s | pybc-ast %s" % (
                os.path.basename(path),
                "%s: %s (line %s, offset %s)" % r if r else "accepts",
                "%s: %s (line %s, offset %s)" % g if g else "accepts"))
        lines.append("")
    lines.append("first differences by node type / field (files, example):")
    for (node, field), (count, path, ref, got) in sorted(by_node.items(), key=lambda kv: -kv[1][0]):
        pos = first_diff(ref, got)
        lo = max(0, pos - 80)
        lines.append("- %s.%s: %d  e.g. %s" % (node, field, count, path))
        lines.append("    cpython : %r" % ref[lo:pos + 80])
        lines.append("    pybc-ast: %r" % got[lo:pos + 80])
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--versions", default=",".join(TARGETS))
    ap.add_argument("--ours")
    ap.add_argument("--out", default=os.path.join(ROOT, "conformance-report"))
    ap.add_argument("--sample", type=int, default=1)
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args()

    found = {o.version: o for o in oracles.available()}
    ours = args.ours or build_ours()
    os.makedirs(args.out, exist_ok=True)
    status = 0
    for version in args.versions.split(","):
        oracle = found.get(version)
        if oracle is None or (not args.paths and not oracle.stdlib_dir):
            print("ast_conformance: no CPython %s (run scripts/oracles.py install); skipped" % version)
            continue
        files = collect(args.paths or [oracle.stdlib_dir])
        bad = {f for f in files if is_bad_file(f)}
        if args.sample > 1:
            files = [f for i, f in enumerate(files) if i % args.sample == 0 or f in bad]
        with tempfile.TemporaryDirectory() as tmp:
            ref_path, our_path = os.path.join(tmp, "ref"), os.path.join(tmp, "ours")
            run_dumper(oracle.argv(os.path.join(ROOT, "scripts", "ast_dump.py")), oracle.env(),
                       files, ref_path, tmp)
            run_dumper([ours, "--target", version], None, files, our_path, tmp)
            st, by_node, bad_rows = compare(version, files, ref_path, our_path, bad)
        text = report(version, oracle, st, by_node, bad_rows)
        with open(os.path.join(args.out, "ast-%s.md" % version), "w") as f:
            f.write(text)
        sys.stdout.write(text + "\n")
        if args.strict and any(node != "<error differs>" for node, _ in by_node):
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
