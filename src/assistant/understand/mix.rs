//! The `mix_control` reader: the backing's switch, level and transport following, the output
//! level and bypass. Levels move from where they are ("take 2 dB off", "a bit louder") or
//! are set ("-6 dB", "unity"); a lowering word never raises a level or switches anything on.

use serde_json::{json, Map, Value};

use super::normalise::{number, Words};
use super::relative::{apply_db, size, Move, Size};
use super::slots::{bare_level, decibels, steps_on};
use super::Context;
use crate::assistant::tools::{ToolCall, ToolName};

/// Words that name the backing (as something playing, not a new one to make).
pub const BACKING_NOUNS: &[&str] = &[
    "backing",
    "beat",
    "beats",
    "groove",
    "drums",
    "band",
    "instrumental",
    "accompaniment",
    "music",
    "track",
    "loop",
    "riddim",
    "jam",
    "vamp",
    // "A dark cinematic bed in D minor".
    "bed",
];

/// Words that name the host's transport.
pub const HOST_WORDS: &[&str] = &[
    "daw",
    "host",
    "transport",
    "session",
    "logic",
    "ableton",
    "reaper",
    "cubase",
    "protools",
    "bitwig",
];

/// Verbs that stop the backing ("remove the accompaniment", "shut the instrumental").
pub const OFF_VERBS: &[&str] = &[
    "stop", "off", "mute", "kill", "disable", "silence", "pause", "close", "remove", "shut",
    "halt", "ditch", "lose",
];

/// Which level a clause is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The backing track.
    Backing,
    /// The plugin's output (the voice).
    Output,
}

/// Reads a `mix_control` call from a clause about `target`.
pub fn read(words: &Words, ctx: &Context, target: Target) -> Option<ToolCall> {
    let mut args = Map::new();
    if target == Target::Backing {
        // "Turn follow host off and the backing on": each clause switches its own thing.
        for clause in super::clauses::split(words) {
            if about_follow(&clause) {
                follow(&clause, &mut args);
            } else {
                backing_switch(&clause, &mut args);
            }
        }
    } else {
        super::bypass::bypass(words, &mut args);
    }
    // "Activate the plugin again, less output volume": the level is read from the clauses
    // that do not switch the plugin.
    let level_words = match target {
        Target::Output if args.contains_key("bypass") => super::bypass::without_switches(words),
        _ => None,
    };
    let switched = !args.is_empty() && level_words.is_none();
    let words = level_words.as_ref().unwrap_or(words);
    let id = match target {
        Target::Backing => "backing_level",
        Target::Output => "output_gain",
    };
    let backing = target == Target::Backing;
    if let Some(db) = level(words, ctx.state.number(id), switched, backing) {
        let (lo, hi) = match target {
            Target::Backing => (-60.0, 6.0),
            Target::Output => (-36.0, 12.0),
        };
        let name = match target {
            Target::Backing => "backing_level_db",
            Target::Output => "output_gain_db",
        };
        args.insert(name.into(), super::relative::value(db.clamp(lo, hi)));
    }
    (!args.is_empty()).then(|| ToolCall::new(ToolName::MixControl, Value::Object(args)))
}

