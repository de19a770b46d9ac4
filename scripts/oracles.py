#!/usr/bin/env python3
"""Reference CPython interpreters ("oracles") for pybc's tests.

    python3 scripts/oracles.py list [pyenv|debian|pyodide]
                                          what is available, one version a line
    python3 scripts/oracles.py install    fetch what is missing (idempotent)
    python3 scripts/oracles.py install --all
                                          also fetch the optional pieces (test/
                                          sources for every Pyodide version)
    python3 scripts/oracles.py install --debian
                                          also fetch Debian's 2.7 and 3.9 even
                                          where pyenv has them

As a module:

    import oracles
    o = oracles.find("3.13")            # Oracle or None
    subprocess.run(o.argv("x.py", "a"), env=o.env())
    o.stdlib_dir                        # host path of that version's Lib/
    oracles.available()                 # every Oracle found, oldest first

Where an interpreter comes from, in order of preference:

* a pyenv build, $(pyenv root)/versions/X.Y.Z (newest patch release wins);
  $PYENV_ROOT, else `pyenv root`, else ~/.pyenv;
* for 2.7 and 3.9 only, Debian 11 (bullseye)'s own packages of that
  interpreter (2.7.18, 3.9.2), its standard library and its test suite, from
  the Debian archive that apt is configured with. The index is checked against
  the signed InRelease file (with gpgv and the Debian archive keyring, where
  present) and every .deb against the index's SHA256; they are unpacked with
  `dpkg -x` into .cache/debian/bullseye-root, along with the few shared
  libraries of bullseye that newer systems lack (libffi7, libmpdec3,
  libssl1.1). Nothing is installed on the system. The interpreter runs with
  PYTHONHOME and LD_LIBRARY_PATH pointing into that tree;
* Pyodide, CPython compiled to WebAssembly, run by Node through
  scripts/pyodide_run.mjs. 3.14 and 3.15 always come from Pyodide; 3.11 to 3.13
  only when no pyenv build exists. The npm packages are unpacked under
  .cache/pyodide/<npm version>/package.

Pyodide ships its standard library as .py sources (python_stdlib.zip) without
the test/ package. `install` unpacks that zip to .cache/pyodide/<npm
version>/stdlib and, where a CPython source tarball of the same minor version
is available from the Debian archive (only 3.13 today), adds its Lib/test;
3.14 and 3.15, which have none, get 3.13's Lib/test (see TESTS_FROM).

Every oracle runs with PYTHONHASHSEED=0.
"""

import glob
import hashlib
import io
import json
import lzma
import os
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, ".cache")
PYODIDE_CACHE = os.path.join(CACHE, "pyodide")
RUNNER = os.path.join(ROOT, "scripts", "pyodide_run.mjs")

# Python version -> npm version of the pyodide package providing it.
PYODIDE = {
    "3.11": "0.25.1",   # CPython 3.11.3
    "3.12": "0.27.7",   # CPython 3.12.7
    "3.13": "0.29.3",   # CPython 3.13.2
    "3.14": "314.0.7",  # CPython 3.14.2
    "3.15": "315.0.0-alpha.2",  # CPython 3.15.0rc1
}
PYODIDE_ALWAYS = ("3.14", "3.15")

# CPython sources from the Debian archive, used for the test/ package that
# Pyodide leaves out: (path under the archive root, sha256, top directory).
DEBIAN_SOURCES = {
    "3.13": (
        "pool/main/p/python3.13/python3.13_3.13.5.orig.tar.xz",
        "93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640",
        "Python-3.13.5",
    ),
}
# Versions with no source tarball of their own borrow the test/ package of
# the newest one before them (a 3.14 interpreter compiling 3.13's tests; the
# files it rejects are counted as not compiled).
TESTS_FROM = {"3.14": "3.13", "3.15": "3.13"}
DEBIAN_DEFAULT_MIRROR = "http://deb.debian.org/debian"
# Where a suite goes once it is no longer on the regular mirrors.
DEBIAN_ARCHIVE_MIRROR = "http://archive.debian.org/debian"
DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"

