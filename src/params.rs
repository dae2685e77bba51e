//! `DaiwParams`: every automatable parameter of the plugin, with ids that never change.
//!
//! The string ids below are the contract with hosts (automation lanes, saved projects) and with
//! the assistant (tool calls name them): never rename one. Fractions (amounts, mixes) are stored
//! as 0..1 and shown as percent.

use std::sync::Arc;

use nice_plug::prelude::*;

use crate::assistant::state::{spec, ParamValue, PARAM_SPECS};
use crate::dsp::correction::{CorrectionSettings, FollowChords};
use crate::dsp::harmony::{HarmonyMode, HarmonySettings, Listen};
use crate::dsp::VoiceSettings;
use crate::music::theory::{PitchClass, ScaleKind};
use crate::plugin::state::SessionStore;

/// Every parameter id, in declaration order: tests and the assistant check against this list.
/// Read from the assistant's parameter table (`PARAM_SPECS`), the one place that lists each
/// parameter's id, default and range; the `#[id]` attributes below must follow it (a test
/// checks them in order).
pub const PARAM_IDS: [&str; 31] = {
    let mut ids = [""; 31];
    let mut i = 0;
    while i < ids.len() {
        ids[i] = PARAM_SPECS[i].id;
        i += 1;
    }
    ids
};

/// All parameters of one plugin instance, grouped as the editor shows them.
#[derive(Params)]
pub struct DaiwParams {
    /// Pitch correction.
    #[nested(group = "Tune")]
    pub tune: TuneParams,
    /// Voice character.
    #[nested(group = "Modulate")]
    pub modulate: ModulateParams,
    /// The built-in backing track.
    #[nested(group = "Backing")]
    pub backing: BackingParams,
    /// Harmony voices.
    #[nested(group = "Harmony")]
    pub harmony: HarmonyParams,
    /// The sung notes as MIDI on the plugin's output.
    #[nested(group = "Voice to MIDI")]
    pub voice_midi: VoiceMidiParams,
    /// Final gain in dB, smoothed on the audio thread.
    #[id = "output_gain"]
    pub output_gain: FloatParam,
    /// Passes the input through untouched (crossfaded).
    #[id = "bypass"]
    pub bypass: BoolParam,
    /// The conversation, backing and song intent, saved in the host's project.
    #[persist = "session"]
    pub saved: Arc<SessionStore>,
    /// The editor window's size and compact mode, saved in the host's project.
    #[persist = "editor-window"]
    pub window: Arc<crate::editor::window_size::WindowStore>,
}

/// Pitch-correction parameters.
#[derive(Params)]
pub struct TuneParams {
    /// Whether correction runs at all.
    #[id = "tune_enabled"]
    pub enabled: BoolParam,
    /// Tonic of the target key.
    #[id = "tune_key"]
    pub key: EnumParam<PitchClass>,
    /// Scale whose notes are allowed targets.
    #[id = "tune_scale"]
    pub scale: EnumParam<ScaleKind>,
    /// Time constant of the glide to the target note; 0 ms is a hard snap.
    #[id = "tune_retune_ms"]
    pub retune_ms: FloatParam,
    /// Correction strength, 0..1 (0 leaves the voice untouched).
    #[id = "tune_amount"]
    pub amount: FloatParam,
    /// How much natural drift sustained notes keep, 0..1.
    #[id = "tune_humanize"]
    pub humanize: FloatParam,
    /// Share of the singer's vibrato kept around the corrected centre, 0..1.
    #[id = "tune_vibrato"]
    pub vibrato: FloatParam,
    /// When on, held MIDI notes are the targets instead of the scale.
    #[id = "tune_midi"]
    pub midi_targets: BoolParam,
    /// A custom set of allowed notes (bit n = n semitones above C); 0 follows key and scale.
    #[id = "tune_note_mask"]
    pub note_mask: IntParam,
    /// Whether the targets follow the backing's chords.
    #[id = "tune_follow_chords"]
    pub follow_chords: EnumParam<FollowChords>,
}

