//! The `intent_new` reader: a new song with its working title (quoted, "called X", "new
//! song: X"), its main mood, what happened and what is longed for.

use serde_json::{json, Map, Value};

use super::normalise::Words;
use super::speak::quoted_text;
use crate::assistant::tools::{ToolCall, ToolName, INTENT_MOODS};

/// Word stems and the intent mood each names.
const MOOD_STEMS: [(&str, &str); 30] = [
    ("griev", "Grief"),
    ("grief", "Grief"),
    ("mourn", "Grief"),
    ("joy", "Joy"),
    ("nervous", "Nervousness"),
    ("anxious", "Nervousness"),
    ("defian", "Defiance"),
    ("liberat", "Liberation"),
    ("longing", "Longing"),
    ("yearn", "Longing"),
    ("rage", "Rage"),
    ("angry", "Rage"),
    ("furious", "Rage"),
    ("accept", "Acceptance"),
    ("nostalg", "Nostalgia"),
    ("dissociat", "Dissociation"),
    ("numb", "Dissociation"),
    ("triumph", "Triumphant Hope"),
    ("hope", "Triumphant Hope"),
    ("bittersweet", "Bittersweet"),
    ("melanchol", "Melancholy"),
    ("euphori", "Euphoria"),
    ("desperat", "Desperation"),
    ("seren", "Serenity"),
    ("calm", "Serenity"),
    ("confus", "Confusion"),
    ("determin", "Determination"),
    ("happy", "Joy"),
    ("sad", "Melancholy"),
    ("free", "Liberation"),
];

/// Whether the request starts a new song (an intent with a title).
pub fn asks(text: &str, words: &Words) -> bool {
    let new = words.has_any(&[
        "new", "start", "starting", "started", "create", "begin", "set", "writing", "working",
        "open", "make",
    ]) || words.has_phrase("song title")
        || quoted_text(text).is_some() && words.has("about");
    let song = words.has_any(&["song", "intent", "intention", "one", "track", "tune"])
        || quoted_text(text).is_some();
    // "Named" reads as "name" among the words; the text still says it.
    let titled = quoted_text(text).is_some()
        || words.has_any(&["called", "titled", "named", "title"])
        || text.to_lowercase().contains(" named ")
        || text.contains(':')
        // "Create the intent Paper Lanterns": a capitalised name right after the noun.
        || capital_after(text, &["intent ", "intention "]);
    // "Song title ideas", "2 song title suggestions" ask for names, not a new song.
    // Titles asked for after the new song ("new intent 'X', then four title ideas") are a
    // second order, not the first.
    let suggestions = words.has_any(&["ideas", "suggestions", "suggest", "options", "brainstorm"])
        && then_titles(text).is_none();
    new && song
        && titled
        && !suggestions
        && !words.has_any(&[
            "backing", "beat", "reverb", "say", "read", "speak", "announce", "narrate", "tts",
        ])
}

/// Whether one of `nouns` (lower case, with its space) is followed by a capital letter.
fn capital_after(text: &str, nouns: &[&str]) -> bool {
    nouns.iter().any(|n| {
        text.match_indices(n)
            .any(|(i, _)| text[i + n.len()..].starts_with(|c: char| c.is_uppercase()))
    })
}

/// Reads an `intent_new` call, or `None` when no title can be found.
pub fn read(text: &str, words: &Words) -> Option<ToolCall> {
    let title = title(text)?;
    let mut args = Map::new();
    args.insert("title".into(), json!(title));
    let rest = text.replacen(title.as_str(), " ", 1);
    let rest_words = Words::new(&rest);
    if let Some(mood) = mood(&rest_words) {
        args.insert("mood_primary".into(), json!(mood));
    }
    if let Some(event) = event(&rest) {
        args.insert("core_event".into(), json!(event));
    }
    if let Some(longing) = longing(&rest) {
        args.insert("core_longing".into(), json!(longing));
    }
    let _ = words;
    Some(ToolCall::new(ToolName::IntentNew, Value::Object(args)))
}

/// The working title: quoted, after "called"/"titled"/"named", or after "new song:".
fn title(text: &str) -> Option<String> {
    if let Some(q) = quoted_text(text) {
        return Some(q);
    }
    let lower = text.to_lowercase();
    for marker in [
        "called ",
        "titled ",
        "named ",
        "title is ",
        "title: ",
        "song: ",
        "intent: ",
        "title ",
        "intention ",
        "intent ",
    ] {
        if let Some(i) = lower.find(marker) {
            let rest = &text[i + marker.len()..];
            let end = rest.find(['.', ',', '!', '?', ';']).unwrap_or(rest.len());
            let end = next_order(&rest[..end]).unwrap_or(end);
            let title = rest[..end].trim();
            if !title.is_empty() && title.chars().count() <= 80 {
                return Some(title.to_string());
            }
        }
    }
    None
}

/// Where an order joined after an unquoted title starts ("Salt Water and process it", "Empty
/// Chair - it's a grief song"): a title may hold "and", but not "and" before an order.
fn next_order(title: &str) -> Option<usize> {
    let lower = title.to_lowercase();
    // " and give me four titles", " and suggest...": "and" before an order's verb.
    let and_order = lower.match_indices(" and ").find_map(|(i, _)| {
        let next = lower[i + 5..].split_whitespace().next().unwrap_or("");
        AND_ORDERS.contains(&next).then_some(i)
    });
    const ORDERS: [&str; 15] = [
        " with the mood",
        " with mood",
        " (",
        " feeling ",
        " + ",
        " - ",
        " — ",
        " – ",
        " then ",
        " and then ",
        " and after",
        " and process",
        " and run",
        " and work",
        " and plan",
    ];
    // "Called Empty Rooms about my divorce": the song's subject, written in lower case
    // ("Songs About Rain" keeps its capital and stays the title).
    let about = title.find(" about ");
    ORDERS
        .iter()
        .filter_map(|o| lower.find(o))
        .chain(and_order)
        .chain(about)
        .min()
}

