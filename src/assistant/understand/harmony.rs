//! Harmony voices: "add a harmony a third above", "two harmonies, wide", "harmonies quieter",
//! "harmony from my midi keyboard", "no harmony" become one `voice_harmony` call.

use serde_json::{Map, Value};

use super::normalise::Words;
use super::relative::{apply_fraction, read_move, Move, Steps};
use super::Context;
use crate::assistant::state::ParamValue;
use crate::assistant::tools::{ToolCall, ToolName, HARMONY_MODES};

/// Words that name harmony voices.
const HARMONY_WORDS: [&str; 13] = [
    "stacks",
    "stacked",
    "bvs",
    "bgvs",
    "bv",
    "harmony",
    "harmonies",
    "harmonys",
    "harmonize",
    "harmonise",
    "harmonizing",
    "harmonising",
    "harms",
];
/// Phrases that mean harmony voices too.
const HARMONY_PHRASES: [&str; 8] = [
    "backing vocal",
    "backing vocals",
    "backing voices",
    "backup voices",
    "backup vocals",
    "backup singers",
    "background vocals",
    "background voices",
];
/// Words that switch harmony off.
const OFF_WORDS: [&str; 16] = [
    "off", "no", "remove", "kill", "stop", "mute", "without", "disable", "rid", "drop", "ditch",
    "lose", "cut", "delete", "none", "zero",
];
/// Words that ask for less level.
const QUIETER: [&str; 11] = [
    "quieter", "softer", "lower", "down", "loud", "less", "back", "sit", "tuck", "under", "behind",
];
/// Words that ask for more level.
const LOUDER: [&str; 11] = [
    "louder", "up", "quiet", "more", "lift", "bump", "stronger", "crank", "double", "raise",
    "buried",
];
/// Words that ask for more width.
const WIDER: [&str; 6] = ["wide", "wider", "spread", "width", "pan", "stereo"];
/// Words that ask for less width.
const NARROWER: [&str; 7] = [
    "narrow", "narrower", "closer", "centre", "center", "middle", "close",
];
/// Step of a relative level or width move ("a bit" halves it): audible but not a jump.
const STEP: f32 = 0.2;

/// Whether the words are about harmony voices.
pub fn mentions(words: &Words) -> bool {
    // "Harmonic minor" is a scale, not harmony voices.
    words.has_any(&HARMONY_WORDS)
        || words
            .texts()
            .iter()
            .any(|w| w.starts_with("harmoniz") || w.starts_with("harmonis"))
        || HARMONY_PHRASES.iter().any(|p| words.has_phrase(p))
        || other_singers(words)
}

/// Voices besides the singer's, named without the word "harmony": "3 voices", "two second
/// voices" (Spanish and Italian say harmonies so), "one more voice to sing with me", "2
/// people singing with me". One "voice" alone is the singer's own ("make my voice deeper").
fn other_singers(words: &Words) -> bool {
    let counted = (1..words.len()).any(|i| {
        matches!(words.at(i), "voices" | "singers" | "people" | "vocalists")
            && counted_word(words.at(i - 1))
    });
    let second = words.has_phrase("second voice") || words.has_phrase("second voices");
    let more = [
        "one more voice",
        "another voice",
        "extra voice",
        "extra voices",
    ]
    .iter()
    .any(|p| words.has_phrase(p));
    let with_me = words.has_phrase("with me")
        && words.has_any(&[
            "sing", "sings", "singing", "voice", "voices", "people", "singers",
        ]);
    counted || second || more || with_me
}

/// Whether a word counts voices ("two", "3", "a couple of" ends in "of").
fn counted_word(w: &str) -> bool {
    matches!(
        w,
        "1" | "2" | "3" | "one" | "two" | "three" | "couple" | "few" | "more" | "extra" | "second"
    )
}

