//! Tests of the lexicon: its rewrites, and that every rewrite lands on words the readers read
//! the right way.
use super::*;
use crate::assistant::state::{BackingSpec, ParamSnapshot, ParamValue};
use crate::assistant::understand::{decide, Context, Decision};

#[test]
fn the_shipped_lexicon_parses_and_is_large() {
    let lexicon = Lexicon::parse(CONTROLS_JSON).expect("assets/controls.json");
    assert!(lexicon.len() > 1000, "{} phrases", lexicon.len());
    assert_eq!(stored().len(), lexicon.len());
}

#[test]
fn a_malformed_lexicon_is_an_error() {
    assert!(matches!(
        Lexicon::parse("{\"controls\": 3}"),
        Err(LexiconError::Parse(_))
    ));
    assert!(matches!(
        Lexicon::parse("{\"controls\": {\"mod_sparkle\": {}}}"),
        Err(LexiconError::UnknownControl(_))
    ));
}

fn lexicon() -> Lexicon {
    Lexicon::parse(
        r#"{"controls": {
            "mod_compression": {"too_much": ["pumping", "it's pumping"]},
            "mod_reverb": {"names_in_context": ["space"], "less": ["drier"]},
            "harmony_level": {"names": ["bvs"], "less_with_name": ["tuck"]}
        }}"#,
    )
    .expect("lexicon")
}

#[test]
fn phrases_become_the_readers_words() {
    let l = lexicon();
    assert_eq!(
        l.rewrite("It's pumping, A minor").as_deref(),
        Some("less compression, A minor")
    );
    assert_eq!(
        l.rewrite("a bit drier please").as_deref(),
        Some("a bit less reverb please")
    );
    // A name with everyday meanings needs a word that moves it.
    assert_eq!(l.rewrite("in space").as_deref(), None);
    assert_eq!(l.rewrite("less space").as_deref(), Some("less reverb"));
    // A verb that needs the control named beside it.
    assert_eq!(
        l.rewrite("tuck the bvs in").as_deref(),
        Some("less the harmony level in")
    );
    assert_eq!(l.rewrite("tuck me in").as_deref(), None);
    // A negated move goes the other way; a wished complaint is a wish.
    assert_eq!(
        l.rewrite("don't make it drier").as_deref(),
        Some("don't make it more reverb")
    );
    assert_eq!(
        l.rewrite("I want it pumping").as_deref(),
        Some("I want it more compression")
    );
    // Whole words only.
    assert_eq!(l.rewrite("pumpings").as_deref(), None);
}

/// A state away from every edge, and a backing, so each step has room both ways.
fn middle() -> (ParamSnapshot, BackingSpec) {
    let mut s = ParamSnapshot::default();
    for (id, v) in [
        ("mod_reverb", 0.5),
        ("mod_breath", 0.5),
        ("mod_whisper", 0.5),
        ("mod_robot", 0.5),
        ("mod_compression", 0.5),
        ("mod_warmth", 0.5),
        ("mod_presence", 0.5),
        ("mod_pitch", 3.0),
        ("mod_formant", 2.0),
        ("mod_mix", 0.6),
        ("output_gain", -6.0),
        ("backing_level", -12.0),
        ("tune_retune_ms", 80.0),
        ("tune_amount", 0.6),
        ("tune_humanize", 0.4),
        ("tune_vibrato", 0.5),
        ("harmony_level", 0.5),
        ("harmony_spread", 0.5),
    ] {
        s.set(id, ParamValue::Float(v));
    }
    s.set("harmony_voices", ParamValue::Float(2.0));
    s.set("backing_enabled", ParamValue::Bool(true));
    let spec = BackingSpec {
        key: "D".into(),
        mode: "minor".into(),
        tempo_bpm: 100,
        style: "pop".into(),
        bars: 8,
        seed: 1,
    };
    (s, spec)
}

/// Where `text` takes control `id`, from the middle state (the call applied to it).
fn after(text: &str, id: &str) -> Option<f64> {
    let (state, spec) = middle();
    let ctx = Context {
        state: &state,
        backing: Some(&spec),
    };
    let Decision::Calls(calls) = decide(text, &ctx) else {
        return None;
    };
    let arg = |tool: &str, arg: &str| {
        calls
            .iter()
            .filter(|c| c.tool == tool)
            .find_map(|c| c.args.get(arg).and_then(|v| v.as_f64()))
    };
    match id {
        "backing_tempo" => arg("backing_generate", "tempo_bpm"),
        "backing_bars" => arg("backing_generate", "bars"),
        "backing_key" => calls
            .iter()
            .find(|c| c.tool == "backing_generate")
            .and_then(|c| c.args.get("key")?.as_str().map(str::to_string))
            .map(|k| {
                if k == "D" {
                    0.0
                } else if k == "D#" {
                    1.0
                } else {
                    -1.0
                }
            }),
        "output_gain" => arg("mix_control", "output_gain_db"),
        "backing_level" => arg("mix_control", "backing_level_db"),
        "harmony_voices" => arg("voice_harmony", "voices"),
        "harmony_level" => arg("voice_harmony", "level"),
        "harmony_spread" => arg("voice_harmony", "spread"),
        "tune_retune_ms" => arg("voice_tune", "retune_ms"),
        "tune_amount" => arg("voice_tune", "amount"),
        "tune_humanize" => arg("voice_tune", "humanize"),
        "tune_vibrato" => arg("voice_tune", "vibrato"),
        "mod_pitch" => arg("voice_modulate", "pitch_semitones"),
        "mod_formant" => arg("voice_modulate", "formant_semitones"),
        "mod_breath" => arg("voice_modulate", "breathiness"),
        other => arg("voice_modulate", other.trim_start_matches("mod_")),
    }
}

/// The middle state's value of control `id` (the backing's tempo, bars and key as `after`
/// reads them).
fn now(id: &str) -> f64 {
    match id {
        "backing_tempo" => 100.0,
        "backing_bars" => 8.0,
        "backing_key" => 0.0,
        other => f64::from(middle().0.number(other)),
    }
}

#[test]
fn every_canonical_step_moves_its_control_the_right_way() {
    for c in CANONICAL {
        let up = after(c.up, c.id);
        let down = after(c.down, c.id);
        let now = now(c.id);
        // Retune speed's "up" is faster: fewer milliseconds.
        let (up, down) = if c.id == "tune_retune_ms" {
            (down, up)
        } else {
            (up, down)
        };
        assert!(
            up.is_some_and(|v| v > now),
            "{:?} on {}: {up:?} from {now}",
            c.up,
            c.id
        );
        assert!(
            down.is_some_and(|v| v < now),
            "{:?} on {}: {down:?} from {now}",
            c.down,
            c.id
        );
    }
}

/// Prints the rewrite of each `|`-separated request in `DAIW_LEXICON_DEBUG` (a tuning aid, not
/// a test).
#[test]
#[ignore]
fn tuning_aid() {
    let requests = std::env::var("DAIW_LEXICON_DEBUG").unwrap_or_default();
    for r in requests.split('|') {
        eprintln!("{r:?} -> {:?}", stored().rewrite(r));
    }
}
