//! What tuning corrects to, beyond key and scale: following the backing's chords ("make the
//! tuning follow the chords", "follow the chords but allow passing notes", "stop following the
//! chords") and custom note sets ("leave out the F sharp", "only C, E and G", "add the F#
//! back"). Both become `voice_tune` arguments.

use serde_json::{Map, Value};

use super::normalise::Words;
use crate::assistant::tools::{ToolCall, ToolName};

/// Words that ask the correction to follow something.
const FOLLOW_WORDS: [&str; 10] = [
    "chase",
    "chasing",
    "follow",
    "follows",
    "following",
    "folow",
    "track",
    "snap",
    "correct",
    "tune",
];
/// Words that negate what follows them within a few words.
const NEGATIONS: [&str; 7] = ["not", "don't", "dont", "stop", "forget", "no", "never"];
/// Words that allow the scale's notes between chord tones.
const PASSING: [&str; 6] = ["passing", "loosely", "between", "plus", "too", "both"];
/// Words that make a note name a key, a backing or a level rather than a note set.
const KEY_CONTEXT: [&str; 14] = [
    "key", "root", "tonic", "mode", "major", "minor", "backing", "beat", "track", "db", "decibel",
    "decibels", "tempo", "bpm",
];
/// How many words before "chords" a negation still applies to ("don't want it following
/// the chords").
const NEGATION_REACH: usize = 6;

/// The chord-following setting the words ask for: "off", "chord_tones" or "chord_and_scale".
pub fn follow_chords(words: &Words) -> Option<&'static str> {
    let chord_at = words.find_any(&["chord", "chords"])?;
    let texts = words.texts();
    let follows = texts
        .iter()
        .any(|w| FOLLOW_WORDS.contains(w) || w.starts_with("fol"))
        || words.has_phrase("chord tones")
        || words.has_phrase("notes of each chord")
        || words.has_phrase("on the chords");
    if !follows {
        return None;
    }
    let negated = (chord_at.saturating_sub(NEGATION_REACH)..chord_at)
        .any(|i| NEGATIONS.contains(&texts[i]) || texts[i] == "off")
        || words.has("off")
        || words.has_phrase("no more");
    if negated && !words.has_phrase("on the chords") {
        return Some("off");
    }
    let scale_too = words.has_any(&PASSING)
        || (words.has_any(&["scale", "key"]) && !words.has_phrase("not the scale"));
    Some(if scale_too {
        "chord_and_scale"
    } else {
        "chord_tones"
    })
}

/// What a custom note set asks: the argument ("notes", "drop_notes" or "add_notes") and the
/// notes as text ("F#", "C E G").
pub fn note_set(words: &Words) -> Option<(&'static str, String)> {
    // A note beside these words is a key, a backing or a level ("only the key change, to C",
    // "F minor backing but don't make it fast", "drop the backing 3 dB").
    if words.has_any(&KEY_CONTEXT) {
        return None;
    }
    let notes = note_names(words);
    if notes.is_empty() {
        return None;
    }
    let arg = if words.has_any(&["only", "just", "limit", "restrict", "restricted"]) {
        "notes"
    } else if words.has_any(&["back", "allow", "again", "include"]) || words.has_phrase("add the") {
        "add_notes"
    } else if words.has_any(&[
        "leave", "skip", "no", "out", "remove", "exclude", "never", "drop", "without",
    ]) || words.has_phrase("don't")
        || words.has_phrase("dont")
    {
        "drop_notes"
    } else if words.has_any(&["target", "targets"]) {
        // "Target notes: D F A", "targets A C E": the set named as the targets.
        "notes"
    } else {
        return None;
    };
    Some((arg, notes.join(" ")))
}

