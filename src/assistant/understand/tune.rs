//! The `voice_tune` reader: key and scale (named, moved by an interval, or taken from the
//! backing), presets by name or by description, retune speed, amount, humanize, vibrato and
//! the on/off switch, each moved from its current value when the words are relative.

use serde_json::{json, Map, Value};

use super::normalise::{number, Words};
use super::references::VoiceRef;
use super::relative::{apply_fraction, read_move, value, Move, Size, Steps};
use super::retune::retune;
use super::slots::{direction_near, find_key, interval_at};
use super::Context;
use crate::assistant::state::ParamValue;
use crate::assistant::tools::{ToolCall, ToolName};
use crate::music::theory::{PitchClass, ScaleKind};

/// Words that make a clause about pitch correction.
pub const TUNE_WORDS: &[&str] = &[
    "correcting",
    "tune",
    "tuning",
    "tuned",
    "autotune",
    "autotuned",
    "correction",
    "correct",
    "retune",
    "snap",
    "tpain",
    "pitchy",
    "key",
    "scale",
    "humanize",
    "humanise",
    "vibrato",
    "glide",
    "tonic",
    "root",
    "chromatic",
    "snappy",
];

/// A key (and maybe scale) taken from elsewhere: the backing of this request or the
/// current one, for "tune to the same key".
pub type KeyRef = Option<(PitchClass, Option<ScaleKind>)>;

/// Whether the clause asks to follow another key ("the same key", "match it", "the
/// backing's key").
pub fn wants_other_key(words: &Words) -> bool {
    words.has("same")
        || words.has("match")
        || words.has_phrase("to it")
        || words.has_phrase("to that")
        || words.has_phrase("also the same")
        || words.has_phrase("whatever key")
        || (words.has_any(&["backing", "beat", "music"]) && words.has_any(&["key", "tune"]))
}

/// Artists, records and words known for the hard, stepped tuning sound.
pub const HARD_TUNED: &[&str] = &[
    "tpain",
    "cher",
    "808s",
    "travis",
    "kanye",
    "wayne",
    "kesha",
    "quavo",
    "migos",
    "snapped",
    "stepped",
    "reggaeton",
    "afrobeats",
    "accroche",
];

/// Whether an artist, record or word known for a tuning sound is named (the hard, stepped
/// sound or the invisible one).
pub fn tuning_referenced(words: &Words) -> bool {
    words.has_any(HARD_TUNED)
        || super::references::voice(words).is_some_and(|v| v.is_tuning())
        || sticks_to_every_note(words)
}

/// "Stick every note instantly", "stick to every note": the hard sound described.
fn sticks_to_every_note(words: &Words) -> bool {
    words.has_phrase("stick every note") || words.has_phrase("stick to every note")
}

/// Whether an artist, record or word known for the hard, stepped sound is named.
fn hard_referenced(words: &Words) -> bool {
    words.has_any(HARD_TUNED)
        || super::references::voice(words) == Some(VoiceRef::HardTune)
        || style_tuning(words) == Some(VoiceRef::HardTune)
}

/// The tuning sound of an artist named for their tuning ("Sfera Ebbasta autotune", "tune me
/// like Rod Wave", "jazz club tuning ala Diana Krall"): the scenes where the audible, stepped
/// sound is the norm (hip-hop, reggaeton and the rest of latin pop, edm) or where tuning is
/// hidden (jazz, blues, ballads, soul, rock, reggae). Pop and lo-fi say nothing either way.
fn style_tuning(words: &Words) -> Option<VoiceRef> {
    if !words.has_any(TUNE_WORDS) {
        return None;
    }
    match super::references::style(words)? {
        "hiphop" | "latin" | "edm" => Some(VoiceRef::HardTune),
        "jazz" | "blues" | "ballad" | "neo_soul" | "rock" | "funk" | "reggae" => {
            Some(VoiceRef::NaturalTune)
        }
        _ => None,
    }
}