/// On or off: "start the beat", "kill the backing", "music on", "hit play".
fn backing_switch(words: &Words, args: &mut Map<String, Value>) {
    // "Cut the backing" stops it; "cut the backing a bit" lowers it.
    let cut = words.has("cut")
        && !words.has_any(&[
            "bit", "little", "touch", "slightly", "tad", "half", "volume",
        ]);
    let off = words.has_any(OFF_VERBS)
        || super::topic_words::takes_away(words)
        || words.has_any(&["none", "nothing", "zero"])
        || cut
        || words.has_phrase("no more")
        || words.has_phrase("don't want")
        || words.has_phrase("dont want")
        || words.has_phrase("get rid")
        || words.has_phrase("no backing")
        || words.has_phrase("no beat")
        || words.has_phrase("no music");
    // "Off-grid drums", "an offbeat feel": a groove, not a switch.
    let off = off
        && !["off grid", "off the grid", "off beat", "off kilter"]
            .iter()
            .any(|p| words.has_phrase(p));
    // "Take 2 dB off the backing" lowers it; it does not switch it off. So does "ease off /
    // back off / take some of the backing volume (off)", a level named with an easing word.
    let eases_level = words.has_any(&["volume", "level", "fader", "vol", "gain"])
        && words.has_any(&[
            "ease", "easy", "back", "some", "dial", "knock", "bit", "little",
        ]);
    let about_level = decibels(words).is_some() || bare_level(words).is_some() || eases_level;
    if off && !about_level {
        args.insert("backing".into(), json!(false));
        return;
    }
    // "Bring the backing in at -20 dB", "let the track run": it starts.
    let brought_in = words.has("bring") && words.has("in");
    let on = words.has_any(&[
        "start", "on", "play", "enable", "unmute", "resume", "open", "playing", "kick", "run",
        "running", "roll", "rolling",
    ]) || words.has_phrase("bring the")
        || words.has_phrase("bring it in")
        || words.has_phrase("back in")
        // "Let me hear the beat", "I want to hear the instrumental", "drop the beat" (the
        // beat comes in).
        // "Restore the backing", "give me back my backing", "bring it back".
        || words.has_any(&["restore", "activate", "reactivate"])
        || words.has("back") && words.has_any(&["give", "bring", "put"])
        || ["let me hear", "lemme hear", "want to hear", "wanna hear"]
            .iter()
            .any(|p| words.has_phrase(p))
        // "Let sound the backing now", "connect the instrumental again": a learner's start.
        || words.has("let") && words.has_any(&["sound", "go"])
        || words.has_any(&["connect", "reconnect"])
        || words.has_phrase("drop the beat")
            && !words.has_any(&[
                "bit", "little", "touch", "tad", "slightly", "down", "lower", "db", "quieter",
            ]);
    // "Go easy on the backing volume": an easing, not a switch on.
    let on = on && !words.has_phrase("easy on");
    let level_words = words.has_any(&["louder", "quieter", "volume", "level", "db", "up", "down"]);
    // "Turn the backing up" is a level, not a switch, unless "on/start/play" is said too.
    let on = on && (!level_words || brought_in || words.has_any(&["on", "start", "play"]));
    if on {
        args.insert("backing".into(), json!(true));
    }
}

/// Whether a clause is about following the host's transport.
fn about_follow(words: &Words) -> bool {
    words.has_any(HOST_WORDS)
        || words.has_any(&[
            "sync",
            "syncing",
            "synced",
            "follow",
            "following",
            "freerun",
            "unsync",
            "independently",
            "independent",
            "transport",
        ])
        || words.has_phrase("run free")
        || words.has_phrase("own clock")
}

/// Following the host's transport: "sync to my DAW", "let it free run".
fn follow(words: &Words, args: &mut Map<String, Value>) {
    // "I sing alone now" is about the singer, not the backing's clock.
    let free_at = words
        .find_any(&[
            "freerun",
            "independently",
            "independent",
            "unsync",
            "ignore",
            "alone",
        ])
        .or_else(|| words.find_phrase("run free"))
        .or_else(|| words.find_phrase("own clock"))
        .or_else(|| words.find_phrase("own tempo"))
        .filter(|&i| !(words.at(i) == "alone" && words.has_any(&["sing", "singing"])));
    let follow_at = words.find_any(&[
        "follow",
        "following",
        "sync",
        "syncing",
        "synced",
        "lock",
        "together",
        "transport",
    ]);
    let hit_play = words.has_phrase("hit play") && words.has_any(HOST_WORDS);
    if free_at.is_none() && follow_at.is_none() && !hit_play {
        return;
    }
    if follow_at.is_some() && !words.has_any(HOST_WORDS) && free_at.is_none() {
        return;
    }
    let negated_before = |i: usize| {
        (i.saturating_sub(2)..i)
            .any(|k| matches!(words.at(k), "don't" | "dont" | "not" | "no" | "stop"))
    };
    let value = match (free_at, follow_at) {
        (Some(f), _) if negated_before(f) => true,
        (Some(_), _) => false,
        (None, Some(f)) => !negated_before(f) && !words.has("off"),
        (None, None) => true,
    };
    args.insert("follow_host".into(), json!(value));
}