/// The `voice_harmony` call the words ask for, if they are about harmony.
pub fn read(words: &Words, ctx: &Context) -> Option<ToolCall> {
    if !mentions(words) {
        return None;
    }
    let now = |id: &str, default: f32| match ctx.state.get(id) {
        Some(ParamValue::Float(v)) => v,
        _ => default,
    };
    let voices_now = now("harmony_voices", 0.0).round() as u8;
    let mut args = Map::new();
    if let Some(mode) = mode(words) {
        args.insert("mode".into(), Value::from(mode));
    }
    let level_now = now("harmony_level", 0.6);
    let spread_now = now("harmony_spread", 0.5);
    let level = level_multiple(words)
        .map(|f| level_now * f)
        .or_else(|| exact_move(words, &LEVEL_NAMES).map(|m| apply_fraction(m, level_now, EXACT)))
        .or_else(|| level_move(words).map(|dir| level_now + dir * step(words)))
        .or_else(|| level_named_move(words).map(|m| apply_fraction(m, level_now, EXACT)));
    let spread = exact_move(words, &["spread", "width", "stereo"])
        .map(|m| apply_fraction(m, spread_now, EXACT))
        .or_else(|| width(words, spread_now));
    if let Some(level) = level {
        args.insert("level".into(), fraction(level));
    }
    if let Some(spread) = spread {
        args.insert("spread".into(), fraction(spread));
    }
    if switches_off(words) && level.is_none() && spread.is_none() && !one_less(words) {
        args.insert("voices".into(), Value::from(0));
    } else if let Some(count) = count(words, voices_now) {
        args.insert("voices".into(), Value::from(count));
    } else if voices_now == 0 {
        // "Harmonize me", "harmonies that follow the chords": harmony is wanted, so on.
        args.insert("voices".into(), Value::from(1));
    }
    (!args.is_empty()).then(|| ToolCall::new(ToolName::VoiceHarmony, Value::Object(args)))
}

/// Steps for moves that name their amount (the default and floor are never used there).
const EXACT: Steps = Steps {
    default: 0.0,
    floor_more: 0.0,
};

/// What the shared grammar of amounts reads at the first of `names` ("harmony level 35 %",
/// "spread up 10 %", "level all the way up", "halve the spread"), when it names the amount:
/// a percentage or a step by one, a multiple or the top. A bare number is the voices' count
/// ("2 harmonies, spread wide"), and plain "more", "louder" or "out" are this reader's own.
fn exact_move(words: &Words, names: &[&str]) -> Option<Move> {
    let at = words.find_any(names)?;
    let percent = words.has_any(&["%", "percent", "pct"]);
    // "Harmony level 0.6", "harmony level to a third": with no number before the name (where
    // a count of voices stands), a value is the named amount's.
    let named_value = !(0..at).any(|i| super::normalise::number(words.at(i)).is_some());
    match read_move(words, at)? {
        m @ (Move::Set(_) | Move::By(_)) if percent || named_value => Some(m),
        m @ (Move::Times(_) | Move::Max) => Some(m),
        _ => None,
    }
}

/// Words that name the harmony's level.
const LEVEL_NAMES: [&str; 4] = ["level", "volume", "vol", "fader"];

/// A step the shared grammar reads of the harmony's level when the level is named and this
/// reader's own words said nothing ("boost the harmony level", "harmony level too high", "go
/// easy on the harmony volume"). Turning it off stays the voices' switch.
fn level_named_move(words: &Words) -> Option<Move> {
    match read_move(words, words.find_any(&LEVEL_NAMES)?)? {
        m @ (Move::Up(_) | Move::Down(_)) => Some(m),
        _ => None,
    }
}

/// A fraction rounded to two places and kept in 0..1.
fn fraction(v: f32) -> Value {
    Value::from((f64::from(v.clamp(0.0, 1.0)) * 100.0).round() / 100.0)
}

/// How the voices choose notes, when the words say.
fn mode(words: &Words) -> Option<&'static str> {
    let name = if words.has_any(&["midi", "keyboard"]) {
        "midi"
    } else if words.has_any(&["diatonic", "scale", "key"]) {
        "diatonic"
    } else if words.has_any(&["chord", "chords"]) {
        "chord"
    } else {
        return None;
    };
    HARMONY_MODES.iter().copied().find(|m| *m == name)
}

/// Whether the words switch harmony off ("no harmony", "kill the harmonies", "I don't want
/// harmonies").
fn switches_off(words: &Words) -> bool {
    words.has_any(&OFF_WORDS)
        // "Take the harmonies out", "don't use harmonies", "set harmonies to nothing".
        || super::topic_words::takes_away(words)
        || words.has("nothing")
        || words.has_phrase("don't want")
        || words.has_phrase("dont want")
        || words.has_phrase("do not want")
        || words.has_phrase("no more")
}

