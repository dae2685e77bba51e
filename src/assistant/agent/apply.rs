//! How `ChatAgent` carries out each kind of validated call: one function per action, each
//! returning the effects of what moved and an optional note for the reply.

use std::path::PathBuf;

use super::super::music_bridge;
use super::super::presets::{tune_preset, tune_preset_values, voice_preset, voice_preset_values};
use super::super::speech;
use super::super::state::{BackingSpec, Effect, ParamValue};
use super::super::tools::{
    Action, BackingArgs, HarmonyArgs, MixArgs, ModulateArgs, TuneArgs, ValidCall,
};
use super::{describe_state, ChatAgent, UndoRecord};
use crate::music::theory::{PitchClass, ScaleKind};

/// What carrying out one call gives: its effects and an optional note for the reply.
pub(super) type Applied = Result<(Vec<Effect>, Option<String>), String>;

/// A parameter change: id, value before, value after.
type Change = (&'static str, ParamValue, ParamValue);

impl ChatAgent {
    /// Carries out one validated call: returns its effects and an optional note for the reply.
    pub(super) fn apply(&mut self, call: &ValidCall) -> Applied {
        let tool = call.call.tool.as_str();
        match &call.action {
            Action::Tune(a) => self.apply_tune(tool, a),
            Action::Modulate(a) => self.apply_modulate(tool, a),
            Action::Mix(a) => self.apply_mix(tool, a),
            Action::Speak { text, profile } => self.apply_speak(text, profile),
            Action::Backing(a) => self.apply_backing(tool, a),
            Action::Names { mood, count } => self.apply_names(mood.as_deref(), *count),
            Action::IntentNew { title, fields } => self.apply_intent_new(title, fields),
            Action::IntentProcess => self.apply_intent_process(),
            Action::Undo => Ok(self.apply_undo()),
            Action::GetState => Ok((Vec::new(), Some(describe_state(&self.state)))),
            Action::Harmony(a) => self.apply_harmony(tool, a),
            Action::Listen(topic) => Ok((Vec::new(), Some(self.listen_answer(*topic)))),
        }
    }

    /// Changes parameters, returning the changes of those that moved.
    fn set_all(&mut self, sets: Vec<(&'static str, ParamValue)>) -> Vec<Change> {
        let mut changes = Vec::new();
        for (id, to) in sets {
            let Some(from) = self.state.get(id) else {
                continue;
            };
            if self.state.set(id, to) {
                let to = self.state.get(id).unwrap_or(to);
                if from != to {
                    changes.push((id, from, to));
                }
            }
        }
        changes
    }

    /// Records `changes` for undo and turns them into effects.
    fn record(&mut self, tool: &str, changes: &[Change]) -> Vec<Effect> {
        if !changes.is_empty() {
            self.undo.push(UndoRecord {
                tool: tool.to_string(),
                changes: changes.to_vec(),
                turn: self.turn,
            });
        }
        changes
            .iter()
            .map(|(id, from, to)| Effect::SetParam {
                id,
                from: *from,
                to: *to,
            })
            .collect()
    }

    /// Applies `sets`, records them under `tool` and returns the effects.
    fn set_and_record(&mut self, tool: &str, sets: Vec<(&'static str, ParamValue)>) -> Applied {
        let changes = self.set_all(sets);
        Ok((self.record(tool, &changes), None))
    }

    /// A folder under the agent's home.
    fn home_dir(&self, name: &str) -> PathBuf {
        self.config.home.join(name)
    }

    /// `voice_tune`: preset values first, then explicit values, and tuning switched on unless
    /// the call turns it off (asking for a key or a style means "tune me").
    fn apply_tune(&mut self, tool: &str, a: &TuneArgs) -> Applied {
        let mut sets: Vec<(&'static str, ParamValue)> = Vec::new();
        if let Some(name) = &a.preset {
            let p = tune_preset(name).ok_or_else(|| format!("no tuning preset '{name}'"))?;
            sets.extend(tune_preset_values(&p));
            self.memory.history.presets.push(name.clone());
        }
        if let Some(k) = a.key {
            sets.push(("tune_key", ParamValue::Key(k)));
        }
        if let Some(s) = a.scale {
            sets.push(("tune_scale", ParamValue::Scale(s)));
        }
        let floats = [
            ("tune_retune_ms", a.retune_ms),
            ("tune_amount", a.amount),
            ("tune_humanize", a.humanize),
            ("tune_vibrato", a.vibrato),
        ];
        sets.extend(explicit_floats(&floats));
        if let Some(index) = a.follow_chords {
            sets.push(("tune_follow_chords", ParamValue::Float(f32::from(index))));
        }
        if let Some(mask) = self.note_mask(a)? {
            sets.push(("tune_note_mask", ParamValue::Float(f32::from(mask))));
        }
        sets.push(("tune_enabled", ParamValue::Bool(a.enabled.unwrap_or(true))));
        self.set_and_record(tool, sets)
    }

    /// The custom note set a tune call asks for: its `notes`, or the current targets (the
    /// custom set, else the call's or the current key and scale) with `drop_notes` taken out
    /// and `add_notes` put in. `None` when the call names no notes.
    fn note_mask(&self, a: &TuneArgs) -> Result<Option<u16>, String> {
        if a.notes.is_none() && a.drop_notes.is_none() && a.add_notes.is_none() {
            return Ok(None);
        }
        let current = match self.state.get("tune_note_mask") {
            Some(ParamValue::Float(m)) if m >= 1.0 && a.key.is_none() && a.scale.is_none() => {
                m as u16 & 0x0fff
            }
            _ => {
                let key = a.key.or(match self.state.get("tune_key") {
                    Some(ParamValue::Key(k)) => Some(k),
                    _ => None,
                });
                let scale = a.scale.or(match self.state.get("tune_scale") {
                    Some(ParamValue::Scale(s)) => Some(s),
                    _ => None,
                });
                scale
                    .unwrap_or(ScaleKind::Major)
                    .pitch_class_mask(key.unwrap_or(PitchClass::C))
            }
        };
        let base = a.notes.unwrap_or(current);
        let mask = (base & !a.drop_notes.unwrap_or(0)) | a.add_notes.unwrap_or(0);
        if mask & 0x0fff == 0 {
            return Err("that would leave no notes to tune to".into());
        }
        Ok(Some(mask & 0x0fff))
    }

    /// `voice_harmony`: only the values the call names.
    fn apply_harmony(&mut self, tool: &str, a: &HarmonyArgs) -> Applied {
        let mut sets: Vec<(&'static str, ParamValue)> = Vec::new();
        if let Some(voices) = a.voices {
            sets.push(("harmony_voices", ParamValue::Float(f32::from(voices))));
        }
        if let Some(mode) = a.mode {
            sets.push(("harmony_mode", ParamValue::Float(f32::from(mode))));
        }
        let floats = [("harmony_level", a.level), ("harmony_spread", a.spread)];
        sets.extend(explicit_floats(&floats));
        self.set_and_record(tool, sets)
    }

    /// `voice_modulate`: preset values first, then explicit values.
    fn apply_modulate(&mut self, tool: &str, a: &ModulateArgs) -> Applied {
        let mut sets: Vec<(&'static str, ParamValue)> = Vec::new();
        if let Some(name) = &a.preset {
            let p = voice_preset(name).ok_or_else(|| format!("no voice preset '{name}'"))?;
            sets.extend(voice_preset_values(&p));
            self.memory.history.presets.push(name.clone());
        }
        let floats = [
            ("mod_pitch", a.pitch_semitones),
            ("mod_formant", a.formant_semitones),
            ("mod_robot", a.robot),
            ("mod_breath", a.breathiness),
            ("mod_whisper", a.whisper),
            ("mod_warmth", a.warmth),
            ("mod_presence", a.presence),
            ("mod_reverb", a.reverb),
            ("mod_compression", a.compression),
            ("mod_mix", a.mix),
        ];
        sets.extend(explicit_floats(&floats));
        self.set_and_record(tool, sets)
    }

    /// `mix_control`: only the values the call names.
    fn apply_mix(&mut self, tool: &str, a: &MixArgs) -> Applied {
        let bools = [
            ("backing_enabled", a.backing),
            ("backing_follow", a.follow_host),
            ("bypass", a.bypass),
        ];
        let floats = [
            ("backing_level", a.backing_level_db),
            ("output_gain", a.output_gain_db),
        ];
        let mut sets: Vec<(&'static str, ParamValue)> = bools
            .iter()
            .filter_map(|(id, on)| on.map(|on| (*id, ParamValue::Bool(on))))
            .collect();
        sets.extend(explicit_floats(&floats));
        self.set_and_record(tool, sets)
    }

    /// `voice_speak`: renders the text to a WAV under the agent's exports folder.
    fn apply_speak(&mut self, text: &str, profile: &str) -> Applied {
        let path = speech::synthesize(text, profile, &self.home_dir("exports"))
            .map_err(|e| e.to_string())?;
        let effect = Effect::Speak {
            text: text.to_string(),
            profile: profile.to_string(),
            wav_path: path,
        };
        Ok((vec![effect], None))
    }

    /// `backing_generate`: key and mode default to the tuning's, the pattern is built here
    /// (off the audio thread) and the backing switched on.
    fn apply_backing(&mut self, tool: &str, a: &BackingArgs) -> Applied {
        let key = a.key.or_else(|| match self.state.get("tune_key") {
            Some(ParamValue::Key(k)) => Some(k),
            _ => None,
        });
        let mode = a.mode.or_else(|| match self.state.get("tune_scale") {
            Some(ParamValue::Scale(s)) => Some(s),
            _ => None,
        });
        let spec = BackingSpec {
            key: key.unwrap_or(PitchClass::C).name().to_string(),
            mode: mode.unwrap_or(ScaleKind::Major).id().to_string(),
            tempo_bpm: a.tempo_bpm.unwrap_or(100),
            style: a.style.clone().unwrap_or_else(|| "pop".into()),
            bars: a.bars.unwrap_or(8),
            // A new seed per request so asking again gives a fresh take.
            seed: self.memory.history.messages.len() as u64 + 1,
        };
        let pattern = spec.generate()?;
        self.backing = Some(spec.clone());
        let changes = self.set_all(vec![("backing_enabled", ParamValue::Bool(true))]);
        let mut effects = vec![Effect::Backing {
            spec,
            pattern: Box::new(pattern),
        }];
        effects.extend(self.record(tool, &changes));
        Ok((effects, None))
    }

    /// `name_suggest`: titles for a mood (bittersweet when none is given).
    fn apply_names(&mut self, mood: Option<&str>, count: u32) -> Applied {
        let mood = mood.unwrap_or("bittersweet").to_string();
        let seed = self.memory.history.names.len() as u64 + 1;
        let names =
            music_bridge::suggest_names(&mood, count as usize, seed).map_err(|e| e.to_string())?;
        self.memory.history.names.extend(names.iter().cloned());
        let note = format!("Some titles: {}.", names.join("; "));
        Ok((vec![Effect::Names { mood, names }], Some(note)))
    }

    /// `intent_new`: writes a song intent file and remembers it for `intent_process`.
    fn apply_intent_new(
        &mut self,
        title: &str,
        fields: &serde_json::Map<String, serde_json::Value>,
    ) -> Applied {
        let path = music_bridge::write_intent(&self.home_dir("intents"), title, fields)
            .map_err(|e| e.to_string())?;
        self.memory.history.intent_path = Some(path.clone());
        let note = format!("Started the song intent '{title}' in {}.", path.display());
        let effect = Effect::IntentSaved {
            title: title.to_string(),
            path,
        };
        Ok((vec![effect], Some(note)))
    }

    /// `intent_process`: processes the intent this conversation last wrote.
    fn apply_intent_process(&mut self) -> Applied {
        let path = self
            .memory
            .history
            .intent_path
            .clone()
            .ok_or_else(|| music_bridge::MusicError::NoIntent.to_string())?;
        let summary = music_bridge::process_intent(&path, 1).map_err(|e| e.to_string())?;
        let effect = Effect::IntentProcessed {
            path,
            summary: summary.clone(),
        };
        Ok((vec![effect], Some(summary)))
    }

    /// `undo`: every call of the last turn goes back together, newest first.
    fn apply_undo(&mut self) -> (Vec<Effect>, Option<String>) {
        let Some(last_turn) = self.undo.last().map(|r| r.turn) else {
            return (Vec::new(), Some("There is nothing to undo.".into()));
        };
        let mut effects = Vec::new();
        let mut tools = Vec::new();
        while let Some(record) = self.undo.pop_if(|r| r.turn == last_turn) {
            for (id, before, _after) in record.changes.iter().rev() {
                let now = self.state.get(id).unwrap_or(*before);
                self.state.set(id, *before);
                effects.push(Effect::SetParam {
                    id,
                    from: now,
                    to: *before,
                });
            }
            tools.push(record.tool);
        }
        tools.reverse();
        tools.dedup();
        (effects, Some(format!("Undid {}.", tools.join(" and "))))
    }
}

/// The float values a call names, as parameter sets.
fn explicit_floats(values: &[(&'static str, Option<f32>)]) -> Vec<(&'static str, ParamValue)> {
    values
        .iter()
        .filter_map(|(id, v)| v.map(|v| (*id, ParamValue::Float(v))))
        .collect()
}
