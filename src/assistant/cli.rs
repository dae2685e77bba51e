//! `daiw chatbot` and `daiw plan`: the assistant in a terminal, without the plugin. The CLI
//! applies effects its own way: parameter changes live in the agent's snapshot, speech is
//! rendered through the voice chain with those settings and saved next to the dry file.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::agent::{AgentError, ChatAgent, ChatTurn, Source};
use super::config::{AgentConfig, BackendKind, ConfigError};
use super::state::{Effect, ParamSnapshot, ParamValue};
use crate::dsp::{VoiceChain, VoiceSettings};

/// Problems running the CLI commands.
#[derive(Debug, Error)]
pub enum CliError {
    /// Configuration or persona.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Agent start-up.
    #[error(transparent)]
    Agent(#[from] AgentError),
    /// Terminal input or output.
    #[error("terminal I/O failed: {0}")]
    Io(#[from] std::io::Error),
    /// A bad option value.
    #[error("{0}")]
    Usage(String),
    /// Rendering speech through the voice chain failed.
    #[error("could not render {path} through the voice chain: {reason}")]
    Render {
        /// The WAV file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

/// Options shared by `chatbot` and `plan`.
#[derive(Debug, Clone, Default)]
pub struct AgentOptions {
    /// `--model PATH`.
    pub model: Option<PathBuf>,
    /// `--persona NAME`.
    pub persona: Option<String>,
    /// `--backend embedded|http|none`.
    pub backend: Option<String>,
    /// `--url URL`.
    pub url: Option<String>,
}

impl AgentOptions {
    /// The configuration from files and environment, with these options on top.
    pub fn config(&self) -> Result<AgentConfig, CliError> {
        let mut config = AgentConfig::load()?;
        if let Some(model) = &self.model {
            config.model_path = model.clone();
        }
        if let Some(persona) = &self.persona {
            config.persona = persona.clone();
        }
        if let Some(url) = &self.url {
            config.http.url = url.clone();
            // A URL without a backend choice means the HTTP backend.
            if self.backend.is_none() {
                config.backend = BackendKind::Http;
            }
        }
        if let Some(backend) = &self.backend {
            config.backend = backend.parse().map_err(CliError::Usage)?;
        }
        Ok(config)
    }
}

/// `daiw plan TEXT`: the calls as JSON, nothing applied, nothing remembered. The second value
/// is an error to report (exit non-zero) when the model was needed but could not answer.
pub fn plan(text: &str, options: &AgentOptions) -> Result<(String, Option<String>), CliError> {
    let mut config = options.config()?;
    // Without saving, the agent neither reads nor writes the history: a plan depends on the
    // text alone.
    config.save_history = false;
    let mut agent = ChatAgent::new(config)?;
    let plan = agent.plan(text, &mut |_| {});
    let error =
        (plan.source == Source::None && !plan.errors.is_empty()).then(|| plan.errors.join("; "));
    Ok((plan.to_json_string(), error))
}

/// The voice chain settings that mirror a parameter snapshot.
pub fn voice_settings(state: &ParamSnapshot) -> VoiceSettings {
    let mut s = VoiceSettings::default();
    let num = |id: &str| state.number(id);
    s.tune.enabled = matches!(state.get("tune_enabled"), Some(ParamValue::Bool(true)));
    if let Some(ParamValue::Key(k)) = state.get("tune_key") {
        s.tune.key = k;
    }
    if let Some(ParamValue::Scale(sc)) = state.get("tune_scale") {
        s.tune.scale = sc;
    }
    s.tune.retune_ms = num("tune_retune_ms");
    s.tune.amount = num("tune_amount");
    s.tune.humanize = num("tune_humanize");
    s.tune.vibrato = num("tune_vibrato");
    s.pitch_semitones = num("mod_pitch");
    s.formant_semitones = num("mod_formant");
    s.robot = num("mod_robot");
    s.breath = num("mod_breath");
    s.whisper = num("mod_whisper");
    s.warmth = num("mod_warmth");
    s.presence = num("mod_presence");
    s.reverb = num("mod_reverb");
    s.compression = num("mod_compression");
    s.mix = num("mod_mix");
    s.sanitized()
}

/// Plays a WAV file through the voice chain with `settings` and writes `*-voiced.wav` beside
/// it (mono, 32-bit float); returns the new file.
pub fn render_through_voice_chain(
    input: &Path,
    settings: &VoiceSettings,
) -> Result<PathBuf, CliError> {
    let fail = |reason: String| CliError::Render {
        path: input.to_path_buf(),
        reason,
    };
    // The offline WAV reader checks the header against the file before making room for it.
    let audio = crate::offline::wav::read(input).map_err(|e| fail(e.to_string()))?;
    let mut mono = audio.mono();
    let mut chain = VoiceChain::default();
    let block = 512;
    chain.reset(audio.sample_rate as f32, block);
    chain.set_settings(settings);
    let latency = chain.latency_samples();
    // Flush the chain's latency with silence so the end of the speech is not cut.
    mono.extend(std::iter::repeat_n(0.0, latency));
    for chunk in mono.chunks_mut(block) {
        chain.process(&mut [chunk]);
    }
    let out = input.with_file_name(format!(
        "{}-voiced.wav",
        input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "speech".into())
    ));
    let out_spec = hound::WavSpec {
        channels: 1,
        sample_rate: audio.sample_rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut writer = hound::WavWriter::create(&out, out_spec).map_err(|e| fail(e.to_string()))?;
    for s in mono.iter().skip(latency) {
        writer.write_sample(*s).map_err(|e| fail(e.to_string()))?;
    }
    writer.finalize().map_err(|e| fail(e.to_string()))?;
    Ok(out)
}

/// Prints a turn's calls with before -> after values (and renders speech) to `out`.
pub fn print_turn(
    turn: &ChatTurn,
    state: &ParamSnapshot,
    exports: &Path,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for applied in &turn.calls {
        let args = serde_json::Value::Object(applied.call.args.clone());
        writeln!(out, "  [{}] {}", applied.call.tool, args)?;
        if let Some(err) = &applied.error {
            writeln!(out, "    error: {err}")?;
        }
        for effect in &applied.effects {
            writeln!(out, "    {effect}")?;
            if let Effect::Backing { pattern, spec } = effect {
                // The CLI has no audio thread: the pattern is saved as a MIDI file instead.
                let path = exports.join(format!(
                    "backing-{}-{}-{}.mid",
                    spec.style,
                    super::memory::now_secs(),
                    pattern.seed
                ));
                let written = std::fs::create_dir_all(exports)
                    .map_err(|e| e.to_string())
                    .and_then(|_| {
                        crate::music::midi::write_smf(pattern, &path).map_err(|e| e.to_string())
                    });
                match written {
                    Ok(()) => writeln!(out, "    MIDI: {}", path.display())?,
                    Err(e) => writeln!(out, "    could not write the MIDI file: {e}")?,
                }
            }
            if let Effect::Speak { wav_path, .. } = effect {
                match render_through_voice_chain(wav_path, &voice_settings(state)) {
                    Ok(voiced) => {
                        writeln!(out, "    through the voice chain: {}", voiced.display())?
                    }
                    Err(e) => writeln!(out, "    {e}")?,
                }
            }
        }
    }
    Ok(())
}

/// `daiw chatbot`: reads messages line by line (a terminal or a pipe), streams replies and
/// shows each call's changes. `/quit` ends, `/state` prints the settings.
pub fn chatbot(
    options: &AgentOptions,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let config = options.config()?;
    let mut agent = ChatAgent::new(config)?;
    let interactive = std::io::stdin().is_terminal();
    let mut err = std::io::stderr();
    // Load the model and cache the system prompt before the first message.
    if let Err(e) = agent.warm_up() {
        writeln!(err, "daiw chatbot: {e}")?;
    }
    writeln!(err, "daiw chatbot: backend {}", agent.backend_description())?;
    if let Some(e) = agent.backend_error() {
        writeln!(err, "daiw chatbot: the model is not available: {e}")?;
        writeln!(err, "daiw chatbot: clear commands still work (router only)")?;
    }
    if let Some(notice) = agent.memory_notice() {
        writeln!(err, "daiw chatbot: {notice}")?;
    }
    if !agent.memory().history.messages.is_empty() {
        writeln!(
            err,
            "daiw chatbot: continuing a conversation of {} messages ({})",
            agent.memory().history.messages.len(),
            agent.memory().path().display()
        )?;
    }
    let mut line = String::new();
    loop {
        if interactive {
            write!(err, "you> ")?;
            err.flush()?;
        }
        line.clear();
        if input.read_line(&mut line)? == 0 {
            break;
        }
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        match text {
            "/quit" | "/exit" => break,
            "/state" => {
                writeln!(out, "{}", agent.state().to_json())?;
                continue;
            }
            _ => {}
        }
        write!(out, "daiw> ")?;
        out.flush()?;
        let mut streamed = false;
        let turn = {
            let mut on_token = |t: &str| {
                streamed = true;
                let _ = write!(out, "{t}");
                let _ = out.flush();
            };
            agent.chat_streaming(text, &mut on_token)
        };
        if !streamed || !turn.calls.is_empty() {
            if streamed {
                writeln!(out)?;
            }
            write!(out, "{}", turn.reply)?;
        }
        writeln!(out)?;
        let exports = agent.config().home.join("exports");
        print_turn(&turn, agent.state(), &exports, out)?;
        out.flush()?;
        // Problems the reply does not already say (a history that could not be saved).
        for problem in turn
            .errors
            .iter()
            .filter(|e| !turn.reply.contains(e.as_str()))
        {
            writeln!(err, "daiw chatbot: {problem}")?;
        }
    }
    Ok(())
}
