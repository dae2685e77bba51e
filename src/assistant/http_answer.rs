//! Reading an OpenAI-compatible server's answer within limits: the answer's size, one line's
//! length, the number of tool calls and their size, and a deadline. The server is not trusted:
//! it runs inside the host's process, so a broken or hostile one must not be able to fill
//! memory, hang the worker or panic it; each broken limit is a clear message for the chat.

use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use thiserror::Error;

use super::config::MAX_HTTP_TIMEOUT_S;
use super::llm::{parse_output, JsonStream, LlmError, LlmOutput};
use super::tools::ToolCall;

/// Most bytes read from one answer (the whole HTTP body, stream or not). A real answer is far
/// smaller: a compact tool call is about 100 bytes, and `llm.max_tokens` (at most 4096) tokens
/// streamed one event each take well under 1 MiB. Reading stops here, so a runaway server
/// cannot fill the host's memory.
pub const MAX_ANSWER_BYTES: u64 = 4 << 20;
/// Longest line of an answer (one stream event, or one line of a whole JSON body). One event
/// carries a token or a piece of a call, a few hundred bytes; a whole non-streamed answer on
/// one line stays far below this too.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Most tool calls one answer may carry; a call's `index` must be below it. The agent applies
/// only the first call, and servers number calls 0, 1, 2..., so 8 leaves room for any real
/// answer while an absurd index is refused instead of allocated.
pub const MAX_TOOL_CALLS: usize = 8;
/// Longest tool name, in bytes: our longest tool name is 16 bytes.
pub const MAX_TOOL_NAME_BYTES: usize = 64;
/// Longest arguments of one tool call, in bytes: the largest real call (`intent_new` with every
/// text field filled) is a few KiB.
pub const MAX_TOOL_ARGUMENT_BYTES: usize = 64 << 10;

/// Why an answer could not be read to the end: a limit broken, a timeout, damage.
#[derive(Debug, Error)]
pub enum AnswerError {
    /// The answer went past `MAX_ANSWER_BYTES`; reading stopped there.
    #[error("the answer is larger than {} MiB; reading stopped there", MAX_ANSWER_BYTES >> 20)]
    TooLarge,
    /// One line went past `MAX_LINE_BYTES`.
    #[error("one line of the answer is longer than {} MiB", MAX_LINE_BYTES >> 20)]
    LineTooLong,
    /// The whole exchange took longer than the timeout.
    #[error("no complete answer within {0} s (http.timeout_s)")]
    TimedOut(u64),
    /// The user stopped the answer.
    #[error("cancelled")]
    Cancelled,
    /// A line is not UTF-8 text.
    #[error("the answer is not UTF-8 text")]
    NotText,
    /// A tool call's index is at or past `MAX_TOOL_CALLS`.
    #[error("the answer has a tool call number {index}; at most {MAX_TOOL_CALLS} are accepted")]
    TooManyCalls {
        /// The index the server sent.
        index: u64,
    },
    /// A tool name went past `MAX_TOOL_NAME_BYTES`.
    #[error("a tool name in the answer is longer than {MAX_TOOL_NAME_BYTES} bytes")]
    NameTooLong,
    /// A call's arguments went past `MAX_TOOL_ARGUMENT_BYTES`.
    #[error("a tool call's arguments are longer than {} KiB", MAX_TOOL_ARGUMENT_BYTES >> 10)]
    ArgumentsTooLong,
    /// The connection failed while reading.
    #[error("reading the answer failed: {0}")]
    Io(std::io::Error),
}

/// Reads an answer line by line within `MAX_ANSWER_BYTES`, `MAX_LINE_BYTES` and a deadline,
/// checking the cancel flag between reads (a read itself is bounded by ureq's own timeout).
pub struct AnswerReader<R: Read> {
    inner: BufReader<std::io::Take<R>>,
    total: u64,
    deadline: Instant,
    timeout_s: u64,
}

impl<R: Read> std::fmt::Debug for AnswerReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerReader")
            .field("total", &self.total)
            .field("timeout_s", &self.timeout_s)
            .finish_non_exhaustive()
    }
}

impl<R: Read> AnswerReader<R> {
    /// A reader of `body` that gives up `timeout_s` seconds after `started` (at most
    /// `MAX_HTTP_TIMEOUT_S`, so the deadline never overflows the clock).
    pub fn new(body: R, started: Instant, timeout_s: u64) -> Self {
        let timeout_s = timeout_s.min(MAX_HTTP_TIMEOUT_S);
        Self {
            // One byte past the limit is read so "exactly at the limit" and "beyond" differ.
            inner: BufReader::new(body.take(MAX_ANSWER_BYTES + 1)),
            total: 0,
            // Cannot fail after the clamp; were it to, the answer times out instead of panicking.
            deadline: started
                .checked_add(Duration::from_secs(timeout_s))
                .unwrap_or(started),
            timeout_s,
        }
    }

