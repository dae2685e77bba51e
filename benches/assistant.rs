//! The assistant's speed: the router's decision time, and with the default model on 2 threads
//! the model load time, prompt and generation tokens/s, and the time from a request to a
//! complete tool call (median and p95, system prompt cached as in a running chat).
//!
//! `cargo bench --bench assistant` (needs the default model: scripts/download_offline_model.sh).
#![allow(
    missing_docs,
    reason = "criterion_group! and criterion_main! generate undocumented public functions"
)]

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use daiw::assistant::config::{AgentConfig, DEFAULT_CONFIG_YAML};
use daiw::assistant::embedded::{self, EmbeddedBackend};
use daiw::assistant::grammar::tool_grammar;
use daiw::assistant::llm::{ChatMessage, LlmBackend, LlmRequest, Role};
use daiw::assistant::model_file;
use daiw::assistant::prompt::{example_messages, system_prompt, DEFAULT_PERSONA};
use daiw::assistant::router::route;
use daiw::assistant::state::ParamSnapshot;

fn bench_router(c: &mut Criterion) {
    let state = ParamSnapshot::default();
    let mut group = c.benchmark_group("router");
    for (name, text) in [
        (
            "tune_and_shift",
            "Tune me to F sharp minor, hard like T-Pain, and up an octave",
        ),
        (
            "backing",
            "give me a funk backing track in E minor at 105 bpm, 8 bars",
        ),
        (
            "not_a_command",
            "I've been thinking about what this song is really about lately",
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| route(std::hint::black_box(text), &state))
        });
    }
    group.finish();
    corpus_decisions(&state);
}

/// The train and dev requests of the corpus (`tests/data/requests`; the test split is not
/// read here either).
fn corpus_requests() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/requests");
    let mut out = Vec::new();
    for name in ["voice.json", "music.json"] {
        let Ok(text) = std::fs::read_to_string(dir.join(name)) else {
            continue;
        };
        let data: serde_json::Value = serde_json::from_str(&text).expect("corpus json");
        for case in data["cases"].as_array().into_iter().flatten() {
            if matches!(case["split"].as_str(), Some("train" | "dev")) {
                out.extend(case["request"].as_str().map(String::from));
            }
        }
    }
    out
}