# Interpreters from Debian binary packages, used where pyenv has no build:
# Python version -> the packages making up the interpreter, its standard
# library and its test/ package.
DEBIAN_SUITE = "bullseye"
DEBIAN_ROOT = os.path.join(CACHE, "debian", DEBIAN_SUITE + "-root")
DEBIAN_PYTHONS = {
    "2.7": ("python2.7-minimal", "libpython2.7-minimal", "libpython2.7-stdlib",
            "libpython2.7-testsuite"),
    "3.9": ("python3.9-minimal", "libpython3.9-minimal", "libpython3.9-stdlib",
            "libpython3.9-testsuite"),
}
# Shared libraries of that suite that later Debian releases replaced, needed
# by a few extension modules (_ctypes, _decimal, _ssl, _hashlib), not by
# compile, marshal or dis.
DEBIAN_LIBRARIES = ("libffi7", "libmpdec3", "libssl1.1")


def _version_key(v):
    return tuple(int(x) if x.isdigit() else 0 for x in re.split(r"[.]", v))


class Oracle(object):
    """One interpreter: `version` is "X.Y", `kind` is "pyenv", "debian" or
    "pyodide"."""

    def __init__(self, version, kind, full_version, executable=None,
                 package_dir=None, stdlib_dir=None, home=None, library_path=None):
        self.version = version
        self.kind = kind
        self.full_version = full_version
        self.executable = executable      # pyenv, debian: the python binary
        self.package_dir = package_dir    # pyodide: the unpacked npm package
        self.stdlib_dir = stdlib_dir
        self.home = home                  # debian: PYTHONHOME
        self.library_path = library_path or []  # debian: for LD_LIBRARY_PATH

    def argv(self, script, *args):
        """Command line running `script` with `args` under this interpreter."""
        if self.kind != "pyodide":
            return [self.executable, script] + [str(a) for a in args]
        node = shutil.which("node") or "node"
        return [node, RUNNER, self.package_dir, script] + [
            str(a) for a in args
        ]

    def env(self):
        env = dict(os.environ)
        env["PYTHONHASHSEED"] = "0"
        env["PYTHONIOENCODING"] = "utf-8"
        env.pop("PYTHONSTARTUP", None)
        env.pop("PYTHONPATH", None)
        env.pop("PYTHONHOME", None)
        if self.home:
            env["PYTHONHOME"] = self.home
            env["PYTHONNOUSERSITE"] = "1"
        if self.library_path:
            old = env.get("LD_LIBRARY_PATH")
            env["LD_LIBRARY_PATH"] = os.pathsep.join(self.library_path + ([old] if old else []))
        return env

    @property
    def has_tests(self):
        return bool(self.stdlib_dir) and os.path.isdir(os.path.join(self.stdlib_dir, "test"))

    def __repr__(self):
        return "Oracle(%s, %s, %s)" % (self.version, self.kind, self.full_version)


# --- pyenv -------------------------------------------------------------------

def pyenv_root():
    root = os.environ.get("PYENV_ROOT")
    if root and os.path.isdir(root):
        return root
    exe = shutil.which("pyenv")
    if exe:
        try:
            out = subprocess.run([exe, "root"], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, timeout=20)
            root = out.stdout.decode().strip()
            if root and os.path.isdir(root):
                return root
        except (OSError, subprocess.SubprocessError):
            pass
    root = os.path.expanduser("~/.pyenv")
    return root if os.path.isdir(root) else None


def _pyenv_oracles():
    found = {}
    root = pyenv_root()
    if not root:
        return found
    for d in glob.glob(os.path.join(root, "versions", "*")):
        m = re.match(r"^(\d+)\.(\d+)\.(\d+)$", os.path.basename(d))
        if not m:
            continue  # skip pypy, conda, dev builds, virtualenvs
        version = "%s.%s" % (m.group(1), m.group(2))
        exe = os.path.join(d, "bin", "python" + version)
        if not os.path.isfile(exe):
            exe = os.path.join(d, "bin", "python")
        lib = os.path.join(d, "lib", "python" + version)
        if not (os.access(exe, os.X_OK) and os.path.isdir(lib)):
            continue
        full = os.path.basename(d)
        old = found.get(version)
        if old is None or _version_key(full) > _version_key(old.full_version):
            found[version] = Oracle(version, "pyenv", full, executable=exe, stdlib_dir=lib)
    return found


