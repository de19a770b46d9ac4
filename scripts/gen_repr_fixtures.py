#!/usr/bin/env python3
"""Generate pybc-repr's data tables and test fixtures from the real interpreters.

    scripts/gen_repr_fixtures.py            both steps below
    scripts/gen_repr_fixtures.py tables     render crates/pybc-repr/src/printable_tables.rs:
                                            the code points for which str.isprintable()
                                            is false, per Unicode database (3.6 and later;
                                            3.14 from the unicodedata2 package, see DERIVED)
    scripts/gen_repr_fixtures.py fixtures   write crates/pybc-repr/tests/fixtures/X.Y.tsv
    scripts/gen_repr_fixtures.py --child ...  (internal) runs inside an interpreter

Every interpreter found is run with PYTHONHASHSEED=0. Interpreters are the
pyenv builds under $PYENV_ROOT/versions (default /root/.pyenv) plus any
`pythonX.Y` on PATH; PYBC_REPR_PYTHONS="/path/a /path/b" overrides the search.

Fixture lines are tab-separated (no field contains a tab or a newline):

    obj   <marshal.dumps(value), hex>  <hash>  <repr(marshal.loads(...))>
    code  <co_name, UTF-8 hex>  <co_filename, UTF-8 hex>  <co_firstlineno>  <repr>

<hash> is hash() of the loaded value, `unhashable`, or `address` when the
value's hash (and so a set's order) depends on object addresses in that
version. In `code` lines the object's address is replaced by 0xdeadbeef.

This file is valid Python 2.7 and 3.6+: the same file is the child that runs
inside each interpreter.
"""
from __future__ import print_function

