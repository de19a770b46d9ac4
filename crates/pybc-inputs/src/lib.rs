//! The inputs of a pybc run.
//!
//! A command line names files, directories and archives; [`expand`] turns
//! them into a flat, deterministic list of [`Input`]s (one per `.pyc` or
//! `.py`), and [`Input::read`] and [`Input::source`] give each one's bytes
//! and, where it can be found, its Python source.
//!
//! - A directory is walked recursively (symbolic links to directories are
//!   not followed) in sorted order. Every `.pyc` is taken, and every `.py`
//!   that no `.pyc` of the tree was compiled from (`pkg/x.py` is skipped
//!   when `pkg/__pycache__/x.cpython-313.pyc` or `pkg/x.pyc` exists).
//! - A `.zip`, `.whl`, `.pyz` or `.egg` is read as a zip archive with the
//!   same rule for its members. Reading a member is bounded ([`Limits`]):
//!   its declared size, its compression ratio, the bytes really produced
//!   and the time taken, so a zip bomb costs little.
//! - The source of `dir/__pycache__/x.cpython-313.pyc` is `dir/x.py`; of
//!   `dir/x.pyc` (legacy layout) `dir/x.py`; of a `.py` input itself.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Why an input could not be listed or read. The I/O and zip errors are
/// part of the message, not its `source()` too: a report that prints the
/// chain would repeat them.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read: {0}")]
    Io(std::io::Error),
    #[error("not a readable zip archive: {0}")]
    Zip(zip::result::ZipError),
    #[error("archive member {member} not found")]
    MissingMember { member: String },
    #[error("archive member {member} is {size} bytes, over the limit of {limit}")]
    MemberTooLarge {
        member: String,
        size: u64,
        limit: u64,
    },
    #[error(
        "archive member {member} expands {ratio}x ({compressed} to {size} bytes), \
         over the limit of {limit}x: refusing a possible zip bomb"
    )]
    Ratio {
        member: String,
        compressed: u64,
        size: u64,
        ratio: u64,
        limit: u64,
    },
    #[error("archive member {member} produced more bytes than its header declares ({size})")]
    Overrun { member: String, size: u64 },
    #[error("reading archive member {member} took longer than {seconds}s")]
    Timeout { member: String, seconds: u64 },
    #[error("directory tree deeper than {0} levels")]
    TooDeep(usize),
}

impl From<std::io::Error> for InputError {
    fn from(e: std::io::Error) -> Self {
        InputError::Io(e)
    }
}

impl From<zip::result::ZipError> for InputError {
    fn from(e: zip::result::ZipError) -> Self {
        InputError::Zip(e)
    }
}

/// Bounds on what reading one archive member may cost.
#[derive(Copy, Clone, Debug)]
pub struct Limits {
    /// Largest uncompressed member, in bytes.
    pub max_member_size: u64,
    /// Largest uncompressed/compressed ratio for members over
    /// `ratio_applies_above` bytes.
    pub max_ratio: u64,
    pub ratio_applies_above: u64,
    /// Time allowed to inflate one member.
    pub max_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_member_size: 64 << 20,
            max_ratio: 100,
            ratio_applies_above: 1 << 20,
            max_time: Duration::from_secs(10),
        }
    }
}

/// Directory trees deeper than this are refused.
pub const MAX_DEPTH: usize = 256;

/// Where an input's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Stdin,
    File(PathBuf),
    /// A member of a zip archive, by name.
    Member {
        archive: Arc<Archive>,
        name: String,
    },
}

/// An open zip archive whose directory was read once, shared by the inputs
/// of its members: reading a member then costs a lookup, not another pass
/// over a directory that may list millions of entries.
pub struct Archive {
    path: PathBuf,
    zip: Mutex<zip::ZipArchive<std::fs::File>>,
    /// Member name → index, built once: the zip crate looks a name up by
    /// scanning the directory, which made looking for the missing source of
    /// each of 65,000 members take minutes.
    index: std::collections::HashMap<String, usize>,
}

impl Archive {
    /// Opens `path` and reads its directory.
    pub fn open(path: &Path) -> Result<Archive, InputError> {
        let zip = zip::ZipArchive::new(std::fs::File::open(path)?)?;
        let mut index = std::collections::HashMap::with_capacity(zip.len());
        for (i, name) in zip.file_names().enumerate() {
            if let Ok(name) = name {
                index.entry(name.into_owned()).or_insert(i);
            }
        }
        Ok(Archive {
            path: path.to_path_buf(),
            zip: Mutex::new(zip),
            index,
        })
    }