# --- debian ------------------------------------------------------------------

def _debian_marker(version):
    return os.path.join(DEBIAN_ROOT, ".complete-" + version)


def _debian_library_path():
    """The directories of the unpacked tree holding shared libraries."""
    dirs = []
    for pattern in ("lib/*-linux-gnu*", "usr/lib/*-linux-gnu*"):
        for d in sorted(glob.glob(os.path.join(DEBIAN_ROOT, pattern))):
            if os.path.isdir(d) and glob.glob(os.path.join(d, "*.so*")):
                dirs.append(d)
    return dirs


def _debian_oracle(version):
    try:
        with open(_debian_marker(version)) as f:
            full = json.load(f)["python"]
    except (OSError, ValueError, KeyError):
        return None
    usr = os.path.join(DEBIAN_ROOT, "usr")
    exe = os.path.join(usr, "bin", "python" + version)
    lib = os.path.join(usr, "lib", "python" + version)
    if not (os.access(exe, os.X_OK) and os.path.isdir(lib)):
        return None
    return Oracle(version, "debian", full, executable=exe, stdlib_dir=lib, home=usr,
                  library_path=_debian_library_path())


def _debian_oracles():
    found = {}
    for version in DEBIAN_PYTHONS:
        o = _debian_oracle(version)
        if o is not None:
            found[version] = o
    return found


# --- pyodide -----------------------------------------------------------------

def _pyodide_dirs(npm_version):
    base = os.path.join(PYODIDE_CACHE, npm_version)
    return base, os.path.join(base, "package"), os.path.join(base, "stdlib")


def _pyodide_oracle(version):
    npm_version = PYODIDE[version]
    base, pkg, stdlib = _pyodide_dirs(npm_version)
    if not os.path.isfile(os.path.join(pkg, "pyodide.mjs")):
        return None
    if not shutil.which("node"):
        return None
    full = version
    try:
        with open(os.path.join(pkg, "pyodide-lock.json")) as f:
            full = json.load(f)["info"]["python"]
    except (OSError, ValueError, KeyError):
        pass
    if not os.path.isfile(os.path.join(stdlib, ".complete")):
        stdlib = None
    return Oracle(version, "pyodide", full, package_dir=pkg, stdlib_dir=stdlib)


def _all(kind=None):
    if kind == "debian":
        return _debian_oracles()
    found = {} if kind == "pyodide" else _pyenv_oracles()
    if kind == "pyenv":
        return found
    if kind is None:
        for version, o in _debian_oracles().items():
            found.setdefault(version, o)
    for version in PYODIDE:
        if version in PYODIDE_ALWAYS or version not in found:
            o = _pyodide_oracle(version)
            if o is not None:
                found[version] = o
    return found


def available(kind=None):
    """Every oracle found, oldest version first; `kind` restricts the search
    to "pyenv", "debian" or "pyodide" builds."""
    found = _all(kind)
    return [found[v] for v in sorted(found, key=_version_key)]


def find(version, kind=None):
    """The oracle for "X.Y", or None; `kind` as for available()."""
    return _all(kind).get(version)


# --- install -----------------------------------------------------------------

def _log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def _fetch(url):
    _log("oracles: fetching %s" % url)
    try:
        with urllib.request.urlopen(url, timeout=300) as r:
            return r.read()
    except OSError as e:
        _log("oracles: cannot fetch %s: %s" % (url, e))
        return None