/// Reads a `voice_tune` call from a clause.
pub fn read(words: &Words, ctx: &Context, other_key: KeyRef) -> Option<ToolCall> {
    let (key, scale) = find_key(words);
    let mut args = Map::new();
    let has_tune_word = words.has_any(TUNE_WORDS)
        || words.has_phrase("pitch correction")
        || words.has_any(&["transparent", "natural", "moderate", "aggressive", "amount"])
        || tuning_referenced(words)
        || words.has_phrase("too robotic")
        || words.has("strength");
    match (key, other_key.filter(|_| wants_other_key(words))) {
        (Some(k), _) => {
            args.insert("key".into(), json!(k.name()));
        }
        (None, Some((k, s))) => {
            args.insert("key".into(), json!(k.name()));
            if let Some(s) = s.filter(|_| scale.is_none()) {
                args.insert("scale".into(), json!(s.id()));
            }
        }
        (None, None) => {
            if let Some((k, s)) = related_key(words, ctx) {
                args.insert("key".into(), json!(k.name()));
                args.insert("scale".into(), json!(s.id()));
            } else if let Some(k) = moved_key(words, ctx) {
                args.insert("key".into(), json!(k.name()));
            }
        }
    }
    let scale = scale.filter(|_| !args.contains_key("scale"));
    if let Some(s) = scale.or_else(|| chromatic(words).then_some(ScaleKind::Chromatic)) {
        args.insert("scale".into(), json!(s.id()));
    }
    if !has_tune_word && args.is_empty() && !words.has_phrase("natural drift") {
        return None;
    }
    // "Leave out the B and speed the retune up": a note removed is no switch, and the rest
    // of the order still reads.
    let drops_notes = super::targets::note_set(words).is_some();
    match switch(words, has_tune_word) {
        Some(false) if !drops_notes => {
            return Some(ToolCall::new(
                ToolName::VoiceTune,
                json!({"enabled": false}),
            ));
        }
        Some(true) => {
            args.insert("enabled".into(), json!(true));
        }
        _ => {}
    }
    if let Some(way) = super::tune_ladder::way(words).filter(|_| has_tune_word) {
        let now = ctx.state.number("tune_retune_ms");
        match super::tune_ladder::step(now, way) {
            Some(p) => args.insert("preset".into(), json!(p)),
            // Past the ladder's end: the time itself, a plain step slower or faster.
            None if way > 0 => args.insert(
                "retune_ms".into(),
                json!(super::retune::slower_ms(now, Size::Normal)),
            ),
            None => args.insert(
                "retune_ms".into(),
                json!(super::retune::faster_ms(now, Size::Normal)),
            ),
        };
    } else if let Some(p) = preset(words, has_tune_word) {
        args.insert("preset".into(), json!(p));
    }
    retune(words, ctx, &mut args);
    amounts(words, ctx, &mut args);
    if args.is_empty() {
        // "Tune me" alone: tuning on with what is set (never when negated: "I don't want
        // autotune").
        let negated = words.has_any(&["don't", "dont", "not", "no", "never", "stop", "without"]);
        if words.has_any(&["tune", "autotune", "tuning"]) && words.len() <= 4 && !negated {
            args.insert("enabled".into(), json!(true));
        } else {
            return None;
        }
    }
    Some(ToolCall::new(ToolName::VoiceTune, Value::Object(args)))
}

/// "Correct to every note", "all 12 notes", "no key": the chromatic scale.
fn chromatic(words: &Words) -> bool {
    // "Every note snapped", "stick every note instantly" describe the hard sound of each
    // sung note, not the notes allowed.
    let each_sung = words.has_any(&["snapped", "snap", "stick", "locked", "instantly", "stepped"]);
    words.has_phrase("every note") && !each_sung
        || words.has_phrase("all 12 notes")
        || words.has_phrase("nearest semitone")
        || words.has_phrase("no key")
}

/// A key related to the current one: "the relative minor" (three semitones down, minor),
/// "the relative major" (three up, major), "the parallel minor" or "same key but minor".
fn related_key(words: &Words, ctx: &Context) -> Option<(PitchClass, ScaleKind)> {
    let now = match ctx.state.get("tune_key") {
        Some(ParamValue::Key(k)) => k,
        _ => PitchClass::C,
    };
    let same_key = words.has_phrase("same key") || words.has("parallel");
    if words.has_phrase("relative minor") {
        Some((now.transpose(-3), ScaleKind::Minor))
    } else if words.has_phrase("relative major") {
        Some((now.transpose(3), ScaleKind::Major))
    } else if same_key && words.has("minor") {
        Some((now, ScaleKind::Minor))
    } else if same_key && words.has("major") {
        Some((now, ScaleKind::Major))
    } else {
        None
    }
}

/// The current key moved by an interval: "move the key up a whole step".
fn moved_key(words: &Words, ctx: &Context) -> Option<PitchClass> {
    let at = words.find_any(&["key"])?;
    let (size, i) = (0..words.len()).find_map(|i| interval_at(words, i).map(|(s, _)| (s, i)))?;
    if size < 1.0 {
        return None;
    }
    let count = number(words.before(i)).filter(|n| *n >= 1.0).unwrap_or(1.0);
    let dir = direction_near(words, i).or_else(|| direction_near(words, at))?;
    let now = match ctx.state.get("tune_key") {
        Some(ParamValue::Key(k)) => k,
        _ => PitchClass::C,
    };
    Some(now.transpose((dir * count * size).round() as i32))
}

