//! Unit tests of `slots.rs`.

use super::*;
use crate::music::theory::{PitchClass, ScaleKind};

fn key(text: &str) -> (Option<&'static str>, Option<&'static str>) {
    let (k, s) = find_key(&Words::new(text));
    (k.map(PitchClass::name), s.map(ScaleKind::id))
}

#[test]
fn keys_in_every_spelling() {
    assert_eq!(key("f#m"), (Some("F#"), Some("minor")));
    assert_eq!(key("key F#min"), (Some("F#"), Some("minor")));
    assert_eq!(key("set key Bbm"), (Some("A#"), Some("minor")));
    assert_eq!(key("B-flat lydian"), (Some("A#"), Some("lydian")));
    assert_eq!(key("E flat minor"), (Some("D#"), Some("minor")));
    assert_eq!(key("backing in Es-Dur"), (Some("D#"), Some("major")));
    assert_eq!(key("lofi, Cmaj, 72"), (Some("C"), Some("major")));
    assert_eq!(key("G, 72, ballad"), (Some("G"), None));
    assert_eq!(key("A major, reverb 20%"), (Some("A"), Some("major")));
    assert_eq!(key("a bit faster"), (None, None));
    assert_eq!(key("up a minor third"), (None, None));
    assert_eq!(key("backing down 6 dB"), (None, None));
    assert_eq!(
        key("scale harmonic minor, key G"),
        (Some("G"), Some("harmonic_minor"))
    );
}

#[test]
fn tempo_bars_levels_times() {
    assert_eq!(find_tempo(&Words::new("Bb major, 118"), true), Some(118));
    assert_eq!(find_tempo(&Words::new("at seventy bpm"), false), Some(70));
    assert_eq!(find_tempo(&Words::new("reverb 50%"), true), None);
    assert_eq!(find_bars(&Words::new("a 2-bar loop")), Some(2));
    assert_eq!(decibels(&Words::new("minus three dB")), Some((-3.0, true)));
    assert_eq!(
        bare_level(&Words::new("put the backing at -18")),
        Some(-18.0)
    );
    assert_eq!(
        millis(&Words::new("make the retune 0.1 seconds")),
        Some(100.0)
    );
}

#[test]
fn intervals_with_direction() {
    let shift = |t: &str| {
        let w = Words::new(t);
        shift_near(&w, 0, true)
    };
    assert_eq!(shift("pitch up a fifth"), Some(7.0));
    assert_eq!(shift("pitch down 30 cents"), Some(-0.3));
    assert_eq!(shift("pitch -4 st"), Some(-4.0));
    assert_eq!(shift("pitch up a minor third"), Some(3.0));
}

#[test]
fn seconds_and_decimal_commas_are_milliseconds() {
    assert_eq!(millis(&Words::new("retune 0.15 s")), Some(150.0));
    assert_eq!(
        millis(&Words::new("make the retune 0,08 seconds")),
        Some(80.0)
    );
    assert_eq!(millis(&Words::new("retune 40ms")), Some(40.0));
    assert_eq!(millis(&Words::new("it's fine")), None);
}

#[test]
fn keys_typed_in_lower_case_where_nothing_else_is_meant() {
    assert_eq!(key("slow ballad in g, 70 bpm"), (Some("G"), None));
    assert_eq!(key("ballad g 70"), (Some("G"), None));
    assert_eq!(key("make a reggae groove in g at 80"), (Some("G"), None));
    assert_eq!(key("funk beat em 105bpm"), (Some("E"), Some("minor")));
    assert_eq!(
        key("give me a funky backing, em, 105 bpm"),
        (Some("E"), Some("minor"))
    );
    assert_eq!(key("bm reggae riddim 75bpm"), (Some("B"), Some("minor")));
    assert_eq!(key("neosoul eb 84"), (Some("D#"), None));
    assert_eq!(
        key("db dorian for the tuning"),
        (Some("C#"), Some("dorian"))
    );
    assert_eq!(key("rock backing in a, and more reverb"), (Some("A"), None));
    assert_eq!(key("b flat jazz"), (Some("A#"), None));
    // Hesitations, articles and decibels stay what they are.
    assert_eq!(key("em, more reverb please"), (None, None));
    assert_eq!(key("turn em up"), (None, None));
    assert_eq!(key("in a 90 bpm groove"), (None, None));
    assert_eq!(key("backing at -10 db 120 bpm"), (None, None));
}