def _install_pyodide(npm_version):
    base, pkg, _ = _pyodide_dirs(npm_version)
    if os.path.isfile(os.path.join(pkg, "pyodide.mjs")):
        return True
    npm = shutil.which("npm")
    if not npm:
        _log("oracles: npm not found; cannot install pyodide@%s" % npm_version)
        return False
    os.makedirs(base, exist_ok=True)
    _log("oracles: npm pack pyodide@%s" % npm_version)
    env = dict(os.environ, CI="true", npm_config_yes="true", npm_config_fund="false",
               npm_config_audit="false", npm_config_update_notifier="false")
    r = subprocess.run([npm, "pack", "--silent", "pyodide@" + npm_version], cwd=base,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=env)
    tgz = os.path.join(base, "pyodide-%s.tgz" % npm_version)
    if r.returncode != 0 or not os.path.isfile(tgz):
        _log("oracles: npm pack pyodide@%s failed" % npm_version)
        return False
    tmp = os.path.join(base, "package.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with tarfile.open(tgz) as t:
        for m in t.getmembers():
            if not (m.isfile() or m.isdir()) or m.name.startswith("/") or ".." in m.name.split("/"):
                continue
            t.extract(m, tmp)
    shutil.rmtree(pkg, ignore_errors=True)
    os.rename(os.path.join(tmp, "package"), pkg)
    shutil.rmtree(tmp, ignore_errors=True)
    os.remove(tgz)
    return True


def _debian_mirror():
    """The Debian archive URI configured for apt on this machine, if any."""
    candidates = []
    for path in glob.glob("/etc/apt/sources.list.d/*.sources"):
        try:
            with open(path) as f:
                for line in f:
                    if line.strip().startswith("URIs:"):
                        candidates.extend(line.split(":", 1)[1].split())
        except OSError:
            pass
    for path in ["/etc/apt/sources.list"] + glob.glob("/etc/apt/sources.list.d/*.list"):
        try:
            with open(path) as f:
                for line in f:
                    parts = line.split()
                    if parts and parts[0] in ("deb", "deb-src"):
                        uris = [p for p in parts[1:] if "://" in p]
                        candidates.extend(uris[:1])
        except OSError:
            pass
    for uri in candidates:
        uri = uri.rstrip("/")
        if uri.endswith("/debian"):
            return uri
    return DEBIAN_DEFAULT_MIRROR


def _debian_tests(version, dest):
    """Put Lib/test of a Debian CPython source tarball at dest/test."""
    rel, sha256, top = DEBIAN_SOURCES[version]
    tarball = os.path.join(CACHE, "debian", os.path.basename(rel))
    if not os.path.isfile(tarball):
        os.makedirs(os.path.dirname(tarball), exist_ok=True)
        url = "%s/%s" % (_debian_mirror(), rel)
        data = _fetch(url)
        if data is None:
            return False
        if hashlib.sha256(data).hexdigest() != sha256:
            _log("oracles: checksum mismatch for %s" % url)
            return False
        with open(tarball + ".part", "wb") as f:
            f.write(data)
        os.rename(tarball + ".part", tarball)
    prefix = top + "/Lib/test/"
    tmp = os.path.join(dest, "test.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(tarball) as t:
        for m in t:
            if not m.name.startswith(prefix) or not (m.isfile() or m.isdir()):
                continue
            if ".." in m.name.split("/"):
                continue
            out = os.path.join(tmp, m.name[len(prefix):])
            if m.isdir():
                os.makedirs(out, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with t.extractfile(m) as src, open(out, "wb") as f:
                shutil.copyfileobj(src, f)
    shutil.rmtree(os.path.join(dest, "test"), ignore_errors=True)
    os.rename(tmp, os.path.join(dest, "test"))
    return True


def _sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _debian_arch():
    try:
        r = subprocess.run(["dpkg", "--print-architecture"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=20)
        arch = r.stdout.decode().strip()
        if r.returncode == 0 and arch:
            return arch
    except (OSError, subprocess.SubprocessError):
        pass
    return "amd64"


def _debian_release(mirror):
    """The signed text of the suite's InRelease file on `mirror`, or None."""
    data = _fetch("%s/dists/%s/InRelease" % (mirror, DEBIAN_SUITE))
    if data is None:
        return None
    gpgv = shutil.which("gpgv")
    if gpgv and os.path.isfile(DEBIAN_KEYRING):
        path = os.path.join(CACHE, "debian", DEBIAN_SUITE + "-InRelease")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        r = subprocess.run([gpgv, "--keyring", DEBIAN_KEYRING, "--output", "-", path],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if r.returncode != 0:
            _log("oracles: bad or unknown signature on %s's InRelease:\n%s" % (
                mirror, r.stderr.decode("utf-8", "replace").strip()))
            return None
        return r.stdout.decode("utf-8", "replace")
    _log("oracles: no gpgv or no %s; the signature of InRelease is not checked" % DEBIAN_KEYRING)
    lines = data.decode("utf-8", "replace").splitlines()
    try:
        start = lines.index("") + 1
        end = lines.index("-----BEGIN PGP SIGNATURE-----")
    except ValueError:
        return None
    return "\n".join(line[2:] if line.startswith("- ") else line for line in lines[start:end])


def _release_entry(release, path):
    """(sha256, size) of `path` in the SHA256 list of a Release file."""
    in_sha256 = False
    for line in release.splitlines():
        if not line.startswith(" "):
            in_sha256 = line.strip() == "SHA256:"
            continue
        parts = line.split()
        if in_sha256 and len(parts) == 3 and parts[2] == path:
            return parts[0], int(parts[1])
    return None


def _debian_packages(mirror, release, names):
    """Package name -> fields of its stanza in the suite's main Packages index."""
    path = "main/binary-%s/Packages.xz" % _debian_arch()
    entry = _release_entry(release, path)
    if entry is None:
        _log("oracles: %s is not listed in %s's InRelease" % (path, DEBIAN_SUITE))
        return None
    data = _fetch("%s/dists/%s/%s" % (mirror, DEBIAN_SUITE, path))
    if data is None:
        return None
    if len(data) != entry[1] or hashlib.sha256(data).hexdigest() != entry[0]:
        _log("oracles: checksum mismatch for %s" % path)
        return None
    found = {}
    for stanza in lzma.decompress(data).decode("utf-8", "replace").split("\n\n"):
        fields = {}
        for line in stanza.splitlines():
            if line[:1] not in (" ", "\t") and ":" in line:
                key, value = line.split(":", 1)
                fields[key] = value.strip()
        if fields.get("Package") in names and all(
                k in fields for k in ("Version", "Filename", "SHA256")):
            found[fields["Package"]] = fields
    return found


def _debian_relink():
    """Point the absolute symbolic links of the unpacked tree (such as
    sitecustomize.py -> /etc/...) at the same path inside the tree."""
    for dirpath, dirnames, filenames in os.walk(DEBIAN_ROOT):
        for name in dirnames + filenames:
            link = os.path.join(dirpath, name)
            if not os.path.islink(link):
                continue
            target = os.readlink(link)
            if not target.startswith("/"):
                continue
            inside = os.path.join(DEBIAN_ROOT, target.lstrip("/"))
            os.remove(link)
            os.symlink(os.path.relpath(inside, dirpath), link)


def _install_debian(versions):
    """Unpack Debian's interpreters for `versions` into DEBIAN_ROOT."""
    versions = [v for v in versions if not os.path.isfile(_debian_marker(v))]
    if not versions:
        return True
    dpkg = shutil.which("dpkg")
    if not dpkg:
        _log("oracles: dpkg not found; cannot unpack Debian's Python %s" % ", ".join(versions))
        return False
    names = set(DEBIAN_LIBRARIES)
    for version in versions:
        names.update(DEBIAN_PYTHONS[version])
    mirrors = []
    for mirror in (_debian_mirror(), DEBIAN_DEFAULT_MIRROR, DEBIAN_ARCHIVE_MIRROR):
        if mirror not in mirrors:
            mirrors.append(mirror)
    for mirror in mirrors:
        release = _debian_release(mirror)
        if release is not None:
            break
    else:
        return False
    packages = _debian_packages(mirror, release, names)
    if packages is None:
        return False
    if names - set(packages):
        _log("oracles: not in %s: %s" % (DEBIAN_SUITE, ", ".join(sorted(names - set(packages)))))
        return False
    debs = os.path.join(CACHE, "debian", DEBIAN_SUITE + "-debs")
    os.makedirs(debs, exist_ok=True)
    os.makedirs(DEBIAN_ROOT, exist_ok=True)
    for name in sorted(names):
        fields = packages[name]
        deb = os.path.join(debs, os.path.basename(fields["Filename"]))
        if not (os.path.isfile(deb) and _sha256_file(deb) == fields["SHA256"]):
            data = _fetch("%s/%s" % (mirror, fields["Filename"]))
            if data is None:
                return False
            if hashlib.sha256(data).hexdigest() != fields["SHA256"]:
                _log("oracles: checksum mismatch for %s" % fields["Filename"])
                return False
            with open(deb + ".part", "wb") as f:
                f.write(data)
            os.rename(deb + ".part", deb)
        if subprocess.run([dpkg, "-x", deb, DEBIAN_ROOT], stdin=subprocess.DEVNULL).returncode:
            _log("oracles: dpkg -x %s failed" % deb)
            return False
    _debian_relink()
    for version in versions:
        pkgs = DEBIAN_PYTHONS[version] + DEBIAN_LIBRARIES
        upstream = re.match(r"(?:\d+:)?(\d+(?:\.\d+)*)", packages[pkgs[0]]["Version"])
        with open(_debian_marker(version), "w") as f:
            json.dump({"python": upstream.group(1), "suite": DEBIAN_SUITE, "mirror": mirror,
                       "packages": {n: packages[n]["Version"] for n in pkgs}}, f, indent=1)
    shutil.rmtree(debs, ignore_errors=True)
    return True


def _install_stdlib(version, npm_version, with_tests):
    _, pkg, stdlib = _pyodide_dirs(npm_version)
    marker = os.path.join(stdlib, ".complete")
    if not os.path.isfile(marker):
        shutil.rmtree(stdlib, ignore_errors=True)
        tmp = stdlib + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        with zipfile.ZipFile(os.path.join(pkg, "python_stdlib.zip")) as z:
            for name in z.namelist():
                if name.endswith("/") or name.startswith("/") or ".." in name.split("/"):
                    continue
                out = os.path.join(tmp, name)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                with z.open(name) as src, open(out, "wb") as f:
                    shutil.copyfileobj(src, f)
        os.rename(tmp, stdlib)
        with open(marker, "w") as f:
            f.write("pyodide %s python_stdlib.zip\n" % npm_version)
    source = version if version in DEBIAN_SOURCES else TESTS_FROM.get(version)
    if with_tests and source and not os.path.isdir(os.path.join(stdlib, "test")):
        _debian_tests(source, stdlib)


def install(all_pieces=False, debian=False):
    """Fetch what is missing; with `debian`, Debian's 2.7 and 3.9 even where
    pyenv has them."""
    pyenv = _pyenv_oracles()
    ok = True
    wanted = [v for v in sorted(DEBIAN_PYTHONS, key=_version_key) if debian or v not in pyenv]
    if wanted and not _install_debian(wanted):
        ok = False
    for version, npm_version in sorted(PYODIDE.items(), key=lambda kv: _version_key(kv[0])):
        needed = version in PYODIDE_ALWAYS or version not in pyenv
        if not (needed or all_pieces):
            continue
        if not _install_pyodide(npm_version):
            ok = False
            continue
        _install_stdlib(version, npm_version, with_tests=needed or all_pieces)
    return ok


def main(argv):
    cmd = argv[1] if len(argv) > 1 else "list"
    if cmd == "install":
        ok = install(all_pieces="--all" in argv[2:], debian="--debian" in argv[2:])
        for o in available():
            print(_describe(o))
        return 0 if ok else 1
    if cmd == "list":
        kind = argv[2] if len(argv) > 2 else None
        for o in available(kind):
            print(_describe(o))
        return 0
    if cmd == "json":
        print(json.dumps([{
            "version": o.version, "kind": o.kind, "full_version": o.full_version,
            "argv": o.argv("SCRIPT"), "stdlib_dir": o.stdlib_dir, "has_tests": o.has_tests,
        } for o in available()], indent=2))
        return 0
    sys.stderr.write(__doc__)
    return 2


def _describe(o):
    where = o.package_dir if o.kind == "pyodide" else o.executable
    lib = o.stdlib_dir or "(no stdlib sources; run: python3 scripts/oracles.py install)"
    tests = "with test/" if o.has_tests else "no test/"
    return "%-5s %-8s %-10s %s  stdlib=%s (%s)" % (o.version, o.kind, o.full_version, where, lib, tests)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
