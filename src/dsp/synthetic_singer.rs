//! A synthetic singer with a known, time-varying f0: the ground truth the DSP tests, the
//! benchmarks and the tool comparisons measure against. Not audio-thread code (it allocates).
//!
//! Source: a Rosenberg glottal pulse per period (jittered and shimmered), differentiated for lip
//! radiation, through a cascade of two-pole formant resonators for a vowel (Klatt style), plus
//! breath noise gated by the glottal cycle (added after the tract, or optionally passed through
//! it). Unvoiced gaps are silence, breath or a fricative.

use super::biquad::{Biquad, BiquadCoefficients};
use super::noise::WhiteNoise;

/// A Klatt-style two-pole formant resonator, unity gain at DC.
#[derive(Debug, Clone, Copy)]
struct Resonator {
    a: f64,
    b: f64,
    c: f64,
    y1: f64,
    y2: f64,
}

impl Resonator {
    fn new(sample_rate: f32, frequency: f32, bandwidth: f32) -> Self {
        let sr = sample_rate as f64;
        let r = (-std::f64::consts::PI * bandwidth as f64 / sr).exp();
        let theta = std::f64::consts::TAU * frequency as f64 / sr;
        let b = 2.0 * r * theta.cos();
        let c = -r * r;
        Self {
            a: 1.0 - b - c,
            b,
            c,
            y1: 0.0,
            y2: 0.0,
        }
    }

    fn process(&mut self, x: f32) -> f32 {
        let y = self.a * x as f64 + self.b * self.y1 + self.c * self.y2;
        self.y2 = self.y1;
        self.y1 = y;
        y as f32
    }

    /// Phase of the response at `omega` rad/sample: H = a / (1 - b e^-jw - c e^-2jw).
    fn phase(&self, omega: f64) -> f64 {
        let re = 1.0 - self.b * omega.cos() - self.c * (2.0 * omega).cos();
        let im = self.b * omega.sin() + self.c * (2.0 * omega).sin();
        -im.atan2(re)
    }

    /// Power gain |H|^2 at `omega` rad/sample.
    fn power(&self, omega: f64) -> f64 {
        let re = 1.0 - self.b * omega.cos() - self.c * (2.0 * omega).cos();
        let im = self.b * omega.sin() + self.c * (2.0 * omega).sin();
        self.a * self.a / (re * re + im * im)
    }

    /// Group delay in samples at `omega`.
    fn group_delay(&self, omega: f64) -> f64 {
        let step = 1.0e-5;
        -(self.phase(omega + step) - self.phase(omega - step)) / (2.0 * step)
    }
}

/// The formant resonators of the configured vowel (those below Nyquist).
fn tract(config: &SingerConfig) -> Vec<Resonator> {
    config
        .vowel
        .formants
        .iter()
        .zip(&config.vowel.bandwidths)
        .filter(|(f, _)| **f < config.sample_rate * 0.45)
        .map(|(&f, &bw)| Resonator::new(config.sample_rate, f, bw))
        .collect()
}

/// What one stretch of the performance is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Segment {
    /// A held note: fractional MIDI pitch (off-key allowed), length, vibrato depth in cents
    /// (peak) and rate in Hz.
    Note {
        /// Fractional MIDI note number.
        midi: f32,
        /// Length in seconds.
        seconds: f32,
        /// Vibrato depth, cents peak.
        vibrato_cents: f32,
        /// Vibrato rate in Hz.
        vibrato_hz: f32,
    },
    /// A continuous glide between two fractional MIDI pitches.
    Glide {
        /// Start pitch.
        from: f32,
        /// End pitch.
        to: f32,
        /// Length in seconds.
        seconds: f32,
    },
    /// No voicing: silence, breath noise or a fricative.
    Gap {
        /// Length in seconds.
        seconds: f32,
        /// What fills the gap.
        kind: GapKind,
    },
}

/// What fills an unvoiced gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapKind {
    /// Digital silence.
    Silence,
    /// Soft broadband breath.
    Breath,
    /// A loud "s"-like fricative.
    Fricative,
}

/// A vowel's first four formants (Hz) and bandwidths (Hz).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Vowel {
    /// Formant frequencies.
    pub formants: [f32; 4],
    /// Formant bandwidths.
    pub bandwidths: [f32; 4],
}

