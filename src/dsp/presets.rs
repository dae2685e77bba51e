//! Named tuning and voice presets, kept as editable JSON in `assets/presets/` and embedded so
//! the plugin and CLI work from any directory.

use std::collections::BTreeMap;

use serde::Deserialize;
use thiserror::Error;

use super::voice_chain::VoiceSettings;

const TUNING_JSON: &str = include_str!("../../assets/presets/tuning.json");
const VOICE_JSON: &str = include_str!("../../assets/presets/voice.json");

/// Why a preset could not be found or read.
#[derive(Debug, Error, PartialEq)]
pub enum PresetError {
    /// No preset of that name.
    #[error("no preset named '{name}' (tuning presets: {tuning}; voice presets: {voice})")]
    Unknown {
        /// The name asked for.
        name: String,
        /// Tuning preset names.
        tuning: String,
        /// Voice preset names.
        voice: String,
    },
    /// The embedded table is malformed (a build-time data error).
    #[error("preset table {file} is malformed: {message}")]
    Malformed {
        /// Which table.
        file: &'static str,
        /// The parser's message.
        message: String,
    },
}

/// A pitch-correction preset.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct TuningPreset {
    /// Correction strength 0..1.
    pub amount: f32,
    /// Retune time constant in ms.
    pub retune_ms: f32,
    /// Share of slow drift kept.
    pub humanize: f32,
    /// Share of vibrato kept.
    pub vibrato: f32,
    /// Whether shifting keeps the formants.
    pub preserve_formants: bool,
}

/// A voice-character preset.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct VoicePreset {
    /// Pitch offset in semitones.
    pub pitch: f32,
    /// Formant offset in semitones.
    pub formant: f32,
    /// Breathiness 0..1.
    pub breathiness: f32,
    /// Whisper 0..1.
    pub whisper: f32,
    /// Robot 0..1.
    pub robot: f32,
    /// Warmth 0..1 (0.5 flat).
    pub warmth: f32,
    /// Presence 0..1 (0.5 flat).
    pub presence: f32,
    /// Reverb 0..1.
    pub reverb: f32,
    /// Compression 0..1.
    pub compression: f32,
}

fn table<T: for<'de> Deserialize<'de>>(
    json: &str,
    file: &'static str,
) -> Result<BTreeMap<String, T>, PresetError> {
    let raw: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(json).map_err(|e| PresetError::Malformed {
            file,
            message: e.to_string(),
        })?;
    raw.into_iter()
        .filter(|(name, _)| !name.starts_with('_'))
        .map(|(name, value)| {
            serde_json::from_value(value)
                .map(|preset| (name.clone(), preset))
                .map_err(|e| PresetError::Malformed {
                    file,
                    message: format!("{name}: {e}"),
                })
        })
        .collect()
}

/// All tuning presets by name.
pub fn tuning_presets() -> Result<BTreeMap<String, TuningPreset>, PresetError> {
    table(TUNING_JSON, "assets/presets/tuning.json")
}

/// All voice presets by name.
pub fn voice_presets() -> Result<BTreeMap<String, VoicePreset>, PresetError> {
    table(VOICE_JSON, "assets/presets/voice.json")
}

fn unknown(name: &str) -> PresetError {
    let names = |m: Result<Vec<String>, PresetError>| m.map(|v| v.join(", ")).unwrap_or_default();
    PresetError::Unknown {
        name: name.to_string(),
        tuning: names(tuning_presets().map(|m| m.into_keys().collect())),
        voice: names(voice_presets().map(|m| m.into_keys().collect())),
    }
}

impl TuningPreset {
    /// Writes this preset's values into `settings` (key and scale are left alone).
    pub fn apply(&self, settings: &mut VoiceSettings) {
        settings.tune.amount = self.amount;
        settings.tune.retune_ms = self.retune_ms;
        settings.tune.humanize = self.humanize;
        settings.tune.vibrato = self.vibrato;
        settings.preserve_formants = self.preserve_formants;
    }
}

impl VoicePreset {
    /// Writes this preset's values into `settings` (tuning and mix are left alone).
    pub fn apply(&self, settings: &mut VoiceSettings) {
        settings.pitch_semitones = self.pitch;
        settings.formant_semitones = self.formant;
        settings.breath = self.breathiness;
        settings.whisper = self.whisper;
        settings.robot = self.robot;
        settings.warmth = self.warmth;
        settings.presence = self.presence;
        settings.reverb = self.reverb;
        settings.compression = self.compression;
    }
}

/// Applies the tuning or voice preset called `name` (names are looked up in that order;
/// "vulnerable" exists in both tables and applies both).
pub fn apply_named(name: &str, settings: &mut VoiceSettings) -> Result<(), PresetError> {
    let mut found = false;
    if let Some(preset) = tuning_presets()?.get(name) {
        preset.apply(settings);
        found = true;
    }
    if let Some(preset) = voice_presets()?.get(name) {
        preset.apply(settings);
        found = true;
    }
    if found {
        Ok(())
    } else {
        Err(unknown(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_hold_the_reference_presets() {
        let tuning = tuning_presets().expect("tuning table parses");
        for name in [
            "transparent",
            "natural",
            "moderate",
            "aggressive",
            "hard_tune",
            "vulnerable",
        ] {
            assert!(tuning.contains_key(name), "{name}");
        }
        assert_eq!(tuning["hard_tune"].retune_ms, 0.0);
        assert!(!tuning["hard_tune"].preserve_formants);
        let voice = voice_presets().expect("voice table parses");
        for name in [
            "intimate_whisper",
            "vulnerable",
            "powerful",
            "ethereal",
            "dark",
            "bright",
            "robot",
            "neutral",
        ] {
            assert!(voice.contains_key(name), "{name}");
        }
        assert_eq!(voice["dark"].pitch, -2.0);
        assert_eq!(voice["robot"].robot, 0.8);
    }

    #[test]
    fn applying_a_name_sets_values_and_unknown_names_list_the_choices() {
        let mut settings = VoiceSettings::default();
        apply_named("hard_tune", &mut settings).expect("known");
        assert_eq!(settings.tune.retune_ms, 0.0);
        apply_named("bright", &mut settings).expect("known");
        assert_eq!(settings.formant_semitones, 1.5);
        let err = apply_named("chipmunk", &mut settings).expect_err("unknown");
        assert!(err.to_string().contains("hard_tune") && err.to_string().contains("ethereal"));
    }
}
