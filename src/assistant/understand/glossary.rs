//! The built-in glossary (`assets/glossary.json`): questions about a word ("what does retune
//! speed do?", "dorian vs minor?") are answered from it without the model, and the entries a
//! request names are given to the model as context when it answers.

use std::sync::OnceLock;

use serde::Deserialize;

use super::normalise::Words;

/// The glossary file, built in.
pub const GLOSSARY_JSON: &str = include_str!("../../../assets/glossary.json");

/// One entry.
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    /// The term.
    pub term: String,
    /// Other names and spellings.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// parameter, preset, style, scale, mode, rule_break, theory, mixing, vocal, plugin.
    #[serde(default)]
    pub category: String,
    /// The plugin parameter it describes, if any.
    #[serde(default)]
    pub param: Option<String>,
    /// The explanation.
    pub text: String,
    /// A request to try.
    #[serde(default, rename = "try")]
    pub try_it: Option<String>,
}

#[derive(Deserialize)]
struct File {
    entries: Vec<Entry>,
}

/// An entry with its names as clean word lists, for matching.
struct Indexed {
    entry: Entry,
    names: Vec<Vec<String>>,
}

fn index() -> &'static [Indexed] {
    static INDEX: OnceLock<Vec<Indexed>> = OnceLock::new();
    INDEX.get_or_init(|| {
        // The file is built in and checked by a test; a broken one means no glossary, not a
        // crash.
        let file: File = serde_json::from_str(GLOSSARY_JSON).unwrap_or(File {
            entries: Vec::new(),
        });
        file.entries
            .into_iter()
            .map(|entry| {
                let names = std::iter::once(&entry.term)
                    .chain(entry.aliases.iter())
                    .map(|n| {
                        Words::new(&n.replace('_', " "))
                            .texts()
                            .iter()
                            .map(|s| s.to_string())
                            .collect()
                    })
                    .filter(|n: &Vec<String>| !n.is_empty())
                    .collect();
                Indexed { entry, names }
            })
            .collect()
    })
}

/// Words that carry no topic in a question.
const FILLER: [&str; 28] = [
    "what",
    "whats",
    "what's",
    "is",
    "are",
    "does",
    "do",
    "a",
    "an",
    "the",
    "mean",
    "means",
    "meaning",
    "of",
    "explain",
    "how",
    "work",
    "works",
    "difference",
    "between",
    "vs",
    "versus",
    "and",
    "tell",
    "me",
    "about",
    "define",
    "it",
];

