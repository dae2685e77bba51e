//! The assistant with the real default model (installed by scripts/download_offline_model.sh):
//! the evaluation set through `daiw plan`, the grammar in llama.cpp, a three-turn chat with
//! history saved and reloaded, KV-cache reuse, cancellation, and broken model files.
//!
//! Model tests take a lock so only one generates at a time on the 2-core CI machine; they all
//! share the one model the process loads.

mod support;
use support::model_path;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;

use daiw::assistant::agent::{ChatAgent, Source};
use daiw::assistant::config::{AgentConfig, BackendKind};
use daiw::assistant::embedded::{self, EmbeddedBackend};
use daiw::assistant::grammar::tool_grammar;
use daiw::assistant::llm::{LlmBackend, LlmError, LlmOutput, LlmRequest};
use daiw::assistant::state::{Effect, ParamValue};
use daiw::music::theory::{PitchClass, ScaleKind};

static MODEL_LOCK: Mutex<()> = Mutex::new(());

fn model_lock() -> MutexGuard<'static, ()> {
    MODEL_LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A fresh DAiW home for one test, so the real ~/.daiw is never touched.
fn temp_home(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("daiw-assistant-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp home");
    dir
}

fn config(home: &Path, model: &Path) -> AgentConfig {
    let mut c = AgentConfig::from_yaml(
        daiw::assistant::config::DEFAULT_CONFIG_YAML,
        None,
        "none",
        home,
    )
    .expect("default config");
    c.model_path = model.to_path_buf();
    c
}

fn daiw_bin() -> &'static str {
    env!("CARGO_BIN_EXE_daiw")
}

/// Whether `actual` (a `daiw plan` call) matches `expected` (an eval-set call).
fn call_matches(expected: &Value, actual: &Value, tolerance: f64, extra_ok: bool) -> bool {
    if expected["tool"] != actual["tool"] {
        return false;
    }
    let empty = serde_json::Map::new();
    let want = expected["args"].as_object().unwrap_or(&empty);
    let got = actual["args"].as_object().unwrap_or(&empty);
    if !extra_ok && got.keys().any(|k| !want.contains_key(k)) {
        return false;
    }
    want.iter().all(|(k, w)| match (w, got.get(k)) {
        (Value::Number(a), Some(Value::Number(b))) => {
            (a.as_f64().unwrap_or(f64::NAN) - b.as_f64().unwrap_or(f64::NAN)).abs() <= tolerance
        }
        (Value::String(a), Some(Value::String(b))) => a.eq_ignore_ascii_case(b),
        (a, Some(b)) => a == b,
        (_, None) => false,
    })
}

#[test]
fn evaluation_set_through_daiw_plan() {
    let _lock = model_lock();
    let model = model_path();
    let home = temp_home("eval");
    let data: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/assistant_eval.json"),
        )
        .expect("eval set"),
    )
    .expect("eval set is JSON");
    let cases = data["cases"].as_array().expect("cases");
    assert!(
        cases.len() >= 60,
        "the evaluation set needs at least 60 requests"
    );
    let (mut right, mut valid) = (0usize, 0usize);
    let mut failures = Vec::new();
    let mut by_model = (0usize, 0usize);
    for case in cases {
        let request = case["request"].as_str().expect("request");
        let output = Command::new(daiw_bin())
            .args(["plan", request, "--backend", "embedded", "--model"])
            .arg(&model)
            .env("DAIW_HOME", &home)
            .output()
            .expect("daiw plan runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let Ok(plan) = serde_json::from_str::<Value>(stdout.trim()) else {
            failures.push(format!(
                "INVALID JSON for {request:?}: {stdout} / {}",
                String::from_utf8_lossy(&output.stderr)
            ));
            continue;
        };
        let shape_ok = plan["calls"].is_array() && plan["reply"].is_string();
        if !shape_ok {
            failures.push(format!("BAD SHAPE for {request:?}: {stdout}"));
            continue;
        }
        valid += 1;
        let expected = case["calls"].as_array().expect("expected calls");
        let actual = plan["calls"].as_array().expect("calls");
        let tolerance = case["tolerance"].as_f64().unwrap_or(0.001);
        let extra_ok = case["extra_args_ok"].as_bool().unwrap_or(false);
        let ok = expected.len() == actual.len()
            && expected
                .iter()
                .zip(actual)
                .all(|(e, a)| call_matches(e, a, tolerance, extra_ok));
        if case["by"] == "model" {
            by_model.0 += 1;
            by_model.1 += ok as usize;
        }
        if ok {
            right += 1;
        } else {
            failures.push(format!(
                "WRONG ({}) {request:?}: expected {} got {}",
                case["by"],
                Value::Array(expected.clone()),
                stdout.trim()
            ));
        }
    }
    let n = cases.len();
    eprintln!(
        "assistant eval: {right}/{n} right ({:.1} %), {valid}/{} valid JSON; model-decided \
         cases {}/{} right",
        100.0 * right as f64 / n as f64,
        n,
        by_model.1,
        by_model.0
    );
    for f in &failures {
        eprintln!("  {f}");
    }
    assert_eq!(valid, n, "every answer must be valid JSON: {failures:#?}");
    assert!(
        right as f64 >= 0.95 * n as f64,
        "{right}/{n} right is under 95 %: {failures:#?}"
    );
}

