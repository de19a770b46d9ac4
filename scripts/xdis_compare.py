#!/usr/bin/env python3
"""pybc against xdis over xdis's own test .pyc files of every CPython and PyPy.

    python3 scripts/xdis_compare.py [--pybc PATH] [--report FILE] [--strict]

Most CPython versions have no interpreter here, so no real `dis` to compare
with. xdis (https://pypi.org/project/xdis/) ships .pyc files written by
CPython 1.0-3.14 and PyPy in its test/bytecode_* folders, and reads them with
its own, independent decoder. This script downloads xdis (scripts/
opcodes_from_xdis.py installs it under .cache/xdis/), then for every CPython
and PyPy .pyc there:

1. runs `pybc FILE` (the text listing) and `pybc -f jsonl FILE`: neither may
   fail;
2. compares pybc's instruction stream, (offset, opname, arg) for every code
   object in depth-first co_consts order, with xdis's reading of the same code
   objects;
3. where dis finds line starts the way xdis does (2.5-3.12), compares the
   offsets that start a line and their line numbers too.

The report (default .cache/xdis/report.md) lists the files, the figures per
folder, and every disagreement. Where pybc is right and xdis is not, the
explanation is kept in KNOWN below, matched by folder and opname. Exit status
is 1 if pybc failed on a file, or with --strict if any disagreement is not
explained.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import opcodes_from_xdis  # noqa: E402

ROOT = opcodes_from_xdis.ROOT
CACHE = opcodes_from_xdis.CACHE
FOLDER = re.compile(r"^bytecode_(?:(\d+\.\d+)(pypy)?|pypy(\d)(\d+))$")
# Where dis finds line starts as xdis does (dis.findlinestarts over co_lnotab
# or co_lines): not 1.x-2.2 (SET_LINENO instructions; xdis reads co_lnotab),
# nor 2.3-2.4 (dis walked co_lnotab itself), nor 3.13+ (lines of None shown).
LINES = re.compile(r"^bytecode_(2\.[5-7]|3\.([0-9]|1[0-2]))(pypy)?$|^bytecode_pypy3")

# Disagreements where pybc follows CPython's dis and xdis does not:
# (folder regex, opname regex, explanation).
KNOWN = [
    (r"^bytecode_pypy38$", r"^<\d+>$",
     "PyPy 3.8 writes CPython 3.8's magic number (3413) and nothing else in the file "
     "says PyPy: pybc reads it as CPython 3.8, whose dis has no opcodes 121, 201 and 203; "
     "xdis guesses PyPy from the file name (ending in pypy38.pyc)"),
    (r"^bytecode_3\.13$", r"^WITH_EXCEPT_START$",
     "CPython 3.13's WITH_EXCEPT_START (44) takes no argument: it is below "
     "HAVE_ARGUMENT and not in opcode.hasarg, and 3.13's own dis shows none "
     "(scripts/conformance.py checks this over the whole standard library); xdis "
     "reads the byte after it as an argument"),
]

REPEATED_LINE = ("xdis also lists offsets where co_lnotab moves on but the line stays "
                 "the same; dis.findlinestarts yields only a changed line, as pybc does "
                 "(scripts/conformance.py checks this against the real dis)")

# Runs inside the xdis venv: every code object's instructions, per file.
PROBE = r"""
import json, sys
from xdis.load import load_module
from xdis import get_opcode
from xdis.bytecode import Bytecode
out = {}
for path in sys.argv[1:]:
    try:
        r = load_module(path)
        version, magic, co, impl = r[0], r[2], r[3], r[4]
        opc = get_opcode(version, impl, magic_int=magic)
        codes = []
        def walk(c, depth):
            # xdis lists inline caches (3.11+) as instructions; dis does not.
            ins = [[i.offset, i.opname, i.arg, i.starts_line]
                   for i in Bytecode(c, opc) if i.opname != "CACHE"]
            codes.append(ins)
            if depth < 200:
                for k in c.co_consts:
                    if hasattr(k, "co_code"):
                        walk(k, depth + 1)
        walk(co, 0)
        out[path] = {"codes": codes}
    except Exception as e:
        out[path] = {"error": "%s: %s" % (type(e).__name__, e)}
