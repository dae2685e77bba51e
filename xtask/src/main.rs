//! `cargo xtask`: nice-plug's bundler plus this project's own tasks.
//!
//! - `cargo xtask run [ARGS]`: installs what is missing (Debian packages, the default model),
//!   builds the standalone plugin and starts it with its window. ARGS go to the standalone.
//! - `cargo xtask test`: installs what is missing, runs the code gates, builds the test bundles
//!   and runs every test.
//! - `cargo xtask check`: the code gates alone: `cargo fmt --check`, `cargo clippy
//!   --all-targets -D warnings` and `cargo doc` with warnings denied.
//! - `cargo xtask install`: builds the release bundles and copies them into `~/.clap` and
//!   `~/.vst3`, and the `daiw` program (which checks model files) into `~/.daiw/bin`.
//! - anything else (`bundle daiw --release`, ...) is nice-plug's bundler.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::Result;

/// Cargo profile of the test build: optimised, with debug assertions so allocation checks on the
/// audio thread are live.
const TEST_PROFILE: &str = "release-checked";
/// Features of every test build (one feature set, so the bundle and the tests share artifacts).
const TEST_FEATURES: &str = "standalone,assert_process_allocs";

fn main() {
    // One line, no backtrace: the failing step already printed its own output.
    if let Err(err) = dispatch() {
        eprintln!("xtask: error: {err:#}");
        std::process::exit(1);
    }
}

fn dispatch() -> Result<()> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        // `cargo xtask run -- --help`: the `--` separates ours from the standalone's options.
        Some("run") => run_standalone(args.skip_while(|a| a == "--").collect()),
        Some("test") => run_tests(args.collect()),
        Some("check") => check(),
        Some("install") => install(),
        Some(other) => nice_plug_xtask::main_with_args(
            "cargo xtask",
            std::iter::once(other.to_string()).chain(args),
        ),
        None => {
            eprintln!(
                "usage: cargo xtask run [-- STANDALONE ARGS] | cargo xtask test [TEST FILTER] | \
                 cargo xtask check | cargo xtask install | cargo xtask bundle daiw --release"
            );
            nice_plug_xtask::main_with_args("cargo xtask", std::iter::empty::<String>())
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs a command in the project root and fails with its name when it fails.
fn step(name: &str, command: &mut Command) -> Result<()> {
    let started = Instant::now();
    eprintln!("==> {name}");
    let status = command.current_dir(project_root()).status()?;
    if !status.success() {
        anyhow::bail!("{name} failed ({status})");
    }
    eprintln!("<== {name}: {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn script(name: &str) -> Command {
    let mut command = Command::new("bash");
    command.arg(project_root().join("scripts").join(name));
    command
}

fn setup() -> Result<()> {
    step(
        "install Debian packages (scripts/setup.sh)",
        &mut script("setup.sh"),
    )?;
    step(
        "fetch the default model (scripts/download_offline_model.sh)",
        &mut script("download_offline_model.sh"),
    )
}

fn run_standalone(extra: Vec<String>) -> Result<()> {
    setup()?;
    step(
        "build the standalone (release)",
        Command::new("cargo").args([
            "build",
            "-j2",
            "--release",
            "--features",
            "standalone",
            "--bin",
            "daiw_standalone",
        ]),
    )?;
    let binary = project_root().join("target/release/daiw_standalone");
    if std::env::var_os("DISPLAY").is_none() && !extra.iter().any(|a| a == "--no-editor") {
        eprintln!(
            "note: no DISPLAY is set, so the window cannot open. Run under a desktop session, or \
             `xvfb-run -a cargo xtask run`, or pass `--no-editor` for audio only."
        );
    }
    step("run the standalone", Command::new(binary).args(extra))
}

/// The code gates: formatting, lints (warnings are errors) and documentation.
fn check() -> Result<()> {
    step(
        "cargo fmt --check",
        Command::new("cargo").args(["fmt", "--all", "--", "--check"]),
    )?;
    step(
        "cargo clippy --all-targets -D warnings",
        test_build("clippy").args(["--all-targets", "--", "-D", "warnings"]),
    )?;
    step(
        "cargo doc (warnings denied)",
        test_build("doc")
            .arg("--no-deps")
            .env("RUSTDOCFLAGS", "-D warnings"),
    )
}

/// `cargo SUBCOMMAND` for the `daiw` package with the test build's profile and features, so
/// the gates and the tests share one configuration.
fn test_build(subcommand: &str) -> Command {
    let mut command = Command::new("cargo");
    command.args([
        subcommand,
        "-j2",
        "--profile",
        TEST_PROFILE,
        "--features",
        TEST_FEATURES,
        "-p",
        "daiw",
    ]);
    command
}

/// Builds the release bundles and the `daiw` program and copies them where hosts look.
fn install() -> Result<()> {
    nice_plug_xtask::main_with_args(
        "cargo xtask",
        ["bundle", "daiw", "-j2", "--release"]
            .into_iter()
            .map(String::from),
    )?;
    step(
        "build the daiw program (release)",
        Command::new("cargo").args(["build", "-j2", "--release", "--bin", "daiw"]),
    )?;
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .ok_or_else(|| anyhow::anyhow!("HOME is not set"))?;
    let bundled = project_root().join("target/bundled");
    let copies = [
        (bundled.join("DAiW Music Brain.clap"), home.join(".clap")),
        (bundled.join("DAiW Music Brain.vst3"), home.join(".vst3")),
        (
            project_root().join("target/release/daiw"),
            home.join(".daiw/bin"),
        ),
    ];
    for (from, dir) in copies {
        std::fs::create_dir_all(&dir)?;
        let to = dir.join(from.file_name().unwrap_or_default());
        copy_tree(&from, &to)?;
        eprintln!("installed {}", to.display());
    }
    Ok(())
}

/// Copies a file, or a folder with everything in it (a VST3 bundle is a folder).
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        std::fs::copy(from, to)
            .map_err(|e| anyhow::anyhow!("copying {} failed: {e}", from.display()))?;
    }
    Ok(())
}

fn run_tests(filter: Vec<String>) -> Result<()> {
    let started = Instant::now();
    setup()?;
    check()?;
    step(
        "create the Python test environment (scripts/setup_test_env.sh)",
        &mut script("setup_test_env.sh"),
    )?;
    step(
        "install the OpenAI-compatible test server (scripts/setup_llm_server.sh)",
        &mut script("setup_llm_server.sh"),
    )?;
    // Bundle in-process with nice-plug's bundler, for the test profile.
    eprintln!("==> bundle daiw ({TEST_PROFILE}, features {TEST_FEATURES})");
    let bundle_started = Instant::now();
    nice_plug_xtask::main_with_args(
        "cargo xtask",
        [
            "bundle",
            "daiw",
            "-j2",
            "--profile",
            TEST_PROFILE,
            "--features",
            TEST_FEATURES,
        ]
        .into_iter()
        .map(String::from),
    )?;
    eprintln!(
        "<== bundle: {:.1} s",
        bundle_started.elapsed().as_secs_f64()
    );
    let mut cargo_test = test_build("test");
    // Run every test binary even after a failure, so one run shows everything that broke.
    cargo_test.arg("--no-fail-fast");
    if !filter.is_empty() {
        cargo_test.args(&filter);
    }
    step(
        "cargo test (every unit and end-to-end test)",
        &mut cargo_test,
    )?;
    eprintln!(
        "xtask test: everything passed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
