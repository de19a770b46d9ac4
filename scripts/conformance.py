#!/usr/bin/env python3
"""Conformance of pybc against the real `dis`, over whole standard libraries.

    python3 scripts/conformance.py [--versions 3.10,3.11,...] [--options default,C,O,P]
                                   [--pybc PATH] [--limit N] [--report DIR]
                                   [--jobs N] [--timeout SECONDS] [--strict]
                                   [--oracle-only] [--fresh]

For every version with an oracle (scripts/oracles.py; default: all found):

1. the oracle compiles that version's standard library, test/ included where
   the sources have it, into .cache/conformance/<version>/pyc/ (files that do
   not compile are counted and skipped), and records what its own
   `dis.dis(code)` prints for each into
   .cache/conformance/<version>/expected/<option>/<rel>.dis.gz (gzipped: a
   whole standard library's listings are gigabytes of text). One interpreter
   process does both (scripts/oracle_driver.py). The cache is reused and
   completed incrementally; --fresh discards it.
2. pybc disassembles the .pyc tree of one version and option at a time
   (`pybc [-C|-O|-P] -o DIR`; a file it gives no output for is run on its
   own, with a timeout), each output is compared with the expected text, and
   the outputs are deleted before the next batch (disk use stays near one
   batch's size). Comparison is after
   replacing object addresses (` at 0x...`) with ` at 0xADDR` on both sides.
   For Pyodide oracles (32-bit builds, whose string hashes, and so set
   iteration order, differ from 64-bit builds) the elements of each
   `frozenset({...})` are compared as a sorted list.

Options: default = dis.dis(code); C = show_caches=True (3.11+); O =
show_offsets=True (3.13+); P = show_positions=True (3.14+); I = `pybc info`
against dis.code_info of every code object in dis order (the header lines
pybc prints before the first blank line are not compared). An option is
skipped for versions that lack it.

The report (default conformance-report/) is summary.md: identical/total per
version and option, failing modules, and the start of a unified diff for each
failure. The summary table is also printed. Exit status is 0 unless --strict
is given and something differs.
"""

import argparse
import concurrent.futures
import difflib
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracles  # noqa: E402

ROOT = oracles.ROOT
CACHE = os.path.join(ROOT, ".cache", "conformance")
DRIVER = os.path.join(ROOT, "scripts", "oracle_driver.py")
OPTIONS = {  # option -> (pybc flag, first version that has it)
    "default": (None, (0, 0)),
    "C": ("--show-caches", (3, 11)),
    "O": ("--show-offsets", (3, 13)),
    "P": ("--show-positions", (3, 14)),
    "I": ("info", (3, 2)),
}
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
DIFF_LINES = 15
DIFF_WIDTH = 400
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
MAX_DIFFS_PER_CASE = 100
MAX_RESTARTS = 50

_print_lock = threading.Lock()


def log(msg):
    with _print_lock:
        sys.stderr.write(msg + "\n")
        sys.stderr.flush()


def vtuple(version):
    return tuple(int(x) for x in version.split("."))


# --- normalisation -----------------------------------------------------------

def _skip_string(s, i):
    """s[i] is a quote; return the index just past the closing quote."""
    q = s[i]
    i += 1
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == q:
            return i + 1
        if c == "\n":
            return -1
        i += 1
    return -1


def _split_top(s, start):
    """Split s[start:] at top-level commas up to the brace closing the set.

    Returns (elements, index of the closing brace) or (None, -1)."""
    depth = 0
    elems = []
    cur = start
    i = start
    n = len(s)
    while i < n:
        c = s[i]
        if c in "'\"":
            i = _skip_string(s, i)
            if i < 0:
                return None, -1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                if c != "}":
                    return None, -1
                elems.append(s[cur:i])
                return elems, i
            depth -= 1
        elif c == "," and depth == 0:
            elems.append(s[cur:i])
            cur = i + 1
        elif c == "\n":
            return None, -1
        i += 1
    return None, -1


