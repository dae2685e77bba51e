//! Where the assistant's music tools call the music brain (`crate::music`): titles, song
//! intents and their plans, and backing patterns. Errors come back as messages for the chat.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use thiserror::Error;

use crate::music::backing::{self, BackingRequest, Pattern};
use crate::music::intent::SongIntent;
use crate::music::plan;
use crate::music::theory::{Key, PitchClass, ScaleKind};
use crate::music::titles;

/// Problems with the music tools.
#[derive(Debug, Error)]
pub enum MusicError {
    /// The file could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a usable song intent.
    #[error("{path}: {reason}")]
    BadIntent {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// No intent has been started.
    #[error(
        "there is no song intent yet: start one with a title (\"new song intent called ...\")"
    )]
    NoIntent,
    /// The music brain refused the request.
    #[error("{0}")]
    Music(String),
}

/// Up to `count` title ideas for a mood or theme (a theme that is no known mood colours the
/// titles of a bittersweet default instead); `seed` varies them between requests.
pub fn suggest_names(mood: &str, count: usize, seed: u64) -> Result<Vec<String>, MusicError> {
    let count = count.clamp(1, 20);
    match titles::suggest_titles(mood, None, "", count, seed) {
        Ok(names) => Ok(names),
        Err(_) => titles::suggest_titles("bittersweet", None, mood, count, seed)
            .map_err(|e| MusicError::Music(e.to_string())),
    }
}

/// A file name from a title: "Paper Boats!" -> "paper-boats".
fn slug(title: &str) -> String {
    let s: String = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let s = s
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if s.is_empty() {
        "untitled".into()
    } else {
        s
    }
}

/// Writes a new song intent template (the music brain's schema with its field help) with the
/// given fields filled in, to `dir/<slug>.json`, never overwriting a file; returns its path.
pub fn write_intent(
    dir: &Path,
    title: &str,
    fields: &Map<String, Value>,
) -> Result<PathBuf, MusicError> {
    let io = |path: &Path, source| MusicError::Io {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let base = slug(title);
    let mut path = dir.join(format!("{base}.json"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{base}-{n}.json"));
        n += 1;
    }
    let bad = |reason: String| MusicError::BadIntent {
        path: path.clone(),
        reason,
    };
    let mut value: Value = serde_json::from_str(
        &SongIntent::template(title, &crate::music::intent::today_utc()).to_template_json(),
    )
    .map_err(|e| bad(e.to_string()))?;
    for (name, pointer) in [
        ("mood_primary", "/song_intent/mood_primary"),
        ("core_event", "/song_root/core_event"),
        ("core_longing", "/song_root/core_longing"),
    ] {
        if let (Some(v), Some(slot)) = (fields.get(name), value.pointer_mut(pointer)) {
            *slot = v.clone();
        }
    }
    let text = serde_json::to_string_pretty(&value).map_err(|e| bad(e.to_string()))?;
    // The music brain must be able to read what we write: a value we filled in that it
    // rejects (a mood it does not know) is an error; fields still empty are the user's to fill.
    let (_, report) = SongIntent::check_json(&text).map_err(|e| bad(e.to_string()))?;
    if let Some(issue) = report.errors.iter().find(|i| {
        fields
            .keys()
            .any(|k| i.field.ends_with(k.as_str()) && !i.message.contains("required"))
    }) {
        return Err(bad(issue.to_string()));
    }
    std::fs::write(&path, text).map_err(|e| io(&path, e))?;
    Ok(path)
}

/// Processes an intent file into the music brain's plan and summarises it in a sentence.
pub fn process_intent(path: &Path, seed: u64) -> Result<String, MusicError> {
    let text = std::fs::read_to_string(path).map_err(|source| MusicError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let bad = |reason: String| MusicError::BadIntent {
        path: path.to_path_buf(),
        reason,
    };
    let intent = SongIntent::from_json(&text).map_err(|e| bad(e.to_string()))?;
    let plan = plan::process(&intent, seed).map_err(|e| bad(e.to_string()))?;
    let chords: Vec<String> = plan
        .progression
        .chords
        .iter()
        .map(|c| c.chord.symbol())
        .collect();
    Ok(format!(
        "'{}': {} {} at {:.0} BPM, {} groove, progression {} ({}), {} bars",
        plan.title,
        plan.tonic,
        plan.mode,
        plan.tempo_bpm,
        plan.style,
        plan.progression.numerals,
        chords.join(" "),
        plan.total_bars
    ))
}

/// Generates a backing pattern with the music brain.
pub fn generate_backing(
    key: PitchClass,
    mode: ScaleKind,
    tempo_bpm: u32,
    style: &str,
    bars: u32,
    seed: u64,
) -> Result<Pattern, MusicError> {
    let request = BackingRequest::new(
        Key::from_pitch_class(key, mode),
        f64::from(tempo_bpm),
        style,
        bars,
        seed,
    );
    backing::generate(&request).map_err(|e| MusicError::Music(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_come_from_the_music_brain() {
        let a = suggest_names("grief", 3, 1).expect("titles");
        assert_eq!(a.len(), 3);
        assert_eq!(a, suggest_names("grief", 3, 1).expect("same seed"));
        assert_eq!(
            suggest_names("summer road trips", 4, 2)
                .expect("theme")
                .len(),
            4
        );
    }

    #[test]
    fn intents_are_written_and_processed() {
        let dir = std::env::temp_dir().join(format!("daiw-intent-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut fields = Map::new();
        fields.insert("mood_primary".into(), json!("Longing"));
        fields.insert("core_event".into(), json!("she moved away"));
        fields.insert("core_longing".into(), json!("one more summer"));
        let a = write_intent(&dir, "Paper Boats!", &fields).expect("write");
        let b = write_intent(&dir, "Paper Boats!", &Map::new()).expect("write again");
        assert!(a.ends_with("paper-boats.json"));
        assert!(b.ends_with("paper-boats-2.json"));
        let summary = process_intent(&a, 1).expect("plan");
        assert!(summary.starts_with("'Paper Boats!': "), "{summary}");
        assert!(summary.contains("BPM"), "{summary}");
        // Missing required fields are the music brain's clear error.
        assert!(process_intent(&b, 1).is_err());
        let mut wrong = Map::new();
        wrong.insert("mood_primary".into(), json!("Hangry"));
        assert!(write_intent(&dir, "Bad", &wrong).is_err());
    }

    #[test]
    fn backing_patterns_are_generated() {
        let p =
            generate_backing(PitchClass::E, ScaleKind::Minor, 105, "funk", 8, 1).expect("pattern");
        assert_eq!(p.bars, 8);
        assert!(!p.events.is_empty());
        assert!(generate_backing(PitchClass::E, ScaleKind::Minor, 105, "polka", 8, 1).is_err());
    }
}
