//! What each clause is about. Evidence is weighed in a fixed order, strongest first: an
//! order to undo, the song intent, the host transport, a named backing, a genre or tempo,
//! the tuning's own words, the voice's controls, levels, then descriptions and bare keys.
//! What no rule is sure of is left to the trained scorer (`model`) or a question.

use super::backing::{changes_current, names_genre};
use super::mix::{BACKING_NOUNS, HOST_WORDS};
use super::modulate::VOICE_WORDS;
use super::normalise::Words;
use super::slots::{bare_level, decibels, direction_near, find_key, find_tempo, interval_at};
use super::Context;
use crate::assistant::descriptors::sound_changes;

/// What a clause speaks of: one tool (two for the mixer's backing and output sides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// Pitch correction (`voice_tune`).
    Tune,
    /// The voice's character (`voice_modulate`).
    Voice,
    /// A new or changed backing pattern (`backing_generate`).
    Backing,
    /// The backing's switch, level or transport (`mix_control`).
    BackingMix,
    /// The output level or bypass (`mix_control`).
    Output,
    /// Turning the song intent into a plan (`intent_process`).
    Process,
    /// Undoing the last turn (`undo`).
    Undo,
}

/// Facts about the whole request that decide what ambiguous clauses mean.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestFacts {
    /// Some clause asks for a new backing (a genre, a tempo, a backing to make): a bare key
    /// in another clause is then the backing's key.
    pub backing: bool,
    /// Some clause names the tuning with its own words.
    pub tuning: bool,
    /// Some clause names an interval ("five semitones"): "voice up" is then a pitch move.
    pub interval: bool,
}

/// Tuning words that make a clause about tuning even beside a backing request.
const STRONG_TUNE: &[&str] = &[
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
];

/// Words that switch or level the backing rather than make one.
const MIX_WORDS: &[&str] = &[
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
];

/// Words that make a backing (so "make a backing" is not a level change).
const MAKE_WORDS: &[&str] = &[
    "make", "generate", "create", "new", "give", "gimme", "write", "another", "build", "do",
    "throw", "need",
];

/// Words about the output level and the plugin as a whole.
const OUTPUT_WORDS: &[&str] = &[
    "louder", "quieter", "volume", "gain", "output", "db", "bypass", "unbypass", "engage",
    "decibels", "loud", "quiet",
];

/// Whether "tune" at `i` is a noun ("a happy pop tune"), not the order.
fn tune_is_noun(words: &Words, i: usize) -> bool {
    let prev = words.before(i);
    matches!(
        prev,
        "pop" | "happy" | "sad" | "catchy" | "little" | "new" | "this" | "that"
    ) || super::backing::style(&Words::new(prev)).is_some()
}

/// Whether the clause has a strong tuning word used as one.
pub fn has_strong_tune(words: &Words) -> bool {
    words.words.iter().enumerate().any(|(i, w)| {
        STRONG_TUNE.contains(&w.text.as_str()) && !(w.text == "tune" && tune_is_noun(words, i))
    }) || words.has_phrase("pitch correction")
}

/// Whether the clause names a backing ("the beat", "the music behind me").
fn names_backing(words: &Words) -> bool {
    words.words.iter().enumerate().any(|(i, w)| {
        let t = w.text.as_str();
        // "Track" alone is the vocal track as often as the backing: it names a backing after
        // a genre ("a club track") or with a word that makes one.
        let track_ok = t != "track"
            || words.has_any(MAKE_WORDS)
            || super::backing::style(&Words::new(words.before(i))).is_some();
        BACKING_NOUNS.contains(&t) && track_ok && !(t == "music" && words.has("plan"))
    })
}

/// Whether the clause sets a level with a number ("-18", "minus twelve", "-6 dB").
fn level_number(words: &Words) -> bool {
    decibels(words).is_some() || bare_level(words).is_some()
}

/// Whether an interval with a direction is named ("up a half step", "down a fifth").
fn interval_move(words: &Words) -> bool {
    (0..words.len()).any(|i| interval_at(words, i).is_some() && direction_near(words, i).is_some())
}

/// Whether the clause asks for a backing to sing or play along with.
fn sing_over(words: &Words) -> bool {
    [
        "sing over",
        "sing on",
        "sing to",
        "jam over",
        "jam to",
        "play along",
        "practice with",
    ]
    .iter()
    .any(|p| words.has_phrase(p))
        || words.has_phrase("practise with")
}

