#!/usr/bin/env python3
"""Side-by-side speed of pybc, CPython's own `dis` and xdis, in one run.

    python3 scripts/bench.py [--versions 3.11,3.13] [--repeat 3] [--write]

Corpus: each version's standard library, `test/` included, compiled by that
real interpreter (the conformance cache, built by
`scripts/conformance.py --oracle-only` if missing).

Per version it times, each the best of --repeat runs:

* floor: `cat` of every input file plus writing as many bytes as pybc prints
  (in 1 MiB blocks);
* pybc, one thread (`-j 1` when the CLI has it), all files in one process;
* pybc with every core (`-j N`, or N processes over slices of the list);
* CPython's `dis`: one interpreter of that version loops over the files,
  `dis.dis(marshal.loads(...), file=out)` into one output file;
* xdis `disassemble_file` (installed from PyPI into .cache/bench/venv), one
  process over all files, into one output file.

Then the per-file cost: `pybc one.pyc` against `python -m dis one.py` and the
interpreter's start-up alone (`python -c pass`), and a generated single module
of about 50 MB of marshal data, timed with its peak memory, at two sizes to
show that time and memory grow linearly.

Ratios are printed; --write also records them in BENCHMARKS.md with a
description of the machine. Speed is never asserted by tests.
"""

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracles  # noqa: E402

ROOT = oracles.ROOT
BENCH = os.path.join(ROOT, ".cache", "bench")
PYBC = os.path.join(ROOT, "target", "release", "pybc")
XDIS_VERSION = "6.3.0"

CPYTHON_DIS = r"""
import dis, marshal, sys
header = 16 if sys.version_info >= (3, 7) else 12
with open(sys.argv[1]) as names, open(sys.argv[2], "w") as out:
    for name in names.read().splitlines():
        with open(name, "rb") as f:
            data = f.read()
        dis.dis(marshal.loads(data[header:]), file=out)
"""