/// Voice-modulation parameters.
#[derive(Params)]
pub struct ModulateParams {
    /// Pitch offset in semitones.
    #[id = "mod_pitch"]
    pub pitch: FloatParam,
    /// Formant offset in semitones, independent of pitch.
    #[id = "mod_formant"]
    pub formant: FloatParam,
    /// Robot (fixed-pitch resynthesis) amount, 0..1.
    #[id = "mod_robot"]
    pub robot: FloatParam,
    /// Breathiness (aspiration noise) amount, 0..1.
    #[id = "mod_breath"]
    pub breath: FloatParam,
    /// Whisper (noise-excited resynthesis) amount, 0..1.
    #[id = "mod_whisper"]
    pub whisper: FloatParam,
    /// Low-shelf warmth, 0..1; 0.5 is flat.
    #[id = "mod_warmth"]
    pub warmth: FloatParam,
    /// High-mid presence, 0..1; 0.5 is flat.
    #[id = "mod_presence"]
    pub presence: FloatParam,
    /// Reverb send, 0..1.
    #[id = "mod_reverb"]
    pub reverb: FloatParam,
    /// Vocal compressor amount, 0..1.
    #[id = "mod_compression"]
    pub compression: FloatParam,
    /// Dry/wet mix of the whole voice chain, 0..1.
    #[id = "mod_mix"]
    pub mix: FloatParam,
}

/// Harmony-voice parameters.
#[derive(Params)]
pub struct HarmonyParams {
    /// Number of harmony voices, 0..3 (0 = off).
    #[id = "harmony_voices"]
    pub voices: IntParam,
    /// How the voices choose notes: chord tones, diatonic intervals or held MIDI notes.
    #[id = "harmony_mode"]
    pub mode: EnumParam<HarmonyMode>,
    /// Level of each voice, 0..1.
    #[id = "harmony_level"]
    pub level: FloatParam,
    /// Stereo width of the voices, 0..1.
    #[id = "harmony_spread"]
    pub spread: FloatParam,
}

/// Voice to MIDI: the notes the singer sings, sent live on the plugin's MIDI output.
#[derive(Params)]
pub struct VoiceMidiParams {
    /// Whether the sung notes go out as MIDI.
    #[id = "voice_midi"]
    pub enabled: BoolParam,
    /// The MIDI channel they go out on, 1..16.
    #[id = "voice_midi_channel"]
    pub channel: IntParam,
}

/// Backing-track parameters.
#[derive(Params)]
pub struct BackingParams {
    /// Whether the backing synth plays.
    #[id = "backing_enabled"]
    pub enabled: BoolParam,
    /// Backing level in dB.
    #[id = "backing_level"]
    pub level_db: FloatParam,
    /// Follow the host transport (on) or free-run at the pattern's tempo (off).
    #[id = "backing_follow"]
    pub follow_host: BoolParam,
}

impl Default for DaiwParams {
    fn default() -> Self {
        Self {
            tune: TuneParams::default(),
            modulate: ModulateParams::default(),
            backing: BackingParams::default(),
            harmony: HarmonyParams::default(),
            voice_midi: VoiceMidiParams::default(),
            output_gain: decibels("Output Gain", "output_gain"),
            bypass: BoolParam::new("Bypass", switch_default("bypass")).make_bypass(),
            saved: Arc::new(SessionStore::default()),
            window: Arc::new(crate::editor::window_size::WindowStore::default()),
        }
    }
}

impl Default for TuneParams {
    fn default() -> Self {
        Self {
            enabled: BoolParam::new("Tune", switch_default("tune_enabled")),
            key: EnumParam::new(
                "Key",
                match spec("tune_key").map(|s| s.default) {
                    Some(ParamValue::Key(key)) => key,
                    _ => PitchClass::C,
                },
            ),
            scale: EnumParam::new(
                "Scale",
                match spec("tune_scale").map(|s| s.default) {
                    Some(ParamValue::Scale(scale)) => scale,
                    _ => ScaleKind::Major,
                },
            ),
            retune_ms: {
                let (default, min, max) = float_spec("tune_retune_ms");
                FloatParam::new(
                    "Retune Speed",
                    default,
                    FloatRange::Skewed {
                        min,
                        max,
                        factor: FloatRange::skew_factor(-1.5),
                    },
                )
                .with_unit(" ms")
                .with_step_size(0.1)
                .with_value_to_string(formatters::v2s_f32_rounded(1))
            },
            amount: percent("Amount", "tune_amount"),
            humanize: percent("Humanize", "tune_humanize"),
            vibrato: percent("Vibrato Preservation", "tune_vibrato"),
            midi_targets: BoolParam::new("MIDI Targets", switch_default("tune_midi")),
            note_mask: integer("Note Set", "tune_note_mask")
                .with_value_to_string(Arc::new(note_mask_to_string))
                .with_string_to_value(Arc::new(note_mask_from_string)),
            follow_chords: EnumParam::new(
                "Follow Chords",
                FollowChords::from_index(index_default("tune_follow_chords")),
            ),
        }
    }
}

