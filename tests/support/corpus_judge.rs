//! The corpus judge: loads `tests/data/requests/*.json` and judges a plan by what its calls
//! do (see `tests/assistant_corpus.rs`).
#![allow(dead_code)]

use std::collections::BTreeMap;

use daiw::assistant::agent::{ChatAgent, Plan};
use daiw::assistant::config::{AgentConfig, BackendKind};
use daiw::assistant::state::{BackingSpec, ParamSnapshot, ParamValue};
use daiw::assistant::tools::{validate, ToolCall};
use daiw::music::theory::{PitchClass, ScaleKind};
use serde_json::{Map, Value};

use crate::support;

/// Which parameter each argument of the parameter tools sets.
pub const ARG_PARAMS: [(&str, &str, &str); 26] = [
    ("voice_tune", "key", "tune_key"),
    ("voice_tune", "scale", "tune_scale"),
    ("voice_tune", "retune_ms", "tune_retune_ms"),
    ("voice_tune", "amount", "tune_amount"),
    ("voice_tune", "humanize", "tune_humanize"),
    ("voice_tune", "vibrato", "tune_vibrato"),
    ("voice_tune", "enabled", "tune_enabled"),
    ("voice_modulate", "pitch_semitones", "mod_pitch"),
    ("voice_modulate", "formant_semitones", "mod_formant"),
    ("voice_modulate", "robot", "mod_robot"),
    ("voice_modulate", "breathiness", "mod_breath"),
    ("voice_modulate", "whisper", "mod_whisper"),
    ("voice_modulate", "warmth", "mod_warmth"),
    ("voice_modulate", "presence", "mod_presence"),
    ("voice_modulate", "reverb", "mod_reverb"),
    ("voice_modulate", "compression", "mod_compression"),
    ("voice_modulate", "mix", "mod_mix"),
    ("mix_control", "backing", "backing_enabled"),
    ("mix_control", "backing_level_db", "backing_level"),
    ("mix_control", "follow_host", "backing_follow"),
    ("mix_control", "output_gain_db", "output_gain"),
    ("mix_control", "bypass", "bypass"),
    ("voice_harmony", "voices", "harmony_voices"),
    ("voice_harmony", "mode", "harmony_mode"),
    ("voice_harmony", "level", "harmony_level"),
    ("voice_harmony", "spread", "harmony_spread"),
];

/// Parameters an answer may not move unless the request asks for them: the key, the scale,
/// switches and levels. (Presets may move the rest: "fast like T-Pain" can be either tuning
/// preset that gives a fast retune.)
pub const GUARDED: [&str; 15] = [
    "tune_key",
    "tune_scale",
    "tune_enabled",
    "tune_midi",
    "backing_enabled",
    "backing_follow",
    "bypass",
    "output_gain",
    "backing_level",
    "mod_pitch",
    "mod_formant",
    "tune_note_mask",
    "tune_follow_chords",
    "harmony_voices",
    "harmony_mode",
];

pub fn is_param_tool(tool: &str) -> bool {
    matches!(
        tool,
        "voice_tune" | "voice_modulate" | "mix_control" | "voice_harmony"
    )
}

/// One request of the corpus.
#[derive(Clone)]
pub struct Case {
    pub family: String,
    pub split: String,
    pub tags: Vec<String>,
    pub request: String,
    pub start: Map<String, Value>,
    pub expect: Vec<Value>,
    pub answer: Option<String>,
}

