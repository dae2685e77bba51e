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

use std::time::{Duration, Instant};

use crate::assistant::agent::tune_call;
use crate::assistant::listening::{self, key_words, SharedListening};
use crate::dsp::pitch_detector::Voicing;
use crate::music::listen::{KeyEstimate, PitchPoint as ListenPoint};
use ringbuf::traits::Consumer;

/// How often the heard key is checked for an offer (an estimate changes slowly).
const OFFER_CHECK_INTERVAL: Duration = Duration::from_secs(1);
use std::sync::Arc;

use nice_plug_egui::RepaintNotifier;

use crate::assistant::config::{AgentConfig, BackendKind, DEFAULT_CONFIG_YAML};
use crate::assistant::memory::ChatHistory;
use crate::assistant::model_file::daiw_home;
use crate::assistant::state::{BackingSpec, Effect, ParamValue};
use crate::assistant::worker::{AssistantWorker, Event, Request};
use crate::params::PARAM_IDS;
use crate::plugin::backing_link::{BackingShared, PatternSender};
use crate::plugin::state::{SavedIntent, SessionStore};
use crate::plugin::state_repair::reroot_intent;

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

    /// Takes new analysis frames into the pitch view and the listening state.
    fn take_analysis(&mut self) {
        let mut listening = self.listening.lock();
        while let Some(frame) = self.analysis.try_pop() {
            self.pitch.push(frame);
            listening.push(ListenPoint {
                time_s: frame.time_seconds,
                f0_hz: frame.detected_hz,
                voiced: frame.voicing == Voicing::Voiced,
            });
        }
    }

    /// Once a second: when the singing's key is clear and tuning is off or set elsewhere,
    /// offers it in the chat (once per key); a "yes" carries it out, nothing changes before.
    fn offer_heard_key(&mut self, params: &mut dyn ParamAccess) {
        if self
            .offer_checked
            .is_some_and(|t| t.elapsed() < OFFER_CHECK_INTERVAL)
        {
            return;
        }
        self.offer_checked = Some(Instant::now());
        self.heard = self.listening.lock().key_estimate();
        let Some(worker) = &self.link.worker else {
            return;
        };
        let current = match (
            params.get("tune_enabled"),
            params.get("tune_key"),
            params.get("tune_scale"),
        ) {
            (
                Some(ParamValue::Bool(true)),
                Some(ParamValue::Key(k)),
                Some(ParamValue::Scale(s)),
            ) => Some((k, s)),
            _ => None,
        };
        let Some(estimate) = self.listening.lock().offer(current) else {
            return;
        };
        worker.send(Request::Offer(tune_call(&estimate)));
        self.chat.entries.push(Entry::Assistant {
            text: format!(
                "You seem to be singing in {} ({:.2}): tune to it? Say yes and I will.",
                key_words(&estimate),
                estimate.confidence
            ),
            streaming: false,
        });
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

    /// Writes the chat into the saved state when it has changed shape.
    fn save_chat(&mut self) {
        let shape = (
            self.chat.entries.len(),
            self.chat
                .entries
                .iter()
                .filter(|e| matches!(e, Entry::Card(c) if c.undone))
                .count(),
        );
        let streaming = matches!(
            self.chat.entries.last(),
            Some(Entry::Assistant {
                streaming: true,
                ..
            })
        );
        if shape == self.saved_shape || streaming {
            return;
        }
        self.saved_shape = shape;
        let entries = self
            .chat
            .entries
            .iter()
            .filter_map(Entry::to_saved)
            .collect();
        self.store.modify(|s| s.entries = entries);
    }

    /// Writes the backing into the saved state when another one is loaded (from the chat or
    /// the panel's Generate).
    fn save_backing(&mut self) {
        let current = self.backing.current.as_ref().map(|(spec, _)| spec);
        if current.is_some() && current != self.saved_backing.as_ref() {
            self.saved_backing = current.cloned();
            let spec = self.saved_backing.clone();
            self.store.modify(|s| s.backing = spec);
        }
    }

    /// Takes over what the host just loaded: the chat, the agent's memory, the backing and
    /// the song intent (its file is written back if it has gone).
    fn restore(&mut self) {
        let saved = self.store.get();
        self.chat.entries = saved
            .entries
            .iter()
            .cloned()
            .map(Entry::from_saved)
            .collect();
        self.chat.generating = false;
        self.saved_shape = (usize::MAX, 0);
        let memory = saved.memory.clone().unwrap_or_default();
        match &self.link.worker {
            Some(worker) => worker.send(Request::Restore(Box::new(memory))),
            None => self.memory_for_worker = Some(memory),
        }
        if let Some(spec) = saved.backing {
            let same = self
                .backing
                .current
                .as_ref()
                .is_some_and(|(s, _)| *s == spec);
            if !same {
                match spec.generate() {
                    Ok(pattern) => {
                        self.backing.install(spec, pattern);
                    }
                    Err(e) => self.chat.entries.push(Entry::Error(format!(
                        "the saved backing could not be rebuilt: {e}"
                    ))),
                }
            }
        }
        // What is loaded now is what the state holds (or, if the rebuild failed, what stays).
        self.saved_backing = self.backing.current.as_ref().map(|(spec, _)| spec.clone());
        if let Some(mut intent) = saved.intent {
            // Only a file in this home's intents folder that is gone is written back, and never
            // over anything that exists (not even a link): a project from someone else must not
            // plant files where it names.
            reroot_intent(&mut intent.path, &self.home);
            if let (false, Some(content)) = (intent.path.exists(), &intent.content) {
                let written = intent
                    .path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| write_new_file(&intent.path, content));
                if let Err(e) = written {
                    self.chat.entries.push(Entry::Error(format!(
                        "the song intent '{}' could not be written back to {}: {e}",
                        intent.title,
                        intent.path.display()
                    )));
                }
            }
        }
    }
}