def sort_frozensets(text, only_with=None):
    """Sort the elements of every `frozenset({...})`, innermost first; with
    `only_with`, only those having one of these elements at the top level."""
    marker = "frozenset({"
    if marker not in text:
        return text
    out = []
    i = 0
    while True:
        j = text.find(marker, i)
        if j < 0:
            out.append(text[i:])
            break
        start = j + len(marker)
        elems, end = _split_top(text, start)
        if elems is None:
            out.append(text[i:start])
            i = start
            continue
        elems = [sort_frozensets(e.strip(), only_with) for e in elems]
        if only_with is None or any(e in only_with for e in elems):
            elems.sort()
        out.append(text[i:start])
        out.append(", ".join(elems))
        i = end
    return "".join(out)


# Before 3.12, hash(None) and hash(...) are derived from the object's
# address, so a frozenset holding one iterates in an order that depends on
# where that interpreter binary was loaded: the oracle itself is not
# reproducible there, and such sets are compared as sorted lists.
ADDRESS_HASHED = ("None", "Ellipsis")


def normalize(text, pyodide, version):
    text = ADDRESS.sub(" at 0xADDR", text)
    if pyodide:
        text = sort_frozensets(text)
    elif vtuple(version) < (3, 12):
        text = sort_frozensets(text, ADDRESS_HASHED)
    return text


# --- oracle stage ------------------------------------------------------------

def source_items(stdlib_dir, limit):
    items = []
    for dirpath, dirnames, filenames in os.walk(stdlib_dir):
        rel_dir = os.path.relpath(dirpath, stdlib_dir)
        if rel_dir == ".":
            rel_dir = ""
        dirnames[:] = sorted(
            d for d in dirnames
            if d not in ("site-packages", "dist-packages", "__pycache__")
            and not d.startswith("config-") and not d.endswith(".tmp")
        )
        for name in sorted(filenames):
            if name.endswith(".py"):
                rel = os.path.join(rel_dir, name).replace(os.sep, "/")
                items.append([os.path.join(dirpath, name), rel, "Lib/" + rel])
    items.sort(key=lambda it: it[1])
    if limit:
        items = items[:limit]
    return items


def read_journal(path):
    """Merge the journal: rel -> {"compile": ..., "dis": {...}}, crashed rels."""
    state = {}
    started = None
    crashed = set()
    interpreter = None
    if not os.path.isfile(path):
        return state, crashed, interpreter
    with open(path, "rb") as f:
        for raw in f:
            try:
                rec = json.loads(raw.decode("utf-8"))
            except ValueError:
                continue
            if "interpreter" in rec:
                if started is not None:
                    crashed.add(started)
                started = None
                interpreter = rec["interpreter"]
            elif "start" in rec:
                if started is not None:
                    crashed.add(started)
                started = rec["start"]
            elif "rel" in rec:
                started = None
                st = state.setdefault(rec["rel"], {"compile": None, "dis": {}})
                st["compile"] = rec["compile"]
                st["dis"].update(rec.get("dis", {}))
                crashed.discard(rec["rel"])
    if started is not None:
        crashed.add(started)
    return state, crashed, interpreter


def version_options(version, wanted):
    return [o for o in wanted if vtuple(version) >= OPTIONS[o][1]]


