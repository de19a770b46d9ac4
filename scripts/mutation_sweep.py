#!/usr/bin/env python3
"""Hostile-input sweep: mutate real .pyc files and check that `pybc` copes.

Takes real .pyc files of every version at hand (fixtures/<X.Y>/*.pyc and
standard-library modules compiled by each local interpreter; see
scripts/pyc_samples.py), derives mutated files from them and runs the release
binary on them, many files per invocation (plus a share of single-file runs),
under a timeout and an address-space limit.

Mutations (the `kind` column of the summary):
  truncate   cut the file at a random point or an object boundary
  bitflip    flip 1-4 bits (mostly in the marshal data)
  overwrite  overwrite 1-8 bytes with random or boundary values
  length     set a length field to 0x7fffffff, 0xffffffff, 0x80000000,
             another negative or huge value, or off by one
  ref        point a TYPE_REF ('r') at an object still being read (itself or
             an ancestor), forward, past the end, at a negative index; or
             replace an object by such a reference
  typecode   change an object's type code, or its FLAG_REF bit
  swap       replace one object by a copy of another from the same file
  codeint    set a code object's integer field (argcount, flags, ...) to an
             extreme value
  nest       replace an object by a deep nest: tuples (100,000 deep, too),
             small tuples, lists, dicts, sets, frozensets, slices, code objects
  dag        build a file whose constants share sub-objects through references
             ("billion laughs": each tuple holds its predecessor twice), or whose
             code objects do, or with huge constants/names used by many
             instructions
  splice     insert a chunk of another sample (any version)
  archive    a zip archive (the case is named .zip): of mutated samples with a
             source, itself mutated or truncated; zip bombs (a member of
             1 MiB to 100 MiB of zeros, one declaring fewer bytes than it
             inflates to, thousands of entries sharing one compressed
             member); 1,000 to 65,000 members

Each case is classified:
  ok-output  exit 0                                  } OK
  ok-error   exit 1 and one `FILE: message` line      }
  panic      exit 101                                 } FAILURE
  signal     killed by a signal (abort, segfault, ...) }
  timeout    over --timeout CPU seconds                }
  stderr     anything else on stderr (several lines,   }
             no `FILE: ` prefix), or another exit code }
  memory     peak RSS above --mem-base + --mem-factor × input size
Failing inputs are written to --failures (default target/hostile/failures)
with a .txt note each, for turning into regression tests.

Examples:
  scripts/mutation_sweep.py --ci                   # CI slice: 3,000 cases, fixed seed
  scripts/mutation_sweep.py --count 100000 --seed 1 --jobs 2
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import io
import math
import signal
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pyc_samples  # noqa: E402

ROOT = pyc_samples.ROOT
FLAG_REF = 0x80
OK_OUTCOMES = ("ok-output", "ok-error")
FAIL_OUTCOMES = ("panic", "signal", "timeout", "stderr", "memory")


# ---------------------------------------------------------------------------
# A marshal walker: where each object, length field, reference and code
# object integer field is (for targeted mutations). It mirrors the reader in
# crates/pybc-marshal/src/reader.rs.

class WalkError(Exception):
    pass


@dataclass
class Obj:
    off: int
    end: int
    code: int  # type code without FLAG_REF
    depth: int
    slots_before: int  # reference slots reserved before this object


@dataclass
class Walk:
    objects: list = field(default_factory=list)  # Obj
    lengths: list = field(default_factory=list)  # (offset, size in bytes)
    refs: list = field(default_factory=list)  # (offset of index, open slots)
    ints: list = field(default_factory=list)  # offsets of code int fields
    codes: list = field(default_factory=list)  # (Obj, consts Obj)
    slots: int = 0


def code_fields(version):
    """(number of leading int fields, object fields before firstlineno,
    object fields after it) of a version's code object."""
    if version >= (3, 11):
        return 5, 9, 2  # code..qualname, firstlineno, linetable, exceptiontable
    if version >= (3, 8):
        return 6, 8, 1
    if version >= (3, 0):
        return 5, 8, 1
    return 4, 8, 1


class Walker:
    def __init__(self, data: bytes, pos: int, version):
        self.data = data
        self.pos = pos
        self.version = version
        self.w = Walk()
        self.open: list[int] = []

    def take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise WalkError("truncated")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def i32(self):
        return struct.unpack("<i", self.take(4))[0]

    def length(self):
        self.w.lengths.append((self.pos, 4))
        n = self.i32()
        if n < 0:
            raise WalkError("negative length")
        return n

    def obj(self, depth=0):
        if depth > 1500:
            raise WalkError("too deep")
        off = self.pos
        code = self.take(1)[0]
        t = code & 0x7F
        before = self.w.slots
        if code & FLAG_REF:
            self.open.append(self.w.slots)
            self.w.slots += 1
        try:
            consts = None
            if t in b"0NFTS.":
                pass
            elif t == ord("i"):
                self.take(4)
            elif t == ord("I"):
                self.take(8)
            elif t == ord("l"):
                self.w.lengths.append((self.pos, 4))
                n = self.i32()
                self.take(abs(n) * 2)
            elif t == ord("f"):
                self.w.lengths.append((self.pos, 1))
                self.take(self.take(1)[0])
            elif t == ord("g"):
                self.take(8)
            elif t == ord("x"):
                for _ in range(2):
                    self.w.lengths.append((self.pos, 1))
                    self.take(self.take(1)[0])
            elif t == ord("y"):
                self.take(16)
            elif t in b"stuaA":
                self.take(self.length())
            elif t in b"zZ":
                self.w.lengths.append((self.pos, 1))
                self.take(self.take(1)[0])
            elif t in b"([<>":
                for _ in range(self.length()):
                    self.obj(depth + 1)
            elif t == ord(")"):
                self.w.lengths.append((self.pos, 1))
                for _ in range(self.take(1)[0]):
                    self.obj(depth + 1)
            elif t == ord("{"):
                while True:
                    k = self.pos
                    self.obj(depth + 1)
                    if self.data[k] & 0x7F == ord("0"):
                        break
                    self.obj(depth + 1)
            elif t == ord(":"):
                for _ in range(3):
                    self.obj(depth + 1)
            elif t == ord("c"):
                ints, before_line, after_line = code_fields(self.version)
                for _ in range(ints):
                    self.w.ints.append(self.pos)
                    self.take(4)
                for i in range(before_line):
                    start = len(self.w.objects)
                    self.obj(depth + 1)
                    if i == 1:
                        consts = self.w.objects[-1] if len(self.w.objects) > start else None
                self.w.ints.append(self.pos)
                self.take(4)
                for _ in range(after_line):
                    self.obj(depth + 1)
            elif t in b"rR":
                self.w.refs.append((self.pos, tuple(self.open)))
                self.take(4)
            else:
                raise WalkError(f"unknown type {t:#x}")
        finally:
            if code & FLAG_REF:
                self.open.pop()
        o = Obj(off, self.pos, t, depth, before)
        self.w.objects.append(o)
        if t == ord("c") and consts is not None:
            self.w.codes.append((o, consts))
        return o


