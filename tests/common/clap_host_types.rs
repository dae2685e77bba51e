//! The plain data a test hands the host and gets back: parameter and port descriptions, block
//! patterns, parameter changes, notes in and out, transport, run options and statistics, and
//! the audio signal.

use clack_extensions::params::ParamInfoFlags;
use clack_host::prelude::*;
use std::fmt;
use std::time::Duration;

/// One parameter as reported by `clap.params`.
#[derive(Clone, Debug)]
pub struct ParamDesc {
    /// CLAP parameter id (nice-plug's hash of the stable string id).
    pub id: ClapId,
    /// Display name.
    pub name: String,
    /// CLAP module path (nice-plug's parameter group).
    pub module: String,
    /// Lowest CLAP value.
    pub min: f64,
    /// Highest CLAP value.
    pub max: f64,
    /// Default CLAP value.
    pub default: f64,
    /// CLAP parameter flags.
    pub flags: ParamInfoFlags,
}

impl ParamDesc {
    /// The CLAP value for a normalised position (0..1) in this parameter's range.
    pub fn value_at(&self, normalized: f64) -> f64 {
        self.min + normalized * (self.max - self.min)
    }
}

/// One audio port as reported by `clap.audio-ports`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudioPortDesc {
    /// Channel count.
    pub channels: u32,
    /// Whether the port carries the `IS_MAIN` flag.
    pub is_main: bool,
    /// Port type string ("mono", "stereo", ...), if any.
    pub port_type: Option<String>,
}

/// One layout offered by `clap.audio-ports-config`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortConfigDesc {
    /// Id to pass to `select`.
    pub id: ClapId,
    /// Display name.
    pub name: String,
    /// Main input channel count, if the layout has a main input.
    pub main_in: Option<u32>,
    /// Main output channel count, if the layout has a main output.
    pub main_out: Option<u32>,
}

/// How a run slices its audio into process calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockPattern {
    /// Every call gets this many frames (the last one may get fewer).
    Fixed(usize),
    /// A deterministic walk through every size in 1..=1024, odd and even, in scrambled order.
    Varying,
}

impl BlockPattern {
    /// Largest block the pattern produces, used as `max_frames_count` on activation.
    pub fn max_block(self) -> usize {
        match self {
            Self::Fixed(frames) => frames,
            Self::Varying => 1024,
        }
    }

    /// Frames for the `index`th process call.
    pub fn size(self, index: usize) -> usize {
        match self {
            Self::Fixed(frames) => frames,
            // 389 is odd, so stepping by it modulo 1024 visits every residue once per cycle.
            Self::Varying => 1 + (index * 389) % 1024,
        }
    }
}

impl fmt::Display for BlockPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(frames) => write!(f, "block size {frames}"),
            Self::Varying => f.write_str("varying block sizes 1..=1024"),
        }
    }
}

/// A parameter value event to deliver at an absolute sample position of a run.
#[derive(Clone, Copy, Debug)]
pub struct ParamChange {
    /// Absolute frame index in the run.
    pub sample: usize,
    /// Target parameter.
    pub param_id: ClapId,
    /// New CLAP value.
    pub value: f64,
}

/// The host's transport for a run: playing from `start_beat` at `tempo`, optionally looping.
#[derive(Clone, Copy, Debug)]
pub struct HostTransport {
    /// Tempo in BPM.
    pub tempo: f64,
    /// Position in quarter notes at the first sample.
    pub start_beat: f64,
    /// Whether the transport plays.
    pub playing: bool,
    /// A loop (start, end) in quarter notes; block starts past the end wrap back.
    pub loop_beats: Option<(f64, f64)>,
}

/// A note the plugin sent out, at its absolute sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoteOut {
    /// Absolute sample of the event.
    pub sample: usize,
    /// Note on (true) or off.
    pub on: bool,
    /// MIDI key.
    pub key: u16,
    /// MIDI channel.
    pub channel: u16,
}

/// A note the host sends the plugin's note input, at an absolute sample of a run (or a MIDI
/// control change, such as the sustain pedal, on the same input).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoteIn {
    /// Absolute frame index in the run.
    pub sample: usize,
    /// Note on (true) or off.
    pub on: bool,
    /// MIDI key.
    pub key: u16,
    /// MIDI channel.
    pub channel: u16,
    /// A control change (controller number, MIDI value 0..=127) sent instead of the note, as a
    /// raw MIDI 1.0 event the way hosts pass a keyboard's pedal on.
    pub control: Option<(u8, u8)>,
}

