//! Voice-character effects after the shifter: whisper (noise-excited LPC resynthesis), breath
//! (aspiration noise following the voice's envelope), warmth and presence (shelf and bell),
//! a vocal compressor and a small stereo reverb. Each is a plain struct with `prepare`
//! (may allocate), `clear` (in place) and a per-sample `process`.

use super::biquad::{Biquad, BiquadCoefficients};

mod breath;
mod compressor;
mod reverb;
mod whisper;
pub use breath::Breath;
pub use compressor::Compressor;
pub use reverb::Reverb;
pub use whisper::Whisper;

/// One-pole smoothing coefficient for a time constant in seconds.
#[inline]
pub(crate) fn one_pole(sample_rate: f32, seconds: f32) -> f32 {
    if seconds <= 0.0 {
        1.0
    } else {
        1.0 - (-1.0 / (seconds * sample_rate)).exp()
    }
}

/// Warmth (low shelf at 250 Hz) and presence (bell at 3.5 kHz), each ±8 dB around 0.5 = flat.
pub struct Tone {
    sample_rate: f32,
    /// The warmth shelf, then the presence bell.
    stages: [Biquad; 2],
    warmth: f32,
    presence: f32,
}

impl Default for Tone {
    fn default() -> Self {
        Self {
            sample_rate: 48_000.0,
            stages: [Biquad::default(); 2],
            warmth: 0.5,
            presence: 0.5,
        }
    }
}

/// Largest boost or cut of the tone controls in dB.
pub const TONE_RANGE_DB: f32 = 8.0;

impl Tone {
    /// Prepares for `sample_rate`, flat (allocates nothing).
    pub fn prepare(&mut self, sample_rate: f32) {
        self.sample_rate = sample_rate;
        self.stages = [Biquad::default(); 2];
        self.warmth = 0.5;
        self.presence = 0.5;
    }

    /// Forgets the filters' state, in place; the settings stay.
    pub fn clear(&mut self) {
        for stage in self.stages.iter_mut() {
            stage.clear();
        }
    }

    /// Updates the controls (call at control rate; cheap when unchanged).
    pub fn set(&mut self, warmth: f32, presence: f32) {
        if (warmth - self.warmth).abs() > 1.0e-4 {
            self.warmth = warmth;
            let db = (warmth.clamp(0.0, 1.0) - 0.5) * 2.0 * TONE_RANGE_DB;
            self.stages[0].set(BiquadCoefficients::low_shelf(self.sample_rate, 250.0, db));
        }
        if (presence - self.presence).abs() > 1.0e-4 {
            self.presence = presence;
            let db = (presence.clamp(0.0, 1.0) - 0.5) * 2.0 * TONE_RANGE_DB;
            self.stages[1].set(BiquadCoefficients::peaking(
                self.sample_rate,
                3_500.0,
                0.9,
                db,
            ));
        }
    }

    /// Whether both controls sit at flat (the filters can be skipped).
    pub fn is_flat(&self) -> bool {
        (self.warmth - 0.5).abs() <= 1.0e-4 && (self.presence - 0.5).abs() <= 1.0e-4
    }

    /// Filters one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        let shelved = self.stages[0].process(x);
        self.stages[1].process(shelved)
    }

    /// Filters a run of samples in place (the same as `process` on each), both filters in one
    /// pass.
    pub fn process_block(&mut self, samples: &mut [f32]) {
        Biquad::process_cascade_block(&mut self.stages, samples);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rms(x: &[f32]) -> f32 {
        (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt()
    }

    fn vowel(sample_rate: f32, seconds: f32) -> Vec<f32> {
        let mut f1 = Biquad::new(BiquadCoefficients::peaking(sample_rate, 700.0, 6.0, 20.0));
        let period = (sample_rate / 140.0) as usize;
        (0..(sample_rate * seconds) as usize)
            .map(|i| f1.process(if i % period == 0 { 1.0 } else { 0.0 }) * 0.2)
            .collect()
    }

    #[test]
    fn whisper_keeps_the_level_and_loses_the_pitch() {
        let sample_rate = 48_000.0;
        let voice = vowel(sample_rate, 1.0);
        let mut whisper = Whisper::default();
        whisper.prepare(sample_rate);
        let out: Vec<f32> = voice.iter().map(|&x| whisper.process(x)).collect();
        let ratio = rms(&out[12_000..]) / rms(&voice[12_000..]);
        assert!(ratio > 0.3 && ratio < 3.0, "level ratio {ratio}");
        assert!(out.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn compressor_reduces_loud_input_more_than_quiet_input() {
        let mut c = Compressor::default();
        c.prepare(48_000.0);
        c.set_amount(1.0);
        let loud: Vec<f32> = (0..48_000).map(|i| 0.9 * (i as f32 * 0.06).sin()).collect();
        let quiet: Vec<f32> = loud.iter().map(|x| x * 0.01).collect();
        let out_loud: Vec<f32> = loud.iter().map(|&x| c.process(x)).collect();
        c.prepare(48_000.0);
        c.set_amount(1.0);
        let out_quiet: Vec<f32> = quiet.iter().map(|&x| c.process(x)).collect();
        let gain_loud = rms(&out_loud[24_000..]) / rms(&loud[24_000..]);
        let gain_quiet = rms(&out_quiet[24_000..]) / rms(&quiet[24_000..]);
        assert!(
            gain_loud < 0.5 * gain_quiet,
            "loud {gain_loud}, quiet {gain_quiet}"
        );
        c.set_amount(0.0);
        assert_eq!(c.process(0.3), 0.3);
    }

    #[test]
    fn tone_at_half_is_flat() {
        let mut t = Tone::default();
        t.prepare(48_000.0);
        t.set(0.5, 0.5);
        assert!(t.is_flat());
        assert_eq!(t.process(0.25), 0.25);
    }
}
