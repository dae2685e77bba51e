//! Proving a model file safe before this process loads it. llama.cpp aborts the whole process
//! on some malformed files (overwritten tensor bytes give NaN logits, a corrupt vocabulary
//! trips an assert), and inside a DAW that kills the host with the unsaved project. So a file
//! is first read by our own header check, then loaded and run for a few tokens in a child
//! process (`daiw model check --child`); only a file that passed is loaded in-process. The
//! verdict is kept in `~/.daiw/cache/model-checks.json` by path, size, modification time and a
//! hash of the content, so the check runs once per file.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::model_file::{self, ModelFileError};

/// Set in the process that is itself the check (`daiw model check --child`), so its own load
/// does not ask for a check again.
static THIS_PROCESS_IS_THE_CHECK: AtomicBool = AtomicBool::new(false);

/// Marks this process as the model check (only `daiw model check --child` calls this).
pub fn mark_this_process_as_the_check() {
    THIS_PROCESS_IS_THE_CHECK.store(true, Ordering::Relaxed);
}

/// Environment variable naming the program that runs the check (`daiw`), for hosts and tests
/// where it is not found beside the executable or on the `PATH`.
pub const CHECKER_ENV: &str = "DAIW_CLI";

/// How long the child may take: loading a large model from a slow disk and decoding a short
/// prompt on two cores stays well inside this; a hung child is killed.
const CHECK_TIMEOUT: Duration = Duration::from_secs(300);

/// What is known about one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Verdict {
    size: u64,
    modified_ns: u128,
    hash: String,
    ok: bool,
    reason: String,
}

/// The file a verdict is about, as it is now.
#[derive(Debug, Clone, PartialEq)]
struct Fingerprint {
    size: u64,
    modified_ns: u128,
    hash: String,
}

/// Where verdicts are kept.
fn verdicts_path() -> PathBuf {
    model_file::daiw_home()
        .join("cache")
        .join("model-checks.json")
}

fn fingerprint(path: &Path) -> Result<Fingerprint, ModelFileError> {
    let unreadable = |source| ModelFileError::Unreadable {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    let modified_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Ok(Fingerprint {
        size: meta.len(),
        modified_ns,
        hash: content_hash(&mut file).map_err(unreadable)?,
    })
}

/// FNV-1a over the file in 8-byte words (stable across Rust versions, about 10 ms per 100 MB).
fn content_hash(file: &mut File) -> std::io::Result<String> {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let mut words = buf[..n].chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            h = (h ^ u64::from_le_bytes(b)).wrapping_mul(PRIME);
        }
        for &byte in words.remainder() {
            h = (h ^ u64::from(byte)).wrapping_mul(PRIME);
        }
    }
    Ok(format!("{h:016x}"))
}