XDIS_DIS = r"""
import sys
from xdis.disasm import disassemble_file
with open(sys.argv[1]) as names, open(sys.argv[2], "w") as out:
    failed = 0
    for name in names.read().splitlines():
        try:
            disassemble_file(name, out)
        except Exception:
            failed += 1
    sys.stderr.write("xdis failed on %d files\n" % failed)
"""


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def timed(cmd, stdout=None, repeat=1, env=None, writes=()):
    """Best wall time of `repeat` runs; `stdout` names a file each run
    writes afresh (default: output discarded). That file and `writes`
    (files the command writes itself) are deleted before the clock starts:
    dropping the last run's output from the page cache is no part of the
    run."""
    best = None
    for _ in range(repeat):
        for path in ([stdout] if stdout else []) + list(writes):
            if os.path.exists(path):
                os.remove(path)
        if stdout is None:
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False, env=env)
        else:
            with open(stdout, "wb") as out:
                start = time.perf_counter()
                subprocess.run(cmd, stdout=out, stderr=subprocess.DEVNULL, check=False, env=env)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def peak_rss_of(cmd):
    """Wall time and peak RSS (MiB) of one run, via GNU time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        start = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", t.name] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        elapsed = time.perf_counter() - start
        t.seek(0)
        text = t.read().strip().splitlines()
        return elapsed, (int(text[-1]) / 1024.0 if text else float("nan"))


def corpus(version):
    pyc_dir = os.path.join(ROOT, ".cache", "conformance", version, "pyc")
    if not os.path.isdir(pyc_dir):
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "conformance.py"),
                        "--versions", version, "--options", "default", "--oracle-only"],
                       check=True)
    files = []
    for dirpath, _, names in os.walk(pyc_dir):
        files.extend(os.path.join(dirpath, n) for n in names if n.endswith(".pyc"))
    files.sort()
    return files


def pybc_has_jobs():
    out = subprocess.run([PYBC, "--help"], stdout=subprocess.PIPE, check=False).stdout
    return b"--jobs" in out or b"-j," in out


def xdis_python():
    venv = os.path.join(BENCH, "venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([py, "-m", "pip", "install", "-q", "xdis==" + XDIS_VERSION], check=True)
    return py


def bench_version(version, repeat, cores):
    oracle = oracles.find(version, kind="pyenv")
    if oracle is None:
        log("%s: no native interpreter, skipped" % version)
        return None
    files = corpus(version)
    total = sum(os.path.getsize(f) for f in files)
    os.makedirs(BENCH, exist_ok=True)
    names = os.path.join(BENCH, "files-%s.txt" % version)
    with open(names, "w") as f:
        f.write("\n".join(files) + "\n")
    log("%s: %d files, %.1f MB" % (version, len(files), total / 1e6))

    out_path = os.path.join(BENCH, "out-%s.txt" % version)
    floor_out, dis_out, xdis_out = (os.path.join(BENCH, name)
                                    for name in ("floor.out", "dis.out", "xdis.out"))
    jobs = pybc_has_jobs()
    one = [PYBC] + (["-j", "1"] if jobs else []) + files
    t_pybc = timed(one, stdout=out_path, repeat=repeat)
    out_bytes = os.path.getsize(out_path)

    if jobs:
        t_all = timed([PYBC, "-j", str(cores)] + files, stdout=out_path + ".all",
                      repeat=repeat)
    else:
        chunks = [files[i::cores] for i in range(cores)]

        def run_parallel():
            start = time.perf_counter()
            procs = [subprocess.Popen([PYBC] + c, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL) for c in chunks]
            for p in procs:
                p.wait()
            return time.perf_counter() - start
        t_all = min(run_parallel() for _ in range(repeat))

    # Writes in 1 MiB blocks, as pybc does (`head -c` writes a few KiB at a
    # time, which costs more than the writing itself).
    floor_script = ('cat "$@" > /dev/null; '
                    'dd if=/dev/zero of=%s bs=1M count=%d iflag=count_bytes status=none') % (
        floor_out, out_bytes)
    t_floor = timed(["sh", "-c", floor_script, "sh"] + files, repeat=repeat,
                    writes=[floor_out])

    script = os.path.join(BENCH, "cpython_dis.py")
    with open(script, "w") as f:
        f.write(CPYTHON_DIS)
    t_dis = timed(oracle.argv(script, names, dis_out), env=oracle.env(), writes=[dis_out])

    t_xdis = None
    try:
        py = xdis_python()
        xscript = os.path.join(BENCH, "xdis_dis.py")
        with open(xscript, "w") as f:
            f.write(XDIS_DIS)
        t_xdis = timed([py, xscript, names, xdis_out], writes=[xdis_out])
    except (subprocess.CalledProcessError, OSError) as exc:
        log("xdis unavailable: %s" % exc)

    # Each output is as large as the listing (about 200 MB): none is kept.
    for path in (out_path, out_path + ".all", floor_out, dis_out, xdis_out):
        if os.path.exists(path):
            os.remove(path)
    return {
        "version": version, "files": len(files), "mb": total / 1e6, "out_mb": out_bytes / 1e6,
        "floor": t_floor, "pybc1": t_pybc, "pybcN": t_all, "cores": cores,
        "dis": t_dis, "xdis": t_xdis, "jobs_flag": jobs,
    }


def per_file(version):
    oracle = oracles.find(version, kind="pyenv")
    src = os.path.join(ROOT, "examples", "fetch_to_csv.py")
    pyc = os.path.join(ROOT, "fixtures", version, "fetch_to_csv.pyc")
    if oracle is None or not os.path.exists(pyc):
        return None
    n = 20
    t_pybc = timed([PYBC, pyc], repeat=n)
    t_dis = timed([oracle.executable, "-m", "dis", src], repeat=n, env=oracle.env())
    t_start = timed([oracle.executable, "-c", "pass"], repeat=n, env=oracle.env())
    return {"version": version, "pybc": t_pybc, "dis": t_dis, "startup": t_start}


def big_module(version):
    """Generated modules of 25,000 to 250,000 functions (5 to 50 MB of
    marshal data); returns (marshal MB, seconds, peak MiB) for each."""
    oracle = oracles.find(version, kind="pyenv")
    if oracle is None:
        return []
    rows = []
    for n in (25000, 100000, 250000):
        src = os.path.join(BENCH, "big_%d.py" % n)
        pyc = os.path.join(BENCH, "big_%d.pyc" % n)
        if not os.path.exists(pyc):
            with open(src, "w") as f:
                for i in range(n):
                    f.write("def f%d(a, b=%d):\n    x = [a, b, 'text %d', %d.5]\n"
                            "    for y in x:\n        if y == %d:\n            return {'k': y}\n"
                            "    return (a, b, x)\n" % (i, i, i, i, i))
            gen = ("import marshal, sys, importlib.util as u\n"
                   "src = open(sys.argv[1]).read()\n"
                   "data = marshal.dumps(compile(src, sys.argv[1], 'exec'))\n"
                   "open(sys.argv[2], 'wb').write(u.MAGIC_NUMBER + bytes(12) + data)\n")
            subprocess.run([oracle.executable, "-c", gen, src, pyc], check=True)
        seconds, peak = peak_rss_of([PYBC, pyc])
        rows.append((os.path.getsize(pyc) / 1e6, seconds, peak))
    return rows


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return "%s, %d cores, %.0f GiB RAM, %s" % (cpu, os.cpu_count() or 1, mem, platform.platform())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--versions", default="3.11,3.13")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--write", action="store_true", help="record the results in BENCHMARKS.md")
    args = ap.parse_args()
    if not os.path.exists(PYBC):
        subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    cores = os.cpu_count() or 1
    lines = ["| corpus | files | MB | floor (cat) | pybc 1 thread | pybc %d cores | CPython dis | xdis |" % cores,
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    ratios = []
    for v in args.versions.split(","):
        r = bench_version(v, args.repeat, cores)
        if r is None:
            continue
        fmt = lambda t: "%.2fs" % t if t is not None else "n/a"  # noqa: E731
        lines.append("| %s stdlib | %d | %.1f | %s | %s | %s | %s | %s |" % (
            v, r["files"], r["mb"], fmt(r["floor"]), fmt(r["pybc1"]), fmt(r["pybcN"]),
            fmt(r["dis"]), fmt(r["xdis"])))
        ratios.append("- %s: pybc (1 thread) is **%.0f×** faster than CPython %s's `dis`%s; "
                      "%d cores give %.2f× the 1-thread speed; pybc takes %.1f× the floor "
                      "(the floor itself is %.0f× faster than `dis`)." % (
                          v, r["dis"] / r["pybc1"], v,
                          (", **%.0f×** faster than xdis" % (r["xdis"] / r["pybc1"])) if r["xdis"] else "",
                          cores, r["pybc1"] / r["pybcN"], r["pybc1"] / r["floor"],
                          r["dis"] / r["floor"]))
    pf = [p for p in (per_file(v) for v in args.versions.split(",")) if p]
    for p in pf:
        ratios.append("- one file (%s, examples/fetch_to_csv.py): `pybc x.pyc` %.1f ms; "
                      "`python -m dis x.py` takes %.0f× as long, interpreter start-up alone %.0f×." % (
                          p["version"], p["pybc"] * 1000, p["dis"] / p["pybc"], p["startup"] / p["pybc"]))
    big = big_module(args.versions.split(",")[-1])
    for mb, seconds, peak in big:
        ratios.append("- generated single module, %.1f MB of marshal data: %.2fs (%.3f s/MB), "
                      "peak memory %.0f MiB (%.1f× the input)." % (
                          mb, seconds, seconds / mb, peak, peak / mb))
    report = "\n".join(lines + [""] + ratios)
    print(report)
    if args.write:
        with open(os.path.join(ROOT, "BENCHMARKS.md"), "w") as f:
            f.write("# Benchmarks\n\nProduced by `python3 scripts/bench.py --write` (best of %d runs "
                    "each, all in one run).\n\nMachine: %s.\n\n%s\n\nOutput of pybc equals `dis`'s on "
                    "these corpora (see `scripts/conformance.py`). Ratios matter, not absolute "
                    "times: the machine may be shared.\n" % (args.repeat, machine(), report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
