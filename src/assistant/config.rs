//! The assistant's configuration: `assets/config.yaml` (built in) overridden key by key by
//! `~/.daiw/config.yaml`, then by the command line. The persona prompt is loaded here too.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;
use thiserror::Error;

use super::model_file;

/// The built-in defaults, so an installed binary needs no asset folder.
pub const DEFAULT_CONFIG_YAML: &str = include_str!("../../assets/config.yaml");
/// The built-in persona prompt.
pub const DEFAULT_PERSONA_PROMPT: &str = include_str!("../../assets/chatbot_prompt.txt");
/// The name under which the defaults are reported in errors.
const DEFAULT_CONFIG_NAME: &str = "assets/config.yaml";
/// Shortest `http.timeout_s`: a request needs at least a second to be answered at all.
pub const MIN_HTTP_TIMEOUT_S: u64 = 1;
/// Longest `http.timeout_s` (an hour): longer than any answer a person waits for, and far from
/// the clock overflow a huge value causes in the HTTP client's deadline arithmetic.
pub const MAX_HTTP_TIMEOUT_S: u64 = 3600;

/// Problems reading the configuration or the persona.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// A YAML file is malformed or has an unknown key or a wrong type.
    #[error("{file}:{line}: {message}")]
    Malformed {
        /// The file.
        file: String,
        /// 1-based line of the problem (0 when the parser gave none).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The file exists but cannot be read.
    #[error("cannot read {file}: {source}")]
    Unreadable {
        /// The file.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A value is out of its range or names nothing we know.
    #[error("{file}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The persona named has no prompt file.
    #[error("persona '{name}' not found: expected {path}")]
    UnknownPersona {
        /// The persona name.
        name: String,
        /// Where its prompt was looked for.
        path: PathBuf,
    },
}

/// Which language model answers what the router cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// llama.cpp inside this process.
    Embedded,
    /// An OpenAI-compatible HTTP server.
    Http,
    /// No model: the router only.
    None,
}

impl BackendKind {
    /// The name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Embedded => "embedded",
            BackendKind::Http => "http",
            BackendKind::None => "none",
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for BackendKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "embedded" | "llama" | "local" => Ok(BackendKind::Embedded),
            "http" | "openai" | "server" => Ok(BackendKind::Http),
            "none" | "off" | "router" => Ok(BackendKind::None),
            other => Err(format!(
                "unknown backend '{other}' (expected embedded, http or none)"
            )),
        }
    }
}

/// Most GPU layers `llm.gpu_layers` takes; llama.cpp's usual "all layers" value is 999.
pub const MAX_GPU_LAYERS: u32 = 999;

/// Sampling and runtime parameters of the language model.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmParams {
    /// Sampling temperature; 0 is greedy.
    pub temperature: f32,
    /// Nucleus sampling mass.
    pub top_p: f32,
    /// Candidates kept before sampling.
    pub top_k: i32,
    /// Penalty on repeated tokens; 1 is off.
    pub repeat_penalty: f32,
    /// Tokens one answer may take.
    pub max_tokens: usize,
    /// Context window in tokens.
    pub context_size: u32,
    /// CPU threads for generation.
    pub threads: i32,
    /// Seed of the random sampler.
    pub seed: u32,
    /// Model layers offloaded to a GPU (0 = CPU only, the default). Takes effect only in a
    /// build with a GPU feature (`cuda`, `vulkan`, `metal`); a CPU build ignores it.
    pub gpu_layers: u32,
}

/// Where the HTTP backend sends requests.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpParams {
    /// Base URL, e.g. `http://127.0.0.1:8080`.
    pub url: String,
    /// Model name sent with requests.
    pub model: String,
    /// Request timeout in seconds.
    pub timeout_s: u64,
}

/// Everything the agent needs to start: model, persona, backend and parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentConfig {
    /// The backend that answers open requests.
    pub backend: BackendKind,
    /// The GGUF file of the embedded backend.
    pub model_path: PathBuf,
    /// Persona name ("default" or a file in ~/.daiw/personas/).
    pub persona: String,
    /// Model parameters.
    pub llm: LlmParams,
    /// HTTP backend parameters.
    pub http: HttpParams,
    /// Earlier exchanges shown to the model.
    pub history_turns_in_prompt: usize,
    /// Whether the conversation is saved in ~/.daiw/chat_history/.
    pub save_history: bool,
    /// The DAiW home folder this configuration was read from.
    pub home: PathBuf,
}

