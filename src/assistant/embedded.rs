//! The embedded backend: llama.cpp in this process, through `llama-cpp-2`.
//!
//! llama.cpp's backend may be initialised only once per process, and a DAW loads several
//! plugin instances into one process, so the backend and every loaded model are a process-wide
//! shared engine; each conversation (plugin instance) has its own context and KV cache.
//! Models stay loaded until the process ends (they are shared by every instance).
//!
//! llama.cpp aborts the process on some misuse (for example accepting a token twice), so this
//! file keeps to one pattern: pick a token from the logits (`next_token`), accept it exactly
//! once into the grammar and the chain (never through `LlamaSampler::sample`, which accepts by
//! itself), then decode it. Every path here runs in the model tests.

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaChatTemplate, LlamaModel};
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::data::LlamaTokenData;
use llama_cpp_2::token::data_array::LlamaTokenDataArray;
use llama_cpp_2::token::LlamaToken;

use super::config::LlmParams;
use super::grammar;
use super::llm::{
    parse_output, ChatMessage, GenStats, JsonStream, LlmAnswer, LlmBackend, LlmError, LlmOutput,
    LlmRequest,
};
use super::model_check;
use super::prefix_cache::{self, Loaded};

mod rank;

/// The process-wide llama.cpp backend and the models loaded so far.
struct Engine {
    backend: LlamaBackend,
    /// Loaded models by path; leaked on purpose so contexts can borrow them for `'static`.
    models: Mutex<Vec<(PathBuf, &'static LlamaModel)>>,
}

static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();

/// Progress of the model load in progress, in thousandths (`u32::MAX` when none is loading).
/// Loads are serialised by the model table's lock, so one value serves the whole process.
static LOAD_PROGRESS: AtomicU32 = AtomicU32::new(u32::MAX);

/// How far the model load in progress is, 0..1, if one is under way (any thread may ask).
pub fn load_progress() -> Option<f32> {
    match LOAD_PROGRESS.load(Ordering::Relaxed) {
        u32::MAX => None,
        p => Some(p as f32 / 1000.0),
    }
}

fn engine() -> Result<&'static Engine, LlmError> {
    ENGINE
        .get_or_init(|| {
            let mut backend = LlamaBackend::init().map_err(|e| e.to_string())?;
            // llama.cpp prints every tensor while loading; the chat reports our own errors.
            if std::env::var_os("DAIW_LLAMA_LOG").is_none() {
                backend.void_logs();
            }
            Ok(Engine {
                backend,
                models: Mutex::new(Vec::new()),
            })
        })
        .as_ref()
        .map_err(|e| LlmError::Runtime(format!("llama.cpp could not start: {e}")))
}

/// Loads `path` on the CPU once per process (later calls return the same model) and reports
/// how long the load took (zero when it was already loaded).
pub fn shared_model(path: &Path) -> Result<(&'static LlamaModel, Duration), LlmError> {
    shared_model_on(path, 0)
}

