//! Tests of the understanding layer on phrasings the later grids found misread: controls
//! named together, sizes of moves, complaints about shifts, the tuning's character compared,
//! topics named first, backings in other words, questions without their mark, effects traded,
//! the last change not wanted and speech in other words (the grids are kept out of the
//! corpus; each test names what its grid measured).
use super::tests::{calls, decided, tools};
use super::*;
use crate::assistant::state::ParamValue;
use serde_json::Value;

/// Controls named together share one order (a grid of 334 coordinated requests, "whisper and
/// breath off", "less whisper, breath and compression": misses 77 -> 1); "drop the warmth"
/// lowers it (it had raised it).
#[test]
fn coordinated_controls_share_their_order() {
    let c = calls("whisper and breath off");
    assert_eq!(c[0].1["whisper"], 0.0);
    assert_eq!(c[0].1["breathiness"], 0.0);
    let c = calls("kill the robot and the compression");
    assert_eq!(c[0].1["robot"], 0.0);
    assert_eq!(c[0].1["compression"], 0.0);
    let c = calls("set reverb and whisper to 40%");
    assert_eq!(c[0].1["reverb"], 0.4);
    assert_eq!(c[0].1["whisper"], 0.4);
    let c = calls("presence, whisper, robot all at 30%");
    for arg in ["presence", "whisper", "robot"] {
        assert_eq!(c[0].1[arg], 0.3, "{arg}: {c:?}");
    }
    let low = |arg: &str, c: &[(String, Value)]| {
        let default = match arg {
            "warmth" | "presence" => 0.5,
            _ => 0.0,
        };
        c.iter()
            .find_map(|c| c.1[arg].as_f64())
            .is_some_and(|v| v <= default)
    };
    let c = calls("warmth/presence down a bit");
    assert!(low("warmth", &c) && low("presence", &c), "{c:?}");
    assert_eq!(
        tools("more robot and humanize"),
        ["voice_modulate", "voice_tune"]
    );
    let c = calls("both the output and the backing down 3 dB");
    assert_eq!(c[0].1["output_gain_db"], -3.0);
    let c = calls("drop the warmth");
    assert!(low("warmth", &c), "{c:?}");
    let c = calls("up the reverb, drop the robot");
    assert_eq!(c[0].1["robot"], 0.0, "{c:?}");
}

/// How far a relative order goes, from a known value (a grid of 804 requests on twelve
/// controls: misses 191 -> 20): spoken amounts, fractions as values, the ends of the range,
/// signed and comparative percentages, and the harmony level named before its value.
#[test]
fn sizes_of_moves_and_spoken_amounts() {
    let mut state = ParamSnapshot::default();
    for id in ["mod_reverb", "tune_vibrato", "harmony_level"] {
        state.set(id, ParamValue::Float(0.4));
    }
    state.set("harmony_voices", ParamValue::Float(2.0));
    let ctx = Context {
        state: &state,
        backing: None,
    };
    let value = |text: &str, arg: &str| match decide(text, &ctx) {
        Decision::Calls(c) => c
            .iter()
            .find_map(|c| c.args.get(arg).and_then(|v| v.as_f64())),
        _ => None,
    };
    let near = |text: &str, arg: &str, want: f64| {
        let got = value(text, arg);
        assert!(
            got.is_some_and(|v| (v - want).abs() < 0.011),
            "{text}: {got:?}, want {want}"
        );
    };
    near("reverb point six", "reverb", 0.6);
    near("reverb six out of ten", "reverb", 0.6);
    near("vibrato 6/10", "vibrato", 0.6);
    near("reverb halfway", "reverb", 0.5);
    near("reverb at three quarters", "reverb", 0.75);
    near("vibrato to a third", "vibrato", 0.33);
    near("reverb as high as it goes", "reverb", 1.0);
    near("vibrato to the minimum", "vibrato", 0.0);
    near("reverb -10%", "reverb", 0.3);
    near("add 10% to the reverb", "reverb", 0.5);
    near("reverb 50% higher", "reverb", 0.6);
    near("vibrato 50% lower", "vibrato", 0.2);
    near("harmony level 0.6", "level", 0.6);
    near("harmony level at three quarters", "level", 0.75);
    assert_eq!(value("max harmony level", "voices"), None);
    // "Bring the pitch back up halfway" sizes a move; "E min" is a key, not the minimum.
    assert_eq!(
        tools("E min - gentler tune - less reverb")[..1],
        ["voice_tune"]
    );
}

