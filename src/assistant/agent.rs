//! `ChatAgent`: one conversation. A request goes to the deterministic router first, then to
//! the language model; every call is validated, applied to the agent's parameter snapshot as
//! `Effect`s (the host side applies them to the plugin), recorded for undo, and remembered.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use thiserror::Error;

mod apply;
mod choose;
mod listen;
pub use listen::tune_call;
mod offer;

use super::config::{AgentConfig, BackendKind, ConfigError};
use super::embedded::EmbeddedBackend;
use super::http::HttpBackend;
use super::listening::SharedListening;
use super::llm::{
    ChatMessage, GenStats, LlmBackend, LlmError, LlmOutput, LlmRequest, NoBackend, Role,
};
use super::memory::{ChatHistory, Memory};
use super::prompt::{example_messages, system_prompt};
use super::reply;
use super::router;
use super::state::{BackingSpec, Effect, ParamSnapshot, ParamValue};
use super::tools::{validate, ToolCall, ValidCall};
use super::understand::{glossary, Decision, OPEN_QUESTION};

/// Problems starting an agent (a model that fails to load is not one: the router still works).
#[derive(Debug, Error)]
pub enum AgentError {
    /// The configuration or persona could not be read.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Who decided a turn's calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The deterministic router.
    Router,
    /// The language model.
    Model,
    /// Nobody could (no model, or the model failed).
    None,
}

/// What a request resolves to, before anything is applied.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Validated calls, in order.
    pub calls: Vec<ValidCall>,
    /// The words for the user.
    pub reply: String,
    /// Who decided.
    pub source: Source,
    /// Problems (refused calls, model errors) as messages.
    pub errors: Vec<String>,
    /// Generation counts when the model answered.
    pub stats: Option<GenStats>,
    /// Whether nobody could answer: the reply is an error message, not the assistant's words
    /// (so it is never remembered as something the assistant said).
    pub failed: bool,
}

impl Plan {
    /// A plan that only answers (no call, nothing failed).
    fn answer(reply: String, source: Source) -> Self {
        Self {
            calls: Vec::new(),
            reply,
            source,
            errors: Vec::new(),
            stats: None,
            failed: false,
        }
    }

    /// The `daiw plan` JSON text: `{"calls": [{"tool", "args"}], "reply"}`, in that order.
    pub fn to_json_string(&self) -> String {
        #[derive(Serialize)]
        struct Out<'a> {
            calls: Vec<&'a ToolCall>,
            reply: &'a str,
        }
        serde_json::to_string(&Out {
            calls: self.calls.iter().map(|c| &c.call).collect(),
            reply: &self.reply,
        })
        .unwrap_or_else(|_| "{\"calls\":[],\"reply\":\"\"}".into())
    }
}

/// One call as applied: the call and what it changed.
#[derive(Debug, Clone, Serialize)]
pub struct AppliedCall {
    /// The canonical call.
    pub call: ToolCall,
    /// What it changed.
    pub effects: Vec<Effect>,
    /// Why it could not be carried out, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The outcome of one chat turn.
#[derive(Debug, Clone, Serialize)]
pub struct ChatTurn {
    /// The reply text.
    pub reply: String,
    /// Calls made, each with its effects.
    pub calls: Vec<AppliedCall>,
    /// Who decided.
    pub source: Source,
    /// Problems, as messages for the chat.
    pub errors: Vec<String>,
}

impl ChatTurn {
    /// Every effect of the turn, in order.
    pub fn effects(&self) -> impl Iterator<Item = &Effect> {
        self.calls.iter().flat_map(|c| c.effects.iter())
    }
}

/// A record for undo: the parameter changes of one call, and the turn it belongs to (one
/// "undo" reverts every call of the last turn together).
#[derive(Debug, Clone)]
struct UndoRecord {
    tool: String,
    changes: Vec<(&'static str, ParamValue, ParamValue)>,
    turn: u64,
}

/// One conversation: configuration, backend, parameter snapshot, undo stack and memory.
pub struct ChatAgent {
    config: AgentConfig,
    /// Made on first need, so router-only turns never load a model.
    backend: Option<Box<dyn LlmBackend>>,
    backend_error: Option<String>,
    system: String,
    examples: Vec<ChatMessage>,
    state: ParamSnapshot,
    /// The backing loaded now ("a bit faster" changes it).
    backing: Option<BackingSpec>,
    undo: Vec<UndoRecord>,
    /// Counts `carry_out` calls, so the undo records of one turn share a number.
    turn: u64,
    memory: Memory,
    cancel: Arc<AtomicBool>,
    warmed: bool,
    /// What the plugin heard (none in the CLI).
    listening: Option<SharedListening>,
    /// A call the assistant offered ("tune to E minor?"), carried out if the next message
    /// says yes.
    pending_offer: Option<ToolCall>,
}

impl std::fmt::Debug for ChatAgent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatAgent")
            .field("backend", &self.backend_description())
            .field("backend_error", &self.backend_error)
            .finish()
    }
}