import binascii
import glob
import json
import marshal
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRATE = os.path.join(ROOT, "crates", "pybc-repr")
TABLES_RS = os.path.join(CRATE, "src", "printable_tables.rs")
FIXTURES = os.path.join(CRATE, "tests", "fixtures")
VERSIONS = ["2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
CODE_ADDR = "0xdeadbeef"

# --------------------------------------------------------------------------
# Child side (runs inside each interpreter; Python 2.7 compatible).
# --------------------------------------------------------------------------

PY2 = sys.version_info[0] == 2


def child_nonprintable():
    """Ranges [start, end] of code points for which str.isprintable() is false."""
    ranges = []
    start = None
    for cp in range(0x110000):
        printable = chr(cp).isprintable()
        if not printable and start is None:
            start = cp
        elif printable and start is not None:
            ranges.append([start, cp - 1])
            start = None
    if start is not None:
        ranges.append([start, 0x10FFFF])
    import unicodedata
    return {"unidata_version": unicodedata.unidata_version, "ranges": ranges}


def normalize(v):
    """Python 2: a long that fits an int becomes an int (pybc cannot tell them apart)."""
    if PY2:
        if isinstance(v, long) and -sys.maxint - 1 <= v <= sys.maxint:  # noqa: F821
            return int(v)
        if isinstance(v, tuple):
            return tuple(normalize(x) for x in v)
        if isinstance(v, list):
            return [normalize(x) for x in v]
        if isinstance(v, frozenset):
            return frozenset(normalize(x) for x in v)
    return v


def address_hashed(v):
    """Whether hash(v) depends on some object's address in this version."""
    ver = sys.version_info[:2]
    if v is None:
        return ver < (3, 12)
    if v is Ellipsis or v is StopIteration:
        return True
    if isinstance(v, float):
        return v != v and ver >= (3, 10)
    if isinstance(v, complex):
        return address_hashed(v.real) or address_hashed(v.imag)
    if isinstance(v, (tuple, list, frozenset, set)):
        return any(address_hashed(x) for x in v)
    if isinstance(v, dict):
        return any(address_hashed(x) or address_hashed(y) for x, y in v.items())
    return False


def child_objects(exprs):
    out = []
    for expr in exprs:
        v = normalize(eval(expr))
        data = marshal.dumps(v)
        w = marshal.loads(data)
        if address_hashed(w):
            h = "address"
        else:
            try:
                h = str(hash(w))
            except TypeError:
                h = "unhashable"
        out.append(["obj", binascii.hexlify(data).decode("ascii"), h, repr(w)])
    return out


def make_code(name, filename, firstlineno):
    import types
    co = compile("pass", "x", "exec")
    if hasattr(co, "replace"):
        return co.replace(co_name=name, co_filename=filename, co_firstlineno=firstlineno)
    if PY2:
        return types.CodeType(co.co_argcount, co.co_nlocals, co.co_stacksize, co.co_flags,
                              co.co_code, co.co_consts, co.co_names, co.co_varnames,
                              filename, name, firstlineno, co.co_lnotab,
                              co.co_freevars, co.co_cellvars)
    return types.CodeType(co.co_argcount, co.co_kwonlyargcount, co.co_nlocals,
                          co.co_stacksize, co.co_flags, co.co_code, co.co_consts,
                          co.co_names, co.co_varnames, filename, name, firstlineno,
                          co.co_lnotab, co.co_freevars, co.co_cellvars)


def child_codes(specs):
    out = []
    for name, filename, firstlineno in specs:
        if PY2:
            name = name.encode("utf-8")
            filename = filename.encode("utf-8")
        co = make_code(name, filename, firstlineno)
        r = repr(co).replace("0x%x" % id(co), CODE_ADDR)
        if PY2:
            name = name.decode("utf-8")
            filename = filename.decode("utf-8")
            r = r.decode("utf-8")
        out.append(["code", binascii.hexlify(name.encode("utf-8")).decode("ascii"),
                    binascii.hexlify(filename.encode("utf-8")).decode("ascii"),
                    str(firstlineno), r])
    return out


def child_main(what):
    if what == "nonprintable":
        json.dump(child_nonprintable(), sys.stdout)
        return
    job = json.loads(sys.stdin.read())
    rows = child_objects(job["exprs"]) + child_codes(job["codes"])
    doc = {"version": "%d.%d.%d" % sys.version_info[:3], "rows": rows}
    sys.stdout.write(json.dumps(doc))


# --------------------------------------------------------------------------
# Host side (Python 3).
# --------------------------------------------------------------------------

def interpreters():
    """{"X.Y": path} of every interpreter found."""
    found = {}
    override = os.environ.get("PYBC_REPR_PYTHONS")
    if override:
        candidates = override.split()
    else:
        root = os.environ.get("PYENV_ROOT", "/root/.pyenv")
        candidates = sorted(glob.glob(os.path.join(root, "versions", "*", "bin", "python")))
        for v in VERSIONS:
            for d in os.environ.get("PATH", "").split(os.pathsep):
                p = os.path.join(d, "python" + v)
                if os.path.exists(p) and "shims" not in d:
                    candidates.append(p)
    for path in candidates:
        try:
            out = subprocess.run([path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            continue
        ver = out.decode().strip()
        if ver in VERSIONS and ver not in found:
            found[ver] = path
    return found


def run_child(path, what, stdin_doc=None):
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONIOENCODING="utf-8")
    data = None if stdin_doc is None else json.dumps(stdin_doc).encode()
    out = subprocess.run([path, os.path.abspath(__file__), "--child", what], env=env,
                         input=data, stdout=subprocess.PIPE, check=True).stdout
    return json.loads(out.decode("utf-8"))


# Versions without a local interpreter whose Unicode database is known:
# 3.14 ships Unicode 16.0.0. Their tables are derived from the `unicodedata2`
# package (PyPI) with CPython's rule, which is checked first by deriving
# UNICODEDATA2_CHECK and comparing it with the 3.13 interpreter's own table.
DERIVED = [(14, "16.0.0")]
UNICODEDATA2_CHECK = (13, "15.1.0")


def derived_nonprintable(unidata):
    """Non-printable ranges of a Unicode version from `unicodedata2`, using
    CPython's rule (Tools/unicode/makeunicodedata.py): printable unless the
    general category starts with C or Z, except the space."""
    target = os.path.join(ROOT, "target", "unicodedata2-" + unidata)
    if not os.path.isdir(target):
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", target,
                        "unicodedata2==" + unidata], check=True)
    code = ("import json, sys; sys.path.insert(0, %r); import unicodedata2 as u; "
            "assert u.unidata_version == %r, u.unidata_version; "
            "np = [c for c in range(0x110000) if c != 0x20 and "
            "u.category(chr(c))[0] in 'CZ']; "
            "print(json.dumps(np))") % (target, unidata)
    out = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, check=True).stdout
    ranges = []
    for cp in json.loads(out):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return ranges