/// Whether a negation stands right before the tuning ("no pitch correction on this one",
/// "without any autotune"): up to two words between ("no more", "the", "pitch").
fn negated_tuning(words: &Words) -> bool {
    const TUNING: [&str; 6] = [
        "tuning",
        "autotune",
        "tune",
        "correction",
        "tuner",
        "autotuner",
    ];
    // "Don't correct my pitch at all", "don't tune me": a negated order to tune.
    let corrects = |w: &str| {
        matches!(
            w,
            "correct" | "tune" | "autotune" | "fix" | "correcting" | "tuning" | "fixing"
        )
    };
    // "Stop to correct my notes", "stop correcting me".
    let negated_verb = (0..words.len())
        .filter(|&i| matches!(words.at(i), "don't" | "dont" | "not" | "never" | "stop"))
        .any(|i| corrects(words.at(i + 1)) || words.at(i + 1) == "to" && corrects(words.at(i + 2)))
        && !words.has_any(&["vibrato", "humanize", "retune", "amount"]);
    // "Tuning no more please".
    let no_more_after = (1..words.len()).any(|i| {
        TUNING.contains(&words.at(i - 1)) && words.at(i) == "no" && words.at(i + 1) == "more"
    });
    negated_verb
        || no_more_after
        || (0..words.len())
            .filter(|&i| matches!(words.at(i), "no" | "without" | "zero" | "none"))
            .any(|i| (i + 1..=i + 3).any(|k| TUNING.contains(&words.at(k))))
}

/// Tuning switched on (`Some(true)`) or off (`Some(false)`).
fn switch(words: &Words, has_tune_word: bool) -> Option<bool> {
    if !has_tune_word {
        return None;
    }
    let off = words.has_any(&[
        "off", "disable", "bypass", "ditch", "kill", "stop", "remove", "mute", "close", "none",
    ]) || super::topic_words::takes_away(words)
        || words.has_phrase("put out")
        // "Autotune to zero", "autotune at 0 %" ("zero glide" is a hard snap).
        || ["to zero", "at zero", "to 0", "at 0 %", "at 0 percent"]
            .iter()
            .any(|p| words.has_phrase(p))
        || negated_tuning(words)
        || words.has_phrase("don't want")
        || words.has_phrase("dont want")
        || words.has_phrase("do not want")
        || words.has_phrase("no tuning")
        || words.has_phrase("no autotune")
        || words.has_phrase("no tune")
        || words.has_phrase("without tune")
        || words.has_phrase("without tuning")
        || words.has_phrase("without autotune")
        || words.has_phrase("stop the")
        || words.has_phrase("any tuning")
        || words.has_phrase("any autotune");
    let about_switch = !words.has_any(&["vibrato", "humanize", "retune", "amount"]);
    // "Ease off how hard it snaps", "back off the tuning a bit": less, not off.
    let eased = ["ease off", "back off", "ease up", "dial back"]
        .iter()
        .any(|p| words.has_phrase(p))
        // "Back the tuning off a bit", "ease the autotune off a touch": the verb around it.
        || words.has_any(&["back", "ease"]) && words.has("off");
    if off && about_switch && !eased {
        return Some(false);
    }
    // "Return the pitch correction", "restore the autotune": on again.
    let on = words.has_any(&[
        "on",
        "enable",
        "activate",
        "engage",
        "return",
        "restore",
        "reactivate",
    ]) || (words.has("open") || words.has("back")) && words.has_any(&["again", "on"])
        // "Give me back my autotune", "bring the tuning back".
        || words.has("back") && words.has_any(&["give", "bring", "put", "want"]);
    (on && about_switch).then_some(true)
}

