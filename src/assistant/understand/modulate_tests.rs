//! Unit tests of `modulate.rs`.

use super::*;
use crate::assistant::state::{ParamSnapshot, ParamValue};

fn modulate(text: &str, state: &ParamSnapshot) -> Value {
    let ctx = Context {
        state,
        backing: None,
    };
    Value::Object(read(&Words::new(text), &ctx).expect(text).args)
}

#[test]
fn shifts_characters_and_presets() {
    let s = ParamSnapshot::default();
    assert_eq!(
        modulate("pitch me up an octave", &s),
        json!({"pitch_semitones": 12.0})
    );
    assert_eq!(
        modulate("demon voice", &s),
        json!({"pitch_semitones": -12.0, "formant_semitones": -5.0})
    );
    assert_eq!(
        modulate("make me sound like a robot", &s),
        json!({"preset": "robot"})
    );
    assert_eq!(modulate("robot at 40%", &s), json!({"robot": 0.4}));
    assert_eq!(
        modulate("etherial preset", &s),
        json!({"preset": "ethereal"})
    );
}

#[test]
fn effects_move_from_where_they_are() {
    let mut s = ParamSnapshot::default();
    s.set("mod_reverb", ParamValue::Float(0.5));
    assert_eq!(modulate("less reverb", &s), json!({"reverb": 0.3}));
    assert_eq!(modulate("no reverb please", &s), json!({"reverb": 0.0}));
    assert_eq!(
        modulate("can you dry the vocal up a little?", &s),
        json!({"reverb": 0.35})
    );
    assert_eq!(modulate("make my voice warmer", &s), json!({"warmth": 0.7}));
    s.set("mod_warmth", ParamValue::Float(0.6));
    assert_eq!(modulate("less warmth", &s), json!({"warmth": 0.4}));
}

#[test]
fn lowering_tone_words_lower_and_presets_need_a_name() {
    let mut s = ParamSnapshot::default();
    s.set("mod_presence", ParamValue::Float(0.6));
    s.set("mod_compression", ParamValue::Float(0.6));
    assert_eq!(modulate("make it darker", &s), json!({"presence": 0.4}));
    assert_eq!(
        modulate("I want a darker sound", &s),
        json!({"preset": "dark"})
    );
    for text in ["not so bright please", "take some of the brightness off"] {
        let v = modulate(text, &s)["presence"].as_f64().unwrap_or(f64::NAN);
        assert!(v < 0.6, "{text}: {v}");
    }
    for text in [
        "ease off the compressor",
        "too squashed",
        "not so compressed",
    ] {
        let v = modulate(text, &s)["compression"]
            .as_f64()
            .unwrap_or(f64::NAN);
        assert!((0.1..0.6).contains(&v), "{text}: {v}");
    }
    assert_eq!(
        modulate("ogre voice", &s),
        json!({"pitch_semitones": -12.0, "formant_semitones": -5.0})
    );
}

#[test]
fn each_shift_is_read_in_its_own_phrase() {
    let s = ParamSnapshot::default();
    assert_eq!(
        modulate("drop me an octave, formant +3", &s),
        json!({"pitch_semitones": -12.0, "formant_semitones": 3.0})
    );
    assert_eq!(
        modulate("formant plus three", &s),
        json!({"formant_semitones": 3.0})
    );
}

#[test]
fn one_more_steps_from_the_current_pitch() {
    let mut s = ParamSnapshot::default();
    s.set("mod_pitch", ParamValue::Float(3.0));
    for text in [
        "pitch up one more",
        "one more semitone up",
        "another semitone up",
    ] {
        assert_eq!(
            modulate(text, &s),
            json!({"pitch_semitones": 4.0}),
            "{text}"
        );
    }
}

#[test]
fn places_and_machines_are_known_sounds() {
    let s = ParamSnapshot::default();
    assert_eq!(
        modulate("like monks in a cathedral", &s)["reverb"],
        json!(0.8)
    );
    assert_eq!(
        modulate("make me sound like a dalek", &s),
        json!({"preset": "robot"})
    );
}

#[test]
fn shifts_count_from_now_when_the_words_say_so() {
    let mut s = ParamSnapshot::default();
    s.set("mod_formant", ParamValue::Float(-2.0));
    s.set("mod_pitch", ParamValue::Float(5.0));
    for text in [
        "two more semitones down on the formant",
        "formant another 2 lower",
        "formant down two more",
    ] {
        assert_eq!(
            modulate(text, &s)["formant_semitones"],
            json!(-4.0),
            "{text}"
        );
    }
    for text in [
        "two semitones lower than it is now",
        "pitch down 2 from here",
        "bring the pitch shift down a whole tone",
    ] {
        assert_eq!(modulate(text, &s)["pitch_semitones"], json!(3.0), "{text}");
    }
    // Without such words a shift is set, not added.
    assert_eq!(modulate("pitch down 2", &s)["pitch_semitones"], json!(-2.0));
}
