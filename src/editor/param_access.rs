//! Reading and changing parameters by their stable ids, behind a small trait: the plugin
//! implements it with the host's `ParamSetter` (so the host records and can undo every move),
//! the UI tests with a plain map, so the chat and its cards run without a plugin host.

use std::collections::BTreeMap;

use nice_plug::prelude::*;

use crate::assistant::state::{ParamSnapshot, ParamValue};
use crate::dsp::correction::FollowChords;
use crate::dsp::harmony::HarmonyMode;
use crate::music::theory::{PitchClass, ScaleKind};
use crate::params::DaiwParams;

/// Parameter access by stable id, as the chat applies tool-call effects and undoes them.
pub trait ParamAccess {
    /// The current plain value of `id`, if the id is known.
    fn get(&self, id: &str) -> Option<ParamValue>;
    /// Moves `id` to `value` as one host gesture; false for unknown ids or mismatched kinds.
    fn set(&mut self, id: &str, value: ParamValue) -> bool;
}

/// The plugin's parameters changed through the host (begin / set / end per change).
pub struct HostParams<'a> {
    params: &'a DaiwParams,
    setter: &'a ParamSetter<'a>,
}

impl<'a> HostParams<'a> {
    /// Wraps the plugin's parameters and the editor's setter for this frame.
    pub fn new(params: &'a DaiwParams, setter: &'a ParamSetter<'a>) -> Self {
        Self { params, setter }
    }
}