/// Whether a word of `list` occurs without a negation just before it ("not louder", "don't
/// raise", "shouldn't go up").
fn plain_has(words: &Words, list: &[&str]) -> bool {
    let negation = |k: usize| {
        matches!(
            words.at(k),
            "not" | "don't" | "dont" | "shouldn't" | "shouldnt" | "never" | "no"
        )
    };
    // "Don't make it louder": up to three words back, within the clause.
    (0..words.len()).any(|i| {
        let start = words.clause_start(i);
        list.contains(&words.at(i)) && !(i.saturating_sub(3).max(start)..i).any(negation)
    })
}

/// The new level in dB, or `None` when the clause does not speak of the level. `switched`
/// says the clause also switched something ("turn it on at -10 dB"); `backing` that the level
/// is the backing's (the singer who cannot hear themselves wants it lower).
fn level(words: &Words, now: f32, switched: bool, backing: bool) -> Option<f32> {
    // "3 dB under what it is", "minus three dB from here": a step from the level now.
    let from_now = [
        "from here",
        "from where",
        "what it is",
        "than now",
        "relative to",
        "compared to",
    ]
    .iter()
    .any(|p| words.has_phrase(p));
    let moving = words.has_any(&[
        "up", "down", "louder", "quieter", "softer", "raise", "lower", "boost", "cut", "drop",
        "more", "less", "off", "by", "reduce", "increase", "crank", "under", "below", "above",
        "over", "higher", "hotter", "extra",
    ]) || from_now;
    let setting = words.has_any(&["to", "at", "set", "on", "in", "put"]) || !moving;
    let sets_to = sets_to(words);
    if let Some((db, signed)) = decibels(words) {
        let down = words.has_any(&[
            "down", "quieter", "softer", "lower", "cut", "drop", "reduce", "less", "off", "minus",
            "quiet", "soft", "under", "below",
        ]) && !words.has_phrase("too quiet")
            // "Backing -2 dB from here": the sign says the way.
            || signed && db < 0.0;
        if moving && !(setting && signed) && !sets_to {
            return Some(now + if down { -db.abs() } else { db.abs() });
        }
        // "beat +5db": a plus sign with nothing set is a step up; "instrumental -3dB" below
        // -3 dB already is a step down: a small minus never raises the level.
        if signed && db > 0.0 && !sets_to && !words.has("set") {
            return Some(now + db);
        }
        // Backing faders sit at -6 dB and below; a step is a few dB.
        if signed && (-6.0..0.0).contains(&db) && now < db && !sets_to && !words.has("set") {
            return Some(now + db);
        }
        return Some(db);
    }
    // "-3 on the backing", "+2 on the beat": a signed number put on a level is a step.
    if let Some(v) = steps_on(words).find(|v| v.abs() <= 24.0) {
        return Some(now + v as f32);
    }
    if let Some(v) = bare_level(words) {
        // "Output gain minus 2 from where it is": a step.
        return Some(if from_now { now + v } else { v });
    }
    // "Half as loud", "halve the volume": 6 dB down; "twice as loud" 6 dB up.
    if words.has_any(&["half", "halve"]) && !words.has_phrase("and a half") {
        return Some(now - 6.0);
    }
    if words.has("twice") || words.has("double") && words.has_any(&["loud", "volume", "level"]) {
        return Some(now + 6.0);
    }
    // "Raise the backing by six", "output down 6": a number after "by", "up" or "down" is dB.
    if let Some(i) = words.find_any(&["by", "up", "down"]) {
        // ("Up ten percent", "up 5 bpm" are not levels.)
        let other_unit = matches!(
            words.at(i + 2),
            "%" | "percent" | "bpm" | "semitones" | "semitone" | "st" | "ms" | "bars" | "cents"
        );
        let tempo = words.has_any(&["tempo", "bpm", "speed"]);
        let dbs =
            number(words.at(i + 1)).filter(|v| (0.5..=24.0).contains(v) && !other_unit && !tempo);
        if let Some(v) = dbs {
            let down = words.has_any(&["down", "lower", "quieter", "drop", "reduce"]);
            return Some(now + if down { -v as f32 } else { v as f32 });
        }
    }
    vague_level(words, now, switched, backing)
}