fn read_verdicts() -> BTreeMap<String, Verdict> {
    std::fs::read_to_string(verdicts_path())
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Records a verdict (a temp file created exclusively, then renamed; a failure only costs a
/// second check next time).
fn write_verdict(path: &Path, verdict: Verdict) {
    let mut all = read_verdicts();
    all.insert(path.display().to_string(), verdict);
    let file = verdicts_path();
    let Some(dir) = file.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = dir.join(format!(
        "model-checks.json.tmp-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let written = serde_json::to_vec_pretty(&all)
        .map_err(std::io::Error::other)
        .and_then(|bytes| {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?
                .write_all(&bytes)
        })
        .and_then(|()| std::fs::rename(&tmp, &file));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Why a model may not be loaded in this process.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CheckError {
    /// The header check found problems.
    #[error("model file {path} is damaged: {reason}; delete it and run `daiw model fetch`")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The file could not be read at all.
    #[error("{0}")]
    File(String),
    /// The file failed (or crashed) the child check.
    #[error("model file {path} failed its safety check: {reason}")]
    Failed {
        /// The file.
        path: PathBuf,
        /// What the check said.
        reason: String,
    },
    /// No program to run the check with was found.
    #[error(
        "the model {path} has not been checked yet and the `daiw` program that checks it was \
         not found (put it on the PATH or set {CHECKER_ENV}); run `daiw model check --model \
         {path}` once"
    )]
    NoChecker {
        /// The file.
        path: PathBuf,
    },
}

/// Whether `path` may be loaded in this process: the header is sane and the file passed the
/// child check (run now if it has no verdict for the file as it is).
pub fn ensure_safe_to_load(path: &Path) -> Result<(), CheckError> {
    header_problems(path)?;
    if THIS_PROCESS_IS_THE_CHECK.load(Ordering::Relaxed) {
        return Ok(());
    }
    let print = fingerprint(path).map_err(|e| CheckError::File(e.to_string()))?;
    match recorded_verdict(path, &print) {
        Some(v) if v.ok => Ok(()),
        Some(v) => Err(CheckError::Failed {
            path: path.to_path_buf(),
            reason: v.reason,
        }),
        None => check_in_a_child(path, print),
    }
}

/// Runs the whole check now, whatever was recorded (`daiw model check`).
pub fn check_now(path: &Path) -> Result<(), CheckError> {
    header_problems(path)?;
    let print = fingerprint(path).map_err(|e| CheckError::File(e.to_string()))?;
    check_in_a_child(path, print)
}

/// The verdict recorded for the file as it is now, if any.
fn recorded_verdict(path: &Path, print: &Fingerprint) -> Option<Verdict> {
    read_verdicts()
        .remove(&path.display().to_string())
        .filter(|v| {
            v.size == print.size && v.modified_ns == print.modified_ns && v.hash == print.hash
        })
}

/// Runs the child check and records its verdict.
fn check_in_a_child(path: &Path, print: Fingerprint) -> Result<(), CheckError> {
    let checker = find_checker().ok_or_else(|| CheckError::NoChecker {
        path: path.to_path_buf(),
    })?;
    let outcome = run_child_check(&checker, path);
    write_verdict(
        path,
        Verdict {
            size: print.size,
            modified_ns: print.modified_ns,
            hash: print.hash,
            ok: outcome.is_ok(),
            reason: outcome.clone().err().unwrap_or_default(),
        },
    );
    outcome.map_err(|reason| CheckError::Failed {
        path: path.to_path_buf(),
        reason,
    })
}

/// Tokens the child generates: enough to run the sampler, the grammar and the end-token
/// path a few times, short enough for a large model on two cores.
const CHILD_TOKENS: usize = 24;

/// The check itself, in this (child) process: load the model and answer one request under
/// the tool grammar. llama.cpp may abort here; that is what the child is for.
pub fn check_in_this_process(path: &Path) -> Result<String, String> {
    use super::embedded::EmbeddedBackend;
    use super::llm::{LlmBackend, LlmRequest};
    mark_this_process_as_the_check();
    header_problems(path).map_err(|e| e.to_string())?;
    let params = super::config::LlmParams {
        temperature: 0.0,
        top_p: 1.0,
        top_k: 40,
        repeat_penalty: 1.0,
        max_tokens: CHILD_TOKENS,
        context_size: 512,
        threads: 2,
        seed: 1,
        // The check proves the file on the CPU: the path every build has.
        gpu_layers: 0,
    };
    let mut backend = EmbeddedBackend::new(path, &params).map_err(|e| e.to_string())?;
    let request = LlmRequest {
        system: "You control a vocal plugin. Answer with JSON.",
        examples: &[],
        history: &[],
        user: "tune me to A minor",
    };
    let cancel = AtomicBool::new(false);
    match backend.respond(&request, &mut |_| {}, &cancel) {
        // A cut-off answer still ran every path the check is for.
        Ok(_) | Err(super::llm::LlmError::Truncated(_)) => {}
        Err(e) => return Err(e.to_string()),
    }
    Ok(format!("{} answered under the grammar", path.display()))
}

/// The header check alone (no llama.cpp): magic, lengths, hyperparameters, token types.
pub fn header_problems(path: &Path) -> Result<(), CheckError> {
    model_file::inspect(path).map_err(|e| CheckError::File(e.to_string()))?;
    let file = File::open(path).map_err(|e| CheckError::File(e.to_string()))?;
    let len = file
        .metadata()
        .map_err(|e| CheckError::File(e.to_string()))?
        .len();
    let damaged = |reason: String| CheckError::Damaged {
        path: path.to_path_buf(),
        reason,
    };
    let header = super::gguf::read_header(file, len).map_err(damaged)?;
    let problems = super::gguf::hyperparameter_problems(&header);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(damaged(problems.join("; ")))
    }
}

/// The program that runs `model check --child`: `$DAIW_CLI`, this executable if it is a daiw
/// program, `daiw` beside it or one folder up (cargo's test binaries live in `deps/`), beside
/// the plugin's own library, in `~/.daiw/bin`, or on the `PATH`.
fn find_checker() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(CHECKER_ENV) {
        return Some(PathBuf::from(p));
    }
    let exe = std::env::current_exe().ok();
    if let Some(exe) = &exe {
        let name = exe.file_stem().map(|s| s.to_string_lossy().into_owned());
        if matches!(name.as_deref(), Some("daiw") | Some("daiw_standalone")) {
            return Some(exe.clone());
        }
    }
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(dir) = exe.as_ref().and_then(|e| e.parent()) {
        dirs.push(dir.to_path_buf());
        dirs.extend(dir.parent().map(Path::to_path_buf));
    }
    dirs.extend(own_library_dir());
    dirs.push(model_file::daiw_home().join("bin"));
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    dirs.into_iter()
        .map(|d| d.join("daiw"))
        .find(|p| p.is_file())
}

/// The folder of the shared library this code runs from (the plugin inside a host).
fn own_library_dir() -> Option<PathBuf> {
    // SAFETY: dladdr only reads the loader's tables for an address inside this library.
    unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        let anchor = own_library_dir as *const libc::c_void;
        if libc::dladdr(anchor, &mut info) == 0 || info.dli_fname.is_null() {
            return None;
        }
        let name = std::ffi::CStr::from_ptr(info.dli_fname).to_string_lossy();
        Path::new(name.as_ref()).parent().map(Path::to_path_buf)
    }
}