#[test]
fn grammar_parses_in_llama_cpp_and_accepts_only_valid_answers() {
    let _lock = model_lock();
    let (model, _) = embedded::shared_model(&model_path()).expect("model loads");
    let grammar = tool_grammar();
    embedded::check_grammar(model, &grammar).expect("llama.cpp parses the grammar");
    let accepted = [
        r#"{"tool":"voice_tune","args":{"preset":"hard_tune","key":"F#","scale":"minor"}}"#,
        r#"{"tool":"voice_tune","args":{"retune_ms":25.0}}"#,
        r#"{"tool":"voice_modulate","args":{"pitch_semitones":-7.0,"robot":0.4}}"#,
        r#"{"tool":"voice_modulate","args":{"robot":true}}"#,
        r#"{"tool":"voice_speak","args":{"text":"one, two, three","profile":"guide_confident"}}"#,
        r#"{"tool":"backing_generate","args":{"key":"E","mode":"minor","tempo_bpm":105,"style":"funk","bars":8}}"#,
        r#"{"tool":"backing_generate","args":{}}"#,
        r#"{"tool":"name_suggest","args":{"mood":"heartbreak","count":3}}"#,
        r#"{"tool":"intent_new","args":{"title":"Paper Boats"}}"#,
        r#"{"tool":"undo","args":{}}"#,
        r#"{"tool":"get_state","args":{}}"#,
        r#"{"reply":"Hi! What shall we make?"}"#,
    ];
    for text in accepted {
        assert!(
            embedded::grammar_accepts(model, &grammar, text),
            "grammar rejects {text}"
        );
    }
    let rejected = [
        r#"{"tool":"voice_tuner","args":{}}"#,
        r#"{"tool":"voice_tune","args":{}}"#,
        r#"{"tool":"voice_tune","args":{"key":"H"}}"#,
        r#"{"tool":"voice_tune","args":{"retune_ms":401}}"#,
        r#"{"tool":"voice_modulate","args":{"pitch_semitones":25}}"#,
        r#"{"tool":"voice_modulate","args":{"reverb":1.5}}"#,
        r#"{"tool":"backing_generate","args":{"tempo_bpm":300}}"#,
        r#"{"tool":"voice_speak","args":{"profile":"guide_confident"}}"#,
        r#"{"tool":"voice_tune","args":{"scale":"minor","key":"A"}}"#,
        r#"Sure! {"reply":"x"}"#,
    ];
    for text in rejected {
        assert!(
            !embedded::grammar_accepts(model, &grammar, text),
            "grammar accepts {text}"
        );
    }
}