    /// Reads the next line (newline included) into `line`; false at the end of the answer.
    pub fn read_line(
        &mut self,
        line: &mut Vec<u8>,
        cancel: &AtomicBool,
    ) -> Result<bool, AnswerError> {
        line.clear();
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(AnswerError::Cancelled);
            }
            if Instant::now() >= self.deadline {
                return Err(AnswerError::TimedOut(self.timeout_s));
            }
            let buf = match self.inner.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if is_timeout(&e) => return Err(AnswerError::TimedOut(self.timeout_s)),
                Err(e) => return Err(AnswerError::Io(e)),
            };
            if buf.is_empty() {
                return Ok(!line.is_empty());
            }
            let (used, complete) = match buf.iter().position(|&b| b == b'\n') {
                Some(end) => (end + 1, true),
                None => (buf.len(), false),
            };
            if line.len() + used > MAX_LINE_BYTES {
                return Err(AnswerError::LineTooLong);
            }
            line.extend_from_slice(&buf[..used]);
            self.inner.consume(used);
            self.total += used as u64;
            if self.total > MAX_ANSWER_BYTES {
                return Err(AnswerError::TooLarge);
            }
            if complete {
                return Ok(true);
            }
        }
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.total
    }
}

/// Whether a read failed because time ran out: a socket timeout, or ureq's own deadline
/// (which reaches us as an I/O error wrapping `ureq::Error::Timeout`).
fn is_timeout(err: &std::io::Error) -> bool {
    err.kind() == std::io::ErrorKind::TimedOut
        || err
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<ureq::Error>())
            .is_some_and(|e| matches!(e, ureq::Error::Timeout(_)))
}

/// Collects a streamed (or whole) chat completion: content and tool calls, within the limits
/// above.
#[derive(Debug, Default)]
pub struct CompletionCollector {
    content: String,
    json: JsonStream,
    json_mode: Option<bool>,
    calls: Vec<(String, String)>,
    /// Server-sent events received (to tell a stream from one JSON body).
    pub events: usize,
}

impl CompletionCollector {
    /// Feeds one `choices[0].delta` (or `message`) object; returns reply text to show. A tool
    /// call numbered `MAX_TOOL_CALLS` or more, or a name or arguments past their limits, is an
    /// error (never an allocation the server sized).
    pub fn push_delta(&mut self, delta: &Value) -> Result<String, AnswerError> {
        let mut shown = String::new();
        if let Some(text) = delta.get("content").and_then(Value::as_str) {
            self.content.push_str(text);
            if self.json_mode.is_none() {
                if let Some(first) = self.content.trim_start().chars().next() {
                    self.json_mode = Some(first == '{');
                }
            }
            match self.json_mode {
                Some(true) => shown = self.json.push(text),
                Some(false) => shown = text.to_string(),
                None => {}
            }
        }
        if let Some(calls) = delta.get("tool_calls").and_then(Value::as_array) {
            for call in calls {
                self.push_call(call)?;
            }
        }
        Ok(shown)
    }

    fn push_call(&mut self, call: &Value) -> Result<(), AnswerError> {
        let index = call.get("index").and_then(Value::as_u64).unwrap_or(0);
        let slot = usize::try_from(index)
            .ok()
            .filter(|&i| i < MAX_TOOL_CALLS)
            .ok_or(AnswerError::TooManyCalls { index })?;
        if self.calls.len() <= slot {
            self.calls.resize_with(slot + 1, Default::default);
        }
        let Some(f) = call.get("function") else {
            return Ok(());
        };
        let (name, args) = &mut self.calls[slot];
        if let Some(piece) = f.get("name").and_then(Value::as_str) {
            if name.len() + piece.len() > MAX_TOOL_NAME_BYTES {
                return Err(AnswerError::NameTooLong);
            }
            name.push_str(piece);
        }
        match f.get("arguments") {
            Some(Value::String(piece)) => {
                if args.len() + piece.len() > MAX_TOOL_ARGUMENT_BYTES {
                    return Err(AnswerError::ArgumentsTooLong);
                }
                args.push_str(piece);
            }
            Some(object @ Value::Object(_)) => {
                let text = object.to_string();
                if text.len() > MAX_TOOL_ARGUMENT_BYTES {
                    return Err(AnswerError::ArgumentsTooLong);
                }
                *args = text;
            }
            _ => {}
        }
        Ok(())
    }