/// Runs `checker model check --child --model PATH`; Ok when it exits 0, else what it said
/// (or the signal that ended it).
fn run_child_check(checker: &Path, path: &Path) -> Result<(), String> {
    let mut child = Command::new(checker)
        .args(["model", "check", "--child", "--model"])
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", checker.display()))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > CHECK_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the check took longer than {} s",
                    CHECK_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for the check failed: {e}")),
        }
    };
    let mut said = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.by_ref().take(64 * 1024).read_to_string(&mut said);
    }
    let said = last_lines(&said, 3);
    if status.success() {
        return Ok(());
    }
    use std::os::unix::process::ExitStatusExt;
    Err(match status.signal() {
        Some(signal) => format!("llama.cpp crashed on it (signal {signal}): {said}"),
        None => said,
    })
}

fn last_lines(text: &str, n: usize) -> String {
    // The child's own error prefix would repeat the parent's.
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim_start_matches("daiw: error: "))
        .collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_every_byte() {
        let dir = std::env::temp_dir().join(format!("daiw-check-hash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let a = dir.join("a");
        let mut bytes = vec![7u8; 3 * (1 << 20) + 5];
        std::fs::write(&a, &bytes).expect("write");
        let first = content_hash(&mut File::open(&a).expect("open")).expect("hash");
        bytes[2 * (1 << 20) + 3] ^= 1;
        std::fs::write(&a, &bytes).expect("write");
        let second = content_hash(&mut File::open(&a).expect("open")).expect("hash");
        assert_ne!(first, second);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn last_lines_keeps_the_end() {
        assert_eq!(last_lines("a\n\nb\nc\nd\n", 2), "c / d");
    }
}
