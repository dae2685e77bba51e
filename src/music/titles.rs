//! Song-title suggestions from mood, imagery and the intent's own words, built from the word
//! lists and templates in `assets/music/titles.json`. Deterministic: the same inputs and seed
//! give the same titles.

use thiserror::Error;

use super::data::{self, TitleMood};
use super::intent::ImageryTexture;
use super::rng::{hash_str, Rng};

/// Why titles could not be suggested.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TitleError {
    /// The mood is not in the table.
    #[error("unknown mood '{mood}'; try one of: {known}")]
    UnknownMood {
        /// What was asked.
        mood: String,
        /// Moods and aliases known.
        known: String,
    },
    /// The imagery is not one of the textures.
    #[error("unknown imagery '{0}'; expected one of: {list}", list = ImageryTexture::names())]
    UnknownImagery(String),
}

/// The title mood a mood word means: a table mood, an alias ("sad", "Triumphant Hope"), or an
/// error listing the choices.
pub fn resolve_mood(mood: &str) -> Result<&'static str, TitleError> {
    let table = data::titles();
    let wanted = mood.trim().to_lowercase();
    if let Some((name, _)) = table.moods.get_key_value(&wanted) {
        return Ok(name.as_str());
    }
    if let Some(target) = table.aliases.get(&wanted) {
        if let Some((name, _)) = table.moods.get_key_value(target) {
            return Ok(name.as_str());
        }
    }
    let mut known: Vec<&str> = table.moods.keys().map(String::as_str).collect();
    known.extend(table.aliases.keys().map(String::as_str));
    Err(TitleError::UnknownMood {
        mood: mood.trim().to_string(),
        known: known.join(", "),
    })
}

/// Meaningful words of free text, capitalised: "the chair is empty" gives ["Chair", "Empty"].
pub fn content_words(text: &str) -> Vec<String> {
    let stop = &data::titles().stopwords;
    let mut words: Vec<String> = Vec::new();
    for raw in text.split(|c: char| !c.is_alphabetic() && c != '\'') {
        let word = raw.trim_matches('\'').to_lowercase();
        if word.chars().count() < 4 || stop.contains(&word) {
            continue;
        }
        let mut chars = word.chars();
        let capital: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        if !words.contains(&capital) {
            words.push(capital);
        }
    }
    words
}

/// Up to `count` distinct titles (1..=50) for `mood`, coloured by `imagery` (a texture name)
/// and the intent's `words`.
pub fn suggest_titles(
    mood: &str,
    imagery: Option<&str>,
    words: &str,
    count: usize,
    seed: u64,
) -> Result<Vec<String>, TitleError> {
    let table = data::titles();
    let mood_name = resolve_mood(mood)?;
    let lists: &TitleMood = &table.moods[mood_name];
    let texture = match imagery.map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => Some(
            ImageryTexture::parse(text)
                .ok_or_else(|| TitleError::UnknownImagery(text.to_string()))?,
        ),
        None => None,
    };
    let extra = texture.and_then(|t| table.imagery.get(t.name()));
    let intent_words = content_words(words);
    let mut rng = Rng::new(
        seed ^ hash_str(mood_name)
            ^ hash_str(texture.map(|t| t.name()).unwrap_or("")).rotate_left(21)
            ^ hash_str(&intent_words.join(" ")).rotate_left(42),
    );

    let mut adjectives: Vec<&str> = lists.adj.iter().map(String::as_str).collect();
    let mut nouns: Vec<&str> = lists.noun.iter().map(String::as_str).collect();
    if let Some(extra) = extra {
        adjectives.extend(extra.adj.iter().map(String::as_str));
        nouns.extend(extra.noun.iter().map(String::as_str));
    }
    let count = count.clamp(1, 50);
    let mut titles: Vec<String> = Vec::with_capacity(count);
    let mut attempts = 0;
    while titles.len() < count && attempts < count * 60 {
        attempts += 1;
        // Now and then a ready-made seed title, most of the time a fresh combination.
        let title = if rng.chance(0.15) {
            rng.pick(&lists.seeds).cloned().unwrap_or_default()
        } else {
            let usable: Vec<&String> = table
                .templates
                .iter()
                .filter(|t| !intent_words.is_empty() || !t.contains("{word}"))
                .collect();
            let Some(template) = rng.pick(&usable) else {
                break;
            };
            fill(
                template,
                &mut rng,
                lists,
                &adjectives,
                &nouns,
                &intent_words,
            )
        };
        let title = title.trim().to_string();
        if !title.is_empty() && !titles.iter().any(|t| t.eq_ignore_ascii_case(&title)) {
            titles.push(title);
        }
    }
    Ok(titles)
}

