//! The `voice_speak` reader: what to say (quoted text, the text after a colon, or the words
//! after the speaking verb) and in which voice; and what follows the spoken text when it is
//! another order ("say 'ready' and start the backing").

use serde_json::{json, Map, Value};

use super::normalise::Words;
use crate::assistant::tools::{ToolCall, ToolName};

/// Words that ask for speech.
const VERBS: [&str; 15] = [
    "say",
    "yell",
    "shout",
    "sya",
    "speech",
    "tts",
    "speak",
    "read",
    "announce",
    "narrate",
    "pronounce",
    "tts",
    "spoken",
    "red",
    "count",
];

/// The order that follows a quoted text: from its first joining word ("and", "then", a
/// comma, "&", "+") on, or nothing when none joins one ("in a vulnerable voice").
fn order_after(rest: &str) -> String {
    let lower = rest.to_lowercase();
    let trimmed = lower.trim_start();
    if ["and ", "then ", ",", ";", "&", "+"]
        .iter()
        .any(|j| trimmed.starts_with(j))
    {
        return rest.to_string();
    }
    if lower.len() != rest.len() {
        return String::new();
    }
    // Further on, only a joint followed by an order counts ("in the confident voice, then
    // start the backing"); "in a soft and warm voice" describes the speech.
    [" and ", " then ", ",", ";", "&", "+", ". ", " plus "]
        .iter()
        .filter_map(|j| lower.find(j).map(|i| i + j.len()))
        .min()
        .map(|end| rest[end..].to_string())
        .filter(|order| starts_an_order(order))
        .unwrap_or_default()
}

/// Whether the words after a joint are an order of their own: an order verb ("start the
/// backing"), titles asked for ("3 titles about heartbreak") or a control moved ("a little
/// more output"); not a description of the speech ("warm voice").
fn starts_an_order(order: &str) -> bool {
    let w = Words::new(order);
    let first = match (w.at(0), w.at(1)) {
        ("after", "that") => 2,
        ("then" | "after" | "also" | "plus", _) => 1,
        _ => 0,
    };
    let titles = w.has_any(&["titles", "title", "names"])
        && w.words[first..]
            .iter()
            .take(2)
            .any(|t| super::normalise::number(&t.text).is_some());
    let control_moved = w.has_any(&["output", "backing", "beat", "track", "reverb", "level"])
        && w.has_any(&[
            "more", "less", "up", "down", "louder", "quieter", "touch", "bit",
        ]);
    ORDER_VERBS.contains(&w.at(first)) || titles || control_moved
}

/// Verbs that start an order after the spoken text.
const ORDER_VERBS: &[&str] = &[
    "bump",
    "push",
    "nudge",
    "boost",
    "switch",
    "start",
    "play",
    "bring",
    "add",
    "make",
    "turn",
    "put",
    "set",
    "tune",
    "give",
    "generate",
    "stop",
    "mute",
    "kill",
    "drop",
    "raise",
    "lower",
    "suggest",
    "brainstorm",
];

/// A spoken-text call and the rest of the request after the spoken text, if any.
pub fn read(text: &str, words: &Words) -> Option<(ToolCall, String)> {
    // "Voice over: coming up next", "talk: check one two": a speaking lead before a colon.
    let spoken_lead = text.split_once(':').is_some_and(|(lead, _)| {
        let lead = lead.to_lowercase();
        lead.trim() == "talk" || lead.contains("voice over") || lead.contains("voiceover")
    });
    let verb_at = words.find_any(&VERBS).or(spoken_lead.then_some(0))?;
    // "Say me the key of my voice" is "tell me", as some learners write it.
    if words.at(verb_at) == "say" && words.at(verb_at + 1) == "me" && !words.has_any(&["this"]) {
        return None;
    }
    // "Read me back the tuning settings", "read me where everything is": the state, not
    // speech.
    if words.has_any(&["settings", "state", "status", "knobs"])
        || words.has_phrase("read me") && words.has_any(&["where", "everything", "what", "how"])
    {
        return None;
    }
    let (spoken, before, rest) = if let Some((inner, before, rest)) = quoted(text) {
        // What follows the quote is another order only after "and", "then" or a comma
        // ("say 'ready' and start the backing"), not "in a vulnerable voice".
        // After a voice named for the speech ("in the confident voice, then start the
        // backing") the order starts at the joining word.
        (inner, before, order_after(&rest))
    } else if let Some((before, after)) = text.split_once(':') {
        let lead = Words::new(before);
        // "Confident voice: welcome to the show" names a speaking voice, so it speaks.
        let speaking_voice = lead.has("voice") && profile(&lead) != "narrator_neutral";
        if !lead.has_any(&VERBS)
            && !lead.has_any(&["aloud", "loud", "vox", "guide"])
            && !speaking_voice
            && !spoken_lead
        {
            return None;
        }
        let (spoken, rest) = split_tail(after);
        (spoken, before.to_string(), rest)
    } else {
        if !starts_clause(words, verb_at) {
            return None;
        }
        let spoken = after_verb(text)?;
        let (spoken, rest) = cut_order(&spoken);
        let before = if leads(words, verb_at) {
            String::new()
        } else {
            prior_orders(text).unwrap_or_default()
        };
        (spoken, before, rest)
    };
    let spoken = without_voice_note(&spoken);
    let spoken = spoken
        .trim()
        .trim_end_matches(['.', '!', ' '])
        .trim()
        .to_string();
    if spoken.is_empty() || spoken.chars().count() > 400 {
        return None;
    }
    let mut args = Map::new();
    args.insert("text".into(), json!(spoken));
    // The voice is asked for around the spoken words, never inside them.
    let around = if before.is_empty() {
        text.replacen(spoken.as_str(), " ", 1)
    } else {
        format!(
            "{before} {}",
            text.rsplit(spoken.as_str()).next().unwrap_or("")
        )
    };
    args.insert("profile".into(), json!(profile(&Words::new(&around))));
    Some((
        ToolCall::new(ToolName::VoiceSpeak, Value::Object(args)),
        rest,
    ))
}