/// Loads `path` once per process with `gpu_layers` layers offloaded to a GPU (0 = CPU; a
/// build without a GPU feature keeps everything on the CPU whatever it says). The first load
/// of a file decides: instances share the loaded model.
pub fn shared_model_on(
    path: &Path,
    gpu_layers: u32,
) -> Result<(&'static LlamaModel, Duration), LlmError> {
    let engine = engine()?;
    // llama.cpp aborts the process on some malformed files: only a file whose header is sane
    // and that passed the child-process check is loaded here.
    model_check::ensure_safe_to_load(path)?;
    let mut models = engine
        .models
        .lock()
        .map_err(|_| LlmError::Runtime("model table poisoned".into()))?;
    if let Some((_, model)) = models.iter().find(|(p, _)| p == path) {
        return Ok((model, Duration::ZERO));
    }
    let started = Instant::now();
    LOAD_PROGRESS.store(0, Ordering::Relaxed);
    let params = LlamaModelParams::default()
        .with_n_gpu_layers(gpu_layers)
        .with_progress_callback(|progress: f32| {
            LOAD_PROGRESS.store(
                (progress.clamp(0.0, 1.0) * 1000.0) as u32,
                Ordering::Relaxed,
            );
            true
        });
    let loaded = LlamaModel::load_from_file(&engine.backend, path, &params);
    LOAD_PROGRESS.store(u32::MAX, Ordering::Relaxed);
    let model = loaded.map_err(|e| LlmError::Load {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let model: &'static LlamaModel = Box::leak(Box::new(model));
    models.push((path.to_path_buf(), model));
    Ok((model, started.elapsed()))
}

/// Checks that `grammar_text` parses in llama.cpp for `model`'s vocabulary.
pub fn check_grammar(model: &LlamaModel, grammar_text: &str) -> Result<(), LlmError> {
    LlamaSampler::grammar(model, grammar_text, grammar::ROOT)
        .map(|_| ())
        .map_err(|e| LlmError::Runtime(format!("grammar rejected by llama.cpp: {e}")))
}

/// Whether the grammar accepts `text` as a complete answer, checked by llama.cpp itself:
/// the text's tokens are fed to a fresh grammar sampler one by one.
pub fn grammar_accepts(model: &LlamaModel, grammar_text: &str, text: &str) -> bool {
    let Ok(mut sampler) = LlamaSampler::grammar(model, grammar_text, grammar::ROOT) else {
        return false;
    };
    let tokens = model.vocab().tokenize(text.as_bytes(), false, false);
    // `try_accept` reports a token the grammar does not allow instead of aborting.
    tokens.into_iter().all(|t| sampler.try_accept(t).is_ok())
}

/// One conversation with the embedded model: its own context, KV cache and sampler.
pub struct EmbeddedBackend {
    model: &'static LlamaModel,
    path: PathBuf,
    ctx: LlamaContext<'static>,
    template: LlamaChatTemplate,
    /// The grammar alone: checked against the chain's pick first, applied to the whole
    /// vocabulary only when the pick breaks it (the full pass costs far more than a forward).
    grammar: LlamaSampler,
    /// Penalties and the choice (greedy, or top-k/top-p/temperature/dist).
    chain: LlamaSampler,
    params: LlmParams,
    /// The tokens whose keys and values are in the KV cache (sequence 0), in order.
    cached: Vec<LlamaToken>,
    batch_size: usize,
    /// How long loading the model took in this call (zero when it was shared).
    pub load_time: Duration,
    /// Where the decoded system prompt is kept between processes (`daiw plan` starts fresh
    /// each time; loading the KV state is far faster than decoding a thousand tokens).
    pub prefix_cache_dir: Option<PathBuf>,
    /// Something the user should hear about (a damaged cache that was dropped).
    pub notice: Option<String>,
}

// The model and context are used from one thread at a time (the worker owns the backend).
impl std::fmt::Debug for EmbeddedBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedBackend")
            .field("path", &self.path)
            .field("cached_tokens", &self.cached.len())
            .finish()
    }
}

