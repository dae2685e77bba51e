//! `VoiceSettings`: every setting of the voice chain in plain units, and their repair.

use super::correction::CorrectionSettings;
use super::harmony::HarmonySettings;

/// Every setting of the chain, in plain units (fractions 0..1, offsets in semitones).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VoiceSettings {
    /// Pitch correction.
    pub tune: CorrectionSettings,
    /// Whether pitch changes keep the formants (off: formants follow the pitch).
    pub preserve_formants: bool,
    /// Pitch offset in semitones (-24..24).
    pub pitch_semitones: f32,
    /// Formant offset in semitones (-12..12).
    pub formant_semitones: f32,
    /// Robot amount 0..1 (1 = constant pitch).
    pub robot: f32,
    /// Breathiness 0..1.
    pub breath: f32,
    /// Whisper 0..1.
    pub whisper: f32,
    /// Warmth 0..1 (0.5 flat).
    pub warmth: f32,
    /// Presence 0..1 (0.5 flat).
    pub presence: f32,
    /// Reverb 0..1.
    pub reverb: f32,
    /// Compression 0..1.
    pub compression: f32,
    /// Dry/wet 0..1.
    pub mix: f32,
    /// Harmony voices (off by default).
    pub harmony: HarmonySettings,
}

impl Default for VoiceSettings {
    /// A neutral chain: no correction, no effects, fully wet (which then equals the dry voice).
    fn default() -> Self {
        Self {
            tune: CorrectionSettings {
                enabled: false,
                ..CorrectionSettings::default()
            },
            preserve_formants: true,
            pitch_semitones: 0.0,
            formant_semitones: 0.0,
            robot: 0.0,
            breath: 0.0,
            whisper: 0.0,
            warmth: 0.5,
            presence: 0.5,
            reverb: 0.0,
            compression: 0.0,
            mix: 1.0,
            harmony: HarmonySettings::default(),
        }
    }
}

impl VoiceSettings {
    /// The same settings with every value clamped to its range and non-finite values reset.
    pub fn sanitized(&self) -> Self {
        let fix = |v: f32, lo: f32, hi: f32, default: f32| {
            if v.is_finite() {
                v.clamp(lo, hi)
            } else {
                default
            }
        };
        let mut s = *self;
        s.tune.retune_ms = fix(s.tune.retune_ms, 0.0, 2_000.0, 60.0);
        s.tune.amount = fix(s.tune.amount, 0.0, 1.0, 1.0);
        s.tune.humanize = fix(s.tune.humanize, 0.0, 1.0, 0.0);
        s.tune.vibrato = fix(s.tune.vibrato, 0.0, 1.0, 0.0);
        s.pitch_semitones = fix(s.pitch_semitones, -24.0, 24.0, 0.0);
        s.formant_semitones = fix(s.formant_semitones, -12.0, 12.0, 0.0);
        s.robot = fix(s.robot, 0.0, 1.0, 0.0);
        s.breath = fix(s.breath, 0.0, 1.0, 0.0);
        s.whisper = fix(s.whisper, 0.0, 1.0, 0.0);
        s.warmth = fix(s.warmth, 0.0, 1.0, 0.5);
        s.presence = fix(s.presence, 0.0, 1.0, 0.5);
        s.reverb = fix(s.reverb, 0.0, 1.0, 0.0);
        s.compression = fix(s.compression, 0.0, 1.0, 0.0);
        s.mix = fix(s.mix, 0.0, 1.0, 1.0);
        s.tune.note_mask &= 0x0fff;
        s.harmony.voices = s.harmony.voices.min(3);
        s.harmony.level = fix(s.harmony.level, 0.0, 1.0, 0.6);
        s.harmony.spread = fix(s.harmony.spread, 0.0, 1.0, 0.5);
        s
    }
}