/// Entries the words name, best (longest name) first, at most `limit`; names inside a longer
/// matched name do not count again ("retune speed" is not also "speed").
pub fn lookup(words: &Words, limit: usize) -> Vec<&'static Entry> {
    let texts = words.texts();
    let mut found: Vec<(usize, usize, &'static Entry)> = Vec::new();
    for item in index() {
        let mut best: Option<(usize, usize)> = None;
        for name in &item.names {
            if name.len() == 1 && FILLER.contains(&name[0].as_str()) {
                continue;
            }
            let hit = texts
                .windows(name.len())
                .position(|w| w.iter().zip(name).all(|(a, b)| a == b));
            if let Some(at) = hit {
                if best.is_none_or(|(len, _)| name.len() > len) {
                    best = Some((name.len(), at));
                }
            }
        }
        if let Some((len, at)) = best {
            found.push((len, at, &item.entry));
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<(usize, usize, &'static Entry)> = Vec::new();
    for f in found {
        let covered = out.iter().any(|o| f.1 >= o.1 && f.1 + f.0 <= o.1 + o.0);
        if !covered && out.len() < limit {
            out.push(f);
        }
    }
    out.sort_by_key(|f| f.1);
    out.into_iter().map(|f| f.2).collect()
}

/// Whether the words ask what something is or does (not for a change).
pub fn is_definition_question(words: &Words) -> bool {
    // "What is / are / does X", not "what should I call..." or "what about...".
    let what = matches!(words.at(0), "what" | "whats" | "what's")
        && (matches!(words.at(0), "whats" | "what's")
            || matches!(
                words.at(1),
                "is" | "are" | "does" | "do" | "s" | "was" | "means" | "a" | "an"
            ));
    let starts = what || matches!(words.at(0), "explain" | "define" | "describe" | "meaning");
    let how_works = words.at(0) == "how"
        && words.has_any(&["work", "works", "does"])
        && !words.has_any(&["i", "you"]);
    // Questions written after the term or about what it does: "lydian mode is what
    // exactly?", "compressor: what is it for?", "what happens if I put vibrato at zero?",
    // "why would I turn humanize up?", "the function follow chords, it serve for what?".
    let asked_after = [
        "is what",
        "what is it",
        "what it is",
        // "What's" reads as "what" among the words.
        "whats it",
        "whats that",
        "what is that mean",
        "what that mean",
        "what it mean",
        "what does that",
        "what that means",
        "what happens",
        "for what",
        "what for",
        "serve for",
        "differ",
        "why would",
        "why should",
        "point of",
        "is that like",
        "what it does",
    ]
    .iter()
    .any(|p| words.has_phrase(p))
        // "Reverb to half of what it is now", "output 3 dB under what it is": orders that
        // step from where a control is.
        && !(1..words.len()).any(|i| {
            words.at(i) == "what"
                && matches!(
                    words.at(i - 1),
                    "of" | "under" | "over" | "than" | "from" | "above" | "below" | "to" | "at"
                )
        });
    starts
        || how_works
        || asked_after
        || words.has_any(&["vs", "versus"])
        || words.has_phrase("difference between")
        || words.has_phrase("tell me about")
        || words.has_phrase("what does")
}

/// At most three sentences of `text`.
pub fn three_sentences(text: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    for (i, c) in text.char_indices() {
        out.push(c);
        let end = matches!(c, '.' | '!' | '?') && text[i + c.len_utf8()..].starts_with(' ');
        if end {
            count += 1;
            if count == 3 {
                break;
            }
        }
    }
    out.trim().to_string()
}

/// The answer to a definition question, when the glossary knows the word(s).
pub fn answer(words: &Words) -> Option<String> {
    if !is_definition_question(words) {
        return None;
    }
    let entries = lookup(words, 2);
    match entries.as_slice() {
        [] => None,
        [one] => Some(three_sentences(&one.text)),
        [a, b, ..] => Some(format!(
            "{} {}",
            first_sentence(&a.text, &a.term),
            first_sentence(&b.text, &b.term)
        )),
    }
}

/// Questions about the assistant itself, answered from its own entry.
const ABOUT_ME: [&str; 7] = [
    "who are you",
    "what are you",
    "what can you do",
    "what do you do",
    "how can you help",
    "what can you help",
    "what can i ask",
];

/// The assistant's own entry when the request asks what it is or can do ("who are you?",
/// "what can you do?", "help").
pub fn about_me(words: &Words) -> Option<String> {
    let asks =
        ABOUT_ME.iter().any(|p| words.has_phrase(p)) || words.len() == 1 && words.at(0) == "help";
    if !asks {
        return None;
    }
    index()
        .iter()
        .find(|e| e.entry.term == "DAiW assistant")
        .map(|e| three_sentences(&e.entry.text))
}

/// One sentence about `term`, for comparisons.
fn first_sentence(text: &str, term: &str) -> String {
    let s = three_sentences(text);
    let first = s.split_inclusive(". ").next().unwrap_or(&s).trim();
    let lower = first.to_lowercase();
    if lower.contains(&term.to_lowercase()) {
        first.to_string()
    } else {
        format!("{term}: {first}")
    }
}

/// The glossary lines for the words of a request, as context for the model.
pub fn context_for(text: &str) -> String {
    lookup(&Words::new(text), 2)
        .iter()
        .map(|e| format!("{}: {}", e.term, three_sentences(&e.text)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glossary_loads_whole() {
        assert!(index().len() >= 150, "{} entries", index().len());
    }

    #[test]
    fn questions_are_answered_from_it() {
        let a = answer(&Words::new("what does retune speed do?")).expect("retune speed");
        assert!(a.to_lowercase().contains("millisecond"), "{a}");
        assert!(answer(&Words::new("what are formants?")).is_some());
        let both = answer(&Words::new("dorian vs minor?")).expect("comparison");
        assert!(both.to_lowercase().contains("dorian"), "{both}");
        assert!(answer(&Words::new("tune me to A minor")).is_none());
        let me = about_me(&Words::new("what can you do?")).unwrap_or_default();
        assert!(me.starts_with("I'm the DAiW assistant"), "{me}");
        assert!(about_me(&Words::new("can you do a demon voice")).is_none());
        for entry in index() {
            assert!(three_sentences(&entry.entry.text).matches(". ").count() <= 2);
        }
    }
}