/// The number of voices asked for: a count before the harmony word, "another" for one more.
fn count(words: &Words, now: u8) -> Option<u8> {
    // "One more voice" adds one to those sounding (the first, when none do); "a second
    // harmony" means two.
    if words.has_any(&["another", "extra"]) || words.has_phrase("one more") {
        return Some((now + 1).clamp(1, 3));
    }
    if one_less(words) {
        return Some(now.saturating_sub(1));
    }
    // "The second voices are too strong" names those sounding; "a second harmony" adds.
    if words.has_phrase("a second") {
        return Some((now.max(1) + 1).min(3));
    }
    // "One notch up" is a step, not one voice; "double the level" is the level's.
    let texts = words.texts();
    // "Harmony level at three quarters", "max harmony level": with the level named, the
    // words after it and the ends of its range are the level's, not a count.
    let level_at = words.find_any(&LEVEL_NAMES);
    let counted = |i: usize| {
        !matches!(
            texts.get(i + 1).copied().unwrap_or(""),
            "notch" | "bit" | "touch" | "tad" | "step" | "db" | "level" | "the"
        ) && level_at.is_none_or(|l| {
            i < l && !matches!(texts.get(i).copied(), Some("full" | "max" | "maximum"))
        })
    };
    let explicit = texts
        .iter()
        .enumerate()
        .filter(|(i, _)| counted(*i))
        .find_map(|(_, w)| match *w {
            "0" => Some(0),
            "1" | "one" | "single" | "x1" => Some(1),
            "2" | "two" | "couple" | "pair" | "double" | "x2" | "2x" => Some(2),
            "3" | "three" | "tree" | "choir" | "full" | "max" | "maximum" | "x3" | "3x" => Some(3),
            _ => None,
        });
    if explicit.is_some() {
        return explicit;
    }
    // "A harmony" adds one only when none sound yet ("add a harmony" over two is vague).
    if now == 0 && words.has_any(&["a", "an"]) {
        return Some(1);
    }
    words
        .has_phrase("backing vocal")
        .then_some(1)
        .filter(|_| now == 0)
}

/// Whether one voice goes: "one harmony voice fewer", "drop one of the harmonies",
/// "harmonies minus one", "lose a harmony voice".
fn one_less(words: &Words) -> bool {
    [
        "one fewer",
        "voice fewer",
        "one less",
        "minus one",
        "drop one",
        "lose a",
        "lose one",
        "take one away",
        "remove one",
        "drop a",
        "remove a",
        "cut a",
        "cut one",
        "kill a",
        "kill one",
        "ditch a",
        "ditch one",
        "rid of one",
    ]
    .iter()
    .any(|p| words.has_phrase(p))
}

/// A multiple of the harmony level: "halve the harmony level", "half as loud", "level / 2",
/// "double the harmony level".
fn level_multiple(words: &Words) -> Option<f32> {
    let about_level = words.has_any(&["level", "volume", "loud", "fader", "vol"]);
    if !about_level {
        return None;
    }
    if words.has_any(&["half", "halve"]) || words.has_phrase("divided by") {
        Some(0.5)
    } else if words.has_any(&["double", "twice"]) {
        Some(2.0)
    } else {
        None
    }
}

/// +1 for louder, -1 for quieter, when the words are about level.
fn level_move(words: &Words) -> Option<f32> {
    let about_level = words.has_any(&[
        "level", "volume", "vol", "loud", "louder", "quiet", "quieter", "softer", "mix", "strong",
        "stronger", "weaker", "crank", "double", "halve", "fader", "buried", "under",
    ]);
    let moved = [
        "turn", "bring", "back", "tuck", "pull", "push", "lift", "bump", "raise",
    ];
    if !about_level
        && !words.has_any(&moved)
        && !words.has_phrase("can't hear")
        && !words.has_phrase("cant hear")
        && !words.has_phrase("barely hear")
    {
        return None;
    }
    // "Back the harmonies off a little" lowers them.
    if words.has("back") && words.has("off") {
        return Some(-1.0);
    }
    // "Too loud" wants less; "too quiet" more.
    if words.has_phrase("too loud") || words.has_phrase("too strong") {
        return Some(-1.0);
    }
    // "The backup voices are buried", "I can barely hear the harmonies", "a bit under the
    // lead" (below it: quieter).
    if words.has_phrase("too quiet")
        || words.has_phrase("can't hear")
        || words.has_phrase("barely hear")
        || words.has("buried")
    {
        return Some(1.0);
    }
    if words.has_phrase("under the lead") || words.has_phrase("under me") {
        return Some(-1.0);
    }
    let down = words.has_any(&QUIETER) && !words.has_any(&["louder"]) || words.has("weaker");
    let up = words.has_any(&LOUDER) && !words.has_any(&["quieter", "softer", "lower", "down"]);
    match (down, up) {
        (true, false) => Some(-1.0),
        (false, true) => Some(1.0),
        _ => None,
    }
}