/// A tuning preset named or described.
fn preset(words: &Words, has_tune_word: bool) -> Option<&'static str> {
    // "Less aggressive", "not so hard": softer, never the harder preset named.
    let eased = [
        "ease off",
        "back off",
        "ease up",
        "dial back",
        "not so",
        "not such",
        "not as",
    ]
    .iter()
    .any(|p| words.has_phrase(p));
    // "Don't snap so hard": the negation eases too.
    let negated = words.has_any(&["don't", "dont"]);
    let less_hard =
        (words.has_any(&["less", "too", "softer", "gentler", "weaker"]) || eased || negated)
            && words.has_any(&[
                "snaps",
                "snap",
                "hard",
                "aggressive",
                "robotic",
                "snappy",
                "strong",
                "obvious",
            ]);
    // "Make the tuning less fast", "not so quick": gentler, never aggressive (with the retune
    // named, its time moves instead).
    // (The retune reader slows it; no preset.)
    let less_fast = (words.has_any(&["less", "too"]) || eased) && words.has_any(&["fast", "quick"]);
    if less_fast {
        return None;
    }
    if less_hard && has_tune_word {
        return Some("natural");
    }
    if words.has_phrase("too robotic") {
        return Some("natural");
    }
    let softer = words.has_phrase("too robotic")
        || words.has_phrase("less robotic")
        || words.has_phrase("too obvious")
        || words.has_phrase("too hard")
        || words.has_phrase("too strong")
        || words.has_phrase("too much")
        || (words.has_any(&["human", "organic"]) && !words.has_any(&["humanize", "humanise"]));
    let hidden = words.has_any(&["invisible", "transparent", "unnoticeable", "subtle"])
        || words.has_phrase("not noticeable")
        || words.has_phrase("hear it")
        || words.has_phrase("should hear");
    if words.has_any(&["vulnerable", "fragile"]) && has_tune_word {
        return Some("vulnerable");
    }
    let natural_singer = super::references::voice(words) == Some(VoiceRef::NaturalTune)
        || style_tuning(words) == Some(VoiceRef::NaturalTune);
    if hidden || natural_singer {
        return Some("transparent");
    }
    // "Just a touch of autotune", "a little tuning", "light correction": gentle.
    let light = ["touch of", "little", "bit of", "hint of", "light", "some"]
        .iter()
        .filter_map(|p| words.find_phrase(p).map(|i| i + p.split(' ').count()))
        .any(|after| {
            matches!(
                words.at(after),
                "autotune" | "tuning" | "correction" | "tune"
            )
        })
        && !words.has_any(&["more", "less", "not", "no"]);
    if light && has_tune_word {
        return Some("natural");
    }
    if softer && has_tune_word || words.has_any(&["natural", "naturally", "realistic"]) {
        return Some("natural");
    }
    if words.has_any(&["moderate", "medium", "balanced", "middle"]) {
        return Some("moderate");
    }
    if words.has("aggressive") {
        return Some("aggressive");
    }
    let hard = hard_referenced(words)
        || words.has_phrase("hard tune")
        || words.has_any(&["hard", "extreme", "instant", "fastest", "robotic", "robot"])
        || words.has("snap") && !words.has("key") && words.len() <= 4
        // "That afrobeats snap", "very strong, the voice jumps", "stick every note".
        || sticks_to_every_note(words)
        || ["that snap", "the snap", "very strong", "super strong", "really strong"]
            .iter()
            .any(|p| words.has_phrase(p));
    if hard {
        return Some("hard_tune");
    }
    let retune_words = words.has_any(&["retune", "speed", "snappy", "tuning", "autotune"]);
    let too_fast = words.has_phrase("too fast") || words.has_any(&["slower", "glide"]);
    let fast = words.has_any(&["fast", "tight", "aggressive", "quick", "snappy"]);
    // "Twice as fast as now" is a step from the current time, not the preset.
    let multiple = words.has_any(&["twice", "double", "half", "halve"]);
    if fast && retune_words && !too_fast && !multiple {
        return Some("aggressive");
    }
    if words.has_any(&["light", "slight", "gentle", "barely"]) {
        return Some("transparent");
    }
    None
}

