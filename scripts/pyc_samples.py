#!/usr/bin/env python3
"""Real .pyc files of every version at hand, for fuzzing and mutation sweeps.

Sources, in order:
- fixtures/<X.Y>/*.pyc (every version the fixtures cover, 3.14/3.15 included);
- a few standard-library modules compiled by each local interpreter
  (/root/.pyenv/versions/*/bin/python, or the PYBC_PYTHONS environment
  variable: interpreter paths separated by ':'), cached under
  target/hostile/samples/<X.Y>/.

Used by scripts/mutation_sweep.py and scripts/fuzz.sh. Run directly:

    scripts/pyc_samples.py                 # list the samples (version, size, path)
    scripts/pyc_samples.py --fuzz-seeds D  # write libFuzzer seeds under D/<target>/
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "target" / "hostile" / "samples"

# Standard-library modules compiled by each interpreter: small to medium,
# with classes, closures, comprehensions, try/except, f-strings, constants.
MODULES = [
    "keyword",
    "bisect",
    "colorsys",
    "fnmatch",
    "shlex",
    "textwrap",
    "string",
    "contextlib",
    "functools",
    "heapq",
    "dataclasses",
    "tokenize",
]

# The smaller set used for fuzz seeds (libFuzzer prefers small inputs).
SEED_MODULES = ["keyword", "bisect", "colorsys", "fnmatch"]

# Versions `fuzz/src/lib.rs` selects with the first byte of a marshal_loads
# input; keep in step with MARSHAL_VERSIONS there.
MARSHAL_VERSIONS = [
    (3, 10), (3, 11), (3, 12), (3, 13), (3, 14), (3, 15),
    (3, 9), (3, 8), (3, 7), (3, 6), (3, 0), (2, 7),
]

COMPILE = r"""
import sys, importlib, py_compile
name, out = sys.argv[1], sys.argv[2]
try:
    mod = importlib.import_module(name)
except Exception:
    sys.exit(3)
src = getattr(mod, "__file__", None) or ""
if src.endswith((".pyc", ".pyo")):
    src = src[:-1]
if not src.endswith(".py"):
    sys.exit(3)
py_compile.compile(src, cfile=out, doraise=True)
v = sys.version_info
print("%d.%d" % (v[0], v[1]))
"""


def interpreters() -> list[str]:
    env = os.environ.get("PYBC_PYTHONS")
    if env:
        return [p for p in env.split(":") if p]
    return sorted(glob.glob("/root/.pyenv/versions/*/bin/python"))


def header_len(version: tuple[int, int]) -> int:
    if version >= (3, 7):
        return 16
    if version >= (3, 3):
        return 12
    return 8


def parse_version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


def compile_samples(modules=MODULES, quiet=True) -> list[tuple[tuple[int, int], Path]]:
    """Compiles `modules` with every interpreter (cached); returns (version, path)."""
    out = []
    for python in interpreters():
        label = Path(python).parent.parent.name  # e.g. 3.12.1
        for name in modules:
            cached = CACHE / label / f"{name}.pyc"
            version_file = CACHE / label / "VERSION"
            if not cached.exists():
                cached.parent.mkdir(parents=True, exist_ok=True)
                try:
                    r = subprocess.run(
                        [python, "-c", COMPILE, name, str(cached)],
                        capture_output=True, text=True, timeout=60,
                    )
                except (OSError, subprocess.TimeoutExpired):
                    continue
                if r.returncode != 0 or not cached.exists():
                    if not quiet and r.returncode != 3:
                        print(f"{python}: cannot compile {name}: {r.stderr.strip()}",
                              file=sys.stderr)
                    continue
                version_file.write_text(r.stdout.strip())
            if cached.exists() and version_file.exists():
                out.append((parse_version(version_file.read_text()), cached))
    return out


def fixture_samples() -> list[tuple[tuple[int, int], Path]]:
    out = []
    for d in sorted((ROOT / "fixtures").glob("*.*")):
        try:
            version = parse_version(d.name)
        except ValueError:
            continue
        for f in sorted(d.glob("*.pyc")):
            out.append((version, f))
    return out


def all_samples(modules=MODULES) -> list[tuple[tuple[int, int], Path]]:
    """Every sample: fixtures first, then compiled standard-library modules."""
    return fixture_samples() + compile_samples(modules)


def source_samples(max_size: int = 12_000) -> list[Path]:
    """Python sources for the source_to_ast target: the fixtures' sources and
    the SEED_MODULES' sources of the newest local interpreter."""
    out = sorted((ROOT / "fixtures" / "src").glob("*.py"))
    for python in reversed(interpreters()):
        lib = sorted(Path(python).parent.parent.glob("lib/python3.*"))
        if lib:
            out += [lib[0] / f"{name}.py" for name in SEED_MODULES
                    if (lib[0] / f"{name}.py").exists()]
            break
    return [p for p in out if p.stat().st_size <= max_size]


