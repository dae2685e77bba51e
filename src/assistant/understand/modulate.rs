//! The `voice_modulate` reader: voice presets, characters (chipmunk, demon, telephone),
//! pitch and formant shifts, and the effect amounts (robot, breath, whisper, reverb,
//! compression, mix, warmth, presence), each moved from its current value when the words
//! are relative. Descriptions of a sound (`descriptors`) fill what no explicit word set.

use serde_json::{json, Map, Value};

use super::characters;
use super::normalise::Words;
use super::relative::{apply_fraction, read_move, value, Move, Size, Steps};
use super::Context;
use crate::assistant::tools::{ToolCall, ToolName};

/// Effects that start at 0: "more" goes at least to half way.
const EFFECT: Steps = Steps {
    default: 0.4,
    floor_more: 0.5,
};

/// Words that make a clause about the voice's character.
pub const VOICE_WORDS: &[&str] = &[
    "edge",
    "bite",
    "cathedral",
    "church",
    "abbey",
    "canyon",
    "enya",
    "gregorian",
    "sigur",
    "deeper",
    "duller",
    "crisper",
    "clearer",
    "brightness",
    "pitch",
    "formant",
    "formants",
    "octave",
    "octaves",
    "semitone",
    "semitones",
    "transpose",
    "breath",
    "breathy",
    "breathiness",
    "breathier",
    "whisper",
    "whispery",
    "reverb",
    "echo",
    "compression",
    "compressor",
    "compress",
    "compressed",
    "squashed",
    "squash",
    "warmth",
    "warm",
    "warmer",
    "presence",
    "brighter",
    "airy",
    "chipmunk",
    "helium",
    "demon",
    "monster",
    "wet",
    "blend",
    "cents",
    "fifth",
    "fourth",
    "third",
    "timbre",
    "dry",
    "mix",
    "slam",
    "squash",
    "punchy",
    "upfront",
    "air",
    "respiration",
    "octave",
];

/// Words that name the robot effect, and so the voice's character too.
pub const ROBOT_WORDS: &[&str] = &[
    "robot",
    "robotic",
    "vocoder",
    "monotone",
    "mechanical",
    "android",
    "cyborg",
    "roboticize",
    "robotize",
];

/// Whether the words name a control of the voice's character (a voice word or a robot word).
pub fn names_voice_control(words: &Words) -> bool {
    words.has_any(VOICE_WORDS) || words.has_any(ROBOT_WORDS)
}

/// Reads a `voice_modulate` call from a clause.
pub fn read(words: &Words, ctx: &Context) -> Option<ToolCall> {
    let tune_context = words.has_any(&["tune", "tuning", "autotune", "correction", "tpain"]);
    let mut args = Map::new();
    let preset = preset(words, tune_context);
    if let Some(p) = preset {
        args.insert("preset".into(), json!(p));
    }
    characters::character(words, &mut args);
    if !args.contains_key("pitch_semitones") {
        super::shifts::shifts(words, ctx, &mut args);
        super::shifts::deeper(words, &mut args);
    }
    robot(words, ctx, tune_context, preset.is_some(), &mut args);
    characters::telephone(words, &mut args);
    characters::punch(words, &mut args);
    characters::angel(words, &mut args);
    effects(words, ctx, preset, &mut args);
    super::tone::tone(words, ctx, &mut args);
    super::described::described(words, ctx, &mut args);
    characters::slowed(words, &mut args);
    characters::referenced(words, &mut args);
    (!args.is_empty()).then(|| ToolCall::new(ToolName::VoiceModulate, Value::Object(args)))
}

/// Whether the words name a voice preset as one ("ethereal voice", "the dark preset"), so a
/// clause of that alone is the voice's in a compound request.
pub fn names_voice_preset(words: &Words) -> bool {
    let tune_context = words.has_any(&["tune", "tuning", "autotune", "correction"]);
    preset(words, tune_context).is_some() && words.has_any(&["voice", "preset", "vocal"])
}

/// A voice preset named ("the ethereal preset", "powerful voice").
fn preset(words: &Words, tune_context: bool) -> Option<&'static str> {
    let named = words.has_any(&["preset", "voice", "setting", "character", "sound", "vocal"]);
    if words.has("intimate") || words.has_phrase("intimate whisper") {
        Some("intimate_whisper")
    } else if words.has_any(&["vulnerable"]) && !tune_context {
        Some("vulnerable")
    } else if words.has_any(&["powerful"]) {
        Some("powerful")
    } else if words.has_any(&["ethereal", "heavenly"]) && !words.has("angel") {
        Some("ethereal")
    } else if (words.has("dark") || words.has("darker") && named)
        && !words.has_any(&["too", "less", "not"])
    {
        // "Dark", "a darker sound" name the preset; "make it darker" is a step of the tone
        // (less presence), as "bright" is.
        Some("dark")
    } else if words.has("bright")
        && named
        && !words.has_any(&["less", "more", "too", "clear", "not", "off", "so"])
    {
        Some("bright")
    } else if words.has_any(&["robot", "robotic"]) && words.has("preset") {
        Some("robot")
    } else if words.has_any(&["neutral"])
        || words.has_any(&["reset", "clean", "plain"]) && words.has_any(&["voice", "effects"])
    {
        Some("neutral")
    } else {
        None
    }
}

