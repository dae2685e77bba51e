//! What one plugin instance keeps for its window across openings: the conversation, the
//! assistant worker (started lazily on the GUI thread, never on the audio thread), the backing
//! panel and its pattern queue, the pitch view's end of the analysis ring, and the repaint
//! notifier the worker pokes. It also keeps the plugin state's saved session in step: the
//! conversation, the agent's memory, the backing and the song intent are written there as they
//! change, and restored from there when the host loads a project.
//!
//! Closing the window mid-answer leaves the worker running; its events wait in the channel and
//! are applied (through the host, as usual) when the window next opens, because only the GUI
//! thread may move parameters through the host.
//!
//! The listening side (analysis frames, the heard-key offer) is in `listen`, the saved state's
//! in `saved`.

mod listen;
mod saved;

use std::sync::Arc;
use std::time::Instant;

use nice_plug_egui::RepaintNotifier;

use crate::assistant::config::{AgentConfig, BackendKind, DEFAULT_CONFIG_YAML};
use crate::assistant::listening::{self, SharedListening};
use crate::assistant::memory::ChatHistory;
use crate::assistant::model_file::daiw_home;
use crate::assistant::state::{BackingSpec, Effect, ParamValue};
use crate::assistant::worker::{AssistantWorker, Event, Request};
use crate::music::listen::KeyEstimate;
use crate::params::PARAM_IDS;
use crate::plugin::backing_link::{BackingShared, PatternSender};
use crate::plugin::state::{SavedIntent, SessionStore};

use super::backing_panel::BackingPanel;
use super::chat::{AssistantPort, ChatState, Entry, ModelStatus};
use super::controls::ControlsTab;
use super::param_access::ParamAccess;
use super::pitch_view::{AnalysisConsumer, PitchView};
use super::title_bar::TitleBar;
use super::window_size::WindowStore;

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
    /// The backing panel and its queue to the audio thread.
    pub backing: BackingPanel,
    /// The title bar: presets, A/B compare, compact mode.
    pub title: TitleBar,
    /// The window's size and compact mode, as the project keeps them.
    pub window: Arc<WindowStore>,
    /// The controls' tab (voice or backing track).
    pub tab: ControlsTab,
    analysis: AnalysisConsumer,
    notifier: RepaintNotifier,
    /// The parameter values the agent was last told, to send only the moves.
    told: Vec<Option<ParamValue>>,
    /// The backing the agent was last told about (`None`: not told yet).
    told_backing: Option<Option<BackingSpec>>,
    /// The plugin state's saved session (shared with the host through the parameters).
    store: Arc<SessionStore>,
    /// The host writes to `store` seen so far.
    seen_loads: u64,
    /// What the chat looked like when last saved (entries, undone cards).
    saved_shape: (usize, usize),
    /// The agent's memory to hand over when the worker starts.
    memory_for_worker: Option<ChatHistory>,
    /// The backing last written to the saved state.
    saved_backing: Option<BackingSpec>,
    /// The DAiW home of the agent's configuration: a restored intent is written only there.
    home: std::path::PathBuf,
    /// What the plugin hears (key estimate, latest take), shared with the assistant.
    pub listening: SharedListening,
    /// When the heard key was last checked for an offer.
    offer_checked: Option<Instant>,
    /// The key heard in the singing, refreshed once a second for the controls.
    pub heard: Option<KeyEstimate>,
}

impl Session {
    /// A session reading analysis frames from `analysis`, sending patterns through `patterns`
    /// and saving into `store`.
    pub fn new(
        analysis: AnalysisConsumer,
        patterns: PatternSender,
        backing: Arc<BackingShared>,
        store: Arc<SessionStore>,
    ) -> Self {
        Self {
            chat: ChatState::default(),
            link: WorkerLink::default(),
            pitch: PitchView::default(),
            backing: BackingPanel::new(patterns, backing),
            title: TitleBar::new(&daiw_home()),
            window: Arc::new(WindowStore::default()),
            tab: ControlsTab::default(),
            analysis,
            notifier: RepaintNotifier::new(),
            told: vec![None; PARAM_IDS.len()],
            told_backing: None,
            store,
            seen_loads: 0,
            saved_shape: (0, 0),
            memory_for_worker: None,
            saved_backing: None,
            home: crate::assistant::model_file::daiw_home(),
            listening: listening::shared(),
            offer_checked: None,
            heard: None,
        }
    }

    /// Shares the window store the plugin's parameters persist (size and compact mode come
    /// back with the project).
    pub fn with_window_store(mut self, store: Arc<WindowStore>) -> Self {
        self.title.compact = store.get().compact;
        self.window = store;
        self
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
        // Each instance's conversation lives in its project (the plugin state), not in the
        // shared history file that several instances would fight over.
        let mut config = config;
        config.save_history = false;
        self.start_worker(config);
    }

    /// Starts a worker for `config` (replacing none: call it when no worker runs).
    pub fn start_worker(&mut self, config: AgentConfig) {
        self.home = config.home.clone();
        let notifier = self.notifier.clone();
        match AssistantWorker::spawn(config, Box::new(move || notifier.request_repaint())) {
            Ok(worker) => {
                let memory = self
                    .memory_for_worker
                    .take()
                    .or_else(|| self.store.get().memory)
                    .unwrap_or_default();
                worker.send(Request::Restore(Box::new(memory)));
                worker.send(Request::Listening(self.listening.clone()));
                worker.send(Request::WarmUp);
                self.link.worker = Some(worker);
                self.chat.status = ModelStatus::Loading;
                // The new agent starts from the defaults: tell it every current value.
                self.told.iter_mut().for_each(|t| *t = None);
                self.told_backing = None;
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
        if self.store.loads() != self.seen_loads {
            self.seen_loads = self.store.loads();
            self.restore();
        }
        while let Some(event) = self.link.worker.as_ref().and_then(|w| w.try_recv()) {
            self.take_event(event, params);
        }
        self.backing.collect_garbage();
        self.save_chat();
        self.save_backing();
        if let Some(worker) = &self.link.worker {
            // The backing installed from the chat, the panel or a restored project, so "a bit
            // faster" changes the one that plays.
            let current = self.backing.current.as_ref().map(|(spec, _)| spec.clone());
            if self.told_backing.as_ref() != Some(&current) {
                worker.send(Request::SetBacking(current.clone()));
                self.told_backing = Some(current);
            }
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
        self.take_analysis();
        self.offer_heard_key(params);
    }

    /// Handles one worker event: backing patterns and intents go to the panel and the saved
    /// state, the agent's memory to the saved state, everything else to the chat.
    fn take_event(&mut self, event: Event, params: &mut dyn ParamAccess) {
        match event {
            Event::Memory(history) => {
                self.store.modify(|s| s.memory = Some(*history));
            }
            Event::Turn(turn) => {
                for effect in turn.effects() {
                    match effect {
                        Effect::Backing { spec, pattern } => {
                            self.backing.install(spec.clone(), (**pattern).clone());
                        }
                        Effect::IntentSaved { title, path } => {
                            let content = std::fs::read_to_string(path)
                                .ok()
                                .and_then(|text| serde_json::from_str(&text).ok());
                            let intent = SavedIntent {
                                title: title.clone(),
                                path: path.clone(),
                                content,
                            };
                            self.store.modify(|s| s.intent = Some(intent));
                        }
                        _ => {}
                    }
                }
                self.chat.handle_event(Event::Turn(turn), params);
            }
            other => self.chat.handle_event(other, params),
        }
    }
}

#[cfg(test)]
mod tests;
