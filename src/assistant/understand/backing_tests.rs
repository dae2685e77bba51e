//! Tests of the backing reader.
use super::*;
use crate::assistant::state::ParamSnapshot;

fn backing(text: &str, current: Option<&BackingSpec>) -> Value {
    let state = ParamSnapshot::default();
    let ctx = Context {
        state: &state,
        backing: current,
    };
    Value::Object(read(&Words::new(text), &ctx, true).args)
}

#[test]
fn new_backings() {
    assert_eq!(
        backing(
            "give me a funk backing track in E minor at 105 bpm, 8 bars",
            None
        ),
        json!({"key": "E", "mode": "minor", "tempo_bpm": 105, "style": "funk", "bars": 8})
    );
    assert_eq!(
        backing("Bb major, 118", None),
        json!({"key": "A#", "mode": "major", "tempo_bpm": 118})
    );
    assert_eq!(
        backing("a shuffle in G", None),
        json!({"key": "G", "mode": "major", "style": "blues"})
    );
}

#[test]
fn changes_to_the_current_backing() {
    let spec = BackingSpec {
        tempo_bpm: 90,
        ..BackingSpec::default()
    };
    assert_eq!(backing("double the tempo", Some(&spec))["tempo_bpm"], 180);
    assert_eq!(backing("a bit faster", Some(&spec))["tempo_bpm"], 97);
    assert_eq!(backing("make it twice as long", Some(&spec))["bars"], 16);
    assert_eq!(
        backing("same groove but reggae", Some(&spec))["style"],
        "reggae"
    );
    assert_eq!(
        backing("bump the tempo by five", Some(&spec))["tempo_bpm"],
        95
    );
    assert_eq!(
        backing("it's rushing, pull it back a couple bpm", Some(&spec))["tempo_bpm"],
        88
    );
    assert_eq!(
        backing("drag the tempo back a little", Some(&spec))["tempo_bpm"],
        83
    );
}

#[test]
fn the_backing_moves_by_an_interval_but_not_by_decibels() {
    // The default backing is in C: a whole tone up is D.
    let spec = BackingSpec::default();
    let moved = backing("same backing a whole tone up", Some(&spec));
    assert_eq!(moved["key"], "D");
    assert_eq!(
        transposition(&Words::new("transpose the track down two semitones")),
        Some(-2)
    );
    assert_eq!(
        transposition(&Words::new("raise the backing by six decibels")),
        None
    );
    assert_eq!(transposition(&Words::new("backing level -18")), None);
}