/// Amount, humanize and vibrato.
fn amounts(words: &Words, ctx: &Context, args: &mut Map<String, Value>) {
    let state = ctx.state;
    let amount_at = words.find_any(&["amount", "strength"]).or_else(|| {
        // "Autotune at 80 percent", "more correction": the tuning word carries it.
        let percent = words.has_any(&["%", "percent"]);
        let more = words.has_any(&[
            "more", "harder", "double", "less", "weaker", "stronger", "down", "reduce", "lower",
        ]) || ["dial back", "not so", "not this", "too much", "ease off", "back off"]
            .iter()
            .any(|p| words.has_phrase(p))
            // "Pull the pitch correction back a little", "ease the tuning amount".
            || words.has_any(&["ease", "pull", "dial", "tame"]) && words.has_any(&["back", "off", "down"])
            || words.has("back") && words.has("off");
        let other = words.has_any(&["humanize", "humanise", "vibrato", "retune"]);
        // "The correction more natural": the "more" describes the sound, and a more natural
        // tuning is never a stronger one.
        let describes = (0..words.len()).any(|i| {
            // "Less fast", "not so quick": the speed, not the amount.
            matches!(words.at(i), "less" | "so")
                && matches!(words.at(i + 1), "fast" | "quick" | "snappy" | "robotic" | "aggressive")
                || words.at(i) == "more"
                && matches!(
                    words.at(i + 1),
                    "natural" | "subtle" | "human" | "gentle" | "transparent" | "relaxed"
                        | "loose" | "soft" | "smooth" | "organic" | "realistic"
                )
        });
        (!other && !describes && (percent || more))
            .then(|| words.find_any(&["correction", "autotune", "tuning", "tune"]))
            .flatten()
    });
    if let Some(i) = amount_at {
        let m =
            super::relative::default_move(words, i, "tune_amount").or_else(|| read_move(words, i));
        if let Some(m) = m.filter(|m| !matches!(m, Move::Level(None))) {
            let steps = Steps {
                default: 0.8,
                floor_more: 0.5,
            };
            let m = if words.has("harder") {
                Move::Up(Size::Big)
            } else {
                m
            };
            args.insert(
                "amount".into(),
                value(apply_fraction(m, state.number("tune_amount"), steps)),
            );
        }
    }
    let humanize_at = words
        .find_prefix(&["humaniz", "humanis"])
        .or_else(|| words.find_phrase("natural drift"));
    if let Some(i) = humanize_at {
        let steps = Steps {
            default: 0.4,
            floor_more: 0.5,
        };
        let m = super::relative::default_move(words, i, "tune_humanize")
            .or_else(|| read_move(words, i))
            .unwrap_or(Move::Level(None));
        args.insert(
            "humanize".into(),
            value(apply_fraction(m, state.number("tune_humanize"), steps)),
        );
    }
    if let Some(i) = words.find_any(&["vibrato"]) {
        let v = vibrato(words, i, state.number("tune_vibrato"));
        args.insert("vibrato".into(), value(v));
    }
}

/// Word beginnings of the verbs that take a singer's vibrato away ("iron out", "flatten",
/// "kill", "remove", "lose"...): negated or complained of, they ask to keep it.
pub const VIBRATO_DESTROYERS: &[&str] = &[
    "iron",
    "flatten",
    "kill",
    "remov",
    "straighten",
    "squash",
    "eras",
    "wip",
    "strip",
    "destroy",
    "los",
];

/// Vibrato kept: "keep" means all of it, unless more/less or a number say otherwise.
fn vibrato(words: &Words, at: usize, now: f32) -> f32 {
    let steps = Steps {
        default: 0.8,
        floor_more: 0.5,
    };
    let m = read_move(words, at).unwrap_or(Move::Level(None));
    let keep = words.has_any(&[
        "keep",
        "preserve",
        "leave",
        "save",
        "preservation",
        "through",
    ]);
    // "Don't flatten my vibrato", "stop killing my vibrato", "don't tune the vibrato away":
    // the order is to keep it. "My vibrato's getting ironed out": a complaint, the same
    // wish (unless it is wished for: "I want the vibrato removed").
    // "Don't touch my vibrato", "don't change the vibrato" say the same as the verbs that
    // destroy it.
    let destroys = words.find_prefix(VIBRATO_DESTROYERS).is_some()
        || words.find_prefix(&["touch", "chang", "crush"]).is_some()
        || words.has("away") && words.has_any(&["tune", "tuning", "correct", "autotune"]);
    let negated = words.has_any(&["dont", "don't", "not", "never", "no", "stop", "quit"]);
    let complains = words.has_any(&[
        "getting",
        "being",
        "gets",
        "keeps",
        "ironed",
        "flattened",
        "killed",
        "squashed",
        "gone",
        "lost",
        "erased",
        "removed",
    ]) && !words.has_any(&["want", "need", "like", "make"]);
    if destroys && (negated || complains) {
        return now.max(steps.default);
    }
    // "Don't keep any of my vibrato", "no need to preserve it": none kept.
    let keep_refused = words.words.iter().enumerate().any(|(i, w)| {
        matches!(w.text.as_str(), "keep" | "preserve" | "save")
            && (i.saturating_sub(3)..i)
                .any(|k| matches!(words.at(k), "dont" | "don't" | "not" | "never" | "no"))
    });
    if keep_refused {
        return 0.0;
    }
    match m {
        Move::Set(_) | Move::By(_) | Move::Up(_) | Move::Down(_) | Move::Times(_) => {
            apply_fraction(m, now, steps)
        }
        _ if keep => 1.0,
        other => apply_fraction(other, now, steps),
    }
}

#[cfg(test)]
#[path = "tune_tests.rs"]
mod tests;
