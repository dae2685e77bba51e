//! The `voice_modulate` reader: voice presets, characters (chipmunk, demon, telephone),
//! pitch and formant shifts, and the effect amounts (robot, breath, whisper, reverb,
//! compression, mix, warmth, presence), each moved from its current value when the words
//! are relative. Descriptions of a sound (`descriptors`) fill what no explicit word set.

use serde_json::{json, Map, Value};

use super::characters;
use super::normalise::Words;
use super::relative::{apply_fraction, read_move, size, value, window, Move, Size, Steps};
use super::slots::shift_near;
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
        shifts(words, ctx, &mut args);
        deeper(words, &mut args);
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

/// Whether a shift counts from where the control is now: "one more semitone up", "a further
/// two semis", "two lower than it is now", "down 2 from here", "a second octave on top of
/// the shift", "bring the pitch shift down a tone" (the shift itself is what moves).
fn from_now(words: &Words, at: usize) -> bool {
    let near = |w: &&str| {
        matches!(
            *w,
            "more" | "another" | "extra" | "further" | "additional" | "still"
        )
    };
    let interval = |w: &str| {
        matches!(
            w,
            "semitone" | "semitones" | "semis" | "step" | "steps" | "tone" | "tones" | "octave"
        )
    };
    // "One more semitone", "two semitones more", "+2 on the pitch shift".
    let more_interval = words
        .texts()
        .windows(2)
        .any(|p| near(&p[0]) && interval(p[1]) || interval(p[0]) && near(&p[1]))
        || super::slots::steps_on(words).next().is_some();
    window(words, at).iter().any(near)
        || more_interval
        || [
            "from here",
            "than it is",
            "than now",
            "from where",
            "from now",
            "on top of",
            "from current",
            "from the current",
            "than current",
            "compared to now",
            "relative to now",
            "current shift",
            "than it set",
            "than it is set",
            // "Pitch shift plus one, it's at 3 rn": where it is now is said.
            "its at",
            "it's at",
            "currently at",
            "right now",
        ]
        .iter()
        .any(|p| words.has_phrase(p))
        || words.has("rn")
        || [
            "the shift",
            "the pitch shift",
            "my shift",
            "the current shift",
        ]
        .iter()
        .any(|p| words.has_phrase(p))
            && words.has_any(&[
                "bring", "lower", "raise", "move", "push", "pull", "take", "lift",
            ])
}

/// Whether the clause says the notes must stay ("same notes", "without changing the pitch").
pub(super) fn keeps_pitch(words: &Words) -> bool {
    words.has_phrase("same notes")
        || words.has_phrase("same pitch")
        || words.has_phrase("without changing")
        || words.has_phrase("keep the pitch")
        || words.has_phrase("pitch stays")
        || words.has_phrase("don't change the pitch")
        || words.has_phrase("dont change the pitch")
        || words.has_phrase("not change the pitch")
        || words.has_phrase("without transposing")
        || words.has_phrase("no transposing")
        || words.has_phrase("don't transpose")
        || words.has_phrase("same key")
}