impl Default for HarmonyParams {
    fn default() -> Self {
        Self {
            voices: integer("Harmony Voices", "harmony_voices"),
            mode: EnumParam::new(
                "Harmony Mode",
                HarmonyMode::from_index(index_default("harmony_mode")),
            ),
            level: percent("Harmony Level", "harmony_level"),
            spread: percent("Harmony Spread", "harmony_spread"),
        }
    }
}

impl Default for VoiceMidiParams {
    fn default() -> Self {
        Self {
            enabled: BoolParam::new("Voice to MIDI", switch_default("voice_midi")),
            channel: integer("Voice MIDI Channel", "voice_midi_channel"),
        }
    }
}

impl VoiceMidiParams {
    /// The channel as MIDI counts it on the wire, 0..=15 (the parameter shows 1..16).
    pub fn channel_index(&self) -> u8 {
        (self.channel.value().clamp(1, 16) - 1) as u8
    }
}

impl Default for ModulateParams {
    fn default() -> Self {
        Self {
            pitch: semitones("Pitch", "mod_pitch"),
            formant: semitones("Formant", "mod_formant"),
            robot: percent("Robot", "mod_robot"),
            breath: percent("Breathiness", "mod_breath"),
            whisper: percent("Whisper", "mod_whisper"),
            warmth: percent("Warmth", "mod_warmth"),
            presence: percent("Presence", "mod_presence"),
            reverb: percent("Reverb", "mod_reverb"),
            compression: percent("Compression", "mod_compression"),
            mix: percent("Mix", "mod_mix"),
        }
    }
}

impl Default for BackingParams {
    fn default() -> Self {
        Self {
            enabled: BoolParam::new("Backing", switch_default("backing_enabled")),
            level_db: decibels("Backing Level", "backing_level"),
            follow_host: BoolParam::new("Follow Host", switch_default("backing_follow")),
        }
    }
}

impl DaiwParams {
    /// The voice chain's settings as the parameters hold them now (bypass mixes fully dry, so
    /// the latency stays the same and switching is click-free).
    pub fn voice_settings(&self) -> VoiceSettings {
        let t = &self.tune;
        let m = &self.modulate;
        VoiceSettings {
            tune: CorrectionSettings {
                enabled: t.enabled.value(),
                key: t.key.value(),
                scale: t.scale.value(),
                retune_ms: t.retune_ms.value(),
                amount: t.amount.value(),
                humanize: t.humanize.value(),
                vibrato: t.vibrato.value(),
                midi_targets: t.midi_targets.value(),
                note_mask: t.note_mask.value().clamp(0, 0x0fff) as u16,
                follow_chords: t.follow_chords.value(),
            },
            preserve_formants: true,
            pitch_semitones: m.pitch.value(),
            formant_semitones: m.formant.value(),
            robot: m.robot.value(),
            breath: m.breath.value(),
            whisper: m.whisper.value(),
            warmth: m.warmth.value(),
            presence: m.presence.value(),
            reverb: m.reverb.value(),
            compression: m.compression.value(),
            mix: if self.bypass.value() {
                0.0
            } else {
                m.mix.value()
            },
            harmony: HarmonySettings {
                voices: self.harmony.voices.value().clamp(0, 3) as u8,
                mode: self.harmony.mode.value(),
                level: self.harmony.level.value(),
                spread: self.harmony.spread.value(),
                listen: Listen::All,
            },
        }
    }

    /// The output gain in dB (unity while bypassed).
    pub fn output_gain_db(&self) -> f32 {
        if self.bypass.value() {
            0.0
        } else {
            self.output_gain.value()
        }
    }
}

/// Default, lowest and highest value of float parameter `id` from `PARAM_SPECS` (a unit
/// test checks every id the parameters ask for is there, so the fallback never serves).
fn float_spec(id: &str) -> (f32, f32, f32) {
    match spec(id) {
        Some(s) => (s.default.as_f32().unwrap_or(s.min), s.min, s.max),
        None => (0.0, 0.0, 1.0),
    }
}