def run_oracle(oracle, options, limit, fresh, timeout):
    """Make the .pyc files and expected outputs for one version."""
    vdir = os.path.join(CACHE, oracle.cache_name)
    meta_path = os.path.join(vdir, "meta.json")
    meta = {"kind": oracle.kind, "full_version": oracle.full_version,
            "stdlib_dir": oracle.stdlib_dir, "expected": "gzip"}
    if not fresh and os.path.isfile(meta_path):
        try:
            with open(meta_path) as f:
                if json.load(f) != meta:
                    fresh = True
        except ValueError:
            fresh = True
    if fresh:
        shutil.rmtree(vdir, ignore_errors=True)
    os.makedirs(vdir, exist_ok=True)
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=1)

    items = source_items(oracle.stdlib_dir, limit)
    journal = os.path.join(vdir, "journal.jsonl")
    t0 = time.time()
    restarts = 0
    ran = 0
    while True:
        state, crashed, _ = read_journal(journal)
        todo = []
        for it in items:
            rel = it[1]
            if rel in crashed:
                continue
            st = state.get(rel)
            if st is None:
                todo.append(it)
            elif st["compile"] is None and any(o not in st["dis"] for o in options):
                todo.append(it)
        if not todo:
            break
        job = {
            "items": todo,
            "pyc_dir": os.path.join(vdir, "pyc"),
            "expected_dir": os.path.join(vdir, "expected"),
            "layout": "tree",
            "compress": True,
            "options": options,
            "journal": journal,
        }
        fd, job_path = tempfile.mkstemp(prefix="pybc-job-", suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(job, f)
        log("[%s] %s %s: %d files to compile/disassemble" % (
            oracle.version, oracle.kind, oracle.full_version, len(todo)))
        try:
            r = subprocess.run(oracle.argv(DRIVER, job_path), env=oracle.env(),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout)
            rc, err = r.returncode, r.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            rc, err = -1, "timeout after %ss" % timeout
        finally:
            os.remove(job_path)
        ran += len(todo)
        if rc == 0:
            break
        restarts += 1
        log("[%s] oracle exited with %s: %s" % (oracle.version, rc, err.strip()[-500:]))
        if restarts > MAX_RESTARTS or rc == -1:
            break
    elapsed = time.time() - t0
    state, crashed, interpreter = read_journal(journal)
    return {
        "vdir": vdir, "version": oracle.version, "kind": oracle.kind, "full_version": oracle.full_version,
        "items": items, "state": state, "crashed": sorted(crashed),
        "oracle_seconds": elapsed, "oracle_files": ran,
    }


# --- pybc stage --------------------------------------------------------------

def stem(rel):
    return rel[:-3] if rel.endswith(".py") else rel


def batch_outputs(pybc, vdir, option, jobs, timeout):
    """Runs pybc once over the whole .pyc tree of a version (`-o DIR`, one
    output file per input); returns that directory, or None if it failed.
    A file it has no output for is then run on its own by compare_one."""
    flag = OPTIONS[option][0]
    out = os.path.join(vdir, "pybc-out", option)
    shutil.rmtree(out, ignore_errors=True)
    cmd = [pybc] + ([flag] if flag else []) + ["-j", str(jobs), "-o", out,
                                               os.path.join(vdir, "pyc")]
    try:
        subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=timeout * 100)
    except (subprocess.TimeoutExpired, OSError):
        return None
    return os.path.join(out, "pyc")


def compare_one(pybc, vdir, rel, option, pyodide, timeout, batch_dir=None):
    flag = OPTIONS[option][0]
    pyc = os.path.join(vdir, "pyc", stem(rel) + ".pyc")
    exp_path = os.path.join(vdir, "expected", option, stem(rel) + ".dis.gz")
    version = os.path.basename(vdir.rstrip(os.sep)).split("-")[0]  # "3.9" of "3.9-debian"
    with gzip.open(exp_path, "rb") as f:
        expected = normalize(f.read().decode("utf-8", "surrogateescape"), pyodide, version)
    batch_file = None
    if batch_dir:
        batch_file = os.path.join(batch_dir, stem(rel) + ".pyc." + ("info" if option == "I" else "dis"))
    if batch_file and os.path.isfile(batch_file):
        with open(batch_file, "rb") as f:
            actual = f.read().decode("utf-8", "surrogateescape")
        r = subprocess.CompletedProcess([], 0, b"", b"")
    else:
        cmd = [pybc] + ([flag] if flag else []) + [pyc]
        try:
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "timeout", "pybc timed out after %ss" % timeout
        except OSError as e:
            return "error", "cannot run pybc: %s" % e
        actual = r.stdout.decode("utf-8", "surrogateescape")
    if option == "I":
        # `pybc info` starts with the .pyc header, which dis does not print.
        cut = actual.find("\n\n")
        actual = actual[cut + 1:] if cut >= 0 else actual
    actual = normalize(actual, pyodide, version)
    if r.returncode != 0:
        msg = r.stderr.decode("utf-8", "replace").strip()
        return "error", "pybc exit status %d: %s" % (r.returncode, msg[:1000])
    if actual == expected:
        return "ok", None
    diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                "expected (dis)", "pybc", n=1, lineterm="")
    lines = []
    for line in diff:
        line = CONTROL.sub(lambda m: ("\\x%02x" if ord(m.group()) < 256 else "\\u%04x") % ord(m.group()), line)
        if len(line) > DIFF_WIDTH:
            line = line[:DIFF_WIDTH] + " [...]"
        lines.append(line)
        if len(lines) >= DIFF_LINES + 2:
            break
    return "diff", "\n".join(lines)


