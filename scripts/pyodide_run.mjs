// Run a Python script under Pyodide (CPython compiled to WebAssembly) in Node.
//
//     node scripts/pyodide_run.mjs <pyodide-package-dir> <script.py> [args...]
//
// The interpreter starts with PYTHONHASHSEED=0. Host directories are mounted
// (NODEFS) at their own paths, so host paths work unchanged inside: the
// top-level directory of the script, of the current directory, of /tmp, of the
// repository and of every absolute-path argument. sys.argv is
// [script, *args], the script runs as __main__ with its directory first on
// sys.path, stdout and stderr are forwarded byte for byte, and the process
// exits with the script's exit status (1 and a traceback on stderr for an
// uncaught exception).

import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.dirname(HERE);

// Directories of the Emscripten file system that must not be hidden by a mount:
// a host path under one of these is mounted at its own directory instead of at
// its top-level component.
const RESERVED = new Set(["", "lib", "usr", "dev", "proc", "home", "bin", "etc"]);

function usage() {
  process.stderr.write("usage: node pyodide_run.mjs <pyodide-package-dir> <script.py> [args...]\n");
  process.exit(2);
}

function mountRootFor(hostPath) {
  const abs = path.resolve(hostPath);
  const parts = abs.split(path.sep).filter((p) => p.length > 0);
  if (parts.length === 0) return null;
  if (!RESERVED.has(parts[0])) return "/" + parts[0];
  // Under a reserved directory: mount the deepest existing directory.
  let dir = abs;
  try {
    if (!fs.statSync(dir).isDirectory()) dir = path.dirname(dir);
  } catch {
    dir = path.dirname(dir);
  }
  while (dir !== "/" && !fs.existsSync(dir)) dir = path.dirname(dir);
  if (dir === "/" || path.dirname(dir) === "/") return null;
  return dir;
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.length < 2) usage();
  const pkgDir = path.resolve(argv[0]);
  const script = path.resolve(argv[1]);
  const scriptArgs = argv.slice(2);

  const wanted = [script, process.cwd(), "/tmp", REPO];
  for (const a of scriptArgs) {
    if (a.startsWith("/")) wanted.push(a);
    const eq = a.indexOf("=/");
    if (a.startsWith("--") && eq > 0) wanted.push(a.slice(eq + 1));
  }
  const roots = [];
  for (const p of wanted) {
    const r = mountRootFor(p);
    if (r && fs.existsSync(r) && !roots.includes(r)) roots.push(r);
  }
  // Mount parents before children; skip a root already inside another one.
  roots.sort((a, b) => a.length - b.length);
  const mounts = roots.filter(
    (r, i) => !roots.slice(0, i).some((o) => r === o || r.startsWith(o + "/")),
  );

  const { loadPyodide } = await import(pathToFileURL(path.join(pkgDir, "pyodide.mjs")).href);
  const py = await loadPyodide({
    indexURL: pkgDir + path.sep,
    env: { PYTHONHASHSEED: "0", HOME: "/home/pyodide", PYTHONIOENCODING: "utf-8" },
    stdout: () => {},
    stderr: () => {},
  });
  const writer = (fd) => ({
    write: (buf) => {
      let off = 0;
      while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
      return buf.length;
    },
    isatty: false,
  });
  py.setStdout(writer(1));
  py.setStderr(writer(2));

  const FS = py.FS;
  for (const m of mounts) {
    FS.mkdirTree(m);
    FS.mount(FS.filesystems.NODEFS, { root: m }, m);
  }

  py.globals.set("_pybc_argv", py.toPy([script, ...scriptArgs]));
  py.globals.set("_pybc_cwd", process.cwd());
  const code = py.runPython(`
def _pybc_main(argv, cwd):
    import os, runpy, sys, traceback
    try:
        os.chdir(cwd)
    except OSError:
        pass
    sys.argv = list(argv)
    sys.path.insert(0, os.path.dirname(argv[0]))
    status = 0
    try:
        runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as exc:
        c = exc.code
        if c is None:
            status = 0
        elif isinstance(c, int):
            status = c
        else:
            try:
                print(c, file=sys.stderr)
            except Exception:
                pass
            status = 1
    except BaseException:
        traceback.print_exc()
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    return status

_pybc_main(_pybc_argv, _pybc_cwd)
`);
  process.exit(typeof code === "number" ? code & 0xff : 1);
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