/// Whether the clause asks to undo.
pub fn is_undo(words: &Words) -> bool {
    words.has_any(&["undo", "revert"])
        || words.has_phrase("go back")
        || words.has_phrase("scratch that")
        || words.has_phrase("take that back")
        || words.has_phrase("change it back")
        || words.has_phrase("put it back")
        || words.has_phrase("back the last")
        || words.has_phrase("take it back")
        || words.has_phrase("return the last")
}

/// Whether the clause asks to turn the song intent into a plan.
pub fn is_process(words: &Words) -> bool {
    words.has_any(&["intent", "intention"])
        || words.has("plan") && words.has_any(&["song", "idea", "track", "intent", "music"])
        || words.has_phrase("work it out")
        || words.has_phrase("plan out")
}

/// Facts about the whole request.
pub fn request_facts(clauses: &[Words], ctx: &Context) -> RequestFacts {
    let mut facts = RequestFacts::default();
    // A key in one clause and a bare number in another ("Bb major, 118") is a backing.
    let any_key = clauses.iter().any(|c| find_key(c).0.is_some());
    let any_bare = clauses.iter().any(|c| find_tempo(c, true).is_some());
    // "Something in D-flat, smooth late-night vibe": a key with a feel is a backing.
    let feel = clauses.iter().any(|c| c.has_any(&["something", "vibe"]));
    facts.backing = any_key && (any_bare || feel);
    for c in clauses {
        let making =
            names_backing(c) && !c.has_any(MIX_WORDS) || c.has_any(MAKE_WORDS) && names_backing(c);
        let genre = names_genre(c) && !c.has_any(&["voice", "vocal", "vocals"]);
        let tempo = find_tempo(c, false).is_some() || c.has_any(&["bars", "bar"]);
        facts.backing |= making || genre || tempo || sing_over(c);
        facts.tuning |= has_strong_tune(c);
        facts.interval |= (0..c.len()).any(|i| interval_at(c, i).is_some());
    }
    let _ = ctx;
    facts
}

