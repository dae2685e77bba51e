//! A small built-in synthesiser (fundsp) that renders a `Pattern` to audio: synthetic drum
//! voices, a bass and a keys/pad/guitar voice chosen from the General MIDI programs, mixed by a
//! fundsp `Sequencer` and normalised to -1 dBFS so nothing clips. Offline only: it allocates.

use std::path::Path;

use fundsp::prelude32::{
    bandpass_hz, highpass_hz, lfo, lowpass_hz, moog_hz, organ_hz, pan, pluck, saw_hz, shape, sine,
    sine_hz, square_hz, triangle_hz, white, zero, An, AudioNode, AudioUnit, Fade, Sequencer, Tanh,
    Wave, U0, U1,
};
use fundsp::sequencer::ReplayMode;

use thiserror::Error;

use super::backing::{NoteEvent, Part, Pattern};

/// Peak level after normalisation: -1 dBFS.
pub const TARGET_PEAK: f32 = 0.891;

/// Why a WAV could not be written.
#[derive(Debug, Error)]
pub enum SynthError {
    /// Writing failed.
    #[error("could not write {path}: {message}")]
    Write {
        /// The file.
        path: String,
        /// The cause.
        message: String,
    },
    /// Sample rate out of range.
    #[error("sample rate {0} Hz is outside 8000..=192000")]
    SampleRate(u32),
    /// Longer than the renderer holds in memory.
    #[error("{0:.0} s is too long to render (at most {MAX_SECONDS} s)")]
    TooLong(f64),
}

/// Longest render: 20 minutes, already about 0.4 GB of float samples at 44.1 kHz stereo.
pub const MAX_SECONDS: f64 = 1200.0;

/// Rendered stereo audio.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Samples per second.
    pub sample_rate: u32,
    /// Left channel.
    pub left: Vec<f32>,
    /// Right channel.
    pub right: Vec<f32>,
    /// Gain the normaliser applied.
    pub gain: f32,
}

impl Rendered {
    /// Length in seconds.
    pub fn duration_seconds(&self) -> f64 {
        self.left.len() as f64 / self.sample_rate as f64
    }

    /// Largest absolute sample.
    pub fn peak(&self) -> f32 {
        self.left
            .iter()
            .chain(&self.right)
            .fold(0.0f32, |m, &x| m.max(x.abs()))
    }
}

fn freq(note: u8) -> f32 {
    440.0 * 2f32.powf((note as f32 - 69.0) / 12.0)
}

/// Loudness of a velocity: a gentle curve, so soft notes stay audible.
fn amp(velocity: u8) -> f32 {
    let v = velocity as f32 / 127.0;
    0.15 * v + 0.85 * v * v
}

fn stereo<X>(node: An<X>, position: f32) -> Box<dyn AudioUnit>
where
    X: AudioNode<Inputs = U0, Outputs = U1> + Send + Sync + 'static,
{
    Box::new(node >> pan(position))
}

