#!/usr/bin/env python3
"""Rewrite the output examples in README.md by running pybc.

    python3 scripts/readme_examples.py [--pybc PATH] [--check]

The block between `<!-- examples:begin -->` and `<!-- examples:end -->` is
replaced by one example of each output format, each made by running pybc on
fixtures/3.13/exceptgroups.pyc (laid out as pkg/__pycache__/ next to its
source, so that --source and the HTML page find it). Long outputs are cut
after a fixed number of lines, and the cut is marked. --check only reports
whether README.md is up to date (exit status 1 if not).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = "<!-- examples:begin -->"
END = "<!-- examples:end -->"
PYC = "pkg/__pycache__/exceptgroups.cpython-313.pyc"

EXAMPLES = [
    # (title, pybc arguments, fence language, lines kept)
    ("Text: what `python3.13 -m dis` prints", [], "text", 14),
    ("Text with `--source`: each source line above its instructions",
     ["--source"], "text", 16),
    ("JSON (`-f json`; schema/pybc.schema.json)", ["-f", "json"], "json", 40),
    ("JSON Lines (`-f jsonl`): one code object a line", ["-f", "jsonl"], "json", 0),
    ("CSV (`-f csv`): one row per instruction", ["-f", "csv"], "csv", 8),
    ("`pybc info`: the header, then `dis.code_info` of each code object",
     ["info"], "text", 30),
    ("HTML (`-f html`): one self-contained page (the screenshot is "
     "scripts/html/expected.png, taken by scripts/html_test.sh after clicking "
     "line 6)", ["-f", "html"], "html", 6),
]


def run(pybc, args, cwd):
    argv = [pybc] + (args[:1] if args[:1] == ["info"] else []) + \
        [a for a in args if a != "info"] + [PYC]
    out = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, check=True,
                         env=dict(os.environ, NO_COLOR="1"))
    return out.stdout.decode("utf-8")


def cut(text, keep, lang):
    lines = text.rstrip("\n").split("\n")
    if lang == "json" and keep == 0:
        # One line per code object: show each, shortened.
        return "\n".join(l[:160] + " …" if len(l) > 160 else l for l in lines)
    if keep and len(lines) > keep:
        more = len(lines) - keep
        lines = lines[:keep] + ["… (%d more lines)" % more]
    return "\n".join(lines)


def render(pybc):
    work = tempfile.mkdtemp()
    try:
        os.makedirs(os.path.join(work, "pkg", "__pycache__"))
        shutil.copy(os.path.join(ROOT, "fixtures/src/exceptgroups.py"),
                    os.path.join(work, "pkg/exceptgroups.py"))
        shutil.copy(os.path.join(ROOT, "fixtures/3.13/exceptgroups.pyc"),
                    os.path.join(work, PYC))
        parts = [BEGIN, "",
                 "Made by `scripts/readme_examples.py` running pybc on `%s` "
                 "(fixtures/3.13/exceptgroups.pyc beside its source)." % PYC, ""]
        for title, args, lang, keep in EXAMPLES:
            cmd = "pybc " + " ".join(args + [PYC]) if args[:1] != ["info"] else \
                "pybc info " + " ".join(args[1:] + [PYC])
            parts += [title + ":", "", "```" + lang, "$ " + cmd if lang == "text" else "",
                      cut(run(pybc, args, work), keep, lang), "```", ""]
        parts.append(END)
        # "$ cmd" only inside text fences; drop the empty placeholder lines.
        text = "\n".join(parts)
        return text.replace("```json\n\n", "```json\n").replace(
            "```csv\n\n", "```csv\n").replace("```html\n\n", "```html\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pybc", default=os.path.join(ROOT, "target", "release", "pybc"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    path = os.path.join(ROOT, "README.md")
    with open(path, encoding="utf-8") as f:
        readme = f.read()
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < 0:
        sys.stderr.write("README.md has no %s ... %s block\n" % (BEGIN, END))
        return 1
    new = readme[:start] + render(os.path.abspath(args.pybc)) + readme[end + len(END):]
    if args.check:
        if new != readme:
            sys.stderr.write("README.md examples are out of date: run scripts/readme_examples.py\n")
            return 1
        return 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