/// Makes the backend a configuration asks for; a failure is returned as a message beside the
/// router-only backend, so the chat reports it and keeps working.
pub fn make_backend(config: &AgentConfig) -> (Box<dyn LlmBackend>, Option<String>) {
    match config.backend {
        BackendKind::None => (Box::new(NoBackend), None),
        BackendKind::Http => (Box::new(HttpBackend::new(&config.http, &config.llm)), None),
        BackendKind::Embedded => match EmbeddedBackend::new(&config.model_path, &config.llm) {
            Ok(mut backend) => {
                backend.prefix_cache_dir = Some(config.home.join("cache"));
                (Box::new(backend), None)
            }
            Err(err) => (Box::new(NoBackend), Some(err.to_string())),
        },
    }
}

impl ChatAgent {
    /// Starts a conversation as `config` says, with the history file named after the persona.
    /// The model loads on the first request that needs it (or on `warm_up`).
    pub fn new(config: AgentConfig) -> Result<Self, AgentError> {
        let mut agent = Self::with_backend(config, Box::new(NoBackend), None)?;
        agent.backend = None;
        Ok(agent)
    }

    /// Starts a conversation with a given backend (`backend_error` explains a missing model).
    pub fn with_backend(
        config: AgentConfig,
        backend: Box<dyn LlmBackend>,
        backend_error: Option<String>,
    ) -> Result<Self, AgentError> {
        let persona = config.persona_prompt()?;
        // Without saving (`daiw plan`, the plugin) the shared history file is not read either.
        let memory = if config.save_history {
            Memory::open(&config.home, &config.persona)
        } else {
            Memory::detached()
        };
        Ok(Self {
            system: system_prompt(&persona),
            examples: example_messages(),
            backend: Some(backend),
            backend_error,
            state: ParamSnapshot::default(),
            backing: None,
            undo: Vec::new(),
            turn: 0,
            memory,
            cancel: Arc::new(AtomicBool::new(false)),
            warmed: false,
            listening: None,
            pending_offer: None,
            config,
        })
    }

    /// Forgets the undo record of a call the user undid by other means (the card's Undo
    /// button), so a later "undo" goes back to the call before it. `changes` are the call's
    /// (id, before, after) moves; the newest matching record goes.
    pub fn forget_undone(&mut self, changes: &[(String, ParamValue, ParamValue)]) -> bool {
        let same =
            |record: &UndoRecord| {
                record.changes.len() == changes.len()
                    && record.changes.iter().zip(changes).all(
                        |((id, from, to), (cid, cfrom, cto))| {
                            *id == cid.as_str() && from == cfrom && to == cto
                        },
                    )
            };
        match self.undo.iter().rposition(same) {
            Some(i) => {
                self.undo.remove(i);
                true
            }
            None => false,
        }
    }

    /// Replaces the remembered conversation (the plugin restores it from its project state).
    pub fn restore_history(&mut self, history: ChatHistory) {
        self.memory.replace(history);
    }

    /// The backend in use, described.
    pub fn backend_description(&self) -> String {
        match &self.backend {
            Some(b) => b.describe(),
            None => format!("{} (not loaded yet)", self.config.backend),
        }
    }

    /// Makes the configured backend now if it is not made yet (loading the model).
    pub fn ensure_backend(&mut self) -> &mut Box<dyn LlmBackend> {
        let config = &self.config;
        let error = &mut self.backend_error;
        self.backend.get_or_insert_with(|| {
            let (backend, err) = make_backend(config);
            *error = err;
            backend
        })
    }

    /// Why the configured model is not available, if it is not.
    pub fn backend_error(&self) -> Option<&str> {
        self.backend_error.as_deref()
    }