impl EmbeddedBackend {
    /// Loads (or shares) the model at `path` and opens a conversation on it.
    pub fn new(path: &Path, params: &LlmParams) -> Result<Self, LlmError> {
        let (model, load_time) = shared_model_on(path, params.gpu_layers)?;
        let engine = engine()?;
        let batch_size = 512usize;
        let ctx_params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(params.context_size))
            .with_n_batch(batch_size as u32)
            .with_n_ubatch(batch_size as u32)
            .with_n_threads(params.threads)
            .with_n_threads_batch(params.threads);
        let ctx = {
            // Creating contexts on one model is not thread-safe in llama.cpp: one at a time.
            let _guard = engine
                .models
                .lock()
                .map_err(|_| LlmError::Runtime("model table poisoned".into()))?;
            model
                .new_context(&engine.backend, ctx_params)
                .map_err(|e| LlmError::Runtime(format!("could not create a context: {e}")))?
        };
        let template = model
            .chat_template(None)
            .or_else(|_| LlamaChatTemplate::new("chatml"))
            .map_err(|e| LlmError::Runtime(format!("no chat template: {e}")))?;
        let grammar = build_grammar(model, &grammar::tool_grammar())?;
        let chain = build_chain(model, params);
        Ok(Self {
            model,
            path: path.to_path_buf(),
            ctx,
            template,
            grammar,
            chain,
            params: params.clone(),
            cached: Vec::new(),
            batch_size,
            load_time,
            prefix_cache_dir: None,
            notice: None,
        })
    }

    /// Decodes under `grammar_text` instead of the tool grammar (benchmarks force a call with
    /// a calls-only grammar).
    pub fn set_grammar(&mut self, grammar_text: &str) -> Result<(), LlmError> {
        self.grammar = build_grammar(self.model, grammar_text)?;
        Ok(())
    }

    /// Picks the next token from the last decoded logits under the grammar and accepts it
    /// (exactly once) into the grammar and the chain.
    fn next_token(&mut self) -> Result<LlamaToken, LlmError> {
        let logits = self.ctx.get_logits();
        // Damaged weights give NaN or infinite logits; sampling from them can pick a token the
        // grammar forbids (an end token while the JSON is open), which llama.cpp's grammar then
        // aborts on. End the answer with an error instead.
        if let Some(bad) = logits.iter().find(|l| !l.is_finite()) {
            return Err(LlmError::Runtime(format!(
                "the model produced a non-finite score ({bad}); the model file may be damaged"
            )));
        }
        let candidates: Vec<LlamaTokenData> = logits
            .iter()
            .enumerate()
            .map(|(id, &logit)| LlamaTokenData::new(LlamaToken(id as i32), logit, 0.0))
            .collect();
        let mut all = LlamaTokenDataArray::new(candidates.clone(), false);
        all.apply_sampler(&mut self.chain);
        let mut token = all.selected_token();
        if let Some(pick) = token {
            if !self.grammar_allows(pick) {
                token = None;
            }
        }
        let token = match token {
            Some(t) => t,
            None => {
                let mut all = LlamaTokenDataArray::new(candidates, false);
                all.apply_sampler(&mut self.grammar);
                all.apply_sampler(&mut self.chain);
                all.selected_token()
                    .ok_or_else(|| LlmError::Runtime("the grammar allows no token".into()))?
            }
        };
        // The grammar must allow the pick (it may not, if every candidate was masked): an end
        // token the grammar does not allow would abort inside llama.cpp on accept.
        if !self.grammar_allows(token) {
            return Err(LlmError::Runtime(
                "the model's next token breaks the answer's grammar".into(),
            ));
        }
        // The only place tokens are accepted; `try_accept` reports instead of aborting.
        self.grammar
            .try_accept(token)
            .map_err(|e| LlmError::Runtime(format!("grammar rejected a token: {e}")))?;
        self.chain.accept(token);
        Ok(token)
    }

    /// Whether the grammar, as it stands, allows `token` next.
    fn grammar_allows(&mut self, token: LlamaToken) -> bool {
        let mut single =
            LlamaTokenDataArray::new(vec![LlamaTokenData::new(token, 0.0, 0.0)], false);
        single.apply_sampler(&mut self.grammar);
        single.data.first().is_some_and(|d| d.logit().is_finite())
    }

    /// A key for a prefix: the model file (path, size, time) and the tokens.
    fn prefix_key(&self, tokens: &[LlamaToken]) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.path.hash(&mut h);
        if let Ok(meta) = std::fs::metadata(&self.path) {
            meta.len().hash(&mut h);
            meta.modified().ok().hash(&mut h);
        }
        self.params.context_size.hash(&mut h);
        for t in tokens {
            t.0.hash(&mut h);
        }
        h.finish()
    }

    /// Tokens currently in the KV cache (for tests and benchmarks).
    pub fn cached_tokens(&self) -> usize {
        self.cached.len()
    }

    /// The model (for grammar checks in tests).
    pub fn model(&self) -> &'static LlamaModel {
        self.model
    }

    fn render(&self, request: &LlmRequest<'_>, add_assistant: bool) -> Result<String, LlmError> {
        let messages = request
            .messages()
            .into_iter()
            .map(|m| LlamaChatMessage::new(m.role.as_str().to_string(), m.content))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| LlmError::Runtime(format!("message has a NUL byte: {e}")))?;
        self.model
            .apply_chat_template(&self.template, &messages, add_assistant)
            .map_err(|e| LlmError::Runtime(format!("chat template failed: {e}")))
    }

    /// Makes the KV cache hold exactly `tokens`, decoding only what differs from the cache;
    /// returns how many tokens were reused. The last token is always decoded so its logits
    /// are fresh for sampling.
    fn prefill(&mut self, tokens: &[LlamaToken]) -> Result<usize, LlmError> {
        let limit = self.params.context_size as usize;
        if tokens.len() + self.params.max_tokens > limit {
            return Err(LlmError::TooLong {
                tokens: tokens.len() + self.params.max_tokens,
                limit,
            });
        }
        if tokens.is_empty() {
            return Err(LlmError::Runtime("empty prompt".into()));
        }
        let mut common = self
            .cached
            .iter()
            .zip(tokens)
            .take_while(|(a, b)| a == b)
            .count();
        if common == tokens.len() {
            common -= 1;
        }
        self.ctx
            .clear_kv_cache_seq(Some(0), Some(common as u32), None)
            .map_err(|e| LlmError::Runtime(format!("KV cache: {e}")))?;
        self.cached.truncate(common);
        let mut batch = LlamaBatch::new(self.batch_size, 1);
        let rest = &tokens[common..];
        for (chunk_index, chunk) in rest.chunks(self.batch_size).enumerate() {
            batch.clear();
            let last_chunk = (chunk_index + 1) * self.batch_size >= rest.len();
            for (i, token) in chunk.iter().enumerate() {
                let pos = (self.cached.len() + i) as i32;
                let logits = last_chunk && i + 1 == chunk.len();
                batch
                    .add(*token, pos, &[0], logits)
                    .map_err(|e| LlmError::Runtime(format!("batch: {e}")))?;
            }
            self.ctx
                .decode(&mut batch)
                .map_err(|e| LlmError::Runtime(format!("decode failed: {e}")))?;
            self.cached.extend_from_slice(chunk);
        }
        Ok(common)
    }

    fn tokenize(&self, text: &str) -> Vec<LlamaToken> {
        self.model.vocab().tokenize(text.as_bytes(), true, true)
    }
}

