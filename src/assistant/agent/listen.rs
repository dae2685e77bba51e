//! `listen`: answers from what the plugin heard, and offers the heard key for tuning.

use super::super::listening::{key_words, CONFIDENT};
use super::super::state::ParamValue;
use super::super::tools::{ListenTopic, ToolCall};
use super::ChatAgent;
use crate::music::listen::KeyEstimate;
use crate::music::theory::{Key, PitchClass, ScaleKind};

/// The reply when nothing usable was heard.
const NOTHING_HEARD: &str = "I haven't heard enough singing yet: sing for ten seconds or so \
                             with the plugin running, then ask again.";

impl ChatAgent {
    /// The answer to a `listen` call (it changes nothing).
    pub(super) fn listen_answer(&mut self, topic: ListenTopic) -> String {
        match topic {
            ListenTopic::Key => self.key_answer(),
            ListenTopic::Pitch => self.pitch_answer(),
        }
    }

    /// The key heard, with an offer to tune to it when tuning does something else.
    fn key_answer(&mut self) -> String {
        let Some(estimate) = self
            .listening
            .as_ref()
            .and_then(|l| l.lock().key_estimate())
        else {
            return NOTHING_HEARD.into();
        };
        let words = key_words(&estimate);
        if estimate.confidence < CONFIDENT {
            return format!(
                "Maybe {words}, but I'm not sure yet (confidence {:.2}): keep singing.",
                estimate.confidence
            );
        }
        let head = format!(
            "You're singing in {words} (confidence {:.2}).",
            estimate.confidence
        );
        if self.tuning_target() == Some((estimate.tonic, estimate.scale)) {
            return format!("{head} Tuning is already set to it.");
        }
        self.pending_offer = Some(tune_call(&estimate));
        format!("{head} Tune to it?")
    }

    /// The latest take's pitch report, measured against the tuning key when tuning is on, else
    /// the heard key.
    fn pitch_answer(&self) -> String {
        let Some(listening) = self.listening.as_ref() else {
            return NOTHING_HEARD.into();
        };
        let listening = listening.lock();
        let key = self
            .tuning_target()
            .or_else(|| listening.key_estimate().map(|e| (e.tonic, e.scale)))
            .map(|(tonic, scale)| Key::from_pitch_class(tonic, scale));
        match listening.take_report(key) {
            Some(report) => format!("{}.", report.summary.trim_end_matches('.')),
            None => NOTHING_HEARD.into(),
        }
    }

    /// The key and scale tuning corrects to now, `None` when tuning is off.
    pub(super) fn tuning_target(&self) -> Option<(PitchClass, ScaleKind)> {
        if self.state.get("tune_enabled") != Some(ParamValue::Bool(true)) {
            return None;
        }
        match (self.state.get("tune_key"), self.state.get("tune_scale")) {
            (Some(ParamValue::Key(k)), Some(ParamValue::Scale(s))) => Some((k, s)),
            _ => None,
        }
    }
}

/// The `voice_tune` call that tunes to an estimate.
pub fn tune_call(estimate: &KeyEstimate) -> ToolCall {
    let mut args = serde_json::Map::new();
    args.insert("key".into(), estimate.tonic.name().into());
    args.insert("scale".into(), estimate.scale.id().into());
    ToolCall {
        tool: "voice_tune".into(),
        args,
    }
}
