//! Compiling `.py` inputs with a real interpreter (until pybc's own
//! compiler can do it).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

/// Compiles `source` (named `filename` in the code objects) with `python`
/// and returns `.pyc` bytes: the interpreter's magic number, a zeroed
/// header and the marshalled module. The source goes through a pipe, so it
/// may come from an archive.
pub fn compile_with_python(python: &Path, source: &[u8], filename: &str) -> Result<Vec<u8>> {
    const SCRIPT: &str = "import sys, marshal, importlib.util\n\
        source = sys.stdin.buffer.read()\n\
        code = compile(source, sys.argv[1], 'exec')\n\
        sys.stdout.buffer.write(importlib.util.MAGIC_NUMBER + bytes(12) + marshal.dumps(code))\n";
    let mut child = Command::new(python)
        .arg("-c")
        .arg(SCRIPT)
        .arg(filename)
        .env("PYTHONHASHSEED", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {} to compile the source", python.display()))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A compiler that exits early closes the pipe; its status says why.
        let _ = stdin.write_all(source);
    }
    let output = child
        .wait_with_output()
        .with_context(|| format!("running {}", python.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or("unknown error");
        bail!("{} could not compile it: {last}", python.display());
    }
    Ok(output.stdout)
}
