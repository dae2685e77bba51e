//! What each clause is about. Evidence is weighed in a fixed order, strongest first: an
//! order to undo, the song intent, the host transport, a named backing, a genre or tempo,
//! the tuning's own words, the voice's controls, levels, then descriptions and bare keys.
//! What no rule is sure of is left to the trained scorer (`model`) or a question.

use super::backing::changes_current;
use super::mix::{BACKING_NOUNS, HOST_WORDS};
use super::modulate::names_voice_control;
use super::normalise::Words;
use super::score::{Scores, SCORER, VOTE};
use super::slots::{bare_level, decibels, direction_near, find_key, find_tempo, interval_at};
use super::styles::names_genre;
use super::topic_words::{
    voice_character, GROOVE_CUES, MAKE_WORDS, MIX_WORDS, OUTPUT_WORDS, STRONG_TUNE, VOICE_PHRASES,
};
use super::Context;
use crate::assistant::descriptors::sound_changes;

pub use super::orders::{is_process, is_undo};

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
    /// Harmony voices (`voice_harmony`).
    Harmony,
    /// Listening to the singer: key, notes, take report (`listen`).
    Listen,
    /// A look at the settings (`get_state`).
    State,
    /// Title ideas (`name_suggest`).
    Titles,
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
    /// Some clause names a key or a tempo ("something like Daft Punk, in D").
    pub key_or_tempo: bool,
}

/// Whether the clause makes a backing: a making word, unless it only changes a level ("make
/// the backing 3 dB louder").
fn makes(words: &Words) -> bool {
    // "Make pause to the backing" stops it.
    words.has_any(MAKE_WORDS)
        && !level_number(words)
        && !words.has_any(&[
            "louder", "quieter", "softer", "volume", "level", "loud", "half",
        ])
        && !words.has_any(&[
            "stop", "pause", "mute", "kill", "remove", "shut", "halt", "silence",
        ])
        // "Make it start", "make it play": the one there starts.
        && !["make it start", "make it play", "make it run"]
            .iter()
            .any(|p| words.has_phrase(p))
}

/// Whether "tune" at `i` is a noun ("a happy pop tune"), not the order.
fn tune_is_noun(words: &Words, i: usize) -> bool {
    let prev = words.before(i);
    matches!(
        prev,
        "pop" | "happy" | "sad" | "catchy" | "little" | "new" | "this" | "that"
    ) || super::styles::style(&Words::new(prev)).is_some()
}

/// Whether the clause has a strong tuning word used as one.
pub fn has_strong_tune(words: &Words) -> bool {
    words.words.iter().enumerate().any(|(i, w)| {
        STRONG_TUNE.contains(&w.text.as_str()) && !(w.text == "tune" && tune_is_noun(words, i))
    }) || words.has_phrase("pitch correction")
        // "Lock me to the key", "lock my notes to the scale".
        || words.has("lock") && words.has_any(&["key", "scale", "notes"]) && !words.has("chords")
}

/// Whether the clause names a backing ("the beat", "the music behind me").
fn names_backing(words: &Words) -> bool {
    words.words.iter().enumerate().any(|(i, w)| {
        let t = w.text.as_str();
        // "Track" alone is the vocal track as often as the backing: it names a backing after
        // a genre ("a club track") or with a word that makes one.
        // "Put on a track in C# minor": "a track" is a new one.
        let track_ok = t != "track"
            || words.has_any(MAKE_WORDS)
            || words.before(i) == "a"
            || super::styles::style(&Words::new(words.before(i))).is_some()
            || track_level(words, i);
        // "Like the music of Andalucia", "the music of the films of Spielberg": a reference,
        // not the backing.
        let named_after = words.at(i + 1) == "of"
            && (words.at(i + 2) == "the" || words.words.get(i + 2).is_some_and(|w| w.capital));
        let likened = words.before(i) == "the" && i >= 2 && words.at(i - 2) == "like";
        let reference = t == "music" && (named_after || likened);
        BACKING_NOUNS.contains(&t) && track_ok && !(t == "music" && words.has("plan")) && !reference
    })
}

/// Whether "track" at `i` is the backing's level or switch ("pull the track down", "track
/// level at -9 dB", "mute the track"): a level or switch word, and nothing of the singer's or
/// the voice's effects ("my vocal track", "reverb on the track").
fn track_level(words: &Words, i: usize) -> bool {
    let singer = matches!(words.before(i), "vocal" | "voice" | "my" | "vox")
        || words.has_any(&["voice", "vocal", "vocals", "me", "my", "i"])
        || names_voice_control(words);
    let level = words.has_any(&[
        "softer", "quieter", "louder", "down", "up", "level", "volume", "db", "mute", "unmute",
        "stop", "off", "start", "play", "lower", "raise", "quiet", "loud", "kill", "pause",
        "resume", "run", "running", "roll", "rolling",
    ]);
    level && !singer
}