/// The orders written before the speaking verb, when the verb does not lead the request
/// ("stop the beat, then read this: hello"): their text, to be read first.
pub fn prior_orders(text: &str) -> Option<String> {
    let words = Words::new(text);
    // "Voice over: coming up next", "talk: check one two": a speaking lead before a colon.
    let spoken_lead = text.split_once(':').is_some_and(|(lead, _)| {
        let lead = lead.to_lowercase();
        lead.trim() == "talk" || lead.contains("voice over") || lead.contains("voiceover")
    });
    let verb_at = words.find_any(&VERBS).or(spoken_lead.then_some(0))?;
    if leads(&words, verb_at) {
        return None;
    }
    // The verb's first occurrence as a whole word in the original text.
    let lower = text.to_lowercase();
    let verb = words.at(verb_at);
    let at = lower.match_indices(verb).find_map(|(i, _)| {
        let before_ok = i == 0 || !lower.as_bytes()[i - 1].is_ascii_alphabetic();
        let end = i + verb.len();
        let after_ok = end >= lower.len() || !lower.as_bytes()[end].is_ascii_alphabetic();
        (before_ok && after_ok).then_some(i)
    })?;
    let mut prior = text.get(..at)?.trim_end();
    loop {
        let trimmed = prior
            .trim_end_matches([',', '.', ';', '&', '+', ' '])
            .trim_end();
        let lowered = trimmed.to_lowercase();
        let cut = [
            "then",
            "and",
            "please",
            "also",
            "now",
            "after",
            "have it",
            "make it",
            "let it",
            "plus",
            "after that",
        ]
        .iter()
        .find(|j| lowered == **j || lowered.ends_with(&format!(" {j}")))
        .map(|j| trimmed.len() - j.len());
        match cut {
            Some(n) => prior = trimmed.get(..n).unwrap_or("").trim_end(),
            None => {
                prior = trimmed;
                break;
            }
        }
    }
    (Words::new(prior).len() >= 2).then(|| prior.to_string())
}

/// Whether the verb at `verb_at` starts a clause: it leads, or it follows a joining word or
/// a comma ("make me a robot and after say we are the machines").
fn starts_clause(words: &Words, verb_at: usize) -> bool {
    // "I sang out of tune? say me honestly" is "tell me", as some learners write it.
    let tell_me = words.at(verb_at) == "say" && words.at(verb_at + 1) == "me";
    // "Make the voice say welcome home", "let the robot say goodbye".
    let made_to = matches!(
        words.before(verb_at),
        "voice" | "robot" | "computer" | "plugin" | "narrator" | "it"
    ) && words.has_any(&["make", "have", "let", "get"]);
    made_to
        || leads(words, verb_at)
        || !tell_me && words.words.get(verb_at).is_some_and(|w| w.boundary)
        || !tell_me
            && matches!(
                words.before(verb_at),
                "then" | "after" | "and" | "also" | "next" | "later" | "afterwards" | "plus"
            )
        || !tell_me
            && words.before(verb_at) == "that"
            && words.before(verb_at.saturating_sub(1)) == "after"
}