def walk(data: bytes, start: int, version) -> Walk | None:
    w = Walker(data, start, version)
    try:
        w.obj()
    except (WalkError, RecursionError):
        return None
    return w.w


# ---------------------------------------------------------------------------
# Building blocks for synthetic files.

def i32(n: int) -> bytes:
    return struct.pack("<I", n & 0xFFFFFFFF)


def m_bytes(b: bytes) -> bytes:
    return b"s" + i32(len(b)) + b


def m_str(s: str, version) -> bytes:
    b = s.encode()
    if version < (3, 0):
        return b"s" + i32(len(b)) + b
    if version >= (3, 4) and len(b) < 256 and s.isascii():
        return b"z" + bytes([len(b)]) + b
    return b"u" + i32(len(b)) + b


def m_tuple(items) -> bytes:
    items = list(items)
    return b"(" + i32(len(items)) + b"".join(items)


def opcode_numbers() -> dict:
    """{(3, X): {opname: number}} read from the generated opcode tables."""
    path = ROOT / "crates" / "pybc-versions" / "src" / "opcodes" / "generated.rs"
    out: dict = {}
    try:
        text = path.read_text()
    except OSError:
        text = ""
    for section in text.split("version: PyVersion::new(")[1:]:
        m = re.match(r"(\d+), (\d+)\)", section)
        if not m:
            continue
        names = re.findall(r'OpInfo \{ name: "([^"]+)"', section)
        table = {}
        for number, name in enumerate(names[:256]):
            table.setdefault(name, number)
        out[(int(m.group(1)), int(m.group(2)))] = table
    return out


OPCODES = opcode_numbers()
LOAD_CONST_FALLBACK = {(3, 13): 83, (3, 14): 82, (3, 15): 81}


def op(version, name, fallback):
    return OPCODES.get(version, {}).get(name, fallback)


def code_object(version, code: bytes, consts: bytes, names: bytes = None,
                flag_ref=False, name="f") -> bytes:
    """A minimal code object for `version`, with `consts` (marshalled tuple)."""
    ints, _, _ = code_fields(version)
    empty = m_tuple([])
    names = names if names is not None else empty
    head = b"c" if not flag_ref else bytes([ord("c") | FLAG_REF])
    head += i32(0) * (ints - 2) + i32(16) + i32(0)  # ..., stacksize, flags
    if version >= (3, 11):
        body = [m_bytes(code), consts, names, empty, m_bytes(b""),
                m_str("<hostile>", version), m_str(name, version), m_str(name, version),
                i32(1), m_bytes(b""), m_bytes(b"")]
    else:
        body = [m_bytes(code), consts, names, empty, empty, empty,
                m_str("<hostile>", version), m_str(name, version), i32(1), m_bytes(b"")]
    return head + b"".join(body)


def pyc(header: bytes, body: bytes) -> bytes:
    return header + body


def shared_tuple_chain(levels: int, first_slot: int, leaf: bytes = b"N") -> bytes:
    """t_1 = (leaf,); t_i = (t_(i-1), t_(i-1)) sharing through a reference;
    returns the definition of t_levels, reserving slots first_slot.. onwards
    (outermost first)."""
    # Slot of t_i = first_slot + (levels - i).
    out = bytes([ord("(") | FLAG_REF]) + i32(1) + leaf
    for i in range(2, levels + 1):
        inner_slot = first_slot + (levels - (i - 1))
        out = bytes([ord("(") | FLAG_REF]) + i32(2) + out + b"r" + i32(inner_slot)
    # The concatenation above builds from the inside out; the reader meets
    # t_levels first, so its slot is first_slot, as computed.
    return out


# ---------------------------------------------------------------------------
# Mutators. Each takes (rng, sample) and returns (bytes, detail) or None.

@dataclass
class Sample:
    version: tuple
    path: Path
    data: bytes
    hlen: int
    walk: Walk | None


INTERESTING_32 = [0x7FFFFFFF, 0xFFFFFFFF, 0x80000000, 0xFFFFFFFE, 0x40000000,
                  0x10000000, 0x0FFFFFFF, 0x00010000, 0x0000FFFF, 0]