    /// A message from loading the history (a corrupt file moved aside), if any.
    pub fn memory_notice(&self) -> Option<&str> {
        self.memory.notice.as_deref()
    }

    /// The remembered conversation.
    pub fn memory(&self) -> &Memory {
        &self.memory
    }

    /// The system prompt.
    pub fn system_prompt(&self) -> &str {
        &self.system
    }

    /// The parameter snapshot.
    pub fn state(&self) -> &ParamSnapshot {
        &self.state
    }

    /// Tells the agent which backing is loaded (the host side, when one is installed from the
    /// panel or restored with a project), so "a bit faster" changes that one.
    pub fn set_backing(&mut self, spec: Option<BackingSpec>) {
        self.backing = spec;
    }

    /// The backing the agent knows is loaded.
    pub fn backing(&self) -> Option<&BackingSpec> {
        self.backing.as_ref()
    }

    /// Tells the agent a parameter's current value (the host side feeds it after user moves).
    pub fn set_param(&mut self, id: &str, value: ParamValue) -> bool {
        self.state.set(id, value)
    }

    /// A flag that cancels the running generation when set (from any thread).
    pub fn cancel_handle(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }

    /// Uses `flag` as the cancel flag (the worker shares it with the GUI).
    pub fn share_cancel(&mut self, flag: Arc<AtomicBool>) {
        self.cancel = flag;
    }

    /// Gives the agent what the plugin hears, for `listen` ("what key am I in?").
    pub fn set_listening(&mut self, listening: SharedListening) {
        self.listening = Some(listening);
    }

    /// Remembers a call offered to the user; a "yes" as the next message carries it out, any
    /// other message drops it.
    pub fn set_offer(&mut self, call: Option<ToolCall>) {
        self.pending_offer = call;
    }

    /// The configuration.
    pub fn config(&self) -> &AgentConfig {
        &self.config
    }

    /// Decodes the system prompt into the model's cache now, so the first request is fast.
    pub fn warm_up(&mut self) -> Result<(), LlmError> {
        self.ensure_backend();
        if !self.warmed && self.backend_error.is_none() {
            if let Some(backend) = self.backend.as_mut() {
                backend.warm_up(&self.system, &self.examples)?;
            }
            self.warmed = true;
        }
        Ok(())
    }

