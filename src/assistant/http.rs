//! The HTTP backend: an OpenAI-compatible server (llama-server, llama-cpp-python, Ollama, vLLM)
//! through `/v1/chat/completions` with `tools` and streaming. Failures become chat messages.
//!
//! The request carries both the tools (servers with native tool calling answer with
//! `tool_calls`) and, unless turned off, our GBNF grammar in the `grammar` field that llama.cpp
//! based servers honour (they then answer with the same compact JSON as the embedded model).
//! The answer is read within the limits of `http_answer`.

use std::io::Read;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::config::{HttpParams, LlmParams, MAX_HTTP_TIMEOUT_S, MIN_HTTP_TIMEOUT_S};
use super::grammar;
use super::http_answer::clip;
pub use super::http_answer::{
    AnswerError, AnswerReader, CompletionCollector, MAX_ANSWER_BYTES, MAX_LINE_BYTES,
    MAX_TOOL_ARGUMENT_BYTES, MAX_TOOL_CALLS, MAX_TOOL_NAME_BYTES,
};
use super::llm::{GenStats, LlmAnswer, LlmBackend, LlmError, LlmRequest};
use super::tools::openai_tools;

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
    /// The timeout is clamped to the range the configuration allows, so no caller can hand
    /// ureq a deadline its clock arithmetic overflows on.
    pub fn new(params: &HttpParams, llm: &LlmParams) -> Self {
        let mut params = params.clone();
        params.timeout_s = params
            .timeout_s
            .clamp(MIN_HTTP_TIMEOUT_S, MAX_HTTP_TIMEOUT_S);
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(params.timeout_s)))
            .http_status_as_error(false)
            .build();
        Self {
            agent: config.into(),
            params,
            llm: llm.clone(),
            send_grammar: true,
            grammar_override: None,
        }
    }

    /// The timeout in use, in seconds (after clamping).
    pub fn timeout_s(&self) -> u64 {
        self.params.timeout_s
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

    fn answer_error(&self, err: AnswerError) -> LlmError {
        match err {
            AnswerError::Cancelled => LlmError::Cancelled,
            other => self.error(other.to_string()),
        }
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
            .map_err(|e| match e {
                ureq::Error::Timeout(_) => {
                    self.answer_error(AnswerError::TimedOut(self.params.timeout_s))
                }
                other => self.error(other.to_string()),
            })?;
        let status = response.status().as_u16();
        let body = response.into_body().into_reader();
        if status >= 400 {
            let mut text = Vec::new();
            let _ = body.take(2000).read_to_end(&mut text);
            let text = String::from_utf8_lossy(&text);
            return Err(self.error(format!("HTTP {status}: {}", text.trim())));
        }
        let mut reader = AnswerReader::new(body, started, self.params.timeout_s);
        let mut collector = CompletionCollector::default();
        let mut first_token_ms = None;
        let mut whole = String::new();
        let mut bytes = Vec::new();
        while reader
            .read_line(&mut bytes, cancel)
            .map_err(|e| self.answer_error(e))?
        {
            let line =
                std::str::from_utf8(&bytes).map_err(|_| self.answer_error(AnswerError::NotText))?;
            let trimmed = line.trim();
            let Some(data) = trimmed.strip_prefix("data:") else {
                // Not a stream: the server sent one JSON body (a stream's other lines, such
                // as comments and blank separators, are not kept).
                if collector.events == 0 {
                    whole.push_str(line);
                }
                continue;
            };
            let data = data.trim();
            if data == "[DONE]" {
                break;
            }
            collector.events += 1;
            let event: Value = serde_json::from_str(data)
                .map_err(|e| self.error(format!("bad stream event ({e}): {}", clip(data))))?;
            if let Some(err) = event.get("error") {
                return Err(self.error(format!("server error: {}", clip(&err.to_string()))));
            }
            if let Some(delta) = event.pointer("/choices/0/delta") {
                let shown = collector
                    .push_delta(delta)
                    .map_err(|e| self.answer_error(e))?;
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
                return Err(self.error(format!("server error: {}", clip(&err.to_string()))));
            }
            let message = value
                .pointer("/choices/0/message")
                .ok_or_else(|| self.error("the answer has no choices"))?;
            let shown = collector
                .push_delta(message)
                .map_err(|e| self.answer_error(e))?;
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

    fn params(url: &str, timeout_s: u64) -> HttpParams {
        HttpParams {
            url: url.into(),
            model: "x".into(),
            timeout_s,
        }
    }

    fn llm() -> LlmParams {
        LlmParams {
            temperature: 0.0,
            top_p: 0.9,
            top_k: 40,
            repeat_penalty: 1.0,
            max_tokens: 64,
            context_size: 2048,
            threads: 2,
            seed: 1,
            gpu_layers: 0,
        }
    }

    #[test]
    fn timeouts_are_clamped() {
        assert_eq!(
            HttpBackend::new(&params("http://x", u64::MAX), &llm()).timeout_s(),
            MAX_HTTP_TIMEOUT_S
        );
        assert_eq!(
            HttpBackend::new(&params("http://x", 0), &llm()).timeout_s(),
            MIN_HTTP_TIMEOUT_S
        );
        assert_eq!(
            HttpBackend::new(&params("http://x", 30), &llm()).timeout_s(),
            30
        );
    }

    #[test]
    fn unreachable_server_is_an_error_message() {
        // Port 9 (discard) on loopback: nothing listens there in the test environment.
        let mut backend = HttpBackend::new(&params("http://127.0.0.1:9", 5), &llm());
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