def put32(data: bytearray, off: int, value: int):
    data[off:off + 4] = i32(value)


def m_truncate(rng, s: Sample):
    if s.walk and rng.random() < 0.5:
        o = rng.choice(s.walk.objects)
        cut = rng.choice([o.off, o.off + 1, o.end - 1, o.end])
    else:
        cut = rng.randrange(0, len(s.data))
    return s.data[:cut], f"cut at {cut}"


def m_bitflip(rng, s: Sample):
    d = bytearray(s.data)
    n = rng.randint(1, 4)
    for _ in range(n):
        lo = s.hlen if rng.random() < 0.9 and len(d) > s.hlen else 0
        i = rng.randrange(lo, len(d))
        d[i] ^= 1 << rng.randrange(8)
    return bytes(d), f"{n} bits"


def m_overwrite(rng, s: Sample):
    d = bytearray(s.data)
    n = rng.randint(1, 8)
    for _ in range(n):
        i = rng.randrange(0, len(d))
        d[i] = rng.choice([0, 0xFF, 0x7F, 0x80, rng.randrange(256)])
    return bytes(d), f"{n} bytes"


def m_length(rng, s: Sample):
    if not s.walk or not s.walk.lengths:
        return None
    off, size = rng.choice(s.walk.lengths)
    d = bytearray(s.data)
    if size == 1:
        d[off] = rng.choice([0, 0xFF, 0x80, (d[off] + 1) & 0xFF, (d[off] - 1) & 0xFF])
        return bytes(d), f"1-byte length at {off} = {d[off]}"
    old = struct.unpack("<I", bytes(d[off:off + 4]))[0]
    value = rng.choice(INTERESTING_32 + [old + 1, old - 1, old * 2, old + 0x10000,
                                         -rng.randint(1, 1 << 20), rng.getrandbits(32)])
    put32(d, off, value)
    return bytes(d), f"length at {off} = {value & 0xFFFFFFFF:#x}"


def m_ref(rng, s: Sample):
    w = s.walk
    if not w:
        return None
    d = bytearray(s.data)
    if w.refs and rng.random() < 0.7:
        off, open_slots = rng.choice(w.refs)
        choices = [("huge", 0x7FFFFFFF), ("negative", 0xFFFFFFFF), ("min", 0x80000000),
                   ("forward", w.slots), ("forward+", w.slots + rng.randint(1, 1000))]
        if open_slots:
            choices.append(("ancestor", rng.choice(open_slots)))
            choices.append(("parent", open_slots[-1]))
        what, value = rng.choice(choices)
        put32(d, off, value)
        return bytes(d), f"ref at {off} -> {what} {value:#x}"
    # Replace an object by a reference to itself or to an ancestor.
    o = rng.choice(w.objects[:-1] or w.objects)
    target = rng.choice(["self", "next", "huge"])
    value = {"self": o.slots_before, "next": o.slots_before + 1, "huge": 0x7FFFFFF0}[target]
    flag = FLAG_REF if target == "self" else 0
    d[o.off:o.end] = bytes([ord("r") | flag]) + i32(value)
    return bytes(d), f"object at {o.off} -> ref {target}"


TYPE_CODES = b"0NFTS.iIlfgxystuaAzZ)([<>{:cr"


def m_typecode(rng, s: Sample):
    if not s.walk:
        return None
    o = rng.choice(s.walk.objects)
    d = bytearray(s.data)
    if rng.random() < 0.3:
        d[o.off] ^= FLAG_REF
        return bytes(d), f"FLAG_REF toggled at {o.off}"
    d[o.off] = rng.choice(TYPE_CODES) | (d[o.off] & FLAG_REF)
    return bytes(d), f"type at {o.off} = {chr(d[o.off] & 0x7F)!r}"


def m_swap(rng, s: Sample):
    if not s.walk or len(s.walk.objects) < 2:
        return None
    a, b = rng.sample(s.walk.objects, 2)
    if a.off <= b.off < a.end:
        return None
    d = s.data[:a.off] + s.data[b.off:b.end] + s.data[a.end:]
    return d, f"object at {a.off} replaced by object at {b.off}"


def m_codeint(rng, s: Sample):
    if not s.walk or not s.walk.ints:
        return None
    off = rng.choice(s.walk.ints)
    d = bytearray(s.data)
    value = rng.choice(INTERESTING_32 + [rng.getrandbits(32)])
    put32(d, off, value)
    return bytes(d), f"code int at {off} = {value:#x}"


NEST_KINDS = ["tuple", "smalltuple", "list", "dict", "set", "frozenset", "slice", "code"]


def nest_bytes(kind: str, depth: int, version, s: Sample) -> bytes:
    if kind == "tuple":
        return (b"(" + i32(1)) * depth + b"N"
    if kind == "smalltuple":
        return b")\x01" * depth + b"N"
    if kind == "list":
        return (b"[" + i32(1)) * depth + b"N"
    if kind in ("set", "frozenset"):
        return ((b"<" if kind == "set" else b">") + i32(1)) * depth + b"N"
    if kind == "dict":
        return b"{N" * depth + b"N" + b"0" * depth
    if kind == "slice":
        return b":" * depth + b"N" + b"NN" * depth
    # Code objects nested through their constants.
    inner = code_object(version, b"", m_tuple([]))
    split = inner.index(m_tuple([]), 5)  # the consts field of the template
    head, tail = inner[:split], inner[split + 5:]
    return (head + b"(" + i32(1)) * depth + inner + tail * depth