/// Writes `content` as pretty JSON to a file that must not exist yet (created exclusively).
fn write_new_file(path: &std::path::Path, content: &serde_json::Value) -> std::io::Result<()> {
    use std::io::Write;
    let text = serde_json::to_string_pretty(content).map_err(std::io::Error::other)?;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(text.as_bytes())
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
        let (patterns, _audio_end) = crate::plugin::backing_link::pattern_queues();
        let store = Arc::new(SessionStore::default());
        session_with(tag, patterns, store)
    }

    fn session_with(tag: &str, patterns: PatternSender, store: Arc<SessionStore>) -> Session {
        let home = std::env::temp_dir().join(format!("daiw-session-{tag}-{}", std::process::id()));
        let mut config =
            AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, "none", &home).expect("config");
        config.backend = BackendKind::None;
        config.save_history = false;
        let (_tx, rx) = analysis_queue();
        let mut session = Session::new(rx, patterns, Arc::new(BackingShared::default()), store);
        session.start_worker(config);
        assert!(session.link.is_running());
        session
    }

    #[test]
    fn a_loaded_intent_is_written_only_inside_home() {
        let (patterns, _audio) = crate::plugin::backing_link::pattern_queues();
        let store = Arc::new(SessionStore::default());
        let mut session = session_with("intent-path", patterns, store.clone());
        let outside = std::env::temp_dir().join(format!("daiw-planted-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&outside);
        let loaded = crate::plugin::state::SavedSession {
            intent: Some(SavedIntent {
                title: "t".into(),
                path: outside.join("deep/planted.json"),
                content: Some(serde_json::json!({"title": "t"})),
            }),
            ..Default::default()
        };
        nice_plug::params::persist::PersistentField::set(&store, loaded);
        session.poll(&mut MapParams::new());
        assert!(
            !outside.exists(),
            "nothing is created where the project says"
        );
        let inside = session.home.join("intents/planted.json");
        assert!(
            inside.exists(),
            "the intent comes back inside the DAiW home"
        );
        let _ = std::fs::remove_dir_all(&session.home);
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

    #[test]
    fn conversation_backing_and_intent_survive_a_project_reload() {
        let (patterns, mut audio) = crate::plugin::backing_link::pattern_queues();
        let store = Arc::new(SessionStore::default());
        let mut session = session_with("save", patterns, store.clone());
        let mut params = MapParams::new();
        session.poll(&mut params);
        for text in [
            "tune me to A minor",
            "give me a funk backing in E minor at 105 bpm, 4 bars",
        ] {
            session.chat.input = text.into();
            assert!(session.chat.send_input(&mut session.link));
            poll_until_answered(&mut session, &mut params);
        }
        session.poll(&mut params);
        // The pattern went to the audio side and the state holds what rebuilds it.
        let mut installed = None;
        assert!(audio.receive(|p| installed.replace(p)));
        let saved = store.get();
        let spec = saved.backing.clone().expect("backing saved");
        assert_eq!((spec.style.as_str(), spec.key.as_str()), ("funk", "E"));
        assert_eq!((spec.tempo_bpm, spec.bars), (105, 4));
        assert_eq!(
            installed.expect("pattern").length_ticks,
            spec.generate().expect("rebuilds").length_ticks()
        );
        assert!(saved.entries.len() >= 4, "{:?}", saved.entries);
        let memory = saved.memory.clone().expect("agent memory saved");
        assert!(memory.messages.len() >= 4);

        // The project is saved (JSON, as nice-plug stores it) and opened in a new instance.
        let json = serde_json::to_string(&saved).expect("state");
        let (patterns, mut audio) = crate::plugin::backing_link::pattern_queues();
        let store = Arc::new(SessionStore::default());
        let mut reopened = session_with("load", patterns, store.clone());
        nice_plug::params::persist::PersistentField::set(
            &store,
            serde_json::from_str(&json).expect("parses"),
        );
        let mut params = MapParams::new();
        reopened.poll(&mut params);
        assert_eq!(
            reopened
                .chat
                .entries
                .iter()
                .filter_map(Entry::to_saved)
                .collect::<Vec<_>>(),
            saved.entries
        );
        let mut installed = None;
        assert!(audio.receive(|p| installed.replace(p)), "backing rebuilt");
        assert_eq!(
            reopened.backing.current.as_ref().map(|(s, _)| s.clone()),
            Some(spec.clone())
        );
        // The agent goes on from the restored conversation: its memory grows from there.
        reopened.chat.input = "what are the current settings?".into();
        assert!(reopened.chat.send_input(&mut reopened.link));
        poll_until_answered(&mut reopened, &mut params);
        let memory_after = reopened.store.get().memory.expect("memory");
        assert!(memory_after.messages.len() > memory.messages.len());
        // A take made with the panel's Generate alone is saved too.
        assert!(reopened.backing.generate(&mut params));
        reopened.poll(&mut params);
        let saved_take = reopened.store.get().backing.expect("backing");
        assert_eq!(saved_take.seed, spec.seed + 1);
    }

    #[test]
    fn undo_on_a_card_is_not_undone_again_by_the_assistant() {
        let mut session = session_with_router_only("card-undo");
        let mut params = MapParams::new();
        session.poll(&mut params);
        for text in ["tune me to A minor", "up an octave"] {
            session.chat.input = text.into();
            assert!(session.chat.send_input(&mut session.link));
            poll_until_answered(&mut session, &mut params);
        }
        assert_eq!(params.get("mod_pitch"), Some(ParamValue::Float(12.0)));
        // Undo on the octave's card, as the button does; the window reports it.
        let card = session
            .chat
            .entries
            .iter_mut()
            .rev()
            .find_map(|e| match e {
                Entry::Card(card) => Some(card),
                _ => None,
            })
            .expect("the octave's card");
        card.undo(&mut params);
        session.chat.report_undos(&mut session.link);
        session.poll(&mut params);
        assert_eq!(params.get("mod_pitch"), Some(ParamValue::Float(0.0)));
        // "undo" now takes back the tuning, the call before.
        session.chat.input = "undo".into();
        assert!(session.chat.send_input(&mut session.link));
        poll_until_answered(&mut session, &mut params);
        assert_eq!(params.get("tune_key"), Some(ParamValue::Key(PitchClass::C)));
        assert_eq!(params.get("mod_pitch"), Some(ParamValue::Float(0.0)));
        // Both earlier cards now read as undone: one by its button, one by the chat's "undo".
        let undone: Vec<(String, bool)> = session
            .chat
            .entries
            .iter()
            .filter_map(|e| match e {
                Entry::Card(card) => Some((card.tool.clone(), card.undone)),
                _ => None,
            })
            .collect();
        assert_eq!(
            undone,
            [
                ("voice_tune".to_string(), true),
                ("voice_modulate".to_string(), true),
                ("undo".to_string(), false)
            ]
        );
    }
}