/// Default of switch `id` from `PARAM_SPECS`.
fn switch_default(id: &str) -> bool {
    matches!(spec(id).map(|s| s.default), Some(ParamValue::Bool(true)))
}

/// Default of an integer or enum parameter `id` from `PARAM_SPECS`, as an index.
fn index_default(id: &str) -> usize {
    float_spec(id).0.round().max(0.0) as usize
}

/// A whole-number parameter with its default and range from `PARAM_SPECS`.
fn integer(name: &str, id: &str) -> IntParam {
    let (default, min, max) = float_spec(id);
    IntParam::new(
        name,
        default.round() as i32,
        IntRange::Linear {
            min: min.round() as i32,
            max: max.round() as i32,
        },
    )
}

/// A note mask as note names ("C D E G A"), or "Key/Scale" for 0.
pub fn note_mask_to_string(mask: i32) -> String {
    let names: Vec<&str> = (0..12)
        .filter(|pc| mask & (1 << pc) != 0)
        .map(|pc| PitchClass::NAMES[pc])
        .collect();
    if names.is_empty() {
        "Key/Scale".into()
    } else {
        names.join(" ")
    }
}

/// Reads note names separated by spaces or commas ("C D Eb G"), a number 0..4095, or
/// "key"/"scale" for 0.
pub fn note_mask_from_string(text: &str) -> Option<i32> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("key/scale") {
        return Some(0);
    }
    if let Ok(number) = text.parse::<i32>() {
        return (0..=0x0fff).contains(&number).then_some(number);
    }
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|word| !word.is_empty())
        .try_fold(0i32, |mask, word| {
            let pc = word.parse::<PitchClass>().ok()?;
            Some(mask | 1 << pc.semitone())
        })
}

/// A 0..1 parameter shown as a percentage.
fn percent(name: &str, id: &str) -> FloatParam {
    let (default, min, max) = float_spec(id);
    FloatParam::new(name, default, FloatRange::Linear { min, max })
        .with_unit("%")
        .with_value_to_string(formatters::v2s_f32_percentage(0))
        .with_string_to_value(formatters::s2v_f32_percentage())
}

/// A level in dB, in 0.1 dB steps.
fn decibels(name: &str, id: &str) -> FloatParam {
    let (default, min, max) = float_spec(id);
    FloatParam::new(name, default, FloatRange::Linear { min, max })
        .with_unit(" dB")
        .with_step_size(0.1)
        .with_value_to_string(formatters::v2s_f32_rounded(1))
}

/// A semitone offset parameter in 0.01-semitone (1 cent) steps.
fn semitones(name: &str, id: &str) -> FloatParam {
    let (default, min, max) = float_spec(id);
    FloatParam::new(name, default, FloatRange::Linear { min, max })
        .with_unit(" st")
        .with_step_size(0.01)
        .with_value_to_string(Arc::new(|value| format!("{value:+.2}")))
}

// The music core knows nothing of plugins, so its theory types get their parameter face here.
impl Enum for PitchClass {
    fn variants() -> &'static [&'static str] {
        &PitchClass::NAMES
    }

    fn ids() -> Option<&'static [&'static str]> {
        Some(&PitchClass::NAMES)
    }

    fn to_index(self) -> usize {
        self.semitone() as usize
    }

    fn from_index(index: usize) -> Self {
        PitchClass::from_semitone(index as i32)
    }
}

impl Enum for ScaleKind {
    fn variants() -> &'static [&'static str] {
        &ScaleKind::DISPLAY_NAMES
    }

    fn ids() -> Option<&'static [&'static str]> {
        Some(&ScaleKind::IDS)
    }

    fn to_index(self) -> usize {
        self.index()
    }

    fn from_index(index: usize) -> Self {
        ScaleKind::from_index(index)
    }
}

impl Enum for FollowChords {
    fn variants() -> &'static [&'static str] {
        &["Off", "Chord Tones", "Chord + Scale"]
    }

    fn ids() -> Option<&'static [&'static str]> {
        Some(&["off", "chord", "chord_scale"])
    }

    fn to_index(self) -> usize {
        FollowChords::ALL
            .iter()
            .position(|&f| f == self)
            .unwrap_or(0)
    }

    fn from_index(index: usize) -> Self {
        FollowChords::ALL.get(index).copied().unwrap_or_default()
    }
}