fn build_grammar(model: &LlamaModel, grammar_text: &str) -> Result<LlamaSampler, LlmError> {
    LlamaSampler::grammar(model, grammar_text, grammar::ROOT)
        .map_err(|e| LlmError::Runtime(format!("the grammar did not parse: {e}")))
}

fn build_chain(model: &LlamaModel, params: &LlmParams) -> LlamaSampler {
    let mut chain = Vec::new();
    if (params.repeat_penalty - 1.0).abs() > f32::EPSILON {
        chain.push(LlamaSampler::penalties(
            model.n_vocab(),
            64,
            params.repeat_penalty,
            0.0,
            0.0,
        ));
    }
    if params.temperature <= 0.0 {
        chain.push(LlamaSampler::greedy());
    } else {
        chain.push(LlamaSampler::top_k(params.top_k));
        chain.push(LlamaSampler::top_p(params.top_p, 1));
        chain.push(LlamaSampler::temp(params.temperature));
        chain.push(LlamaSampler::dist(params.seed));
    }
    LlamaSampler::chain_simple(chain)
}

impl LlmBackend for EmbeddedBackend {
    fn describe(&self) -> String {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!("embedded {name} ({} threads)", self.params.threads)
    }

    fn score_answers(
        &mut self,
        request: &LlmRequest<'_>,
        candidates: &[String],
    ) -> Option<Result<Vec<f64>, LlmError>> {
        Some(self.answer_likelihoods(request, candidates))
    }

