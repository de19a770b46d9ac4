#!/usr/bin/env python3
"""Compare pybc-ast's AST dumps with CPython 3.13's over the 3.13 stdlib.

For every ``.py`` file under CPython 3.13's ``lib/python3.13`` (Lib/test/
included, site-packages excluded) both sides print
``ast.dump(ast.parse(src), include_attributes=True)``: CPython through
scripts/ast_dump.py, pybc-ast through its ``ast_dump`` example.  A file
counts as identical when both dumps are equal, or when both sides reject
it with a SyntaxError on the same line.  The report gives identical/total
and, per node type and field, how many files first differ there, with the
first such file and both sides' text around the difference.

Usage: ast_conformance.py [--python PY] [--ours BIN] [--out REPORT] [--limit N]
                          [PATH...]
  --python  CPython 3.13 interpreter (default: `pyenv root`/versions/3.13.0)
  --ours    pybc-ast's ast_dump binary (default: built with cargo, release)
  PATH      files or directories to check instead of the stdlib
Exits 0 (printing a notice) when no CPython 3.13 is found.
"""
import argparse
import collections
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKER = "\x01----pybc-ast-end----"


def find_python(explicit):
    if explicit:
        return explicit if os.path.exists(explicit) else None
    env = os.environ.get("PYBC_CPYTHON313")
    if env and os.path.exists(env):
        return env
    roots = []
    try:
        roots.append(subprocess.run(["pyenv", "root"], capture_output=True, text=True,
                                    check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        pass
    roots.append(os.path.expanduser("~/.pyenv"))
    for root in roots:
        cand = os.path.join(root, "versions", "3.13.0", "bin", "python3")
        if os.path.exists(cand):
            return cand
    return None


def build_ours():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target", "ast"))
    env = dict(os.environ, CARGO_TARGET_DIR=target)
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "pybc-ast", "--example", "ast_dump"],
                   cwd=ROOT, env=env, check=True)
    return os.path.join(target, "release", "examples", "ast_dump")


def collect(python, paths):
    if not paths:
        libdir = subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"],
            capture_output=True, text=True, check=True).stdout.strip()
        paths = [libdir]
    files = []
    for p in paths:
        if os.path.isdir(p):
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if d not in ("site-packages", "__pycache__"))
                files.extend(os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith(".py"))
        else:
            files.append(p)
    return files


def run_dumper(cmd, files, out_path):
    with open(out_path, "wb") as out:
        proc = subprocess.run(cmd + ["-"], input="\n".join(files) + "\n", text=True,
                              stdout=out, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        sys.stderr.write("dumper %s exited %d: %s\n" % (cmd[0], proc.returncode, proc.stderr[-2000:]))


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


def is_error(d):
    return d.startswith(("SyntaxError:", "ValueError:", "RecursionError:", "MemoryError:", "IOError:"))


def err_line(d):
    return d.rsplit("(line ", 1)[-1] if d.startswith("SyntaxError:") else d


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python")
    ap.add_argument("--ours")
    ap.add_argument("--out")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args()

    python = find_python(args.python)
    if python is None:
        print("ast_conformance: no CPython 3.13 found (pyenv); skipped")
        return 0
    ours = args.ours or build_ours()
    files = collect(python, args.paths)
    if args.limit:
        files = files[:args.limit]

    with tempfile.TemporaryDirectory() as tmp:
        ref_path, our_path = os.path.join(tmp, "ref"), os.path.join(tmp, "ours")
        run_dumper([python, os.path.join(ROOT, "scripts", "ast_dump.py")], files, ref_path)
        run_dumper([ours], files, our_path)
        identical = same_dump = both_rejected = 0
        by_node = collections.OrderedDict()
        kinds = collections.Counter()
        for path, ref, got in zip(files, read_dumps(ref_path), read_dumps(our_path)):
            if ref == got:
                identical += 1
                same_dump += not is_error(ref)
                both_rejected += is_error(ref)
                continue
            if is_error(ref) and is_error(got):
                if err_line(ref) == err_line(got) or not ref.startswith("SyntaxError:"):
                    identical += 1
                    both_rejected += 1
                    continue
                kinds["error line differs"] += 1
                key = ("<error line>", "")
            elif is_error(ref):
                kinds["accepted by pybc-ast, rejected by CPython"] += 1
                key = ("<CPython rejects>", ref.split(" (line")[0][:60])
            elif is_error(got):
                kinds["rejected by pybc-ast, accepted by CPython"] += 1
                key = ("<pybc-ast rejects>", got.split(" (line")[0][:60])
            else:
                kinds["dump differs"] += 1
                pos = first_diff(ref, got)
                key = locate(ref, pos)
            entry = by_node.setdefault(key, [0, path, ref, got])
            entry[0] += 1

    total = len(files)
    lines = ["pybc-ast conformance vs CPython %s" % python,
             "identical: %d/%d (%.2f%%) [equal dumps: %d, both rejected: %d]"
             % (identical, total, 100.0 * identical / max(total, 1), same_dump, both_rejected)]
    for k, v in kinds.most_common():
        lines.append("  %s: %d" % (k, v))
    lines.append("")
    lines.append("first differences by node type / field (files, example):")
    for (node, field), (count, path, ref, got) in sorted(by_node.items(), key=lambda kv: -kv[1][0]):
        pos = first_diff(ref, got)
        lo = max(0, pos - 80)
        lines.append("- %s.%s: %d  e.g. %s" % (node, field, count, os.path.relpath(path)))
        lines.append("    cpython : %r" % ref[lo:pos + 80])
        lines.append("    pybc-ast: %r" % got[lo:pos + 80])
    report = "\n".join(lines) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(report)
    sys.stdout.write(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