/// Every train/dev request decided without the model, five times each: the median and p95
/// of one decision (the latency a user waits before a card appears).
fn corpus_decisions(state: &ParamSnapshot) {
    let requests = corpus_requests();
    let mut times = Vec::with_capacity(requests.len() * 5);
    for _ in 0..5 {
        for text in &requests {
            let started = Instant::now();
            std::hint::black_box(route(std::hint::black_box(text), state));
            times.push(started.elapsed().as_secs_f64() * 1e3);
        }
    }
    if times.is_empty() {
        return;
    }
    times.sort_by(|a, b| a.total_cmp(b));
    eprintln!(
        "assistant bench: decisions without the model over {} corpus requests: median {:.3} ms, \
         p95 {:.3} ms, max {:.3} ms",
        requests.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times[times.len() - 1]
    );
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn bench_model(c: &mut Criterion) {
    let model = std::env::var_os("DAIW_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(model_file::default_model_path);
    if !model.exists() {
        eprintln!(
            "assistant bench: {} is missing; run scripts/download_offline_model.sh",
            model.display()
        );
        return;
    }
    let home = std::env::temp_dir().join("daiw-bench-home");
    let config = AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, "none", &home).expect("config");
    let started = Instant::now();
    let (_, load) = embedded::shared_model(&model).expect("model loads");
    eprintln!(
        "assistant bench: model load {:.0} ms (process total incl. backend init {:.0} ms)",
        load.as_secs_f64() * 1e3,
        started.elapsed().as_secs_f64() * 1e3
    );
    let mut backend = EmbeddedBackend::new(&model, &config.llm).expect("backend");
    // Calls only, so every measured answer is a complete tool call.
    backend
        .set_grammar(&tool_grammar().replacen("root ::= call | reply", "root ::= call", 1))
        .expect("grammar");
    let system = system_prompt(DEFAULT_PERSONA);
    let examples = example_messages();
    let warm = Instant::now();
    backend.warm_up(&system, &examples).expect("warm up");
    let prefix = backend.cached_tokens();
    let warm_s = warm.elapsed().as_secs_f64();
    eprintln!(
        "assistant bench: system prompt + examples {prefix} tokens decoded in {:.0} ms = {:.0} prompt tokens/s",
        warm_s * 1e3,
        prefix as f64 / warm_s
    );
    let requests = [
        "my voice sounds thin and boxy",
        "put some space around me",
        "I want to sound like a choir of angels",
        "make it feel more intimate",
        "something to sing along to please",
        "my high notes are harsh",
        "give me a grittier sound",
        "make the vocal sit back in the mix",
    ];
    let cancel = AtomicBool::new(false);
    let mut latencies = Vec::new();
    let (mut prompt_tokens, mut prompt_ms, mut gen_tokens, mut gen_ms) = (0usize, 0.0, 0usize, 0.0);
    for round in 0..3 {
        for user in requests {
            let request = LlmRequest {
                system: &system,
                examples: &examples,
                history: &[],
                user,
            };
            let t = Instant::now();
            let answer = backend
                .respond(&request, &mut |_| {}, &cancel)
                .expect("answer");
            let ms = t.elapsed().as_secs_f64() * 1e3;
            // The very first request also builds llama.cpp's compute graphs: not a steady turn.
            if round > 0 || user != requests[0] {
                latencies.push(ms);
            }
            prompt_tokens += answer.stats.prompt_tokens - answer.stats.cached_tokens;
            prompt_ms += answer.stats.prompt_ms;
            gen_tokens += answer.stats.generated_tokens;
            gen_ms += answer.stats.generate_ms;
        }
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    eprintln!(
        "assistant bench: request -> complete tool call over {} requests: median {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.95),
        latencies.last().copied().unwrap_or(0.0)
    );
    eprintln!(
        "assistant bench: per request {:.1} new prompt tokens at {:.0} tokens/s; {:.1} generated tokens at {:.0} tokens/s",
        prompt_tokens as f64 / 24.0,
        prompt_tokens as f64 / (prompt_ms / 1e3),
        gen_tokens as f64 / 24.0,
        gen_tokens as f64 / (gen_ms / 1e3)
    );
    // As in a running chat: the last two exchanges ride along (the history window slides, so
    // they are decoded again after the cached prefix).
    let mut with_history = Vec::new();
    let mut history: Vec<ChatMessage> = Vec::new();
    for (k, user) in requests.iter().cycle().take(12).enumerate() {
        let request = LlmRequest {
            system: &system,
            examples: &examples,
            history: &history,
            user,
        };
        let t = Instant::now();
        let answer = backend
            .respond(&request, &mut |_| {}, &cancel)
            .expect("answer");
        if k > 0 {
            with_history.push(t.elapsed().as_secs_f64() * 1e3);
        }
        history.push(ChatMessage::new(Role::User, *user));
        history.push(ChatMessage::new(Role::Assistant, answer.raw.clone()));
        let keep = history.len().saturating_sub(4);
        history.drain(..keep);
    }
    with_history.sort_by(|a, b| a.total_cmp(b));
    eprintln!(
        "assistant bench: with 2 exchanges of history ({} requests): median {:.0} ms, p95 {:.0} ms",
        with_history.len(),
        percentile(&with_history, 0.5),
        percentile(&with_history, 0.95)
    );
    let mut group = c.benchmark_group("model");
    group.sample_size(10);
    let mut i = 0;
    group.bench_function("request_to_tool_call", |b| {
        b.iter(|| {
            i = (i + 1) % requests.len();
            let request = LlmRequest {
                system: &system,
                examples: &examples,
                history: &[],
                user: requests[i],
            };
            backend
                .respond(&request, &mut |_| {}, &cancel)
                .expect("answer")
        })
    });
    group.finish();
}

criterion_group!(benches, bench_router, bench_model);
criterion_main!(benches);