/// The robot effect, unless the words describe the tuning.
fn robot(
    words: &Words,
    ctx: &Context,
    tune_context: bool,
    has_preset: bool,
    args: &mut Map<String, Value>,
) {
    // Daft Punk's voices are vocoders.
    // "Droid" and the typo "robott" trigger the effect without counting as voice words.
    let robot_at = words
        .find_any(ROBOT_WORDS)
        .into_iter()
        .chain(words.find_any(&["droid", "robott"]))
        .min()
        .or_else(|| words.find_phrase("daft punk"));
    let Some(i) = robot_at else {
        return;
    };
    if tune_context || has_preset && words.has("preset") {
        return;
    }
    let m = read_move(words, i).unwrap_or(Move::Level(None));
    // "Less robotic" steps down from where the robot is, like "less reverb".
    let off = matches!(m, Move::Off)
        || words.has_phrase("robot anymore")
        || matches!(words.before(i), "not" | "no");
    if off {
        args.insert("robot".into(), json!(0.0));
        return;
    }
    match m {
        Move::Level(None) if words.has_any(&["on", "enable", "add", "effect"]) => {
            args.insert("robot".into(), json!(0.8));
        }
        Move::Level(None) if !has_preset => {
            args.insert("preset".into(), json!("robot"));
        }
        Move::Level(None) => {}
        other => {
            let v = apply_fraction(other, ctx.state.number("mod_robot"), EFFECT);
            args.insert("robot".into(), value(v));
        }
    }
}

/// Breath, whisper, reverb, compression and mix.
fn effects(
    words: &Words,
    ctx: &Context,
    preset: Option<&'static str>,
    args: &mut Map<String, Value>,
) {
    let state = ctx.state;
    let mut set = |triggers: &[&str], name: &str, id: &str, steps: Steps| {
        if let Some(i) = words.find_prefix(triggers) {
            let m = super::relative::default_move(words, i, id)
                .or_else(|| read_move(words, i))
                .unwrap_or(Move::Level(None));
            // "Add some reverb" when that much is there already adds a little more.
            let adds = words.has_any(&["add", "throw", "apply"]);
            let m = if m == Move::Level(None) && adds && state.number(id) >= steps.default {
                Move::Up(Size::Small)
            } else {
                m
            };
            args.insert(
                name.into(),
                value(apply_fraction(m, state.number(id), steps)),
            );
        }
    };
    set(
        &["breath", "air", "respiration"],
        "breathiness",
        "mod_breath",
        EFFECT,
    );
    if preset != Some("intimate_whisper") {
        set(&["whisper"], "whisper", "mod_whisper", EFFECT);
    }
    let reverb = Steps {
        default: 0.3,
        floor_more: 0.5,
    };
    let reverb_words: &[&str] = if space_is_reverb(words) {
        &["reverb", "reverberation", "echo", "space", "room", "hall"]
    } else {
        &["reverb", "reverberation", "echo"]
    };
    set(reverb_words, "reverb", "mod_reverb", reverb);
    set(
        &["compress", "compression", "squash"],
        "compression",
        "mod_compression",
        EFFECT,
    );
    if words.has_any(&["slam", "slammed"]) {
        args.insert("compression".into(), json!(0.8));
    }
    super::wet_dry::dry(words, ctx, args);
    super::wet_dry::mix(words, ctx, args);
}

/// Whether "space" or "room" is the reverb's ("some space around me", "a touch more room
/// on the vocal", "zero room"), not a place named for its sound ("a big room", which the
/// descriptors read) or room in the mix ("make room for the vocal").
pub fn space_is_reverb(words: &Words) -> bool {
    // "Hall" is the German and Dutch word for reverb ("more Hall on the voice").
    let Some(at) = words.find_any(&["space", "room", "hall"]) else {
        return false;
    };
    let amount = words.has_any(&[
        "around", "some", "more", "less", "add", "no", "zero", "bigger", "smaller", "touch", "bit",
        "little", "lot", "tiny", "much", "without", "any", "back", "notch", "twice", "double",
        "half", "trim",
    ]);
    let place = matches!(
        words.before(at),
        "big"
            | "large"
            | "small"
            | "little"
            | "tiny"
            | "huge"
            | "massive"
            | "live"
            | "bath"
            | "concert"
            | "giant"
            | "empty"
    );
    // "Put the Hall to 30 percent": a value set on it.
    let valued = (at + 1..=at + 3).any(|k| super::normalise::number(words.at(k)).is_some());
    (amount || valued) && !place && words.at(at + 1) != "for"
}

#[cfg(test)]
#[path = "modulate_tests.rs"]
mod tests;