/// Pitch and formant shifts: intervals with direction, resets, steps from where they are.
fn shifts(words: &Words, ctx: &Context, args: &mut Map<String, Value>) {
    let formant_at = words.find_prefix(&["formant"]);
    if let Some(f) = formant_at {
        let now = ctx.state.number("mod_formant");
        let v = shift_near(words, f, true)
            .map(|v| lowered_by_verb(words, f, v))
            .filter(|v| v.abs() <= 12.0)
            .map(|v| {
                let from = if from_now(words, f) {
                    f64::from(now)
                } else {
                    0.0
                };
                (from + v).clamp(-12.0, 12.0)
            })
            .or_else(|| formant_step(words, f, now));
        if let Some(v) = v {
            args.insert("formant_semitones".into(), json!(v));
        }
    }
    if keeps_pitch(words) {
        return;
    }
    let reset = words.has_any(&[
        "reset", "normal", "zero", "rid", "remove", "off", "original", "none", "nothing", "mute",
    ]) || words.has_any(super::topic_words::REMOVING)
        || words.has_phrase("don't use")
        || words.has_phrase("don't want")
        || words.has_phrase("completely")
        || words.has_phrase("no pitch")
        || words.has_phrase("no more pitch")
        || words.has_phrase("pitch 0")
        || words.has_phrase("pitch shift 0")
        || words.has_phrase("pitch back");
    // Beside a formant, only the pitch's own words move the pitch ("formant up 2
    // semitones" is all formant).
    // Beside a formant, an interval word counts for the pitch only across a joint ("go
    // down 12 semitones with a formant shift of +3").
    let joined_apart = |p: usize, f: usize| {
        // A comma alone does not part them: "formant more high please, one semitone".
        (p.min(f) + 1..p.max(f)).any(|i| matches!(words.at(i), "with" | "and" | "but" | "plus"))
    };
    let pitch_at = if let Some(f) = formant_at {
        words
            .find_any(&["pitch", "transpose", "octave", "octaves"])
            .or_else(|| {
                words
                    .find_any(&["semitones", "semitone", "st", "semis"])
                    .filter(|&p| joined_apart(p, f))
            })
    } else {
        words.find_any(&[
            "pitch",
            "shift",
            "transpose",
            "octave",
            "octaves",
            "semitones",
            "semitone",
            "st",
            "cents",
            "fifth",
            "fourth",
            "third",
            "step",
            "tone",
        ])
    };
    // A pitch word right by the formant's is the formant's ("formant pitch up 2"), unless a
    // comma parts them ("drop me an octave, formant +3").
    let apart = |p: usize, f: usize| {
        f.abs_diff(p) > 2 || (p.min(f) + 1..=p.max(f)).any(|i| words.words[i].boundary)
    };
    let Some(p) = pitch_at.filter(|p| formant_at.is_none_or(|f| apart(*p, f))) else {
        return;
    };
    if reset && words.has("pitch") && !words.has_any(&["up", "down"]) {
        args.insert("pitch_semitones".into(), json!(0.0));
        return;
    }
    // "Halve the pitch shift", "half as far down as now", "back up halfway", "pitch shift ÷
    // 2", "make it 50 % of now": a share of the shift there is.
    let halves = words.has_any(&["half", "halve", "halfway"])
        && !words.has_any(&["step", "tone", "semitone"]);
    let factor = match super::fractions::share(words) {
        Some(super::fractions::Share::Of(m)) => Some(f64::from(m)),
        _ => halves.then_some(0.5),
    };
    if let Some(m) = factor {
        let now = f64::from(ctx.state.number("mod_pitch"));
        if now != 0.0 {
            args.insert(
                "pitch_semitones".into(),
                json!((now * m).round().clamp(-24.0, 24.0)),
            );
            return;
        }
    }
    let bare = words.has_any(&["pitch", "transpose", "shift"]);
    if let Some(v) = shift_near(words, p, bare).filter(|v| v.abs() <= 24.0) {
        // "One more semitone up", "another half step": a step from where the pitch is.
        let from = if from_now(words, p) {
            f64::from(ctx.state.number("mod_pitch"))
        } else {
            0.0
        };
        args.insert(
            "pitch_semitones".into(),
            json!((from + v).clamp(-24.0, 24.0)),
        );
    } else if words.has_phrase("one more") || words.has("another") {
        // "Pitch up one more": one semitone on from where it is.
        let dir = super::slots::direction_near(words, p).unwrap_or(1.0);
        let now = f64::from(ctx.state.number("mod_pitch"));
        args.insert(
            "pitch_semitones".into(),
            json!((now + dir).clamp(-24.0, 24.0)),
        );
    } else if matches!(words.at(p), "pitch" | "transpose" | "shift") && names_the_shift(words, p) {
        if let Some(v) = shared_step(words, p, ctx.state.number("mod_pitch"), 24.0) {
            args.insert("pitch_semitones".into(), json!(v));
        }
    }
}