    /// The decision: the first tool call, else the content read as our JSON or as a reply.
    pub fn finish(self) -> Result<(LlmOutput, String), LlmError> {
        if let Some((name, args)) = self.calls.into_iter().find(|(n, _)| !n.is_empty()) {
            let raw = format!("{{\"tool\":\"{name}\",\"args\":{}}}", args.trim());
            let args = if args.trim().is_empty() {
                serde_json::Map::new()
            } else {
                match serde_json::from_str::<Value>(&args) {
                    Ok(Value::Object(map)) => map,
                    _ => {
                        return Err(LlmError::BadOutput {
                            raw,
                            reason: "tool arguments are not a JSON object".into(),
                        })
                    }
                }
            };
            return Ok((LlmOutput::Call(ToolCall { tool: name, args }), raw));
        }
        let content = self.content.trim().to_string();
        if content.starts_with('{') {
            return parse_output(&content).map(|o| (o, content));
        }
        if content.is_empty() {
            return Err(LlmError::BadOutput {
                raw: content,
                reason: "the server sent an empty answer".into(),
            });
        }
        Ok((LlmOutput::Reply(content.clone()), content))
    }
}

/// Longest piece of server text quoted in an error message, in characters: enough to
/// recognise it, short enough for a chat line.
pub(crate) const QUOTE_CHARS: usize = 200;