def m_nest(rng, s: Sample):
    kind = rng.choice(NEST_KINDS)
    depth = rng.choice([1999, 2000, 2001, 2500, 10_000, 100_000])
    if kind == "code":
        depth = min(depth, 3000)
    nest = nest_bytes(kind, depth, s.version, s)
    w = s.walk
    if w and w.codes and rng.random() < 0.8:
        # Replace a constant (an element of some co_consts) by the nest.
        code, consts = rng.choice(w.codes)
        items = [o for o in w.objects if consts.off < o.off < consts.end
                 and o.depth == consts.depth + 1]
        target = rng.choice(items) if items else consts
    elif w:
        target = rng.choice(w.objects)
    else:
        return s.data[:s.hlen] + nest, f"{kind} nest {depth} as root"
    d = s.data[:target.off] + nest + s.data[target.end:]
    return d, f"{kind} nest {depth} at {target.off}"


def m_dag(rng, s: Sample):
    v = s.version
    header = s.data[:s.hlen]
    load_const = op(v, "LOAD_CONST", LOAD_CONST_FALLBACK.get(v, 100))
    style = rng.choice(["tuples", "tuples", "codes", "wide", "names"])
    if style == "tuples":
        # 2**levels leaves through shared references.
        levels = rng.choice([16, 24, 32, 64, 200, 1000])
        consts = m_tuple([shared_tuple_chain(levels, 0)])
        code = bytes([load_const, 0]) * rng.choice([1, 2, 50])
        return pyc(header, code_object(v, code, consts)), f"shared tuples, {levels} levels"
    if style == "codes":
        # Code objects whose constants hold their predecessor twice.
        levels = rng.choice([16, 24, 40, 300])
        inner = code_object(v, bytes([load_const, 0]), m_tuple([b"N"]), flag_ref=True, name="c1")
        for i in range(2, levels + 1):
            slot = levels - (i - 1)
            inner = code_object(v, bytes([load_const, 0, load_const, 1]),
                                m_tuple([inner, b"r" + i32(slot)]), flag_ref=True,
                                name=f"c{i}")
        return pyc(header, code_object(v, bytes([load_const, 0]), m_tuple([inner]))), \
            f"shared code objects, {levels} levels"
    if style == "wide":
        # One big constant loaded by many instructions.
        width = rng.choice([1000, 20_000, 100_000])
        loads = rng.choice([100, 5000, 50_000])
        consts = m_tuple([m_tuple([b"N"] * width)])
        ext = op(v, "EXTENDED_ARG", 144)
        code = (bytes([ext, 0]) + bytes([load_const, 0])) * loads
        return pyc(header, code_object(v, code, consts)), f"{width}-tuple loaded {loads} times"
    # A huge name used by many instructions.
    size = rng.choice([10_000, 200_000, 1_000_000])
    loads = rng.choice([100, 10_000, 100_000])
    load_name = op(v, "LOAD_NAME", 101)
    names = m_tuple([b"u" + i32(size) + b"n" * size])
    code = bytes([load_name, 0]) * loads
    return pyc(header, code_object(v, code, m_tuple([]), names=names)), \
        f"{size}-byte name used {loads} times"


def m_splice(rng, s: Sample, others):
    other = rng.choice(others)
    a = rng.randrange(0, len(other.data))
    chunk = other.data[a:a + rng.randint(1, 512)]
    at = rng.randrange(s.hlen, len(s.data) + 1) if len(s.data) > s.hlen else len(s.data)
    if rng.random() < 0.5:
        d = s.data[:at] + chunk + s.data[at:]
    else:
        d = s.data[:at] + chunk + s.data[at + len(chunk):]
    return d, f"{len(chunk)} bytes of {other.path.name} ({other.version[0]}.{other.version[1]}) at {at}"


# Zip archives (the case file is named .zip). Inflated blobs are cached:
# making 100 MB of zeros each time would dominate the sweep.
_DEFLATED: dict = {}


def deflated_zeros(size: int) -> bytes:
    if size not in _DEFLATED:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        chunk = bytes(1 << 20)
        out = [c.compress(chunk) for _ in range(size >> 20)]
        out.append(c.compress(bytes(size & ((1 << 20) - 1))))
        out.append(c.flush())
        _DEFLATED[size] = b"".join(out)
    return _DEFLATED[size]


def zip_entries(entries) -> bytes:
    """A zip file from (name, raw data, compressed data, method, declared
    size) tuples; several names may share one local entry when `raw data`
    is an int: the index of the entry whose data they point at."""
    out = bytearray()
    central = bytearray()
    offsets = []
    for name, raw, comp, method, declared in entries:
        n = name.encode()
        if isinstance(raw, int):
            offset, crc, csize = offsets[raw]
        else:
            offset, crc, csize = len(out), zlib.crc32(raw), len(comp)
            out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, csize,
                               declared, len(n), 0) + n + comp
        offsets.append((offset, crc, csize))
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0, crc,
                               csize, declared, len(n), 0, 0, 0, 0, 0, offset) + n
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries) & 0xFFFF,
                      len(entries) & 0xFFFF, len(central), len(out), 0)
    return bytes(out + central + end)


def input_size(path: Path, data: bytes) -> int:
    """The bytes pybc reads from a case: for an archive, its members as
    inflated within the CLI's limits (pybc_inputs::Limits: at most 64 MiB,
    and at most 100 times the compressed size above 1 MiB)."""
    if path.suffix != ".zip":
        return len(data)
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                size = info.file_size
                if size <= 64 << 20 and (size <= 1 << 20 or size <= 100 * info.compress_size):
                    total += size
    except Exception:  # a broken archive: only its own bytes are read
        pass
    return max(len(data), total)


# How the members of an archive are mutated.
MEMBER_KINDS = ["truncate", "bitflip", "overwrite", "length", "ref", "typecode", "swap",
                "codeint", "splice"]