/// The typed parameter behind an id: the assistant speaks in ids, the host in typed params.
enum Typed<'a> {
    Float(&'a FloatParam),
    Bool(&'a BoolParam),
    Key(&'a EnumParam<PitchClass>),
    Scale(&'a EnumParam<ScaleKind>),
    /// Whole numbers and the harmony enums travel as numbers (an enum by its index).
    Int(&'a IntParam),
    Follow(&'a EnumParam<FollowChords>),
    Mode(&'a EnumParam<HarmonyMode>),
}

fn typed<'a>(params: &'a DaiwParams, id: &str) -> Option<Typed<'a>> {
    let t = &params.tune;
    let m = &params.modulate;
    let b = &params.backing;
    Some(match id {
        "tune_enabled" => Typed::Bool(&t.enabled),
        "tune_key" => Typed::Key(&t.key),
        "tune_scale" => Typed::Scale(&t.scale),
        "tune_retune_ms" => Typed::Float(&t.retune_ms),
        "tune_amount" => Typed::Float(&t.amount),
        "tune_humanize" => Typed::Float(&t.humanize),
        "tune_vibrato" => Typed::Float(&t.vibrato),
        "tune_midi" => Typed::Bool(&t.midi_targets),
        "tune_note_mask" => Typed::Int(&t.note_mask),
        "tune_follow_chords" => Typed::Follow(&t.follow_chords),
        "harmony_voices" => Typed::Int(&params.harmony.voices),
        "harmony_mode" => Typed::Mode(&params.harmony.mode),
        "harmony_level" => Typed::Float(&params.harmony.level),
        "harmony_spread" => Typed::Float(&params.harmony.spread),
        "voice_midi" => Typed::Bool(&params.voice_midi.enabled),
        "voice_midi_channel" => Typed::Int(&params.voice_midi.channel),
        "mod_pitch" => Typed::Float(&m.pitch),
        "mod_formant" => Typed::Float(&m.formant),
        "mod_robot" => Typed::Float(&m.robot),
        "mod_breath" => Typed::Float(&m.breath),
        "mod_whisper" => Typed::Float(&m.whisper),
        "mod_warmth" => Typed::Float(&m.warmth),
        "mod_presence" => Typed::Float(&m.presence),
        "mod_reverb" => Typed::Float(&m.reverb),
        "mod_compression" => Typed::Float(&m.compression),
        "mod_mix" => Typed::Float(&m.mix),
        "backing_enabled" => Typed::Bool(&b.enabled),
        "backing_level" => Typed::Float(&b.level_db),
        "backing_follow" => Typed::Bool(&b.follow_host),
        "output_gain" => Typed::Float(&params.output_gain),
        "bypass" => Typed::Bool(&params.bypass),
        _ => return None,
    })
}

/// The plain value of `id` in `params`.
pub fn read_param(params: &DaiwParams, id: &str) -> Option<ParamValue> {
    Some(match typed(params, id)? {
        Typed::Float(p) => ParamValue::Float(p.value()),
        Typed::Bool(p) => ParamValue::Bool(p.value()),
        Typed::Key(p) => ParamValue::Key(p.value()),
        Typed::Scale(p) => ParamValue::Scale(p.value()),
        Typed::Int(p) => ParamValue::Float(p.value() as f32),
        Typed::Follow(p) => ParamValue::Float(p.value().to_index() as f32),
        Typed::Mode(p) => ParamValue::Float(p.value().to_index() as f32),
    })
}

/// One begin / set / end gesture, so the host sees a single undoable change.
fn gesture<P: Param>(setter: &ParamSetter, param: &P, value: P::Plain) {
    setter.begin_set_parameter(param);
    setter.set_parameter(param, value);
    setter.end_set_parameter(param);
}

impl ParamAccess for HostParams<'_> {
    fn get(&self, id: &str) -> Option<ParamValue> {
        read_param(self.params, id)
    }

    fn set(&mut self, id: &str, value: ParamValue) -> bool {
        match (typed(self.params, id), value) {
            (Some(Typed::Float(p)), ParamValue::Float(v)) if v.is_finite() => {
                gesture(self.setter, p, v)
            }
            (Some(Typed::Bool(p)), ParamValue::Bool(v)) => gesture(self.setter, p, v),
            (Some(Typed::Key(p)), ParamValue::Key(v)) => gesture(self.setter, p, v),
            (Some(Typed::Scale(p)), ParamValue::Scale(v)) => gesture(self.setter, p, v),
            (Some(Typed::Int(p)), ParamValue::Float(v)) if v.is_finite() => {
                gesture(self.setter, p, v.round() as i32)
            }
            (Some(Typed::Follow(p)), ParamValue::Float(v)) if v.is_finite() => gesture(
                self.setter,
                p,
                FollowChords::from_index(v.round().max(0.0) as usize),
            ),
            (Some(Typed::Mode(p)), ParamValue::Float(v)) if v.is_finite() => gesture(
                self.setter,
                p,
                HarmonyMode::from_index(v.round().max(0.0) as usize),
            ),
            _ => return false,
        }
        true
    }
}

/// Parameters in a map, starting at the defaults: for tests and for tools without a host.
#[derive(Debug, Clone, Default)]
pub struct MapParams {
    snapshot: ParamSnapshot,
    /// Every successful `set`, in order (tests check what was applied).
    pub log: Vec<(String, ParamValue)>,
}

impl MapParams {
    /// Every parameter at its default.
    pub fn new() -> Self {
        Self::default()
    }

    /// The values as a map of id -> value (for comparisons in tests).
    pub fn values(&self) -> BTreeMap<&'static str, ParamValue> {
        self.snapshot.iter().collect()
    }
}

impl ParamAccess for MapParams {
    fn get(&self, id: &str) -> Option<ParamValue> {
        self.snapshot.get(id)
    }

    fn set(&mut self, id: &str, value: ParamValue) -> bool {
        let same_kind = matches!(
            (self.snapshot.get(id), value),
            (Some(ParamValue::Float(_)), ParamValue::Float(_))
                | (Some(ParamValue::Bool(_)), ParamValue::Bool(_))
                | (Some(ParamValue::Key(_)), ParamValue::Key(_))
                | (Some(ParamValue::Scale(_)), ParamValue::Scale(_))
        );
        if same_kind && self.snapshot.set(id, value) {
            self.log.push((id.to_string(), value));
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::PARAM_IDS;

    #[test]
    fn every_stable_id_has_a_typed_parameter() {
        let params = DaiwParams::default();
        for id in PARAM_IDS {
            assert!(read_param(&params, id).is_some(), "{id}");
        }
        assert!(read_param(&params, "nonexistent").is_none());
    }

    #[test]
    fn map_params_reject_kind_mismatches() {
        let mut map = MapParams::new();
        assert!(!map.set("tune_key", ParamValue::Float(3.0)));
        assert!(map.set("tune_key", ParamValue::Key(PitchClass::A)));
        assert_eq!(map.get("tune_key"), Some(ParamValue::Key(PitchClass::A)));
        assert_eq!(map.log.len(), 1);
    }
}
