#!/usr/bin/env python3
"""Benchmark: pybc-ast's parse + lower against CPython's ast.parse.

Both sides read the same files into memory first, then parse every one of
them, single-threaded; the best of --repeat rounds is kept.  CPython runs
``ast.parse(src)`` (which builds the Python AST objects); pybc-ast runs
``parse_module`` (ruff's parser, then the lowering into pybc-ast's tree).
Not a test: the figures depend on the machine.

Usage: bench_ast.py [--version 3.13] [--repeat 3] [--sample N] [PATH...]
  default PATH: the version's standard library (test/ included)
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracles  # noqa: E402
from ast_conformance import build_ours, collect  # noqa: E402

PY_SIDE = r'''
import ast, sys, time, warnings
warnings.simplefilter("ignore")
repeat = int(sys.argv[2])
srcs = []
for p in open(sys.argv[1], encoding="utf-8").read().splitlines():
    if p:
        with open(p, "rb") as f:
            srcs.append(f.read())
best = float("inf")
for _ in range(repeat):
    rejected = 0
    t = time.perf_counter()
    for s in srcs:
        try:
            ast.parse(s)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            rejected += 1
    best = min(best, time.perf_counter() - t)
print("files=%d bytes=%d seconds=%.4f rejected=%d" % (len(srcs), sum(map(len, srcs)), best, rejected))
'''


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", default="3.13")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sample", type=int, default=1)
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args()
    oracle = {o.version: o for o in oracles.available()}.get(args.version)
    if oracle is None or oracle.kind != "pyenv":
        print("bench_ast: no native CPython %s (pyenv); skipped" % args.version)
        return 0
    files = collect(args.paths or [oracle.stdlib_dir])[::args.sample]
    ours = build_ours()
    bench = os.path.join(os.path.dirname(ours), "ast_bench")
    subprocess.run(["cargo", "build", "-q", "--release", "-p", "pybc-ast", "--example", "ast_bench"],
                   cwd=oracles.ROOT, env=dict(os.environ, CARGO_TARGET_DIR=os.path.dirname(os.path.dirname(
                       os.path.dirname(ours)))), check=True)
    with tempfile.TemporaryDirectory() as tmp:
        lst = os.path.join(tmp, "files.txt")
        script = os.path.join(tmp, "bench.py")
        with open(lst, "w", encoding="utf-8") as f:
            f.write("\n".join(files) + "\n")
        with open(script, "w") as f:
            f.write(PY_SIDE)
        ref = subprocess.run(oracle.argv(script, lst, args.repeat), env=oracle.env(), capture_output=True,
                             text=True, check=True).stdout.strip()
        got = subprocess.run([bench, "--target", args.version, "--repeat", str(args.repeat), "--list", lst],
                             capture_output=True, text=True, check=True).stdout.strip()
    r, g = fields(ref), fields(got)
    print("CPython %s ast.parse : %s" % (oracle.full_version, ref))
    print("pybc-ast parse+lower : %s" % got)
    print("ratio (CPython time / pybc-ast time): %.2f" % (float(r["seconds"]) / float(g["seconds"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
