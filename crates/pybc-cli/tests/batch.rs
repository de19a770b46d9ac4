//! Many inputs at once: directories, archives, -j, -o DIR, the summary,
//! colour, completions and the man page.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn pybc<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_pybc"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("pybc runs")
}

/// A package tree: pkg/mod.py with pkg/__pycache__/mod.cpython-313.pyc,
/// pkg/other.cpython-312.pyc style files, and one broken .pyc.
fn tree(dir: &Path) -> PathBuf {
    let root = dir.join("pkg");
    std::fs::create_dir_all(root.join("__pycache__")).unwrap();
    std::fs::create_dir_all(root.join("sub/__pycache__")).unwrap();
    std::fs::copy(
        fixtures().join("3.13/basics.pyc"),
        root.join("__pycache__/basics.cpython-313.pyc"),
    )
    .unwrap();
    std::fs::copy(fixtures().join("src/basics.py"), root.join("basics.py")).unwrap();
    std::fs::copy(
        fixtures().join("3.12/constants.pyc"),
        root.join("sub/__pycache__/constants.cpython-312.pyc"),
    )
    .unwrap();
    std::fs::write(root.join("sub/broken.pyc"), b"\x01\x02\r\n").unwrap();
    std::fs::write(root.join("notes.txt"), b"not python").unwrap();
    root
}

fn archive(dir: &Path) -> PathBuf {
    let path = dir.join("demo-1.0-py3-none-any.whl");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for (name, file) in [
        ("demo/__pycache__/basics.cpython-313.pyc", "3.13/basics.pyc"),
        (
            "demo/__pycache__/fstrings.cpython-311.pyc",
            "3.11/fstrings.pyc",
        ),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(&std::fs::read(fixtures().join(file)).unwrap())
            .unwrap();
    }
    zip.start_file("demo/basics.py", options).unwrap();
    zip.write_all(&std::fs::read(fixtures().join("src/basics.py")).unwrap())
        .unwrap();
    zip.finish().unwrap();
    path
}

#[test]
fn a_directory_is_walked_and_failures_are_summarised() {
    let dir = tempfile::tempdir().unwrap();
    let root = tree(dir.path());
    let out = pybc([&root]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let headers: Vec<&str> = stdout.lines().filter(|l| l.starts_with("==> ")).collect();
    assert_eq!(headers.len(), 2, "{headers:?}");
    assert!(headers[0].ends_with("pkg/__pycache__/basics.cpython-313.pyc <=="));
    assert!(headers[1].ends_with("pkg/sub/__pycache__/constants.cpython-312.pyc <=="));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("broken.pyc: "), "{stderr}");
    assert!(stderr.contains("pybc: 3 files, 1 failed"), "{stderr}");
    assert!(stderr.contains("  failed: "), "{stderr}");
}

#[test]
fn parallel_output_keeps_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = tree(dir.path());
    let one = pybc(["-j".as_ref(), "1".as_ref(), root.as_os_str()]);
    let two = pybc(["-j".as_ref(), "2".as_ref(), root.as_os_str()]);
    assert_eq!(one.stdout, two.stdout);
    let all = pybc([fixtures().join("3.13"), fixtures().join("3.12")]);
    let par = pybc([
        PathBuf::from("-j"),
        PathBuf::from("2"),
        fixtures().join("3.13"),
        fixtures().join("3.12"),
    ]);
    assert_eq!(all.stdout, par.stdout);
    assert!(all.status.success());
}

/// When standard output fails, every thread stops: a full device is an
/// error, a reader that went away (`pybc … | head`) is not; neither hangs.
#[cfg(target_os = "linux")]
#[test]
fn parallel_runs_stop_when_output_fails() {
    // Far more output than a pipe holds.
    let inputs: Vec<PathBuf> = ["3.15", "3.14", "3.13", "3.12", "3.11", "3.10", "2.7"]
        .iter()
        .map(|v| fixtures().join(v))
        .collect();
    for jobs in ["1", "2", "3"] {
        let full = Command::new(env!("CARGO_BIN_EXE_pybc"))
            .args(["-j", jobs])
            .args(&inputs)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(full.status.code(), Some(1), "-j {jobs}");
        let stderr = String::from_utf8_lossy(&full.stderr);
        assert!(
            stderr.starts_with("pybc: writing output: "),
            "-j {jobs}: {stderr}"
        );

        let mut child = Command::new(env!("CARGO_BIN_EXE_pybc"))
            .args(["-j", jobs])
            .args(&inputs)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        let mut stdout = child.stdout.take().unwrap();
        std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
        assert_eq!(&first[..4], b"==> ", "-j {jobs}");
        drop(stdout);
        let status = child.wait().unwrap();
        assert!(status.success(), "-j {jobs}: {status}");
    }
}