/// Verbs that start an order after "and" in an unquoted title ("... and give me titles").
const AND_ORDERS: [&str; 10] = [
    "give",
    "suggest",
    "brainstorm",
    "make",
    "build",
    "create",
    "process",
    "run",
    "work",
    "turn",
];

/// Whether the request also asks to work the new intent out into a plan ("... and process
/// it right away", "then run the processing").
pub fn then_process(text: &str, words: &Words) -> bool {
    let lower = text.to_lowercase();
    let after_title = ["called ", "titled ", "named ", "title "]
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .map_or(lower.as_str(), |i| &lower[i..]);
    let ordered = words.has_any(&["then", "and", "after", "also"]);
    ordered
        && (after_title.contains("process")
            || after_title.contains("work it out")
            || after_title.contains("plan it")
            || after_title.contains("into a plan")
            || after_title.contains("run it")
            || after_title.contains("run the"))
}

/// The order joined after the intent ("..., and give me 4 titles", "... then four title
/// ideas"): the text after the last joining word, when it asks for titles.
pub fn then_titles(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let at = [" then ", " and ", " also", " + ", "after that"]
        .iter()
        .filter_map(|j| lower.rfind(j).map(|i| i + j.len()))
        .max()?;
    let rest = &text[at..];
    let words = Words::new(rest);
    let titles = words.has_any(&["titles", "title", "names", "name", "titels"]);
    (titles && words.len() <= 8).then(|| rest.to_string())
}

/// The first mood word, as an intent mood.
fn mood(words: &Words) -> Option<&'static str> {
    if words.has_phrase("triumphant hope") {
        return Some("Triumphant Hope");
    }
    words.words.iter().find_map(|w| {
        MOOD_STEMS
            .iter()
            .find(|(stem, _)| w.text.starts_with(stem))
            .map(|(_, m)| *m)
            .filter(|m| INTENT_MOODS.contains(m))
    })
}

/// The piece of `text` after `marker` up to the next comma or full stop.
fn after<'a>(text: &'a str, lower: &str, marker: &str) -> Option<&'a str> {
    let i = lower.find(marker)?;
    let rest = &text[i + marker.len()..];
    let end = rest.find([',', '.', ';', '!', '?']).unwrap_or(rest.len());
    let piece = rest[..end].trim().trim_start_matches(':').trim();
    (!piece.is_empty()).then_some(piece)
}

/// What happened: "about X", "event: X", "what happened: X", "it happened that X".
fn event(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    [
        "what happened:",
        "event:",
        "happened that",
        "happen that",
        "about ",
    ]
    .iter()
    .find_map(|m| after(text, &lower, m))
    .map(str::to_string)
}

/// What is longed for: "longing: X", "I want X", "I wish X", "just want X".
fn longing(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    [
        "longing:",
        "what i want is",
        "i just want",
        "just want",
        "i want",
        "i wish",
        "wish to",
    ]
    .iter()
    .find_map(|m| after(text, &lower, m))
    .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(text: &str) -> Value {
        let words = Words::new(text);
        assert!(asks(text, &words), "{text}");
        Value::Object(read(text, &words).expect(text).args)
    }

    #[test]
    fn titles_moods_events_longings() {
        assert_eq!(
            intent("start a new song intent called Paper Boats"),
            json!({"title": "Paper Boats"})
        );
        assert_eq!(
            intent("start a new song intent called Salt Water and process it right away"),
            json!({"title": "Salt Water"})
        );
        let c = intent("I'm writing a song called Empty Rooms about my divorce");
        assert_eq!(c["title"], "Empty Rooms");
        assert!(c["core_event"]
            .as_str()
            .is_some_and(|e| e.contains("divorce")));
        assert_eq!(
            intent("new song called Songs About Rain")["title"],
            "Songs About Rain"
        );
        assert_eq!(
            intent("start a song called Empty Chair - it's a grief song"),
            json!({"title": "Empty Chair", "mood_primary": "Grief"})
        );
        assert_eq!(
            intent("new intent, title Salt Water, then run the processing"),
            json!({"title": "Salt Water"})
        );
        let text = "create intent 'Salt Water' then process it";
        assert!(then_process(text, &Words::new(text)));
        assert_eq!(
            then_titles("new song intent called Paper Boats, mood nostalgia, and give me 4 titles")
                .as_deref(),
            Some("give me 4 titles")
        );
        let text = "new song called Salt and Pepper";
        assert!(!then_process(text, &Words::new(text)));
        assert_eq!(
            intent("new song called 'Ashes' — the mood is grief"),
            json!({"title": "Ashes", "mood_primary": "Grief"})
        );
        let full = intent(
            "start a song called Runaway. Mood: liberation. What happened: I quit my job and \
             moved to Lisbon. Longing: to finally feel like myself.",
        );
        assert_eq!(full["title"], "Runaway");
        assert_eq!(full["mood_primary"], "Liberation");
        assert!(full["core_event"]
            .as_str()
            .is_some_and(|e| e.contains("Lisbon")));
        assert!(full["core_longing"]
            .as_str()
            .is_some_and(|e| e.contains("myself")));
    }
}