/// A drum voice for a General MIDI percussion note, and how long it rings.
fn drum(note: u8, velocity: u8) -> (Box<dyn AudioUnit>, f64) {
    let a = amp(velocity);
    match note {
        35 | 36 => {
            let body = (lfo(|t: f32| 46.0 + 120.0 * (-t * 28.0).exp()) >> sine())
                * lfo(move |t: f32| a * 1.1 * (-t * 7.0).exp());
            let click = (zero() >> pluck(1800.0, 0.01, 0.2))
                * lfo(move |t: f32| a * 0.3 * (-t * 200.0).exp());
            (stereo(body + click, 0.0), 0.6)
        }
        38 | 40 => {
            let body = sine_hz(190.0) * lfo(move |t: f32| a * 0.55 * (-t * 22.0).exp());
            let wires = (white() >> bandpass_hz(2600.0, 0.6))
                * lfo(move |t: f32| a * 1.2 * (-t * 15.0).exp());
            (stereo(body + wires, 0.05), 0.4)
        }
        37 => {
            let tick = (white() >> bandpass_hz(1600.0, 3.0))
                * lfo(move |t: f32| a * 1.5 * (-t * 60.0).exp());
            (
                stereo(
                    tick + sine_hz(820.0) * lfo(move |t: f32| a * 0.3 * (-t * 80.0).exp()),
                    0.05,
                ),
                0.15,
            )
        }
        39 => {
            // Three quick bursts and a tail: the hands of a clap never land at once.
            let env = move |t: f32| {
                let burst = if t < 0.03 {
                    1.0 - (t * 100.0).fract() * 0.8
                } else {
                    1.0
                };
                a * 1.3 * burst * (-t * 14.0).exp()
            };
            (
                stereo((white() >> bandpass_hz(1300.0, 1.2)) * lfo(env), 0.0),
                0.35,
            )
        }
        42 | 44 => {
            let hat = (white() >> highpass_hz(8000.0, 0.7))
                * lfo(move |t: f32| a * 0.55 * (-t * 65.0).exp());
            (stereo(hat, 0.25), 0.12)
        }
        46 => {
            let hat = (white() >> highpass_hz(7500.0, 0.7))
                * lfo(move |t: f32| a * 0.45 * (-t * 8.0).exp());
            (stereo(hat, 0.25), 0.5)
        }
        49 | 52 | 55 | 57 => {
            let crash = (white() >> highpass_hz(4500.0, 0.5))
                * lfo(move |t: f32| a * 0.5 * (-t * 2.2).exp());
            (stereo(crash, -0.3), 2.0)
        }
        51 | 53 | 59 => {
            let wash = (white() >> highpass_hz(6000.0, 0.6))
                * lfo(move |t: f32| a * 0.22 * (-t * 5.0).exp());
            let bell = sine_hz(3400.0) * lfo(move |t: f32| a * 0.1 * (-t * 4.0).exp());
            (stereo(wash + bell, 0.3), 1.0)
        }
        41 | 43 | 45 | 47 | 48 | 50 => {
            let f = 80.0 + (note as f32 - 41.0) * 11.0;
            let tom = (lfo(move |t: f32| f * (1.0 + 0.5 * (-t * 20.0).exp())) >> sine())
                * lfo(move |t: f32| a * 0.9 * (-t * 9.0).exp());
            (stereo(tom, (note as f32 - 45.0) * 0.06), 0.6)
        }
        54 | 69 | 70 | 82 => {
            let shake = (white() >> highpass_hz(6500.0, 0.8))
                * lfo(move |t: f32| a * 0.5 * (1.0 - (-t * 300.0).exp()) * (-t * 35.0).exp());
            (stereo(shake, -0.35), 0.15)
        }
        56 => {
            let bell = ((sine_hz(545.0) + sine_hz(815.0)) >> bandpass_hz(800.0, 2.0))
                * lfo(move |t: f32| a * 0.6 * (-t * 14.0).exp());
            (stereo(bell, 0.2), 0.3)
        }
        60..=64 => {
            let f = [420.0, 300.0, 330.0, 300.0, 210.0][(note - 60) as usize];
            let drum = (lfo(move |t: f32| f * (1.0 + 0.2 * (-t * 40.0).exp())) >> sine())
                * lfo(move |t: f32| a * 0.8 * (-t * 14.0).exp());
            (
                stereo(drum, if note.is_multiple_of(2) { -0.2 } else { 0.2 }),
                0.4,
            )
        }
        75..=77 => {
            let wood = sine_hz(2400.0) * lfo(move |t: f32| a * 0.7 * (-t * 45.0).exp());
            (stereo(wood, 0.15), 0.15)
        }
        _ => {
            let other = (white() >> bandpass_hz(1000.0, 1.0))
                * lfo(move |t: f32| a * 0.6 * (-t * 20.0).exp());
            (stereo(other, 0.0), 0.2)
        }
    }
}

/// Attack, a decay toward `sustain`, and a release after `hold` seconds.
fn note_envelope(
    level: f32,
    attack: f32,
    decay_rate: f32,
    sustain: f32,
    hold: f32,
    release_rate: f32,
) -> impl FnMut(f32) -> f32 + Clone + Send + Sync {
    move |t: f32| {
        let rise = if attack > 0.0 {
            (t / attack).min(1.0)
        } else {
            1.0
        };
        let body = sustain + (1.0 - sustain) * (-t * decay_rate).exp();
        let release = if t > hold {
            (-(t - hold) * release_rate).exp()
        } else {
            1.0
        };
        level * rise * body * release
    }
}