/// A formant shift with no sign of its own takes the lowering verb of its clause ("lower my
/// voice by 5 semitones and the formant by 2" lowers both).
fn lowered_by_verb(words: &Words, at: usize, v: f64) -> f64 {
    let signed = (at.saturating_sub(1)..(at + 5).min(words.len())).any(|k| {
        words.at(k).starts_with(['+', '-'])
            || matches!(words.at(k), "up" | "down" | "plus" | "minus")
    });
    let lowers = words.has_any(&["lower", "drop", "reduce", "decrease"])
        && !words.has_any(&["raise", "higher", "up", "increase"]);
    if v > 0.0 && lowers && !signed {
        -v
    } else {
        v
    }
}

/// "A deeper voice" with no interval: two semitones down in pitch and formant.
fn deeper(words: &Words, args: &mut Map<String, Value>) {
    let deep = words.has("deeper") || words.has_phrase("deep voice");
    if deep && !args.contains_key("pitch_semitones") && !args.contains_key("formant_semitones") {
        args.insert("pitch_semitones".into(), json!(-2.0));
        args.insert("formant_semitones".into(), json!(-2.0));
    }
}

/// A formant step from where it is: "a bit lower", "up a little", "higher".
fn formant_step(words: &Words, at: usize, now: f32) -> Option<f64> {
    if words.has_any(&["reset", "remove", "off", "zero", "normal", "rid"]) {
        return Some(0.0);
    }
    // "Ease the formant back", "ease up on the formant", "dial it back": lower.
    let eases = words.has_any(&["ease", "dial", "tame"])
        && words.has_any(&["back", "up", "off", "down"])
        && !words.has("more");
    let down = eases
        || words.has_any(&[
            "lower", "down", "deeper", "darker", "bigger", "less", "reduce", "decrease",
        ]);
    // "A little more down": the "more" is the size of the way down.
    let more_down = ["more down", "more lower", "more deep", "more deeper"]
        .iter()
        .any(|p| words.has_phrase(p));
    let up = !eases
        && !more_down
        && words.has_any(&[
            "higher", "up", "brighter", "smaller", "raise", "upward", "high", "more", "increase",
        ]);
    if down == up {
        return shared_step(words, at, now, 12.0);
    }
    let step = match size(&window(words, at)) {
        Size::Small => 1.0,
        Size::Normal => 2.0,
        Size::Big => 4.0,
    };
    let step = if down { -step } else { step };
    Some(f64::from((now + step).clamp(-12.0, 12.0)))
}

/// Whether "pitch" at `p` names the pitch shift, not the singer's own pitch ("let my real
/// pitch through", "my pitch wander") or the tuning ("go easy on the pitch fix").
fn names_the_shift(words: &Words, p: usize) -> bool {
    let singers = matches!(words.before(p), "my" | "real" | "natural" | "own");
    let tuning = matches!(
        words.at(p + 1),
        "fix" | "correction" | "correct" | "wander" | "drift" | "through"
    ) || words.has_any(&[
        "tune",
        "tuning",
        "autotune",
        "correction",
        "humanize",
        "wander",
    ]);
    !singers && !tuning
}

/// A step of a shift in semitones that the shared grammar reads at its name ("pitch up a
/// notch", "increase the pitch", "the pitch is too high", "bring down the formants"): 1, 2 or
/// 4 semitones by the size said, from where it is.
fn shared_step(words: &Words, at: usize, now: f32, limit: f32) -> Option<f64> {
    let step = |size: Size| match size {
        Size::Small => 1.0,
        Size::Normal => 2.0,
        Size::Big => 4.0,
    };
    // "More deep", "more bass in the pitch": the "more" sizes a way down.
    let deeper = words.has_any(&["deep", "deeper", "bass", "grave", "low", "lower", "down"])
        && !words.has_any(&["high", "higher", "up"]);
    let v = match read_move(words, at)? {
        Move::Up(size) if deeper => now - step(size),
        Move::Up(size) => now + step(size),
        Move::Down(size) => now - step(size),
        _ => return None,
    };
    Some(f64::from(v.clamp(-limit, limit)))
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