def run_pybc(pybc, results, options, jobs, timeout):
    tasks = []
    for res in results:
        vdir = res["vdir"]
        res["cases"] = {}
        for option in version_options(res["version"], options):
            res["cases"][option] = {"ok": 0, "fail": [], "skipped_dis": []}
            for it in res["items"]:
                rel = it[1]
                st = res["state"].get(rel)
                if st is None or st["compile"] is not None:
                    continue
                err = st["dis"].get(option, "missing")
                if err is not None:
                    res["cases"][option]["skipped_dis"].append((rel, err))
                    continue
                tasks.append((res, option, vdir, rel))
    log("pybc: %d comparisons" % len(tasks))
    t0 = time.time()
    done = [0]
    batches = {}  # (vdir, option) -> its tasks, in order
    for task in tasks:
        batches.setdefault((task[2], task[1]), []).append(task)

    def work(task, batch_dir):
        res, option, vdir, rel = task
        outcome = compare_one(pybc, vdir, rel, option, res["kind"] == "pyodide", timeout,
                              batch_dir)
        with _print_lock:
            done[0] += 1
            if done[0] % 2000 == 0:
                sys.stderr.write("pybc: %d/%d\n" % (done[0], len(tasks)))
        return task, outcome

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for (vdir, option), batch in batches.items():
            batch_dir = batch_outputs(pybc, vdir, option, jobs, timeout)
            try:
                outcomes = list(pool.map(lambda t: work(t, batch_dir), batch))
            finally:
                shutil.rmtree(os.path.join(vdir, "pybc-out"), ignore_errors=True)
            for (res, _, _, rel), (status, detail) in outcomes:
                case = res["cases"][option]
                if status == "ok":
                    case["ok"] += 1
                else:
                    case["fail"].append((rel, status, detail))
    return time.time() - t0


# --- report ------------------------------------------------------------------

def not_compiled(res):
    rels = [it[1] for it in res["items"]]
    n = sum(1 for rel in rels if rel in res["state"] and res["state"][rel]["compile"] is not None)
    crashed = set(res["crashed"])
    return n + sum(1 for rel in rels if rel in crashed)


