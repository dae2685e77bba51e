//! What the agent knows of the plugin: a snapshot of every parameter in plain values (fed by
//! the host side), and the effects a tool call has, as data the plugin or the CLI applies.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::music::backing::Pattern;
use crate::music::theory::{PitchClass, ScaleKind};

/// A parameter value in plain units (semitones, ms, dB, fractions 0..1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamValue {
    /// On/off.
    Bool(bool),
    /// A number in the parameter's unit.
    Float(f32),
    /// A key (pitch class).
    Key(PitchClass),
    /// A scale.
    Scale(ScaleKind),
}

impl ParamValue {
    /// The value as JSON: a bool, a number or a name.
    pub fn to_json(self) -> serde_json::Value {
        match self {
            ParamValue::Bool(b) => serde_json::Value::Bool(b),
            ParamValue::Float(v) => serde_json::Number::from_f64(round(v as f64))
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            ParamValue::Key(k) => serde_json::Value::String(k.name().into()),
            ParamValue::Scale(s) => serde_json::Value::String(s.id().into()),
        }
    }

    /// The number, if this is one.
    pub fn as_f32(self) -> Option<f32> {
        match self {
            ParamValue::Float(v) => Some(v),
            _ => None,
        }
    }
}

/// Rounds to 4 decimals so JSON shows 0.3 rather than 0.30000001192092896.
fn round(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Bool(true) => f.write_str("on"),
            ParamValue::Bool(false) => f.write_str("off"),
            ParamValue::Float(v) => {
                let r = round(*v as f64);
                if r.fract() == 0.0 {
                    write!(f, "{r:.0}")
                } else {
                    write!(f, "{r}")
                }
            }
            ParamValue::Key(k) => f.write_str(k.name()),
            ParamValue::Scale(s) => f.write_str(s.id()),
        }
    }
}

impl Serialize for ParamValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

/// The kind and range of one parameter, as the assistant sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// The stable id from `crate::params::PARAM_IDS`.
    pub id: &'static str,
    /// The default value.
    pub default: ParamValue,
    /// Lowest plain value (numbers only).
    pub min: f32,
    /// Highest plain value (numbers only).
    pub max: f32,
    /// Unit shown after numbers.
    pub unit: &'static str,
}

const fn float(
    id: &'static str,
    default: f32,
    min: f32,
    max: f32,
    unit: &'static str,
) -> ParamSpec {
    ParamSpec {
        id,
        default: ParamValue::Float(default),
        min,
        max,
        unit,
    }
}

const fn boolean(id: &'static str, default: bool) -> ParamSpec {
    ParamSpec {
        id,
        default: ParamValue::Bool(default),
        min: 0.0,
        max: 1.0,
        unit: "",
    }
}

/// Every parameter, in `PARAM_IDS` order (a test checks it against the plugin's own list).
pub const PARAM_SPECS: [ParamSpec; 31] = [
    boolean("tune_enabled", true),
    ParamSpec {
        id: "tune_key",
        default: ParamValue::Key(PitchClass::C),
        min: 0.0,
        max: 11.0,
        unit: "",
    },
    ParamSpec {
        id: "tune_scale",
        default: ParamValue::Scale(ScaleKind::Major),
        min: 0.0,
        max: 12.0,
        unit: "",
    },
    float("tune_retune_ms", 60.0, 0.0, 400.0, " ms"),
    float("tune_amount", 1.0, 0.0, 1.0, ""),
    float("tune_humanize", 0.15, 0.0, 1.0, ""),
    float("tune_vibrato", 0.8, 0.0, 1.0, ""),
    boolean("tune_midi", false),
    // A custom note set, bit n = n semitones above C (0 = follow key and scale).
    float("tune_note_mask", 0.0, 0.0, 4095.0, ""),
    // Index: off, chord tones, chord + scale.
    float("tune_follow_chords", 0.0, 0.0, 2.0, ""),
    float("mod_pitch", 0.0, -24.0, 24.0, " st"),
    float("mod_formant", 0.0, -12.0, 12.0, " st"),
    float("mod_robot", 0.0, 0.0, 1.0, ""),
    float("mod_breath", 0.0, 0.0, 1.0, ""),
    float("mod_whisper", 0.0, 0.0, 1.0, ""),
    float("mod_warmth", 0.5, 0.0, 1.0, ""),
    float("mod_presence", 0.5, 0.0, 1.0, ""),
    float("mod_reverb", 0.0, 0.0, 1.0, ""),
    float("mod_compression", 0.0, 0.0, 1.0, ""),
    float("mod_mix", 1.0, 0.0, 1.0, ""),
    boolean("backing_enabled", false),
    float("backing_level", -12.0, -60.0, 6.0, " dB"),
    boolean("backing_follow", true),
    float("harmony_voices", 0.0, 0.0, 3.0, ""),
    // Index: chord, diatonic, midi.
    float("harmony_mode", 0.0, 0.0, 2.0, ""),
    float("harmony_level", 0.6, 0.0, 1.0, ""),
    float("harmony_spread", 0.5, 0.0, 1.0, ""),
    // Voice to MIDI: the sung notes on the plugin's MIDI output, on channel 1..16.
    boolean("voice_midi", false),
    float("voice_midi_channel", 1.0, 1.0, 16.0, ""),
    float("output_gain", 0.0, -36.0, 12.0, " dB"),
    boolean("bypass", false),
];