json.dump(out, sys.stdout)
"""


def test_dir():
    base = os.path.join(CACHE, "xdis-%s" % opcodes_from_xdis.XDIS_VERSION)
    if not os.path.isdir(os.path.join(base, "test")):
        sdist = os.path.join(CACHE, "xdis-%s.tar.gz" % opcodes_from_xdis.XDIS_VERSION)
        with tarfile.open(sdist) as tar:
            members = [m for m in tar.getmembers()
                       if "/test/bytecode_" in m.name and m.isfile()]
            tar.extractall(CACHE, members=members)
    return os.path.join(base, "test")


def pyc_files(tests):
    out = []
    for folder in sorted(os.listdir(tests)):
        if not FOLDER.match(folder):
            continue  # graal, rust and dropbox are neither CPython nor PyPy
        for dirpath, _, files in os.walk(os.path.join(tests, folder)):
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    out.append((folder, os.path.join(dirpath, name)))
    return out


def pybc_codes(pybc, path):
    """(error, codes): pybc's instructions per code object, depth-first."""
    text = subprocess.run([pybc, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if text.returncode != 0:
        return "text: " + text.stderr.decode("utf-8", "replace").strip(), None
    r = subprocess.run([pybc, "-f", "jsonl", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        return "jsonl: " + r.stderr.decode("utf-8", "replace").strip(), None
    codes = []
    for line in r.stdout.decode("utf-8", "replace").splitlines():
        doc = json.loads(line)
        codes.append([[i["offset"], i["opname"], i["arg"],
                       i["line"] if i["starts_line"] else None]
                      for i in doc["code"]["instructions"]])
    return None, codes


def explain(folder, opname):
    for folder_re, op_re, why in KNOWN:
        if re.search(folder_re, folder) and re.search(op_re, opname):
            return why
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pybc", default=os.path.join(ROOT, "target", "release", "pybc"))
    ap.add_argument("--report", default=os.path.join(CACHE, "report.md"))
    ap.add_argument("--strict", action="store_true")
    args = ap.parse_args()
    py = opcodes_from_xdis.ensure_xdis()
    files = pyc_files(test_dir())
    xdis = json.loads(subprocess.run([py, "-c", PROBE] + [p for _, p in files], check=True,
                                     stdout=subprocess.PIPE).stdout)
    per_folder = {}
    failures, disagreements, xdis_errors, line_diffs = [], [], [], []
    for folder, path in files:
        stats = per_folder.setdefault(folder, {"files": 0, "same": 0, "instructions": 0})
        stats["files"] += 1
        rel = os.path.relpath(path, os.path.dirname(os.path.dirname(path)))
        err, mine = pybc_codes(args.pybc, path)
        if err:
            failures.append((rel, err))
            continue
        theirs = xdis.get(path, {})
        if "error" in theirs:
            xdis_errors.append((rel, theirs["error"]))
            continue
        theirs = theirs["codes"]
        diffs = []
        if len(mine) != len(theirs):
            diffs.append(("code objects", "pybc %d, xdis %d" % (len(mine), len(theirs)), None))
        lines_differ = False
        for ci, (a, b) in enumerate(zip(mine, theirs)):
            stats["instructions"] += len(a)
            if LINES.match(folder) and [i[3] for i in a] != [i[3] for i in b]:
                ours = [(i[0], i[3]) for i in a if i[3] is not None]
                theirs_lines = [(i[0], i[3]) for i in b if i[3] is not None]
                deduped = [x for k, x in enumerate(theirs_lines)
                           if k == 0 or x[1] != theirs_lines[k - 1][1]]
                why = REPEATED_LINE if deduped == ours else None
                lines_differ = lines_differ or why is None
                line_diffs.append((rel, ci, ours, theirs_lines, why))
            a = [i[:3] for i in a]
            b = [i[:3] for i in b]
            a_by = {i[0]: i for i in a}
            b_by = {i[0]: i for i in b}
            for off in sorted(set(a_by) | set(b_by)):
                x, y = a_by.get(off), b_by.get(off)
                if x != y:
                    opname = (x or y)[1]
                    diffs.append(("code %d offset %d" % (ci, off),
                                  "pybc %s, xdis %s" % (x, y), explain(folder, opname)))
        if not diffs:
            stats["same"] += 1
        if LINES.match(folder):
            stats["lines_checked"] = stats.get("lines_checked", 0) + 1
            if not lines_differ:
                stats["lines_same"] = stats.get("lines_same", 0) + 1
        for where, what, why in diffs:
            disagreements.append((rel, where, what, why))

    unexplained = [d for d in disagreements if d[3] is None]
    unexplained += [d for d in line_diffs if d[4] is None]
    out = ["# pybc and xdis %s on xdis's test .pyc files" % opcodes_from_xdis.XDIS_VERSION, "",
           "Generated by scripts/xdis_compare.py: pybc's instruction stream (offset, opname,",
           "arg) for every code object, compared with xdis's reading of it.", "",
           "| folder | files | identical streams | line starts agree | pybc instructions |",
           "|---|---:|---:|---:|---:|"]
    for folder, st in per_folder.items():
        lines = "%d" % st["lines_same"] if "lines_checked" in st else "-"
        if "lines_checked" in st and "lines_same" not in st:
            lines = "0"
        out.append("| %s | %d | %d | %s | %d |" % (folder, st["files"], st["same"], lines,
                                                  st["instructions"]))
    total = sum(st["files"] for st in per_folder.values())
    same = sum(st["same"] for st in per_folder.values())
    out += ["", "Total: %d files, %d identical, %d where pybc failed, %d xdis could not read, "
            "%d disagreements (%d explained)." % (total, same, len(failures), len(xdis_errors),
                                                  len(disagreements),
                                                  len(disagreements) - len(unexplained)), ""]
    if failures:
        out += ["## pybc failed", ""] + ["- `%s`: %s" % f for f in failures] + [""]
    if xdis_errors:
        out += ["## xdis could not read", ""] + ["- `%s`: %s" % f for f in xdis_errors] + [""]
    if line_diffs:
        out += ["## Line starts that differ", ""]
        for rel, ci, a, b, why in line_diffs[:200]:
            out.append("- `%s` code %d: pybc %s, xdis %s%s" % (rel, ci, a, b,
                                                             (" — " + why) if why else ""))
        out.append("")
    if disagreements:
        out += ["## Disagreements", ""]
        for rel, where, what, why in disagreements[:2000]:
            out.append("- `%s` %s: %s%s" % (rel, where, what, (" — " + why) if why else ""))
        out.append("")
    os.makedirs(os.path.dirname(args.report), exist_ok=True)
    with open(args.report, "w") as f:
        f.write("\n".join(out) + "\n")
    print("\n".join(out[4:4 + 3 + len(per_folder) + 2]))
    print("line starts: %d code objects differ (%d explained)" % (
        len(line_diffs), sum(1 for d in line_diffs if d[4])))
    print("report:", args.report)
    if failures:
        return 1
    return 1 if (args.strict and unexplained) else 0


if __name__ == "__main__":
    sys.exit(main())
