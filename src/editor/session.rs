//! What one plugin instance keeps for its window across openings: the conversation, the
//! assistant worker (started lazily on the GUI thread, never on the audio thread), the pitch
//! view's end of the analysis ring, and the repaint notifier the worker pokes.
//!
//! Closing the window mid-answer leaves the worker running; its events wait in the channel and
//! are applied (through the host, as usual) when the window next opens, because only the GUI
//! thread may move parameters through the host.

use nice_plug_egui::RepaintNotifier;

use crate::assistant::config::{AgentConfig, BackendKind, DEFAULT_CONFIG_YAML};
use crate::assistant::model_file::daiw_home;
use crate::assistant::state::ParamValue;
use crate::assistant::worker::{AssistantWorker, Request};
use crate::params::PARAM_IDS;

use super::chat::{AssistantPort, ChatState, Entry, ModelStatus};
use super::param_access::ParamAccess;
use super::pitch_view::{AnalysisConsumer, PitchView};

/// The worker's handle, or why it could not start.
#[derive(Default)]
pub struct WorkerLink {
    worker: Option<AssistantWorker>,
}

impl WorkerLink {
    /// Whether a worker is running.
    pub fn is_running(&self) -> bool {
        self.worker.is_some()
    }
}

impl AssistantPort for WorkerLink {
    fn send(&mut self, request: Request) {
        if let Some(worker) = &self.worker {
            worker.send(request);
        }
    }

    fn cancel(&mut self) {
        if let Some(worker) = &self.worker {
            worker.cancel();
        }
    }
}

/// One instance's window state, shared between the plugin and its editor (GUI thread only).
pub struct Session {
    /// The conversation.
    pub chat: ChatState,
    /// The assistant worker.
    pub link: WorkerLink,
    /// The recent pitch history.
    pub pitch: PitchView,
    analysis: AnalysisConsumer,
    notifier: RepaintNotifier,
    /// The parameter values the agent was last told, to send only the moves.
    told: Vec<Option<ParamValue>>,
}

impl Session {
    /// A session reading analysis frames from `analysis`.
    pub fn new(analysis: AnalysisConsumer) -> Self {
        Self {
            chat: ChatState::default(),
            link: WorkerLink::default(),
            pitch: PitchView::default(),
            analysis,
            notifier: RepaintNotifier::new(),
            told: vec![None; PARAM_IDS.len()],
        }
    }

    /// The notifier the editor window listens to.
    pub fn notifier(&self) -> RepaintNotifier {
        self.notifier.clone()
    }

