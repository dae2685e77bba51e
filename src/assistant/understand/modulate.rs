//! The `voice_modulate` reader: voice presets, characters (chipmunk, demon, telephone),
//! pitch and formant shifts, and the effect amounts (robot, breath, whisper, reverb,
//! compression, mix, warmth, presence), each moved from its current value when the words
//! are relative. Descriptions of a sound (`descriptors`) fill what no explicit word set.

use serde_json::{json, Map, Value};

use super::normalise::Words;
use super::relative::{apply_fraction, read_move, size, value, window, Move, Size, Steps};
use super::slots::shift_near;
use super::Context;
use crate::assistant::descriptors::{sound_changes, SoundChange};
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
    "robot",
    "robotic",
    "vocoder",
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
    "monotone",
    "mechanical",
    "android",
    "cyborg",
    "roboticize",
    "robotize",
    "octave",
];

/// Reads a `voice_modulate` call from a clause.
pub fn read(words: &Words, ctx: &Context) -> Option<ToolCall> {
    let tune_context = words.has_any(&["tune", "tuning", "autotune", "correction", "tpain"]);
    let mut args = Map::new();
    let preset = preset(words, tune_context);
    if let Some(p) = preset {
        args.insert("preset".into(), json!(p));
    }
    character(words, &mut args);
    if !args.contains_key("pitch_semitones") {
        shifts(words, ctx, &mut args);
        deeper(words, &mut args);
    }
    robot(words, ctx, tune_context, preset.is_some(), &mut args);
    telephone(words, &mut args);
    punch(words, &mut args);
    angel(words, &mut args);
    effects(words, ctx, preset, &mut args);
    tone(words, ctx, &mut args);
    described(words, ctx, &mut args);
    slowed(words, &mut args);
    (!args.is_empty()).then(|| ToolCall::new(ToolName::VoiceModulate, Value::Object(args)))
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

/// Small, high characters: a cartoon or a child (pitch and formant up).
pub const CARTOON_CHARACTERS: &[&str] = &[
    "cartoon", "toon", "squeaky", "mickey", "minnie", "smurf", "kid", "kids", "child", "baby",
    "toddler", "mouse", "elf", "fairy", "minion", "minions", "pikachu", "gnome", "pixie",
    "munchkin", "squirrel", "hamster", "pitufo", "cricket", "gremlin", "goblin", "imp", "sprite",
    "insect", "bee", "mosquito", "tweety", "canary",
];

/// Sped-up characters: the chipmunk sound (an octave up).
pub const CHIPMUNK_CHARACTERS: &[&str] = &["chipmunk", "chipmunks", "helium", "nightcore", "alvin"];

/// Big, low characters (pitch and formant down).
pub const LOW_CHARACTERS: &[&str] = &[
    "demon",
    "demonic",
    "monster",
    "devil",
    "ogre",
    "troll",
    "vader",
    "giant",
    "beast",
    "orc",
    "venom",
    "bane",
    "hulk",
    "godzilla",
    "growl",
    "growling",
    "growly",
    "kong",
    "goliath",
    "thanos",
    "sauron",
    "grizzly",
    "kidnapper",
    "dragon",
    "titan",
    "golem",
    "colossus",
    "behemoth",
    "cyclops",
];

/// Slowed-down records: "slowed + reverb" (a little lower, in a big reverb) and "chopped and
/// screwed" (a few semitones lower), as their uploads sound.
fn slowed(words: &Words, args: &mut Map<String, Value>) {
    let screwed = words.has_any(&["screwed", "screw", "syrup"]);
    if screwed {
        args.entry("pitch_semitones").or_insert(json!(-4.0));
    } else if words.has_any(&["slowed", "slowedreverb"]) {
        args.entry("pitch_semitones").or_insert(json!(-3.0));
        let reverb = args.get("reverb").and_then(Value::as_f64).unwrap_or(0.0);
        args.insert("reverb".into(), json!(reverb.max(0.6)));
    }
}

/// Whether one of `names` is asked for, not pushed away ("less chipmunky on the formant").
fn wanted(words: &Words, names: &[&str]) -> bool {
    words
        .find_any(names)
        .is_some_and(|i| !matches!(words.before(i), "less" | "no" | "not" | "without"))
}

/// Characters that set pitch and formant together.
fn character(words: &Words, args: &mut Map<String, Value>) {
    // A baby monitor is a small speaker, not a child's voice.
    let cartoon = wanted(words, CARTOON_CHARACTERS) && !words.has("monitor");
    let chipmunk = wanted(words, CHIPMUNK_CHARACTERS);
    // "Deep in a giant cave" is a place, not a giant's voice.
    let place = words.has_any(&["cave", "hall", "church", "cathedral", "room", "canyon"]);
    let demon = words.has_any(LOW_CHARACTERS) && !(place && words.has("giant"))
        || words.has_phrase("bad guy")
        || words.has("villain") && words.has("deep")
        || words.has("scary") && words.has_any(&["low", "deep", "movie"]);
    let (pitch, formant) = if chipmunk {
        (12.0, 7.0)
    } else if cartoon {
        (7.0, 4.0)
    } else if demon {
        (-12.0, -5.0)
    } else {
        return;
    };
    args.insert("pitch_semitones".into(), json!(pitch));
    args.insert("formant_semitones".into(), json!(formant));
}

/// A punchy, upfront vocal: presence and compression (not the powerful preset, which also
/// moves the formants).
fn punch(words: &Words, args: &mut Map<String, Value>) {
    if words.has_any(&["punchy", "upfront", "frontman", "anthem"]) || words.has_phrase("up front") {
        args.insert("presence".into(), json!(0.75));
        args.insert("compression".into(), json!(0.6));
    }
}

/// An angel: airy breath in a big space (the ethereal preset would also move the formants).
fn angel(words: &Words, args: &mut Map<String, Value>) {
    if words.has_any(&["angel", "angels", "angelic", "choir"]) {
        args.entry("reverb").or_insert(json!(0.5));
        args.entry("breathiness").or_insert(json!(0.45));
    }
}

/// Small speakers a voice is heard through: telephones, radios, megaphones.
pub const PHONE_WORDS: &[&str] = &[
    "telephone",
    "phone",
    "radio",
    "megaphone",
    "walkie",
    "tinny",
    "intercom",
    "bullhorn",
    "speakerphone",
    "loudhailer",
    "gramophone",
    "phonograph",
    "monitor",
];

/// A telephone or old radio: no lows, forward mids and highs.
fn telephone(words: &Words, args: &mut Map<String, Value>) {
    let phone = words.has_any(PHONE_WORDS);
    if phone {
        args.insert("warmth".into(), json!(0.15));
        args.insert("presence".into(), json!(0.8));
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
    let more_interval = words
        .texts()
        .windows(2)
        .any(|p| near(&p[0]) && interval(p[1]));
    window(words, at).iter().any(near)
        || more_interval
        || [
            "from here",
            "than it is",
            "than now",
            "from where",
            "from now",
            "on top of",
        ]
        .iter()
        .any(|p| words.has_phrase(p))
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
fn keeps_pitch(words: &Words) -> bool {
    words.has_phrase("same notes")
        || words.has_phrase("same pitch")
        || words.has_phrase("without changing")
        || words.has_phrase("keep the pitch")
        || words.has_phrase("pitch stays")
        || words.has_phrase("same key")
}

/// Pitch and formant shifts: intervals with direction, resets, steps from where they are.
fn shifts(words: &Words, ctx: &Context, args: &mut Map<String, Value>) {
    let formant_at = words.find_prefix(&["formant"]);
    if let Some(f) = formant_at {
        let now = ctx.state.number("mod_formant");
        let v = shift_near(words, f, true)
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
        "reset", "normal", "zero", "rid", "remove", "off", "original",
    ]) || words.has_phrase("no pitch")
        || words.has_phrase("no more pitch")
        || words.has_phrase("pitch 0")
        || words.has_phrase("pitch shift 0")
        || words.has_phrase("pitch back");
    // Beside a formant, only the pitch's own words move the pitch ("formant up 2
    // semitones" is all formant).
    let pitch_at = if formant_at.is_some() {
        words.find_any(&["pitch", "transpose", "octave", "octaves"])
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
    let down = words.has_any(&[
        "lower", "down", "deeper", "darker", "bigger", "less", "reduce", "decrease",
    ]);
    let up = words.has_any(&[
        "higher", "up", "brighter", "smaller", "raise", "upward", "high", "more", "increase",
    ]);
    if down == up {
        return None;
    }
    let step = match size(&window(words, at)) {
        Size::Small => 1.0,
        Size::Normal => 2.0,
        Size::Big => 4.0,
    };
    let step = if down { -step } else { step };
    Some(f64::from((now + step).clamp(-12.0, 12.0)))
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
    let robot_at = words
        .find_any(&[
            "robot",
            "robotic",
            "vocoder",
            "droid",
            "robott",
            "monotone",
            "mechanical",
            "android",
            "cyborg",
            "roboticize",
            "robotize",
        ])
        .or_else(|| words.find_phrase("daft punk"));
    let Some(i) = robot_at else {
        return;
    };
    if tune_context || has_preset && words.has("preset") {
        return;
    }
    let m = read_move(words, i).unwrap_or(Move::Level(None));
    let off = matches!(m, Move::Off)
        || words.has_phrase("less robotic")
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
            let m = read_move(words, i).unwrap_or(Move::Level(None));
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
    dry(words, ctx, args);
    mix(words, ctx, args);
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
        "little", "lot", "tiny", "much", "without", "any",
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
    amount && !place && words.at(at + 1) != "for"
}

/// "Dry the vocal up": less reverb (unless it is the dry signal of the mix).
fn dry(words: &Words, ctx: &Context, args: &mut Map<String, Value>) {
    if !words.has_any(&["dry", "drier", "dryer"]) {
        return;
    }
    if args.contains_key("reverb") || words.has_any(&["signal", "blend", "mix", "untouched"]) {
        return;
    }
    // "I'm too dry", "sounds dry": the singer wants space, not less of it.
    let complaint = words.has_phrase("too dry")
        || words.has_phrase("so dry")
        || words.has_any(&["sounds", "sound"]) && words.has("dry") && !words.has("make");
    if complaint {
        let now = ctx.state.number("mod_reverb");
        args.insert("reverb".into(), value((now + 0.2).clamp(0.3, 1.0)));
        return;
    }
    let now = ctx.state.number("mod_reverb");
    let v = match size(&words.texts()) {
        Size::Small => now - 0.15,
        Size::Normal => now - 0.25,
        Size::Big => 0.0,
    };
    // "Dry like a podcast", "dry like Eminem on Lose Yourself": a dry sound named.
    let named_dry = words.has("like") && size(&words.texts()) == Size::Normal;
    if words.has_any(&["completely", "bone", "totally", "fully"]) || named_dry {
        args.insert("reverb".into(), json!(0.0));
    } else {
        args.insert("reverb".into(), value(v.max(0.0)));
    }
}

/// The dry/wet mix: "50% wet", "blend some untouched voice back in".
fn mix(words: &Words, ctx: &Context, args: &mut Map<String, Value>) {
    let Some(i) = words.find_any(&["mix", "wet", "blend"]) else {
        return;
    };
    let now = ctx.state.number("mod_mix");
    let steps = Steps {
        default: 0.5,
        floor_more: 0.0,
    };
    let m = read_move(words, i).unwrap_or(Move::Level(None));
    // More of the dry or untouched voice is less of the effect.
    let dry = words.has_any(&["dry", "untouched", "original", "clean", "raw"]);
    let v = match m {
        Move::Set(v) => Some(v),
        Move::Max => Some(1.0),
        _ if words.has("fully") => Some(1.0),
        Move::Up(s) | Move::Down(s) if dry => Some(apply_fraction(Move::Down(s), now, steps)),
        Move::Level(_) if dry => Some(apply_fraction(Move::Down(Size::Normal), now, steps)),
        Move::Up(_) | Move::Down(_) | Move::By(_) | Move::Times(_) => {
            Some(apply_fraction(m, now, steps))
        }
        _ => None,
    };
    if let Some(v) = v {
        args.insert("mix".into(), value(v));
    }
}

/// Warmth and presence: 0.5 is flat; comparatives step from the current value.
fn tone(words: &Words, ctx: &Context, args: &mut Map<String, Value>) {
    let bass_in_voice = words.has_any(&["voice", "vocal", "vocals"]) && !words.has("too");
    let warm_at = words
        .find_any(&["warmth", "warm", "warmer", "warmest", "lows", "low-end"])
        .or_else(|| words.find_any(&["bass"]).filter(|_| bass_in_voice))
        .or_else(|| words.find_phrase("low end"))
        .or_else(|| words.find_phrase("too much bass"));
    if let Some(i) = warm_at {
        let m = tone_move(words, i, &["colder"]);
        let default = if words.at(i).starts_with("warm") {
            0.7
        } else {
            0.3
        };
        let steps = Steps {
            default,
            floor_more: 0.0,
        };
        args.insert(
            "warmth".into(),
            value(apply_fraction(m, ctx.state.number("mod_warmth"), steps)),
        );
    }
    let bright_at = words
        .find_any(&[
            "presence", "brighter", "crisper", "clearer", "duller", "clear",
        ])
        .or_else(|| {
            words
                .find_any(&["darker"])
                .filter(|_| !args.contains_key("preset"))
        })
        .or_else(|| words.find_phrase("cut through"))
        // "Less edge on the vocal", "soften the bite": the presence by another name.
        .or_else(|| words.find_any(&["edge", "bite"]))
        .or_else(|| {
            // "Bright" with a direction or a measure moves the tone; alone it is the preset.
            words.find_any(&["bright", "brightness"]).filter(|_| {
                words.has_any(&[
                    "more", "less", "too", "not", "off", "down", "up", "reduce", "some", "lower",
                    "raise", "increase",
                ])
            })
        });
    if let Some(i) = bright_at {
        let m = if words.has_phrase("cut through") {
            Move::Up(Size::Normal)
        } else {
            tone_move(words, i, &["duller", "darker"])
        };
        let steps = Steps {
            default: 0.7,
            floor_more: 0.0,
        };
        args.insert(
            "presence".into(),
            value(apply_fraction(m, ctx.state.number("mod_presence"), steps)),
        );
    }
}

/// A tone control's move; a comparative ("warmer") is a step up unless `lowering` words say
/// down ("colder", "thin out the lows").
fn tone_move(words: &Words, at: usize, lowering: &[&str]) -> Move {
    let m = read_move(words, at).unwrap_or(Move::Level(None));
    let win = window(words, at);
    let down =
        words.has_any(lowering) || words.has_phrase("too much") || words.has_phrase("thin out");
    match m {
        // A tone control is flat at 0.5: "cut the low end off" lowers it, never to nothing.
        Move::Off => Move::Down(size(&win)),
        Move::Level(_) | Move::Up(_) if down => Move::Down(size(&win)),
        Move::Level(l) if words.at(at).ends_with("er") => match l {
            Some(v) if v < 0.5 => Move::Up(Size::Small),
            Some(_) => Move::Up(Size::Big),
            None => Move::Up(Size::Normal),
        },
        other => other,
    }
}

/// What descriptions of the sound ask for, where no explicit word set it.
fn described(words: &Words, ctx: &Context, args: &mut Map<String, Value>) {
    // "Little room sound, not big hall": what follows "not" is what the user does not want.
    let mut texts = Vec::new();
    let mut skip = 0;
    for w in &words.words {
        if w.boundary {
            skip = 0;
        }
        if w.text == "not" {
            skip = 3;
            continue;
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        texts.push(w.text.as_str());
    }
    let keep_pitch = keeps_pitch(words);
    let vague_reverb = words
        .find_prefix(&["reverb", "echo"])
        .is_some_and(|i| matches!(read_move(words, i), Some(Move::Level(None))));
    let step = |id: &str, by: f32| {
        let v = (ctx.state.number(id) + by).clamp(0.0, 1.0);
        value(v)
    };
    // "Gramophone vocal, thin and nasal": beside a small speaker, thin and nasal are the
    // sound wanted, not complaints to fix.
    let speaker = words.has_any(PHONE_WORDS);
    for change in sound_changes(&texts) {
        if speaker && matches!(change, SoundChange::WarmthBy(_) | SoundChange::Formant(_)) {
            continue;
        }
        let (name, value) = match change {
            SoundChange::Reverb(v) => ("reverb", value(v)),
            SoundChange::Preset(p) => ("preset", json!(p)),
            SoundChange::Formant(st) => ("formant_semitones", value(st)),
            SoundChange::Pitch(_) if keep_pitch => continue,
            SoundChange::Pitch(st) => ("pitch_semitones", value(st)),
            SoundChange::WarmthBy(by) => ("warmth", step("mod_warmth", by)),
            SoundChange::PresenceBy(by) => ("presence", step("mod_presence", by)),
            SoundChange::Backing => continue,
        };
        if name == "reverb" && vague_reverb {
            args.insert(name.into(), value);
        } else if name == "preset" && args.contains_key("pitch_semitones") {
            continue;
        } else {
            args.entry(name).or_insert(value);
        }
    }
}

#[cfg(test)]
#[path = "modulate_tests.rs"]
mod tests;