/// The spec of a parameter id.
pub fn spec(id: &str) -> Option<&'static ParamSpec> {
    PARAM_SPECS.iter().find(|s| s.id == id)
}

/// The current value of every parameter, kept by the agent and refreshed by the host side.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSnapshot {
    values: BTreeMap<&'static str, ParamValue>,
}

impl Default for ParamSnapshot {
    fn default() -> Self {
        Self {
            values: PARAM_SPECS.iter().map(|s| (s.id, s.default)).collect(),
        }
    }
}

impl ParamSnapshot {
    /// The value of `id` (the default for ids this snapshot was never told about).
    pub fn get(&self, id: &str) -> Option<ParamValue> {
        self.values.get(id).copied()
    }

    /// A number parameter's value, or its default.
    pub fn number(&self, id: &str) -> f32 {
        self.get(id).and_then(ParamValue::as_f32).unwrap_or(0.0)
    }

    /// Sets `id`, clamping numbers to the range; unknown ids are ignored and reported false.
    pub fn set(&mut self, id: &str, value: ParamValue) -> bool {
        let Some(spec) = spec(id) else {
            return false;
        };
        let value = match value {
            ParamValue::Float(v) if v.is_finite() => ParamValue::Float(v.clamp(spec.min, spec.max)),
            ParamValue::Float(_) => return false,
            other => other,
        };
        self.values.insert(spec.id, value);
        true
    }

    /// Every (id, value) pair in `PARAM_IDS` order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, ParamValue)> + '_ {
        PARAM_SPECS
            .iter()
            .filter_map(|s| self.values.get(s.id).map(|v| (s.id, *v)))
    }

    /// The snapshot as a JSON object of id -> value.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.iter()
                .map(|(id, v)| (id.to_string(), v.to_json()))
                .collect(),
        )
    }
}

impl Serialize for ParamSnapshot {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.values.len()))?;
        for (id, value) in self.iter() {
            map.serialize_entry(id, &value)?;
        }
        map.end()
    }
}

/// What a backing is made from (a call's request with the gaps filled, plus the seed): the same
/// spec always gives the same pattern, so the plugin state stores this rather than the notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackingSpec {
    /// Tonic, sharp spelling (flats accepted).
    pub key: String,
    /// Scale or mode id.
    pub mode: String,
    /// Tempo in BPM.
    pub tempo_bpm: u32,
    /// Style id.
    pub style: String,
    /// Length in bars.
    pub bars: u32,
    /// Generation seed.
    pub seed: u64,
}

impl Default for BackingSpec {
    fn default() -> Self {
        Self {
            key: "C".into(),
            mode: "major".into(),
            tempo_bpm: 100,
            style: "pop".into(),
            bars: 8,
            seed: 1,
        }
    }
}

impl BackingSpec {
    /// Checks every field without generating anything (a loaded project's spec is checked
    /// before it is used); returns the key and mode it names.
    pub fn check(&self) -> Result<(PitchClass, ScaleKind), String> {
        let key: PitchClass = self
            .key
            .parse()
            .map_err(|e| format!("key {:?}: {e}", self.key))?;
        let mode: ScaleKind = self
            .mode
            .parse()
            .map_err(|e| format!("mode {:?}: {e}", self.mode))?;
        if !(40..=240).contains(&self.tempo_bpm) {
            return Err(format!("tempo {} is outside 40..=240 BPM", self.tempo_bpm));
        }
        if !(1..=64).contains(&self.bars) {
            return Err(format!("{} bars is outside 1..=64", self.bars));
        }
        if !super::tools::BACKING_STYLES.contains(&self.style.as_str()) {
            return Err(format!("style {:?} is not a backing style", self.style));
        }
        Ok((key, mode))
    }

