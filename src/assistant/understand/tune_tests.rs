//! Tests of the tuning reader.
use super::*;
use crate::assistant::state::{ParamSnapshot, ParamValue};

fn tune(text: &str, state: &ParamSnapshot) -> Value {
    let ctx = Context {
        state,
        backing: None,
    };
    let call = read(&Words::new(text), &ctx, None).expect(text);
    Value::Object(call.args)
}

#[test]
fn lowering_words_lower_and_never_switch_on() {
    let mut state = ParamSnapshot::default();
    state.set("tune_amount", ParamValue::Float(1.0));
    state.set("tune_humanize", ParamValue::Float(0.5));
    for text in [
        "not so much autotune",
        "tone down the tuning a bit",
        "weaker pitch correction",
        "dial back the autotune",
    ] {
        let amount = tune(text, &state)["amount"].as_f64().unwrap_or(f64::NAN);
        assert!((0.3..1.0).contains(&amount), "{text}: {amount}");
    }
    let humanize = tune("not so much humanise", &state)["humanize"]
        .as_f64()
        .unwrap_or(f64::NAN);
    assert!((0.1..0.5).contains(&humanize), "{humanize}");
    for text in ["I don't want any tuning", "no tuning", "tuning off pls"] {
        assert_eq!(tune(text, &state), json!({"enabled": false}), "{text}");
    }
    assert_eq!(
        tune("snap to the notes instantly", &state),
        json!({"retune_ms": 0.0})
    );
    state.set("tune_retune_ms", ParamValue::Float(60.0));
    assert_eq!(
        tune("speed up the retune", &state),
        json!({"retune_ms": 30.0})
    );
}

#[test]
fn keys_presets_and_switches() {
    let state = ParamSnapshot::default();
    assert_eq!(
        tune("tune me to A minor", &state),
        json!({"key": "A", "scale": "minor"})
    );
    assert_eq!(
        tune("turn off the autotune", &state),
        json!({"enabled": false})
    );
    assert_eq!(
        tune("natural autotune please", &state),
        json!({"preset": "natural"})
    );
    assert_eq!(
        tune("retune speed 25 ms", &state),
        json!({"retune_ms": 25.0})
    );
    assert_eq!(
        tune("set the scale to chromatic", &state),
        json!({"scale": "chromatic"})
    );
    assert_eq!(
        tune("return the pitch correction", &state),
        json!({"enabled": true})
    );
}

#[test]
fn relative_moves() {
    let mut state = ParamSnapshot::default();
    state.set("tune_key", ParamValue::Key(PitchClass::D));
    assert_eq!(
        tune("move the key up a whole step", &state),
        json!({"key": "E"})
    );
    // Related keys: the relative minor of D major is B minor; the parallel minor D minor.
    assert_eq!(
        tune("tune to the relative minor", &state),
        json!({"key": "B", "scale": "minor"})
    );
    assert_eq!(
        tune("same key but minor", &state),
        json!({"key": "D", "scale": "minor"})
    );
    state.set("tune_vibrato", ParamValue::Float(0.8));
    assert_eq!(tune("less vibrato", &state), json!({"vibrato": 0.6}));
    assert_eq!(tune("remove my vibrato", &state), json!({"vibrato": 0.0}));
    assert_eq!(
        tune("make the correction slower", &state),
        json!({"retune_ms": 120.0})
    );
    assert_eq!(tune("retune time +20", &state), json!({"retune_ms": 80.0}));
    assert_eq!(
        tune("autotune, zero smoothing", &state)["retune_ms"],
        json!(0.0)
    );
    // A note removed with a retune move: both, and no switch.
    let both = tune("leave out the B and speed the retune up a bit", &state);
    assert!(
        both.get("enabled").is_none() && both["retune_ms"].as_f64() < Some(60.0),
        "{both}"
    );
    assert_eq!(
        tune("E minor please, softer correction than now", &state)["retune_ms"],
        json!(120.0)
    );
    assert_eq!(tune("retune time -20", &state), json!({"retune_ms": 40.0}));
}

#[test]
fn complaints_about_speed_ask_for_the_other_way() {
    let mut state = ParamSnapshot::default();
    state.set("tune_retune_ms", ParamValue::Float(150.0));
    for text in [
        "the tuning is lazy, make it grab the notes much quicker",
        "retune way faster",
        "correction is too slow",
    ] {
        let ms = tune(text, &state)["retune_ms"].as_f64().expect(text);
        assert!(ms <= 75.0, "{text}: {ms}");
    }
    state.set("tune_retune_ms", ParamValue::Float(20.0));
    for text in [
        "ease up on the retune speed slightly",
        "a few more ms on the retune",
        "the retune is too fast",
    ] {
        let ms = tune(text, &state)["retune_ms"].as_f64().expect(text);
        assert!(ms > 20.0, "{text}: {ms}");
    }
}
