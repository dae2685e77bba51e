//! How much of a voiced signal's energy lies in its fundamental: what tells a pure tone (sine,
//! whistle, flute, a very pure high voice, a synthesiser's sawtooth) from a voice whose
//! formants sit above its fundamental.
//!
//! PSOLA keeps formants by sampling each grain's spectrum at the new harmonics. Shifting up,
//! the grains are shorter than an input period, their spectrum is broad and the new fundamental
//! falls inside it. Shifting down, a tone's grain spectrum is one narrow lobe per partial and
//! nothing lies below its fundamental: the old fundamental stays the strongest component.
//! Shifting up two octaves, grains a quarter period long catch little of a new fundamental so
//! far above a lone partial (and grains centred on a sawtooth's smooth ramp catch almost
//! nothing). For a tone the only envelope consistent with the input is the one that moves with
//! its partials (flat around a sine's partial, 1/f for a sawtooth), so the formants must follow
//! the pitch. This unit measures how tone-like the input is; `VoiceChain` turns it into the
//! share of the shift the formants follow.

use super::biquad::{Biquad, BiquadCoefficients};

/// Band-pass quality around the fundamental: the second harmonic of a sawtooth comes through
/// at -13 dB, so its measured share stays near its true 61 %.
const BAND_Q: f32 = 3.0;
/// Time constant of the energy followers: a few periods of the lowest voice (60 Hz).
const ENERGY_SECONDS: f32 = 0.03;
/// Fundamental share at and below which the input counts as a voice (formants kept). The
/// synthetic singer's vowels stay below it from bass to 1 kHz soprano; a pulse train (flat
/// spectrum) is far below.
const VOICE_SHARE: f32 = 0.4;
/// Fundamental share at and above which the input counts as a tone (formants follow the
/// shift): a sawtooth has 61 %, a sine 100 %.
const TONE_SHARE: f32 = 0.55;

/// Samples `process_block` filters at once (its scratch size).
const BLOCK: usize = 256;

/// Measures the share of the input's energy at its fundamental.
#[derive(Debug, Clone)]
pub struct Tonality {
    sample_rate: f32,
    band: Biquad,
    f0: f32,
    band_energy: f32,
    total_energy: f32,
    coefficient: f32,
}

impl Default for Tonality {
    fn default() -> Self {
        Self {
            sample_rate: 48_000.0,
            band: Biquad::default(),
            f0: 0.0,
            band_energy: 0.0,
            total_energy: 0.0,
            coefficient: 0.0,
        }
    }
}

impl Tonality {
    /// Prepares for `sample_rate` (allocates nothing, kept for the units' common shape).
    pub fn prepare(&mut self, sample_rate: f32) {
        self.sample_rate = sample_rate;
        self.coefficient = 1.0 - (-1.0 / (ENERGY_SECONDS * sample_rate)).exp();
        self.clear();
    }

    /// Forgets the signal and the fundamental, in place.
    pub fn clear(&mut self) {
        self.f0 = 0.0;
        self.band.set(BiquadCoefficients::IDENTITY);
        self.band.clear();
        self.band_energy = 0.0;
        self.total_energy = 0.0;
    }

    /// Tunes the band to a newly detected fundamental (once per analysis frame).
    pub fn set_f0(&mut self, f0: f32) {
        if !(f0.is_finite() && f0 > 0.0) || (f0 - self.f0).abs() < 0.002 * f0 {
            return;
        }
        self.f0 = f0;
        self.band
            .set(BiquadCoefficients::band_pass(self.sample_rate, f0, BAND_Q));
    }

    /// Feeds one input sample.
    #[inline]
    pub fn process(&mut self, x: f32) {
        let band = self.band.process(x);
        self.band_energy += self.coefficient * (band * band - self.band_energy);
        self.total_energy += self.coefficient * (x * x - self.total_energy);
    }

    /// Feeds a run of input samples (the same as `process` on each).
    pub fn process_block(&mut self, samples: &[f32]) {
        let mut band = [0.0f32; BLOCK];
        for chunk in samples.chunks(BLOCK) {
            let band = &mut band[..chunk.len()];
            band.copy_from_slice(chunk);
            self.band.process_block(band);
            let c = self.coefficient;
            for (&b, &x) in band.iter().zip(chunk) {
                self.band_energy += c * (b * b - self.band_energy);
                self.total_energy += c * (x * x - self.total_energy);
            }
        }
    }

    /// Share of the recent energy at the fundamental, 0..1.
    pub fn fundamental_share(&self) -> f32 {
        if self.total_energy > 1.0e-12 {
            (self.band_energy / self.total_energy).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// How far the formants should follow a pitch shift: 0 for a voice, 1 for a tone, a smooth
    /// step between.
    pub fn formant_follow(&self) -> f32 {
        let t =
            ((self.fundamental_share() - VOICE_SHARE) / (TONE_SHARE - VOICE_SHARE)).clamp(0.0, 1.0);
        t * t * (3.0 - 2.0 * t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(signal: impl Fn(f32) -> f32, f0: f32) -> f32 {
        let mut tonality = Tonality::default();
        tonality.prepare(48_000.0);
        tonality.set_f0(f0);
        for i in 0..24_000 {
            tonality.process(signal(i as f32 / 48_000.0));
        }
        tonality.fundamental_share()
    }

    #[test]
    fn a_sine_is_a_tone_and_a_pulse_train_is_not() {
        let tau = std::f32::consts::TAU;
        let sine = share(|t| (tau * 300.0 * t).sin(), 300.0);
        assert!(sine > 0.95, "{sine}");
        let saw = share(
            |t| {
                (1..40)
                    .map(|k| (tau * 150.0 * k as f32 * t).sin() / k as f32)
                    .sum()
            },
            150.0,
        );
        assert!((0.55..0.7).contains(&saw), "{saw}");
        let pulses = share(
            |t| (1..40).map(|k| (tau * 150.0 * k as f32 * t).cos()).sum(),
            150.0,
        );
        assert!(pulses < 0.1, "{pulses}");
    }
}
