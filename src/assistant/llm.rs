//! The language-model side: one trait for every backend (embedded llama.cpp, an
//! OpenAI-compatible server, or none), the messages they take and the answer they give.

use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use super::model_file::ModelFileError;
use super::tools::ToolCall;

/// Who said a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The persona and rules.
    System,
    /// The person.
    User,
    /// The assistant.
    Assistant,
}

impl Role {
    /// The role's name in chat templates and the OpenAI API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Who said it.
    pub role: Role,
    /// What was said (for the assistant: its compact JSON answer).
    pub content: String,
}

impl ChatMessage {
    /// A message from `role`.
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
        }
    }
}

/// What a model decided: one tool call, or a reply in words.
#[derive(Debug, Clone, PartialEq)]
pub enum LlmOutput {
    /// A tool call (not yet validated).
    Call(ToolCall),
    /// A plain reply.
    Reply(String),
}

/// Counts and times of one generation, for the benchmarks and the log.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GenStats {
    /// Prompt tokens in total.
    pub prompt_tokens: usize,
    /// Prompt tokens already in the KV cache (not decoded again).
    pub cached_tokens: usize,
    /// Tokens generated.
    pub generated_tokens: usize,
    /// Time decoding the prompt, ms.
    pub prompt_ms: f64,
    /// Time generating, ms.
    pub generate_ms: f64,
}

/// A backend's answer: the decision, the raw text and the counts.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmAnswer {
    /// The decision.
    pub output: LlmOutput,
    /// The text the model produced.
    pub raw: String,
    /// Counts and times.
    pub stats: GenStats,
}

/// Why a backend could not answer; the chat shows the text and the router keeps working.
#[derive(Debug, Error)]
pub enum LlmError {
    /// No model is configured (backend `none`).
    #[error("no language model is loaded (backend 'none'): I can follow clear commands such as \"tune me to A minor\" or \"up an octave\"")]
    NoModel,
    /// The model file is missing or not a model.
    #[error("{0}")]
    ModelFile(#[from] ModelFileError),
    /// The model file failed its safety check (header or child process).
    #[error("{0}")]
    ModelCheck(#[from] super::model_check::CheckError),
    /// llama.cpp could not load the model.
    #[error("the model {path} could not be loaded (corrupt or unsupported file): {reason}")]
    Load {
        /// The file.
        path: String,
        /// What llama.cpp said.
        reason: String,
    },
    /// llama.cpp failed while running.
    #[error("the language model failed: {0}")]
    Runtime(String),
    /// The prompt does not fit the context window.
    #[error("the conversation is too long for the model's context ({tokens} of {limit} tokens); start a new chat")]
    TooLong {
        /// Tokens needed.
        tokens: usize,
        /// Context size.
        limit: usize,
    },
    /// The answer hit the token limit before it was complete.
    #[error("the model's answer was cut off after {0} tokens")]
    Truncated(usize),
    /// The answer is not a call or a reply.
    #[error("the model's answer could not be read ({reason}): {raw}")]
    BadOutput {
        /// The text.
        raw: String,
        /// What is wrong.
        reason: String,
    },
    /// The request was cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The server could not be reached or answered with an error.
    #[error("the model server at {url} could not be used: {reason}")]
    Http {
        /// The server.
        url: String,
        /// What went wrong.
        reason: String,
    },
}

/// One request: the system prompt, earlier messages and the new user message.
#[derive(Debug, Clone, Copy)]
pub struct LlmRequest<'a> {
    /// Persona and tools.
    pub system: &'a str,
    /// Worked examples, as earlier turns (fixed, so they stay cached with the system prompt).
    pub examples: &'a [ChatMessage],
    /// Earlier exchanges, oldest first.
    pub history: &'a [ChatMessage],
    /// The new message.
    pub user: &'a str,
}

impl LlmRequest<'_> {
    /// All messages in order: system, history, user.
    pub fn messages(&self) -> Vec<ChatMessage> {
        let mut all = Vec::with_capacity(self.examples.len() + self.history.len() + 2);
        all.push(ChatMessage::new(Role::System, self.system));
        all.extend(self.examples.iter().cloned());
        all.extend(self.history.iter().cloned());
        all.push(ChatMessage::new(Role::User, self.user));
        all
    }
}