/// Whether a "to" or "at" names the value to set ("down to -6", "at -10"), not the
/// reference of a step ("down 3 dB relative to now", "compared to before").
fn sets_to(words: &Words) -> bool {
    (0..words.len()).any(|k| {
        matches!(words.at(k), "to" | "at")
            && !matches!(words.before(k), "relative" | "compared" | "next" | "close")
            && words.at(k + 1) != "all"
    })
}

/// A step of 2, 3 or 6 dB that the shared grammar reads at the level's name when this
/// reader's own words said nothing ("my volume a bit higher", "decrease the output", "go easy
/// on the backing volume").
fn shared_step(words: &Words, now: f32) -> Option<f32> {
    let at = words.find_any(&["volume", "level", "output", "gain", "fader", "vol"])?;
    match super::relative::read_move(words, at)? {
        m @ (Move::Up(_) | Move::Down(_)) => Some(apply_db(m, now)),
        _ => None,
    }
}

/// "Louder", "way in the background", "I can't hear it": a step from where it is.
fn vague_level(words: &Words, now: f32, switched: bool, backing: bool) -> Option<f32> {
    let texts = words.texts();
    if words.has_phrase("in the background") || words.has_phrase("really quiet") {
        return Some(now.min(-24.0));
    }
    let unheard = words.has_phrase("can't hear")
        || words.has_phrase("cant hear")
        || words.has_phrase("barely hear")
        || words.has("buried");
    let cant_hear = unheard || words.has_phrase("too quiet") || words.has_phrase("too soft");
    // "I can't hear myself over the music": the backing is too loud, not too quiet.
    // The voice is what goes unheard when it comes right after "hear" ("can't hear my voice
    // over it"); "can't hear it over myself" is the backing unheard.
    let voice_unheard = words.find_any(&["hear"]).is_none_or(|h| {
        (h + 1..(h + 4).min(words.len()))
            .take_while(|&k| words.at(k) != "over")
            .any(|k| matches!(words.at(k), "myself" | "me" | "voice" | "vocal" | "vocals"))
    });
    // "I'm too quiet compared to the beat": the singer is what is too quiet ("the backing is
    // too quiet compared to me" is the backing).
    let backing_too_quiet = words
        .find_phrase("too quiet")
        .or_else(|| words.find_phrase("too soft"))
        .is_some_and(|i| (0..i).any(|k| BACKING_NOUNS.contains(&words.at(k))));
    let drowned = cant_hear
        && voice_unheard
        && !backing_too_quiet
        && words.has_any(&["myself", "me", "voice", "vocal", "vocals", "i'm", "im", "i"]);
    if backing && drowned {
        return Some(apply_db(Move::Down(size(&texts)), now).min(now - 6.0));
    }
    // "More quiet" is quieter.
    let quiet = words.has_any(&["quiet", "soft"]) && !words.has_phrase("too quiet");
    // "Don't raise the backing, lower it", "not up, down a bit": the negated way is not wanted.
    let up = plain_has(
        words,
        &[
            "louder", "up", "raise", "boost", "increase", "crank", "stronger", "harder",
        ],
    ) || words.has("more") && !words.has("less") && !quiet
        || cant_hear
        || words.has_phrase("too low");
    // "It covers my voice", "tuck it in", "too high, put it low": it is too loud.
    let down = words.has_any(&[
        "quieter", "softer", "down", "lower", "reduce", "less", "strong", "tuck", "covering",
        "covers",
    ]) || words.has_any(super::relative::OVERWHELMING)
        || words.has("low") && !words.has_phrase("too low")
        || words.has_phrase("too loud")
        // "The band is a bit loud", "kinda loud": a complaint, not an order to be loud.
        || ["bit loud", "little loud", "kinda loud", "so loud", "is loud", "very loud", "pretty loud", "quite loud"]
            .iter()
            .any(|p| words.has_phrase(p))
        // "Drop the beat a bit": with a size, "drop" is a level step.
        || words.has("drop") && size(&texts) != Size::Normal
        || words.has_phrase("too high")
        || quiet && words.has("more")
        // "The output's a little hot, back it off", "ease the level off a bit".
        || words.has_any(&["hot", "clipping", "clips"])
        || words.has("off") && words.has_any(&["back", "ease", "knock", "take", "dial"]);
    if switched && !words.has_any(&["louder", "quieter", "up", "down"]) {
        return None;
    }
    if up == down {
        return shared_step(words, now);
    }
    // Not hearing it at all is more than "way louder": 9 dB.
    if unheard && !words.has_any(&["bit", "little", "slightly", "touch", "tad"]) {
        return Some(now + 9.0);
    }
    let s = size(&texts);
    let m = if up { Move::Up(s) } else { Move::Down(s) };
    Some(apply_db(m, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::state::{ParamSnapshot, ParamValue};

    fn mix(text: &str, state: &ParamSnapshot, target: Target) -> Value {
        let ctx = Context {
            state,
            backing: None,
        };
        Value::Object(read(&Words::new(text), &ctx, target).expect(text).args)
    }

    #[test]
    fn taking_decibels_off_lowers_and_never_switches() {
        let mut s = ParamSnapshot::default();
        s.set("backing_level", ParamValue::Float(-10.0));
        s.set("backing_enabled", ParamValue::Bool(true));
        assert_eq!(
            mix("take 4 dB off the backing", &s, Target::Backing),
            json!({"backing_level_db": -14.0})
        );
        assert_eq!(
            mix("turn the beat down by three dB", &s, Target::Backing),
            json!({"backing_level_db": -13.0})
        );
        assert_eq!(
            mix("everything 2 dB quieter", &s, Target::Output),
            json!({"output_gain_db": -2.0})
        );
        assert_eq!(
            mix(
                "I don't want the backing track right now",
                &s,
                Target::Backing
            ),
            json!({"backing": false})
        );
    }

    #[test]
    fn backing_switch_level_and_follow() {
        let s = ParamSnapshot::default();
        let b = Target::Backing;
        assert_eq!(mix("stop the backing", &s, b), json!({"backing": false}));
        assert_eq!(mix("start the beat", &s, b), json!({"backing": true}));
        assert_eq!(mix("let the track run", &s, b), json!({"backing": true}));
        assert_eq!(
            mix("bring the backing in at minus twenty dB", &s, b),
            json!({"backing": true, "backing_level_db": -20.0})
        );
        assert_eq!(
            mix("backing down 6 dB", &s, b),
            json!({"backing_level_db": -18.0})
        );
        assert_eq!(
            mix("put the backing at -18", &s, b),
            json!({"backing_level_db": -18.0})
        );
        assert_eq!(
            mix("take 2 dB off the backing", &s, b),
            json!({"backing_level_db": -14.0})
        );
        assert_eq!(
            mix("don't free run the backing, follow the session", &s, b),
            json!({"follow_host": true})
        );
        assert_eq!(
            mix("dont folow the host", &s, b),
            json!({"follow_host": false})
        );
        // Each clause switches its own thing.
        assert_eq!(
            mix("turn follow host off and the backing on", &s, b),
            json!({"follow_host": false, "backing": true})
        );
    }

    #[test]
    fn output_levels_and_bypass() {
        let mut s = ParamSnapshot::default();
        s.set("output_gain", ParamValue::Float(-4.0));
        let o = Target::Output;
        assert_eq!(
            mix("raise the output by two decibels", &s, o),
            json!({"output_gain_db": -2.0})
        );
        assert_eq!(
            mix("set the output gain to -6 dB", &s, o),
            json!({"output_gain_db": -6.0})
        );
        assert_eq!(
            mix("make me louder", &s, o),
            json!({"output_gain_db": -1.0})
        );
        assert_eq!(
            mix("everything 2 dB quieter", &s, o),
            json!({"output_gain_db": -6.0})
        );
        assert_eq!(mix("bypass the plugin", &s, o), json!({"bypass": true}));
        assert_eq!(mix("turn the plugin off", &s, o), json!({"bypass": true}));
        assert_eq!(
            mix("plugin output: knock three dB off", &s, o),
            json!({"output_gain_db": -7.0})
        );
        assert_eq!(
            mix("output gain minus 2 from where it is", &s, o),
            json!({"output_gain_db": -6.0})
        );
        assert_eq!(
            mix("output's a little hot, back it off", &s, o),
            json!({"output_gain_db": -6.0})
        );
        assert_eq!(
            mix("ease the plugin's output level off a bit", &s, o),
            json!({"output_gain_db": -6.0})
        );
    }
}
