//! What the assistant offers, listed when asked: "which scales do you know?", "what styles
//! can the backing play?", "what presets are there?", "what voices can you speak with?".
//! Each list is written from the tables the tools validate against, so it is always the
//! whole list and never names something a call would refuse.

use super::normalise::Words;
use crate::assistant::presets::{SPEECH_PROFILE_NAMES, TUNE_PRESET_NAMES, VOICE_PRESET_NAMES};
use crate::assistant::tools::{BACKING_STYLES, HARMONY_MODES, INTENT_MOODS};
use crate::music::theory::ScaleKind;

/// A kind of thing the user may ask the list of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Catalogue {
    /// The tuning's scales and modes.
    Scales,
    /// The backing's styles.
    Styles,
    /// The tuning and voice presets.
    Presets,
    /// The speaking voices.
    SpeechVoices,
    /// The moods of a song intent.
    Moods,
    /// How harmony voices choose their notes.
    HarmonyModes,
}

/// Words that ask for a list when they follow the thing listed: "which scales do you know",
/// "what styles are there", "what kinds of beats".
const LIST_CUES: [&str; 14] = [
    "are there",
    "is there",
    "do you have",
    "do you know",
    "do you support",
    "do you offer",
    "can you",
    "can i",
    "can it",
    "can the",
    "are available",
    "does it have",
    "does the",
    "are supported",
];

/// The catalogue the request asks for, if it asks which things exist.
pub fn asked(words: &Words) -> Option<Catalogue> {
    let first = words.at(0);
    let opens = matches!(first, "what" | "whats" | "which" | "list" | "name");
    let kinds = words.has_any(&["kind", "kinds", "types", "type", "sort", "sorts", "options"]);
    let cued = LIST_CUES.iter().any(|p| words.has_phrase(p))
        || kinds
        || matches!(first, "list" | "name")
        || words.has_phrase("all the");
    if !opens || !cued {
        return None;
    }
    // The thing listed comes within the first few words ("what kind of beats can you make").
    let head: Vec<&str> = (1..5.min(words.len())).map(|i| words.at(i)).collect();
    let has = |list: &[&str]| head.iter().any(|w| list.contains(w));
    if has(&["mode", "modes"]) && words.has_any(&["harmony", "harmonies"]) {
        Some(Catalogue::HarmonyModes)
    } else if has(&["scale", "scales", "mode", "modes"]) {
        Some(Catalogue::Scales)
    } else if has(&["style", "styles", "genre", "genres"])
        || has(&["beat", "beats", "groove", "grooves", "backing", "backings"]) && kinds
    {
        Some(Catalogue::Styles)
    } else if has(&["preset", "presets"]) {
        Some(Catalogue::Presets)
    } else if has(&["voice", "voices", "profile", "profiles"])
        && words.has_any(&[
            "speak", "speaking", "read", "say", "talk", "speech", "narrate",
        ])
    {
        Some(Catalogue::SpeechVoices)
    } else if has(&[
        "mood", "moods", "emotion", "emotions", "feeling", "feelings",
    ]) {
        Some(Catalogue::Moods)
    } else {
        None
    }
}

/// The answer listing `what`.
pub fn list(what: Catalogue) -> String {
    match what {
        Catalogue::Scales => format!(
            "The tuning knows {} scales: {}. Try \"tune me to D dorian\".",
            ScaleKind::IDS.len(),
            spoken(&ScaleKind::IDS)
        ),
        Catalogue::Styles => format!(
            "The backing plays {} styles: {}. Try \"a funk backing in E minor at 100 bpm\".",
            BACKING_STYLES.len(),
            spoken(&BACKING_STYLES)
        ),
        Catalogue::Presets => format!(
            "Tuning presets: {}. Voice presets: {}. Try \"hard tune preset\" or \"ethereal voice\".",
            spoken(&TUNE_PRESET_NAMES),
            spoken(&VOICE_PRESET_NAMES)
        ),
        Catalogue::SpeechVoices => format!(
            "I can speak with {} voices: {}. Try \"read 'hello' with the confident voice\".",
            SPEECH_PROFILE_NAMES.len(),
            spoken(&SPEECH_PROFILE_NAMES)
        ),
        Catalogue::Moods => format!(
            "A song intent's main mood is one of {}: {}.",
            INTENT_MOODS.len(),
            INTENT_MOODS.join(", ")
        ),
        Catalogue::HarmonyModes => format!(
            "Harmony voices choose their notes in {} ways: {} (chord tones of the backing, notes \
             of your key, or the notes you hold on MIDI).",
            HARMONY_MODES.len(),
            spoken(&HARMONY_MODES)
        ),
    }
}

/// Ids as words ("hard_tune" -> "hard tune"), comma-separated.
fn spoken(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| id.replace('_', " "))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(text: &str) -> Option<Catalogue> {
        asked(&Words::new(text))
    }

    #[test]
    fn questions_for_a_list_name_their_catalogue() {
        assert_eq!(ask("which scales do you know?"), Some(Catalogue::Scales));
        assert_eq!(ask("what scales can I tune to?"), Some(Catalogue::Scales));
        assert_eq!(
            ask("what styles can the backing play?"),
            Some(Catalogue::Styles)
        );
        assert_eq!(
            ask("what kind of beats can you make?"),
            Some(Catalogue::Styles)
        );
        assert_eq!(ask("which genres do you have?"), Some(Catalogue::Styles));
        assert_eq!(ask("what presets are there?"), Some(Catalogue::Presets));
        assert_eq!(ask("list the voice presets"), Some(Catalogue::Presets));
        assert_eq!(
            ask("what voices can you speak with?"),
            Some(Catalogue::SpeechVoices)
        );
        assert_eq!(ask("what moods are there?"), Some(Catalogue::Moods));
        assert_eq!(
            ask("which harmony modes are there?"),
            Some(Catalogue::HarmonyModes)
        );
        // Not a question for a list.
        assert_eq!(ask("which scale am I singing in?"), None);
        assert_eq!(ask("what scale is the tuning set to?"), None);
        assert_eq!(ask("make a funk beat"), None);
    }

    #[test]
    fn every_list_is_whole_and_short() {
        let scales = list(Catalogue::Scales);
        assert!(scales.contains("harmonic minor") && scales.contains("chromatic"));
        let styles = list(Catalogue::Styles);
        assert!(BACKING_STYLES
            .iter()
            .all(|s| styles.contains(&s.replace('_', " "))));
        for what in [
            Catalogue::Scales,
            Catalogue::Styles,
            Catalogue::Presets,
            Catalogue::SpeechVoices,
            Catalogue::Moods,
            Catalogue::HarmonyModes,
        ] {
            let sentences = list(what).matches(". ").count() + 1;
            assert!(sentences <= 3, "{what:?}");
        }
    }
}