/// A note in brackets that names the speaking voice ("welcome (confident)"): read for the
/// voice, never spoken.
fn without_voice_note(spoken: &str) -> String {
    let Some(open) = spoken.find('(') else {
        return spoken.to_string();
    };
    let Some(len) = spoken[open..].find(')') else {
        return spoken.to_string();
    };
    let note = &spoken[open + 1..open + len];
    if profile(&Words::new(note)) == "narrator_neutral" {
        return spoken.to_string();
    }
    format!("{}{}", &spoken[..open], &spoken[open + len + 1..])
}

/// Spoken words without quotes, cut where an order joins after them ("here comes the drop,
/// after make an edm track"): (spoken, order).
fn cut_order(spoken: &str) -> (String, String) {
    let lower = spoken.to_lowercase();
    const JOINS: [&str; 15] = [
        ", and then ",
        " and then ",
        ", then ",
        ". then ",
        " then ",
        ", after ",
        " and after ",
        ", and ",
        " and ",
        " + ",
        "; ",
        ". also ",
        ", also ",
        ". ",
        "? ",
    ];
    let cut = JOINS
        .iter()
        .filter_map(|j| lower.find(j).map(|i| (i, i + j.len())))
        .filter(|(_, end)| is_order(&Words::new(&spoken[*end..])))
        .min_by_key(|(i, _)| *i);
    match cut {
        Some((i, end)) => (spoken[..i].to_string(), spoken[end..].to_string()),
        None => (spoken.to_string(), String::new()),
    }
}

/// Whether the words after a joint are an order of their own ("after that play the track",
/// "also 3 song titles, mood is rain", "then the backing please"), not more words to say.
fn is_order(tail: &Words) -> bool {
    let first = usize::from(matches!(tail.at(0), "that" | "this" | "then" | "also"));
    let first = first + usize::from(tail.at(first) == "that");
    ORDER_VERBS.contains(&tail.at(first))
        || is_switch(tail)
        || super::names::asks(tail)
        || tail.len() <= 5 && tail.has_any(&["backing", "beat", "track", "music"])
}

/// A short switch order ("backing on", "reverb off") that may follow spoken words.
fn is_switch(tail: &Words) -> bool {
    tail.len() <= 3
        && tail.has_any(&["on", "off"])
        && tail.has_any(&[
            "backing", "beat", "music", "reverb", "tuning", "autotune", "harmony",
        ])
}

/// Whether the verb at `verb_at` is an order: first, or after "please", "can you"...
fn leads(words: &Words, verb_at: usize) -> bool {
    (0..verb_at).all(|i| {
        matches!(
            words.at(i),
            "please"
                | "can"
                | "could"
                | "would"
                | "you"
                | "now"
                | "and"
                | "then"
                | "hey"
                | "daiw"
                | "ok"
                | "okay"
                | "just"
                | "yo"
                | "first"
                // "Make the computer say ...", "I want you to say ...", "have it say ...".
                | "make"
                | "have"
                | "let"
                | "get"
                | "the"
                | "computer"
                | "plugin"
                | "assistant"
                | "robot"
                | "it"
                | "i"
                | "want"
                | "wanna"
                | "to"
        )
    })
}

/// The speaking voice the words ask for.
fn profile(words: &Words) -> &'static str {
    if words.has_prefix("confiden") || words.has_prefix("bold") {
        "guide_confident"
    } else if words.has_prefix("vulnerab")
        || words.has_any(&["softly", "gently", "fragile", "soft", "gentle"])
    {
        "guide_vulnerable"
    } else if words.has_prefix("ethereal") || words.has_any(&["dreamy", "airy", "floaty"]) {
        "guide_ethereal"
    } else if words.has_prefix("power")
        || words.has_any(&["loud", "loudly", "strong", "strongly"]) && !words.has_phrase("out loud")
    {
        "guide_powerful"
    } else {
        "narrator_neutral"
    }
}

/// Text between quotes: (inner, text before, text after). An apostrophe inside a word
/// ("don't") is not a quote.
fn quoted(text: &str) -> Option<(String, String, String)> {
    let text = text.replace(['“', '”'], "\"").replace(['‘', '’'], "'");
    for q in ['"', '\''] {
        let open = text.char_indices().find(|(i, c)| {
            *c == q && (q == '"' || *i == 0 || !text[..*i].ends_with(char::is_alphanumeric))
        });
        let Some((open, _)) = open else {
            continue;
        };
        let rest = &text[open + 1..];
        let close = if q == '"' {
            rest.find('"')
        } else {
            rest.char_indices()
                .find(|(i, c)| *c == '\'' && !rest[i + 1..].starts_with(char::is_alphanumeric))
                .map(|(i, _)| i)
        };
        if let Some(close) = close {
            let inner = rest[..close].trim();
            if !inner.is_empty() {
                return Some((
                    inner.to_string(),
                    text[..open].to_string(),
                    rest[close + 1..].to_string(),
                ));
            }
        }
    }
    None
}