/// A complaint about a shift moves it away from what is too much ("formant too high" had
/// raised the formant, "the pitch is too low" lowered the pitch), and an easing word with
/// the backing's volume named lowers it ("ease off the backing volume" had stopped it, "go
/// easy on the backing volume" started it).
#[test]
fn complaints_about_shifts_and_easing_the_backing_volume() {
    assert_eq!(calls("formant too high")[0].1["formant_semitones"], -2.0);
    assert_eq!(calls("the pitch is too low")[0].1["pitch_semitones"], 2.0);
    for text in [
        "ease off the backing volume",
        "back off the backing volume",
        "go easy on the backing volume",
        "take some backing volume off",
    ] {
        let c = calls(text);
        assert!(c[0].1.get("backing").is_none(), "{text}: {c:?}");
        assert!(
            c[0].1["backing_level_db"].as_f64() < Some(-12.0),
            "{text}: {c:?}"
        );
    }
    assert_eq!(calls("take the backing off")[0].1["backing"], false);
}

/// The correction's character compared ("more natural", "less robotic", "tune me harder")
/// steps along the presets from where the retune time is, and the time named with a verb
/// moves it (a grid of 100 retune and tempo requests: misses 24 -> 4).
#[test]
fn tuning_comparisons_step_from_where_it_is() {
    let retune = |text: &str| -> f64 {
        let c = calls(text);
        let preset = c[0].1.get("preset").and_then(Value::as_str);
        preset
            .and_then(crate::assistant::presets::tune_preset)
            .map(|p| f64::from(p.retune_ms))
            .or_else(|| c[0].1["retune_ms"].as_f64())
            .unwrap_or(f64::NAN)
    };
    // The default retune time is the natural preset's (60 ms).
    for text in [
        "more natural tuning",
        "less robotic tuning",
        "the tuning is too hard",
        "increase the retune time",
    ] {
        assert!(retune(text) > 60.0, "{text}: {}", retune(text));
    }
    for text in [
        "tune me harder",
        "less glide on the tuning",
        "lower the retune time",
        "the correction reacts too slowly",
    ] {
        assert!(retune(text) < 60.0, "{text}: {}", retune(text));
    }
}

/// The backing named first, then only which way, is one order about its level ("the beat,
/// 3 dB quieter" had made a new backing beside the level change); a hot beat is a loud one.
#[test]
fn a_topic_named_first_then_which_way() {
    for text in [
        "the beat, 3db quieter",
        "backing: not up, down a bit",
        "the beat is way too hot",
    ] {
        let c = calls(text);
        assert_eq!(tools(text), ["mix_control"], "{text}: {c:?}");
        assert!(
            c[0].1["backing_level_db"].as_f64() < Some(-12.0),
            "{text}: {c:?}"
        );
    }
    assert_eq!(
        tools("B minor on the tuner, and the beat is way too hot"),
        ["voice_tune", "mix_control"]
    );
}

/// A topic framed first ("as for the breath, none please") is switched off, and a dash
/// before a size said with its way ("the robot effect - a bit more") is punctuation, not a
/// minus (it had lowered the robot).
#[test]
fn framed_topics_and_dashes_before_sizes() {
    assert_eq!(
        calls("as for the breath, none please")[0].1["breathiness"],
        0.0
    );
    assert!(calls("the robot effect - a bit more")[0].1["robot"].as_f64() > Some(0.0));
    // A dash on its own before a size is still the sign.
    assert!(calls("humanize - a bit")[0].1["humanize"].as_f64() < Some(0.15));
}

