//! Hostile and damaged project states in a real host (the CLAP test host over the built
//! bundle): out-of-range enums and floats, non-finite numbers, wrong types, damaged session
//! fields, and 10,000 random and mutated states. After every load the plugin processes audio
//! and saves again: no panic, no abort, the output finite and bounded, and the saved state
//! loads back. (`tests/vst3_host.rs` does the enum and float cases through JUCE.)

#[path = "common/clap_host.rs"]
mod clap_host;

use clap_host::{load_bundle, BlockPattern, Plugin, Signal};
use serde_json::{json, Value};

const SAMPLE_RATE: f64 = 48_000.0;
const TONE_AMPLITUDE: f64 = 0.25;
/// The loudest any parameter setting may make the test tone: output +12 dB and backing +6 dB
/// together stay far below this, while an unclamped gain of 100 dB (7,900) or a NaN does not.
const MAX_PEAK: f32 = 12.0;

fn new_plugin() -> Plugin {
    // The repairs are logged through nice-plug; keep 10,000 of them out of the test output.
    std::env::set_var(
        "NICE_LOG",
        std::env::temp_dir().join(format!("daiw-state-safety-{}.log", std::process::id())),
    );
    let entry = load_bundle();
    let mut plugin = Plugin::new(&entry);
    plugin.activate(SAMPLE_RATE, 512);
    // The entry must outlive the plugin: leak it for the test's lifetime.
    std::mem::forget(entry);
    plugin
}

/// Processes `seconds` of a sine and returns the output's peak (or why it is not acceptable).
fn peak_after_processing(plugin: &mut Plugin, seconds: f64) -> Result<f32, String> {
    let mut signal = Signal::sine(2, SAMPLE_RATE, seconds, 330.0, TONE_AMPLITUDE);
    plugin.run(&mut signal, BlockPattern::Fixed(256), &[])?;
    let mut peak = 0.0f32;
    for (i, s) in signal.output.iter().flatten().enumerate() {
        if !s.is_finite() {
            return Err(format!("sample {i} is {s}"));
        }
        peak = peak.max(s.abs());
    }
    if peak > MAX_PEAK {
        return Err(format!("peak {peak} is louder than any setting allows"));
    }
    Ok(peak)
}

/// Saves, checks the JSON has no `null` (a non-finite value) and loads it back.
fn save_and_reload(plugin: &mut Plugin) -> Result<Value, String> {
    let state = plugin.save_state_json();
    let text = state["params"].to_string();
    if text.contains("null") {
        return Err(format!("the saved parameters hold null: {text}"));
    }
    plugin.load_state_json(&state);
    Ok(state)
}

fn with_params(base: &Value, params: &[(&str, Value)]) -> Value {
    let mut state = base.clone();
    for (id, value) in params {
        state["params"][*id] = value.clone();
    }
    state
}

#[test]
fn out_of_range_enum_indices_are_repaired_and_saving_works() {
    let mut plugin = new_plugin();
    let base = plugin.save_state_json();
    for (scale, key) in [
        (json!({"i32": 13}), json!({"i32": 12})),
        (json!({"i32": -1}), json!({"string": "H"})),
    ] {
        plugin.load_state_json(&with_params(
            &base,
            &[("tune_scale", scale), ("tune_key", key)],
        ));
        peak_after_processing(&mut plugin, 0.3).expect("plays");
        let saved = save_and_reload(&mut plugin).expect("saves");
        assert_eq!(saved["params"]["tune_scale"], json!({"string": "major"}));
        assert_eq!(saved["params"]["tune_key"], json!({"string": "C"}));
    }
    // An index in range is kept (as the stable id).
    plugin.load_state_json(&with_params(&base, &[("tune_key", json!({"i32": 9}))]));
    let saved = save_and_reload(&mut plugin).expect("saves");
    assert_eq!(saved["params"]["tune_key"], json!({"string": "A"}));
}

#[test]
fn out_of_range_and_non_finite_floats_are_clamped_and_keep_the_rest() {
    let mut plugin = new_plugin();
    let quiet = peak_after_processing(&mut plugin, 0.5).expect("plays");
    let mut base = plugin.save_state_json();
    // The session holds a conversation that must survive the bad parameter next to it.
    let session = json!({"entries": [{"kind": "user", "text": "keep me"}]});
    base["fields"]["session"] = Value::String(session.to_string());
    // 1e39 does not fit an f32: serde reads it as infinity.
    let bad = with_params(
        &base,
        &[
            ("output_gain", json!({"f32": 100.0})),
            ("mod_reverb", json!({"f32": 1e39})),
            ("mod_pitch", json!({"f32": -1e39})),
        ],
    );
    plugin.load_state_json(&bad);
    let loud = peak_after_processing(&mut plugin, 0.5).expect("finite and bounded");
    // +12 dB at most (the top of the range), not +100 dB.
    assert!(loud <= quiet * 10f32.powf(12.5 / 20.0), "{loud} vs {quiet}");
    let saved = save_and_reload(&mut plugin).expect("saves without null");
    assert_eq!(saved["params"]["output_gain"], json!({"f32": 12.0}));
    assert_eq!(saved["params"]["mod_reverb"], json!({"f32": 0.0}));
    let session: Value =
        serde_json::from_str(saved["fields"]["session"].as_str().expect("session field"))
            .expect("session JSON");
    assert_eq!(session["entries"][0]["text"], "keep me");
}