impl Vowel {
    /// The vowel in "father".
    pub const A: Vowel = Vowel {
        formants: [730.0, 1_090.0, 2_440.0, 3_400.0],
        bandwidths: [90.0, 110.0, 170.0, 250.0],
    };
    /// The vowel in "bed".
    pub const E: Vowel = Vowel {
        formants: [530.0, 1_840.0, 2_480.0, 3_500.0],
        bandwidths: [80.0, 120.0, 170.0, 250.0],
    };
    /// The vowel in "boot".
    pub const U: Vowel = Vowel {
        formants: [300.0, 870.0, 2_240.0, 3_300.0],
        bandwidths: [70.0, 100.0, 170.0, 250.0],
    };
}

/// How the singer performs.
#[derive(Debug, Clone, PartialEq)]
pub struct SingerConfig {
    /// Sample rate in Hz.
    pub sample_rate: f32,
    /// Cycle-to-cycle period jitter (relative standard deviation, e.g. 0.003).
    pub jitter: f32,
    /// Cycle-to-cycle amplitude shimmer (relative, e.g. 0.03).
    pub shimmer: f32,
    /// Breath noise level relative to the voice (e.g. 0.03): the ratio of their RMS levels,
    /// with or without `breath_through_tract`.
    pub breathiness: f32,
    /// Whether the breath passes through the vocal tract like the voice (as aspiration made at
    /// the glottis does, so a singer with moved formants also moves its breath's colour), or
    /// is added after it (the default, which the golden fingerprints were made with).
    pub breath_through_tract: bool,
    /// The vowel sung.
    pub vowel: Vowel,
    /// Peak output level.
    pub level: f32,
    /// Noise seed.
    pub seed: u32,
}

impl Default for SingerConfig {
    fn default() -> Self {
        Self {
            sample_rate: 48_000.0,
            jitter: 0.003,
            shimmer: 0.03,
            breathiness: 0.03,
            breath_through_tract: false,
            vowel: Vowel::A,
            level: 0.5,
            seed: 1,
        }
    }
}

/// The rendered performance and its ground truth.
#[derive(Debug, Clone, PartialEq)]
pub struct Performance {
    /// The audio.
    pub samples: Vec<f32>,
    /// The intended f0 per sample in Hz, without jitter (0 where unvoiced).
    pub f0: Vec<f32>,
    /// Sample rate in Hz.
    pub sample_rate: f32,
}

impl Performance {
    /// Ground-truth f0 at fractional sample time `t` (0 outside or unvoiced).
    pub fn f0_at(&self, t: f64) -> f32 {
        if t < 0.0 {
            return 0.0;
        }
        self.f0.get(t.round() as usize).copied().unwrap_or(0.0)
    }

    /// Whether the truth is voiced over the whole span `t ± margin` samples (used to keep
    /// ill-defined onsets and offsets out of accuracy statistics).
    pub fn voiced_around(&self, t: f64, margin: f64) -> bool {
        let start = (t - margin).floor();
        let end = (t + margin).ceil();
        if start < 0.0 || end as usize >= self.f0.len() {
            return false;
        }
        self.f0[start as usize..=end as usize]
            .iter()
            .all(|&f| f > 0.0)
    }
}

/// A Gaussian-ish sample (sum of uniforms) with unit variance.
fn gaussian(noise: &mut WhiteNoise) -> f32 {
    // Four uniforms in -1..1 have variance 4/3.
    (noise.next_value() + noise.next_value() + noise.next_value() + noise.next_value()) * 0.866
}

/// Rosenberg glottal flow for phase 0..1 (open 40 %, closing 16 %).
fn glottal_flow(phase: f32) -> f32 {
    const OPEN: f32 = 0.40;
    const CLOSING: f32 = 0.16;
    if phase < OPEN {
        0.5 * (1.0 - (std::f32::consts::PI * phase / OPEN).cos())
    } else if phase < OPEN + CLOSING {
        (std::f32::consts::FRAC_PI_2 * (phase - OPEN) / CLOSING).cos()
    } else {
        0.0
    }
}