    /// Starts the worker if it is not running (GUI thread; the model loads on the worker).
    pub fn ensure_worker(&mut self) {
        if self.link.is_running() {
            return;
        }
        let config = match AgentConfig::load() {
            Ok(config) => config,
            Err(err) => {
                // A broken config file must not cost the user the router: run without a
                // model and say why.
                self.chat
                    .entries
                    .push(Entry::Error(format!("assistant configuration: {err}")));
                match AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, "defaults", &daiw_home()) {
                    Ok(mut config) => {
                        config.backend = BackendKind::None;
                        config
                    }
                    Err(err) => {
                        self.chat.status = ModelStatus::Unavailable(err.to_string());
                        return;
                    }
                }
            }
        };
        self.start_worker(config);
    }

    /// Starts a worker for `config` (replacing none: call it when no worker runs).
    pub fn start_worker(&mut self, config: AgentConfig) {
        let notifier = self.notifier.clone();
        match AssistantWorker::spawn(config, Box::new(move || notifier.request_repaint())) {
            Ok(worker) => {
                worker.send(Request::WarmUp);
                self.link.worker = Some(worker);
                self.chat.status = ModelStatus::Loading;
                // The new agent starts from the defaults: tell it every current value.
                self.told.iter_mut().for_each(|t| *t = None);
            }
            Err(err) => {
                self.chat.status =
                    ModelStatus::Unavailable(format!("could not start the assistant: {err}"));
            }
        }
    }

    /// One GUI frame's housekeeping: applies waiting worker events through `params`, tells
    /// the agent about parameter moves made elsewhere, and takes new analysis frames.
    pub fn poll(&mut self, params: &mut dyn ParamAccess) {
        if let Some(worker) = &self.link.worker {
            while let Some(event) = worker.try_recv() {
                self.chat.handle_event(event, params);
            }
        }
        if let Some(worker) = &self.link.worker {
            for (id, told) in PARAM_IDS.iter().zip(self.told.iter_mut()) {
                let now = params.get(id);
                if now != *told {
                    if let Some(value) = now {
                        worker.send(Request::SetParam {
                            id: (*id).to_string(),
                            value,
                        });
                    }
                    *told = now;
                }
            }
        }
        self.pitch.drain(&mut self.analysis);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::config::DEFAULT_CONFIG_YAML;
    use crate::editor::param_access::MapParams;
    use crate::editor::pitch_view::analysis_queue;
    use crate::music::theory::{PitchClass, ScaleKind};
    use std::time::{Duration, Instant};

    fn session_with_router_only(tag: &str) -> Session {
        let home = std::env::temp_dir().join(format!("daiw-session-{tag}-{}", std::process::id()));
        let mut config =
            AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, "none", &home).expect("config");
        config.backend = BackendKind::None;
        config.save_history = false;
        let (_tx, rx) = analysis_queue();
        let mut session = Session::new(rx);
        session.start_worker(config);
        assert!(session.link.is_running());
        session
    }

    /// Polls (one GUI frame each) until the answer in progress is in, or 20 s pass.
    fn poll_until_answered(session: &mut Session, params: &mut MapParams) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while session.chat.generating && Instant::now() < deadline {
            session.poll(params);
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!session.chat.generating, "no answer");
    }

    #[test]
    fn an_answer_finished_while_the_window_was_closed_is_applied_when_it_opens() {
        let mut session = session_with_router_only("closed");
        let mut params = MapParams::new();
        session.poll(&mut params);
        session.chat.input = "tune me to A minor, hard".into();
        assert!(session.chat.send_input(&mut session.link));
        // The window is closed: nobody polls while the worker answers.
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(params.get("tune_key"), Some(ParamValue::Key(PitchClass::C)));
        // It opens again: the queued turn is applied through the parameters, with its card.
        poll_until_answered(&mut session, &mut params);
        assert_eq!(params.get("tune_key"), Some(ParamValue::Key(PitchClass::A)));
        assert_eq!(
            params.get("tune_scale"),
            Some(ParamValue::Scale(ScaleKind::Minor))
        );
        assert!(session
            .chat
            .entries
            .iter()
            .any(|e| matches!(e, Entry::Card(card) if card.tool == "voice_tune")));
    }

    #[test]
    fn moves_made_outside_the_chat_reach_the_agent() {
        let mut session = session_with_router_only("sync");
        let mut params = MapParams::new();
        // The user (or host automation) moved the pitch; the next frame tells the agent.
        assert!(params.set("mod_pitch", ParamValue::Float(5.0)));
        session.poll(&mut params);
        session.chat.input = "down an octave".into();
        assert!(session.chat.send_input(&mut session.link));
        poll_until_answered(&mut session, &mut params);
        let card = session
            .chat
            .entries
            .iter()
            .find_map(|e| match e {
                Entry::Card(card) => Some(card.clone()),
                _ => None,
            })
            .expect("a card");
        assert_eq!(card.changes.len(), 1);
        assert_eq!(card.changes[0].from, ParamValue::Float(5.0));
        assert_eq!(card.changes[0].to, ParamValue::Float(-12.0));
        assert_eq!(params.get("mod_pitch"), Some(ParamValue::Float(-12.0)));
    }
}
