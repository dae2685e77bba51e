//! The HTTP backend: an OpenAI-compatible server (llama-server, llama-cpp-python, Ollama, vLLM)
//! through `/v1/chat/completions` with `tools` and streaming. Failures become chat messages.
//!
//! The request carries both the tools (servers with native tool calling answer with
//! `tool_calls`) and, unless turned off, our GBNF grammar in the `grammar` field that llama.cpp
//! based servers honour (they then answer with the same compact JSON as the embedded model).

use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::config::{HttpParams, LlmParams};
use super::grammar;
use super::llm::{
    parse_output, GenStats, JsonStream, LlmAnswer, LlmBackend, LlmError, LlmOutput, LlmRequest,
};
use super::tools::{openai_tools, ToolCall};

/// A conversation with an OpenAI-compatible server.
#[derive(Debug)]
pub struct HttpBackend {
    agent: ureq::Agent,
    params: HttpParams,
    llm: LlmParams,
    /// Whether to send our grammar (llama.cpp servers constrain output with it).
    pub send_grammar: bool,
    /// A grammar to send instead of the tool grammar (tests force a call with it).
    pub grammar_override: Option<String>,
}

impl HttpBackend {
    /// A backend for the server at `params.url`; nothing is sent until the first request.
    pub fn new(params: &HttpParams, llm: &LlmParams) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(params.timeout_s)))
            .http_status_as_error(false)
            .build();
        Self {
            agent: config.into(),
            params: params.clone(),
            llm: llm.clone(),
            send_grammar: true,
            grammar_override: None,
        }
    }

    fn endpoint(&self) -> String {
        let base = self.params.url.trim_end_matches('/');
        if base.ends_with("/v1") {
            format!("{base}/chat/completions")
        } else {
            format!("{base}/v1/chat/completions")
        }
    }

    fn body(&self, request: &LlmRequest<'_>) -> Value {
        let messages: Vec<Value> = request
            .messages()
            .into_iter()
            .map(|m| json!({"role": m.role.as_str(), "content": m.content}))
            .collect();
        let mut body = json!({
            "model": self.params.model,
            "messages": messages,
            "tools": openai_tools(),
            "tool_choice": "auto",
            "stream": true,
            "temperature": self.llm.temperature,
            "top_p": self.llm.top_p,
            "max_tokens": self.llm.max_tokens,
            "seed": self.llm.seed,
        });
        if self.send_grammar {
            let text = self
                .grammar_override
                .clone()
                .unwrap_or_else(grammar::tool_grammar);
            body["grammar"] = Value::String(text);
        }
        body
    }

    fn error(&self, reason: impl Into<String>) -> LlmError {
        LlmError::Http {
            url: self.params.url.clone(),
            reason: reason.into(),
        }
    }
}

/// Collects a streamed (or whole) chat completion: content and tool calls.
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
    /// Feeds one `choices[0].delta` (or `message`) object; returns reply text to show.
    pub fn push_delta(&mut self, delta: &Value) -> String {
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
                let index = call.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
                while self.calls.len() <= index {
                    self.calls.push((String::new(), String::new()));
                }
                if let Some(f) = call.get("function") {
                    if let Some(name) = f.get("name").and_then(Value::as_str) {
                        self.calls[index].0.push_str(name);
                    }
                    match f.get("arguments") {
                        Some(Value::String(a)) => self.calls[index].1.push_str(a),
                        Some(Value::Object(o)) => {
                            self.calls[index].1 = Value::Object(o.clone()).to_string()
                        }
                        _ => {}
                    }
                }
            }
        }
        shown
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

impl LlmBackend for HttpBackend {
    fn describe(&self) -> String {
        format!("http {} (model {})", self.params.url, self.params.model)
    }