/// Sings `segments` with `config`.
pub fn sing(segments: &[Segment], config: &SingerConfig) -> Performance {
    let sr = config.sample_rate;
    let mut noise = WhiteNoise::new(config.seed);
    let mut formants = tract(config);
    // A copy of the tract for the breath, when it passes through one.
    let mut breath_tract = tract(config);
    let mut fricative_filter = Biquad::new(BiquadCoefficients::high_pass(sr, 4_000.0, 0.7));
    let mut breath_filter = Biquad::new(BiquadCoefficients::high_pass(sr, 1_200.0, 0.7));

    // Voice and noises are rendered apart so the noise levels can be set relative to the voice.
    let mut voice = Vec::new();
    let mut aspiration = Vec::new();
    let mut gap_noise = Vec::new();
    let mut truth = Vec::new();
    let mut phase = 0.0f32;
    let mut cycle_jitter = 1.0f32;
    let mut cycle_gain = 1.0f32;
    let mut previous_flow = 0.0f32;

    for segment in segments {
        let (seconds, gap) = match *segment {
            Segment::Note { seconds, .. } | Segment::Glide { seconds, .. } => (seconds, None),
            Segment::Gap { seconds, kind } => (seconds, Some(kind)),
        };
        let n = (seconds * sr) as usize;
        for i in 0..n {
            let t = i as f32 / sr;
            let mut source = 0.0f32;
            let mut breath = 0.0f32;
            let mut noise_value = 0.0f32;
            if let Some(kind) = gap {
                noise_value = match kind {
                    GapKind::Silence => 0.0,
                    GapKind::Breath => breath_filter.process(noise.next_value()) * 0.04,
                    GapKind::Fricative => fricative_filter.process(noise.next_value()) * 0.4,
                };
                truth.push(0.0);
                previous_flow = 0.0;
                phase = 0.0;
            } else {
                let midi = match *segment {
                    Segment::Note {
                        midi,
                        vibrato_cents,
                        vibrato_hz,
                        ..
                    } => {
                        midi + vibrato_cents / 100.0
                            * (std::f32::consts::TAU * vibrato_hz * t).sin()
                    }
                    Segment::Glide { from, to, seconds } => from + (to - from) * (t / seconds),
                    Segment::Gap { .. } => 0.0,
                };
                let f0 = 440.0 * ((midi - 69.0) / 12.0).exp2();
                truth.push(f0);
                phase += f0 * cycle_jitter / sr;
                if phase >= 1.0 {
                    phase -= 1.0;
                    cycle_jitter = 1.0 + config.jitter * gaussian(&mut noise);
                    cycle_gain = 1.0 + config.shimmer * gaussian(&mut noise);
                }
                let flow = glottal_flow(phase) * cycle_gain;
                // Lip radiation: the derivative of the flow.
                source = (flow - previous_flow) * sr / f0;
                previous_flow = flow;
                breath = breath_filter.process(noise.next_value()) * (0.3 + glottal_flow(phase));
            }
            // The tract keeps ringing into gaps, as a real one does.
            let mut voiced = source;
            for f in formants.iter_mut() {
                voiced = f.process(voiced);
            }
            voice.push(voiced);
            if config.breath_through_tract {
                for f in breath_tract.iter_mut() {
                    breath = f.process(breath);
                }
            }
            aspiration.push(breath);
            gap_noise.push(noise_value);
        }
    }
    let rms = |x: &[f32]| (x.iter().map(|v| v * v).sum::<f32>() / x.len().max(1) as f32).sqrt();
    let voice_peak = voice.iter().fold(0.0f32, |m, x| m.max(x.abs())).max(1.0e-9);
    let voice_rms = rms(&voice) / voice_peak;
    let breath_gain = config.breathiness * voice_rms / rms(&aspiration).max(1.0e-9);
    let samples: Vec<f32> = voice
        .iter()
        .zip(&aspiration)
        .zip(&gap_noise)
        .map(|((v, a), g)| v / voice_peak + a * breath_gain + g)
        .collect();
    // The vocal tract delays what it passes (about 1/(pi * bandwidth) at a formant), so the
    // pitch one hears at time t is the source's pitch a little earlier: shift the truth by the
    // tract's group delay.
    let delay = tract_delay(config);
    let mut truth_heard = vec![0.0f32; truth.len()];
    if delay < truth.len() {
        truth_heard[delay..].copy_from_slice(&truth[..truth.len() - delay]);
    }
    let truth = truth_heard;
    let mut samples = samples;
    let peak = samples
        .iter()
        .fold(0.0f32, |m, x| m.max(x.abs()))
        .max(1.0e-9);
    let gain = config.level / peak;
    for x in samples.iter_mut() {
        *x *= gain;
    }
    Performance {
        samples,
        f0: truth,
        sample_rate: sr,
    }
}