/// The note names written in the words: letters with "sharp"/"flat", "#" or "b", or "the E";
/// a lone "a" counts only next to other notes (it is usually the article).
fn note_names(words: &Words) -> Vec<String> {
    let mut found: Vec<(usize, String)> = Vec::new();
    let n = words.len();
    let mut i = 0;
    while i < n {
        let w = &words.words[i];
        let text = w.text.as_str();
        let (name, used) = match note_token(text) {
            Some(letter) if text.len() == 1 => match words.at(i + 1) {
                "sharp" | "#" => (format!("{}#", letter.to_ascii_uppercase()), 2),
                "flat" => (format!("{}b", letter.to_ascii_uppercase()), 2),
                _ => (letter.to_ascii_uppercase().to_string(), 1),
            },
            // "db", "eb", "ab" in lowercase are words or decibels more often than notes.
            Some(_) if text.len() == 2 && text.ends_with('b') && !w.capital => {
                i += 1;
                continue;
            }
            Some(_) => (spelled(text), 1),
            None => {
                i += 1;
                continue;
            }
        };
        let lone_a = text == "a" && used == 1;
        if !lone_a || w.capital {
            found.push((i, name));
        } else {
            // A lone "a" is a note only in a list of notes ("D, F and A").
            let listed = found.last().is_some_and(|(j, _)| i - j <= 2);
            if listed {
                found.push((i, name));
            }
        }
        i += used;
    }
    // A single plain letter that is a word of its own ("e", "b") needs "the" before it or a
    // capital, so "b" in "take a b" stays ambiguous only in lowercase chat.
    found
        .into_iter()
        .filter(|(i, name)| {
            name.len() > 1 || words.words[*i].capital || words.before(*i) == "the" || {
                let list =
                    note_token(words.before(*i)).is_some() || note_token(words.at(i + 1)).is_some();
                list || words.at(i + 1) == "out" || words.at(i + 1).is_empty()
            }
        })
        .map(|(_, name)| name)
        .collect()
}

/// The letter of a note-like token: "f", "f#", "bb", "eb".
fn note_token(text: &str) -> Option<char> {
    let mut chars = text.chars();
    let letter = chars.next().filter(|c| ('a'..='g').contains(c))?;
    match chars.as_str() {
        "" | "#" | "b" | "sharp" | "flat" => Some(letter),
        _ => None,
    }
}

/// "f#" -> "F#", "bb" -> "Bb", "fsharp" -> "F#".
fn spelled(text: &str) -> String {
    let mut chars = text.chars();
    let letter = chars.next().map(|c| c.to_ascii_uppercase()).unwrap_or('C');
    let accidental = match chars.as_str() {
        "#" | "sharp" => "#",
        "b" | "flat" => "b",
        _ => "",
    };
    format!("{letter}{accidental}")
}

/// Whether the words are about what tuning targets (chords or a note set).
pub fn mentions(words: &Words) -> bool {
    follow_chords(words).is_some() || note_set(words).is_some()
}

/// The `voice_tune` call for chord following and note sets, if the words ask for either.
pub fn read(words: &Words) -> Option<ToolCall> {
    let mut args = Map::new();
    if let Some(follow) = follow_chords(words) {
        args.insert("follow_chords".into(), Value::from(follow));
    }
    if let Some((arg, notes)) = note_set(words) {
        args.insert(arg.into(), Value::from(notes));
    }
    (!args.is_empty()).then(|| ToolCall::new(ToolName::VoiceTune, Value::Object(args)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn follow(text: &str) -> Option<&'static str> {
        follow_chords(&Words::new(text))
    }

    fn notes(text: &str) -> Option<(&'static str, String)> {
        note_set(&Words::new(text))
    }

    #[test]
    fn chord_following_on_loose_and_off() {
        assert_eq!(
            follow("make the tuning follow the chords"),
            Some("chord_tones")
        );
        assert_eq!(follow("snap my notes to the chords"), Some("chord_tones"));
        assert_eq!(
            follow("follow the chords but allow passing notes"),
            Some("chord_and_scale")
        );
        assert_eq!(follow("stop following the chords"), Some("off"));
        assert_eq!(
            follow("just tune to the key again, not the chords"),
            Some("off")
        );
        assert_eq!(follow("I don't want it following the chords"), Some("off"));
        assert_eq!(
            follow("autotune on the chords not the scale"),
            Some("chord_tones")
        );
        assert_eq!(follow("a funk backing with jazzy chords"), None);
    }

    #[test]
    fn note_sets() {
        assert_eq!(
            notes("leave out the F sharp"),
            Some(("drop_notes", "F#".into()))
        );
        assert_eq!(notes("skip F#"), Some(("drop_notes", "F#".into())));
        assert_eq!(notes("only D, F and A"), Some(("notes", "D F A".into())));
        assert_eq!(
            notes("add the F sharp back"),
            Some(("add_notes", "F#".into()))
        );
        assert_eq!(notes("take E out"), Some(("drop_notes", "E".into())));
        assert_eq!(notes("add a bit of reverb"), None);
        assert_eq!(notes("no reverb"), None);
    }
}
