#!/usr/bin/env python3
"""Generate pybc-ast's hermetic test fixtures from the real interpreters.

    python3 scripts/gen_ast_fixtures.py          # every version with an oracle
    python3 scripts/gen_ast_fixtures.py 3.13     # one version

Writes crates/pybc-ast/tests/fixtures/src/NAME.py (the sources, from SAMPLES
and ERRORS below) and, for each target version X.Y (3.12 and 3.13 from pyenv,
3.14 from Pyodide; see scripts/oracles.py), what that interpreter's
scripts/ast_dump.py prints for them:

* X.Y/NAME.dump        -- ast.dump(ast.parse(src), include_attributes=True)
* X.Y/NAME.indent.dump -- the same with indent=2 (SAMPLES only)

A source the version rejects gets its error line instead
(`Kind: msg (line N, offset C)`).  `cargo test -p pybc-ast` compares
pybc-ast's output with these files (tests/fixtures.rs).
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracles  # noqa: E402

ROOT = oracles.ROOT
FIXTURES = os.path.join(ROOT, "crates", "pybc-ast", "tests", "fixtures")
DUMPER = os.path.join(ROOT, "scripts", "ast_dump.py")
MARKER = "\x01----pybc-ast-end----"
VERSIONS = ("3.12", "3.13", "3.14")

# Valid programs: whole dumps, with and without indentation.
SAMPLES = {
    "basics": 'x = 1\nif a:\n    pass\nelif b:\n    y = -2.5e-7\nelse:\n    del z\nf(*a, b=2, **c)\n',
    "strings": 'u"a" "b"\nb"\\x00\\xff\'" b\'"\'\n"it\'s" \'"\'\n"\\ud800\\t\\x7f\\u00e9\\u2028"\nr"\\n" """tri\nple"""\n'
               '"\\N{BULLET} \\U0001F600 \\xe9"\n',
    "fstrings": 'f"a{x!r:>{w}}b{{c" "d"\n"a" f"b{x=}" u"z"\nf"{ x = }" f"{y:}"\nf\'\'\'a\nb{x\n}c\'\'\'\n'
                'f"{v:{w}.{p}}" f"{v:a{w}}"\nf"{x:{y}}"\n',
    "tstrings": 't"a{x!r:>{w}} b{ y = }" t"c"\nt"""{a\n  # c\n}"""\nt""\nt"{x:{y}.{z!s}}"\nt"{(a)}"\n',
    "numbers": '1 + 0x_ff + 0o17 + 0b101 + 1_000_000\n123456789012345678901234567890\n1.5 + 1e16 + 1e-5 + 0.0001 + 1e400\n3j + 1.5j + 1e20j\n...\nNone, True, False\n',
    "functions": '@dec\n@dec2(1)\nasync def f[T: int, *Ts, **P](a, /, b: int = 1, *c, d, e=2, **g) -> None:\n    """doc"""\n    return await x\n\nclass C(B, metaclass=M):\n    def m(self): yield from g\nlambda: 0\nlambda x, *, y=3: x\n',
    "typeparams": 'def f[T = int, *Ts = *tuple[int], **P = [int]](): pass\nclass C[T: (int, str) = int]: pass\ntype A[T = int] = list[T]\n',
    "compound": 'for i in range(3):\n    continue\nelse:\n    break\nwhile x: pass\nwith a as b, c: pass\nwith (a as b, c as d,): pass\ntry:\n    pass\nexcept E as e:\n    raise X from e\nelse:\n    pass\nfinally:\n    pass\ntry:\n    pass\nexcept* F:\n    pass\n',
    "except314": 'try:\n    pass\nexcept A, B:\n    pass\n',
    "exprs": 'a and b and c or d\n(a and b) and c\na < b <= c is not d not in e\nx = y = (1, 2)\nx[1:2, ::3]\n{**a, "b": 1}\n{1, 2}\n[i for i in x if i if j]\n{k: v async for k, v in y}\nf(x for x in y)\n(x for x in y)\n(yield)\nx if y else z\n(n := 10)\nx.y.z\nx[*a]\n',
    "imports": 'import a.b as c, d\nfrom . import x\nfrom ..m import (y as z, w)\nfrom m import *\nglobal g\nnonlocal n\nassert x, "m"\nx: int = 1\n(y): int\nx += 1\ntype A[T] = list[T]\n',
    "match": 'match p:\n    case 1 | 2 if x:\n        pass\n    case [a, *rest, b]:\n        pass\n    case {"k": v, **kw}:\n        pass\n    case Point(1, y=2) as pt:\n        pass\n    case None | True:\n        pass\n    case -1j | 1 + 2j:\n        pass\n    case _:\n        pass\n',
    "newlines": '\ufeffx = 1\r\nif x:\r\n\ty = "\xe9"\r\n\x0cz = 3\rw = 4\n',
    "coding": '# -*- coding: latin-1 -*-\nx = "caf\xe9"\n',
    "empty": '',
    "docstrings": '"""Module doc."""\nclass C:\n    "class doc"\n    def f(self):\n        \'\'\'f doc\'\'\'\n',
}