def m_archive(rng, s: Sample, others):
    style = rng.choice(["members", "members", "mutated", "ratio", "size", "lying",
                        "overlap", "many"])
    tag = f"cpython-{s.version[0]}{s.version[1]}"
    if style in ("members", "mutated"):
        members = []
        for i in range(rng.randint(1, 4)):
            kind = rng.choice(MEMBER_KINDS)
            fn = globals()["m_" + kind]
            r = fn(rng, s, others) if kind == "splice" else fn(rng, s)
            members.append(r[0] if r else s.data)
        buf = io.BytesIO()
        method = rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
        with zipfile.ZipFile(buf, "w", method) as z:
            for i, data in enumerate(members):
                z.writestr(f"pkg/__pycache__/m{i}.{tag}.pyc", data)
            z.writestr("pkg/m0.py", "x = 1\n" * rng.choice([1, 1000]))
        data = buf.getvalue()
        if style == "mutated":
            d = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                d[rng.randrange(len(d))] = rng.randrange(256)
            data = bytes(d[:rng.randint(len(d) // 2, len(d))] if rng.random() < 0.3 else d)
        return data, f"zip ({style}) of {len(members)} members"
    if style == "ratio":
        size = rng.choice([(1 << 20) + 1, 8 << 20, 50 << 20])
        comp = deflated_zeros(size)
        data = zip_entries([(f"bomb.{tag}.pyc", bytes(size), comp, 8, size)])
        return data, f"zip bomb: {size} bytes from {len(comp)}"
    if style == "size":
        size = 100 << 20
        comp = deflated_zeros(size)
        data = zip_entries([("bomb.pyc", b"", comp, 8, size)])
        return data, f"zip bomb: member of {size} bytes"
    if style == "lying":
        size = rng.choice([8 << 20, 200 << 20])
        comp = deflated_zeros(size)
        declared = rng.choice([0, 16, 1000, 1 << 20])
        data = zip_entries([("liar.pyc", b"", comp, 8, declared)])
        return data, f"zip member declaring {declared} bytes, inflating to {size}"
    if style == "overlap":
        # Many entries sharing one compressed blob (a non-recursive bomb).
        size = rng.choice([1 << 20, 1 << 19])
        comp = deflated_zeros(size)
        count = rng.choice([100, 1000, 5000])
        entries = [("m0.pyc", bytes(size), comp, 8, size)]
        entries += [(f"m{i}.pyc", 0, b"", 8, size) for i in range(1, count)]
        return zip_entries(entries), f"{count} zip entries sharing one {size}-byte member"
    count = rng.choice([1000, 20_000, 65_000])
    entries = [(f"p/m{i}.pyc", s.data[:64], s.data[:64], 0, 64) for i in range(count)]
    return zip_entries(entries), f"zip of {count} members"


# Relative weights; nest, dag and archive make large files, so they stay rare.
MUTATORS = [
    ("truncate", 12), ("bitflip", 20), ("overwrite", 14), ("length", 14), ("ref", 12),
    ("typecode", 8), ("swap", 6), ("codeint", 6), ("nest", 2), ("dag", 2), ("splice", 4),
    ("archive", 3),
]


def mutate(rng, samples, index):
    kinds = [k for k, _ in MUTATORS]
    weights = [w for _, w in MUTATORS]
    for _ in range(20):
        kind = rng.choices(kinds, weights)[0]
        s = rng.choice(samples)
        if kind == "dag" and s.version < (3, 10):
            continue
        fn = globals()["m_" + kind]
        r = fn(rng, s, samples) if kind in ("splice", "archive") else fn(rng, s)
        if r is not None:
            data, detail = r
            return kind, data, f"{s.path.parent.name}/{s.path.name}: {detail}"
    return "truncate", samples[0].data[: index % max(1, len(samples[0].data))], "fallback"


# Inputs from this size on have their RSS per input byte reported (below it
# the process's own baseline dominates).
RATIO_FROM = 64 << 10

# Output formats a batch is run with (arguments before the files), with
# relative weights; each case is run with one of them.
FORMATS = [((), 5), (("info",), 1), (("-f", "json"), 1), (("-f", "jsonl"), 1),
           (("-f", "csv"), 1), (("-f", "html"), 1), (("-C", "-O", "-P"), 1)]


def available_formats(binary) -> list:
    """FORMATS less those the binary does not know (`-f html` before HTML
    output existed)."""
    try:
        help_text = subprocess.run([binary, "--help"], capture_output=True, text=True,
                                   timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        help_text = ""
    return [(a, w) for a, w in FORMATS if "html" not in a or "html" in help_text]


# ---------------------------------------------------------------------------
# Running pybc: a small process pool driven by os.wait4, so that each run's
# peak RSS is known exactly.

@dataclass
class Case:
    index: int
    kind: str
    detail: str
    path: Path
    size: int
    outcome: str = ""  # from the batch run (or the single run)
    single_outcome: str = ""  # from a single-file run, which wins
    rss: int = 0  # bytes, the largest of every run the case was in
    single_rss: int = 0  # bytes, of the single-file run
    note: str = ""
    pending: int = 0  # runs not finished yet
    args: tuple = ()  # the output format's arguments (see FORMATS)


@dataclass
class Run:
    cases: list
    pid: int = 0
    start: float = 0.0
    err_path: Path | None = None
    rss_path: Path | None = None
    single: bool = False


# Runs pybc (argv[4:]) under the limits (argv[2]: address space, argv[3]:
# CPU seconds) and writes its peak RSS (KiB) to argv[1]. A hang is judged by
# CPU time, which other work on the machine does not inflate; wall-clock
# time only stops a run that waits forever. A peak RSS counts what a process had before exec: pybc must be
# forked from this small process, not from the sweep, whose memory would
# count as pybc's.
LAUNCHER = r"""
import os, resource, signal, sys
rss_path, limit, cpu, argv = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
pid = os.fork()
if pid == 0:
    try:
        os.nice(5)
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
with open(rss_path, "w") as f:
    f.write(str(ru.ru_maxrss))
if os.WIFSIGNALED(status):
    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
os._exit(os.WEXITSTATUS(status))
"""


# Wall-clock time allowed per CPU second before a run is killed.
WALL_FACTOR = 6
# Signals of a run over its CPU time.
CPU_SIGNALS = (signal.SIGXCPU, signal.SIGKILL)


def peak_rss(run, ru) -> int:
    """pybc's peak RSS in bytes (the launcher's when pybc's is unknown)."""
    try:
        return int(run.rss_path.read_text()) * 1024
    except (OSError, ValueError, AttributeError):
        return ru.ru_maxrss * 1024


class Pool:
    def __init__(self, binary, jobs, timeout, mem_limit, workdir):
        self.binary = binary
        self.jobs = jobs
        self.timeout = timeout
        self.mem_limit = mem_limit
        self.workdir = workdir
        self.running: dict[int, Run] = {}
        self.counter = 0

    def start(self, run: Run):
        self.counter += 1
        run.err_path = self.workdir / f"stderr-{self.counter}"
        run.rss_path = self.workdir / f"rss-{self.counter}"
        command = [self.binary, *run.cases[0].args, *[str(c.path) for c in run.cases]]
        with open(run.err_path, "wb") as err:
            p = subprocess.Popen(
                [sys.executable, "-S", "-c", LAUNCHER, str(run.rss_path), str(self.mem_limit),
                 str(math.ceil(self.timeout * (1 if run.single else 3))), *map(str, command)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                close_fds=True, start_new_session=True,
            )
        # The Popen object is not waited on: os.wait4 below reaps the child.
        p.returncode = 0
        run.pid = p.pid
        run.start = time.monotonic()
        self.running[run.pid] = run

    def wait_one(self):
        """Waits for any child; returns (run, status, rusage, timed_out)."""
        while True:
            pid, status, ru = os.wait4(-1, os.WNOHANG)
            if pid:
                run = self.running.pop(pid)
                return run, status, ru, getattr(run, "killed", False)
            now = time.monotonic()
            for run in self.running.values():
                limit = self.timeout * (1 if run.single else 3) * WALL_FACTOR
                if now - run.start > limit and not getattr(run, "killed", False):
                    run.killed = True
                    try:
                        os.killpg(run.pid, 9)
                    except ProcessLookupError:
                        pass
            time.sleep(0.002)


LINE = re.compile(rb"^(.*?): (.+)$")
# The summary a run over several files ends with, on stderr.
SUMMARY = re.compile(rb"^pybc: \d+ files?, \d+ failed(, .*)?$")
FAILED_NAME = re.compile(rb"^  failed: (.*)$")


def owner(name: bytes, paths) -> bytes | None:
    """The case a message's `FILE` belongs to: a case's path, or for an
    archive member, `ARCHIVE!MEMBER`."""
    if name in paths:
        return name
    head = name.split(b"!", 1)[0]
    return head if b"!" in name and head in paths else None


def split_summary(lines, several: bool):
    """(message lines, names the summary lists as failed, or None) when a
    run over several inputs ends with its summary; None if it does not."""
    if not several:
        return lines, None
    for i, line in enumerate(lines):
        if SUMMARY.match(line):
            listed = lines[i + 1:]
            if not all(FAILED_NAME.match(x) for x in listed):
                return None
            return lines[:i], [FAILED_NAME.match(x).group(1) for x in listed]
    return None


def classify_batch(run: Run, status, ru, timed_out, mem_base, mem_factor):
    """Sets outcomes if the batch shows nothing wrong; returns False to have
    its cases re-run one by one."""
    rss = peak_rss(run, ru)
    err = run.err_path.read_bytes() if run.err_path else b""
    if timed_out or not os.WIFEXITED(status):
        return False
    code = os.WEXITSTATUS(status)
    if code not in (0, 1):
        return False
    if rss > mem_base + mem_factor * max(c.size for c in run.cases):
        return False
    by_path = {str(c.path).encode(): c for c in run.cases}
    failed = set()
    several = len(run.cases) > 1 or any(c.path.suffix == ".zip" for c in run.cases)
    split = split_summary(err.splitlines(), several and bool(err))
    if split is None:
        return False
    lines, names = split
    seen = set()
    for line in lines:
        m = LINE.match(line)
        case = m and owner(m.group(1), by_path)
        if not case or m.group(1) in seen:
            return False
        seen.add(m.group(1))
        failed.add(case)
    if (code == 1) != bool(failed) or err and not err.endswith(b"\n"):
        return False
    if names is not None and set(names) != seen:
        return False
    for c in run.cases:
        c.outcome = "ok-error" if str(c.path).encode() in failed else "ok-output"
        c.rss = rss
    return True


def classify_single(case: Case, run: Run, status, ru, timed_out, mem_base, mem_factor):
    rss = peak_rss(run, ru)
    case.rss = rss
    err = run.err_path.read_bytes() if run.err_path else b""
    lines = err.splitlines()
    path = str(case.path).encode()
    if case.path.suffix == ".zip":
        # An archive: one line per failing member, then the summary.
        split = split_summary(lines, bool(lines))
        members = split and all((m := LINE.match(x)) and owner(m.group(1), {path})
                                for x in split[0])
        one_line = bool(members and split[0]) and err.endswith(b"\n")
    else:
        one_line = len(lines) == 1 and lines[0].startswith(path + b": ") and err.endswith(b"\n")
    if timed_out or os.WIFSIGNALED(status) and os.WTERMSIG(status) in CPU_SIGNALS:
        case.outcome = "timeout"
    elif os.WIFSIGNALED(status):
        case.outcome = "signal"
        case.note = f"signal {os.WTERMSIG(status)}"
    elif os.WEXITSTATUS(status) == 101:
        case.outcome = "panic"
    elif os.WEXITSTATUS(status) == 0 and (not lines or case.path.suffix == ".zip"
                                          and split_summary(lines, True) == ([], [])):
        case.outcome = "ok-output"
    elif os.WEXITSTATUS(status) == 1 and one_line:
        case.outcome = "ok-error"
    else:
        case.outcome = "stderr"
        case.note = f"exit {os.WEXITSTATUS(status)}, {len(lines)} stderr lines"
    if case.outcome in OK_OUTCOMES and rss > mem_base + mem_factor * case.size:
        case.note = f"peak RSS {rss >> 20} MiB for {case.size} input bytes"
        case.outcome = "memory"
    if not case.note and lines:
        case.note = lines[0].decode("utf-8", "replace")[:300]
    if case.outcome == "panic" or case.outcome == "stderr":
        case.note += " | " + err.decode("utf-8", "replace")[:2000]


# ---------------------------------------------------------------------------

def load_samples(quiet: bool) -> list[Sample]:
    samples = []
    for version, path in pyc_samples.all_samples():
        data = path.read_bytes()
        hlen = pyc_samples.header_len(version)
        samples.append(Sample(version, path, data, hlen, walk(data, hlen, version)))
    if not quiet:
        by_version = Counter(f"{v[0]}.{v[1]}" for v, _ in ((s.version, 0) for s in samples))
        walked = sum(1 for s in samples if s.walk)
        print(f"samples: {len(samples)} ({walked} walked): "
              + ", ".join(f"{k}×{n}" for k, n in sorted(by_version.items())))
    return samples


def build_release():
    print("cargo build --release -p pybc-cli ...", flush=True)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "pybc-cli"], cwd=ROOT, check=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=10_000, help="number of mutated files")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--ci", action="store_true",
                    help="the CI slice: 3,000 cases, seed 20260601, 2 jobs")
    ap.add_argument("--batch", type=int, default=64, help="files per pybc invocation")
    ap.add_argument("--single-share", type=float, default=0.05,
                    help="share of cases also run alone (the rest only in batches)")
    ap.add_argument("--timeout", type=float, default=10.0,
                    help="CPU seconds per single-file run (three times that per batch)")
    ap.add_argument("--mem-limit", type=int, default=1024, help="address-space limit, MiB")
    # Listings are streamed, so memory follows the input, not the output:
    # the process itself, a 1 MiB output chunk, one constant's repr (held
    # whole: 1 MiB plus 16 bytes per input byte), the loaded module (tens
    # of bytes per input byte when it is all small objects), and in a run
    # over many files the outputs waiting for their turn (at most 4 MiB
    # each, a few per thread).
    ap.add_argument("--mem-base", type=int, default=64,
                    help="MiB of peak RSS always allowed")
    ap.add_argument("--mem-factor", type=int, default=64,
                    help="peak RSS allowed per input byte, on top of --mem-base")
    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    ap.add_argument("--binary", type=Path, default=target_dir / "release" / "pybc",
                    help="the pybc binary (default: $CARGO_TARGET_DIR/release/pybc)")
    ap.add_argument("--build", action="store_true", help="cargo build --release first")
    ap.add_argument("--failures", type=Path, default=ROOT / "target" / "hostile" / "failures")
    ap.add_argument("--kinds", help="comma-separated mutation kinds to use (default: all)")
    args = ap.parse_args()
    if args.ci:
        args.count, args.seed, args.jobs = 3000, 20260601, min(args.jobs, 2)

    if args.build or not args.binary.exists():
        build_release()
    if args.kinds:
        wanted = set(args.kinds.split(","))
        unknown = wanted - {k for k, _ in MUTATORS}
        if unknown:
            ap.error(f"unknown kinds: {', '.join(sorted(unknown))}")
        MUTATORS[:] = [(k, w) for k, w in MUTATORS if k in wanted]

    sys.setrecursionlimit(10_000)
    samples = load_samples(quiet=False)
    if not samples:
        print("no samples: no fixtures/*/*.pyc and no local interpreters", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    formats = available_formats(args.binary)
    mem_base = args.mem_base << 20
    mem_limit = args.mem_limit << 20
    workdir = Path(tempfile.mkdtemp(prefix="pybc-sweep-"))
    pool = Pool(str(args.binary), max(1, args.jobs), args.timeout, mem_limit, workdir)
    started = time.monotonic()
    outcomes: Counter = Counter()
    by_kind: dict = {}
    by_format: dict = {}
    single_rss: dict = {}  # format -> [peak RSS, largest RSS / input size, its case]
    failures: list[Case] = []
    peak = (0, None)  # (rss, case)
    made = 0
    pending_singles: list[Run] = []
    done = 0
    next_report = 0

    def new_batch():
        nonlocal made
        cases = []
        n = min(args.batch, args.count - made)
        fmt = rng.choices([a for a, _ in formats], [w for _, w in formats])[0]
        for _ in range(n):
            kind, data, detail = mutate(rng, samples, made)
            path = workdir / f"case-{made:07d}.{'zip' if kind == 'archive' else 'pyc'}"
            path.write_bytes(data)
            cases.append(Case(made, kind, detail, path, input_size(path, data), args=fmt))
            made += 1
        return Run(cases)

    def finish(case: Case):
        nonlocal done, peak
        done += 1
        outcomes[case.outcome] += 1
        by_kind.setdefault(case.kind, Counter())[case.outcome] += 1
        fmt = " ".join(case.args) or "text"
        by_format.setdefault(fmt, Counter())[case.outcome] += 1
        if case.single_outcome and case.outcome in OK_OUTCOMES:
            # RSS of the case run alone: what one input costs in this format.
            top = single_rss.setdefault(fmt, [0, 0.0, None])
            top[0] = max(top[0], case.single_rss)
            if case.size >= RATIO_FROM and case.single_rss / case.size > top[1]:
                top[1] = case.single_rss / case.size
                top[2] = case
        if case.rss > peak[0]:
            peak = (case.rss, case)
        if case.outcome in FAIL_OUTCOMES:
            failures.append(case)
            args.failures.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha1(case.path.read_bytes()).hexdigest()[:12]
            dest = args.failures / f"{case.outcome}-{case.kind}-{digest}{case.path.suffix}"
            shutil.copyfile(case.path, dest)
            dest.with_suffix(".txt").write_text(
                f"case {case.index} (seed {args.seed}): {case.kind}: {case.detail}\n"
                f"command: pybc {' '.join(case.args + ('FILE',))}\n"
                f"outcome: {case.outcome}; peak RSS {case.rss >> 20} MiB; size {case.size}\n"
                f"{case.note}\n")
            print(f"FAILURE {case.outcome}: case {case.index} {case.kind}: {case.detail} "
                  f"-> {dest} ({case.note[:200]})", flush=True)

    def run_done(run: Run):
        """Bookkeeping after a run: finish cases with no run left."""
        for c in run.cases:
            c.pending -= 1
            if c.pending == 0:
                c.outcome = c.single_outcome or c.outcome
                finish(c)
                c.path.unlink(missing_ok=True)

    try:
        while made < args.count or pool.running or pending_singles:
            while len(pool.running) < pool.jobs and (pending_singles or made < args.count):
                if pending_singles:
                    pool.start(pending_singles.pop())
                else:
                    batch = new_batch()
                    pool.start(batch)
                    for c in batch.cases:
                        c.pending = 1
                        if rng.random() < args.single_share:
                            c.pending += 1
                            pending_singles.append(Run([c], single=True))
            run, status, ru, timed_out = pool.wait_one()
            if run.single:
                case = run.cases[0]
                batch_outcome, batch_rss = case.outcome, case.rss
                classify_single(case, run, status, ru, timed_out, mem_base, args.mem_factor)
                case.single_outcome = case.outcome
                case.single_rss = case.rss
                case.outcome = batch_outcome or case.outcome
                case.rss = max(case.rss, batch_rss)
            elif not classify_batch(run, status, ru, timed_out, mem_base, args.mem_factor):
                # Something went wrong in the batch: find out which file(s).
                for c in run.cases:
                    if c.pending == 1:
                        c.pending += 1
                        pending_singles.append(Run([c], single=True))
            if run.err_path:
                run.err_path.unlink(missing_ok=True)
                run.rss_path.unlink(missing_ok=True)
            run_done(run)
            if done >= next_report and done:
                rate = done / max(1e-9, time.monotonic() - started)
                print(f"  {done}/{args.count} cases, {rate:.0f}/s, "
                      + ", ".join(f"{k} {n}" for k, n in sorted(outcomes.items()) if n),
                      flush=True)
                next_report = done + max(1000, args.count // 20)
    finally:
        for pid in list(pool.running):
            try:
                os.killpg(pid, 9)
                os.waitpid(pid, 0)
            except OSError:
                pass
        shutil.rmtree(workdir, ignore_errors=True)

    elapsed = time.monotonic() - started
    print()
    print(f"seed {args.seed}: {done} cases in {elapsed:.0f} s with {args.jobs} jobs "
          f"(batches of {args.batch}, {args.single_share:.0%} also alone)")
    print("outcomes: " + ", ".join(f"{k} {outcomes[k]}" for k in OK_OUTCOMES + FAIL_OUTCOMES))
    print("by kind:")
    for kind, _ in MUTATORS:
        c = by_kind.get(kind)
        if c:
            print(f"  {kind:10} " + ", ".join(f"{k} {n}" for k, n in sorted(c.items()) if n))
    print("by output format:")
    for fmt, c in sorted(by_format.items()):
        print(f"  {fmt:10} " + ", ".join(f"{k} {n}" for k, n in sorted(c.items()) if n))
    print(f"peak RSS of single-file runs by format (and the largest RSS per input byte, "
          f"inputs of {RATIO_FROM >> 10} KiB or more):")
    for fmt, (rss, ratio, case) in sorted(single_rss.items()):
        worst = (f": case {case.index}, {case.kind}, {case.size} bytes, {case.detail[:80]}"
                 if case else "")
        print(f"  {fmt:10} {rss / 2**20:.1f} MiB ({ratio:.1f}x{worst})")
    rss, case = peak
    if case:
        print(f"peak RSS: {rss / 2**20:.1f} MiB (case {case.index}, {case.kind}, "
              f"{case.size} bytes{', batch' if case.rss and not case.note else ''}: "
              f"{case.detail[:120]})")
    if failures:
        print(f"FAILED: {len(failures)} cases; inputs in {args.failures}")
        return 1
    print("no failures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
