//! Compiling `.py` inputs with a real interpreter (until pybc's own
//! compiler can do it).

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

/// Compiles `source` with `python` and returns `.pyc` bytes: the
/// interpreter's magic number, a zeroed header and the marshalled module.
pub fn compile_with_python(python: &Path, source: &Path) -> Result<Vec<u8>> {
    const SCRIPT: &str = "import sys, marshal, importlib.util\n\
        path = sys.argv[1]\n\
        with open(path, 'rb') as f: source = f.read()\n\
        code = compile(source, path, 'exec')\n\
        sys.stdout.buffer.write(importlib.util.MAGIC_NUMBER + bytes(12) + marshal.dumps(code))\n";
    let output = Command::new(python)
        .arg("-c")
        .arg(SCRIPT)
        .arg(source)
        .env("PYTHONHASHSEED", "0")
        .output()
        .with_context(|| format!("cannot run {} to compile the source", python.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or("unknown error");
        bail!("{} could not compile it: {last}", python.display());
    }
    Ok(output.stdout)
}