/// The stereo width asked for: "wide" sets a wide spread, "wider"/"narrower" move it.
fn width(words: &Words, now: f32) -> Option<f32> {
    // "Harmonies in mono", "stack them in the centre": no spread at all.
    if words.has("mono") || words.has_phrase("in the centre") || words.has_phrase("in the center") {
        return Some(0.0);
    }
    // "Pull the width in", "tighten the spread": narrower.
    let pulled_in = words.has_any(&["pull", "bring", "tighten", "tighter"])
        && (words.has("in") || words.has_any(&["tighten", "tighter"]))
        && words.has_any(&["width", "spread", "stereo", "wide"]);
    // "Glued to the middle, open them up": wider.
    let opened =
        words.has_phrase("open them up") || words.has_phrase("open up") || words.has("widen");
    let narrower =
        (words.has_any(&NARROWER) || words.has_phrase("less wide") || pulled_in) && !opened;
    // The lowering word beside the width's own word, in its clause: in "three harmonies
    // panned wide; also turn them down a touch" the "down" is the level's.
    let less_spread = (0..words.len()).any(|i| {
        WIDER.contains(&words.at(i))
            && (i.saturating_sub(3)..(i + 4).min(words.len())).any(|k| {
                matches!(words.at(k), "less" | "down" | "reduce" | "lower")
                    && !(k.min(i) + 1..=k.max(i)).any(|b| words.words[b].boundary)
            })
    });
    if narrower || less_spread {
        return Some(now - step(words));
    }
    if words.has_any(&["wider", "more"]) && words.has_any(&WIDER)
        || words.has_any(&["wider"])
        || opened
    {
        return Some(now + step(words));
    }
    if words.has_any(&WIDER) {
        // "Two harmonies, wide": a wide spread, wider still for "really wide".
        let wide: f32 = if words.has_any(&["really", "very", "super"]) {
            0.9
        } else {
            0.8
        };
        return Some(wide.max(now));
    }
    None
}