/// The topic of one clause, given the request's facts and the previous clause's topic.
pub fn topic(
    words: &Words,
    facts: RequestFacts,
    previous: Option<Topic>,
    ctx: &Context,
) -> Option<Topic> {
    if is_undo(words) {
        return Some(Topic::Undo);
    }
    if is_process(words) {
        return Some(Topic::Process);
    }
    if words.has_any(HOST_WORDS)
        || words.has_any(&["freerun", "unsync", "independently"])
        || words.has_any(&["sync", "syncing", "follow", "following"]) && names_backing(words)
    {
        return Some(Topic::BackingMix);
    }
    if ctx.backing.is_some() && words.has_any(&["another", "again", "different"]) {
        return Some(Topic::Backing);
    }
    let key = find_key(words).0;
    let strong_tune = has_strong_tune(words);
    if names_backing(words) && !strong_tune {
        let making = words.has_any(MAKE_WORDS);
        let mixing = (words.has_any(MIX_WORDS) || level_number(words)) && !making;
        let spec = key.is_some()
            || find_tempo(words, false).is_some()
            || super::backing::style(words).is_some();
        return Some(if mixing && !spec {
            Topic::BackingMix
        } else {
            Topic::Backing
        });
    }
    let voice_word =
        words.has_any(VOICE_WORDS) && !(strong_tune && words.has_any(&["robot", "robotic"]));
    if names_genre(words)
        && !voice_word
        && !words.has_any(&["voice", "vocal", "vocals"])
        && !strong_tune
    {
        return Some(Topic::Backing);
    }
    if find_tempo(words, false).is_some() && !strong_tune && !voice_word || sing_over(words) {
        return Some(Topic::Backing);
    }
    // Records known for their tuning: Cher's "Believe", Kanye's "808s", T-Pain, Travis Scott.
    let tuned_sound = words.has_any(&["cher", "808s", "travis", "kanye"]) && !names_backing(words);
    let tune_named = tuned_sound
        || words.has_any(&[
            "transparent",
            "natural",
            "moderate",
            "aggressive",
            "amount",
            "strength",
        ])
        || words.has_phrase("natural drift");
    // "Bump the key up two semitones" moves the key, not the voice.
    let key_move = words.has_any(&["key", "root", "tonic"]) && interval_move(words);
    let too_robotic = words.has_phrase("too robotic") && ctx.state.number("mod_robot") <= 0.0;
    if strong_tune || key_move || too_robotic || tune_named && !voice_word {
        return Some(Topic::Tune);
    }
    let reset_voice = words.has("reset") && words.has_any(&["voice", "effects", "sound"])
        || words.has("bass") && words.has_any(&["voice", "vocal", "vocals"])
        || words.has_any(&["whispering", "whispered"]);
    let voice_phrase = VOICE_PHRASES.iter().any(|p| words.has_phrase(p));
    if voice_word || interval_move(words) || voice_phrase || reset_voice {
        return Some(Topic::Voice);
    }
    // "... and turn it up" is the backing just named; "... and my voice down" is not.
    let other_target = words.has_any(&["voice", "vocal", "vocals", "me", "output", "myself"]);
    let refers_back = matches!(previous, Some(Topic::Backing | Topic::BackingMix)) && !other_target;
    let switch = words.has_any(&[
        "start", "play", "playing", "open", "stop", "mute", "on", "off",
    ]);
    let level = words.has_any(&["louder", "quieter", "quiet", "loud", "down", "up", "db"]);
    if refers_back && (switch || level || level_number(words)) {
        return Some(Topic::BackingMix);
    }
    if words.has_any(OUTPUT_WORDS)
        || words.has_phrase("turn me up")
        || words.has_phrase("my voice up")
        || words.has_phrase("crank it up")
        || words.has_phrase("turn it up")
        || words.has_any(&["voice", "vocals", "me", "myself"])
            && words.has_any(&["up", "down", "louder", "quieter"])
            && !facts.interval
        || words.has_phrase("turn it down")
        || words.has_any(&["effects", "effect", "plugin"]) && words.has("back")
        || words.has_any(&["effects", "plugin"])
            && words.has_any(&["off", "on", "disable", "enable"])
        || words.has("everything") && words.has("off")
    {
        return Some(Topic::Output);
    }
    let scale = find_key(words).1;
    let tune_slot = key.is_some() || scale.is_some();
    if tune_slot || words.has_any(&["key", "scale", "root", "tonic", "chromatic"]) {
        return Some(if facts.backing && !facts.tuning {
            Topic::Backing
        } else {
            Topic::Tune
        });
    }
    // In a request for a backing, moods and characters describe the backing; beside the
    // tuning's words, "vulnerable" and "fragile" describe the tuning.
    let described = !sound_changes(&words.texts()).is_empty() || voice_character(words);
    let tuning_mood = facts.tuning && words.has_any(&["vulnerable", "fragile"]);
    if described && !facts.backing && !tuning_mood {
        return Some(Topic::Voice);
    }
    if ctx.backing.is_some() && changes_current(words) {
        return Some(Topic::Backing);
    }
    if facts.backing && find_tempo(words, true).is_some() {
        return Some(Topic::Backing);
    }
    None
}

/// Phrases about the voice's tone without a control word.
const VOICE_PHRASES: [&str; 5] = ["cut through", "low end", "lows", "thin out", "more air"];

/// Voice presets and characters named without a control word.
fn voice_character(words: &Words) -> bool {
    words.has_any(&[
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::state::ParamSnapshot;

    fn topics(text: &str) -> Vec<Option<Topic>> {
        let state = ParamSnapshot::default();
        let ctx = Context {
            state: &state,
            backing: None,
        };
        let clauses = super::super::clauses::split(&Words::new(text));
        let facts = request_facts(&clauses, &ctx);
        let mut previous = None;
        clauses
            .iter()
            .map(|c| {
                let t = topic(c, facts, previous, &ctx);
                previous = t.or(previous);
                t
            })
            .collect()
    }

    #[test]
    fn clauses_get_their_tools() {
        assert_eq!(
            topics("tune to C minor and add some reverb"),
            [Some(Topic::Tune), Some(Topic::Voice)]
        );
        assert_eq!(
            topics("Bb major, 118"),
            [Some(Topic::Backing), Some(Topic::Backing)]
        );
        assert_eq!(
            topics("make a reggae backing and start it"),
            [Some(Topic::Backing), Some(Topic::BackingMix)]
        );
        assert_eq!(
            topics("take 2 dB off the backing"),
            [Some(Topic::BackingMix)]
        );
        assert_eq!(topics("make me louder"), [Some(Topic::Output)]);
        assert_eq!(topics("happy pop tune in E major"), [Some(Topic::Backing)]);
        assert_eq!(topics("undo that"), [Some(Topic::Undo)]);
    }
}