/// Backings asked for as a jam, a vamp or "a track", with an approximate tempo ("~96 bpm"),
/// are made with what they name (a grid of 300 backing phrasings: misses 24 -> 0).
#[test]
fn backings_asked_for_in_other_words() {
    let c = calls("play me a vamp in Gm, ~72 bpm");
    assert_eq!(c[0].0, "backing_generate", "{c:?}");
    assert_eq!(c[0].1["key"], "G");
    assert_eq!(c[0].1["tempo_bpm"], 72.0);
    assert_eq!(tools("put on a track in C sharp min"), ["backing_generate"]);
    assert_eq!(tools("I need a jam in F"), ["backing_generate"]);
    assert_eq!(
        calls("cook up a boom bap jam 16 bars in A min ~96 bpm")[0].1["tempo_bpm"],
        96.0
    );
}

/// A question typed without its question mark still asks ("is reverb the same thing as
/// echo", "should I put compression on rap vocals"); a learner's "is too much echo" and a
/// question followed by its order ("is hard tune the T-Pain one? load it") still order.
#[test]
fn questions_without_their_mark() {
    for text in [
        "is reverb the same thing as echo",
        "should I put compression on rap vocals",
        "does turning mix down remove the tuning too",
        "is 120 too fast for a ballad",
    ] {
        assert!(
            matches!(decided(text), Decision::Pass | Decision::Answer(_)),
            "{text}: {:?}",
            decided(text)
        );
    }
    assert_eq!(
        tools("is hard tune the T-Pain one? load it"),
        ["voice_tune"]
    );
    assert_eq!(
        tools("is possible more bass in the voice?"),
        ["voice_modulate"]
    );
}

/// One effect traded for another takes the first away and adds the second ("breath instead
/// of whisper" had raised the whisper; "swap the reverb for robot" left the reverb), and a
/// share is traded as less of one and more of the other; "not breath, compression" wants the
/// compression (it had switched both off).
#[test]
fn effects_traded_for_others() {
    let mut state = ParamSnapshot::default();
    state.set("mod_whisper", ParamValue::Float(0.3));
    state.set("mod_reverb", ParamValue::Float(0.3));
    let ctx = Context {
        state: &state,
        backing: None,
    };
    let args = |text: &str| match decide(text, &ctx) {
        Decision::Calls(c) => c[0].args.clone(),
        other => panic!("{text}: {other:?}"),
    };
    let a = args("breath instead of whisper");
    assert_eq!(a["whisper"], 0.0);
    assert!(a["breathiness"].as_f64() > Some(0.0), "{a:?}");
    let a = args("swap the reverb for robot");
    assert_eq!(a["reverb"], 0.0);
    assert!(a["robot"].as_f64() > Some(0.0), "{a:?}");
    let a = args("swap some of the reverb for compression");
    assert!(a["reverb"].as_f64() < Some(0.3), "{a:?}");
    // A comma parts a contrast: the second effect is wanted, not switched off.
    let a = args("not breath, compression");
    assert_eq!(a["breathiness"], 0.0);
    assert!(a["compression"].as_f64() > Some(0.0), "{a:?}");
}

/// The change just made, not wanted in other words: "that was better before", "I liked it
/// better before", "oops", "forget that", "roll back", "that sounds worse".
#[test]
fn the_last_change_not_wanted() {
    for text in [
        "that was better before",
        "I liked it better before",
        "oops",
        "forget that",
        "roll back",
        "that sounds worse",
    ] {
        assert_eq!(tools(text), ["undo"], "{text}");
    }
}

/// Speech asked for in other words: a count-in ("count me in" had spoken "me in"), the
/// voice made to say something, a yell, and a voice-over or talk before a colon.
#[test]
fn speech_in_other_words() {
    let text = |request: &str| {
        let c = calls(request);
        assert_eq!(c[0].0, "voice_speak", "{request}: {c:?}");
        c[0].1["text"].as_str().unwrap_or_default().to_string()
    };
    assert_eq!(text("count me in"), "one, two, three, four");
    assert_eq!(text("count in one two three four"), "one two three four");
    assert_eq!(text("make the voice say welcome home"), "welcome home");
    assert_eq!(text("yell are you ready"), "are you ready");
    assert_eq!(text("voice over: coming up next"), "coming up next");
    assert_eq!(text("talk: check one two"), "check one two");
}