/// Quoted text anywhere in the request (titles, spoken words).
pub fn quoted_text(text: &str) -> Option<String> {
    quoted(text).map(|(inner, _, _)| inner)
}

/// Text after a colon, cut before a trailing order: "one, two, and kick in the backing".
fn split_tail(after: &str) -> (String, String) {
    let lower = after.to_lowercase();
    for joiner in [
        ", and ",
        " and then ",
        ", then ",
        ". then ",
        " then ",
        ". also ",
        "; ",
        ". after ",
    ] {
        if let Some(i) = lower.rfind(joiner) {
            let tail = &after[i + joiner.len()..];
            let tail_words = Words::new(tail);
            let order = tail_words.has_any(&[
                "backing", "beat", "music", "reverb", "tune", "tuning", "play", "start",
            ]) || super::names::asks(&tail_words);
            if order {
                return (after[..i].to_string(), tail.to_string());
            }
        }
    }
    (after.to_string(), String::new())
}

/// The words after the speaking verb, without "this", "out loud" or a trailing "in a ...
/// voice".
fn after_verb(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let (pos, verb) = VERBS
        .iter()
        .filter_map(|v| {
            lower
                .match_indices(v)
                .find(|(i, _)| *i == 0 || !lower[..*i].ends_with(char::is_alphanumeric))
                .map(|(i, _)| (i, *v))
        })
        .min_by_key(|(i, _)| *i)?;
    let mut rest = text[pos + verb.len()..]
        .trim_start_matches([' ', ':', ','])
        .to_string();
    // "Count me in", "count in one two three four": a count-in, four beats unless said.
    if verb == "count" {
        let lower_rest = rest.to_lowercase();
        let numbers = lower_rest
            .trim_start_matches("me in")
            .trim_start_matches("us in")
            .trim_start_matches("in")
            .trim()
            .to_string();
        let start = rest.len() - numbers.len();
        rest = if numbers.is_empty() {
            "one, two, three, four".to_string()
        } else {
            rest[start..].to_string()
        };
    }
    for lead in [
        "out loud",
        "aloud",
        "out",
        "this",
        "for me",
        "to me",
        "the words",
        "the line",
    ] {
        if rest.to_lowercase().starts_with(lead) {
            rest = rest[lead.len()..]
                .trim_start_matches([' ', ':', ','])
                .to_string();
        }
    }
    let lower_rest = rest.to_lowercase();
    for tail in [
        " in a ",
        " in an ",
        " with a ",
        " like a ",
        " confidently",
        " softly",
        " gently",
        " loudly",
        " out loud",
        " aloud",
        " as a ",
    ] {
        if let Some(i) = lower_rest.rfind(tail) {
            rest.truncate(i);
            break;
        }
    }
    let rest = rest.trim().to_string();
    (!rest.is_empty()).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speak(text: &str) -> (Value, String) {
        let (call, rest) = read(text, &Words::new(text)).expect(text);
        (Value::Object(call.args), rest)
    }

    #[test]
    fn spoken_text_in_every_form() {
        assert_eq!(
            speak("say this aloud: hello everyone").0,
            json!({"text": "hello everyone", "profile": "narrator_neutral"})
        );
        assert_eq!(
            speak("can you read out 'don't look back' for me?").0["text"],
            "don't look back"
        );
        assert_eq!(
            speak("say \"one, two, three, four\" confidently").0["profile"],
            "guide_confident"
        );
        let (call, rest) = speak("say 'here we go' and strat the backing");
        assert_eq!(call["text"], "here we go");
        assert!(rest.contains("backing"));
        let (call, rest) =
            speak("count me in out loud: one, two, one two three four, and kick in the backing");
        assert_eq!(call["text"], "one, two, one two three four");
        assert!(rest.contains("kick in"));
    }

    #[test]
    fn an_order_after_the_quote_is_kept_a_description_is_not() {
        let (_, rest) = speak("say 'breathe in' in the vulnerable guide voice, then 3 titles");
        assert!(rest.contains("titles"), "{rest}");
        let (_, rest) = speak("speak 'last chorus' powerful guide; output up slightly");
        assert!(rest.contains("output"), "{rest}");
        let (_, rest) = speak("say 'hello' in a soft and warm voice");
        assert!(rest.is_empty(), "{rest}");
        assert_eq!(
            speak("make the computer say bienvenidos a todos").0["text"],
            "bienvenidos a todos"
        );
    }
}