#[test]
fn three_turn_chat_applies_calls_and_remembers() {
    let _lock = model_lock();
    let home = temp_home("chat");
    let model = model_path();
    let mut agent = ChatAgent::new(config(&home, &model)).expect("agent");
    agent.warm_up().expect("warm up");
    assert!(
        agent.backend_error().is_none(),
        "{:?}",
        agent.backend_error()
    );

    let turn = agent.chat("tune me to A minor, hard like T-Pain");
    assert_eq!(turn.source, Source::Router);
    let changed: Vec<String> = turn.effects().map(|e| e.to_string()).collect();
    assert!(
        changed.contains(&"tune_key: C -> A".to_string()),
        "{changed:?}"
    );
    assert!(
        changed.contains(&"tune_retune_ms: 60 ms -> 0 ms".to_string()),
        "{changed:?}"
    );
    assert_eq!(
        agent.state().get("tune_key"),
        Some(ParamValue::Key(PitchClass::A))
    );
    assert_eq!(
        agent.state().get("tune_scale"),
        Some(ParamValue::Scale(ScaleKind::Minor))
    );

    let mut streamed = String::new();
    let turn = agent.chat_streaming("hi there, how are you today?", &mut |t| {
        streamed.push_str(t)
    });
    assert_eq!(turn.source, Source::Model, "{turn:?}");
    assert!(turn.errors.is_empty(), "{:?}", turn.errors);
    assert!(!turn.reply.is_empty());
    if turn.calls.is_empty() {
        // The finished reply replaces the streamed text in the window: it is what streamed,
        // with a repetition loop or a fourth sentence cut off (and an ellipsis where it was).
        let reply = turn.reply.trim_end_matches(['…', '.']).trim_end();
        assert!(
            streamed.starts_with(reply),
            "the reply streams token by token: {streamed:?} vs {:?}",
            turn.reply
        );
    }

    let turn = agent.chat("undo");
    let undone = turn.calls.first().expect("undo call");
    assert_eq!(undone.call.tool, "undo");
    // Whatever the model did in turn two is undone first; a second undo restores the key.
    if agent.state().get("tune_key") != Some(ParamValue::Key(PitchClass::C)) {
        let again = agent.chat("undo");
        assert!(again
            .effects()
            .any(|e| matches!(e, Effect::SetParam { id: "tune_key", .. })));
    }
    assert_eq!(
        agent.state().get("tune_key"),
        Some(ParamValue::Key(PitchClass::C))
    );
    assert_eq!(
        agent.state().get("tune_retune_ms"),
        Some(ParamValue::Float(60.0))
    );

    let saved = agent.memory().history.messages.len();
    assert!(saved >= 6, "three turns are six messages, got {saved}");
    let reloaded = ChatAgent::new(config(&home, &model)).expect("agent again");
    assert_eq!(reloaded.memory().history.messages.len(), saved);
    assert!(reloaded.memory_notice().is_none());
    assert_eq!(
        reloaded
            .memory()
            .history
            .presets
            .first()
            .map(String::as_str),
        Some("hard_tune")
    );
}