/// Whether the clause sets a level with a number ("-18", "minus twelve", "-6 dB").
fn level_number(words: &Words) -> bool {
    decibels(words).is_some() || bare_level(words).is_some()
}

/// Whether an interval with a direction is named ("up a half step", "down a fifth").
fn interval_move(words: &Words) -> bool {
    (0..words.len()).any(|i| {
        interval_at(words, i).is_some()
            && (direction_near(words, i).is_some() || signed_number(words.before(i)))
    })
}

/// "+2" or "-3": a number whose sign is its direction ("+2 st from where it is").
fn signed_number(word: &str) -> bool {
    word.starts_with(['+', '-']) && super::normalise::number(word).is_some()
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

/// Facts about the whole request.
pub fn request_facts(clauses: &[Words], ctx: &Context) -> RequestFacts {
    let mut facts = RequestFacts::default();
    // A key in one clause and a bare number in another ("Bb major, 118") is a backing.
    let any_key = clauses.iter().any(|c| find_key(c).0.is_some());
    let any_bare = clauses.iter().any(|c| find_tempo(c, true).is_some());
    // "Something in D-flat, smooth late-night vibe": a key with a feel is a backing.
    let feel = clauses.iter().any(|c| c.has_any(&["something", "vibe"]));
    facts.backing = any_key && (any_bare || feel);
    facts.key_or_tempo = any_key || any_bare;
    for c in clauses {
        let making = names_backing(c) && !c.has_any(MIX_WORDS) || makes(c) && names_backing(c);
        // "Scale: blues" names the tuning's scale, not a genre.
        let scale_named = c.has_any(&["scale", "mode"]) && !names_backing(c);
        let genre = names_genre(c) && !c.has_any(&["voice", "vocal", "vocals"]) && !scale_named;
        let tempo = find_tempo(c, false).is_some() || c.has_any(&["bars", "bar"]);
        facts.backing |= making || genre || tempo || sing_over(c);
        facts.tuning |= has_strong_tune(c);
        facts.interval |= (0..c.len()).any(|i| interval_at(c, i).is_some());
        facts.key_or_tempo |= tempo;
    }
    let _ = ctx;
    facts
}

/// The topic of one clause, given the request's facts and the previous clause's topic: the
/// best-scored one (`scores`).
pub fn topic(
    words: &Words,
    facts: RequestFacts,
    previous: Option<Topic>,
    ctx: &Context,
) -> Option<Topic> {
    scores(words, facts, previous, ctx).best()
}

/// Weights of the evidence, surest first. An order to undo or to plan the song is certain;
/// a named backing, the host, a genre or tempo are strong; the tuning's own words outweigh
/// the voice's controls, which outweigh levels, bare keys and descriptions.
mod weight {
    /// "Undo", "revert", "scratch that".
    pub const UNDO: f32 = 100.0;
    /// The song intent or a plan.
    pub const PROCESS: f32 = 90.0;
    /// The host's transport, syncing.
    pub const HOST: f32 = 40.0;
    /// "Another", "again" with a backing playing.
    pub const AGAIN: f32 = 30.0;
    /// A backing named ("the beat", "a backing track").
    pub const BACKING_NOUN: f32 = 20.0;
    /// A genre, a tempo, "something to sing over".
    pub const GENRE_TEMPO: f32 = 12.0;
    /// A tuning word used as one, a key moved by an interval.
    pub const TUNING_WORD: f32 = 10.0;
    /// A tuning preset or a record known for its tuning.
    pub const TUNING_NAMED: f32 = 6.0;
    /// A voice control, an interval with a direction, a voice phrase.
    pub const VOICE_WORD: f32 = 5.0;
    /// A level or switch right after a clause about the backing ("... and turn it up").
    pub const REFERS_BACK: f32 = 4.0;
    /// Output level or bypass words.
    pub const OUTPUT_WORD: f32 = 3.0;
    /// A key or scale with no tool named.
    pub const KEY: f32 = 2.5;
    /// A description of the sound or a character.
    pub const DESCRIBED: f32 = 2.0;
    /// An artist named for a groove ("Buddy Guy vibe").
    pub const ARTIST: f32 = 1.8;
    /// A change to the backing playing ("a bit faster").
    pub const CHANGES_CURRENT: f32 = 1.5;
    /// A bare number beside a backing request ("Bb major, 118").
    pub const BARE_TEMPO: f32 = 1.0;
}

/// Every piece of evidence for the clause's topic, with the trained scorer's vote among the
/// topics the rules found.
pub fn scores(
    words: &Words,
    facts: RequestFacts,
    previous: Option<Topic>,
    ctx: &Context,
) -> Scores {
    let mut s = Scores::default();
    certain(words, ctx, &mut s);
    let key = find_key(words).0;
    let strong_tune = has_strong_tune(words);
    // In a request that makes a backing, "the track" is that backing ("rock track in D, and
    // keep the track at -15 dB").
    let backing_named = names_backing(words) || facts.backing && words.has("track");
    if backing_named && !strong_tune {
        // "Get rid of the backing", "I don't want backing": taking it away is the switch.
        let removes = words.has_any(super::topic_words::REMOVING)
            || words.has_any(&["none", "nothing", "zero"])
            || words.has_phrase("don't want")
            || words.has_phrase("dont want")
            || words.has_phrase("don't use");
        // "Restore the backing", "give me back my backing": the one there, switched on (the
        // "give" there makes nothing).
        let restores = words.has_any(&["restore", "activate", "reactivate"])
            || words.has("back") && words.has_any(&["give", "bring"]);
        // "The beat is overpowering me": its level.
        let overwhelms = words.has_any(super::relative::OVERWHELMING);
        let mixing = (words.has_any(MIX_WORDS) || level_number(words) || removes || overwhelms)
            && !makes(words)
            || restores;
        let spec = key.is_some()
            || super::backing::transposition(words).is_some()
            || find_tempo(words, false).is_some()
            || super::styles::style(words).is_some()
            // "Slow the beat down a touch", "halve the tempo of the beat", "the loop two
            // times more long": the tempo or length moves, not the fader.
            || words.has_any(&[
                "tempo", "bpm", "slow", "slower", "faster", "speed", "rushing", "dragging",
                "quicker", "length", "long", "longer", "shorter", "bars",
            ])
            || words.has_phrase("double time")
            || words.has_phrase("half time");
        if mixing && !spec {
            s.add(
                Topic::BackingMix,
                weight::BACKING_NOUN,
                "backing named, level or switch",
            );
        } else {
            s.add(Topic::Backing, weight::BACKING_NOUN, "backing named");
        }
    }
    let voice_word =
        names_voice_control(words) && !(strong_tune && words.has_any(&["robot", "robotic"]));
    let names_voice = words.has_any(&["voice", "vocal", "vocals"]);
    // "Make me sound like Daft Punk": an artist named for the singer's own sound.
    let likened = words.has_phrase("sound like") && words.has_any(&["me", "i", "my", "myself"]);
    if likened {
        s.add(
            Topic::Voice,
            weight::VOICE_WORD,
            "the singer likened to a sound",
        );
    }
    // "Switch the scale to blues" names the tuning's scale, not a genre.
    let scale_named = words.has_any(&["scale", "mode"]) && !names_backing(words);
    // "Key of B blues", "correct me to D blues", "my song's in E blues": the blues right
    // after a key, said of the singer's key, is the blues scale.
    let blues_scale = (1..words.len())
        .any(|i| words.at(i) == "blues" && super::keys::key_at(words, i - 1).is_some())
        && words.has_any(&["key", "correct", "snap", "tuner", "song", "sing", "singing"])
        && !names_backing(words);
    let scale_named = scale_named || blues_scale;
    // "Sound like Dobby the house elf": a genre word in or after a name known for a voice
    // describes it, not a house track ("swing like Sinatra" is a swing backing, "like Daft
    // Punk, in D" a backing in D).
    let voice_named = !backing_named
        && !facts.key_or_tempo
        && super::references::voice_span(words)
            .zip(super::styles::genre_word_at(words))
            .is_some_and(|((at, _), genre)| genre >= at);
    if names_genre(words)
        && !voice_word
        && !names_voice
        && !strong_tune
        && !likened
        && !scale_named
        && !voice_named
    {
        s.add(Topic::Backing, weight::GENRE_TEMPO, "genre");
    }
    // "Buddy Guy vibe", "Hiatus Kaiyote-ish chords": an artist named for a groove is a
    // backing, but weakly: "Leon Bridges velvet" describes a voice, and "make it sound like
    // Radiohead" may mean either (the question is asked).
    let artist_groove = super::references::style(words).is_some() && words.has_any(GROOVE_CUES);
    if artist_groove && !voice_word && !names_voice && !strong_tune && !likened {
        s.add(Topic::Backing, weight::ARTIST, "artist's groove");
    }
    // "Something dreamy for a late night": a mood asked for as a piece of music.
    if words.has("something")
        && super::styles::style(words).is_some()
        && !voice_word
        && !names_voice
        && !strong_tune
    {
        s.add(Topic::Backing, weight::KEY, "something in a mood");
    }
    if find_tempo(words, false).is_some() && !strong_tune && !voice_word {
        s.add(Topic::Backing, weight::GENRE_TEMPO, "tempo");
    }
    if sing_over(words) {
        s.add(Topic::Backing, weight::GENRE_TEMPO, "to sing over");
    }
    tuning(words, ctx, voice_word, &mut s);
    voice(words, voice_word, &mut s);
    levels(words, facts, previous, &mut s);
    weak(words, facts, previous, ctx, &mut s);
    vote(words, &mut s);
    s
}

/// Evidence that settles the topic: undo, the song plan, the host, "another" backing.
fn certain(words: &Words, ctx: &Context, s: &mut Scores) {
    if is_undo(words) {
        s.add(Topic::Undo, weight::UNDO, "undo");
    }
    if is_process(words) {
        s.add(Topic::Process, weight::PROCESS, "song plan");
    }
    if words.has_any(HOST_WORDS)
        || words.has_any(&["freerun", "unsync", "independently"])
        || words.has_any(&["sync", "syncing", "follow", "following"]) && names_backing(words)
    {
        s.add(Topic::BackingMix, weight::HOST, "host transport");
    }
    // "Autotune on again" is the tuning's, not another backing.
    let names_other = has_strong_tune(words) || names_voice_control(words);
    if ctx.backing.is_some() && words.has_any(&["another", "again", "different"]) && !names_other {
        s.add(Topic::Backing, weight::AGAIN, "another backing");
    }
}

/// The tuning's evidence: its words, a moved key, presets and records known for tuning.
fn tuning(words: &Words, ctx: &Context, voice_word: bool, s: &mut Scores) {
    if has_strong_tune(words) {
        s.add(Topic::Tune, weight::TUNING_WORD, "tuning word");
    }
    // "Bump the key up two semitones" moves the key, not the voice.
    if words.has_any(&["key", "root", "tonic"]) && interval_move(words) {
        s.add(Topic::Tune, weight::TUNING_WORD, "key moved");
    }
    if words.has_phrase("too robotic") && ctx.state.number("mod_robot") <= 0.0 {
        s.add(Topic::Tune, weight::TUNING_WORD, "too robotic, no robot on");
    }
    // Records known for their tuning: Cher's "Believe", Kanye's "808s", T-Pain, Travis Scott.
    let tuned_sound = super::tune::tuning_referenced(words) && !names_backing(words);
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
    if tune_named && !voice_word {
        s.add(Topic::Tune, weight::TUNING_NAMED, "tuning preset or record");
    }
}

/// The voice's evidence: its controls, intervals, tone phrases, resets.
fn voice(words: &Words, voice_word: bool, s: &mut Scores) {
    if voice_word {
        s.add(Topic::Voice, weight::VOICE_WORD, "voice control");
    }
    if super::described::register_at(words).is_some() {
        s.add(Topic::Voice, weight::VOICE_WORD, "register moved");
    }
    // "GLaDOS from Portal", "Burial-style vocal": a character or artist known for a sound.
    if super::references::voice(words).is_some_and(|v| !v.is_tuning()) {
        s.add(Topic::Voice, weight::VOICE_WORD, "voice reference");
    }
    if interval_move(words) {
        s.add(Topic::Voice, weight::VOICE_WORD, "interval with direction");
    }
    if super::modulate::names_voice_preset(words) {
        s.add(Topic::Voice, weight::VOICE_WORD, "voice preset");
    }
    if VOICE_PHRASES.iter().any(|p| words.has_phrase(p)) || super::modulate::space_is_reverb(words)
    {
        s.add(Topic::Voice, weight::VOICE_WORD, "voice phrase");
    }
    let reset_voice = words.has("reset") && words.has_any(&["voice", "effects", "sound"])
        || words.has("bass") && words.has_any(&["voice", "vocal", "vocals"])
        || words.has_any(&["whispering", "whispered"]);
    if reset_voice {
        s.add(Topic::Voice, weight::VOICE_WORD, "voice reset or tone");
    }
}

/// Levels and switches: the backing just named, or the output.
fn levels(words: &Words, facts: RequestFacts, previous: Option<Topic>, s: &mut Scores) {
    // "... and turn it up" is the backing just named; "... and my voice down" is not.
    let other_target = words.has_any(&["voice", "vocal", "vocals", "me", "output", "myself"]);
    let refers_back = matches!(previous, Some(Topic::Backing | Topic::BackingMix)) && !other_target;
    let switch = words.has_any(&[
        "start", "play", "playing", "open", "stop", "mute", "on", "off",
    ]);
    let level = words.has_any(&["louder", "quieter", "quiet", "loud", "down", "up", "db"]);
    if refers_back && (switch || level || level_number(words)) {
        s.add(
            Topic::BackingMix,
            weight::REFERS_BACK,
            "refers to the backing",
        );
    }
    let output = words.has_any(OUTPUT_WORDS)
        || words.has_phrase("turn me up")
        || words.has_phrase("my voice up")
        || words.has_phrase("crank it up")
        || words.has_phrase("turn it up")
        || words.has_any(&["voice", "vocal", "vocals", "me", "myself"])
            && words.has_any(&["up", "down", "louder", "quieter", "boost", "lift"])
            && !facts.interval
        || words.has_phrase("turn it down")
        || words.has_any(&["effects", "effect", "plugin"]) && words.has("back")
        || words.has_any(&["effects", "plugin"])
            && words.has_any(&["off", "on", "disable", "enable", "activate"])
        || words.has_phrase("out of bypass")
        || words.has_phrase("out level")
        || words.has("everything") && words.has("off");
    if output {
        s.add(Topic::Output, weight::OUTPUT_WORD, "output level or bypass");
    }
}

/// Weak evidence: a bare key or scale, descriptions, changes to the backing playing.
fn weak(
    words: &Words,
    facts: RequestFacts,
    previous: Option<Topic>,
    ctx: &Context,
    s: &mut Scores,
) {
    let (key, scale) = find_key(words);
    let tune_slot = key.is_some() || scale.is_some();
    if tune_slot || words.has_any(&["key", "scale", "root", "tonic", "chromatic"]) {
        // Beside a backing request a bare key is the backing's ("Bb major, 118"), but one
        // set for the singer is the tuning's ("set the key to D minor and make a backing",
        // "key of A for my voice").
        let for_singer = words.has_any(&[
            "set", "change", "switch", "voice", "vocal", "vocals", "me", "my", "sing", "singing",
        ]);
        // "Chill lo-fi beat, Fm, 75 bpm; then set my tuning to F minor": a key alone right
        // after the backing's clause is the backing's, even when the tuning is named later.
        let after_backing = previous == Some(Topic::Backing) && words.len() <= 3;
        if facts.backing && (!facts.tuning || after_backing) && !for_singer {
            s.add(Topic::Backing, weight::KEY, "key beside a backing request");
        } else {
            s.add(Topic::Tune, weight::KEY, "key or scale");
        }
    }
    // In a request for a backing, moods and characters describe the backing; beside the
    // tuning's words, "vulnerable" and "fragile" describe the tuning.
    let described = !sound_changes(&words.texts()).is_empty() || voice_character(words);
    let tuning_mood = facts.tuning && words.has_any(&["vulnerable", "fragile"]);
    if described && !facts.backing && !tuning_mood {
        s.add(Topic::Voice, weight::DESCRIBED, "sound described");
    }
    if ctx.backing.is_some() && changes_current(words) {
        s.add(
            Topic::Backing,
            weight::CHANGES_CURRENT,
            "changes the backing playing",
        );
    }
    // "Transpose the track up two semitones", "same track but a half step higher": the
    // backing playing changes key, the voice stays.
    if ctx.backing.is_some() && super::backing::transposition(words).is_some() {
        s.add(Topic::Backing, weight::BACKING_NOUN, "backing transposed");
    }
    if facts.backing && find_tempo(words, true).is_some() {
        s.add(
            Topic::Backing,
            weight::BARE_TEMPO,
            "bare tempo beside a backing",
        );
    }
}

/// The trained scorer's vote: its probability for each topic the rules already found (it
/// chooses among them; it never brings a topic of its own).
fn vote(words: &Words, s: &mut Scores) {
    if s.evidence.is_empty() {
        return;
    }
    for (label, p) in super::model::stored().rank(words) {
        let topics: &[Topic] = match label.as_str() {
            "voice_tune" => &[Topic::Tune],
            "voice_modulate" => &[Topic::Voice],
            "backing_generate" => &[Topic::Backing],
            "mix_control" => &[Topic::BackingMix, Topic::Output],
            _ => &[],
        };
        for t in topics {
            if s.has(*t) {
                s.add(*t, VOTE * p as f32, SCORER);
            }
        }
    }
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