def gen_tables(pythons):
    tables = []  # (minor, unidata_version, ranges)
    for ver in VERSIONS:
        if ver.startswith("2.") or ver not in pythons:
            continue
        doc = run_child(pythons[ver], "nonprintable")
        tables.append((int(ver.split(".")[1]), doc["unidata_version"], doc["ranges"]))
        print("non-printable table of", ver, "Unicode", doc["unidata_version"],
              len(doc["ranges"]), "ranges")
    check_minor, check_unidata = UNICODEDATA2_CHECK
    real = [r for m, uv, r in tables if m == check_minor and uv == check_unidata]
    if not real:
        sys.exit("need the 3.%d interpreter to check the unicodedata2 rule" % check_minor)
    if derived_nonprintable(check_unidata) != real[0]:
        sys.exit("unicodedata2 %s does not reproduce 3.%d's str.isprintable()"
                 % (check_unidata, check_minor))
    print("unicodedata2", check_unidata, "reproduces 3.%d's table" % check_minor)
    for minor, unidata in DERIVED:
        ranges = derived_nonprintable(unidata)
        tables.append((minor, unidata, ranges))
        print("non-printable table of 3.%d" % minor, "Unicode", unidata, "(unicodedata2)",
              len(ranges), "ranges")
    lines = [
        "//! Code points for which `str.isprintable()` is false, per Unicode database.",
        "//!",
        "//! @generated by `scripts/gen_repr_fixtures.py tables` from the real",
        "//! interpreters (3.6 to 3.13) and the `unicodedata2` package (3.14);",
        "//! do not edit.",
        "",
    ]
    names = {}
    for minor, unidata, ranges in tables:
        name = "UNICODE_" + unidata.replace(".", "_")
        if name in names:
            continue
        names[name] = ranges
        lines.append("/// Non-printable ranges (inclusive) of Unicode %s." % unidata)
        lines.append("pub(crate) static %s: &[(u32, u32)] = &[" % name)
        row = []
        for a, b in ranges:
            row.append("(0x%x, 0x%x)," % (a, b))
            if len(row) == 6:
                lines.append("    " + " ".join(row))
                row = []
        if row:
            lines.append("    " + " ".join(row))
        lines.append("];")
        lines.append("")
    lines.append("/// Sorted, inclusive ranges of code points.")
    lines.append("pub(crate) type Ranges = &'static [(u32, u32)];")
    lines.append("")
    lines.append("/// `(3.minor, Unicode version, table)`, one per version with a known database.")
    lines.append("pub(crate) static TABLES: &[(u8, &str, Ranges)] = &[")
    for minor, unidata, _ in tables:
        lines.append('    (%d, "%s", UNICODE_%s),' % (minor, unidata, unidata.replace(".", "_")))
    lines.append("];")
    with open(TABLES_RS, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", os.path.relpath(TABLES_RS, ROOT))
    return [r for _, _, r in tables]


def u(s):
    """A unicode literal valid in 2.7 and 3.x (ASCII only, escapes for the rest)."""
    return "u" + ascii(s)


def sample_strings(tables):
    """Strings whose characters sit on every boundary of every printable table."""
    cps = set()
    for ranges in tables:
        for a, b in ranges:
            for cp in (a - 1, a, b, b + 1):
                if 0 <= cp <= 0x10FFFF:
                    cps.add(cp)
    cps.update(range(0, 0x32000, 97))
    cps.update(range(0x32000, 0x110000, 4099))
    cps = sorted(cps)
    out = []
    chunk = 200
    for i in range(0, len(cps), chunk):
        out.append(u("".join(chr(c) for c in cps[i:i + chunk])))
    return out


def float_exprs(rng):
    import struct
    fixed = ["0.0", "-0.0", "1.0", "-1.0", "0.1", "0.5", "-0.5", "1.5", "100.0", "1e16",
             "1e15", "9999999999999998.0", "123456789012345678.0", "0.0001", "0.00001",
             "0.0001234", "1e-4", "1e-5", "1e22", "1e23", "5e-324", "-5e-324",
             "2.2250738585072014e-308", "1.7976931348623157e308", "1e100", "1e-100",
             "12345.678", "2.5e-10", "3.141592653589793", "1e+300", "0.3", "2.0**61",
             "2.0**62", "-2.0**63", "2.0**64", "2.0**61 - 1024", "1.0/3", "2.0/3",
             "float('inf')", "-float('inf')", "float('nan')", "-float('nan')",
             "1234567890123456.0", "12345678901234567.0", "0.000123456789"]
    out = list(fixed)
    for _ in range(300):
        kind = rng.random()
        if kind < 0.5:
            bits = rng.getrandbits(64)
            x = struct.unpack("<d", struct.pack("<Q", bits))[0]
            if x != x or x in (float("inf"), float("-inf")):
                continue
        elif kind < 0.8:
            x = rng.uniform(-1000, 1000) * 10.0 ** rng.randint(-20, 20)
        else:
            x = float(rng.randint(-10 ** 6, 10 ** 6)) / rng.choice([1, 2, 4, 8, 10, 100, 1024])
        out.append(repr(x))
    return out


def int_exprs(rng):
    out = ["0", "1", "-1", "-2", "2**31-1", "2**31", "-2**31", "-2**31-1", "2**62", "2**63-1",
           "-2**63", "-2**63-1", "2**63", "2**64", "-2**64", "2**64-1", "10**30", "-10**50",
           "2**1000", "7**300", "2**61-1", "2**61-2", "2**61", "-(2**61-1)", "2**122",
           "(2**61-1)*5", "-(2**61-1)*(2**61-1)", "(2**64-1)*3", "-(2**64-1)", "2**64-2",
           "True", "False"]
    for _ in range(60):
        bits = rng.choice([8, 31, 40, 62, 64, 65, 100, 300])
        n = rng.getrandbits(bits) * rng.choice([1, -1])
        out.append(str(n) if n >= 0 else "(%d)" % n)
    return out


def str_exprs():
    items = ["", "a", "abc", "it's", 'say "hi"', "both ' and \"", "\\", "back\\slash'",
             "\t\n\r", "\x00\x01\x1f\x7f", "\x80\x9f\xa0\xad\xff", "caf\xe9", "\u20ac",
             "\u4e2d\u6587", "\u2028\u2029", "\u200b\ufeff", "\ue000", "\u0378", "\ud800",
             "\udc00", "a\ud83d\ude00b", "\U0001f600", "\U000e0001", "\U00100000",
             "\U0010ffff", "\U0001f97a", "\u0560", "\u3000", "\x85", "\u00a0 \u1680",
             "'\"\\\t", "\U00030000", "\U0002b740", "\u08be"]
    return [u(s) for s in items]


def bytes_exprs():
    items = [b"", b"abc", b"it's", b'say "hi"', b"both ' and \"", b"\\", b"\t\n\r",
             b"\x00\x01\x1f\x7f\x80\xff", bytes(range(256)), b"'", b'"']
    return [repr(b) for b in items]


def complex_exprs():
    return ["1j", "-1j", "0j", "complex(0.0, -0.0)", "complex(-0.0, 0.0)",
            "complex(-0.0, -0.0)", "complex(1, 2)", "complex(1.5, -2.5)",
            "complex(float('inf'), 1)", "complex(0, float('inf'))",
            "complex(0, -float('inf'))", "complex(float('nan'), float('inf'))",
            "complex(1e16, 1e-5)", "complex(0.0, float('nan'))", "complex(1, -float('nan'))",
            "complex(-1, 0)", "complex(1, 0)", "complex(2.0**61, 3)", "complex(0.1, 0.2)",
            "complex(-float('inf'), -float('inf'))", "complex(1e300, -1e-300)"]


def element(rng, depth=0):
    kind = rng.random()
    if kind < 0.25:
        r = rng.random()
        if r < 0.6:
            return str(rng.randint(-300, 300))
        if r < 0.8:
            return str(rng.choice([2 ** 31, 2 ** 61 - 1, 2 ** 61, 2 ** 62, 2 ** 63 - 1, 2 ** 64,
                                   2 ** 100, 10 ** 30]) + rng.randint(-3, 3))
        return "(-%d)" % rng.getrandbits(rng.choice([20, 63, 64, 90]))
    if kind < 0.5:
        r = rng.random()
        n = rng.randint(0, 8)
        if r < 0.5:
            alphabet = "abcdefghijklmnopqrstuvwxyzABC_0123456789 '\"\\"
            s = "".join(rng.choice(alphabet) for _ in range(n))
        elif r < 0.7:
            s = "".join(chr(rng.randint(0x20, 0xFF)) for _ in range(n))
        elif r < 0.9:
            s = "".join(chr(rng.randint(0x100, 0xD7FF)) for _ in range(n))
        else:
            s = "".join(chr(rng.randint(0x10000, 0x10FFFF)) for _ in range(n))
        return u(s)
    if kind < 0.62:
        n = rng.randint(0, 6)
        return repr(bytes(rng.getrandbits(8) for _ in range(n)))
    if kind < 0.77:
        r = rng.random()
        if r < 0.3:
            return repr(rng.randint(-100, 100) / 4.0)
        if r < 0.8:
            return repr(rng.uniform(-1e6, 1e6))
        return rng.choice(["-0.0", "0.0", "float('inf')", "-float('inf')", "1e16", "2.0**61",
                           "1e300", "5e-324", "-1.0"])
    if kind < 0.8:
        return "complex(%r, %r)" % (rng.randint(-3, 3) / 2.0, rng.randint(-3, 3) / 2.0)
    if kind < 0.83:
        return rng.choice(["True", "False"])
    if kind < 0.95 and depth < 2:
        n = rng.randint(0, 3)
        items = [element(rng, depth + 1) for _ in range(n)]
        return "(" + "".join(x + ", " for x in items) + ")"
    if depth < 2:
        n = rng.randint(0, 3)
        return "frozenset([" + ", ".join(element(rng, depth + 1) for _ in range(n)) + "])"
    return str(rng.randint(0, 9))


def frozenset_exprs(rng):
    out = ["frozenset()", "frozenset([1])", "frozenset([u'a'])", "frozenset([b'a', u'a'])",
           "frozenset([1, 1.0, True, complex(1, 0)])", "frozenset([0, -0.0, False])",
           "frozenset([None])", "frozenset([None, 1])", "frozenset([Ellipsis])",
           "frozenset([float('nan')])", "frozenset([float('nan'), 1.5])",
           "frozenset([u'', b'', 0])", "frozenset([(), (None,)])",
           "frozenset([2**61-1, 0, 2**64-1, -1, -2])",
           "frozenset(range(40))", "frozenset(range(-20, 20))", "frozenset(range(100))",
           "frozenset(range(0, 4000, 8))",
           "frozenset([u'%s' % i for i in range(60)])",
           "frozenset([b'x' * i for i in range(30)])",
           "frozenset([(i, u'a') for i in range(25)])",
           "set([1, 2, 3, u'x'])", "set()"]
    for size in range(1, 41):
        for _ in range(5):
            out.append("frozenset([" + ", ".join(element(rng) for _ in range(size)) + "])")
    return out


def container_exprs():
    return ["()", "(1,)", "(1, 2)", "((),)", "((1,),)", "(b'a', u'b', 1.5, None, Ellipsis)",
            "(((((((1,),),),),),),)", "[]", "[1, (2,), [3]]", "{}", "{1: 2}",
            "{u'a': (1, 2)}", "(StopIteration, None, True, False, Ellipsis)",
            "(frozenset(), frozenset([1]), set())", "None", "True", "False", "Ellipsis",
            "StopIteration", "(1, u'a', frozenset([u'a', 1]))"]


CODE_SPECS = [
    ("<module>", "x.py", 1),
    ("f", "/tmp/a b/c.py", 12345),
    ("<lambda>", "it's \"q\".py", 0),
    ("<listcomp>", "", 7),
    ("n" * 150, "d/" * 200 + "f.py", 3),
]
CODE_SPECS_PY3 = [
    ("\xfcn\xef", "\u4e2d/\xe9.py", 2),
    ("g", "\U0001f600.py", 9),
]


def gen_fixtures(pythons, tables):
    import random
    rng = random.Random(20240611)
    exprs = (container_exprs() + int_exprs(rng) + float_exprs(rng) + complex_exprs()
             + str_exprs() + bytes_exprs() + sample_strings(tables) + frozenset_exprs(rng))
    if not os.path.isdir(FIXTURES):
        os.makedirs(FIXTURES)
    for ver in VERSIONS:
        if ver not in pythons:
            print("no interpreter for", ver, "- fixture left as is")
            continue
        codes = CODE_SPECS + ([] if ver.startswith("2.") else CODE_SPECS_PY3)
        doc = run_child(pythons[ver], "objects", {"exprs": exprs, "codes": codes})
        path = os.path.join(FIXTURES, ver + ".tsv")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("# @generated by scripts/gen_repr_fixtures.py from Python %s "
                    "(PYTHONHASHSEED=0); do not edit.\n" % doc["version"])
            for row in doc["rows"]:
                for field in row:
                    assert "\t" not in field and "\n" not in field and "\r" not in field, row
                f.write("\t".join(row) + "\n")
        print("wrote", os.path.relpath(path, ROOT), len(doc["rows"]), "rows")


def main(argv):
    if len(argv) >= 2 and argv[0] == "--child":
        child_main(argv[1])
        return
    what = argv[0] if argv else "all"
    pythons = interpreters()
    print("interpreters:", ", ".join("%s=%s" % kv for kv in sorted(pythons.items())))
    tables = gen_tables(pythons) if what in ("all", "tables") else []
    if what in ("all", "fixtures"):
        if not tables:
            tables = [r for r in (run_child(p, "nonprintable")["ranges"]
                                  for v, p in sorted(pythons.items()) if not v.startswith("2."))]
        gen_fixtures(pythons, tables)


if __name__ == "__main__":
    main(sys.argv[1:])