/// A language model that turns a request into a call or a reply.
pub trait LlmBackend: Send {
    /// A short description for status lines ("embedded SmolLM2-135M...", "http ...").
    fn describe(&self) -> String;

    /// Prepares for requests with this system prompt and examples (the embedded backend
    /// decodes them into its KV cache once).
    fn warm_up(&mut self, _system: &str, _examples: &[ChatMessage]) -> Result<(), LlmError> {
        Ok(())
    }

    /// Answers `request`, passing reply text to `on_token` as it is generated; stops early
    /// when `cancel` becomes true.
    fn respond(
        &mut self,
        request: &LlmRequest<'_>,
        on_token: &mut dyn FnMut(&str),
        cancel: &AtomicBool,
    ) -> Result<LlmAnswer, LlmError>;

    /// Scores each of `candidates` (complete answers, e.g. tool calls as JSON) as the answer to
    /// `request`, higher for likelier; `None` when this backend cannot score (a server).
    fn score_answers(
        &mut self,
        _request: &LlmRequest<'_>,
        _candidates: &[String],
    ) -> Option<Result<Vec<f64>, LlmError>> {
        None
    }
}

/// The backend for `--backend none`: every open question gets an honest "no model".
#[derive(Debug, Default)]
pub struct NoBackend;

impl LlmBackend for NoBackend {
    fn describe(&self) -> String {
        "none (router only)".into()
    }

    fn respond(
        &mut self,
        _request: &LlmRequest<'_>,
        _on_token: &mut dyn FnMut(&str),
        _cancel: &AtomicBool,
    ) -> Result<LlmAnswer, LlmError> {
        Err(LlmError::NoModel)
    }
}

/// Reads a compact model answer: `{"tool":..,"args":{..}}` or `{"reply":".."}`.
pub fn parse_output(raw: &str) -> Result<LlmOutput, LlmError> {
    let bad = |reason: &str| LlmError::BadOutput {
        raw: raw.to_string(),
        reason: reason.to_string(),
    };
    let value: Value = serde_json::from_str(raw.trim()).map_err(|e| bad(&e.to_string()))?;
    let Value::Object(map) = value else {
        return Err(bad("not a JSON object"));
    };
    if let Some(reply) = map.get("reply") {
        return reply
            .as_str()
            .map(|r| LlmOutput::Reply(r.to_string()))
            .ok_or_else(|| bad("reply is not text"));
    }
    let tool = map
        .get("tool")
        .or_else(|| map.get("name"))
        .and_then(Value::as_str)
        .ok_or_else(|| bad("no tool or reply"))?;
    let args = match map.get("args").or_else(|| map.get("arguments")) {
        None | Some(Value::Null) => serde_json::Map::new(),
        Some(Value::Object(args)) => args.clone(),
        // Some servers send arguments as a JSON string.
        Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(args)) => args,
            _ => return Err(bad("arguments are not an object")),
        },
        Some(_) => return Err(bad("args is not an object")),
    };
    Ok(LlmOutput::Call(ToolCall {
        tool: tool.to_string(),
        args,
    }))
}

/// Tracks a JSON answer as it streams: when the top-level object closes, and the reply text
/// produced so far (unescaped), so replies can be shown word by word.
#[derive(Debug, Default, Clone)]
pub struct JsonStream {
    depth: i32,
    in_string: bool,
    escaped: bool,
    started: bool,
    complete: bool,
    text: String,
    reply_sent: usize,
}

