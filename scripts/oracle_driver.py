"""Compile sources and record `dis.dis` output, inside a reference interpreter.

    <oracle> scripts/oracle_driver.py JOB.json

Run by scripts/conformance.py and scripts/make_fixtures.py under each
interpreter (see scripts/oracles.py), with PYTHONHASHSEED=0. This file is valid
Python 2.7 and 3.x so that one interpreter process does the whole job.

JOB.json:

    {
      "items": [[source path, relative path, co_filename], ...],
      "pyc_dir": DIR,          # DIR/<rel without .py>.pyc
      "expected_dir": DIR,     # see "layout"
      "layout": "tree" | "flat",
          # tree: expected_dir/<option>/<rel without .py>.dis
          # flat: expected_dir/<rel without .py>.dis for "default",
          #       expected_dir/<rel without .py>.<option>.dis otherwise
      "options": ["default", "C", "O", "P"],
      "normalize_addresses": false,   # write " at 0xADDR" for object addresses
      "compress": false,       # write each expected file gzipped, as <name>.dis.gz
      "journal": FILE          # appended to, one JSON object a line
    }

The code object disassembled is the one marshal loads back from the .pyc
(its frozensets iterate in load order, as for `dis` of a .pyc file). A .pyc
is written with a zero timestamp (deterministic bytes) and is reused,
not rewritten, when it already exists; an expected file that already exists
is left alone. Compressed expected files (gzip level 1, about a seventh of
the text) keep a whole standard library's listings small on disk. For each
item the journal gets {"start": rel} before any work and {"rel": rel,
"compile": null | error, "dis": {option: null | error}} after it, so that a
caller can tell which item killed the process.

Options: default is dis.dis(code); C adds show_caches=True (3.11+), O adds
show_offsets=True (3.13+), P adds show_positions=True (3.14+). I is
dis.code_info(c) of every code object, module first, then depth-first in
co_consts order (the order dis.dis recurses), each preceded by a blank line
(3.2+). An option the interpreter lacks is recorded as an error
"unsupported".
"""
from __future__ import print_function

import gzip
import io
import json
import marshal
import os
import re
import sys
import traceback

try:
    from StringIO import StringIO as _TextBuffer  # Python 2: print writes str
except ImportError:
    _TextBuffer = io.StringIO

import dis

try:
    from importlib.util import MAGIC_NUMBER
except ImportError:
    import imp
    MAGIC_NUMBER = imp.get_magic()

PY = sys.version_info[:2]
if PY >= (3, 7):
    HEADER = 16
elif PY >= (3, 3):
    HEADER = 12
else:
    HEADER = 8

OPTION_KWARGS = {
    "default": ({}, (0, 0)),
    "C": ({"show_caches": True}, (3, 11)),
    "O": ({"show_offsets": True}, (3, 13)),
    "P": ({"show_positions": True}, (3, 14)),
    "I": ({}, (3, 2)),
}

ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def makedirs(path):
    if path and not os.path.isdir(path):
        try:
            os.makedirs(path)
        except OSError:
            if not os.path.isdir(path):
                raise


def write_atomic(path, data):
    makedirs(os.path.dirname(path))
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


def gzipped(data):
    buf = io.BytesIO()
    # mtime=0: the same text gives the same bytes.
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=1, mtime=0) as f:
        f.write(data)
    return buf.getvalue()


def header(source_size):
    # magic, (3.7+: flags = 0, timestamp based), mtime = 0, (3.3+: source size)
    parts = [MAGIC_NUMBER]
    if HEADER == 16:
        parts.append(b"\0\0\0\0")
    parts.append(b"\0\0\0\0")
    if HEADER >= 12:
        size = source_size & 0xFFFFFFFF
        parts.append(bytearray([size & 255, (size >> 8) & 255, (size >> 16) & 255, size >> 24]))
    return b"".join(bytes(p) for p in parts)


def error_text(exc):
    text = "%s: %s" % (type(exc).__name__, exc)
    return text.replace("\n", " ")[:500]


def stem(rel):
    return rel[:-3] if rel.endswith(".py") else rel


def expected_path(job, rel, option):
    base = stem(rel)
    suffix = ".dis.gz" if job.get("compress") else ".dis"
    if job.get("layout") == "flat":
        name = base + (suffix if option == "default" else "." + option + suffix)
        return os.path.join(job["expected_dir"], name)
    return os.path.join(job["expected_dir"], option, base + suffix)


def code_infos(code):
    """dis.code_info of code and every nested code object, in dis order."""
    parts = []
    stack = [code]
    while stack:
        c = stack.pop()
        parts.append("\n" + dis.code_info(c) + "\n")
        stack.extend(x for x in reversed(c.co_consts) if hasattr(x, "co_code"))
    return "".join(parts)


def disassemble(code, option):
    kwargs, since = OPTION_KWARGS[option]
    if PY < since:
        raise NotImplementedError("unsupported")
    if option == "I":
        text = code_infos(code)
        if not isinstance(text, bytes):
            text = text.encode("utf-8", "surrogatepass")
        return text
    buf = _TextBuffer()
    saved = sys.stdout
    sys.stdout = buf
    try:
        if kwargs:
            dis.dis(code, **kwargs)
        else:
            dis.dis(code)
    finally:
        sys.stdout = saved
    text = buf.getvalue()
    if not isinstance(text, bytes):
        text = text.encode("utf-8", "surrogatepass")
    return text


def process(job, item, journal):
    src, rel, dfile = item
    record = {"rel": rel, "compile": None, "dis": {}}
    pyc = os.path.join(job["pyc_dir"], stem(rel) + ".pyc")
    code = None
    if os.path.isfile(pyc):
        try:
            with open(pyc, "rb") as f:
                data = f.read()
            code = marshal.loads(data[HEADER:])
        except Exception as exc:
            code = None
            os.remove(pyc)
    if code is None:
        try:
            with open(src, "rb") as f:
                source = f.read()
            data = marshal.dumps(compile(source, dfile, "exec", 0, True))
            write_atomic(pyc, header(len(source)) + data)
            # What `dis` shows for a .pyc is the code object marshal loads:
            # a frozenset's iteration order can differ from the compiler's.
            code = marshal.loads(data)
        except (Exception, SyntaxError) as exc:  # RecursionError, MemoryError, ...
            record["compile"] = error_text(exc)
            return record
    for option in job["options"]:
        out = expected_path(job, rel, option)
        if os.path.isfile(out):
            record["dis"][option] = None
            continue
        try:
            text = disassemble(code, option)
        except Exception as exc:
            if str(exc) == "unsupported":
                record["dis"][option] = "unsupported"
            else:
                record["dis"][option] = error_text(exc) + " | " + \
                    traceback.format_exc().strip().splitlines()[-2].strip()[:200]
            continue
        if job.get("normalize_addresses"):
            text = ADDRESS.sub(" at 0xADDR", text.decode("utf-8", "surrogatepass")).encode(
                "utf-8", "surrogatepass")
        write_atomic(out, gzipped(text) if job.get("compress") else text)
        record["dis"][option] = None
    return record


def main(argv):
    with open(argv[1], "rb") as f:
        job = json.loads(f.read().decode("utf-8"))
    journal = io.open(job["journal"], "ab", buffering=0)

    def note(obj):
        journal.write((json.dumps(obj, sort_keys=True) + "\n").encode("utf-8"))

    note({"interpreter": sys.version.split()[0], "pid": os.getpid()})
    for item in job["items"]:
        note({"start": item[1]})
        record = process(job, item, journal)
        note(record)
    journal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