#[test]
fn system_prompt_stays_cached_and_generation_cancels() {
    let _lock = model_lock();
    let model = model_path();
    let home = temp_home("cache");
    let cfg = config(&home, &model);
    let mut backend = EmbeddedBackend::new(&model, &cfg.llm).expect("backend");
    let system = daiw::assistant::prompt::system_prompt("You are DAiW.");
    let examples = daiw::assistant::prompt::example_messages();
    backend.warm_up(&system, &examples).expect("warm up");
    let system_tokens = backend.cached_tokens();
    assert!(
        system_tokens > 100,
        "system prompt decoded: {system_tokens}"
    );

    let cancel = AtomicBool::new(false);
    for user in [
        "make my voice sound bigger",
        "hello",
        "make my voice sound bigger",
    ] {
        let request = LlmRequest {
            system: &system,
            examples: &examples,
            history: &[],
            user,
        };
        let answer = backend
            .respond(&request, &mut |_| {}, &cancel)
            .expect("answer");
        assert!(
            answer.stats.cached_tokens >= system_tokens,
            "{} cached of {system_tokens}",
            answer.stats.cached_tokens
        );
        assert!(matches!(
            answer.output,
            LlmOutput::Call(_) | LlmOutput::Reply(_)
        ));
    }

    let cancelled = AtomicBool::new(true);
    let request = LlmRequest {
        system: &system,
        examples: &examples,
        history: &[],
        user: "hello",
    };
    assert!(matches!(
        backend.respond(&request, &mut |_| {}, &cancelled),
        Err(LlmError::Cancelled)
    ));
    // Cancelled from another thread while tokens are streaming (the Stop button's path): the
    // first streamed piece hands over to a second thread, which raises the flag.
    let mid_flag = AtomicBool::new(false);
    let (started_tx, started_rx) = std::sync::mpsc::channel::<()>();
    let (raised_tx, raised_rx) = std::sync::mpsc::channel::<()>();
    let mut streamed = String::new();
    let flag = &mid_flag;
    let result = std::thread::scope(|scope| {
        scope.spawn(move || {
            if started_rx.recv().is_ok() {
                flag.store(true, std::sync::atomic::Ordering::Relaxed);
                let _ = raised_tx.send(());
            }
        });
        let mut on_token = |piece: &str| {
            if streamed.is_empty() {
                let _ = started_tx.send(());
                let _ = raised_rx.recv();
            }
            streamed.push_str(piece);
        };
        backend.respond(&request, &mut on_token, &mid_flag)
    });
    assert!(
        matches!(result, Err(LlmError::Cancelled)),
        "a cancel mid-reply stops generation: {result:?} after {streamed:?}"
    );
    assert!(
        !streamed.is_empty(),
        "tokens were streaming before the stop"
    );
    // The conversation still works after a cancel.
    backend
        .respond(&request, &mut |_| {}, &cancel)
        .expect("answer after cancel");

    // Two conversations share the one loaded model (as plugin instances do).
    let (_, second_load) = embedded::shared_model(&model).expect("shared");
    assert_eq!(second_load, std::time::Duration::ZERO);
    let mut other = EmbeddedBackend::new(&model, &cfg.llm).expect("second conversation");
    other
        .respond(&request, &mut |_| {}, &cancel)
        .expect("second conversation answers");
}

#[test]
fn missing_and_corrupt_models_are_errors_not_crashes() {
    let _lock = model_lock();
    let home = temp_home("broken");
    let truncated = home.join("truncated.gguf");
    let bytes = std::fs::read(model_path()).expect("read model");
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).expect("write truncated");
    let html = home.join("html.gguf");
    std::fs::write(&html, "<html>404</html>").expect("write html");
    let header_only = home.join("header.gguf");
    std::fs::write(&header_only, &bytes[..4096]).expect("write header");
    for broken in [home.join("missing.gguf"), truncated, html, header_only] {
        let err = EmbeddedBackend::new(&broken, &config(&home, &broken).llm)
            .expect_err("a broken model must not load");
        assert!(
            err.to_string().contains(&*broken.display().to_string()),
            "{err}"
        );

        let mut agent = ChatAgent::new(config(&home, &broken)).expect("agent starts anyway");
        let turn = agent.chat("hello there");
        assert_eq!(turn.source, Source::None);
        assert!(turn.reply.contains("not available"), "{}", turn.reply);
        assert!(agent.backend_error().is_some());
        let turn = agent.chat("tune me to G major");
        assert_eq!(turn.source, Source::Router, "the router keeps working");
        assert_eq!(
            agent.state().get("tune_key"),
            Some(ParamValue::Key(PitchClass::G))
        );

        let output = Command::new(daiw_bin())
            .args(["plan", "hello there", "--model"])
            .arg(&broken)
            .env("DAIW_HOME", &home)
            .output()
            .expect("daiw plan runs");
        assert!(
            !output.status.success(),
            "an unusable model is a non-zero exit"
        );
        assert!(output.status.code().is_some(), "no crash (signal)");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("error"), "{stderr}");
    }
    let mut none = config(&home, &model_path());
    none.backend = BackendKind::None;
    let mut agent = ChatAgent::new(none).expect("router only");
    let turn = agent.chat("what's a good song to cover?");
    assert!(turn.reply.contains("no language model"), "{}", turn.reply);
}

