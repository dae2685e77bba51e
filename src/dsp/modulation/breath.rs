//! Breath: aspiration noise, band-limited to where breath lives, following the voice's envelope.
//! The band-limited noise is filtered once at `prepare` into a `NoiseLoop`; per sample only
//! the envelope runs.

use crate::dsp::biquad::{Biquad, BiquadCoefficients};
use crate::dsp::noise_loop::NoiseLoop;

use super::one_pole;

/// Breath's noise seed: fixed, so a cleared chain repeats its output exactly.
const BREATH_SEED: u32 = 0x5eed_0002;

/// Samples `Breath::process_block` keeps envelopes of at once (its stack scratch).
const STRETCH: usize = 256;

/// Aspiration noise, band-limited to where breath lives and following the voice's envelope.
pub struct Breath {
    /// White noise through a high-pass then a low-pass (the band where breath lives).
    noise: NoiseLoop,
    envelope: f32,
    attack: f32,
    release: f32,
}

impl Default for Breath {
    fn default() -> Self {
        Self {
            noise: NoiseLoop::default(),
            envelope: 0.0,
            attack: 1.0,
            release: 1.0,
        }
    }
}

impl Breath {
    /// Prepares for `sample_rate`; allocates the noise loop and filters it.
    pub fn prepare(&mut self, sample_rate: f32) {
        let mut band = [
            Biquad::new(BiquadCoefficients::high_pass(sample_rate, 1_800.0, 0.7)),
            Biquad::new(BiquadCoefficients::low_pass(
                sample_rate,
                (sample_rate * 0.45).min(9_000.0),
                0.7,
            )),
        ];
        self.noise.prepare(sample_rate, BREATH_SEED, &mut |run| {
            Biquad::process_cascade_block(&mut band, run)
        });
        self.attack = one_pole(sample_rate, 0.005);
        self.release = one_pole(sample_rate, 0.06);
        self.clear();
    }

    /// Forgets the voice, in place; the noise restarts.
    pub fn clear(&mut self) {
        self.envelope = 0.0;
        self.noise.clear();
    }

    /// Breath noise for one voice sample (the caller scales and adds it).
    #[inline]
    pub fn process(&mut self, voice: f32) -> f32 {
        let envelope = follow(self.envelope, voice, self.attack, self.release);
        self.envelope = envelope;
        self.noise.next_value() * envelope * 2.0
    }

    /// `process` on each sample of `voice`, the breath noise written to `out` (the same
    /// numbers): the noise read as a copy, the envelope as one loop (the recursion alone),
    /// then the noise scaled by it as whole vectors, a stretch at a time.
    #[inline(always)]
    pub fn process_block(&mut self, voice: &[f32], out: &mut [f32]) {
        let frames = voice.len().min(out.len());
        let (voice, out) = (&voice[..frames], &mut out[..frames]);
        self.noise.fill(out);
        let (attack, release) = (self.attack, self.release);
        let mut envelope = self.envelope;
        let mut envelopes = [0.0f32; STRETCH];
        for (voice, out) in voice.chunks(STRETCH).zip(out.chunks_mut(STRETCH)) {
            let envelopes = &mut envelopes[..voice.len()];
            for (e, &x) in envelopes.iter_mut().zip(voice) {
                envelope = follow(envelope, x, attack, release);
                *e = envelope;
            }
            for (n, &e) in out.iter_mut().zip(envelopes.iter()) {
                *n = *n * e * 2.0;
            }
        }
        self.envelope = envelope;
    }
}

/// The voice's envelope after `voice`: towards its level, with `attack` when rising and
/// `release` when falling.
#[inline(always)]
fn follow(envelope: f32, voice: f32, attack: f32, release: f32) -> f32 {
    let level = voice.abs();
    let coefficient = if level > envelope { attack } else { release };
    envelope + coefficient * (level - envelope)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rms(x: &[f32]) -> f32 {
        (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt()
    }

    /// A steady loud voice (a square wave) for `samples`.
    fn voice(samples: usize) -> Vec<f32> {
        (0..samples)
            .map(|i| if i % 300 < 150 { 0.5 } else { -0.5 })
            .collect()
    }

    #[test]
    fn follows_the_voice_and_is_silent_in_silence() {
        let mut breath = Breath::default();
        breath.prepare(48_000.0);
        let silent: Vec<f32> = (0..4_800).map(|_| breath.process(0.0)).collect();
        assert!(rms(&silent) < 1.0e-6);
        let loud: Vec<f32> = voice(4_800).iter().map(|&x| breath.process(x)).collect();
        assert!(rms(&loud[2_400..]) > 0.01);
    }

    #[test]
    fn any_run_lengths_give_the_samples_one_by_one() {
        for sample_rate in [16_000.0, 44_100.0, 96_000.0] {
            let input = voice((sample_rate * 0.5) as usize);
            let mut one = Breath::default();
            one.prepare(sample_rate);
            let expected: Vec<f32> = input.iter().map(|&x| one.process(x)).collect();
            let mut block = Breath::default();
            block.prepare(sample_rate);
            let mut got = vec![0.0f32; input.len()];
            let mut start = 0;
            for length in [1usize, 300, 17, 4_096, 1_000, 479].iter().cycle() {
                if start >= input.len() {
                    break;
                }
                let end = (start + length).min(input.len());
                block.process_block(&input[start..end], &mut got[start..end]);
                start = end;
            }
            for (i, (a, b)) in got.iter().zip(&expected).enumerate() {
                assert_eq!(a.to_bits(), b.to_bits(), "{sample_rate} Hz, sample {i}");
            }
        }
    }

    /// Level of `signal` at `freq` (a single-bin DFT over the whole signal).
    fn level_at(signal: &[f32], sample_rate: f32, freq: f32) -> f32 {
        let w = std::f64::consts::TAU * freq as f64 / sample_rate as f64;
        let (mut re, mut im) = (0.0f64, 0.0f64);
        for (i, &x) in signal.iter().enumerate() {
            re += x as f64 * (w * i as f64).cos();
            im += x as f64 * (w * i as f64).sin();
        }
        ((re * re + im * im).sqrt() / signal.len() as f64) as f32
    }

    #[test]
    fn the_noise_lives_between_1_8_and_9_khz_at_any_rate() {
        for sample_rate in [44_100.0, 48_000.0, 96_000.0] {
            let mut breath = Breath::default();
            breath.prepare(sample_rate);
            let out: Vec<f32> = voice(sample_rate as usize)
                .iter()
                .map(|&x| breath.process(x))
                .collect();
            let tail = &out[(sample_rate * 0.1) as usize..];
            // Averaged over neighbouring bins, so one bin's chance level does not decide.
            let band = |centre: f32| {
                (-4..=4)
                    .map(|k| level_at(tail, sample_rate, centre + 7.0 * k as f32))
                    .sum::<f32>()
            };
            // Two octaves under the high-pass, and 1.5 octaves or more over the low-pass.
            let above = (sample_rate * 0.45).min(27_000.0);
            let (low, inside, high) = (band(450.0), band(4_000.0), band(above));
            assert!(
                inside > 8.0 * low,
                "{sample_rate} Hz: 450 Hz {low}, 4 kHz {inside}"
            );
            assert!(
                inside > 4.0 * high,
                "{sample_rate} Hz: {above} Hz {high}, 4 kHz {inside}"
            );
        }
    }
}
