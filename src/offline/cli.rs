//! Arguments and drivers of `daiw render` and `daiw analyze` (the binary stays thin).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use thiserror::Error;

use crate::dsp::correction::FollowChords;
use crate::dsp::harmony::chord_track::ChordTones;
use crate::dsp::harmony::HarmonyMode;
use crate::dsp::presets::{self, PresetError};
use crate::dsp::VoiceSettings;
use crate::music::listen::notes::notes_to_csv;
use crate::music::midi::MidiError;
use crate::music::theory::{Key, PitchClass, ScaleKind, TheoryError};

use super::analyze::{pitch_track, to_csv, KeyAnswer, Listening};
use super::render::{as_stereo, render_with_chords, write_stems};
use super::render_chords::{ChartError, ChordChart};
use super::wav::{self, WavError};

/// What can go wrong in `render` or `analyze`.
#[derive(Debug, Error)]
pub enum OfflineError {
    /// A WAV problem.
    #[error(transparent)]
    Wav(#[from] WavError),
    /// An unknown preset.
    #[error(transparent)]
    Preset(#[from] PresetError),
    /// A bad key or scale.
    #[error(transparent)]
    Theory(#[from] TheoryError),
    /// The sung notes could not be written as MIDI.
    #[error(transparent)]
    Midi(#[from] MidiError),
    /// A value outside its range.
    #[error("--{option} {value} is out of range ({range})")]
    OutOfRange {
        /// The option.
        option: &'static str,
        /// The value given.
        value: f32,
        /// The allowed range.
        range: &'static str,
    },
    /// A tuning option without `--key`.
    #[error("--{0} needs --key (tuning applies only when a key is given)")]
    NeedsKey(&'static str),
    /// A bad chord chart.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// An option that needs another one.
    #[error("--{0} needs --{1}")]
    Needs(&'static str, &'static str),
    /// A word an option does not know.
    #[error("--{option} {value}: expected one of {expected}")]
    UnknownChoice {
        /// The option.
        option: &'static str,
        /// The value given.
        value: String,
        /// What it accepts.
        expected: &'static str,
    },
    /// Writing the result failed.
    #[error("could not write the output: {0}")]
    Output(#[from] std::io::Error),
    /// JSON encoding failed.
    #[error("could not encode JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// `daiw render IN.wav OUT.wav [options]`: amounts are 0..1; tuning applies when --key is given.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Input WAV (16/24/32-bit integer or float, mono or stereo, any rate).
    pub input: PathBuf,
    /// Output WAV (same format as the input).
    pub output: PathBuf,
    /// A tuning preset (transparent, natural, moderate, aggressive, hard_tune, vulnerable) or a
    /// voice preset (intimate_whisper, vulnerable, powerful, ethereal, dark, bright, robot,
    /// neutral); explicit options override it.
    #[arg(long)]
    pub preset: Option<String>,
    /// Key to tune to (C, C#, Db, ... B); turns tuning on.
    #[arg(long)]
    pub key: Option<String>,
    /// Scale (major, minor, harmonic_minor, ... chromatic); default major.
    #[arg(long)]
    pub scale: Option<String>,
    /// Retune speed in ms (0 = hard snap).
    #[arg(long = "retune-ms")]
    pub retune_ms: Option<f32>,
    /// Correction amount 0..1.
    #[arg(long)]
    pub amount: Option<f32>,
    /// Humanize 0..1.
    #[arg(long)]
    pub humanize: Option<f32>,
    /// Vibrato preservation 0..1.
    #[arg(long)]
    pub vibrato: Option<f32>,
    /// Pitch shift in semitones (-24..24).
    #[arg(long, allow_hyphen_values = true)]
    pub pitch: Option<f32>,
    /// Formant shift in semitones (-12..12).
    #[arg(long, allow_hyphen_values = true)]
    pub formant: Option<f32>,
    /// Robot 0..1 (`--robot` alone means 1).
    #[arg(long, num_args = 0..=1, default_missing_value = "1")]
    pub robot: Option<f32>,
    /// Breathiness 0..1.
    #[arg(long)]
    pub breath: Option<f32>,
    /// Whisper 0..1.
    #[arg(long)]
    pub whisper: Option<f32>,
    /// Warmth 0..1 (0.5 flat).
    #[arg(long)]
    pub warmth: Option<f32>,
    /// Presence 0..1 (0.5 flat).
    #[arg(long)]
    pub presence: Option<f32>,
    /// Reverb 0..1.
    #[arg(long)]
    pub reverb: Option<f32>,
    /// Compression 0..1.
    #[arg(long)]
    pub compression: Option<f32>,
    /// Dry/wet mix 0..1.
    #[arg(long)]
    pub mix: Option<f32>,
    /// Chord chart the voice is sung over: one chord per 4/4 bar ("C G Am F"), or
    /// `CHORD:BARS` ("C:2 G:2"); it loops to the end. Needs --tempo.
    #[arg(long)]
    pub chords: Option<String>,
    /// Tempo of the chord chart in BPM (20..400).
    #[arg(long)]
    pub tempo: Option<f32>,
    /// Correction follows the chords: `chord` (chord tones only, the default) or `scale`
    /// (chord tones plus the key's scale, for passing notes). Turns tuning on.
    #[arg(long = "follow-chords", num_args = 0..=1, default_missing_value = "chord")]
    pub follow_chords: Option<String>,
    /// Harmony voices 0..3 (chord tones with --chords, diatonic in --key without).
    #[arg(long)]
    pub harmony: Option<u8>,
    /// How harmony voices pick notes: chord or diatonic.
    #[arg(long = "harmony-mode")]
    pub harmony_mode: Option<String>,
    /// Also write lead.wav and harmony-1.wav.. (each part alone) into this folder.
    #[arg(long)]
    pub stems: Option<PathBuf>,
}

/// `daiw analyze IN.wav [--csv] [--key | --notes] [--mid OUT.mid [--tempo BPM]]`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Input WAV.
    pub input: PathBuf,
    /// CSV instead of JSON: `time_s,f0_hz,voiced` rows, or with --notes one row per note.
    #[arg(long)]
    pub csv: bool,
    /// Print the key and scale the singing is in: {"key","scale","confidence"}.
    #[arg(long, conflicts_with_all = ["notes", "csv"])]
    pub key: bool,
    /// Print the sung notes: start_s, end_s, midi, cents, vibrato_hz, vibrato_cents.
    #[arg(long)]
    pub notes: bool,
    /// Write the sung notes as a Standard MIDI File.
    #[arg(long, value_name = "OUT.mid")]
    pub mid: Option<PathBuf>,
    /// Tempo of the MIDI file in BPM (20..400; default 120).
    #[arg(long, requires = "mid")]
    pub tempo: Option<f32>,
}

/// Tempo of `--mid` files when `--tempo` is not given.
const DEFAULT_MIDI_TEMPO: f32 = 120.0;

fn check(
    option: &'static str,
    value: Option<f32>,
    lo: f32,
    hi: f32,
    range: &'static str,
) -> Result<Option<f32>, OfflineError> {
    match value {
        Some(v) if !(v.is_finite() && (lo..=hi).contains(&v)) => Err(OfflineError::OutOfRange {
            option,
            value: v,
            range,
        }),
        other => Ok(other),
    }
}

impl RenderArgs {
    /// The chain settings these arguments ask for.
    pub fn settings(&self) -> Result<VoiceSettings, OfflineError> {
        let mut s = VoiceSettings::default();
        if let Some(name) = &self.preset {
            presets::apply_named(name, &mut s)?;
        }
        let unit = |option, value| check(option, value, 0.0, 1.0, "0..1");
        match &self.key {
            Some(key) => {
                s.tune.enabled = true;
                s.tune.key = key.parse::<PitchClass>()?;
                if let Some(scale) = &self.scale {
                    s.tune.scale = scale.parse::<ScaleKind>()?;
                }
            }
            None => {
                for (option, given) in [
                    ("scale", self.scale.is_some()),
                    ("retune-ms", self.retune_ms.is_some()),
                    ("amount", self.amount.is_some()),
                    ("humanize", self.humanize.is_some()),
                    ("vibrato", self.vibrato.is_some()),
                ] {
                    if given {
                        return Err(OfflineError::NeedsKey(option));
                    }
                }
            }
        }
        if let Some(v) = check("retune-ms", self.retune_ms, 0.0, 2_000.0, "0..2000 ms")? {
            s.tune.retune_ms = v;
        }
        let assign = |target: &mut f32, value: Option<f32>| {
            if let Some(v) = value {
                *target = v;
            }
        };
        assign(&mut s.tune.amount, unit("amount", self.amount)?);
        assign(&mut s.tune.humanize, unit("humanize", self.humanize)?);
        assign(&mut s.tune.vibrato, unit("vibrato", self.vibrato)?);
        assign(
            &mut s.pitch_semitones,
            check("pitch", self.pitch, -24.0, 24.0, "-24..24 semitones")?,
        );
        assign(
            &mut s.formant_semitones,
            check("formant", self.formant, -12.0, 12.0, "-12..12 semitones")?,
        );
        assign(&mut s.robot, unit("robot", self.robot)?);
        assign(&mut s.breath, unit("breath", self.breath)?);
        assign(&mut s.whisper, unit("whisper", self.whisper)?);
        assign(&mut s.warmth, unit("warmth", self.warmth)?);
        assign(&mut s.presence, unit("presence", self.presence)?);
        assign(&mut s.reverb, unit("reverb", self.reverb)?);
        assign(&mut s.compression, unit("compression", self.compression)?);
        assign(&mut s.mix, unit("mix", self.mix)?);
        Ok(s)
    }
}

impl RenderArgs {
    /// The chord chart and its tempo, when given (both or neither).
    fn chart(&self) -> Result<Option<(ChordChart, f64)>, OfflineError> {
        match (&self.chords, self.tempo) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(OfflineError::Needs("chords", "tempo")),
            (None, Some(_)) => Err(OfflineError::Needs("tempo", "chords")),
            (Some(text), Some(tempo)) => {
                let tempo =
                    check("tempo", Some(tempo), 20.0, 400.0, "20..400 BPM")?.unwrap_or(120.0);
                Ok(Some((ChordChart::parse(text)?, f64::from(tempo))))
            }
        }
    }

    /// Adds chord following and harmony to `s`; returns the key the chords are heard in.
    fn apply_harmony(
        &self,
        s: &mut VoiceSettings,
        chart: Option<&ChordChart>,
    ) -> Result<Key, OfflineError> {
        let key = match (&self.key, chart) {
            (Some(_), _) | (None, None) => Key::from_pitch_class(s.tune.key, s.tune.scale),
            (None, Some(chart)) => chart.implied_key(),
        };
        if let Some(mode) = &self.follow_chords {
            if chart.is_none() {
                return Err(OfflineError::Needs("follow-chords", "chords"));
            }
            s.tune.follow_chords = match mode.as_str() {
                "chord" | "chords" => FollowChords::ChordTones,
                "scale" | "chord+scale" => FollowChords::ChordAndScale,
                other => {
                    return Err(OfflineError::UnknownChoice {
                        option: "follow-chords",
                        value: other.to_string(),
                        expected: "chord, scale",
                    })
                }
            };
            if !s.tune.enabled {
                // Following chords is tuning: without --key the chart's own key is used.
                s.tune.enabled = true;
                s.tune.key = key.tonic_pc();
                s.tune.scale = key.scale;
            }
        }
        if let Some(voices) = self.harmony {
            if voices > 3 {
                return Err(OfflineError::OutOfRange {
                    option: "harmony",
                    value: f32::from(voices),
                    range: "0..3 voices",
                });
            }
            if voices > 0 && chart.is_none() && self.key.is_none() {
                return Err(OfflineError::Needs("harmony", "chords or --key"));
            }
            s.harmony.voices = voices;
        }
        if let Some(mode) = &self.harmony_mode {
            s.harmony.mode = match mode.as_str() {
                "chord" => HarmonyMode::Chord,
                "diatonic" => HarmonyMode::Diatonic,
                other => {
                    return Err(OfflineError::UnknownChoice {
                        option: "harmony-mode",
                        value: other.to_string(),
                        expected: "chord, diatonic",
                    })
                }
            };
        }
        if self.key.is_none() && chart.is_some() && s.harmony.voices > 0 && !s.tune.enabled {
            // Diatonic fallbacks and passing notes need a scale: the chart's key.
            s.tune.key = key.tonic_pc();
            s.tune.scale = key.scale;
        }
        Ok(key)
    }
}

/// Runs `daiw render`.
pub fn run_render(args: &RenderArgs) -> Result<(), OfflineError> {
    let mut settings = args.settings()?;
    let chart = args.chart()?;
    let key = args.apply_harmony(&mut settings, chart.as_ref().map(|(c, _)| c))?;
    let mut audio = wav::read(&args.input)?;
    if settings.harmony.voices > 0 {
        audio = as_stereo(&audio);
    }
    let changes: Vec<(usize, ChordTones)> = match &chart {
        Some((chart, tempo)) => {
            chart.changes(key, *tempo, f64::from(audio.sample_rate), audio.frames())
        }
        None => Vec::new(),
    };
    let rendered = render_with_chords(&audio, &settings, &changes);
    wav::write(&args.output, &rendered)?;
    if let Some(dir) = &args.stems {
        write_stems(dir, &audio, &settings, &changes)?;
    }
    Ok(())
}

/// Runs `daiw analyze`, writing CSV or JSON to `out`.
pub fn run_analyze(args: &AnalyzeArgs, out: &mut impl Write) -> Result<(), OfflineError> {
    let tempo = args.tempo.unwrap_or(DEFAULT_MIDI_TEMPO);
    let tempo = check("tempo", Some(tempo), 20.0, 400.0, "20..400 BPM")?.unwrap_or(tempo);
    let audio = wav::read(&args.input)?;
    let rows = pitch_track(&audio);
    if args.key || args.notes || args.mid.is_some() {
        let listening = Listening::of_track(&rows);
        if let Some(path) = &args.mid {
            let bytes = listening.midi_bytes(tempo)?;
            std::fs::write(path, bytes).map_err(|source| MidiError::Io {
                path: path.display().to_string(),
                source,
            })?;
        }
        if args.key {
            serde_json::to_writer(&mut *out, &KeyAnswer::from(listening.key))?;
            writeln!(out)?;
        } else if args.notes && args.csv {
            out.write_all(notes_to_csv(&listening.notes).as_bytes())?;
        } else if args.notes {
            serde_json::to_writer_pretty(&mut *out, &listening.notes)?;
            writeln!(out)?;
        }
        return Ok(());
    }
    if args.csv {
        out.write_all(to_csv(&rows).as_bytes())?;
    } else {
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        writeln!(out)?;
    }
    Ok(())
}
