//! The named presets the tools accept. Their values live with the voice DSP
//! (`crate::dsp::presets`, data in `assets/presets/`); this file fixes the names the tools,
//! schemas and grammar offer (a test checks they match the DSP tables) and holds the speech
//! profiles of `voice_speak`.

use serde::Deserialize;

use super::state::ParamValue;

pub use crate::dsp::presets::{TuningPreset, VoicePreset};

/// Tuning preset names, gentlest to hardest, then `vulnerable` (the loosest).
pub const TUNE_PRESET_NAMES: [&str; 6] = [
    "transparent",
    "natural",
    "moderate",
    "aggressive",
    "hard_tune",
    "vulnerable",
];

/// Voice preset names.
pub const VOICE_PRESET_NAMES: [&str; 8] = [
    "intimate_whisper",
    "vulnerable",
    "powerful",
    "ethereal",
    "dark",
    "bright",
    "robot",
    "neutral",
];

/// The tuning preset called `name`, from the DSP's table.
pub fn tune_preset(name: &str) -> Option<TuningPreset> {
    crate::dsp::presets::tuning_presets()
        .ok()
        .and_then(|t| t.get(name).copied())
}

/// The voice preset called `name`, from the DSP's table.
pub fn voice_preset(name: &str) -> Option<VoicePreset> {
    crate::dsp::presets::voice_presets()
        .ok()
        .and_then(|t| t.get(name).copied())
}

/// The parameter moves of a tuning preset (correction character; key, scale and the switch
/// stay), in the order the tools apply them.
pub fn tune_preset_values(p: &TuningPreset) -> [(&'static str, ParamValue); 4] {
    [
        ("tune_amount", ParamValue::Float(p.amount)),
        ("tune_retune_ms", ParamValue::Float(p.retune_ms)),
        ("tune_humanize", ParamValue::Float(p.humanize)),
        ("tune_vibrato", ParamValue::Float(p.vibrato)),
    ]
}

/// The parameter moves of a voice preset, in the order the tools apply them.
pub fn voice_preset_values(p: &VoicePreset) -> [(&'static str, ParamValue); 9] {
    [
        ("mod_pitch", ParamValue::Float(p.pitch)),
        ("mod_formant", ParamValue::Float(p.formant)),
        ("mod_breath", ParamValue::Float(p.breathiness)),
        ("mod_whisper", ParamValue::Float(p.whisper)),
        ("mod_robot", ParamValue::Float(p.robot)),
        ("mod_warmth", ParamValue::Float(p.warmth)),
        ("mod_presence", ParamValue::Float(p.presence)),
        ("mod_reverb", ParamValue::Float(p.reverb)),
        ("mod_compression", ParamValue::Float(p.compression)),
    ]
}

/// A speech profile for `espeak-ng`: voice, rate, pitch multiplier, volume.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SpeechProfile {
    /// Profile name.
    pub name: String,
    /// espeak-ng voice (`-v`).
    pub voice: String,
    /// Words per minute, 100..200.
    pub rate_wpm: u32,
    /// Pitch multiplier 0.5..2 around espeak-ng's default pitch of 50.
    pub pitch: f32,
    /// Volume 0..1 (espeak-ng amplitude 0..200 scaled).
    pub volume: f32,
}

/// The speech profiles, editable in `assets/speech_profiles.json`.
pub const SPEECH_PROFILES_JSON: &str = include_str!("../../assets/speech_profiles.json");

/// The profile names, in file order.
pub const SPEECH_PROFILE_NAMES: [&str; 5] = [
    "guide_vulnerable",
    "guide_confident",
    "guide_ethereal",
    "guide_powerful",
    "narrator_neutral",
];

/// The speech profiles from the built-in table.
pub fn speech_profiles() -> Vec<SpeechProfile> {
    serde_json::from_str(SPEECH_PROFILES_JSON).unwrap_or_default()
}

/// The speech profile called `name`.
pub fn speech_profile(name: &str) -> Option<SpeechProfile> {
    speech_profiles().into_iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_profiles_parse_and_are_in_range() {
        let profiles = speech_profiles();
        let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, SPEECH_PROFILE_NAMES.to_vec());
        for p in &profiles {
            assert!((100..=200).contains(&p.rate_wpm), "{}", p.name);
            assert!((0.5..=2.0).contains(&p.pitch), "{}", p.name);
            assert!((0.0..=1.0).contains(&p.volume), "{}", p.name);
        }
    }

    #[test]
    fn preset_names_match_the_dsp_tables() {
        let tuning = crate::dsp::presets::tuning_presets().expect("tuning table");
        let mut names: Vec<&str> = tuning.keys().map(String::as_str).collect();
        let mut ours = TUNE_PRESET_NAMES.to_vec();
        names.sort();
        ours.sort();
        assert_eq!(names, ours);
        let voice = crate::dsp::presets::voice_presets().expect("voice table");
        let mut names: Vec<&str> = voice.keys().map(String::as_str).collect();
        let mut ours = VOICE_PRESET_NAMES.to_vec();
        names.sort();
        ours.sort();
        assert_eq!(names, ours);
        assert_eq!(tune_preset("hard_tune").map(|p| p.retune_ms), Some(0.0));
        assert_eq!(voice_preset("robot").map(|p| p.robot), Some(0.8));
    }
}
