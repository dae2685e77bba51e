//! Phrasings from the eighth blind corpus, each standing for a rule: the direction, the
//! control and the kind of call they must give, from a stated starting point.
use super::*;
use crate::assistant::state::{BackingSpec, ParamValue};
use serde_json::Value;

/// The calls `text` gives from `state` (and the backing `spec` playing, if any).
fn decided(text: &str, state: &ParamSnapshot, spec: Option<&BackingSpec>) -> Vec<ToolCall> {
    let ctx = Context {
        state,
        backing: spec,
    };
    match decide(text, &ctx) {
        Decision::Calls(c) => c,
        other => panic!("{text:?}: {other:?}"),
    }
}

/// The number argument `arg` of the calls `text` gives from `state`.
fn value_of(text: &str, state: &ParamSnapshot, arg: &str) -> f64 {
    decided(text, state, None)
        .iter()
        .find_map(|c| c.args.get(arg)?.as_f64())
        .unwrap_or_else(|| panic!("{text:?}: no {arg}"))
}

/// A state with these numbers set.
fn state(values: &[(&str, f32)]) -> ParamSnapshot {
    let mut s = ParamSnapshot::default();
    for (id, v) in values {
        s.set(id, ParamValue::Float(*v));
    }
    s
}

#[test]
fn vibrato_complaints_and_negated_destroying_verbs_keep_more() {
    let s = state(&[("tune_vibrato", 0.2), ("tune_amount", 1.0)]);
    for text in [
        "stop killing my vibrato",
        "don't tune the vibrato away, and pull the amount back a bit",
        "vibrato's getting ironed out, ease up on it",
        "don't iron out the vibratto, less tunning amount",
    ] {
        assert!(value_of(text, &s, "vibrato") >= 0.4, "{text}");
    }
    let amount = value_of("pull the pitch correction back a little", &s, "amount");
    assert!((0.4..1.0).contains(&amount), "{amount}");
}

#[test]
fn negated_switches_switch_off() {
    let s = ParamSnapshot::default();
    for text in ["don't correct my pitch at all", "tuning no more please"] {
        let c = decided(text, &s, None);
        assert_eq!(c[0].args.get("enabled"), Some(&json!(false)), "{text}");
    }
    let c = decided("don't bypass it anymore", &s, None);
    assert_eq!(c[0].args.get("bypass"), Some(&json!(false)));
}

#[test]
fn steps_from_where_the_control_is() {
    let s = state(&[("mod_pitch", 3.0)]);
    assert_eq!(
        value_of("+2 on the pitch shift", &s, "pitch_semitones"),
        5.0
    );
    assert_eq!(
        value_of("pitch up on two semitones more", &s, "pitch_semitones"),
        5.0
    );
    let s = state(&[("mod_whisper", 0.2)]);
    let v = value_of("whisper plus 15 percent please", &s, "whisper");
    assert!((v - 0.35).abs() < 1e-6, "{v}");
    let s = state(&[("mod_whisper", 0.8)]);
    let v = value_of("pull the whisper almost all the way down", &s, "whisper");
    assert!(v > 0.0 && v <= 0.5, "{v}");
    let s = state(&[("tune_retune_ms", 80.0)]);
    assert_eq!(
        value_of("take the retune time down by 20ms", &s, "retune_ms"),
        60.0
    );
    let s = state(&[("output_gain", -4.0)]);
    assert_eq!(
        value_of("give me 2 more dB out of the plugin", &s, "output_gain_db"),
        -2.0
    );
}

#[test]
fn a_signed_formant_keeps_its_sign_beside_a_lowered_pitch() {
    let s = ParamSnapshot::default();
    let text = "make pitch lower on one octave, formant plus 2, robot less a bit";
    assert_eq!(value_of(text, &s, "formant_semitones"), 2.0);
    assert_eq!(value_of(text, &s, "pitch_semitones"), -12.0);
    let text = "- pitch -12\n- formant +2\n- less robot";
    assert_eq!(value_of(text, &s, "pitch_semitones"), -12.0);
    assert_eq!(value_of(text, &s, "formant_semitones"), 2.0);
}

#[test]
fn characters_complained_of_are_pushed_away() {
    let s = state(&[("mod_formant", 3.0)]);
    let c = decided(
        "i sound like a cartoon, ease the formant back a little",
        &s,
        None,
    );
    assert!(!c[0].args.contains_key("pitch_semitones"), "{c:?}");
    let f = c[0].args["formant_semitones"].as_f64().unwrap_or(f64::NAN);
    assert!(f < 3.0, "{f}");
    let text = "drop me an octave, push the formant up 2 so I don't sound like a giant";
    assert_eq!(
        value_of(text, &ParamSnapshot::default(), "formant_semitones"),
        2.0
    );
}