impl Enum for HarmonyMode {
    fn variants() -> &'static [&'static str] {
        &["Chord", "Diatonic", "MIDI"]
    }

    fn ids() -> Option<&'static [&'static str]> {
        Some(&["chord", "diatonic", "midi"])
    }

    fn to_index(self) -> usize {
        HarmonyMode::ALL
            .iter()
            .position(|&m| m == self)
            .unwrap_or(0)
    }

    fn from_index(index: usize) -> Self {
        HarmonyMode::ALL.get(index).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_exactly_the_stable_list() {
        let params = DaiwParams::default();
        let ids: Vec<String> = params
            .param_map()
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        assert_eq!(
            ids,
            PARAM_IDS.iter().map(|s| s.to_string()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn value_strings_are_readable() {
        let params = DaiwParams::default();
        assert_eq!(params.tune.amount.to_string(), "100%");
        assert_eq!(params.tune.retune_ms.to_string(), "60.0 ms");
        assert_eq!(params.modulate.pitch.to_string(), "+0.00 st");
        assert_eq!(params.output_gain.to_string(), "0.0 dB");
        assert_eq!(params.tune.key.to_string(), "C");
        assert_eq!(params.tune.scale.to_string(), "Major");
        assert_eq!(params.tune.note_mask.to_string(), "Key/Scale");
        assert_eq!(note_mask_to_string(0b1010_1011_0101), "C D E F G A B");
        assert_eq!(note_mask_from_string("C, D  E"), Some(0b10101));
        assert_eq!(note_mask_from_string("Db F#"), Some(1 << 1 | 1 << 6));
        assert_eq!(note_mask_from_string("key/scale"), Some(0));
        assert_eq!(note_mask_from_string("4095"), Some(4095));
        assert_eq!(note_mask_from_string("H"), None);
        assert_eq!(note_mask_from_string("5000"), None);
        assert_eq!(params.tune.follow_chords.to_string(), "Off");
        assert_eq!(params.harmony.voices.value(), 0);
        assert_eq!(params.harmony.mode.to_string(), "Chord");
        assert!(!params.voice_midi.enabled.value());
        assert_eq!(params.voice_midi.channel.to_string(), "1");
        assert_eq!(params.voice_midi.channel_index(), 0);
        assert_eq!(
            params.tune.amount.string_to_normalized_value("50%"),
            Some(0.5)
        );
    }

    #[test]
    fn every_parameter_takes_its_default_and_range_from_the_one_table() {
        let params = DaiwParams::default();
        for (id, ptr, _) in params.param_map() {
            let spec = spec(&id).unwrap_or_else(|| panic!("{id} is not in PARAM_SPECS"));
            // SAFETY: the pointers point into `params`, alive for the whole test.
            let (default, min, max) = unsafe {
                (
                    ptr.default_plain_value(),
                    ptr.preview_plain(0.0),
                    ptr.preview_plain(1.0),
                )
            };
            let want_default = match spec.default {
                ParamValue::Float(v) => v,
                ParamValue::Bool(b) => f32::from(u8::from(b)),
                ParamValue::Key(k) => k.semitone() as f32,
                ParamValue::Scale(s) => s.index() as f32,
            };
            assert_eq!(default, want_default, "{id} default");
            assert_eq!((min, max), (spec.min, spec.max), "{id} range");
        }
    }

    #[test]
    fn ranges_match_the_spec() {
        let params = DaiwParams::default();
        let range_of = |p: &FloatParam| match p.range() {
            FloatRange::Linear { min, max } | FloatRange::Skewed { min, max, .. } => (min, max),
            other => panic!("unexpected range {other:?}"),
        };
        assert_eq!(range_of(&params.tune.retune_ms), (0.0, 400.0));
        assert_eq!(range_of(&params.modulate.pitch), (-24.0, 24.0));
        assert_eq!(range_of(&params.modulate.formant), (-12.0, 12.0));
        assert_eq!(range_of(&params.output_gain), (-36.0, 12.0));
        assert_eq!(params.tune.key.step_count(), Some(11));
        assert_eq!(params.tune.scale.step_count(), Some(12));
    }
}
