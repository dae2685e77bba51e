//! The music brain's command-line subcommands (`daiw intent ...`, `daiw backing`, `daiw names`):
//! argument definitions for clap and their implementations, writing JSON to the given output.
//! `src/bin/daiw.rs` only dispatches here.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Subcommand};
use serde::Serialize;
use serde_json::json;
use thiserror::Error;

use super::backing::{generate, BackingError, BackingRequest, Part, Pattern};
use super::data;
use super::intent::{parse_mode, today_utc, IntentError, SongIntent, ValidationReport};
use super::midi::{write_smf, MidiError};
use super::plan::{process, Plan, PlanError};
use super::synth::{render_wav, SynthError};
use super::theory::{Key, TheoryError};
use super::titles::{suggest_titles, TitleError};

/// Why a music subcommand failed.
#[derive(Debug, Error)]
pub enum CliError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// An intent file is not valid JSON.
    #[error("{path}: {source}")]
    IntentJson {
        /// The file.
        path: String,
        /// The cause.
        source: IntentError,
    },
    /// An intent file has field errors.
    #[error("{path}: {count} error(s): {list}", count = report.errors.len(),
        list = report.errors.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("; "))]
    InvalidIntent {
        /// The file.
        path: String,
        /// Errors and warnings.
        report: ValidationReport,
    },
    /// Processing failed.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// Generation failed.
    #[error(transparent)]
    Backing(#[from] BackingError),
    /// A key or mode could not be read.
    #[error(transparent)]
    Theory(#[from] TheoryError),
    /// MIDI export failed.
    #[error(transparent)]
    Midi(#[from] MidiError),
    /// WAV rendering failed.
    #[error(transparent)]
    Synth(#[from] SynthError),
    /// Titles failed.
    #[error(transparent)]
    Titles(#[from] TitleError),
    /// Arguments that do not fit together.
    #[error("{0}")]
    Usage(String),
    /// Nothing matched.
    #[error("{0}")]
    NotFound(String),
}

/// `daiw intent ...`
#[derive(Debug, Subcommand)]
pub enum IntentCommand {
    /// Write a new song-intent template with every field explained (in its `_help` section).
    New {
        /// Working title.
        #[arg(long)]
        title: String,
        /// Where to write the JSON file.
        #[arg(long)]
        output: PathBuf,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Check an intent file: prints errors and warnings as JSON, exits non-zero on errors.
    Validate {
        /// The intent file.
        file: PathBuf,
    },
    /// List the rule-breaks whose example emotions match EMOTION.
    Suggest {
        /// An emotion, e.g. grief, longing, defiance.
        emotion: String,
    },
    /// Turn an intent into a musical plan (JSON on stdout).
    Process {
        /// The intent file.
        file: PathBuf,
        /// Seed of every choice (same seed, same plan).
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
}

/// `daiw backing`: generate a backing pattern and write it as MIDI and/or WAV.
#[derive(Debug, Args)]
pub struct BackingArgs {
    /// Key or tonic: F, Bb, F#m, "A minor", "D dorian".
    #[arg(long, required_unless_present = "intent")]
    pub key: Option<String>,
    /// Mode: major, minor, dorian, phrygian, lydian, mixolydian, locrian, ... (overrides a mode
    /// in --key).
    #[arg(long)]
    pub mode: Option<String>,
    /// Tempo in BPM.
    #[arg(long, required_unless_present = "intent")]
    pub tempo: Option<f64>,
    /// Style: pop, rock, funk, hiphop, ballad, jazz, blues, latin, reggae, edm, lofi, neo_soul.
    #[arg(long, required_unless_present = "intent")]
    pub style: Option<String>,
    /// Length in bars.
    #[arg(long, required_unless_present = "intent")]
    pub bars: Option<u32>,
    /// Seed of every random choice (same inputs and seed, same pattern).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Write a Standard MIDI File here.
    #[arg(long)]
    pub mid: Option<PathBuf>,
    /// Write a WAV rendered by the built-in synthesiser here.
    #[arg(long)]
    pub wav: Option<PathBuf>,
    /// Sample rate of the WAV.
    #[arg(long, default_value_t = 44100)]
    pub sample_rate: u32,
    /// Play a song intent's plan instead (the other options then override the plan).
    #[arg(long)]
    pub intent: Option<PathBuf>,
}

/// `daiw names`: suggest song titles.
#[derive(Debug, Args)]
pub struct NamesArgs {
    /// Mood: grief, bittersweet, melancholy, hopeful, joy, rage, longing, nostalgia, ...
    #[arg(long, required_unless_present = "intent")]
    pub mood: Option<String>,
    /// How many titles.
    #[arg(long, default_value_t = 5)]
    pub count: usize,
    /// Seed (same inputs and seed, same titles).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Imagery texture, e.g. "Open/Vast", "Muffled".
    #[arg(long)]
    pub imagery: Option<String>,
    /// Words from the song's story to build titles from.
    #[arg(long)]
    pub words: Option<String>,
    /// Take mood, imagery and words from an intent file.
    #[arg(long)]
    pub intent: Option<PathBuf>,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> CliError + '_ {
    move |source| CliError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn print_json<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| CliError::Usage(e.to_string()))?;
    writeln!(out, "{text}").map_err(io_error(Path::new("<stdout>")))
}

/// Reads and validates an intent file; field errors become `CliError::InvalidIntent`.
pub fn load_intent(path: &Path) -> Result<SongIntent, CliError> {
    let text = std::fs::read_to_string(path).map_err(io_error(path))?;
    let (intent, report) =
        SongIntent::check_json(&text).map_err(|source| CliError::IntentJson {
            path: path.display().to_string(),
            source,
        })?;
    if !report.is_valid() {
        return Err(CliError::InvalidIntent {
            path: path.display().to_string(),
            report,
        });
    }
    Ok(intent)
}

/// Runs `daiw intent ...`.
pub fn run_intent(command: IntentCommand, out: &mut dyn Write) -> Result<(), CliError> {
    match command {
        IntentCommand::New {
            title,
            output,
            force,
        } => {
            if output.exists() && !force {
                return Err(CliError::Usage(format!(
                    "{} exists; pass --force to replace it",
                    output.display()
                )));
            }
            let intent = SongIntent::template(&title, &today_utc());
            std::fs::write(&output, intent.to_template_json() + "\n").map_err(io_error(&output))?;
            print_json(
                out,
                &json!({ "written": output.display().to_string(), "title": title,
                         "next": format!("fill in the fields, then `daiw intent validate {0}` and `daiw intent process {0}`", output.display()) }),
            )
        }
        IntentCommand::Validate { file } => {
            let text = std::fs::read_to_string(&file).map_err(io_error(&file))?;
            let (_, report) =
                SongIntent::check_json(&text).map_err(|source| CliError::IntentJson {
                    path: file.display().to_string(),
                    source,
                })?;
            print_json(
                out,
                &json!({ "file": file.display().to_string(), "valid": report.is_valid(),
                         "errors": report.errors, "warnings": report.warnings }),
            )?;
            if report.is_valid() {
                Ok(())
            } else {
                Err(CliError::InvalidIntent {
                    path: file.display().to_string(),
                    report,
                })
            }
        }
        IntentCommand::Suggest { emotion } => {
            let rules = super::intent::suggest_rules(&emotion);
            if rules.is_empty() {
                let mut emotions: Vec<&str> = data::rule_breaks()
                    .iter()
                    .flat_map(|r| r.example_emotions.iter().map(String::as_str))
                    .collect();
                emotions.sort_unstable();
                emotions.dedup();
                return Err(CliError::NotFound(format!(
                    "no rule-break lists '{emotion}'; emotions in the catalogue: {}",
                    emotions.join(", ")
                )));
            }
            print_json(out, &json!({ "emotion": emotion, "rules": rules }))
        }
        IntentCommand::Process { file, seed } => {
            let intent = load_intent(&file)?;
            let plan = process(&intent, seed)?;
            print_json(out, &plan)
        }
    }
}

/// A JSON summary of a generated pattern.
#[derive(Serialize)]
struct PatternSummary<'a> {
    style: &'a str,
    key: String,
    tempo_bpm: f64,
    bars: u32,
    ppq: u16,
    time_signature: [u8; 2],
    swing: f64,
    seed: u64,
    length_ticks: u32,
    duration_seconds: f64,
    chords: Vec<ChordSummary>,
    notes: serde_json::Value,
    programs: serde_json::Value,
    midi: Option<String>,
    wav: Option<String>,
    timings_ms: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<&'a Plan>,
}

/// One chord span of the summary.
#[derive(Serialize)]
struct ChordSummary {
    bar: u32,
    start_tick: u32,
    end_tick: u32,
    chord: String,
    numeral: String,
    borrowed: bool,
    root: u8,
    pitch_classes: Vec<u8>,
}

fn key_from_args(key: &str, mode: Option<&str>) -> Result<Key, CliError> {
    let parsed: Key = key.parse()?;
    match mode {
        None => Ok(parsed),
        Some(text) => {
            let scale = parse_mode(text).ok_or_else(|| {
                CliError::Usage(format!(
                    "'{text}' is not a mode; expected major, minor or one of: {}",
                    super::theory::ScaleKind::IDS.join(", ")
                ))
            })?;
            Ok(Key::new(parsed.tonic, scale))
        }
    }
}

/// Runs `daiw backing`.
pub fn run_backing(args: BackingArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let started = Instant::now();
    let (mut request, plan) = match &args.intent {
        Some(path) => {
            let intent = load_intent(path)?;
            let plan = process(&intent, args.seed)?;
            (plan.backing_request(), Some(plan))
        }
        None => {
            let (Some(key), Some(tempo), Some(style), Some(bars)) =
                (&args.key, args.tempo, &args.style, args.bars)
            else {
                return Err(CliError::Usage(
                    "give --key, --tempo, --style and --bars (or --intent FILE)".into(),
                ));
            };
            let key = key_from_args(key, args.mode.as_deref())?;
            (
                BackingRequest::new(key, tempo, style, bars, args.seed),
                None,
            )
        }
    };
    if plan.is_some() {
        if let Some(key) = &args.key {
            request.key = key_from_args(key, args.mode.as_deref())?;
        }
        if let Some(tempo) = args.tempo {
            request.tempo_bpm = tempo;
        }
        if let Some(style) = &args.style {
            request.style = style.clone();
            request.swing = None;
        }
        if let Some(bars) = args.bars {
            request.bars = bars;
        }
    }
    let pattern = generate(&request)?;
    let generated = started.elapsed();
    if let Some(path) = &args.mid {
        write_smf(&pattern, path)?;
    }
    let midi_done = started.elapsed();
    if let Some(path) = &args.wav {
        render_wav(&pattern, path, args.sample_rate)?;
    }
    let wav_done = started.elapsed();
    let ms = |d: std::time::Duration| (d.as_secs_f64() * 1e4).round() / 10.0;
    let summary = summarize(
        &pattern,
        args.mid.as_deref(),
        args.wav.as_deref(),
        json!({
            "generate": ms(generated),
            "midi": ms(midi_done - generated),
            "wav": ms(wav_done - midi_done),
        }),
        plan.as_ref(),
    );
    print_json(out, &summary)
}

fn summarize<'a>(
    pattern: &'a Pattern,
    mid: Option<&Path>,
    wav: Option<&Path>,
    timings_ms: serde_json::Value,
    plan: Option<&'a Plan>,
) -> PatternSummary<'a> {
    let tpb = pattern.ticks_per_bar();
    PatternSummary {
        style: &pattern.style,
        key: pattern.key.to_string(),
        tempo_bpm: pattern.tempo_bpm,
        bars: pattern.bars,
        ppq: pattern.ppq,
        time_signature: [pattern.time_signature.0, pattern.time_signature.1],
        swing: pattern.swing,
        seed: pattern.seed,
        length_ticks: pattern.length_ticks(),
        duration_seconds: pattern.duration_seconds(),
        chords: pattern
            .chords
            .iter()
            .map(|s| ChordSummary {
                bar: s.start / tpb + 1,
                start_tick: s.start,
                end_tick: s.end,
                chord: s.chord.symbol(),
                numeral: s.numeral.clone(),
                borrowed: s.borrowed,
                root: s.chord.root.pitch_class().semitone(),
                pitch_classes: s
                    .chord
                    .pitch_classes()
                    .iter()
                    .map(|p| p.semitone())
                    .collect(),
            })
            .collect(),
        notes: json!({
            "drums": pattern.part(Part::Drums).count(),
            "bass": pattern.part(Part::Bass).count(),
            "chords": pattern.part(Part::Chords).count(),
            "chromatic": pattern.events.iter().filter(|e| e.chromatic).count(),
        }),
        programs: json!({ "bass": pattern.bass_program, "chords": pattern.chord_program }),
        midi: mid.map(|p| p.display().to_string()),
        wav: wav.map(|p| p.display().to_string()),
        timings_ms,
        plan,
    }
}

/// Runs `daiw names`.
pub fn run_names(args: NamesArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let intent = args.intent.as_deref().map(load_intent).transpose()?;
    let mood = match (&args.mood, &intent) {
        (Some(m), _) => m.clone(),
        (None, Some(i)) => i
            .song_intent
            .mood_primary
            .map(|m| m.name().to_string())
            .unwrap_or_default(),
        (None, None) => return Err(CliError::Usage("give --mood (or --intent FILE)".into())),
    };
    let imagery = args.imagery.clone().or_else(|| {
        intent
            .as_ref()
            .and_then(|i| i.song_intent.imagery_texture.map(|t| t.name().to_string()))
    });
    let words = args
        .words
        .clone()
        .or_else(|| intent.as_ref().map(SongIntent::meaning_text))
        .unwrap_or_default();
    let titles = suggest_titles(&mood, imagery.as_deref(), &words, args.count, args.seed)?;
    print_json(
        out,
        &json!({ "mood": mood, "resolved_mood": super::titles::resolve_mood(&mood)?,
                 "imagery": imagery, "seed": args.seed, "titles": titles }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_date() {
        let d = today_utc();
        assert_eq!(d.len(), 10);
        assert!(d.starts_with("20"));
        assert_eq!(&d[4..5], "-");
    }

    #[test]
    fn keys_and_modes_combine() {
        assert_eq!(key_from_args("F#m", None).unwrap().to_string(), "F# minor");
        assert_eq!(
            key_from_args("A", Some("minor")).unwrap().to_string(),
            "A minor"
        );
        assert_eq!(
            key_from_args("F major", None).unwrap().to_string(),
            "F major"
        );
        assert_eq!(
            key_from_args("D", Some("dorian")).unwrap().to_string(),
            "D dorian"
        );
        assert!(key_from_args("Q", None).is_err());
        assert!(key_from_args("C", Some("bebop")).is_err());
    }
}