#[test]
fn a_complaint_then_a_bare_direction_moves_that_control() {
    let s = state(&[
        ("mod_formant", 3.0),
        ("mod_compression", 0.8),
        ("mod_reverb", 0.25),
    ]);
    let f = value_of(
        "the formant is too high, lower a little",
        &s,
        "formant_semitones",
    );
    assert!(f < 3.0, "{f}");
    let v = value_of(
        "compressor is too strong, make it more weak",
        &s,
        "compression",
    );
    assert!(v < 0.8, "{v}");
    let v = value_of("reverb's a little dry, gimme a touch more", &s, "reverb");
    assert!(v > 0.25, "{v}");
}

#[test]
fn levels_of_the_backing() {
    let mut s = state(&[("backing_level", -6.0)]);
    s.set("backing_enabled", ParamValue::Bool(true));
    assert_eq!(value_of("-3 on the backing", &s, "backing_level_db"), -9.0);
    let v = value_of("the band is a bit loud", &s, "backing_level_db");
    assert!(v < -6.0, "{v}");
    s.set("backing_level", ParamValue::Float(-28.0));
    let v = value_of(
        "turn the beat up, i can't hear it over myself",
        &s,
        "backing_level_db",
    );
    assert!(v > -28.0, "{v}");
}

#[test]
fn tempo_and_length_of_the_playing_backing() {
    let spec = BackingSpec {
        tempo_bpm: 84,
        bars: 8,
        ..BackingSpec::default()
    };
    let s = ParamSnapshot::default();
    let arg = |text: &str, arg: &str| -> Value {
        let c = decided(text, &s, Some(&spec));
        assert_eq!(c[0].tool, "backing_generate", "{text}: {c:?}");
        c[0].args[arg].clone()
    };
    assert_eq!(arg("add 10 to the tempo", "tempo_bpm"), json!(94));
    assert_eq!(arg("tempo plus ten please", "tempo_bpm"), json!(94));
    assert_eq!(arg("make tempo two times slower", "tempo_bpm"), json!(42));
    assert_eq!(arg("halve the tempo of the beat", "tempo_bpm"), json!(42));
    assert_eq!(arg("double the length of the backing", "bars"), json!(16));
    let slower = arg("the groove's rushing, ease it back a few bpm", "tempo_bpm");
    assert!(slower.as_u64().is_some_and(|t| t < 84), "{slower}");
    let slower = arg("slow the beat down a touch", "tempo_bpm");
    assert!(slower.as_u64().is_some_and(|t| t < 84), "{slower}");
}

#[test]
fn questions_about_settings_and_questions_before_orders() {
    let s = ParamSnapshot::default();
    for text in [
        "whats the revrb set to",
        "backing level?",
        "how much reverb is on me currently?",
        "remind me what retune speed I'm on",
    ] {
        let c = decided(text, &s, None);
        assert_eq!(c[0].tool, "get_state", "{text}: {c:?}");
    }
    let s = state(&[("harmony_spread", 0.5)]);
    let spread = value_of("what does spread do? put it at 80%", &s, "spread");
    assert!((spread - 0.8).abs() < 1e-6, "{spread}");
    let c = decided(
        "my pitch was good or no? after, less humanize please",
        &s,
        None,
    );
    assert_eq!(c[0].tool, "listen");
    assert_eq!(c[1].tool, "voice_tune");
}

#[test]
fn words_of_other_languages_and_learners_comparatives() {
    let s = state(&[("mod_reverb", 0.6)]);
    assert!(value_of("weniger Hall bitte", &s, "reverb") < 0.6);
    assert!(value_of("reverb is to strong, make it more weak", &s, "reverb") < 0.6);
    let s = state(&[("mod_reverb", 0.1)]);
    assert!(value_of("reverb like Mojave 3, very much", &s, "reverb") > 0.1);
    let s = state(&[("mod_mix", 1.0)]);
    assert!(value_of("not fully wet, blend some dry in", &s, "mix") < 1.0);
    let s = state(&[("mod_compression", 0.2), ("mod_reverb", 0.4)]);
    assert!(value_of("reverb -a bit / comp +a bit", &s, "compression") > 0.2);
    assert!(value_of("reverb -a bit / comp +a bit", &s, "reverb") < 0.4);
}

#[test]
fn small_talk_is_the_models_even_when_it_asks_how() {
    let s = ParamSnapshot::default();
    let ctx = Context {
        state: &s,
        backing: None,
    };
    let d = decide("hello there, how is your day going", &ctx);
    assert!(matches!(d, Decision::Pass), "{d:?}");
}