// Every field optional so the user's file may override any subset; unknown keys are errors so a
// typo is reported instead of silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Layer {
    backend: Option<String>,
    model: Option<String>,
    persona: Option<String>,
    llm: Option<LlmLayer>,
    http: Option<HttpLayer>,
    history: Option<HistoryLayer>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LlmLayer {
    temperature: Option<f32>,
    top_p: Option<f32>,
    top_k: Option<i32>,
    repeat_penalty: Option<f32>,
    max_tokens: Option<usize>,
    context_size: Option<u32>,
    threads: Option<i32>,
    seed: Option<u32>,
    gpu_layers: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpLayer {
    url: Option<String>,
    model: Option<String>,
    timeout_s: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryLayer {
    turns_in_prompt: Option<usize>,
    save: Option<bool>,
}

fn parse_layer(text: &str, file: &str) -> Result<Layer, ConfigError> {
    if text.trim().is_empty() {
        return Ok(Layer::default());
    }
    serde_yaml_ng::from_str::<Option<Layer>>(text)
        .map(Option::unwrap_or_default)
        .map_err(|err| ConfigError::Malformed {
            file: file.to_string(),
            line: err.location().map(|l| l.line()).unwrap_or(0),
            message: err.to_string(),
        })
}

/// Takes `top` where set, else `base`.
fn pick<T>(top: Option<T>, base: Option<T>) -> Option<T> {
    top.or(base)
}

fn required<T>(value: Option<T>, key: &str) -> Result<T, ConfigError> {
    value.ok_or_else(|| ConfigError::Invalid {
        file: DEFAULT_CONFIG_NAME.to_string(),
        message: format!("missing key '{key}'"),
    })
}

impl AgentConfig {
    /// The user's configuration file: `~/.daiw/config.yaml`.
    pub fn user_config_path(home: &Path) -> PathBuf {
        home.join("config.yaml")
    }

    /// Reads the defaults and `~/.daiw/config.yaml` (if present) in the DAiW home folder.
    pub fn load() -> Result<Self, ConfigError> {
        Self::load_from_home(&model_file::daiw_home())
    }

    /// Reads the defaults and `<home>/config.yaml` (if present); `$DAIW_MODEL` sets the model.
    pub fn load_from_home(home: &Path) -> Result<Self, ConfigError> {
        let path = Self::user_config_path(home);
        let user_text = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(ConfigError::Unreadable {
                    file: path.display().to_string(),
                    source,
                })
            }
        };
        let mut config = Self::from_yaml(
            DEFAULT_CONFIG_YAML,
            user_text.as_deref(),
            &path.display().to_string(),
            home,
        )?;
        if let Some(model) = std::env::var_os("DAIW_MODEL").filter(|m| !m.is_empty()) {
            config.model_path = PathBuf::from(model);
        }
        Ok(config)
    }

    /// Builds a configuration from the defaults' text and an optional user file's text.
    pub fn from_yaml(
        defaults: &str,
        user: Option<&str>,
        user_file: &str,
        home: &Path,
    ) -> Result<Self, ConfigError> {
        let base = parse_layer(defaults, DEFAULT_CONFIG_NAME)?;
        let top = match user {
            Some(text) => parse_layer(text, user_file)?,
            None => Layer::default(),
        };
        let bad = |message: String| ConfigError::Invalid {
            file: if user.is_some() {
                user_file.to_string()
            } else {
                DEFAULT_CONFIG_NAME.to_string()
            },
            message,
        };
        let backend: BackendKind = required(pick(top.backend, base.backend), "backend")?
            .parse()
            .map_err(bad)?;
        let model = pick(top.model, base.model).unwrap_or_default();
        let model_path = if model.trim().is_empty() {
            home.join("models").join(model_file::DEFAULT_MODEL_FILE)
        } else {
            expand_home(model.trim())
        };
        let persona = pick(top.persona, base.persona).unwrap_or_else(|| "default".into());
        let (tl, bl) = (top.llm.unwrap_or_default(), base.llm.unwrap_or_default());
        let llm = LlmParams {
            temperature: required(pick(tl.temperature, bl.temperature), "llm.temperature")?,
            top_p: required(pick(tl.top_p, bl.top_p), "llm.top_p")?,
            top_k: required(pick(tl.top_k, bl.top_k), "llm.top_k")?,
            repeat_penalty: required(
                pick(tl.repeat_penalty, bl.repeat_penalty),
                "llm.repeat_penalty",
            )?,
            max_tokens: required(pick(tl.max_tokens, bl.max_tokens), "llm.max_tokens")?,
            context_size: required(pick(tl.context_size, bl.context_size), "llm.context_size")?,
            threads: required(pick(tl.threads, bl.threads), "llm.threads")?,
            seed: required(pick(tl.seed, bl.seed), "llm.seed")?,
            // Optional: configs written before GPU support have no key, and mean the CPU.
            gpu_layers: pick(tl.gpu_layers, bl.gpu_layers).unwrap_or(0),
        };
        let (th, bh) = (top.http.unwrap_or_default(), base.http.unwrap_or_default());
        let http = HttpParams {
            url: required(pick(th.url, bh.url), "http.url")?,
            model: required(pick(th.model, bh.model), "http.model")?,
            timeout_s: required(pick(th.timeout_s, bh.timeout_s), "http.timeout_s")?,
        };
        let (tm, bm) = (
            top.history.unwrap_or_default(),
            base.history.unwrap_or_default(),
        );
        let config = AgentConfig {
            backend,
            model_path,
            persona,
            llm,
            http,
            history_turns_in_prompt: required(
                pick(tm.turns_in_prompt, bm.turns_in_prompt),
                "history.turns_in_prompt",
            )?,
            save_history: required(pick(tm.save, bm.save), "history.save")?,
            home: home.to_path_buf(),
        };
        config.check().map_err(bad)?;
        Ok(config)
    }

    fn check(&self) -> Result<(), String> {
        let l = &self.llm;
        if !(0.0..=2.0).contains(&l.temperature) {
            return Err(format!("llm.temperature {} is outside 0..2", l.temperature));
        }
        if !(0.0..=1.0).contains(&l.top_p) || l.top_p == 0.0 {
            return Err(format!("llm.top_p {} is outside (0, 1]", l.top_p));
        }
        if l.top_k < 1 {
            return Err(format!("llm.top_k {} must be at least 1", l.top_k));
        }
        if !(0.5..=2.0).contains(&l.repeat_penalty) {
            return Err(format!(
                "llm.repeat_penalty {} is outside 0.5..2",
                l.repeat_penalty
            ));
        }
        if !(16..=4096).contains(&l.max_tokens) {
            return Err(format!(
                "llm.max_tokens {} is outside 16..4096",
                l.max_tokens
            ));
        }
        if !(512..=32768).contains(&l.context_size) {
            return Err(format!(
                "llm.context_size {} is outside 512..32768",
                l.context_size
            ));
        }
        if !(1..=64).contains(&l.threads) {
            return Err(format!("llm.threads {} is outside 1..64", l.threads));
        }
        // More layers than any model has means "all of them" to llama.cpp; past this a value
        // is a typo rather than a wish.
        if l.gpu_layers > MAX_GPU_LAYERS {
            return Err(format!(
                "llm.gpu_layers {} is outside 0..{MAX_GPU_LAYERS} (999 offloads every layer)",
                l.gpu_layers
            ));
        }
        if !(MIN_HTTP_TIMEOUT_S..=MAX_HTTP_TIMEOUT_S).contains(&self.http.timeout_s) {
            return Err(format!(
                "http.timeout_s {} is outside {MIN_HTTP_TIMEOUT_S}..{MAX_HTTP_TIMEOUT_S} seconds",
                self.http.timeout_s
            ));
        }
        if !self.http.url.starts_with("http://") && !self.http.url.starts_with("https://") {
            return Err(format!(
                "http.url '{}' must start with http:// or https://",
                self.http.url
            ));
        }
        Ok(())
    }

    /// The persona's system prompt: the built-in one for "default" (or
    /// `~/.daiw/chatbot_prompt.txt` when present), else `~/.daiw/personas/NAME.txt`.
    pub fn persona_prompt(&self) -> Result<String, ConfigError> {
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|source| ConfigError::Unreadable {
                file: path.display().to_string(),
                source,
            })
        };
        if self.persona == "default" {
            let custom = self.home.join("chatbot_prompt.txt");
            if custom.exists() {
                return read(&custom).map(|t| t.trim().to_string());
            }
            return Ok(DEFAULT_PERSONA_PROMPT.trim().to_string());
        }
        let safe = self
            .persona
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let path = self
            .home
            .join("personas")
            .join(format!("{}.txt", self.persona));
        if !safe || !path.exists() {
            return Err(ConfigError::UnknownPersona {
                name: self.persona.clone(),
                path,
            });
        }
        read(&path).map(|t| t.trim().to_string())
    }
}

