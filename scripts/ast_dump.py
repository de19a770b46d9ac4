#!/usr/bin/env python3
"""Print CPython's ``ast.dump(ast.parse(src), include_attributes=True)``.

Reference side of pybc-ast's conformance check; run it under the CPython
whose AST is the target.  Each file is read as bytes (so
its BOM / coding declaration is honoured, as when compiling a file) and
its dump is followed by a marker line, the protocol also spoken by
``cargo run -p pybc-ast --example ast_dump``, so one process serves many
files.

A file CPython rejects prints ``Kind: msg (line N, offset C)`` instead
(SyntaxError, IndentationError or TabError, with the exception's fields).

Usage: ast_dump.py [--indent N] [--no-attributes] [--list LISTFILE] FILE...
  ('-' reads file names from standard input, one per line; --list reads
  them from LISTFILE, which also works under Pyodide)
"""
import ast
import sys

MARKER = "\x01----pybc-ast-end----"


def dump_one(path, attrs, indent, out):
    try:
        with open(path, "rb") as f:
            src = f.read()
    except OSError as e:
        out.write("IOError: %s\n" % e)
    else:
        try:
            tree = ast.parse(src, path)
            text = ast.dump(tree, include_attributes=attrs, indent=indent)
        except SyntaxError as e:
            out.write("%s: %s (line %s, offset %s)\n" % (type(e).__name__, e.msg, e.lineno, e.offset))
        except (ValueError, RecursionError, MemoryError) as e:
            out.write("%s: %s\n" % (type(e).__name__, e))
        else:
            out.write(text + "\n")
    out.write(MARKER + "\n")
    out.flush()


def main(argv):
    attrs, indent, files = True, None, []
    it = iter(argv)
    for a in it:
        if a == "--indent":
            indent = int(next(it))
        elif a == "--no-attributes":
            attrs = False
        elif a == "--list":
            with open(next(it), encoding="utf-8") as f:
                files.extend(line.rstrip("\n") for line in f if line.strip())
        else:
            files.append(a)
    out = open(sys.stdout.fileno(), "w", encoding="utf-8", errors="surrogateescape", closefd=False)
    sys.setrecursionlimit(100000)
    for f in files:
        if f == "-":
            for line in sys.stdin:
                dump_one(line.rstrip("\n"), attrs, indent, out)
        else:
            dump_one(f, attrs, indent, out)
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
