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
