#!/usr/bin/env python3
"""Opcode facts for the versions no interpreter here can dump, from xdis.

    python3 scripts/opcodes_from_xdis.py            write the JSON files below
    python3 scripts/opcodes_from_xdis.py --check    compare xdis's facts with the
                                                    tables dumped from real
                                                    interpreters (2.7, 3.6-3.9)

scripts/dump_opcodes.py dumps a version's facts from inside that interpreter.
CPython 1.0-2.6 and 3.0-3.5, and PyPy, have no interpreter here: their facts
(opcode names and numbers, HAVE_ARGUMENT, EXTENDED_ARG, cmp_op and the
hasconst/hasname/hasjrel/hasjabs/haslocal/hascompare/hasfree/hasnargs sets,
which mirror each release's Lib/opcode.py, or Lib/dis.py before 2.0) are read
from the opcode modules of the xdis package (xdis/opcodes/opcode_*.py), and
written as crates/pybc-versions/data/opcodes/X.Y.json (pypy-X.Y.json for
PyPy) in the format dump_opcodes.py writes, with a "source" note. Only facts
are taken; how each `dis` describes an argument is decided here, in the order
that version's `dis` tests the sets. Run scripts/gen_opcodes.py afterwards.

xdis is downloaded (pip download, source distribution) and installed into a
virtual environment under .cache/xdis/ the first time.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "crates", "pybc-versions", "data", "opcodes")
CACHE = os.path.join(ROOT, ".cache", "xdis")
XDIS_VERSION = "6.3.0"
VENV_PY = os.path.join(CACHE, "venv", "bin", "python")

# (implementation, version) of every table taken from xdis.
CPYTHON = ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.0", "2.1", "2.2", "2.3",
           "2.4", "2.5", "2.6", "3.0", "3.1", "3.2", "3.3", "3.4", "3.5"]
PYPY = ["2.7", "3.2", "3.3", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10"]
CHECKED = ["2.7", "3.6", "3.7", "3.8", "3.9"]


def ensure_xdis():
    """The virtual environment's python, with xdis installed."""
    if os.path.isfile(VENV_PY):
        r = subprocess.run([VENV_PY, "-c", "import xdis; print(xdis.__version__)"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if r.returncode == 0 and r.stdout.decode().strip() == XDIS_VERSION:
            return VENV_PY
    os.makedirs(CACHE, exist_ok=True)
    sdist = os.path.join(CACHE, "xdis-%s.tar.gz" % XDIS_VERSION)
    if not os.path.isfile(sdist):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary",
                        ":all:", "xdis==" + XDIS_VERSION, "-d", CACHE], check=True)
    subprocess.run([sys.executable, "-m", "venv", os.path.join(CACHE, "venv")], check=True)
    subprocess.run([VENV_PY, "-m", "pip", "install", "-q", sdist], check=True)
    return VENV_PY


# Runs inside the venv: prints the raw facts of one xdis opcode module.
PROBE = r"""
import importlib, json, sys
major, minor = sys.argv[2].split(".")
if sys.argv[1] == "pypy":
    name = "xdis.opcodes.opcode_pypy.opcode_%s%spypy" % (major, minor)
else:
    name = "xdis.opcodes.opcode_%sx.opcode_%s%s" % (major, major, minor)
m = importlib.import_module(name)
def ops(name):
    return sorted(set(getattr(m, name, []) or []))
ext = getattr(m, "EXTENDED_ARG", None)
print(json.dumps({
    "module": m.__name__,
    "opname": list(m.opname),
    "have_argument": m.HAVE_ARGUMENT,
    "extended_arg": ext if isinstance(ext, int) else None,
    "cmp_op": list(getattr(m, "cmp_op", [])),
    "sets": {k: ops(k) for k in ("hasconst", "hasname", "hasjrel", "hasjabs", "haslocal",
                                 "hascompare", "hasfree", "hasnargs")},
}))
"""


def probe(py, impl, version):
    out = subprocess.run([py, "-c", PROBE, impl, version], check=True,
                         stdout=subprocess.PIPE).stdout
    return json.loads(out)


def vtuple(version):
    return tuple(int(x) for x in version.split("."))