    fn respond(
        &mut self,
        request: &LlmRequest<'_>,
        on_token: &mut dyn FnMut(&str),
        cancel: &AtomicBool,
    ) -> Result<LlmAnswer, LlmError> {
        let started = Instant::now();
        let url = self.endpoint();
        if !url.starts_with("http://") {
            return Err(self.error(
                "only http:// URLs are supported (this build has no TLS); run the server on \
                 this machine or your network",
            ));
        }
        let body = self.body(request).to_string();
        let response = self
            .agent
            .post(&url)
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .send(&body)
            .map_err(|e| self.error(e.to_string()))?;
        let status = response.status().as_u16();
        let mut reader = BufReader::new(response.into_body().into_reader());
        if status >= 400 {
            let mut text = String::new();
            let _ = reader.by_ref().take(2000).read_to_string(&mut text);
            return Err(self.error(format!("HTTP {status}: {}", text.trim())));
        }
        let mut collector = CompletionCollector::default();
        let mut first_token_ms = None;
        let mut whole = String::new();
        let mut line = String::new();
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(LlmError::Cancelled);
            }
            line.clear();
            let n = reader
                .read_line(&mut line)
                .map_err(|e| self.error(format!("reading the answer failed: {e}")))?;
            if n == 0 {
                break;
            }
            let trimmed = line.trim();
            let Some(data) = trimmed.strip_prefix("data:") else {
                // Not a stream: the server sent one JSON body.
                whole.push_str(&line);
                continue;
            };
            let data = data.trim();
            if data == "[DONE]" {
                break;
            }
            collector.events += 1;
            let event: Value = serde_json::from_str(data)
                .map_err(|e| self.error(format!("bad stream event ({e}): {data}")))?;
            if let Some(err) = event.get("error") {
                return Err(self.error(format!("server error: {err}")));
            }
            if let Some(delta) = event.pointer("/choices/0/delta") {
                let shown = collector.push_delta(delta);
                if !shown.is_empty() {
                    first_token_ms.get_or_insert(started.elapsed().as_secs_f64() * 1e3);
                    on_token(&shown);
                }
            }
        }
        if collector.events == 0 && !whole.trim().is_empty() {
            let value: Value = serde_json::from_str(whole.trim())
                .map_err(|e| self.error(format!("the answer is not JSON ({e})")))?;
            if let Some(err) = value.get("error") {
                return Err(self.error(format!("server error: {err}")));
            }
            let message = value
                .pointer("/choices/0/message")
                .ok_or_else(|| self.error("the answer has no choices"))?;
            let shown = collector.push_delta(message);
            if !shown.is_empty() {
                on_token(&shown);
            }
        }
        let (output, raw) = collector.finish()?;
        let total_ms = started.elapsed().as_secs_f64() * 1e3;
        let prompt_ms = first_token_ms.unwrap_or(total_ms);
        Ok(LlmAnswer {
            output,
            raw,
            stats: GenStats {
                prompt_ms,
                generate_ms: total_ms - prompt_ms,
                ..GenStats::default()
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_streamed_tool_calls_in_pieces() {
        let mut c = CompletionCollector::default();
        c.push_delta(&json!({"role": "assistant"}));
        c.push_delta(&json!({"tool_calls": [{"index": 0, "function": {"name": "voice_tune", "arguments": "{\"key\":"}}]}));
        c.push_delta(&json!({"tool_calls": [{"index": 0, "function": {"arguments": " \"A\"}"}}]}));
        let (output, _) = c.finish().expect("call");
        assert!(
            matches!(output, LlmOutput::Call(call) if call.tool == "voice_tune" && call.args["key"] == "A")
        );
    }

    #[test]
    fn content_is_a_reply_or_our_json() {
        let mut c = CompletionCollector::default();
        assert_eq!(c.push_delta(&json!({"content": "Hel"})), "Hel");
        assert_eq!(c.push_delta(&json!({"content": "lo"})), "lo");
        assert_eq!(
            c.finish().expect("reply").0,
            LlmOutput::Reply("Hello".into())
        );

        let mut c = CompletionCollector::default();
        assert_eq!(c.push_delta(&json!({"content": "{\"reply\":\"Hi"})), "Hi");
        assert_eq!(c.push_delta(&json!({"content": "!\"}"})), "!");
        assert_eq!(
            c.finish().expect("json reply").0,
            LlmOutput::Reply("Hi!".into())
        );

        assert!(CompletionCollector::default().finish().is_err());
    }

    #[test]
    fn unreachable_server_is_an_error_message() {
        let params = HttpParams {
            // Port 9 (discard) on loopback: nothing listens there in the test environment.
            url: "http://127.0.0.1:9".into(),
            model: "x".into(),
            timeout_s: 5,
        };
        let llm = LlmParams {
            temperature: 0.0,
            top_p: 0.9,
            top_k: 40,
            repeat_penalty: 1.0,
            max_tokens: 64,
            context_size: 2048,
            threads: 2,
            seed: 1,
        };
        let mut backend = HttpBackend::new(&params, &llm);
        let request = LlmRequest {
            system: "s",
            examples: &[],
            history: &[],
            user: "hi",
        };
        let err = backend
            .respond(&request, &mut |_| {}, &AtomicBool::new(false))
            .expect_err("nothing listens");
        assert!(matches!(err, LlmError::Http { .. }), "{err}");
        assert!(err.to_string().contains("127.0.0.1:9"));
    }
}