/// The tract's group delay in samples, averaged over frequency with the energy a glottal source
/// (falling 6 dB per octave after lip radiation) has there after the tract: the harmonics that
/// carry the periodicity pass through the tract this late, so that is how late the heard pitch
/// is.
fn tract_delay(config: &SingerConfig) -> usize {
    let resonators = tract(config);
    let sr = config.sample_rate as f64;
    let (mut weighted, mut total) = (0.0f64, 0.0f64);
    for k in 1..=500 {
        let hz = 60.0 + (sr * 0.45 - 60.0) * k as f64 / 500.0;
        let omega = std::f64::consts::TAU * hz / sr;
        let power: f64 = resonators.iter().map(|r| r.power(omega)).product::<f64>() / (hz * hz);
        let delay: f64 = resonators.iter().map(|r| r.group_delay(omega)).sum();
        weighted += power * delay;
        total += power;
    }
    if total > 0.0 {
        (weighted / total).max(0.0).round() as usize
    } else {
        0
    }
}

/// A short phrase with what detectors find hard in real singing: notes across more than an
/// octave, vibrato (5.5 Hz, up to 50 cents), portamento glides (a fifth in 150 ms, an octave
/// and a bit in 350 ms), off-key notes, consonants and breaths. Pitches are MIDI numbers.
pub fn test_phrase(base_midi: f32) -> Vec<Segment> {
    use GapKind::*;
    let note = |midi: f32, seconds: f32, vibrato_cents: f32| Segment::Note {
        midi,
        seconds,
        vibrato_cents,
        vibrato_hz: 5.5,
    };
    vec![
        Segment::Gap {
            seconds: 0.2,
            kind: Silence,
        },
        note(base_midi, 0.6, 0.0),
        Segment::Glide {
            from: base_midi,
            to: base_midi + 7.3,
            seconds: 0.15,
        },
        note(base_midi + 7.3, 0.5, 35.0),
        Segment::Gap {
            seconds: 0.08,
            kind: Fricative,
        },
        note(base_midi + 4.4, 0.5, 0.0),
        Segment::Gap {
            seconds: 0.15,
            kind: Breath,
        },
        note(base_midi + 12.0, 0.5, 50.0),
        Segment::Glide {
            from: base_midi + 12.0,
            to: base_midi - 2.6,
            seconds: 0.35,
        },
        note(base_midi - 2.6, 0.6, 25.0),
        Segment::Gap {
            seconds: 0.2,
            kind: Silence,
        },
    ]
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_audio_with_matching_truth_and_no_clipping() {
        let performance = sing(&test_phrase(57.0), &SingerConfig::default());
        assert_eq!(performance.samples.len(), performance.f0.len());
        let peak = performance
            .samples
            .iter()
            .fold(0.0f32, |m, x| m.max(x.abs()));
        assert!((peak - 0.5).abs() < 1.0e-3);
        let voiced = performance.f0.iter().filter(|&&f| f > 0.0).count();
        assert!(voiced > performance.f0.len() / 2);
        // A3 = 220 Hz for the first note.
        let first_note = performance.f0_at(0.4 * 48_000.0);
        assert!((first_note - 220.0).abs() < 0.01, "{first_note}");
    }
}

#[cfg(test)]
mod delay_tests {
    use super::*;

    #[test]
    fn tract_delay_is_a_few_milliseconds() {
        for vowel in [Vowel::A, Vowel::E, Vowel::U] {
            let config = SingerConfig {
                vowel,
                ..SingerConfig::default()
            };
            let ms = tract_delay(&config) as f32 / 48.0;
            assert!((0.5..8.0).contains(&ms), "{ms} ms");
        }
    }
}