/// A bass voice for the program, playing for `hold` seconds, and its release time.
fn bass(program: u8, note: u8, velocity: u8, hold: f32) -> (Box<dyn AudioUnit>, f64) {
    let f = freq(note);
    let a = amp(velocity) * 0.9;
    let env = lfo(note_envelope(a, 0.006, 5.0, 0.6, hold, 30.0));
    let voice = match program {
        36 | 37 => stereo(
            ((saw_hz(f) * 0.5 + sine_hz(f) * 0.7) >> lowpass_hz(2200.0, 1.1)) * env,
            0.0,
        ),
        38 | 39 => stereo(
            ((saw_hz(f) * 0.6 + square_hz(f * 0.5) * 0.3) >> moog_hz(900.0, 0.35)) * env,
            0.0,
        ),
        _ => stereo(
            ((triangle_hz(f) * 0.7 + sine_hz(f) * 0.7) >> lowpass_hz(1100.0, 0.7)) * env,
            0.0,
        ),
    };
    (voice, 0.15)
}

/// A chord voice (piano, electric piano, clavinet, organ, guitar or pad) for the program.
fn keys(program: u8, note: u8, velocity: u8, hold: f32) -> (Box<dyn AudioUnit>, f64) {
    let f = freq(note);
    let a = amp(velocity) * 0.32;
    let position = ((note as f32 - 64.0) / 24.0).clamp(-0.6, 0.6);
    match program {
        4..=6 => {
            let tone = sine_hz(f) + sine_hz(f * 2.0) * 0.12;
            let bell = sine_hz(f * 7.0) * lfo(move |t: f32| 0.15 * (-t * 14.0).exp());
            let env = lfo(note_envelope(a, 0.003, 1.2, 0.35, hold, 9.0));
            let tremolo = lfo(|t: f32| 1.0 + 0.08 * (t * 5.0 * std::f32::consts::TAU).sin());
            (stereo((tone + bell) * env * tremolo, position), 0.4)
        }
        7 => {
            let env = lfo(note_envelope(a * 0.8, 0.002, 6.0, 0.2, hold, 25.0));
            (
                stereo((square_hz(f) >> lowpass_hz(2600.0, 1.2)) * env, position),
                0.15,
            )
        }
        16..=23 => {
            let env = lfo(note_envelope(a * 0.7, 0.01, 0.0, 1.0, hold, 20.0));
            (stereo(organ_hz(f) * env, position), 0.2)
        }
        24..=31 => {
            let env = lfo(note_envelope(a * 2.2, 0.0, 0.0, 1.0, hold, 14.0));
            if (29..=30).contains(&program) {
                let string = zero() >> pluck(f, 0.6, 0.4) >> shape(Tanh(3.0));
                (stereo(string * env * 0.5, position), 0.25)
            } else {
                (stereo((zero() >> pluck(f, 0.5, 0.5)) * env, position), 0.25)
            }
        }
        40..=55 | 80..=103 => {
            let tone = (saw_hz(f) + saw_hz(f * 1.004) + saw_hz(f * 0.996)) * 0.33;
            let env = lfo(note_envelope(a * 0.8, 0.12, 0.0, 1.0, hold, 5.0));
            (
                stereo((tone >> lowpass_hz(1900.0, 0.6)) * env, position),
                0.6,
            )
        }
        _ => {
            let tone = sine_hz(f) + sine_hz(f * 2.0) * 0.35 + sine_hz(f * 3.0) * 0.12;
            let env = lfo(note_envelope(a, 0.002, 1.8, 0.25, hold, 10.0));
            (stereo(tone * env, position), 0.4)
        }
    }
}

fn voice_for(pattern: &Pattern, event: &NoteEvent, hold: f32) -> (Box<dyn AudioUnit>, f64) {
    match event.part {
        Part::Drums => drum(event.note, event.velocity),
        Part::Bass => bass(pattern.bass_program, event.note, event.velocity, hold),
        Part::Chords => keys(pattern.chord_program, event.note, event.velocity, hold),
    }
}