    /// Decides what `text` asks for without applying anything (`daiw plan`).
    pub fn plan(&mut self, text: &str, on_token: &mut dyn FnMut(&str)) -> Plan {
        let text = text.trim();
        if let Some(plan) = self.answer_offer(text) {
            return plan;
        }
        let mut errors = Vec::new();
        match router::route_with(text, &self.state, self.backing.as_ref()) {
            Decision::Calls(calls) => {
                let mut valid = Vec::new();
                for call in calls {
                    match validate(&call) {
                        Ok(v) => valid.push(v),
                        Err(e) => errors.push(e.to_string()),
                    }
                }
                if !valid.is_empty() {
                    let reply = describe_calls(&valid);
                    return Plan {
                        calls: valid,
                        reply,
                        source: Source::Router,
                        errors,
                        stats: None,
                        failed: false,
                    };
                }
            }
            // Glossary answers and questions back need no model.
            Decision::Answer(reply) | Decision::Ask(reply) => {
                return Plan::answer(reply, Source::Router);
            }
            Decision::Nearest(candidates) if !candidates.is_empty() => {
                return self.choose(text, candidates);
            }
            Decision::Unread if self.config.backend != BackendKind::Http => {
                return Plan::answer(OPEN_QUESTION.into(), Source::Router);
            }
            Decision::Nearest(_) | Decision::Unread | Decision::Pass => {}
        }
        self.ensure_backend();
        if let Some(err) = &self.backend_error {
            return Plan {
                calls: Vec::new(),
                reply: format!(
                    "The language model is not available ({err}). I can still follow clear \
                     commands such as \"tune me to A minor\", \"up an octave\" or \"undo\"."
                ),
                source: Source::None,
                errors: vec![err.clone()],
                stats: None,
                failed: true,
            };
        }
        // Each request starts uncancelled; a cancel applies to the generation under way.
        self.cancel
            .store(false, std::sync::atomic::Ordering::Relaxed);
        let history = self
            .memory
            .recent_for_model(self.config.history_turns_in_prompt);
        // The fixed prefix first (from the disk cache when there is one), then the request.
        if let Err(e) = self.warm_up() {
            errors.push(e.to_string());
        }
        // The glossary entries the request names go with it, so the model's words are
        // grounded (after the cached prefix, so the cache still holds).
        let notes = glossary::context_for(text);
        let user = if notes.is_empty() {
            text.to_string()
        } else {
            format!("{text}\n(Glossary: {notes})")
        };
        let request = LlmRequest {
            system: &self.system,
            examples: &self.examples,
            history: &history,
            user: &user,
        };
        let Some(backend) = self.backend.as_mut() else {
            return Plan {
                calls: Vec::new(),
                reply: LlmError::NoModel.to_string(),
                source: Source::None,
                errors,
                stats: None,
                failed: true,
            };
        };
        match backend.respond(&request, on_token, &self.cancel) {
            Ok(answer) => match answer.output {
                LlmOutput::Call(call) => match validate(&call) {
                    Ok(v) => {
                        let calls = vec![v];
                        Plan {
                            reply: describe_calls(&calls),
                            calls,
                            source: Source::Model,
                            errors,
                            stats: Some(answer.stats),
                            failed: false,
                        }
                    }
                    Err(e) => {
                        errors.push(e.to_string());
                        Plan {
                            calls: Vec::new(),
                            reply: format!("I could not do that: {e}"),
                            source: Source::Model,
                            errors,
                            stats: Some(answer.stats),
                            failed: true,
                        }
                    }
                },
                LlmOutput::Reply(reply) => Plan {
                    calls: Vec::new(),
                    // No call was made: the words may not say otherwise, loop or ramble.
                    reply: reply::tidy(&reply, text),
                    source: Source::Model,
                    errors,
                    stats: Some(answer.stats),
                    failed: false,
                },
            },
            Err(LlmError::NoModel) => Plan {
                calls: Vec::new(),
                reply: LlmError::NoModel.to_string(),
                source: Source::None,
                errors,
                stats: None,
                failed: true,
            },
            Err(err) => {
                let message = err.to_string();
                errors.push(message.clone());
                Plan {
                    calls: Vec::new(),
                    reply: message,
                    source: Source::None,
                    errors,
                    stats: None,
                    failed: true,
                }
            }
        }
    }

    /// One chat turn: decides, applies, remembers. `on_token` receives reply text as the model
    /// writes it.
    pub fn chat_streaming(&mut self, text: &str, on_token: &mut dyn FnMut(&str)) -> ChatTurn {
        let plan = self.plan(text, on_token);
        let mut errors = plan.errors.clone();
        let (applied, notes) = self.carry_out(&plan.calls);
        errors.extend(applied.iter().filter_map(|a| a.error.clone()));
        let reply = if plan.calls.is_empty() {
            plan.reply.clone()
        } else {
            let mut parts = notes;
            for a in &applied {
                if let Some(e) = &a.error {
                    parts.push(format!("{} failed: {e}", a.call.tool));
                }
            }
            if parts.is_empty() {
                let changed = applied.iter().any(|a| !a.effects.is_empty());
                if changed {
                    format!("Done: {}.", plan.reply)
                } else {
                    "That is already how it is set.".to_string()
                }
            } else {
                parts.join(" ")
            }
        };
        if plan.failed {
            self.memory.push_failed(text.trim(), reply.clone());
        } else {
            self.memory.push(Role::User, text.trim(), Vec::new());
            self.memory.push(
                Role::Assistant,
                reply.clone(),
                applied.iter().map(|a| a.call.clone()).collect(),
            );
        }
        match self.memory.save() {
            Ok(None) => {}
            Ok(Some(notice)) => errors.push(notice),
            Err(e) => errors.push(e.to_string()),
        }
        ChatTurn {
            reply,
            calls: applied,
            source: plan.source,
            errors,
        }
    }

    /// Carries out validated calls in order (the chat's turns, and tests that apply calls
    /// directly); returns each call with its effects and the notes for the reply.
    pub fn carry_out(&mut self, calls: &[ValidCall]) -> (Vec<AppliedCall>, Vec<String>) {
        self.turn += 1;
        let mut applied = Vec::new();
        let mut notes = Vec::new();
        for call in calls {
            let (effects, error) = match self.apply(call) {
                Ok((effects, note)) => {
                    notes.extend(note);
                    (effects, None)
                }
                Err(e) => (Vec::new(), Some(e)),
            };
            applied.push(AppliedCall {
                call: call.call.clone(),
                effects,
                error,
            });
        }
        (applied, notes)
    }