/// xorshift64*: the fuzz is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

fn random_param_value(rng: &mut Rng) -> Value {
    match rng.below(6) {
        0 => json!({"f32": *rng.pick(&[1e39, -1e39, 3.4e38, -0.0, 1e-45, 100.0, -100.0, 0.5])}),
        1 => json!({"f32": (rng.below(20_000) as f64 - 10_000.0) / 7.0}),
        2 => json!({"i32": rng.below(64) as i64 - 16}),
        3 => json!({"bool": rng.below(2) == 1}),
        4 => json!({"string": *rng.pick(&["", "major", "dorian", "H", "C#", "zzz", "blues"])}),
        _ => json!(*rng.pick(&[json!(null), json!(7), json!("x"), json!({"f64": 1.0})])),
    }
}

fn random_session(rng: &mut Rng) -> Value {
    let backing = json!({
        "key": *rng.pick(&["C", "F#", "Bb", "H", ""]),
        "mode": *rng.pick(&["major", "minor", "dorian", "nope"]),
        "tempo_bpm": *rng.pick(&[0u64, 40, 120, 240, 241, 4_000_000_000]),
        "style": *rng.pick(&["pop", "funk", "polka", ""]),
        "bars": *rng.pick(&[0u64, 1, 8, 64, 65, 1_000_000]),
        "seed": rng.next(),
    });
    let text = "x".repeat(rng.below(3) as usize * 30_000);
    json!({
        "version": rng.below(5),
        "entries": [{"kind": *rng.pick(&["user", "assistant", "card", "notice", "bogus"]), "text": text, "tool": "t", "lines": ["a"]}],
        "backing": if rng.below(3) == 0 { Value::Null } else { backing },
        "intent": {"title": "t", "path": *rng.pick(&["/tmp/daiw-fuzz-planted/x.json", "../../x.json", "intents/ok.json"]), "content": {"title": "t"}},
    })
}

/// One mutated state: a few parameters, maybe the session field, maybe raw bytes.
fn mutate(base: &Value, rng: &mut Rng, ids: &[String]) -> Vec<u8> {
    let mut state = base.clone();
    for _ in 0..=rng.below(4) {
        let id = rng.pick(ids).clone();
        match rng.below(10) {
            0 => {
                if let Some(params) = state["params"].as_object_mut() {
                    params.remove(&id);
                }
            }
            1 => state["params"]["no_such_param"] = random_param_value(rng),
            _ => state["params"][id.as_str()] = random_param_value(rng),
        }
    }
    match rng.below(4) {
        0 => state["fields"]["session"] = Value::String(random_session(rng).to_string()),
        1 => state["fields"]["session"] = Value::String("{\"entries\": [".into()),
        _ => {}
    }
    let json = serde_json::to_vec(&state).unwrap_or_default();
    let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
    bytes.extend(json);
    if rng.below(8) == 0 {
        // Raw damage: the host may refuse the bytes, but must never crash.
        for _ in 0..=rng.below(3) {
            let i = rng.below(bytes.len() as u64) as usize;
            bytes[i] = rng.next() as u8;
        }
    }
    bytes
}

#[test]
fn ten_thousand_random_and_mutated_states_never_crash_and_stay_bounded() {
    let mut plugin = new_plugin();
    let base = plugin.save_state_json();
    let ids: Vec<String> = base["params"]
        .as_object()
        .expect("params")
        .keys()
        .cloned()
        .collect();
    assert_eq!(ids.len(), 31);
    let mut rng = Rng(0x5eed_da1e);
    let (mut refused, mut loudest) = (0, 0.0f32);
    for round in 0..10_000 {
        let bytes = mutate(&base, &mut rng, &ids);
        if plugin.try_load_state(&bytes).is_err() {
            refused += 1;
        }
        let peak = peak_after_processing(&mut plugin, 256.0 / SAMPLE_RATE)
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        loudest = loudest.max(peak);
        save_and_reload(&mut plugin).unwrap_or_else(|e| panic!("round {round}: {e}"));
    }
    assert!(
        !std::path::Path::new("/tmp/daiw-fuzz-planted").exists(),
        "a state made the plugin write outside its home"
    );
    println!("10000 states: {refused} refused as unreadable, loudest peak {loudest:.3}");
}