#[test]
fn prefix_cache_on_disk_is_reused_and_survives_damage() {
    let _lock = model_lock();
    let home = temp_home("prefix");
    let model = model_path();
    let mut agent = ChatAgent::new(config(&home, &model)).expect("agent");
    agent.warm_up().expect("warm up");
    let cache_dir = home.join("cache");
    let files: Vec<PathBuf> = std::fs::read_dir(&cache_dir)
        .expect("cache written")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "kv"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let good = std::fs::read(&files[0]).expect("read cache");
    assert!(good.len() > 1_000_000);
    drop(agent);

    // A truncated file, a garbage file: both are replaced, never a crash.
    for damaged in [
        good[..good.len() / 2].to_vec(),
        b"not a state file".to_vec(),
    ] {
        std::fs::write(&files[0], &damaged).expect("damage");
        let mut agent = ChatAgent::new(config(&home, &model)).expect("agent");
        agent.warm_up().expect("warm up after damage");
        let turn = agent.chat("hello!");
        assert_eq!(turn.source, Source::Model);
        assert!(turn.errors.is_empty(), "{:?}", turn.errors);
        let len = std::fs::metadata(&files[0]).map(|m| m.len()).unwrap_or(0);
        assert_eq!(len as usize, good.len(), "the cache is rewritten");
    }

    // A frame that is whole and hashed right but holds half a payload (the case that used to
    // abort in llama.cpp), and a marker left by a load that crashed: no crash, cache redone.
    let half_payload = reframed_with_half_payload(&good);
    for (bytes, marker) in [(half_payload, false), (good.clone(), true)] {
        std::fs::write(&files[0], &bytes).expect("damage");
        let dead_marker = PathBuf::from(format!("{}.loading-2147483632", files[0].display()));
        if marker {
            std::fs::write(&dead_marker, b"").expect("marker");
        }
        let mut agent = ChatAgent::new(config(&home, &model)).expect("agent");
        agent.warm_up().expect("warm up after damage");
        let turn = agent.chat("hello!");
        assert_eq!(turn.source, Source::Model);
        assert!(!dead_marker.exists(), "the stale marker is cleared");
        let len = std::fs::metadata(&files[0]).map(|m| m.len()).unwrap_or(0);
        assert_eq!(len as usize, good.len(), "the cache is rewritten");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&cache_dir)
        .expect("cache dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".loading-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A reused cache gives the same answer as a fresh decode.
    let mut cached = ChatAgent::new(config(&home, &model)).expect("agent");
    let a = cached.plan("what does reverb do?", &mut |_| {}).reply;
    std::fs::remove_dir_all(&cache_dir).expect("clear cache");
    let mut fresh = ChatAgent::new(config(&home, &model)).expect("agent");
    let b = fresh.plan("what does reverb do?", &mut |_| {}).reply;
    assert_eq!(a, b);
}

/// The prefix cache's frame (see `src/assistant/prefix_cache.rs`): magic, build string, token
/// list, payload, FNV-1a hash of all of it. Returns the same frame around the first half of the
/// payload, hashed right, so only llama.cpp's own reader can notice.
fn reframed_with_half_payload(file: &[u8]) -> Vec<u8> {
    let take = |at: &mut usize, n: usize| -> usize {
        let count = u64::from_le_bytes(file[*at..*at + 8].try_into().expect("8 bytes")) as usize;
        *at += 8 + count * n;
        count
    };
    let mut at = 8;
    take(&mut at, 1);
    take(&mut at, 4);
    let payload_at = at;
    let payload_len = take(&mut at, 1);
    let mut out = file[..payload_at].to_vec();
    let half = payload_len / 2;
    out.extend((half as u64).to_le_bytes());
    out.extend(&file[payload_at + 8..payload_at + 8 + half]);
    let hash = out.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    out.extend(hash.to_le_bytes());
    out
}
