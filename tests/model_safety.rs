//! Damaged model files cannot take a process down: each is made by this test from the default
//! model (a hyperparameter patched in its header, token types overwritten, tensor bytes
//! overwritten) and handed to `daiw model info`, `daiw model check` and `daiw plan`. Every
//! command must end with a clear error and an exit code, never a signal (llama.cpp's aborts
//! are SIGABRT). Every run uses a temporary DAIW_HOME.

mod support;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn work_dir(name: &str) -> PathBuf {
    let dir = support::output_dir("model_safety", name);
    let _ = std::fs::remove_dir_all(dir.join("home"));
    dir
}

fn daiw(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_daiw"))
        .args(args)
        .env("DAIW_HOME", home)
        .env_remove("DAIW_MODEL")
        .output()
        .expect("run daiw")
}

/// Position of the value of metadata `key` (just after its 4-byte type) in a GGUF file.
fn value_offset(bytes: &[u8], key: &str) -> usize {
    let mut needle = (key.len() as u64).to_le_bytes().to_vec();
    needle.extend(key.as_bytes());
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle.as_slice())
        .unwrap_or_else(|| panic!("{key} is not in the model's header"));
    at + needle.len() + 4
}

/// A copy of the default model with `patch` applied, written to `dir/NAME.gguf`.
fn damaged_copy(dir: &Path, name: &str, patch: impl Fn(&mut Vec<u8>)) -> PathBuf {
    let mut bytes = std::fs::read(support::model_path()).expect("read the default model");
    patch(&mut bytes);
    let path = dir.join(format!("{name}.gguf"));
    std::fs::write(&path, bytes).expect("write the damaged copy");
    path
}

/// A change made to a copy of the model's bytes.
type Patch = Box<dyn Fn(&mut Vec<u8>)>;

/// The command ended by itself with an error, not by a signal, and said `needle`.
fn assert_clean_failure(output: &Output, needle: &str, what: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.signal(),
        None,
        "{what} was killed by a signal: {stderr}"
    );
    assert!(!output.status.success(), "{what} succeeded: {stderr}");
    assert!(stderr.contains(needle), "{what}: {stderr}");
}

#[test]
fn absurd_hyperparameters_are_refused_before_llama_cpp_sees_them() {
    let dir = work_dir("hyper");
    let home = dir.join("home");
    let cases: Vec<(&str, Patch, &str)> = vec![
        (
            "blocks-0",
            Box::new(|b: &mut Vec<u8>| {
                let at = value_offset(b, "llama.block_count");
                b[at..at + 4].copy_from_slice(&0u32.to_le_bytes());
            }),
            "block_count is 0",
        ),
        (
            "blocks-100000",
            Box::new(|b: &mut Vec<u8>| {
                let at = value_offset(b, "llama.block_count");
                b[at..at + 4].copy_from_slice(&100_000u32.to_le_bytes());
            }),
            "block_count is 100000",
        ),
        (
            "eps-nan",
            Box::new(|b: &mut Vec<u8>| {
                let at = value_offset(b, "llama.attention.layer_norm_rms_epsilon");
                b[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
            }),
            "layer_norm_rms_epsilon is NaN",
        ),
        (
            "token-types",
            Box::new(|b: &mut Vec<u8>| {
                // Array: element type (4 bytes), count (8), then i32 values.
                let at = value_offset(b, "tokenizer.ggml.token_type") + 12;
                for i in 0..50 {
                    let v = at + 4 * (100 + i * 7);
                    b[v..v + 4].copy_from_slice(&(1000 + i as i32).to_le_bytes());
                }
            }),
            "token type 1000",
        ),
    ];
    for (name, patch, needle) in cases {
        let model = damaged_copy(&dir, name, patch);
        let model = model.to_str().expect("utf-8 path");
        let info = daiw(&home, &["model", "info", "--model", model]);
        assert_clean_failure(&info, needle, &format!("model info on {name}"));
        let check = daiw(&home, &["model", "check", "--model", model]);
        assert_clean_failure(&check, needle, &format!("model check on {name}"));
        // A request the model must answer: the error says why, the process ends normally.
        let plan = daiw(
            &home,
            &["plan", "what do you think of my song?", "--model", model],
        );
        assert_clean_failure(&plan, needle, &format!("plan with {name}"));
    }
}

#[test]
fn overwritten_tensor_bytes_fail_the_child_check_not_the_process() {
    let dir = work_dir("tensors");
    let home = dir.join("home");
    // 0xFF bytes make every Q4_1 block scale NaN: the model computes NaN scores.
    let model = damaged_copy(&dir, "nan-weights", |b| {
        let start = b.len() / 2;
        let end = (start + 4 * 1024 * 1024).min(b.len());
        b[start..end].fill(0xFF);
    });
    let model = model.to_str().expect("utf-8 path");
    let info = daiw(&home, &["model", "info", "--model", model]);
    assert!(
        info.status.success(),
        "the header is intact: {}",
        String::from_utf8_lossy(&info.stderr)
    );
    let check = daiw(&home, &["model", "check", "--model", model]);
    assert_clean_failure(&check, "failed its safety check", "model check");
    let plan = daiw(
        &home,
        &["plan", "what do you think of my song?", "--model", model],
    );
    assert_clean_failure(&plan, "failed its safety check", "plan");
    // The verdict is remembered: the file is not loaded (or checked) again.
    let verdicts =
        std::fs::read_to_string(home.join("cache/model-checks.json")).expect("verdicts recorded");
    assert!(verdicts.contains("nan-weights.gguf") && verdicts.contains("\"ok\": false"));
}

#[test]
fn the_default_model_passes_its_check() {
    let dir = work_dir("good");
    let home = dir.join("home");
    let model = support::model_path();
    let model = model.to_str().expect("utf-8 path");
    let check = daiw(&home, &["model", "check", "--model", model]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stdout).contains("\"ok\":true"));
    let info = daiw(&home, &["model", "info", "--model", model]);
    assert!(info.status.success());
    assert!(String::from_utf8_lossy(&info.stdout).contains("\"problems\": []"));
}