/// The step of a relative move: smaller for "a bit", "a little", "slightly".
fn step(words: &Words) -> f32 {
    if words.has_any(&["bit", "little", "slightly", "touch"]) {
        STEP / 2.0
    } else if words.has_any(&["much", "way", "lot", "crank", "double", "really"]) {
        STEP * 1.75
    } else {
        STEP
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::state::ParamSnapshot;

    fn call(text: &str, start: &[(&str, f32)]) -> Option<Map<String, Value>> {
        let mut state = ParamSnapshot::default();
        for (id, v) in start {
            state.set(id, ParamValue::Float(*v));
        }
        let ctx = Context {
            state: &state,
            backing: None,
        };
        read(&Words::new(text), &ctx).map(|c| c.args)
    }

    #[test]
    fn counts_and_switches() {
        assert_eq!(
            call("add a harmony a third above", &[]).unwrap()["voices"],
            1
        );
        assert_eq!(call("give me 2 harmonies", &[]).unwrap()["voices"], 2);
        assert_eq!(call("three part harmony", &[]).unwrap()["voices"], 3);
        assert_eq!(call("harmonize me", &[]).unwrap()["voices"], 1);
        let off = call("kill the harmonies", &[("harmony_voices", 2.0)]).unwrap();
        assert_eq!(off["voices"], 0);
        for text in [
            "drop the harmonies",
            "ditch the harmony voices",
            "lose the harmonies",
        ] {
            let off = call(text, &[("harmony_voices", 2.0)]).expect(text);
            assert_eq!(off["voices"], 0, "{text}");
        }
        assert!(call("more reverb", &[]).is_none());
        assert_eq!(call("harmonys x2", &[]).unwrap()["voices"], 2);
        let none = call("harmony: none", &[("harmony_voices", 3.0)]).unwrap();
        assert_eq!(none["voices"], 0);
        assert_eq!(
            call("no stacks", &[("harmony_voices", 2.0)]).unwrap()["voices"],
            0
        );
        let one_more = call("one more voice in harmony", &[]).unwrap();
        assert_eq!(one_more["voices"], 1);
        let one_more = call("one more harmony", &[("harmony_voices", 1.0)]).unwrap();
        assert_eq!(one_more["voices"], 2);
    }

    /// Percentages, steps by a percentage, multiples and the top, as every other amount
    /// reads them; a bare number stays the count of voices.
    #[test]
    fn level_and_spread_read_the_shared_amounts() {
        let start = [
            ("harmony_voices", 2.0),
            ("harmony_level", 0.5),
            ("harmony_spread", 0.5),
        ];
        let at = |text: &str, arg: &str| call(text, &start).expect(text)[arg].as_f64();
        assert_eq!(at("harmony level 35%", "level"), Some(0.35));
        assert_eq!(
            at("set the harmony volume to 35 percent", "level"),
            Some(0.35)
        );
        assert_eq!(at("harmony level up 10%", "level"), Some(0.6));
        assert_eq!(at("harmony level all the way up", "level"), Some(1.0));
        assert_eq!(at("harmony spread 35%", "spread"), Some(0.35));
        assert_eq!(
            at("bring the harmony spread down by 10%", "spread"),
            Some(0.4)
        );
        assert_eq!(at("halve the harmony spread", "spread"), Some(0.25));
        assert_eq!(at("harmonies in mono", "spread"), Some(0.0));
        assert!(at("boost the harmony level", "level") > Some(0.5));
        assert!(at("harmony level too high", "level") < Some(0.5));
        assert!(at("go easy on the harmony volume", "level") < Some(0.5));
        assert!(at("harmony volume more down", "level") < Some(0.5));
        let wide = call("add 2 harmony voices spread wide", &[]).unwrap();
        assert_eq!(wide["voices"], 2);
        assert!(wide["spread"].as_f64().unwrap() >= 0.7, "{wide:?}");
    }

    #[test]
    fn level_and_width_move_the_right_way() {
        let start = [("harmony_voices", 2.0), ("harmony_level", 0.6)];
        let quieter = call("the harmonies are too loud", &start).unwrap();
        assert!(quieter["level"].as_f64().unwrap() < 0.6, "{quieter:?}");
        assert!(!quieter.contains_key("voices"), "{quieter:?}");
        let pulled = call("pull the backing vocals down", &start).unwrap();
        assert!(pulled["level"].as_f64().unwrap() < 0.6, "{pulled:?}");
        let strong = call("the harmonies are too strong", &start).unwrap();
        assert!(strong["level"].as_f64().unwrap() < 0.6, "{strong:?}");
        let louder = call("bring the harmony voices up", &start).unwrap();
        assert!(louder["level"].as_f64().unwrap() > 0.6, "{louder:?}");
        let start = [("harmony_voices", 2.0), ("harmony_spread", 0.5)];
        let narrow = call("narrower harmonies", &start).unwrap();
        assert!(narrow["spread"].as_f64().unwrap() < 0.5, "{narrow:?}");
        let wide = call("two harmonies, wide", &[]).unwrap();
        assert_eq!(wide["voices"], 2);
        assert!(wide["spread"].as_f64().unwrap() >= 0.7, "{wide:?}");
    }

    #[test]
    fn modes() {
        let start = [("harmony_voices", 1.0)];
        assert_eq!(
            call("diatonic harmony", &start).unwrap()["mode"],
            "diatonic"
        );
        assert_eq!(
            call("harmony from my midi keyboard", &start).unwrap()["mode"],
            "midi"
        );
        assert_eq!(
            call("harmonies that follow the chords", &start).unwrap()["mode"],
            "chord"
        );
    }
}