#[test]
fn archive_members_are_listed_with_their_sources() {
    let dir = tempfile::tempdir().unwrap();
    let whl = archive(dir.path());
    let out = pybc(["--source".as_ref(), whl.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("!demo/__pycache__/basics.cpython-313.pyc <=="));
    assert!(stdout.contains("!demo/__pycache__/fstrings.cpython-311.pyc <=="));
    // The source of basics came from the archive; fstrings has none there.
    assert!(stdout.contains("# import os.path"), "{stdout}");
}

#[test]
fn output_dir_mirrors_the_tree() {
    let dir = tempfile::tempdir().unwrap();
    let root = tree(dir.path());
    let whl = archive(dir.path());
    let out_dir = dir.path().join("out");
    let out = pybc([
        "-f".as_ref(),
        "html".as_ref(),
        "-o".as_ref(),
        out_dir.as_os_str(),
        root.as_os_str(),
        whl.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let page = std::fs::read_to_string(out_dir.join("pkg/__pycache__/basics.cpython-313.pyc.html"))
        .unwrap();
    assert!(page.contains("class=\"src\""));
    assert!(out_dir
        .join("demo-1.0-py3-none-any.whl/demo/__pycache__/fstrings.cpython-311.pyc.html")
        .is_file());
    assert!(!out_dir.join("pkg/sub/broken.pyc.html").exists());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("5 files, 1 failed, 4 written under"),
        "{stderr}"
    );
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let pyc = fixtures().join("3.13/constants.pyc");
    let plain = pybc([pyc.as_os_str()]);
    assert!(!plain.stdout.contains(&0x1b), "not a terminal: no colour");
    let always = pybc(["--color".as_ref(), "always".as_ref(), pyc.as_os_str()]);
    assert!(always.stdout.contains(&0x1b));
    let never = pybc(["--color".as_ref(), "never".as_ref(), pyc.as_os_str()]);
    assert_eq!(never.stdout, plain.stdout);
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = pybc(["completions", shell]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("output-dir"), "{shell}");
    }
    let man = pybc(["man"]);
    assert!(man.status.success());
    let text = String::from_utf8(man.stdout).unwrap();
    assert!(text.starts_with(".ie \\n(.g .ds Aq"), "{}", &text[..40]);
    assert!(text.contains("\\-\\-pyversion"));
}

/// A 3.13 `.pyc` whose module loads a 100,000-character string 60 times:
/// a listing of about 6 MB, longer than a worker holds in memory.
fn long_listing_pyc() -> Vec<u8> {
    use pybc_versions::opcodes::OpcodeTable;
    use pybc_versions::PyVersion;
    let table = OpcodeTable::for_version(PyVersion::new(3, 13)).unwrap();
    let op = |name: &str| (0..=255u8).find(|&op| table.op(op).name == name).unwrap();
    let le = |n: usize| (n as u32).to_le_bytes();
    let bytes = |b: &[u8]| [&b"s"[..], &le(b.len()), b].concat();
    let text = |s: &str| [&b"u"[..], &le(s.len()), s.as_bytes()].concat();
    let tuple = |items: &[Vec<u8>]| [&b"("[..], &le(items.len()), &items.concat()].concat();
    let mut code = Vec::new();
    for _ in 0..60 {
        code.extend_from_slice(&[op("LOAD_CONST"), 0, op("POP_TOP"), 0]);
    }
    code.extend_from_slice(&[op("RETURN_CONST"), 1]);
    let mut out = vec![
        0xf3, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b'c',
    ];
    for field in [0, 0, 0, 1, 0] {
        // argcount, posonlyargcount, kwonlyargcount, stacksize, flags
        out.extend_from_slice(&le(field));
    }
    out.extend(bytes(&code));
    out.extend(tuple(&[text(&"x".repeat(100_000)), b"N".to_vec()]));
    out.extend(tuple(&[])); // names
    out.extend(tuple(&[])); // localsplusnames
    out.extend(bytes(b"")); // localspluskinds
    out.extend(text("<long>"));
    out.extend(text("<module>"));
    out.extend(text("<module>"));
    out.extend_from_slice(&le(1));
    out.extend(bytes(b"")); // linetable
    out.extend(bytes(b"")); // exceptiontable
    out
}

/// Outputs too long for a worker to hold are streamed at their turn: the
/// run's output is the same with one thread or two, to standard output or
/// under `-o`, in every format.
#[test]
fn long_listings_are_streamed_in_order_in_parallel_runs() {
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.pyc");
    std::fs::write(&long, long_listing_pyc()).unwrap();
    let small = fixtures().join("3.13/basics.pyc");
    let inputs = [
        small.clone(),
        long.clone(),
        small.clone(),
        long.clone(),
        small,
    ];
    for format in ["text", "json", "jsonl", "csv", "html"] {
        let run = |jobs: &str| {
            let mut args = vec!["-f".into(), format.into(), "-j".into(), jobs.into()];
            args.extend(inputs.iter().map(|p| p.clone().into_os_string()));
            pybc(args)
        };
        let one = run("1");
        let two = run("2");
        assert!(
            one.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&one.stderr)
        );
        assert!(
            one.stdout.len() > 2 * 6_000_000,
            "{format}: {}",
            one.stdout.len()
        );
        assert_eq!(one.stdout, two.stdout, "{format}");
    }
    // Standard input, which cannot be read twice, among other inputs.
    let from_stdin = |jobs: &str| {
        Command::new(env!("CARGO_BIN_EXE_pybc"))
            .args(["-j", jobs])
            .arg(fixtures().join("3.13/basics.pyc"))
            .arg("-")
            .stdin(std::fs::File::open(&long).unwrap())
            .output()
            .unwrap()
    };
    let (one, two) = (from_stdin("1"), from_stdin("2"));
    assert!(
        two.status.success(),
        "{}",
        String::from_utf8_lossy(&two.stderr)
    );
    assert!(two.stdout.len() > 6_000_000);
    assert_eq!(one.stdout, two.stdout);

    let alone = pybc([&long]);
    let out = dir.path().join("out");
    let saved = pybc([
        "-j".as_ref(),
        "2".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
        long.as_os_str(),
        fixtures().join("3.13/basics.pyc").as_os_str(),
    ]);
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
    let listed: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with("long.pyc.dis"))
        .collect();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(std::fs::read(&listed[0]).unwrap(), alone.stdout);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}
