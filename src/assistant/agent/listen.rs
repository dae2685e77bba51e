//! `listen`: answers from what the plugin heard, and offers the heard key for tuning.

use super::super::listening::{key_words, CONFIDENT};
use super::super::state::ParamValue;
use super::super::tools::{ListenTopic, ToolCall};
use super::ChatAgent;
use crate::music::listen::{KeyEstimate, NoteNames};
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

    /// The latest take's pitch report, measured against the key the singing is clearly in (a
    /// default C major tuning must not call every F# a sharp F), else the tuning key when
    /// tuning is on, else the nearest semitone.
    fn pitch_answer(&self) -> String {
        let Some(listening) = self.listening.as_ref() else {
            return NOTHING_HEARD.into();
        };
        let listening = listening.lock();
        let heard = listening
            .key_estimate()
            .filter(|e| e.confidence >= CONFIDENT)
            .map(|e| (e.tonic, e.scale));
        let key = heard
            .or_else(|| self.tuning_target())
            .map(|(tonic, scale)| Key::from_pitch_class(tonic, scale));
        // Notes sung against a custom note set are measured from its notes, as tuning hears
        // them.
        let names = NoteNames::for_tuning(key, self.custom_notes());
        match listening.take_report(names, key) {
            Some(report) => format!("{}.", report.summary.trim_end_matches('.')),
            None => NOTHING_HEARD.into(),
        }
    }

    /// The custom note set tuning corrects to now (bit n = n semitones above C), 0 when tuning
    /// is off or follows its key's scale.
    fn custom_notes(&self) -> u16 {
        // The snapshot keeps the mask finite and within 0..=4095.
        self.tuning_target()
            .map_or(0, |_| self.state.number("tune_note_mask") as u16)
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

#[cfg(test)]
mod tests {
    use super::super::ChatAgent;
    use crate::assistant::config::{AgentConfig, BackendKind, DEFAULT_CONFIG_YAML};
    use crate::assistant::listening;
    use crate::assistant::state::ParamValue;
    use crate::music::listen::PitchPoint;
    use crate::music::theory::{PitchClass, ScaleKind};

    fn agent() -> ChatAgent {
        let home = std::env::temp_dir().join(format!("daiw-listen-unit-{}", std::process::id()));
        let mut config =
            AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, "none", &home).expect("config");
        config.backend = BackendKind::None;
        config.save_history = false;
        ChatAgent::new(config).expect("agent")
    }

    /// Sings an E minor tune (tonic-heavy, with the minor third, sixth and seventh) for about
    /// 15 s into `listening`, the last note 30 cents flat.
    fn sing_e_minor(listening: &listening::SharedListening) {
        const TUNE: [u8; 16] = [
            64, 67, 71, 64, 72, 71, 69, 67, 66, 64, 74, 71, 67, 69, 67, 64,
        ];
        let mut l = listening.lock();
        let mut t = 0.0;
        for round in 0..2 {
            for (i, &m) in TUNE.iter().enumerate() {
                let flat = if round == 1 && i == TUNE.len() - 1 {
                    -0.3
                } else {
                    0.0
                };
                let hz = 440.0 * 2f32.powf((f32::from(m) + flat - 69.0) / 12.0);
                for _ in 0..90 {
                    l.push(PitchPoint {
                        time_s: t,
                        f0_hz: hz,
                        voiced: true,
                    });
                    t += 0.005;
                }
            }
        }
    }

    #[test]
    fn the_heard_key_is_told_offered_and_taken_with_one_word() {
        let mut agent = agent();
        let heard = listening::shared();
        agent.set_listening(heard.clone());
        let nothing = agent.chat("what key am I in?");
        assert!(
            nothing.calls.iter().all(|c| c.call.tool == "listen"),
            "{nothing:?}"
        );
        assert!(nothing.reply.contains("haven't heard"), "{}", nothing.reply);
        sing_e_minor(&heard);
        let told = agent.chat("what key am I in?");
        assert!(told.reply.contains("E minor"), "{}", told.reply);
        assert!(told.reply.contains("Tune to it?"), "{}", told.reply);
        assert_eq!(
            agent.state().get("tune_key"),
            Some(ParamValue::Key(PitchClass::C))
        );
        let yes = agent.chat("yes");
        assert_eq!(yes.calls.len(), 1, "{yes:?}");
        assert_eq!(
            agent.state().get("tune_key"),
            Some(ParamValue::Key(PitchClass::E))
        );
        assert_eq!(
            agent.state().get("tune_scale"),
            Some(ParamValue::Scale(ScaleKind::Minor))
        );
        // The offer is used up: another "yes" changes nothing.
        let again = agent.chat("yes");
        assert!(
            again.calls.iter().all(|c| c.call.tool != "voice_tune"),
            "{again:?}"
        );
    }

    #[test]
    fn how_was_my_pitch_reports_the_take() {
        let mut agent = agent();
        let heard = listening::shared();
        agent.set_listening(heard.clone());
        sing_e_minor(&heard);
        let report = agent.chat("how was my pitch?");
        assert!(report.reply.contains("within 25 cents"), "{}", report.reply);
        assert!(report.reply.contains("flat"), "{}", report.reply);
    }
}