def table(facts, impl, version):
    """Our JSON table from xdis's raw facts, as that version's dis reads them."""
    vt = vtuple(version)
    sets = {k: set(v) for k, v in facts["sets"].items()}
    names = facts["opname"]
    have_argument = facts["have_argument"]
    # The opcodes a version's dis binds by name, like dump_opcodes's "special".
    special = set()
    if vt >= (3, 6):
        special.add("FORMAT_VALUE")
    if vt >= (3, 8):
        special.add("MAKE_FUNCTION")
    if vt >= (3, 9):
        special.update(("IS_OP", "CONTAINS_OP"))

    def name_of(op):
        n = names[op] if op < len(names) else None
        if n == "EXTENDED_ARG" and vt < (2, 0):
            # xdis's shared 1.x table lists it; EXTENDED_ARG arrived in 2.0.
            n = None
        return n if n and not n.startswith("<") else "<%d>" % op

    def arg_kind(op):
        if op < have_argument:
            return "none"
        if op in sets["hasconst"]:
            return "const"
        if op in sets["hasname"]:
            return "name"
        if op in sets["hasjrel"]:
            return "jump"
        if op in sets["hasjabs"]:
            # Before 3.10 dis shows an absolute jump's bare argument.
            return "jump" if vt >= (3, 10) else "plain"
        if op in sets["haslocal"]:
            return "local"
        if op in sets["hascompare"]:
            return "compare"
        if op in sets["hasfree"]:
            return "free"
        # opcode.hasnargs (3.3-3.5) holds the four CALL_FUNCTION opcodes;
        # xdis's own set adds others (MAKE_FUNCTION, RAISE_VARARGS, ...).
        if (3, 3) <= vt < (3, 6) and op in sets["hasnargs"] \
                and name_of(op).startswith("CALL_FUNCTION"):
            return "nargs"
        if name_of(op) == "FORMAT_VALUE" and "FORMAT_VALUE" in special:
            return "format_value"
        if name_of(op) == "MAKE_FUNCTION" and "MAKE_FUNCTION" in special:
            return "function_flags"
        if vt >= (3, 10) and name_of(op) in ("IS_OP", "CONTAINS_OP"):
            return name_of(op).lower()
        return "plain"

    def jump(op):
        if op < have_argument:
            return None
        if op in sets["hasjabs"]:
            return "absolute"
        if op in sets["hasjrel"]:
            return "forward"  # no backward relative jumps before 3.11
        return None

    ops = [{"name": name_of(op), "deopt": op, "has_arg": op >= have_argument,
            "arg_kind": arg_kind(op), "jump": jump(op), "cache_entries": 0,
            "cache_format": []} for op in range(256)]
    ext = facts["extended_arg"] if vt >= (2, 0) else None
    return {
        "version": version,
        "source": "xdis %s %s (facts of %s %s's Lib/opcode.py), by scripts/opcodes_from_xdis.py"
                  % (XDIS_VERSION, facts["module"], "PyPy" if impl == "pypy" else "CPython",
                     version),
        "have_argument": have_argument,
        "extended_arg": ext if ext is not None else 0,
        # xdis hyphenates three names that opcode.cmp_op spells with spaces.
        "cmp_op": [c.replace("-", " ") for c in facts["cmp_op"]],
        "nb_ops": [], "intrinsic1": [], "intrinsic2": [], "common_constants": [],
        "special_methods": [],
        "function_flags": ["defaults", "kwdefaults", "annotations", "closure"]
        if "MAKE_FUNCTION" in special else [],
        "format_value_converters": ["", "str", "repr", "ascii"]
        if "FORMAT_VALUE" in special else [],
        "compare_shift": 0,
        "compare_bool": False,
        "flag_names": [],
        "ops": ops,
    }


def check(py):
    """xdis's facts against the tables real interpreters dumped."""
    bad = 0
    for version in CHECKED:
        with open(os.path.join(DATA, version + ".json")) as f:
            real = json.load(f)
        mine = table(probe(py, "cpython", version), "cpython", version)
        for op, (a, b) in enumerate(zip(real["ops"], mine["ops"])):
            keys = [k for k in ("name", "has_arg", "arg_kind", "jump") if a[k] != b[k]]
            if keys:
                bad += 1
                print("%s op %d: interpreter %s, xdis %s" % (
                    version, op, [a[k] for k in keys], [b[k] for k in keys]))
        for k in ("have_argument", "extended_arg") + (("cmp_op",) if version != "3.9" else ()):
            if real[k] != mine[k]:
                bad += 1
                print("%s %s: interpreter %r, xdis %r" % (version, k, real[k], mine[k]))
    print("xdis agrees with the interpreters" if not bad else "%d disagreements" % bad)
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    py = ensure_xdis()
    if args.check:
        return check(py)
    for impl, versions in (("cpython", CPYTHON), ("pypy", PYPY)):
        for version in versions:
            doc = table(probe(py, impl, version), impl, version)
            name = ("pypy-" if impl == "pypy" else "") + version
            with open(os.path.join(DATA, name + ".json"), "w") as f:
                json.dump(doc, f, indent=1, sort_keys=True)
                f.write("\n")
            print("wrote", name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