/// Every case of the request corpus, as the judge reads it.
pub fn load_cases() -> Vec<Case> {
    support::request_corpus()
        .iter()
        .map(|c| {
            let text = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            Case {
                family: text("family"),
                split: text("split"),
                tags: c["tags"]
                    .as_array()
                    .map(|t| {
                        t.iter()
                            .filter_map(|v| v.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
                request: text("request"),
                start: c["start"].as_object().cloned().unwrap_or_default(),
                expect: c["expect"].as_array().cloned().unwrap_or_default(),
                answer: c["answer"].as_str().map(String::from),
            }
        })
        .collect()
}

pub fn param_value(id: &str, v: &Value) -> Option<ParamValue> {
    match (id, v) {
        ("tune_key", Value::String(s)) => s.parse::<PitchClass>().ok().map(ParamValue::Key),
        ("tune_scale", Value::String(s)) => s.parse::<ScaleKind>().ok().map(ParamValue::Scale),
        (_, Value::Bool(b)) => Some(ParamValue::Bool(*b)),
        (_, Value::Number(n)) => n.as_f64().map(|f| ParamValue::Float(f as f32)),
        _ => None,
    }
}

/// An agent with no model in the case's starting state (applies calls for the judge).
pub fn judge_agent(config: &AgentConfig, start: &Map<String, Value>) -> ChatAgent {
    let mut cfg = config.clone();
    cfg.backend = BackendKind::None;
    let mut agent = ChatAgent::new(cfg).expect("judge agent");
    put_state(&mut agent, start);
    agent
}

/// Resets every parameter to its default, then applies the case's start values.
pub fn put_state(agent: &mut ChatAgent, start: &Map<String, Value>) {
    for (id, value) in ParamSnapshot::default().iter() {
        agent.set_param(id, value);
    }
    for (id, value) in start {
        if let Some(v) = param_value(id, value) {
            assert!(agent.set_param(id, v), "start value {id}={value}");
        }
    }
    // The backing playing at the start, if any ("a bit faster" changes it).
    let backing = start.get("backing").map(|b| {
        let mut b = b.clone();
        if let Some(fields) = b.as_object_mut() {
            fields.entry("seed").or_insert(Value::from(1));
        }
        serde_json::from_value::<BackingSpec>(b).expect("start backing")
    });
    agent.set_backing(backing);
}

/// The expected call with range and `contains` arguments taken out (they are checked on the
/// answer's result instead).
pub fn exact_part(call: &Value) -> ToolCall {
    let args: Map<String, Value> = call["args"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(_, v)| !v.is_object())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    ToolCall {
        tool: call["tool"].as_str().unwrap_or_default().to_string(),
        args,
    }
}

pub fn apply(agent: &mut ChatAgent, calls: &[ToolCall]) -> ParamSnapshot {
    let valid: Vec<_> = calls
        .iter()
        .filter(|c| is_param_tool(&c.tool))
        .filter_map(|c| validate(c).ok())
        .collect();
    agent.carry_out(&valid);
    agent.state().clone()
}

pub fn close(a: ParamValue, b: ParamValue, id: &str) -> bool {
    match (a, b) {
        (ParamValue::Float(x), ParamValue::Float(y)) => {
            let span = match id {
                "tune_retune_ms" => 400.0,
                "mod_pitch" => 48.0,
                "mod_formant" => 24.0,
                "output_gain" => 48.0,
                "backing_level" => 66.0,
                _ => 1.0,
            };
            (x - y).abs() <= 0.005 * span
        }
        _ => a == b,
    }
}

pub fn numeric(v: ParamValue) -> Option<f32> {
    match v {
        ParamValue::Float(x) => Some(x),
        ParamValue::Bool(b) => Some(if b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

/// What the judge found for one case.
#[derive(Default)]
pub struct Verdict {
    pub ok: bool,
    pub inversion: bool,
    pub why: String,
}

pub fn judge(case: &Case, plan: &Plan, config: &AgentConfig) -> Verdict {
    let actual: Vec<ToolCall> = plan.calls.iter().map(|c| c.call.clone()).collect();
    if let Some(kind) = &case.answer {
        let ok = actual.is_empty() && (kind != "ask" || plan.reply.contains('?'));
        let why = format!(
            "wanted a {kind}, got {} call(s): {}",
            actual.len(),
            plan.reply
        );
        return Verdict {
            ok,
            why,
            ..Verdict::default()
        };
    }
    let mut why = Vec::new();
    // The order of tools, with consecutive parameter tools as one step.
    let shape = |tools: Vec<&str>| {
        let mut out: Vec<String> = Vec::new();
        for t in tools {
            let step = if is_param_tool(t) {
                "params".to_string()
            } else {
                t.to_string()
            };
            if out.last() != Some(&step) {
                out.push(step);
            }
        }
        out
    };
    let want_shape = shape(
        case.expect
            .iter()
            .filter_map(|c| c["tool"].as_str())
            .collect(),
    );
    let got_shape = shape(actual.iter().map(|c| c.tool.as_str()).collect());
    if want_shape != got_shape {
        why.push(format!("tools {got_shape:?}, wanted {want_shape:?}"));
    }
    // Parameters: apply both to the start and compare what moved.
    let start_agent = judge_agent(config, &case.start);
    let start = start_agent.state().clone();
    let exact: Vec<ToolCall> = case.expect.iter().map(exact_part).collect();
    let want = apply(&mut judge_agent(config, &case.start), &exact);
    let got = apply(&mut judge_agent(config, &case.start), &actual);
    let mut inversion = false;
    // Parameters the request asks for as a range: checked against the range below, so moving
    // them is asked for (the exact part leaves them at the start).
    let ranged: Vec<&str> = case
        .expect
        .iter()
        .flat_map(|call| {
            let tool = call["tool"].as_str().unwrap_or_default();
            let args = call["args"].as_object().cloned().unwrap_or_default();
            args.into_iter()
                .filter(|(_, v)| v.is_object())
                .filter_map(move |(arg, _)| {
                    ARG_PARAMS
                        .iter()
                        .find(|(t, a, _)| *t == tool && *a == arg)
                        .map(|(_, _, id)| *id)
                })
        })
        .collect();
    for (id, s) in start.iter() {
        let (w, g) = (want.get(id).unwrap_or(s), got.get(id).unwrap_or(s));
        if w != s && !close(w, g, id) {
            why.push(format!("{id} = {g}, wanted {w}"));
        }
        if w == s && g != s && GUARDED.contains(&id) && !close(s, g, id) && !ranged.contains(&id) {
            why.push(format!("{id} moved to {g} though not asked"));
        }
        if let (Some(sv), Some(wv), Some(gv)) = (numeric(s), numeric(w), numeric(g)) {
            if (wv < sv && gv > sv) || (wv > sv && gv < sv) {
                inversion = true;
            }
        }
    }
    // Ranges on parameter tools, and the arguments of the other tools.
    let mut other_actual = actual.iter().filter(|c| !is_param_tool(&c.tool));
    for call in &case.expect {
        let tool = call["tool"].as_str().unwrap_or_default();
        let args = call["args"].as_object().cloned().unwrap_or_default();
        if is_param_tool(tool) {
            for (arg, spec) in args.iter().filter(|(_, v)| v.is_object()) {
                let Some((_, _, id)) = ARG_PARAMS.iter().find(|(t, a, _)| *t == tool && a == arg)
                else {
                    why.push(format!("unknown argument {tool}.{arg}"));
                    continue;
                };
                let (s, g) = (start.get(id), got.get(id));
                let value = g.and_then(numeric);
                if !in_range(value.map(f64::from), spec) {
                    why.push(format!("{id} = {g:?}, wanted {spec}"));
                }
                let lowers = spec["max"]
                    .as_f64()
                    .zip(s.and_then(numeric))
                    .is_some_and(|(m, sv)| m < f64::from(sv));
                let raises = spec["min"]
                    .as_f64()
                    .zip(s.and_then(numeric))
                    .is_some_and(|(m, sv)| m > f64::from(sv));
                if let (Some(gv), Some(sv)) = (value, s.and_then(numeric)) {
                    if (lowers && gv > sv) || (raises && gv < sv) {
                        inversion = true;
                    }
                }
            }
            continue;
        }
        let Some(got_call) = other_actual.find(|c| c.tool == tool) else {
            continue; // Already reported by the shape.
        };
        for (arg, spec) in &args {
            if !arg_matches(got_call.args.get(arg), spec) {
                why.push(format!(
                    "{tool}.{arg} = {}, wanted {spec}",
                    got_call
                        .args
                        .get(arg)
                        .map_or("nothing".into(), Value::to_string)
                ));
            }
        }
    }
    Verdict {
        ok: why.is_empty(),
        inversion,
        why: why.join("; "),
    }
}

pub fn in_range(value: Option<f64>, spec: &Value) -> bool {
    let Some(v) = value else { return false };
    spec["min"].as_f64().is_none_or(|m| v >= m - 1e-6)
        && spec["max"].as_f64().is_none_or(|m| v <= m + 1e-6)
}

pub fn arg_matches(got: Option<&Value>, spec: &Value) -> bool {
    match (got, spec) {
        (Some(Value::String(g)), Value::String(w)) => {
            g.eq_ignore_ascii_case(w)
                || g.parse::<PitchClass>()
                    .ok()
                    .is_some_and(|k| w.parse::<PitchClass>().ok() == Some(k))
        }
        (Some(Value::String(g)), Value::Object(o)) if o.contains_key("contains") => o["contains"]
            .as_str()
            .is_some_and(|c| g.to_lowercase().contains(&c.to_lowercase())),
        (Some(g), Value::Object(_)) => in_range(g.as_f64(), spec),
        (Some(g), w) if g.is_number() && w.is_number() => {
            (g.as_f64().unwrap_or(f64::NAN) - w.as_f64().unwrap_or(f64::NAN)).abs() < 1e-3
        }
        (Some(g), w) => g == w,
        (None, _) => false,
    }
}

/// Right / total per key.
#[derive(Default)]
pub struct Tally(pub BTreeMap<String, (usize, usize)>);

impl Tally {
    pub fn add(&mut self, key: &str, ok: bool) {
        let e = self.0.entry(key.to_string()).or_default();
        e.0 += ok as usize;
        e.1 += 1;
    }

    pub fn share(&self, key: &str) -> f64 {
        self.0
            .get(key)
            .map_or(0.0, |(r, t)| *r as f64 / (*t).max(1) as f64)
    }
}
