//! The `name_suggest` reader: asking for titles (as an order or a question, "what should I
//! call a song about...") with the mood or theme and how many.

use serde_json::{json, Map, Value};

use super::normalise::{number, Words};
use crate::assistant::tools::{ToolCall, ToolName};

/// Moods and themes read as one word.
const MOODS: [&str; 36] = [
    "grief",
    "grieving",
    "sad",
    "sadness",
    "joy",
    "joyful",
    "happy",
    "longing",
    "rage",
    "angry",
    "anger",
    "nostalgia",
    "nostalgic",
    "bittersweet",
    "melancholy",
    "melancholic",
    "hopeful",
    "hope",
    "euphoria",
    "euphoric",
    "defiance",
    "defiant",
    "serenity",
    "calm",
    "lonely",
    "loneliness",
    "heartbreak",
    "heartbroken",
    "love",
    "summer",
    "winter",
    "chill",
    "dark",
    "breakup",
    "freedom",
    "angst",
];

/// Nouns for the song a title is for.
const SONG_NOUNS: [&str; 9] = [
    "song", "track", "tune", "ballad", "album", "record", "anthem", "piece", "thing",
];

/// Whether the request asks for titles.
pub fn asks(words: &Words) -> bool {
    if words.has_any(&["intent"]) {
        return false;
    }
    let title_word = words.has_any(&["title", "titles", "name", "names", "titels"]);
    let asking = words.has_any(&[
        "suggest",
        "ideas",
        "idea",
        "give",
        "need",
        "some",
        "come",
        "brainstorm",
        "want",
        "options",
        "think",
        "any",
        "got",
        "help",
        "good",
        "make",
        "throw",
        "couple",
        "few",
        "theme",
    ]) || words.words.iter().any(|w| number(&w.text).is_some());
    let about_song = words.has_any(&SONG_NOUNS);
    let call_it = words.has("call") && about_song && words.has_any(&["what", "how", "should"]);
    let name_verb =
        words.has("name") && words.has_any(&["this", "it", "a", "my"]) && !words.has("the");
    (title_word && (asking || about_song || words.len() <= 3)) || call_it || name_verb
}

/// Reads a `name_suggest` call.
pub fn read(words: &Words) -> ToolCall {
    let mut args = Map::new();
    if let Some(mood) = mood(words) {
        args.insert("mood".into(), json!(mood));
    }
    if let Some(n) = count(words) {
        args.insert("count".into(), json!(n));
    }
    ToolCall::new(ToolName::NameSuggest, Value::Object(args))
}

/// The mood or theme: a mood word, the words after "about" or "theme", or the word before
/// the song noun ("a breakup song").
fn mood(words: &Words) -> Option<String> {
    if let Some(i) = words.find_any(&["about", "theme"]) {
        let theme: Vec<&str> = (i + 1..words.len())
            .take_while(|&k| k == i + 1 || !words.words[k].boundary)
            .map(|k| words.at(k))
            .filter(|w| !matches!(*w, "please" | "thanks" | "lol"))
            .collect();
        if !theme.is_empty() && theme.len() <= 6 {
            return Some(theme.join(" "));
        }
    }
    if let Some(theme) = vibe(words) {
        return Some(theme);
    }
    if let Some(i) = words.find_any(&MOODS) {
        return Some(words.at(i).to_string());
    }
    if let Some(theme) = after_song_noun(words) {
        return Some(theme);
    }
    let noun = words.find_any(&SONG_NOUNS)?;
    let before = words.before(noun);
    (noun >= 2
        && !words.words[noun].boundary
        && !matches!(
            before,
            "a" | "an" | "my" | "the" | "this" | "for" | "of" | "song" | "ideas" | "idea"
        )
        && !TITLE_WORDS.contains(&before))
    .then(|| before.to_string())
}

/// Words that name the titles themselves, never their theme.
const TITLE_WORDS: [&str; 5] = ["title", "titles", "name", "names", "titels"];

/// The theme after a song noun and a preposition, to the clause's end: "a song on my
/// grandmother", "names for a song of the night".
fn after_song_noun(words: &Words) -> Option<String> {
    let noun = words.find_any(&SONG_NOUNS)?;
    if !matches!(
        words.at(noun + 1),
        "on" | "for" | "of" | "abt" | "about" | "to"
    ) {
        return None;
    }
    let theme: Vec<&str> = (noun + 2..words.len())
        .take_while(|&k| !words.words[k].boundary)
        .map(|k| words.at(k))
        .filter(|w| !matches!(*w, "a" | "an" | "the" | "please" | "pls" | "thanks"))
        .collect();
    (1..=5).contains(&theme.len()).then(|| theme.join(" "))
}

/// The words before "vibe", "feel" or "mood" in their clause: "sad breakup vibe".
fn vibe(words: &Words) -> Option<String> {
    let i = words.find_any(&["vibe", "vibes", "feel", "mood"])?;
    let start = words.clause_start(i);
    // "Song names for a late night vibe": the theme starts after "for".
    let start = (start..i)
        .rev()
        .find(|&k| matches!(words.at(k), "for" | "about" | "with"))
        .map_or(start, |k| k + 1);
    let theme: Vec<&str> = (start..i)
        .map(|k| words.at(k))
        .filter(|w| {
            !matches!(
                *w,
                "a" | "an" | "the" | "with" | "please" | "some" | "kind" | "of"
            )
        })
        .collect();
    (1..=4).contains(&theme.len()).then(|| theme.join(" "))
}

/// How many titles: "3 titles", "a dozen", "a couple", "a few".
fn count(words: &Words) -> Option<u32> {
    if words.has("couple") {
        return Some(2);
    }
    if words.has("few") {
        return Some(3);
    }
    for i in 0..words.len() {
        let Some(n) = number(words.at(i)).filter(|n| (1.0..=20.0).contains(n) && n.fract() == 0.0)
        else {
            continue;
        };
        let counted = |w: &str| {
            matches!(
                w,
                "titles" | "names" | "ideas" | "options" | "name" | "title" | "titels"
            )
        };
        if counted(words.at(i + 1)) || counted(words.at(i + 2)) || words.at(i + 1) == "more" {
            return Some(n as u32);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Value {
        let words = Words::new(text);
        assert!(asks(&words), "{text}");
        Value::Object(read(&words).args)
    }

    #[test]
    fn titles_with_mood_and_count() {
        assert_eq!(
            names("give me 3 title ideas for a song about heartbreak"),
            json!({"mood": "heartbreak", "count": 3})
        );
        assert_eq!(names("a dozen title ideas for a winter song")["count"], 12);
        assert_eq!(
            names("suggest titles for a breakup song")["mood"],
            "breakup"
        );
        assert_eq!(
            names("what should I call a song about moving to a new city?")["mood"],
            "moving to a new city"
        );
        assert_eq!(names("help me name this thing lol"), json!({}));
    }
}