/// Expands a leading `~/` to the user's home folder.
fn expand_home(path: &str) -> PathBuf {
    if let Some(rest) = path.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    PathBuf::from(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home() -> PathBuf {
        PathBuf::from("/tmp/daiw-config-test-home")
    }

    #[test]
    fn defaults_parse_and_are_sane() {
        let config =
            AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, "user.yaml", &home()).expect("ok");
        assert_eq!(config.backend, BackendKind::Embedded);
        assert_eq!(config.llm.threads, 2);
        assert_eq!(config.persona, "default");
        assert!(config
            .model_path
            .ends_with("models/SmolLM2-135M-Instruct.Q4_1.gguf"));
        assert!(config.persona_prompt().expect("prompt").contains("DAiW"));
    }

    #[test]
    fn user_file_overrides_single_keys() {
        let user = "backend: none\nllm:\n  temperature: 0.7\n";
        let config =
            AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, Some(user), "u.yaml", &home()).expect("ok");
        assert_eq!(config.backend, BackendKind::None);
        assert_eq!(config.llm.temperature, 0.7);
        assert_eq!(config.llm.top_k, 40, "untouched keys keep their defaults");
    }

    #[test]
    fn malformed_files_name_file_and_line() {
        let bad_syntax = "backend: none\nllm:\n  temperature: [0.7\n";
        let err = AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, Some(bad_syntax), "u.yaml", &home())
            .expect_err("malformed");
        let text = err.to_string();
        assert!(text.starts_with("u.yaml:"), "{text}");
        assert!(matches!(err, ConfigError::Malformed { line, .. } if line >= 3));

        let unknown = "backend: none\nllm:\n  temprature: 0.7\n";
        let err = AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, Some(unknown), "u.yaml", &home())
            .expect_err("unknown key");
        assert!(
            matches!(err, ConfigError::Malformed { line: 3, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("temprature"));

        let wrong_type = "llm:\n  threads: many\n";
        let err = AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, Some(wrong_type), "u.yaml", &home())
            .expect_err("wrong type");
        assert!(
            matches!(err, ConfigError::Malformed { line: 2, .. }),
            "{err}"
        );

        // GPU layers: off unless asked for, a number when asked for, bounded.
        let config =
            AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, "u.yaml", &home()).expect("defaults");
        assert_eq!(config.llm.gpu_layers, 0);
        let gpu = "llm:\n  gpu_layers: 32\n";
        let config = AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, Some(gpu), "u.yaml", &home())
            .expect("gpu layers");
        assert_eq!(config.llm.gpu_layers, 32);
        let too_many = "llm:\n  gpu_layers: 5000\n";
        let err = AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, Some(too_many), "u.yaml", &home())
            .expect_err("gpu layers range");
        assert!(err.to_string().contains("llm.gpu_layers"), "{err}");

        let out_of_range = "llm:\n  temperature: 9\n";
        let err =
            AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, Some(out_of_range), "u.yaml", &home())
                .expect_err("range");
        assert!(err.to_string().contains("temperature"), "{err}");

        for timeout in ["0", "3601", "18446744073709551615"] {
            let user = format!("http:\n  timeout_s: {timeout}\n");
            let err = AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, Some(&user), "u.yaml", &home())
                .expect_err("timeout out of range");
            let text = err.to_string();
            assert!(
                text.contains("http.timeout_s") && text.contains("1..3600"),
                "{text}"
            );
        }

        let backend = "backend: gpt5\n";
        let err = AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, Some(backend), "u.yaml", &home())
            .expect_err("backend");
        assert!(err.to_string().contains("gpt5"), "{err}");
    }

    #[test]
    fn unknown_persona_is_an_error() {
        let mut config =
            AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, "u.yaml", &home()).expect("ok");
        config.persona = "pirate".into();
        assert!(matches!(
            config.persona_prompt(),
            Err(ConfigError::UnknownPersona { .. })
        ));
        config.persona = "../../etc/passwd".into();
        assert!(config.persona_prompt().is_err());
    }
}
