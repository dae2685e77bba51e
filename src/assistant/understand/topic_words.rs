//! The word lists and phrases the clause classifier weighs as evidence: tuning words that
//! hold beside a backing request, mixing and making words, output words, groove cues, voice
//! phrases and characters.

use super::normalise::Words;

/// Tuning words that make a clause about tuning even beside a backing request.
pub(super) const STRONG_TUNE: &[&str] = &[
    "correcting",
    "tune",
    "tuning",
    "tuned",
    "autotune",
    "autotuned",
    "correction",
    "retune",
    "snap",
    "tpain",
    "humanize",
    "humanise",
    "vibrato",
    "glide",
    "pitchy",
    "tuner",
];

/// Words that switch or level the backing rather than make one.
pub(super) const MIX_WORDS: &[&str] = &[
    "unmute",
    "on",
    "off",
    "start",
    "stop",
    "play",
    "open",
    "close",
    "mute",
    "kill",
    "pause",
    "resume",
    "run",
    "running",
    "roll",
    "rolling",
    "playing",
    "kick",
    "louder",
    "quieter",
    "volume",
    "level",
    "db",
    "up",
    "down",
    "lower",
    "raise",
    "quiet",
    "loud",
    "less",
    "hear",
    "unity",
    "decibels",
    "decibel",
    "drop",
    "minus",
    "no",
    "without",
    "bring",
    "back",
    "more",
    "strong",
    "alone",
    "free",
    "freerun",
    "own",
    "independently",
    "ignore",
    "sync",
    "follow",
    "headphones",
    "unmute",
    "softer",
    "fade",
    "silence",
    "disable",
    "enable",
    "remove",
    "cut",
    "shut",
    "halt",
    "ditch",
    "lose",
    "half",
    "halve",
    // A backing's level described ("the playback is too high", "reduce the base", "it's
    // covering my voice", "the beat may be a bit harder").
    "reduce",
    "stronger",
    "harder",
    "high",
    "low",
    "covering",
    "covers",
    "tuck",
    // "The beat's way too hot", "the band is drowning me".
    "hot",
    "drowning",
    "drowns",
    "clipping",
];

/// Words that make a backing (so "make a backing" is not a level change).
pub(super) const MAKE_WORDS: &[&str] = &[
    "make", "generate", "create", "new", "give", "gimme", "write", "another", "build", "do",
    "throw", "need", "cook", "whip",
];

/// Words about the output level and the plugin as a whole.
pub(super) const OUTPUT_WORDS: &[&str] = &[
    "louder",
    "quieter",
    "volume",
    "gain",
    "output",
    "db",
    "bypass",
    "bypassing",
    "bypassed",
    "unbypass",
    "engage",
    "decibels",
    "loud",
    "quiet",
];

/// Words that make an artist named a groove to play rather than a sound to have.
pub(super) const GROOVE_CUES: &[&str] = &[
    "vibe",
    "vibes",
    "groove",
    "grooves",
    "feel",
    "beat",
    "beats",
    "chords",
    "riddim",
    "type",
    "style",
    "ish",
    "esque",
    "bed",
    "jam",
    "instrumental",
    "accompaniment",
    "band",
    "era",
    "flavoured",
    "flavored",
    "flavour",
    "flavor",
    "spirit",
    "vein",
    "music",
    "playback",
];

/// Phrases about the voice's tone without a control word.
pub(super) const VOICE_PHRASES: [&str; 8] = [
    "cut through",
    "low end",
    "lows",
    "thin out",
    "more air",
    "space around",
    "more space",
    "some space",
];

/// Voice presets and characters named without a control word.
pub(super) fn voice_character(words: &Words) -> bool {
    words.has_any(super::characters::CARTOON_CHARACTERS)
        || words.has_any(super::characters::CHIPMUNK_CHARACTERS)
        || words.has_any(super::characters::LOW_CHARACTERS)
        || words.has_any(super::characters::PHONE_WORDS)
        || words.has_any(&["slowed", "slowedreverb", "screwed", "syrup"])
        || words.has_any(&[
            "robot",
            "robotic",
            "powerful",
            "ethereal",
            "intimate",
            "vulnerable",
            "neutral",
            "chipmunk",
            "chipmunks",
            "helium",
            "nightcore",
            "demon",
            "demonic",
            "monster",
            "devil",
            "villain",
            "cartoon",
            "telephone",
            "phone",
            "radio",
            "dark",
            "darker",
            "bright",
            "scary",
            "breathy",
            "tinny",
            "angel",
        ])
}

/// Words that take something away altogether, whatever it is ("skip the harmonies", "forget
/// the autotune", "ditch the pitch shift", "strip the reverb"): every switch and amount
/// reader counts them as "off" beside its own words.
pub(super) const REMOVING: &[&str] = &[
    "remove",
    "kill",
    "disable",
    "ditch",
    "lose",
    "rid",
    "skip",
    "forget",
    "strip",
    "nix",
    "delete",
    "eliminate",
    "without",
];

/// Whether a switch's clause takes its thing away: a word of `REMOVING`, "take ... out" or
/// "don't use" ("take the harmonies out", "don't use autotune").
pub(super) fn takes_away(words: &Words) -> bool {
    words.has_any(REMOVING)
        || words.has("take") && words.has("out")
        || words.has_phrase("don't use")
        || words.has_phrase("dont use")
}
