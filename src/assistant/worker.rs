//! The assistant worker: a thread that owns one `ChatAgent` (and so the model work), talking to
//! the GUI through channels, so the GUI never blocks on generation. Requests go in, events
//! come out; the GUI applies parameter effects through the host.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use crossbeam_channel::{unbounded, Receiver, Sender};

use super::agent::{ChatAgent, ChatTurn};
use super::config::AgentConfig;
use super::listening::SharedListening;
use super::memory::ChatHistory;
use super::state::{BackingSpec, ParamValue};
use super::tools::ToolCall;

/// What the GUI asks of the worker.
#[derive(Debug, Clone)]
pub enum Request {
    /// A user message.
    Message(String),
    /// The host changed a parameter (keeps the agent's snapshot current for undo and state).
    SetParam {
        /// Parameter id.
        id: String,
        /// Its new plain value.
        value: ParamValue,
    },
    /// Load the model now and cache the system prompt.
    WarmUp,
    /// Replace the remembered conversation (a plugin instance restoring its project state).
    Restore(Box<ChatHistory>),
    /// The backing now loaded (from the panel, the chat or a restored project), so relative
    /// requests ("a bit faster") change it.
    SetBacking(Option<BackingSpec>),
    /// The user undid a call from its card: its (id, before, after) moves, so the agent's own
    /// "undo" does not undo it a second time.
    Undone(Vec<(String, ParamValue, ParamValue)>),
    /// What the plugin hears, for "what key am I in?" and "how was my pitch?".
    Listening(SharedListening),
    /// The window offered this call ("You seem to be in E minor: tune to it?"); a "yes" as
    /// the next message carries it out.
    Offer(ToolCall),
    /// Stop the worker.
    Shutdown,
}

/// What the worker tells the GUI.
#[derive(Debug, Clone)]
pub enum Event {
    /// Reply text as the model writes it.
    Token(String),
    /// A finished turn with its calls and effects.
    Turn(ChatTurn),
    /// A status line (backend loaded, history notice).
    Status(String),
    /// A problem to show in the chat.
    Error(String),
    /// The remembered conversation after a turn, for the plugin to save in its state.
    Memory(Box<ChatHistory>),
}

/// The GUI's handle on a running worker.
pub struct AssistantWorker {
    requests: Sender<Request>,
    events: Receiver<Event>,
    cancel: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for AssistantWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssistantWorker").finish_non_exhaustive()
    }
}

impl AssistantWorker {
    /// Starts a worker for `config`; `notify` is called after every event (the editor's
    /// repaint request).
    pub fn spawn(config: AgentConfig, notify: Box<dyn Fn() + Send>) -> std::io::Result<Self> {
        let (requests, request_rx) = unbounded::<Request>();
        let (event_tx, events) = unbounded::<Event>();
        let cancel = Arc::new(AtomicBool::new(false));
        let worker_cancel = Arc::clone(&cancel);
        let thread = std::thread::Builder::new()
            .name("daiw-assistant".into())
            .spawn(move || run(config, request_rx, event_tx, worker_cancel, notify))?;
        Ok(Self {
            requests,
            events,
            cancel,
            thread: Some(thread),
        })
    }

    /// Sends a request (never blocks).
    pub fn send(&self, request: Request) {
        let _ = self.requests.send(request);
    }

    /// Stops the generation in progress, if any.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The next event, if one is waiting (never blocks).
    pub fn try_recv(&self) -> Option<Event> {
        self.events.try_recv().ok()
    }

    /// The event channel, for waiting with a timeout.
    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }
}

impl Drop for AssistantWorker {
    fn drop(&mut self) {
        self.cancel();
        let _ = self.requests.send(Request::Shutdown);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(
    config: AgentConfig,
    requests: Receiver<Request>,
    events: Sender<Event>,
    cancel: Arc<AtomicBool>,
    notify: Box<dyn Fn() + Send>,
) {
    // Generation must never compete with the host's audio thread.
    super::priority::lower_this_thread();
    let send = |event: Event| {
        let _ = events.send(event);
        notify();
    };
    let mut agent = match ChatAgent::new(config) {
        Ok(agent) => agent,
        Err(e) => {
            send(Event::Error(e.to_string()));
            return;
        }
    };
    agent.share_cancel(Arc::clone(&cancel));
    if let Some(notice) = agent.memory_notice() {
        send(Event::Status(notice.to_string()));
    }
    while let Ok(request) = requests.recv() {
        match request {
            Request::Message(text) => {
                cancel.store(false, Ordering::Relaxed);
                let turn = agent.chat_streaming(&text, &mut |t| send(Event::Token(t.to_string())));
                send(Event::Turn(turn));
                send(Event::Memory(Box::new(agent.memory().history.clone())));
            }
            Request::SetParam { id, value } => {
                agent.set_param(&id, value);
            }
            Request::WarmUp => match agent.warm_up() {
                Ok(()) => match agent.backend_error() {
                    Some(e) => send(Event::Error(format!("the model is not available: {e}"))),
                    None => send(Event::Status(format!(
                        "assistant ready: {}",
                        agent.backend_description()
                    ))),
                },
                Err(e) => send(Event::Error(e.to_string())),
            },
            Request::Restore(history) => agent.restore_history(*history),
            Request::SetBacking(spec) => agent.set_backing(spec),
            Request::Undone(changes) => {
                agent.forget_undone(&changes);
            }
            Request::Listening(listening) => agent.set_listening(listening),
            Request::Offer(call) => agent.set_offer(Some(call)),
            Request::Shutdown => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::config::{BackendKind, DEFAULT_CONFIG_YAML};
    use crate::assistant::state::Effect;
    use std::time::Duration;

    #[test]
    fn worker_runs_turns_off_the_calling_thread() {
        let home = std::env::temp_dir().join(format!("daiw-worker-{}", std::process::id()));
        let mut config =
            AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, "none", &home).expect("config");
        config.backend = BackendKind::None;
        config.save_history = false;
        let notified = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&notified);
        let worker = AssistantWorker::spawn(
            config,
            Box::new(move || flag.store(true, Ordering::Relaxed)),
        )
        .expect("spawn");
        worker.send(Request::SetParam {
            id: "mod_pitch".into(),
            value: ParamValue::Float(5.0),
        });
        worker.send(Request::Message("down an octave".into()));
        let turn = loop {
            match worker.events().recv_timeout(Duration::from_secs(10)) {
                Ok(Event::Turn(turn)) => break turn,
                Ok(_) => continue,
                Err(e) => panic!("no turn: {e}"),
            }
        };
        let changes: Vec<String> = turn.effects().map(Effect::to_string).collect();
        assert_eq!(changes, vec!["mod_pitch: 5 st -> -12 st".to_string()]);
        // The worker calls `notify` right after sending each event, so the flag may land a
        // moment after the turn arrives here.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !notified.load(Ordering::Relaxed) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(notified.load(Ordering::Relaxed));
        drop(worker);
    }
}