    /// Generates the pattern with the music brain; a bad field is a message, not a panic.
    pub fn generate(&self) -> Result<Pattern, String> {
        let (key, mode) = self.check()?;
        super::music_bridge::generate_backing(
            key,
            mode,
            self.tempo_bpm,
            &self.style,
            self.bars,
            self.seed,
        )
        .map_err(|e| e.to_string())
    }
}

/// What a tool call changes, as data: the plugin and the CLI apply effects their own way.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// A parameter moves from one plain value to another.
    SetParam {
        /// Parameter id from `PARAM_IDS`.
        id: &'static str,
        /// The value before.
        from: ParamValue,
        /// The value after.
        to: ParamValue,
    },
    /// A new backing pattern, generated by the music brain, ready to be boxed and sent to
    /// the audio thread.
    Backing {
        /// What it was made from.
        spec: BackingSpec,
        /// The pattern (left out of JSON: it is thousands of events).
        #[serde(skip)]
        pattern: Box<Pattern>,
    },
    /// Speech was synthesised to a WAV file, to be played through the voice chain.
    Speak {
        /// The words.
        text: String,
        /// The speech profile.
        profile: String,
        /// The WAV file under ~/.daiw/exports/.
        wav_path: PathBuf,
    },
    /// Song-title ideas.
    Names {
        /// The mood or theme asked for.
        mood: String,
        /// The suggestions.
        names: Vec<String>,
    },
    /// A song intent was written.
    IntentSaved {
        /// The intent's title.
        title: String,
        /// The JSON file.
        path: PathBuf,
    },
    /// A song intent was read and summarised.
    IntentProcessed {
        /// The JSON file.
        path: PathBuf,
        /// A plain-language summary.
        summary: String,
    },
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Effect::SetParam { id, from, to } => {
                let unit = spec(id).map(|s| s.unit).unwrap_or("");
                write!(f, "{id}: {from}{unit} -> {to}{unit}")
            }
            Effect::Backing { spec: b, pattern } => write!(
                f,
                "backing: {} {} at {} BPM, {} style, {} bars ({} notes)",
                b.key,
                b.mode,
                b.tempo_bpm,
                b.style,
                b.bars,
                pattern.events.len()
            ),
            Effect::Speak {
                profile, wav_path, ..
            } => write!(f, "speech ({profile}) saved to {}", wav_path.display()),
            Effect::Names { names, .. } => write!(f, "titles: {}", names.join("; ")),
            Effect::IntentSaved { title, path } => {
                write!(f, "intent '{title}' saved to {}", path.display())
            }
            Effect::IntentProcessed { summary, .. } => write!(f, "intent: {summary}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{DaiwParams, PARAM_IDS};
    use nice_plug::prelude::*;

    #[test]
    fn specs_follow_the_plugin_parameter_list() {
        let ids: Vec<&str> = PARAM_SPECS.iter().map(|s| s.id).collect();
        assert_eq!(ids, PARAM_IDS.to_vec());
    }

    #[test]
    fn specs_match_the_plugin_ranges_and_defaults() {
        // Reads the plugin's parameters only here, in a test, to catch drift.
        let params = DaiwParams::default();
        for (id, ptr, _) in params.param_map() {
            let spec = spec(&id).expect("known id");
            // SAFETY: the pointers come from a live `DaiwParams` owned by this test.
            let (default_plain, min, max) = unsafe {
                match ptr {
                    ParamPtr::FloatParam(p) => {
                        let p = &*p;
                        let (min, max) = match p.range() {
                            FloatRange::Linear { min, max }
                            | FloatRange::Skewed { min, max, .. } => (min, max),
                            _ => (f32::NAN, f32::NAN),
                        };
                        (p.default_plain_value(), min, max)
                    }
                    _ => continue,
                }
            };
            assert_eq!(spec.default, ParamValue::Float(default_plain), "{id}");
            assert_eq!((spec.min, spec.max), (min, max), "{id}");
        }
    }

    #[test]
    fn set_clamps_and_rejects_unknown_ids() {
        let mut snap = ParamSnapshot::default();
        assert!(snap.set("mod_pitch", ParamValue::Float(99.0)));
        assert_eq!(snap.get("mod_pitch"), Some(ParamValue::Float(24.0)));
        assert!(!snap.set("nonexistent", ParamValue::Float(1.0)));
        assert!(!snap.set("mod_pitch", ParamValue::Float(f32::NAN)));
        assert_eq!(snap.to_json()["tune_key"], "C");
        let effect = Effect::SetParam {
            id: "tune_retune_ms",
            from: ParamValue::Float(60.0),
            to: ParamValue::Float(0.0),
        };
        assert_eq!(effect.to_string(), "tune_retune_ms: 60 ms -> 0 ms");
    }
}