impl NoteIn {
    /// Presses `key` on channel 0 at `sample`.
    pub fn on(sample: usize, key: u16) -> Self {
        Self {
            sample,
            on: true,
            key,
            channel: 0,
            control: None,
        }
    }

    /// Sets controller `cc` to MIDI value `value` on channel 0 at `sample` (CC 64 at 127 is
    /// the sustain pedal down, at 0 up).
    pub fn cc(sample: usize, cc: u8, value: u8) -> Self {
        Self {
            control: Some((cc, value)),
            ..Self::on(sample, 0)
        }
    }

    /// Releases `key` on channel 0 at `sample`.
    pub fn off(sample: usize, key: u16) -> Self {
        Self {
            on: false,
            ..Self::on(sample, key)
        }
    }
}

/// How a run is driven.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// The transport, if the host has one playing.
    pub transport: Option<HostTransport>,
    /// Wait for each block's deadline like a sound card would (otherwise as fast as possible).
    pub real_time: bool,
}

/// What a run did, for the log.
#[derive(Clone, Debug, Default)]
pub struct RunStats {
    /// Number of `process` calls.
    pub process_calls: usize,
    /// Events the plugin wrote to the output event list.
    pub output_events: u32,
    /// Calls that returned `Sleep` (allowed, but worth seeing for an effect).
    pub sleep_statuses: usize,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
    /// Notes the plugin sent out.
    pub notes: Vec<NoteOut>,
    /// Time of every `process` call, in call order.
    pub process_times: Vec<Duration>,
    /// CPU time the audio thread spent in every `process` call (Linux; zero elsewhere): the
    /// difference to `process_times` is time the OS gave to other threads.
    pub process_cpu_times: Vec<Duration>,
}

impl RunStats {
    /// One-line summary including the real-time factor for `frames` at `sample_rate`.
    pub fn summary(&self, frames: usize, sample_rate: f64) -> String {
        let audio_seconds = frames as f64 / sample_rate;
        let wall = self.elapsed.as_secs_f64();
        format!(
            "{} process calls, {:.3} s wall for {:.1} s of audio ({:.0}x real time), \
             {} output events, {} sleep statuses",
            self.process_calls,
            wall,
            audio_seconds,
            audio_seconds / wall.max(1e-9),
            self.output_events,
            self.sleep_statuses
        )
    }
}

/// Planar input and output audio for a run, plus a pristine copy of the input.
pub struct Signal {
    /// Input channels handed to the plugin.
    pub input: Vec<Vec<f32>>,
    /// Output channels the plugin writes.
    pub output: Vec<Vec<f32>>,
    /// What the input should still contain after the run.
    pub reference: Vec<Vec<f32>>,
}

impl Signal {
    /// A sine of `frequency` Hz and peak `amplitude` on every channel.
    pub fn sine(
        channels: usize,
        sample_rate: f64,
        seconds: f64,
        frequency: f64,
        amplitude: f64,
    ) -> Self {
        let frames = (sample_rate * seconds).round() as usize;
        let step = std::f64::consts::TAU * frequency / sample_rate;
        let wave: Vec<f32> = (0..frames)
            .map(|n| (amplitude * (step * n as f64).sin()) as f32)
            .collect();
        Self {
            input: vec![wave.clone(); channels],
            output: vec![vec![f32::NAN; frames]; channels],
            reference: vec![wave; channels],
        }
    }

    /// Frames per channel.
    pub fn frames(&self) -> usize {
        self.input.first().map_or(0, Vec::len)
    }

    /// Overwrites input samples (and the reference copy) on one channel.
    pub fn overwrite_input(&mut self, channel: usize, range: std::ops::Range<usize>, value: f32) {
        self.input[channel][range.clone()].fill(value);
        self.reference[channel][range].fill(value);
    }

    /// Fills the output with NaN so any sample the plugin fails to write is caught as non-finite.
    pub fn poison_output(&mut self) {
        for channel in &mut self.output {
            channel.fill(f32::NAN);
        }
    }

    /// Whether the plugin left the input buffers exactly as handed over (compared bit for bit).
    pub fn input_untouched(&self) -> bool {
        self.input
            .iter()
            .zip(&self.reference)
            .all(|(a, b)| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()))
    }
}