/// Renders the pattern to stereo audio exactly as long as the pattern (tails past the last bar
/// line are cut), normalised to `TARGET_PEAK`.
pub fn render(pattern: &Pattern, sample_rate: u32) -> Result<Rendered, SynthError> {
    if !(8000..=192_000).contains(&sample_rate) {
        return Err(SynthError::SampleRate(sample_rate));
    }
    let seconds_per_tick = pattern.seconds_per_tick();
    let duration = pattern.duration_seconds();
    if duration > MAX_SECONDS {
        return Err(SynthError::TooLong(duration));
    }
    let mut sequencer = Sequencer::new(0, 2, ReplayMode::None);
    sequencer.set_sample_rate(sample_rate as f64);
    for event in &pattern.events {
        let start = event.tick as f64 * seconds_per_tick;
        let hold = (event.duration as f64 * seconds_per_tick) as f32;
        let (unit, tail) = voice_for(pattern, event, hold);
        let length = match event.part {
            Part::Drums => tail,
            _ => hold as f64 + tail,
        };
        let end = (start + length).min(duration + 0.01);
        if end <= start {
            continue;
        }
        // A short fade at the end keeps cut tails from clicking.
        let fade = (end - start).min(0.004);
        sequencer.push(start, end, Fade::Smooth, 0.0, fade, unit);
    }
    let wave = Wave::render(sample_rate as f64, duration, &mut sequencer);
    let left = wave.channel(0).clone();
    let right = wave.channel(1).clone();
    let mut audio = Rendered {
        sample_rate,
        left,
        right,
        gain: 1.0,
    };
    let peak = audio.peak();
    if peak > 0.0 && peak.is_finite() {
        let gain = TARGET_PEAK / peak;
        for x in audio.left.iter_mut().chain(audio.right.iter_mut()) {
            *x *= gain;
        }
        audio.gain = gain;
    }
    Ok(audio)
}

/// Writes rendered audio as a 16-bit stereo WAV.
pub fn write_wav(audio: &Rendered, path: &Path) -> Result<(), SynthError> {
    let err = |e: hound::Error| SynthError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: audio.sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).map_err(err)?;
    for (&l, &r) in audio.left.iter().zip(&audio.right) {
        for x in [l, r] {
            let sample = (x.clamp(-1.0, 1.0) * 32767.0).round() as i16;
            writer.write_sample(sample).map_err(err)?;
        }
    }
    writer.finalize().map_err(err)
}

/// Renders the pattern and writes it as a WAV.
pub fn render_wav(
    pattern: &Pattern,
    path: &Path,
    sample_rate: u32,
) -> Result<Rendered, SynthError> {
    let audio = render(pattern, sample_rate)?;
    write_wav(&audio, path)?;
    Ok(audio)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::music::backing::{generate, BackingRequest};

    #[test]
    fn render_is_as_long_as_the_pattern_loud_and_unclipped() {
        let key = "D minor".parse().unwrap();
        let pattern = generate(&BackingRequest::new(key, 120.0, "funk", 2, 4)).unwrap();
        let audio = render(&pattern, 22050).unwrap();
        assert_eq!(
            audio.left.len(),
            (pattern.duration_seconds() * 22050.0).round() as usize
        );
        assert!((audio.peak() - TARGET_PEAK).abs() < 1e-3);
        let rms = (audio.left.iter().map(|x| x * x).sum::<f32>() / audio.left.len() as f32).sqrt();
        assert!(rms > 0.02, "rms {rms}");
        assert!(audio.left.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn every_voice_renders() {
        for note in 30..90 {
            let (mut unit, _) = drum(note, 100);
            unit.set_sample_rate(44100.0);
            let mut peak = 0.0f32;
            for _ in 0..2000 {
                let (l, r) = unit.get_stereo();
                peak = peak.max(l.abs()).max(r.abs());
            }
            assert!(peak > 0.001 && peak.is_finite(), "drum {note}");
        }
        for program in 0..128u8 {
            let (mut unit, _) = keys(program, 60, 100, 0.5);
            unit.set_sample_rate(44100.0);
            let mut energy = 0.0f32;
            for _ in 0..4000 {
                let (l, r) = unit.get_stereo();
                energy += l * l + r * r;
            }
            assert!(energy > 0.01 && energy.is_finite(), "program {program}");
            let (mut unit, _) = bass(program, 40, 100, 0.5);
            unit.set_sample_rate(44100.0);
            let s: f32 = (0..4000).map(|_| unit.get_stereo().0.abs()).sum();
            assert!(s > 0.1, "bass {program}");
        }
    }

    #[test]
    fn bad_sample_rate_is_an_error() {
        let key = "C".parse().unwrap();
        let pattern = generate(&BackingRequest::new(key, 120.0, "pop", 1, 0)).unwrap();
        assert!(matches!(
            render(&pattern, 100),
            Err(SynthError::SampleRate(100))
        ));
    }
}