# Sources CPython rejects (or accepts only in some versions): error lines.
ERRORS = [
    'x = 1\n  y = 2\n',
    'if x:\npass\n',
    'def f():\nreturn 1\n',
    'if x:\n    a\n  b\n',
    'if x:\n\ty\n        z\n',
    'print "x"\n',
    'x = (1,\n',
    'x = [1, 2\ny = 3\n',
    'x = 1)\n',
    'x = (1]\n',
    'f(a=1, b)\n',
    'def f(a=1, b): pass\n',
    "x = 'abc\n",
    'x = """abc\n\n',
    'x = 1 +\n',
    'x = 5 $ 3\n',
    'a = 1 = 2\n',
    'f() = 1\n',
    'del f()\n',
    'class C\n    pass\n',
    'x = \u20ac\n',
    'x = 0777\n',
    'x = 1__0\n',
    'x = {1: 2, 3}\n',
    'a, b += 1\n',
    '(a, b): int\n',
    'f(x for x in y, 1)\n',
    'try:\n    pass\n',
    'f"{x"\n',
    'f"{}"\n',
    'x = 1 \\ 2\n',
    'print(1, 2 3)\n',
    'x = ' + '(' * 250 + ')' * 250 + '\n',
    'x = 1\x00\n',
    'x = "\xff"\n',
    '# coding: foo\nx = 1\n',
    '\ufeff# coding: latin-1\nx = 1\n',
    'x = t"a{b}"\n',
]

ENCODED = {"coding": "latin-1"}


def write_sources():
    src_dir = os.path.join(FIXTURES, "src")
    os.makedirs(src_dir, exist_ok=True)
    names = []
    for name, src in SAMPLES.items():
        data = src.encode(ENCODED.get(name, "utf-8"), "surrogatepass")
        with open(os.path.join(src_dir, name + ".py"), "wb") as f:
            f.write(data)
        names.append((name, True))
    for i, src in enumerate(ERRORS):
        name = "err%02d" % (i + 1)
        data = src.encode("latin-1") if "\xff" in src else src.encode("utf-8")
        with open(os.path.join(src_dir, name + ".py"), "wb") as f:
            f.write(data)
        names.append((name, False))
    return src_dir, names


def run(oracle, args, files):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, dir="/tmp") as lst:
        lst.write("\n".join(files) + "\n")
    try:
        out = subprocess.run(oracle.argv(DUMPER, *args, "--list", lst.name), env=oracle.env(),
                             capture_output=True, check=True).stdout.decode("utf-8", "surrogateescape")
    finally:
        os.unlink(lst.name)
    parts = out.split(MARKER + "\n")
    return [p for p in parts[:len(files)]]


def main(argv):
    versions = argv or list(VERSIONS)
    src_dir, names = write_sources()
    found = {o.version: o for o in oracles.available()}
    for v in versions:
        o = found.get(v)
        if o is None:
            print("no CPython %s; skipped (run scripts/oracles.py install)" % v)
            continue
        out_dir = os.path.join(FIXTURES, v)
        os.makedirs(out_dir, exist_ok=True)
        files = [os.path.join(src_dir, n + ".py") for n, _ in names]
        plain = run(o, [], files)
        indented = run(o, ["--indent", "2"], [os.path.join(src_dir, n + ".py") for n, s in names if s])
        it = iter(indented)
        for (name, sample), text in zip(names, plain):
            with open(os.path.join(out_dir, name + ".dump"), "w", encoding="utf-8",
                      errors="surrogateescape", newline="\n") as f:
                f.write(text)
            if sample:
                with open(os.path.join(out_dir, name + ".indent.dump"), "w", encoding="utf-8",
                          errors="surrogateescape", newline="\n") as f:
                    f.write(next(it))
        print("%s (CPython %s): %d fixtures" % (v, o.full_version, len(names)))


if __name__ == "__main__":
    main(sys.argv[1:])