    fn warm_up(&mut self, system: &str, examples: &[ChatMessage]) -> Result<(), LlmError> {
        let request = LlmRequest {
            system,
            examples,
            history: &[],
            user: "",
        };
        // The fixed prefix alone: system and examples, without the empty user turn.
        let mut messages = request.messages();
        messages.pop();
        let messages = messages
            .into_iter()
            .map(|m| LlamaChatMessage::new(m.role.as_str().to_string(), m.content))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| LlmError::Runtime(format!("prompt has a NUL byte: {e}")))?;
        let text = self
            .model
            .apply_chat_template(&self.template, &messages, false)
            .map_err(|e| LlmError::Runtime(format!("chat template failed: {e}")))?;
        let tokens = self.tokenize(&text);
        if self.cached.starts_with(&tokens) {
            return Ok(());
        }
        if let Some(dir) = self.prefix_cache_dir.clone() {
            let file = dir.join(format!("prefix-{:016x}.kv", self.prefix_key(&tokens)));
            self.cached.clear();
            match prefix_cache::load(&mut self.ctx, &file, &tokens) {
                Loaded::Yes => {
                    self.cached = tokens;
                    return Ok(());
                }
                Loaded::CrashedBefore => {
                    self.notice = Some(format!(
                        "the prompt cache {} crashed an earlier start and was deleted",
                        file.display()
                    ));
                }
                Loaded::No => {}
            }
            self.prefill(&tokens)?;
            // A cache that cannot be written only costs speed next time.
            let _ = prefix_cache::save(&self.ctx, &file, &tokens);
            return Ok(());
        }
        self.prefill(&tokens).map(|_| ())
    }

    fn respond(
        &mut self,
        request: &LlmRequest<'_>,
        on_token: &mut dyn FnMut(&str),
        cancel: &AtomicBool,
    ) -> Result<LlmAnswer, LlmError> {
        let started = Instant::now();
        let prompt = self.render(request, true)?;
        let tokens = self.tokenize(&prompt);
        let reused = self.prefill(&tokens)?;
        let prompt_ms = started.elapsed().as_secs_f64() * 1e3;

        self.grammar.reset();
        self.chain.reset();
        let gen_started = Instant::now();
        let mut stream = JsonStream::default();
        let mut bytes: Vec<u8> = Vec::new();
        let mut fed_chars = 0usize;
        let mut generated = 0usize;
        let mut batch = LlamaBatch::new(1, 1);
        let vocab = self.model.vocab();
        let stats = |generated: usize| GenStats {
            prompt_tokens: tokens.len(),
            cached_tokens: reused,
            generated_tokens: generated,
            prompt_ms,
            generate_ms: gen_started.elapsed().as_secs_f64() * 1e3,
        };
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(LlmError::Cancelled);
            }
            if generated >= self.params.max_tokens || stream.reply_is_looping() {
                // A long reply is cut with an ellipsis; a cut tool call is an error.
                let partial = String::from_utf8_lossy(&bytes);
                if let Some(text) = partial.strip_prefix("{\"reply\":\"") {
                    let text = text.trim_end_matches('\\').trim_end();
                    if let LlmOutput::Reply(reply) =
                        parse_output(&format!("{{\"reply\":\"{text}…\"}}"))?
                    {
                        on_token("…");
                        return Ok(LlmAnswer {
                            output: LlmOutput::Reply(reply),
                            raw: partial.into_owned(),
                            stats: stats(generated),
                        });
                    }
                }
                return Err(LlmError::Truncated(generated));
            }
            let token = self.next_token()?;
            generated += 1;
            if vocab.is_eog(token) {
                break;
            }
            bytes.extend(vocab.token_to_piece(token, false, None));
            let text = String::from_utf8_lossy(&bytes);
            // Only whole characters go to the stream; a split UTF-8 sequence waits.
            if !text.ends_with('\u{FFFD}') {
                let fresh: String = text.chars().skip(fed_chars).collect();
                fed_chars += fresh.chars().count();
                let delta = stream.push(&fresh);
                if !delta.is_empty() {
                    on_token(&delta);
                }
            }
            if stream.is_complete() {
                break;
            }
            batch.clear();
            batch
                .add(token, self.cached.len() as i32, &[0], true)
                .map_err(|e| LlmError::Runtime(format!("batch: {e}")))?;
            self.ctx
                .decode(&mut batch)
                .map_err(|e| LlmError::Runtime(format!("decode failed: {e}")))?;
            self.cached.push(token);
        }
        let raw = String::from_utf8_lossy(&bytes).into_owned();
        let output = parse_output(&raw)?;
        Ok(LlmAnswer {
            output,
            raw,
            stats: stats(generated),
        })
    }
}