/// `text` cut to `QUOTE_CHARS` characters (with "..." when cut), for error messages.
pub(crate) fn clip(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collects_streamed_tool_calls_in_pieces() {
        let mut c = CompletionCollector::default();
        c.push_delta(&json!({"role": "assistant"})).expect("role");
        c.push_delta(&json!({"tool_calls": [{"index": 0, "function": {"name": "voice_tune", "arguments": "{\"key\":"}}]}))
            .expect("first piece");
        c.push_delta(&json!({"tool_calls": [{"index": 0, "function": {"arguments": " \"A\"}"}}]}))
            .expect("second piece");
        let (output, _) = c.finish().expect("call");
        assert!(
            matches!(output, LlmOutput::Call(call) if call.tool == "voice_tune" && call.args["key"] == "A")
        );
    }

    #[test]
    fn content_is_a_reply_or_our_json() {
        let mut c = CompletionCollector::default();
        assert_eq!(c.push_delta(&json!({"content": "Hel"})).expect("ok"), "Hel");
        assert_eq!(c.push_delta(&json!({"content": "lo"})).expect("ok"), "lo");
        assert_eq!(
            c.finish().expect("reply").0,
            LlmOutput::Reply("Hello".into())
        );

        let mut c = CompletionCollector::default();
        let first = c.push_delta(&json!({"content": "{\"reply\":\"Hi"}));
        assert_eq!(first.expect("ok"), "Hi");
        assert_eq!(c.push_delta(&json!({"content": "!\"}"})).expect("ok"), "!");
        assert_eq!(
            c.finish().expect("json reply").0,
            LlmOutput::Reply("Hi!".into())
        );

        assert!(CompletionCollector::default().finish().is_err());
    }

    #[test]
    fn call_index_is_bounded_without_allocating() {
        let mut c = CompletionCollector::default();
        let huge = json!({"tool_calls": [{"index": 1u64 << 40, "function": {"name": "undo"}}]});
        let err = c.push_delta(&huge).expect_err("index 2^40");
        assert!(
            matches!(err, AnswerError::TooManyCalls { index } if index == 1 << 40),
            "{err}"
        );
        assert!(err.to_string().contains("1099511627776"), "{err}");
        assert!(c.calls.is_empty(), "nothing was allocated for the index");

        let last = MAX_TOOL_CALLS as u64 - 1;
        let ok = json!({"tool_calls": [{"index": last, "function": {"name": "undo"}}]});
        c.push_delta(&ok).expect("the last allowed index");
        assert_eq!(c.calls.len(), MAX_TOOL_CALLS);
        let past = json!({"tool_calls": [{"index": MAX_TOOL_CALLS, "function": {"name": "undo"}}]});
        assert!(c.push_delta(&past).is_err());
        assert_eq!(c.calls.len(), MAX_TOOL_CALLS);
        // The calls below the limit still make an answer.
        let (output, _) = c.finish().expect("call");
        assert!(matches!(output, LlmOutput::Call(call) if call.tool == "undo"));
    }

    #[test]
    fn names_and_arguments_are_bounded() {
        let mut c = CompletionCollector::default();
        let name = "n".repeat(MAX_TOOL_NAME_BYTES + 1);
        let err = c
            .push_delta(&json!({"tool_calls": [{"function": {"name": name}}]}))
            .expect_err("long name");
        assert!(matches!(err, AnswerError::NameTooLong), "{err}");

        // Arguments streamed in pieces: the sum counts, not each piece.
        let mut c = CompletionCollector::default();
        let piece = "a".repeat(MAX_TOOL_ARGUMENT_BYTES / 4);
        let delta = json!({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]});
        for _ in 0..4 {
            c.push_delta(&delta).expect("within the limit");
        }
        let err = c.push_delta(&delta).expect_err("past the limit");
        assert!(matches!(err, AnswerError::ArgumentsTooLong), "{err}");
        assert!(c.calls[0].1.len() <= MAX_TOOL_ARGUMENT_BYTES);

        let mut c = CompletionCollector::default();
        let big = json!({"tool_calls": [{"function": {"name": "voice_speak",
            "arguments": {"text": "a".repeat(MAX_TOOL_ARGUMENT_BYTES)}}}]});
        assert!(matches!(
            c.push_delta(&big),
            Err(AnswerError::ArgumentsTooLong)
        ));
    }

    #[test]
    fn reader_stops_at_the_line_and_answer_limits() {
        let cancel = AtomicBool::new(false);
        let mut line = Vec::new();

        // One endless line: refused at the line limit, nothing more is kept.
        let mut r = AnswerReader::new(std::io::repeat(b'x'), Instant::now(), 60);
        let err = r.read_line(&mut line, &cancel).expect_err("endless line");
        assert!(matches!(err, AnswerError::LineTooLong), "{err}");
        assert!(line.len() <= MAX_LINE_BYTES);

        // Endless short lines: refused at the answer limit.
        let endless = std::io::repeat(b'\n');
        let mut r = AnswerReader::new(endless, Instant::now(), 60);
        let err = loop {
            match r.read_line(&mut line, &cancel) {
                Ok(true) => continue,
                Ok(false) => panic!("an endless stream has no end"),
                Err(e) => break e,
            }
        };
        assert!(matches!(err, AnswerError::TooLarge), "{err}");
        assert_eq!(r.bytes_read(), MAX_ANSWER_BYTES + 1);

        // Lines and the end of the answer.
        let mut r = AnswerReader::new(&b"data: 1\ndata: 2"[..], Instant::now(), 60);
        assert!(r.read_line(&mut line, &cancel).expect("line"));
        assert_eq!(line, b"data: 1\n");
        assert!(r.read_line(&mut line, &cancel).expect("last line"));
        assert_eq!(line, b"data: 2");
        assert!(!r.read_line(&mut line, &cancel).expect("end"));

        // A deadline already passed, and a cancelled answer.
        let mut r = AnswerReader::new(std::io::repeat(b'x'), Instant::now(), 0);
        let err = r.read_line(&mut line, &cancel).expect_err("timed out");
        assert!(err.to_string().contains("http.timeout_s"), "{err}");
        // A huge timeout is clamped, never an overflow of the clock.
        let mut r = AnswerReader::new(&b"ok\n"[..], Instant::now(), u64::MAX);
        assert!(r.read_line(&mut line, &cancel).expect("line"));
        let mut r = AnswerReader::new(std::io::repeat(b'x'), Instant::now(), 60);
        let cancelled = AtomicBool::new(true);
        assert!(matches!(
            r.read_line(&mut line, &cancelled),
            Err(AnswerError::Cancelled)
        ));
    }

    #[test]
    fn ureq_deadlines_read_as_timeouts() {
        let ureq_deadline = ureq::Error::Timeout(ureq::Timeout::Global).into_io();
        assert!(is_timeout(&ureq_deadline));
        assert!(is_timeout(&std::io::ErrorKind::TimedOut.into()));
        assert!(!is_timeout(&std::io::ErrorKind::ConnectionReset.into()));
    }

    #[test]
    fn long_server_text_is_clipped_in_messages() {
        let long = "é".repeat(QUOTE_CHARS * 3);
        let short = clip(&long);
        assert_eq!(short.chars().count(), QUOTE_CHARS + 3);
        assert_eq!(clip("short"), "short");
    }
}