/// Sizes said in other words (round 14's probes of relative changes): "back the tuning off a
/// bit" eases it (it switched the tuning off), "not all the way" holds a step back, "down to
/// about a third" is a share of the control (it also moved the pitch a major third down), "a
/// couple" of a unit is two.
#[test]
fn sizes_held_back_shared_or_counted() {
    let c = calls("back the tuning off a bit");
    assert!(c[0].1["amount"]
        .as_f64()
        .is_some_and(|v| v > 0.3 && v < 1.0));
    assert!(c[0].1.get("enabled").is_none());
    assert_eq!(calls("turn the tuning off")[0].1["enabled"], false);
    let c = calls("more reverb please, not all the way");
    assert!(c[0].1["reverb"]
        .as_f64()
        .is_some_and(|v| v > 0.0 && v < 1.0));
    let c = calls("bring the breath down to about a third");
    assert_eq!(c[0].1["breathiness"], 0.33);
    assert!(c[0].1.get("pitch_semitones").is_none());
    assert_eq!(calls("whisper down to a quarter")[0].1["whisper"], 0.25);
    assert_eq!(calls("pitch down a third")[0].1["pitch_semitones"], -4.0);
    assert_eq!(
        calls("pitch up a couple semitones")[0].1["pitch_semitones"],
        2.0
    );
}

/// Learners' words (round 14's probes of non-native phrasings): "quit" (Spanish "quitar") and
/// "cease" take away (they had switched the tuning on and raised the reverb), "acute" is high,
/// "too much high" is "too high", and the lexicon also reads the normalised words.
#[test]
fn learners_words_take_away_and_complain() {
    assert_eq!(calls("quit the autotune")[0].1["enabled"], false);
    assert_eq!(calls("cease the tuning")[0].1["enabled"], false);
    assert_eq!(tools("quit the backing"), ["mix_control"]);
    let c = calls("the voice is too much acute, lower it");
    assert!(c[0].1["pitch_semitones"].as_f64().is_some_and(|v| v < 0.0));
    // Slower, never the aggressive preset.
    let c = calls("can you make the tuning less fast");
    assert!(c[0].1["retune_ms"].as_f64().is_some_and(|v| v > 60.0));
    assert!(c[0].1.get("preset").is_none());
}

/// Modes in other words (round 14): "mi frigio", "lydian on fa"; "like the music of
/// Andalucia" is a reference, not a backing (it had made one instead of the tuning).
#[test]
fn modes_in_other_languages_tune_the_voice() {
    let c = calls("put the tuning in mi frigio, like the music of Andalucia");
    assert_eq!(
        (c[0].0.as_str(), &c[0].1["key"], &c[0].1["scale"]),
        ("voice_tune", &Value::from("E"), &Value::from("phrygian"))
    );
    let c = calls("put the mode lydian on fa, like the music of the films of Spielberg");
    assert_eq!(
        (&c[0].1["key"], &c[0].1["scale"]),
        (&Value::from("F"), &Value::from("lydian"))
    );
    // Learners' "music of background" is still the backing.
    assert_eq!(tools("switch on music of background"), ["mix_control"]);
}

/// An outcome asked about is the model's to answer, never carried out (round 14's question
/// probes: "would more compression help?" had raised it).
#[test]
fn outcomes_asked_about_are_not_carried_out() {
    for text in [
        "would more compression help?",
        "would it sound better in minor?",
    ] {
        assert!(matches!(decided(text), Decision::Pass), "{text}");
    }
    assert_eq!(
        tools("would you mind turning the backing down?"),
        ["mix_control"]
    );
}

/// Round 14's probes of backings and harmonies: gospel, a waltz and a cinematic bed are
/// backings (the last two had retuned the singer); "drop a harmony" takes one voice away.
#[test]
fn backing_forms_and_one_harmony_less() {
    let c = calls("a waltz in 3/4 in C");
    assert_eq!(
        (c[0].0.as_str(), &c[0].1["style"]),
        ("backing_generate", &Value::from("ballad"))
    );
    assert_eq!(
        calls("a dark cinematic bed in D minor")[0].0,
        "backing_generate"
    );
    assert_eq!(calls("gospel backing in Ab")[0].1["style"], "neo_soul");
    let three = [("harmony_voices", 3.0)];
    assert_eq!(arg_from(&three, "drop a harmony", "voices"), 2.0);
}

