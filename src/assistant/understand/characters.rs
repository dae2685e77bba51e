//! Voices named by who or what they sound like: cartoon and low characters, chipmunks,
//! slowed and screwed records, telephones and radios, punchy and angelic vocals. Each sets
//! the few `voice_modulate` arguments that make that sound.

use serde_json::{json, Map, Value};

use super::normalise::Words;
use super::references::VoiceRef;

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
pub(super) fn slowed(words: &Words, args: &mut Map<String, Value>) {
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
fn wanted(words: &Words, names: &[&str], high: bool) -> bool {
    // "Too chipmunky", "so I don't sound like a cartoon": pushed away, not asked for.
    // "A bit chipmunky, bring it down a hair": a lowering order after it pushes it away.
    words.find_any(names).is_some_and(|i| {
        let before = (i.saturating_sub(5)..i).any(|k| {
            matches!(
                words.at(k),
                "less" | "no" | "not" | "without" | "too" | "don't" | "dont" | "never"
            )
        });
        let lowered_after = (i + 1..words.len())
            .any(|k| matches!(words.at(k), "down" | "lower" | "less" | "reduce" | "tame"));
        // A lowering order after a low character goes with it ("a giant, pitch way down").
        !(before || high && lowered_after || said_of_the_sound_now(words))
    })
}

/// "I sound like a cartoon", "it sounds like a chipmunk": what the voice is now, a
/// complaint, unless it is asked for ("can I sound like...", "make me sound like...").
fn said_of_the_sound_now(words: &Words) -> bool {
    let describes = [
        "i sound like",
        "it sounds like",
        "sounds like",
        "i'm sounding like",
    ]
    .iter()
    .any(|p| words.has_phrase(p));
    describes
        && !words.has_any(&[
            "want", "wanna", "make", "can", "could", "let", "should", "would", "need", "please",
            "pls", "gimme", "give", "turn",
        ])
}

/// Characters that set pitch and formant together.
pub(super) fn character(words: &Words, args: &mut Map<String, Value>) {
    // A baby monitor is a small speaker, not a child's voice.
    let cartoon = wanted(words, CARTOON_CHARACTERS, true) && !words.has("monitor");
    let chipmunk = wanted(words, CHIPMUNK_CHARACTERS, true);
    // "Deep in a giant cave" is a place, not a giant's voice.
    let place = words.has_any(&["cave", "hall", "church", "cathedral", "room", "canyon"]);
    let demon = wanted(words, LOW_CHARACTERS, false) && !(place && words.has("giant"))
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
pub(super) fn punch(words: &Words, args: &mut Map<String, Value>) {
    if words.has_any(&["punchy", "upfront", "frontman", "anthem"]) || words.has_phrase("up front") {
        args.insert("presence".into(), json!(0.75));
        args.insert("compression".into(), json!(0.6));
    }
}

/// An angel: airy breath in a big space (the ethereal preset would also move the formants).
pub(super) fn angel(words: &Words, args: &mut Map<String, Value>) {
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

/// A character, artist or record known for a vocal sound ("GLaDOS", "Burial-style",
/// "like a gramophone"): the settings that make it, unless the request set them itself.
pub(super) fn referenced(words: &Words, args: &mut Map<String, Value>) {
    // A preset named sets these itself ("the powerful voice preset, I'm belting").
    // "I sound like a chipmunk", "sounds washed out": the voice as it is now, a complaint.
    let Some(voice) = super::references::voice(words)
        .filter(|_| !args.contains_key("preset") && !said_of_the_sound_now(words))
    else {
        return;
    };
    // Each value sits well inside what a listener would call that sound: a robot at 0.8 is
    // unmistakable, a pitched-up sample a fourth up, a huge space 0.75 of the reverb.
    let settings: &[(&str, f64)] = match voice {
        VoiceRef::HardTune | VoiceRef::NaturalTune => &[],
        VoiceRef::Robot => &[("robot", 0.8)],
        VoiceRef::LowGiant => &[("pitch_semitones", -12.0), ("formant_semitones", -5.0)],
        VoiceRef::HighSmall => &[("pitch_semitones", 7.0), ("formant_semitones", 4.0)],
        VoiceRef::PitchedUp => &[("pitch_semitones", 5.0)],
        VoiceRef::PitchedDown => &[("pitch_semitones", -5.0)],
        VoiceRef::Whisper => &[("whisper", 0.7)],
        VoiceRef::Breathy => &[("breathiness", 0.5)],
        VoiceRef::HugeReverb => &[("reverb", 0.75)],
        VoiceRef::Dry => &[("reverb", 0.0)],
        VoiceRef::SmallSpeaker => &[("warmth", 0.15), ("presence", 0.8)],
        VoiceRef::Warm => &[("warmth", 0.75)],
        VoiceRef::BrightUpfront => &[("presence", 0.75)],
    };
    // "Cocteau Twins amount of reverb": the reference's own control named without a value or
    // a way gets the reference's amount, not the reader's default; "Cocteau Twins but less
    // reverb" keeps what the request said, and so do other readers ("in a cathedral").
    let said = words
        .words
        .iter()
        .any(|w| super::normalise::number(&w.text).is_some())
        || words.has_any(&[
            "less", "more", "no", "without", "down", "up", "lower", "higher", "bit", "little",
            "touch", "slightly", "half", "double", "some",
        ]);
    for (name, value) in settings {
        let named = match *name {
            "breathiness" => words.has_any(&["breath", "breathiness", "air"]),
            "pitch_semitones" | "formant_semitones" => false,
            other => words.has(other),
        };
        if named && !said {
            args.insert((*name).to_string(), json!(value));
        } else {
            args.entry(*name).or_insert(json!(value));
        }
    }
}

/// A telephone or old radio: no lows, forward mids and highs.
pub(super) fn telephone(words: &Words, args: &mut Map<String, Value>) {
    let phone = words.has_any(PHONE_WORDS);
    if phone {
        args.insert("warmth".into(), json!(0.15));
        args.insert("presence".into(), json!(0.8));
    }
}