def summary_table(results):
    rows = ["| version | oracle | option | identical | total | % | not compiled | dis raised | oracle time |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for res in results:
        skipped = not_compiled(res)
        for option, case in sorted(res.get("cases", {}).items(),
                                   key=lambda kv: list(OPTIONS).index(kv[0])):
            total = case["ok"] + len(case["fail"])
            pct = "%.1f" % (100.0 * case["ok"] / total) if total else "-"
            rows.append("| %s | %s %s | %s | %d | %d | %s | %d | %d | %.0fs |" % (
                res["version"], res["kind"], res["full_version"], option, case["ok"], total,
                pct, skipped, len(case["skipped_dis"]), res["oracle_seconds"]))
    return "\n".join(rows)


def write_report(report_dir, results, missing, pybc, pybc_seconds):
    os.makedirs(report_dir, exist_ok=True)
    out = ["# pybc conformance", "",
           "pybc: `%s`; comparisons took %.0fs." % (pybc, pybc_seconds), "",
           summary_table(results), ""]
    if missing:
        out += ["Versions without an oracle: %s" % ", ".join(missing), ""]
    for res in results:
        v = res["version"]
        rels = set(it[1] for it in res["items"])
        bad = [(rel, st["compile"]) for rel, st in sorted(res["state"].items())
               if st["compile"] is not None and rel in rels]
        bad += [(rel, "interpreter crashed") for rel in res["crashed"] if rel in rels]
        if bad:
            out += ["## %s: sources the oracle did not compile (%d)" % (v, len(bad)), ""]
            out += ["- `%s`: %s" % (rel, err) for rel, err in bad]
            out.append("")
        for option, case in res.get("cases", {}).items():
            if case["skipped_dis"]:
                out += ["## %s %s: dis raised in CPython (excluded, %d)" % (
                    v, option, len(case["skipped_dis"])), ""]
                out += ["- `%s`: %s" % (rel, err) for rel, err in case["skipped_dis"]]
                out.append("")
            if not case["fail"]:
                continue
            out += ["## %s %s: failing modules (%d)" % (v, option, len(case["fail"])), ""]
            out.append(", ".join("`%s`" % rel for rel, _, _ in case["fail"]))
            out.append("")
            for rel, status, detail in case["fail"][:MAX_DIFFS_PER_CASE]:
                out += ["### %s %s `%s` (%s)" % (v, option, rel, status), "",
                        "```diff" if status == "diff" else "```", detail, "```", ""]
            if len(case["fail"]) > MAX_DIFFS_PER_CASE:
                out += ["(%d more failures without diffs)" % (
                    len(case["fail"]) - MAX_DIFFS_PER_CASE), ""]
    with open(os.path.join(report_dir, "summary.md"), "w", encoding="utf-8",
              errors="surrogateescape") as f:
        f.write("\n".join(out) + "\n")
    data = [{
        "version": r["version"], "kind": r["kind"], "full_version": r["full_version"],
        "oracle_seconds": round(r["oracle_seconds"], 1),
        "cases": {o: {"ok": c["ok"], "failing": [rel for rel, _, _ in c["fail"]]}
                  for o, c in r.get("cases", {}).items()},
    } for r in results]
    with open(os.path.join(report_dir, "summary.json"), "w") as f:
        json.dump(data, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--versions", help="comma-separated X.Y list (default: every oracle found)")
    ap.add_argument("--options", default="default,C,O,P,I")
    ap.add_argument("--pybc", default=os.path.join(ROOT, "target", "release", "pybc"))
    ap.add_argument("--limit", type=int, default=0, help="first N source files per version")
    ap.add_argument("--report", default=os.path.join(ROOT, "conformance-report"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=60.0, help="per pybc invocation")
    ap.add_argument("--oracle-timeout", type=float, default=3600.0)
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--oracle-only", action="store_true",
                    help="only build the cache of .pyc files and expected outputs")
    ap.add_argument("--fresh", action="store_true", help="discard the cache first")
    ap.add_argument("--kind", choices=["pyenv", "debian", "pyodide"],
                    help="only use oracles of this kind (default: pyenv, else debian"
                         " for 2.7 and 3.9, else pyodide)")
    args = ap.parse_args()

    options = [o.strip() for o in args.options.split(",") if o.strip()]
    for o in options:
        if o not in OPTIONS:
            ap.error("unknown option %r (choose from %s)" % (o, ",".join(OPTIONS)))
    found = {o.version: o for o in oracles.available(args.kind)}
    preferred = {o.version: o.kind for o in oracles.available()}
    for o in found.values():
        # A non-default interpreter for a version gets its own cache directory.
        o.cache_name = o.version if preferred.get(o.version) == o.kind else \
            "%s-%s" % (o.version, o.kind)
    if args.versions:
        versions = [v.strip() for v in args.versions.split(",") if v.strip()]
    else:
        versions = sorted(found, key=vtuple)
    missing = [v for v in versions if v not in found or not found[v].stdlib_dir]
    for v in missing:
        log("no oracle (or no stdlib sources) for %s; run: python3 scripts/oracles.py install" % v)
    chosen = [found[v] for v in versions if v not in missing]
    if not args.oracle_only and not os.path.isfile(args.pybc):
        log("pybc not found at %s (build it: cargo build --release)" % args.pybc)
        return 1 if args.strict else 0

    # Oracles: pyodide ones are the slowest, start them first.
    chosen.sort(key=lambda o: (o.kind != "pyodide", vtuple(o.version)))
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_oracle, o, version_options(o.version, options),
                               args.limit, args.fresh, args.oracle_timeout) for o in chosen]
        results = [f.result() for f in futures]
    results.sort(key=lambda r: vtuple(r["version"]))
    for r in results:
        log("[%s] oracle stage: %.1fs for %d files" % (r["version"], r["oracle_seconds"],
                                                       r["oracle_files"]))
    if args.oracle_only:
        return 0

    pybc_seconds = run_pybc(os.path.abspath(args.pybc), results, options, args.jobs, args.timeout)
    write_report(args.report, results, missing, args.pybc, pybc_seconds)
    print(summary_table(results))
    print("\nreport: %s" % os.path.join(args.report, "summary.md"))
    failing = any(c["fail"] for r in results for c in r["cases"].values())
    return 1 if (args.strict and failing) else 0


if __name__ == "__main__":
    sys.exit(main())