/// A little tuning asked for is the gentle preset (round 14: "just a touch of autotune" had
/// borrowed a reverb from the nearest example); a little quicker still moves the retune.
#[test]
fn a_touch_of_tuning_is_gentle() {
    assert_eq!(calls("just a touch of autotune")[0].1["preset"], "natural");
    assert_eq!(calls("a little autotune please")[0].1["preset"], "natural");
    assert!(calls("snap a little quicker than now")[0].1["retune_ms"]
        .as_f64()
        .is_some_and(|v| v < 60.0));
}

/// Levels in other words (round 14's mix probes): "I'm too quiet compared to the beat" lowers
/// the beat (it raised it: an inversion), a bare number after "up"/"down" on a level is dB
/// ("output down 6" had stepped 3 dB), never a tempo or a share.
#[test]
fn levels_said_plainly() {
    let c = calls("I'm too quiet compared to the beat");
    assert!(c[0].1["backing_level_db"]
        .as_f64()
        .is_some_and(|v| v < -12.0));
    assert_eq!(calls("output down 6")[0].1["output_gain_db"], -6.0);
    assert_eq!(calls("backing up six")[0].1["backing_level_db"], -6.0);
}

/// Complaints that a control drowns the voice lower it, and one not heard raises it (round
/// 14's complaint probes, from mid settings: "the presence is piercing" and "the robot is
/// drowning my voice" had raised them, "I can't hear the reverb" lowered it, "the backing is
/// too quiet compared to me" lowered the backing); "drown me in reverb" still asks for lots.
#[test]
fn what_drowns_the_voice_goes_down() {
    let mid = [
        ("mod_reverb", 0.4),
        ("mod_robot", 0.6),
        ("mod_presence", 0.6),
    ];
    let arg = |text: &str, arg: &str| arg_from(&mid, text, arg);
    assert!(arg("the presence is piercing", "presence") < 0.6);
    assert!(arg("the robot is drowning my voice", "robot") < 0.6);
    assert!(arg("the reverb is overpowering", "reverb") < 0.4);
    assert!(arg("I can't hear the reverb", "reverb") > 0.4);
    assert!(arg("drown me in reverb", "reverb") >= 0.6);
    assert!(
        arg(
            "the backing is too quiet compared to me",
            "backing_level_db"
        ) > -12.0
    );
    assert!(arg("the beat is overpowering me", "backing_level_db") < -12.0);
}

/// A level negated a few words back stays where it is ("don't make it louder, make it
/// warmer" had raised the output 3 dB).
#[test]
fn a_level_negated_further_back_is_not_raised() {
    assert_eq!(
        tools("don't make it louder, make it warmer"),
        ["voice_modulate"]
    );
}

/// Less of a shift goes towards none and never past it ("the formant is too much, dial it
/// back" from +3 had gone to -1); "pitch halfway back to normal" halves the shift (it reset
/// it).
#[test]
fn less_of_a_shift_never_crosses_zero() {
    let start = [("mod_formant", 3.0), ("mod_pitch", 6.0)];
    let arg = |text: &str, arg: &str| arg_from(&start, text, arg);
    let f = arg("the formant is too much, dial it back", "formant_semitones");
    assert!((0.0..3.0).contains(&f), "{f}");
    assert_eq!(arg("formant a little less", "formant_semitones"), 2.0);
    assert_eq!(arg("pitch halfway back to normal", "pitch_semitones"), 3.0);
    let down = [("mod_formant", -3.0)];
    assert_eq!(
        arg_from(&down, "formant a little less", "formant_semitones"),
        -2.0
    );
}

/// The number a request sets `arg` to, from the default state with `start` set (panics on
/// any decision other than calls).
fn arg_from(start: &[(&str, f32)], text: &str, arg: &str) -> f64 {
    let mut state = ParamSnapshot::default();
    for (id, v) in start {
        state.set(id, ParamValue::Float(*v));
    }
    let ctx = Context {
        state: &state,
        backing: None,
    };
    match decide(text, &ctx) {
        Decision::Calls(c) => c[0].args[arg].as_f64().unwrap_or(f64::NAN),
        other => panic!("{text}: {other:?}"),
    }
}