    /// One chat turn without streaming.
    pub fn chat(&mut self, text: &str) -> ChatTurn {
        self.chat_streaming(text, &mut |_| {})
    }
}

impl ChatAgent {
    /// The plan for a reply to a pending offer: its call on "yes", nothing on "no"; `None`
    /// (and the offer dropped) for any other message.
    fn answer_offer(&mut self, text: &str) -> Option<Plan> {
        let offer = self.pending_offer.take()?;
        let (calls, reply) = match offer::answer(text)? {
            true => {
                let valid = validate(&offer).ok()?;
                let reply = describe_calls(std::slice::from_ref(&valid));
                (vec![valid], reply)
            }
            false => (Vec::new(), "OK, I'll leave it as it is.".to_string()),
        };
        Some(Plan {
            calls,
            reply,
            source: Source::Router,
            errors: Vec::new(),
            stats: None,
            failed: false,
        })
    }
}

/// "voice_tune (key A, scale minor)" for each call, joined.
pub fn describe_calls(calls: &[ValidCall]) -> String {
    calls
        .iter()
        .map(|c| {
            let args: Vec<String> = c
                .call
                .args
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => format!("{k} {s}"),
                    other => format!("{k} {other}"),
                })
                .collect();
            if args.is_empty() {
                c.call.tool.clone()
            } else {
                format!("{} ({})", c.call.tool, args.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The settings in one paragraph.
pub fn describe_state(state: &ParamSnapshot) -> String {
    let list: Vec<String> = state
        .iter()
        .map(|(id, v)| {
            let unit = super::state::spec(id).map(|s| s.unit).unwrap_or("");
            format!("{id} {v}{unit}")
        })
        .collect();
    format!("Current settings: {}.", list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::config::DEFAULT_CONFIG_YAML;
    use crate::music::theory::PitchClass;

    fn agent() -> ChatAgent {
        let home = std::env::temp_dir().join(format!("daiw-agent-unit-{}", std::process::id()));
        let mut config =
            AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, "none", &home).expect("config");
        config.backend = BackendKind::None;
        config.save_history = false;
        ChatAgent::new(config).expect("agent")
    }

    #[test]
    fn one_undo_reverts_every_call_of_the_last_turn() {
        let mut agent = agent();
        agent.chat("more reverb");
        let turn = agent.chat("tune me to A minor and add some breathiness");
        assert_eq!(turn.calls.len(), 2, "{turn:?}");
        let undo = agent.chat("undo");
        assert!(
            undo.reply.contains("voice_tune and voice_modulate"),
            "{}",
            undo.reply
        );
        assert_eq!(
            agent.state().get("tune_key"),
            Some(ParamValue::Key(PitchClass::C))
        );
        assert_eq!(
            agent.state().get("mod_breath"),
            Some(ParamValue::Float(0.0))
        );
        // The turn before stays.
        assert_eq!(
            agent.state().get("mod_reverb"),
            Some(ParamValue::Float(0.5))
        );
    }

    #[test]
    fn relative_backing_requests_change_the_known_backing() {
        let mut agent = agent();
        agent.set_backing(Some(BackingSpec {
            tempo_bpm: 90,
            style: "funk".into(),
            ..BackingSpec::default()
        }));
        let plan = agent.plan("double the tempo", &mut |_| {});
        assert_eq!(plan.calls[0].call.args["tempo_bpm"], 180);
        assert_eq!(plan.calls[0].call.args["style"], "funk");
    }

    #[test]
    fn questions_are_answered_without_a_model() {
        let mut agent = agent();
        let plan = agent.plan("what does retune speed do?", &mut |_| {});
        assert!(plan.calls.is_empty());
        assert!(!plan.failed);
        assert!(
            plan.reply.to_lowercase().contains("millisecond"),
            "{}",
            plan.reply
        );
        let plan = agent.plan("change it", &mut |_| {});
        assert!(plan.calls.is_empty() && plan.reply.contains('?'));
    }
}
