//! Shared helpers for the end-to-end tests: where the built bundles and the test Python live.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// Every case of the request corpus (`tests/data/requests/*.json`), files in name order and
/// cases in file order; a file that is not valid JSON fails the test with its name.
pub fn request_corpus() -> Vec<serde_json::Value> {
    let dir = project_root().join("tests/data/requests");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/requests")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let data: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        cases.extend(data["cases"].as_array().expect("cases").iter().cloned());
    }
    cases
}

/// The project root.
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder `cargo xtask bundle` writes to (`$DAIW_BUNDLE_DIR` overrides it).
pub fn bundle_dir() -> PathBuf {
    std::env::var_os("DAIW_BUNDLE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("target").join("bundled"))
}

/// A built bundle by file name; a missing one fails the test with the command that builds it.
pub fn bundle(file_name: &str) -> PathBuf {
    let path = bundle_dir().join(file_name);
    assert!(
        path.exists(),
        "{} is missing: build it with `cargo xtask bundle daiw --profile release-checked \
         --features standalone,assert_process_allocs` (or run `cargo xtask test`)",
        path.display()
    );
    path
}

/// The default model (`$DAIW_MODEL` overrides it); a missing one fails the test with the
/// command that installs it.
pub fn model_path() -> PathBuf {
    let path = std::env::var_os("DAIW_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(daiw::assistant::model_file::default_model_path);
    assert!(
        path.exists(),
        "{} is missing: run scripts/download_offline_model.sh (or `cargo xtask test`)",
        path.display()
    );
    path
}

/// The Python of the test environment (`$DAIW_TEST_PYTHON` overrides it).
pub fn test_python() -> PathBuf {
    let path = std::env::var_os("DAIW_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("target/test-venv/bin/python"));
    assert!(
        path.exists(),
        "{} is missing: run scripts/setup_test_env.sh (or `cargo xtask test`)",
        path.display()
    );
    path
}

/// Runs the `daiw` command-line program with `args` and collects its output.
pub fn run_daiw(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_daiw"))
        .args(args)
        .output()
        .expect("run daiw")
}

/// A folder for one test's files, `target/tmp/GROUP/NAME`, created if missing.
pub fn output_dir(group: &str, name: &str) -> PathBuf {
    let dir = project_root().join("target/tmp").join(group).join(name);
    std::fs::create_dir_all(&dir).expect("create the test output folder");
    dir
}