    /// The archive's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads one member within `limits`.
    pub fn read(&self, name: &str, limits: &Limits) -> Result<Vec<u8>, InputError> {
        // A panic while holding the lock cannot leave the directory half
        // updated (reading a member does not change it): keep using it.
        let index = self
            .index
            .get(name)
            .copied()
            .ok_or_else(|| InputError::MissingMember {
                member: shown(name),
            })?;
        let mut zip = self.zip.lock().unwrap_or_else(|e| e.into_inner());
        read_from(&mut zip, index, name, limits)
    }
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Archive").field(&self.path).finish()
    }
}

impl PartialEq for Archive {
    fn eq(&self, other: &Archive) -> bool {
        self.path == other.path
    }
}

impl Eq for Archive {}

/// One `.pyc`, `.py` or other file to process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// How the input is named in messages: its path, or
    /// `archive.whl!pkg/mod.pyc` for an archive member.
    pub name: String,
    /// Its path relative to the argument it was found under, led by that
    /// argument's own file name; `-o DIR` mirrors it.
    pub rel: PathBuf,
    pub origin: Origin,
}

/// A file or member name as messages show it: control characters (a
/// newline, an escape sequence) escaped, so that a name from a hostile
/// archive or directory cannot split a `NAME: message` line in two or
/// drive the terminal.
pub fn shown(name: &str) -> String {
    if !name.chars().any(char::is_control) {
        return name.to_string();
    }
    name.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// File name extensions read as zip archives.
pub const ARCHIVE_EXTENSIONS: [&str; 4] = ["zip", "whl", "pyz", "egg"];

fn extension(name: &str) -> Option<&str> {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.rsplit_once('.').map(|(_, e)| e)
}

/// Whether a path names a zip archive pybc reads.
pub fn is_archive(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ARCHIVE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Whether an input name is Python source.
pub fn is_source_name(name: &str) -> bool {
    matches!(extension(name), Some("py" | "pyw"))
}

fn is_bytecode_name(name: &str) -> bool {
    extension(name) == Some("pyc")
}

/// The source file a `.pyc` (given by a `/`-separated path) was compiled
/// from: `d/__pycache__/x.cpython-313.pyc` → `d/x.py`, `d/x.pyc` → `d/x.py`.
pub fn source_name_for(pyc: &str) -> Option<String> {
    let stem = pyc.strip_suffix(".pyc")?;
    let (dir, file) = match stem.rsplit_once('/') {
        Some((d, f)) => (Some(d), f),
        None => (None, stem),
    };
    match dir {
        Some(d) if d == "__pycache__" || d.ends_with("/__pycache__") => {
            let parent = d.strip_suffix("__pycache__").unwrap_or("");
            // x.cpython-313.pyc, x.cpython-313.opt-1.pyc: the module name
            // is everything before the first dot.
            let module = file.split('.').next().unwrap_or(file);
            Some(format!("{parent}{module}.py"))
        }
        Some(d) => Some(format!("{d}/{file}.py")),
        None => Some(format!("{file}.py")),
    }
}

/// Keeps every `.pyc` and the `.py` files no `.pyc` was compiled from, in
/// the given (sorted) order.
fn select(names: Vec<String>) -> Vec<String> {
    let compiled: std::collections::HashSet<String> = names
        .iter()
        .filter(|n| is_bytecode_name(n))
        .filter_map(|n| source_name_for(n))
        .collect();
    names
        .into_iter()
        .filter(|n| is_bytecode_name(n) || (is_source_name(n) && !compiled.contains(n)))
        .collect()
}

fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), InputError> {
    if depth > MAX_DEPTH {
        return Err(InputError::TooDeep(MAX_DEPTH));
    }
    let mut entries: Vec<(PathBuf, bool)> = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        entries.push((entry.path(), entry.file_type()?.is_dir()));
    }
    entries.sort();
    for (path, is_dir) in entries {
        if is_dir {
            walk(&path, depth + 1, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn base_name(path: &Path) -> PathBuf {
    path.file_name()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("input"))
}

/// The inputs named by one command-line argument, or why it cannot be
/// listed (an unreadable directory or archive).
pub fn expand_one(arg: &Path) -> Result<Vec<Input>, InputError> {
    if arg.as_os_str() == "-" {
        return Ok(vec![Input {
            name: "-".into(),
            rel: PathBuf::from("stdin"),
            origin: Origin::Stdin,
        }]);
    }
    if arg.is_dir() {
        let mut files = Vec::new();
        walk(arg, 0, &mut files)?;
        let by_name: Vec<(String, PathBuf)> = files
            .into_iter()
            .filter_map(|p| {
                let rel = p.strip_prefix(arg).ok()?.to_path_buf();
                Some((slash(&rel), p))
            })
            .collect();
        let keep = select(by_name.iter().map(|(n, _)| n.clone()).collect());
        let keep: std::collections::HashSet<String> = keep.into_iter().collect();
        let base = base_name(arg);
        return Ok(by_name
            .into_iter()
            .filter(|(n, _)| keep.contains(n))
            .map(|(n, p)| Input {
                name: shown(&p.display().to_string()),
                rel: base.join(n),
                origin: Origin::File(p),
            })
            .collect());
    }
    if is_archive(arg) {
        let archive = Archive::open(arg)?;
        let mut names: Vec<String> = Vec::new();
        {
            let zip = archive.zip.lock().unwrap_or_else(|e| e.into_inner());
            for name in zip.file_names() {
                let name = name?;
                if !name.ends_with('/') {
                    names.push(name.into_owned());
                }
            }
        }
        names.sort();
        let archive = Arc::new(archive);
        let base = base_name(arg);
        return Ok(select(names)
            .into_iter()
            .map(|n| Input {
                name: shown(&format!("{}!{n}", arg.display())),
                rel: base.join(safe_relative(&n)),
                origin: Origin::Member {
                    archive: Arc::clone(&archive),
                    name: n,
                },
            })
            .collect());
    }
    Ok(vec![Input {
        name: shown(&arg.display().to_string()),
        rel: base_name(arg),
        origin: Origin::File(arg.to_path_buf()),
    }])
}

/// An archive member name as a relative path that stays inside the output
/// directory (no root, no `..`).
fn safe_relative(name: &str) -> PathBuf {
    name.split(['/', '\\'])
        .filter(|part| !part.is_empty() && *part != "." && *part != "..")
        .collect()
}

/// Every input named by `args`, in order; an argument that cannot be
/// listed gives one error in its place.
pub fn expand(args: &[PathBuf]) -> Vec<Result<Input, (String, InputError)>> {
    let mut out = Vec::new();
    for arg in args {
        match expand_one(arg) {
            Ok(inputs) => out.extend(inputs.into_iter().map(Ok)),
            Err(e) => out.push(Err((arg.display().to_string(), e))),
        }
    }
    out
}

/// Reads one member of an archive within `limits`.
pub fn read_member(archive: &Path, name: &str, limits: &Limits) -> Result<Vec<u8>, InputError> {
    Archive::open(archive)?.read(name, limits)
}

fn read_from(
    zip: &mut zip::ZipArchive<std::fs::File>,
    index: usize,
    name: &str,
    limits: &Limits,
) -> Result<Vec<u8>, InputError> {
    let member = zip.by_index(index)?;
    let size = member.size();
    let compressed = member.compressed_size();
    if size > limits.max_member_size {
        return Err(InputError::MemberTooLarge {
            member: shown(name),
            size,
            limit: limits.max_member_size,
        });
    }
    if size > limits.ratio_applies_above {
        let ratio = size / compressed.max(1);
        if ratio > limits.max_ratio {
            return Err(InputError::Ratio {
                member: shown(name),
                compressed,
                size,
                ratio,
                limit: limits.max_ratio,
            });
        }
    }
    // The declared size may lie: never take more than it says, and stop
    // when inflating takes too long.
    let start = Instant::now();
    let mut reader = member.take(size.saturating_add(1));
    let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(1 << 20));
    let mut chunk = [0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(chunk.get(..n).unwrap_or_default());
        if data.len() as u64 > size {
            return Err(InputError::Overrun {
                member: shown(name),
                size,
            });
        }
        if start.elapsed() > limits.max_time {
            return Err(InputError::Timeout {
                member: shown(name),
                seconds: limits.max_time.as_secs(),
            });
        }
    }
    Ok(data)
}

impl Input {
    /// Whether the input is Python source (compiled before listing).
    pub fn is_source(&self) -> bool {
        match &self.origin {
            Origin::Stdin => false,
            Origin::File(p) => p.to_str().is_some_and(is_source_name),
            Origin::Member { name, .. } => is_source_name(name),
        }
    }

    /// The input's bytes (standard input is read by the caller).
    pub fn read(&self, limits: &Limits) -> Result<Vec<u8>, InputError> {
        match &self.origin {
            Origin::Stdin => {
                let mut data = Vec::new();
                std::io::stdin().read_to_end(&mut data)?;
                Ok(data)
            }
            Origin::File(p) => Ok(std::fs::read(p)?),
            Origin::Member { archive, name } => archive.read(name, limits),
        }
    }

    /// [`Input::read`] into `buffer`: the input is `buffer[..n]` for the
    /// `n` returned. A buffer kept from the last input is reused as it is
    /// (its memory neither faulted in again nor zeroed; it grows, doubling,
    /// only for a longer file), and a file takes two reads: no query of
    /// its size first, as `read_to_end` makes.
    pub fn read_into(&self, limits: &Limits, buffer: &mut Vec<u8>) -> Result<usize, InputError> {
        match &self.origin {
            Origin::File(p) => {
                let mut file = std::fs::File::open(p)?;
                let mut filled = 0;
                loop {
                    if filled == buffer.len() {
                        let more = buffer.len().max(1 << 16);
                        buffer.resize(buffer.len() + more, 0);
                    }
                    match file.read(buffer.get_mut(filled..).unwrap_or_default()) {
                        Ok(0) => return Ok(filled),
                        Ok(n) => filled += n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            _ => {
                *buffer = self.read(limits)?;
                Ok(buffer.len())
            }
        }
    }

    /// The Python source this input was compiled from, when it can be
    /// found (see the crate documentation), as text.
    pub fn source(&self, limits: &Limits) -> Option<String> {
        let bytes = match &self.origin {
            Origin::Stdin => return None,
            Origin::File(p) => {
                let text = p.to_str()?.replace('\\', "/");
                let src = if is_source_name(&text) {
                    text
                } else {
                    source_name_for(&text)?
                };
                let len = std::fs::metadata(&src).ok()?.len();
                if len > limits.max_member_size {
                    return None;
                }
                std::fs::read(src).ok()?
            }
            Origin::Member { archive, name } => {
                let src = if is_source_name(name) {
                    name.clone()
                } else {
                    source_name_for(name)?
                };
                archive.read(&src, limits).ok()?
            }
        };
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::*;
    use std::io::Write;

    #[test]
    fn files_are_read_into_the_front_of_a_reused_buffer() {
        let dir = tempfile::tempdir().unwrap();
        let input = |name: &str, len: usize| {
            let path = dir.path().join(name);
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            let input = Input {
                name: name.to_string(),
                rel: PathBuf::from(name),
                origin: Origin::File(path),
            };
            (input, bytes)
        };
        let mut buffer = Vec::new();
        // Empty, longer than the first room, shorter than the buffer.
        for (name, len) in [
            ("empty", 0),
            ("long", 300_000),
            ("short", 10),
            ("exact", 1 << 16),
        ] {
            let (input, bytes) = input(name, len);
            let n = input.read_into(&Limits::default(), &mut buffer).unwrap();
            assert_eq!(&buffer[..n], &bytes[..], "{name}");
        }
    }

    #[test]
    fn pycache_names_map_back_to_sources() {
        let cases = [
            ("pkg/__pycache__/mod.cpython-313.pyc", "pkg/mod.py"),
            ("__pycache__/mod.cpython-310.opt-2.pyc", "mod.py"),
            ("pkg/mod.pyc", "pkg/mod.py"),
            ("mod.pyc", "mod.py"),
        ];
        for (pyc, py) in cases {
            assert_eq!(source_name_for(pyc).as_deref(), Some(py), "{pyc}");
        }
        assert_eq!(source_name_for("mod.py"), None);
    }

    #[test]
    fn sources_with_bytecode_are_skipped() {
        let names = [
            "a.py",
            "b.py",
            "__pycache__/a.cpython-313.pyc",
            "c.pyc",
            "c.py",
            "README",
        ];
        let kept = select(names.iter().map(|s| s.to_string()).collect());
        assert_eq!(kept, ["b.py", "__pycache__/a.cpython-313.pyc", "c.pyc"]);
    }

    #[test]
    fn directories_are_walked_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        std::fs::create_dir_all(root.join("pkg/__pycache__")).unwrap();
        for f in [
            "z.py",
            "pkg/m.py",
            "pkg/__pycache__/m.cpython-312.pyc",
            "pkg/n.txt",
        ] {
            std::fs::write(root.join(f), b"x").unwrap();
        }
        let inputs = expand_one(&root).unwrap();
        let rels: Vec<String> = inputs.iter().map(|i| slash(&i.rel)).collect();
        assert_eq!(
            rels,
            ["tree/pkg/__pycache__/m.cpython-312.pyc", "tree/z.py"]
        );
        let src = inputs[0].source(&Limits::default());
        assert_eq!(src.as_deref(), Some("x"));
    }

    fn write_zip(path: &Path, members: &[(&str, &[u8])]) {
        let file = std::fs::File::create(path).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in members {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
    }

    /// A member name with a newline or an escape sequence (found by the
    /// archive fuzz target) is shown escaped, on one line.
    #[test]
    fn hostile_member_names_are_shown_on_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("names.zip");
        let name = "pkg/a\nb\x1b[31m.pyc";
        write_zip(&path, &[(name, b"x")]);
        let inputs = expand_one(&path).unwrap();
        assert_eq!(inputs.len(), 1);
        assert!(
            inputs[0].name.ends_with("!pkg/a\\nb\\u{1b}[31m.pyc"),
            "{}",
            inputs[0].name
        );
        let limits = Limits {
            max_member_size: 0,
            ..Limits::default()
        };
        let message = inputs[0].read(&limits).unwrap_err().to_string();
        assert!(!message.chars().any(char::is_control), "{message:?}");
        assert_eq!(inputs[0].read(&Limits::default()).unwrap(), b"x");
    }

    /// Reading every member (and looking for its source) takes one pass
    /// over the archive's directory, not one per member (20,000 members
    /// used to take minutes).
    #[test]
    fn archive_with_many_members_is_read_in_linear_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("many.zip");
        let file = std::fs::File::create(&path).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for i in 0..5_000 {
            zip.start_file(format!("m{i}.pyc"), options).unwrap();
            zip.write_all(b"x").unwrap();
        }
        zip.finish().unwrap();
        let start = Instant::now();
        let inputs = expand_one(&path).unwrap();
        assert_eq!(inputs.len(), 5_000);
        for input in &inputs {
            assert_eq!(input.read(&Limits::default()).unwrap(), b"x");
            assert_eq!(input.source(&Limits::default()), None);
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn archive_members_and_their_sources() {
        let dir = tempfile::tempdir().unwrap();
        let whl = dir.path().join("demo-1.0-py3-none-any.whl");
        write_zip(
            &whl,
            &[
                ("demo/__init__.py", b"print(1)\n"),
                ("demo/__pycache__/__init__.cpython-313.pyc", b"pyc"),
                ("demo/other.py", b"x = 1\n"),
                ("../evil.pyc", b"pyc"),
                ("demo-1.0.dist-info/METADATA", b"Name: demo"),
            ],
        );
        let inputs = expand_one(&whl).unwrap();
        let names: Vec<&str> = inputs
            .iter()
            .map(|i| match &i.origin {
                Origin::Member { name, .. } => name.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(
            names,
            [
                "../evil.pyc",
                "demo/__pycache__/__init__.cpython-313.pyc",
                "demo/other.py"
            ]
        );
        assert_eq!(slash(&inputs[0].rel), "demo-1.0-py3-none-any.whl/evil.pyc");
        let limits = Limits::default();
        assert_eq!(inputs[1].read(&limits).unwrap(), b"pyc");
        assert_eq!(inputs[1].source(&limits).as_deref(), Some("print(1)\n"));
        assert!(inputs[2].is_source());
    }

    #[test]
    fn zip_bombs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let zip_path = dir.path().join("bomb.zip");
        let big = vec![0u8; 4 << 20];
        write_zip(&zip_path, &[("bomb.pyc", &big)]);
        let err = read_member(&zip_path, "bomb.pyc", &Limits::default()).unwrap_err();
        assert!(matches!(err, InputError::Ratio { .. }), "{err}");
        let small = Limits {
            max_member_size: 1000,
            ..Limits::default()
        };
        let err = read_member(&zip_path, "bomb.pyc", &small).unwrap_err();
        assert!(matches!(err, InputError::MemberTooLarge { .. }), "{err}");
        let slow = Limits {
            max_ratio: u64::MAX,
            max_time: Duration::ZERO,
            ..Limits::default()
        };
        let err = read_member(&zip_path, "bomb.pyc", &slow).unwrap_err();
        assert!(matches!(err, InputError::Timeout { .. }), "{err}");
    }

    #[test]
    fn a_broken_archive_is_one_error() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.whl");
        std::fs::write(&bad, b"not a zip").unwrap();
        let all = expand(&[bad, PathBuf::from("-")]);
        assert!(all[0].is_err());
        assert!(all[1].is_ok());
    }
}