fn fill(
    template: &str,
    rng: &mut Rng,
    lists: &TitleMood,
    adjectives: &[&str],
    nouns: &[&str],
    intent_words: &[String],
) -> String {
    let table = data::titles();
    let mut out = template.to_string();
    let first_abstract = rng.pick(&lists.abstract_).cloned().unwrap_or_default();
    let others: Vec<&String> = lists
        .abstract_
        .iter()
        .filter(|a| **a != first_abstract)
        .collect();
    let second_abstract = rng.pick(&others).map(|s| s.to_string()).unwrap_or_default();
    let word = rng
        .pick(intent_words)
        .cloned()
        .or_else(|| rng.pick(nouns).map(|s| s.to_string()))
        .unwrap_or_default();
    let replacements = [
        ("{adj}", rng.pick(adjectives).map(|s| s.to_string())),
        ("{noun}", rng.pick(nouns).map(|s| s.to_string())),
        ("{abstract2}", Some(second_abstract)),
        ("{abstract}", Some(first_abstract)),
        ("{place}", rng.pick(&table.places).cloned()),
        ("{time}", rng.pick(&table.times).cloned()),
        ("{verb_ing}", rng.pick(&lists.verb_ing).cloned()),
        ("{verb_past}", rng.pick(&lists.verb_past).cloned()),
        ("{word}", Some(word)),
    ];
    for (placeholder, value) in replacements {
        out = out.replace(placeholder, &value.unwrap_or_default());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_deterministic_distinct_and_filled() {
        let a = suggest_titles("grief", Some("Muffled"), "my father's chair", 8, 1).unwrap();
        let b = suggest_titles("grief", Some("Muffled"), "my father's chair", 8, 1).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 8);
        for title in &a {
            assert!(!title.contains('{'), "{title}");
            assert!(!title.contains("  "), "{title}");
        }
        let mut lower: Vec<String> = a.iter().map(|t| t.to_lowercase()).collect();
        lower.sort();
        lower.dedup();
        assert_eq!(lower.len(), 8);
        let c = suggest_titles("grief", Some("Muffled"), "my father's chair", 8, 2).unwrap();
        assert_ne!(a, c);
        let d = suggest_titles("grief", Some("Open/Vast"), "my father's chair", 8, 1).unwrap();
        assert_ne!(a, d);
    }

    #[test]
    fn moods_resolve_through_aliases() {
        assert_eq!(resolve_mood("Grief"), Ok("grief"));
        assert_eq!(resolve_mood("sad"), Ok("melancholy"));
        assert_eq!(resolve_mood("Triumphant Hope"), Ok("hopeful"));
        assert!(matches!(
            resolve_mood("purple"),
            Err(TitleError::UnknownMood { .. })
        ));
        assert!(matches!(
            suggest_titles("grief", Some("sparkly"), "", 3, 0),
            Err(TitleError::UnknownImagery(_))
        ));
        for mood in crate::music::intent::Mood::ALL {
            assert!(resolve_mood(mood.name()).is_ok(), "{mood}");
        }
    }

    #[test]
    fn intent_words_are_kept_and_stopwords_dropped() {
        assert_eq!(
            content_words("The chair is EMPTY, and I'm still here"),
            ["Chair", "Empty", "Here"]
        );
        let titles = suggest_titles("longing", None, "lighthouse", 40, 5).unwrap();
        assert!(
            titles.iter().any(|t| t.contains("Lighthouse")),
            "{titles:?}"
        );
    }
}