def archive_seeds(samples, max_size: int = 12_000) -> list[bytes]:
    """Zip archives for the archive target: per version, a small .pyc under
    __pycache__/ with its source beside it (deflated, or stored), and a
    legacy-layout .pyc alone."""
    sources = {p.stem: p for p in (ROOT / "fixtures" / "src").glob("*.py")}
    out = []
    by_version = {}
    for version, path in samples:
        by_version.setdefault(version, []).append(path)
    for version, paths in sorted(by_version.items()):
        path = min(paths, key=lambda p: p.stat().st_size)
        tag = f"cpython-{version[0]}{version[1]}"
        for method in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", method) as z:
                z.writestr(f"pkg/__pycache__/{path.stem}.{tag}.pyc", path.read_bytes())
                src = sources.get(path.stem)
                if src:
                    z.writestr(f"pkg/{path.stem}.py", src.read_bytes())
                z.writestr("pkg/legacy.pyc", path.read_bytes())
            if len(buf.getvalue()) <= max_size:
                out.append(buf.getvalue())
    return out


# Fuzz targets that take an options byte and then a whole .pyc file.
PYC_TARGETS = ("pyc_to_text", "pyc_formats")


def write_fuzz_seeds(dest: Path, max_size: int = 12_000) -> dict[str, int]:
    """Seeds for the fuzz targets, named by content hash (idempotent)."""
    counts = {}
    samples = [
        (v, p) for v, p in fixture_samples() + compile_samples(SEED_MODULES)
        if p.stat().st_size <= max_size
    ]
    for target in ("marshal_loads",) + PYC_TARGETS + ("source_to_ast", "archive"):
        d = dest / target
        d.mkdir(parents=True, exist_ok=True)
        n = 0
        seeds = []
        if target == "source_to_ast":
            seeds = [p.read_bytes() for p in source_samples(max_size)]
        elif target == "archive":
            seeds = archive_seeds(samples, max_size)
        for i, (version, path) in enumerate(samples if target in ("marshal_loads",) + PYC_TARGETS else []):
            data = path.read_bytes()
            if target == "marshal_loads":
                if version not in MARSHAL_VERSIONS:
                    continue
                seeds.append(bytes([MARSHAL_VERSIONS.index(version)]) + data[header_len(version):])
            else:
                # Options byte (fuzz/src/lib.rs, text_options): vary
                # caches/offsets/positions and the source across seeds.
                seeds.append(bytes([(i % 8) | (0x20 if i % 3 == 0 else 0)]) + data)
        for seed in seeds:
            (d / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
            n += 1
        counts[target] = n
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fuzz-seeds", type=Path, metavar="DIR",
                    help="write seeds for each fuzz target under DIR/<target>/")
    args = ap.parse_args()
    if args.fuzz_seeds:
        for target, n in write_fuzz_seeds(args.fuzz_seeds).items():
            print(f"{target}: {n} seeds in {args.fuzz_seeds / target}")
        return 0
    for version, path in all_samples():
        print(f"{version[0]}.{version[1]}\t{path.stat().st_size}\t{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