impl JsonStream {
    /// Feeds more output; returns the new reply text to show (empty for tool calls).
    pub fn push(&mut self, piece: &str) -> String {
        for c in piece.chars() {
            if self.complete {
                break;
            }
            self.text.push(c);
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if c == '\\' {
                    self.escaped = true;
                } else if c == '"' {
                    self.in_string = false;
                }
                continue;
            }
            match c {
                '"' => self.in_string = true,
                '{' | '[' => {
                    self.depth += 1;
                    self.started = true;
                }
                '}' | ']' => {
                    self.depth -= 1;
                    if self.started && self.depth == 0 {
                        self.complete = true;
                    }
                }
                _ => {}
            }
        }
        self.reply_delta()
    }

    /// The reply text so far, if the answer is a reply.
    pub fn reply_text(&self) -> Option<String> {
        let body = self.text.strip_prefix("{\"reply\":\"")?;
        Some(body.trim_end_matches(['"', '}']).to_string())
    }

    /// Whether a reply has started to repeat itself (small models loop): the last 24
    /// characters already occurred earlier in the reply.
    pub fn reply_is_looping(&self) -> bool {
        let Some(text) = self.reply_text() else {
            return false;
        };
        let chars: Vec<char> = text.chars().collect();
        if chars.len() < 60 {
            return false;
        }
        let tail: String = chars[chars.len() - 24..].iter().collect();
        let head: String = chars[..chars.len() - 24].iter().collect();
        head.contains(&tail)
    }

    /// Whether the top-level JSON value is complete.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// Everything received.
    pub fn text(&self) -> &str {
        &self.text
    }

    fn reply_delta(&mut self) -> String {
        const PREFIX: &str = "{\"reply\":\"";
        let Some(body) = self.text.strip_prefix(PREFIX) else {
            return String::new();
        };
        // The reply text ends at the closing quote; escapes are simple in our grammar.
        let mut out = String::new();
        let mut chars = body.chars().peekable();
        let mut shown = 0usize;
        while let Some(c) = chars.next() {
            let ch = if c == '\\' {
                match chars.next() {
                    Some('n') => '\n',
                    Some(other) => other,
                    None => break,
                }
            } else if c == '"' {
                break;
            } else {
                c
            };
            shown += 1;
            if shown > self.reply_sent {
                out.push(ch);
            }
        }
        self.reply_sent = self.reply_sent.max(shown);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_calls_and_replies() {
        let call = parse_output(r#"{"tool":"voice_tune","args":{"key":"A"}}"#).expect("call");
        assert!(
            matches!(call, LlmOutput::Call(c) if c.tool == "voice_tune" && c.args["key"] == "A")
        );
        let reply = parse_output(r#"{"reply":"Hello!"}"#).expect("reply");
        assert_eq!(reply, LlmOutput::Reply("Hello!".into()));
        let stringly = parse_output(r#"{"name":"undo","arguments":"{}"}"#).expect("openai style");
        assert!(matches!(stringly, LlmOutput::Call(c) if c.tool == "undo"));
        for bad in [
            "",
            "{",
            "[1]",
            r#"{"x":1}"#,
            r#"{"tool":"undo","args":3}"#,
            "hello",
        ] {
            assert!(parse_output(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn stream_finds_the_end_and_the_reply_text() {
        let mut s = JsonStream::default();
        let mut shown = String::new();
        for piece in [
            "{\"re",
            "ply\":\"Hi",
            " the",
            "re \\\"you\\\"",
            "\"}",
            "junk",
        ] {
            shown.push_str(&s.push(piece));
        }
        assert!(s.is_complete());
        assert_eq!(shown, "Hi there \"you\"");
        assert_eq!(s.text(), "{\"reply\":\"Hi there \\\"you\\\"\"}");

        let mut s = JsonStream::default();
        assert_eq!(s.push("{\"tool\":\"undo\",\"args\":{\"a\":\"}\"}"), "");
        assert!(!s.is_complete());
        s.push("}");
        assert!(s.is_complete());
    }
}
