#!/usr/bin/env python3
"""Write the small, hermetic fixtures used by `cargo test`.

    python3 scripts/make_fixtures.py [--versions 3.10,3.11,...] [--keep]

For each version (2.7, 3.6 to 3.15) that has an oracle (scripts/oracles.py),
every sample program (fixtures/src/*.py and examples/*.py) is compiled by that
interpreter into fixtures/<version>/<name>.pyc, and what that interpreter's
`dis.dis(code)` prints, run with PYTHONHASHSEED=0, is stored next to it:

    <name>.dis      dis.dis(code)
    <name>.C.dis    dis.dis(code, show_caches=True)      3.11+
    <name>.O.dis    dis.dis(code, show_offsets=True)     3.13+
    <name>.P.dis    dis.dis(code, show_positions=True)   3.14+

Object addresses are written as `0xADDR`. Samples using syntax newer than a
version do not compile there and are left out of that version's directory.
co_filename is the sample's path relative to the repository, and the .pyc
header has a zero timestamp, so that the files are reproducible.

fixtures/<version>/oracle.json names the interpreter that produced the files.
Pyodide builds are 32-bit: the order of strings in a frozenset constant
follows 32-bit string hashes there ("hash_bits": 32).

The directory of each version is rewritten from scratch unless --keep.
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracles  # noqa: E402

ROOT = oracles.ROOT
FIXTURES = os.path.join(ROOT, "fixtures")
DRIVER = os.path.join(ROOT, "scripts", "oracle_driver.py")
VERSIONS = ["2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15"]
SINCE = {"default": (0, 0), "C": (3, 11), "O": (3, 13), "P": (3, 14)}


def samples():
    paths = sorted(glob.glob(os.path.join(FIXTURES, "src", "*.py")))
    paths += sorted(glob.glob(os.path.join(ROOT, "examples", "*.py")))
    names = [os.path.basename(p) for p in paths]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        sys.exit("make_fixtures: duplicate sample names: %s" % ", ".join(sorted(dupes)))
    return [[p, os.path.basename(p), os.path.relpath(p, ROOT).replace(os.sep, "/")]
            for p in paths]


def make(oracle, items, keep):
    out_dir = os.path.join(FIXTURES, oracle.version)
    if not keep:
        shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir, exist_ok=True)
    vt = tuple(int(x) for x in oracle.version.split("."))
    options = [o for o, since in SINCE.items() if vt >= since]
    tmp = tempfile.mkdtemp(prefix="pybc-fixtures-")
    try:
        journal = os.path.join(tmp, "journal.jsonl")
        job = {"items": items, "pyc_dir": out_dir, "expected_dir": out_dir,
               "layout": "flat", "options": options, "normalize_addresses": True,
               "journal": journal}
        job_path = os.path.join(tmp, "job.json")
        with open(job_path, "w") as f:
            json.dump(job, f)
        r = subprocess.run(oracle.argv(DRIVER, job_path), env=oracle.env(),
                           stdin=subprocess.DEVNULL, timeout=600)
        if r.returncode != 0:
            sys.exit("make_fixtures: oracle %s failed (status %d)" % (oracle.version, r.returncode))
        records = []
        with open(journal, "rb") as f:
            for line in f:
                rec = json.loads(line.decode("utf-8"))
                if "rel" in rec:
                    records.append(rec)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    written, skipped = [], []
    for rec in records:
        name = rec["rel"][:-3]
        if rec["compile"] is not None:
            skipped.append("%s (%s)" % (name, rec["compile"].split(" (")[0]))
            continue
        errors = {o: e for o, e in rec["dis"].items() if e is not None}
        if errors:
            sys.exit("make_fixtures: %s %s: dis raised %s" % (oracle.version, name, errors))
        written.append(name)
    info = {
        "python": oracle.full_version,
        "kind": oracle.kind,
        "hash_bits": 32 if oracle.kind == "pyodide" else 64,
        "options": options,
        "samples": written,
    }
    with open(os.path.join(out_dir, "oracle.json"), "w") as f:
        json.dump(info, f, indent=1, sort_keys=True)
        f.write("\n")
    print("%-5s %-8s %-10s %d samples%s" % (
        oracle.version, oracle.kind, oracle.full_version, len(written),
        ("; not compiled: " + ", ".join(skipped)) if skipped else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--versions", default=",".join(VERSIONS))
    ap.add_argument("--keep", action="store_true",
                    help="do not delete existing files of a version first")
    args = ap.parse_args()
    items = samples()
    for version in [v.strip() for v in args.versions.split(",") if v.strip()]:
        oracle = oracles.find(version)
        if oracle is None:
            print("%-5s no oracle; skipped (python3 scripts/oracles.py install)" % version)
            continue
        make(oracle, items, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
