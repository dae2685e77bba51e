//! The typed arguments of every tool, as validation hands them to the agent.

use serde_json::{Map, Value};

use crate::music::theory::{PitchClass, ScaleKind};

/// Validated `voice_tune` arguments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TuneArgs {
    /// Preset name.
    pub preset: Option<String>,
    /// Key.
    pub key: Option<PitchClass>,
    /// Scale.
    pub scale: Option<ScaleKind>,
    /// Retune time in ms.
    pub retune_ms: Option<f32>,
    /// Strength 0..1.
    pub amount: Option<f32>,
    /// Humanize 0..1.
    pub humanize: Option<f32>,
    /// Vibrato kept 0..1.
    pub vibrato: Option<f32>,
    /// On/off.
    pub enabled: Option<bool>,
    /// Chord following: index into `FOLLOW_CHORDS`.
    pub follow_chords: Option<u8>,
    /// Only these pitch classes are targets (bit n = n semitones above C).
    pub notes: Option<u16>,
    /// Pitch classes to leave out of the current targets.
    pub drop_notes: Option<u16>,
    /// Pitch classes to add to the current targets.
    pub add_notes: Option<u16>,
}

/// Validated `voice_harmony` arguments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HarmonyArgs {
    /// Number of voices 0..3.
    pub voices: Option<u8>,
    /// Mode: index into `HARMONY_MODES`.
    pub mode: Option<u8>,
    /// Level 0..1.
    pub level: Option<f32>,
    /// Stereo spread 0..1.
    pub spread: Option<f32>,
}

/// What `listen` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenTopic {
    /// The key and scale of the singing.
    Key,
    /// How close the take's notes were.
    Pitch,
}

/// Validated `voice_modulate` arguments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModulateArgs {
    /// Preset name.
    pub preset: Option<String>,
    /// Pitch shift, semitones.
    pub pitch_semitones: Option<f32>,
    /// Formant shift, semitones.
    pub formant_semitones: Option<f32>,
    /// Robot amount 0..1.
    pub robot: Option<f32>,
    /// Breathiness 0..1.
    pub breathiness: Option<f32>,
    /// Whisper 0..1.
    pub whisper: Option<f32>,
    /// Warmth 0..1.
    pub warmth: Option<f32>,
    /// Presence 0..1.
    pub presence: Option<f32>,
    /// Reverb 0..1.
    pub reverb: Option<f32>,
    /// Compression 0..1.
    pub compression: Option<f32>,
    /// Dry/wet 0..1.
    pub mix: Option<f32>,
}

/// Validated `backing_generate` arguments (absent ones are filled from the current state).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BackingArgs {
    /// Tonic.
    pub key: Option<PitchClass>,
    /// Mode.
    pub mode: Option<ScaleKind>,
    /// Tempo.
    pub tempo_bpm: Option<u32>,
    /// Style.
    pub style: Option<String>,
    /// Bars.
    pub bars: Option<u32>,
}

/// Validated `mix_control` arguments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MixArgs {
    /// Backing on/off.
    pub backing: Option<bool>,
    /// Backing level in dB.
    pub backing_level_db: Option<f32>,
    /// Follow the host's transport.
    pub follow_host: Option<bool>,
    /// Output gain in dB.
    pub output_gain_db: Option<f32>,
    /// Bypass.
    pub bypass: Option<bool>,
}

/// A validated call, typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `voice_tune`.
    Tune(TuneArgs),
    /// `voice_modulate`.
    Modulate(ModulateArgs),
    /// `voice_speak`.
    Speak {
        /// The words.
        text: String,
        /// Profile name.
        profile: String,
    },
    /// `backing_generate`.
    Backing(BackingArgs),
    /// `mix_control`.
    Mix(MixArgs),
    /// `name_suggest`.
    Names {
        /// Mood or theme.
        mood: Option<String>,
        /// How many.
        count: u32,
    },
    /// `intent_new`.
    IntentNew {
        /// Title.
        title: String,
        /// Other fields given (canonical JSON).
        fields: Map<String, Value>,
    },
    /// `intent_process`.
    IntentProcess,
    /// `undo`.
    Undo,
    /// `get_state`.
    GetState,
    /// `voice_harmony`.
    Harmony(HarmonyArgs),
    /// `listen`.
    Listen(ListenTopic),
}
