//! Voice-character effects after the shifter: whisper (noise-excited LPC resynthesis), breath
//! (aspiration noise following the voice's envelope), warmth and presence (shelf and bell),
//! a vocal compressor and a small stereo reverb. Each is a plain struct with `prepare`
//! (may allocate), `clear` (in place) and a per-sample `process`.

use super::biquad::{Biquad, BiquadCoefficients};
use super::noise::WhiteNoise;

mod reverb;
mod whisper;
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

/// Breath's noise seed: fixed, so a cleared chain repeats its output exactly.
const BREATH_SEED: u32 = 0x5eed_0002;

/// Aspiration noise, band-limited to where breath lives and following the voice's envelope.
pub struct Breath {
    /// High-pass then low-pass: the band where breath lives.
    band: [Biquad; 2],
    envelope: f32,
    attack: f32,
    release: f32,
    noise: WhiteNoise,
}

impl Default for Breath {
    fn default() -> Self {
        Self {
            band: [Biquad::default(); 2],
            envelope: 0.0,
            attack: 1.0,
            release: 1.0,
            noise: WhiteNoise::new(BREATH_SEED),
        }
    }
}

impl Breath {
    /// Prepares for `sample_rate` (allocates nothing).
    pub fn prepare(&mut self, sample_rate: f32) {
        self.band = [
            Biquad::new(BiquadCoefficients::high_pass(sample_rate, 1_800.0, 0.7)),
            Biquad::new(BiquadCoefficients::low_pass(
                sample_rate,
                (sample_rate * 0.45).min(9_000.0),
                0.7,
            )),
        ];
        self.attack = one_pole(sample_rate, 0.005);
        self.release = one_pole(sample_rate, 0.06);
        self.clear();
    }

    /// Forgets the voice, in place; the noise restarts from its seed.
    pub fn clear(&mut self) {
        for filter in self.band.iter_mut() {
            filter.clear();
        }
        self.envelope = 0.0;
        self.noise = WhiteNoise::new(BREATH_SEED);
    }

    /// Breath noise for one voice sample (the caller scales and adds it).
    #[inline]
    pub fn process(&mut self, voice: f32) -> f32 {
        let envelope = self.follow(voice);
        let high_passed = self.band[0].process(self.noise.next_value());
        let noise = self.band[1].process(high_passed);
        noise * envelope * 2.0
    }

    /// Moves the voice's envelope towards `voice`'s level (attack when rising, release when
    /// falling) and returns it.
    #[inline]
    fn follow(&mut self, voice: f32) -> f32 {
        let level = voice.abs();
        let coefficient = if level > self.envelope {
            self.attack
        } else {
            self.release
        };
        self.envelope += coefficient * (level - self.envelope);
        self.envelope
    }

    /// `process` on each sample of `voice` (at most `BREATH_BLOCK`), the breath noise written
    /// to `out`: the noise and its two filters (in one pass) as whole loops.
    pub fn process_block(&mut self, voice: &[f32], out: &mut [f32]) {
        let frames = voice.len().min(out.len()).min(BREATH_BLOCK);
        let (voice, out) = (&voice[..frames], &mut out[..frames]);
        for n in out.iter_mut() {
            *n = self.noise.next_value();
        }
        Biquad::process_cascade_block(&mut self.band, out);
        for (n, &x) in out.iter_mut().zip(voice) {
            *n = *n * self.follow(x) * 2.0;
        }
    }
}

/// Most samples `Breath::process_block` takes at once.
pub const BREATH_BLOCK: usize = 256;

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

/// A feed-forward vocal compressor whose single `amount` sets threshold, ratio and make-up.
/// The envelope runs per sample; the gain curve (logs and powers) every few samples, smoothed.
pub struct Compressor {
    envelope: f32,
    attack: f32,
    release: f32,
    threshold_db: f32,
    ratio: f32,
    makeup_db: f32,
    amount: f32,
    gain: f32,
    target_gain: f32,
    gain_smoothing: f32,
    countdown: u32,
}

/// Samples between gain-curve evaluations.
const COMPRESSOR_CONTROL_PERIOD: u32 = 16;

impl Default for Compressor {
    fn default() -> Self {
        Self {
            envelope: 0.0,
            attack: 1.0,
            release: 1.0,
            threshold_db: 0.0,
            ratio: 1.0,
            makeup_db: 0.0,
            amount: 0.0,
            gain: 1.0,
            target_gain: 1.0,
            gain_smoothing: 1.0,
            countdown: 0,
        }
    }
}

impl Compressor {
    /// Prepares for `sample_rate` (allocates nothing).
    pub fn prepare(&mut self, sample_rate: f32) {
        self.attack = one_pole(sample_rate, 0.004);
        self.release = one_pole(sample_rate, 0.12);
        self.gain_smoothing = one_pole(sample_rate, 0.001);
        self.set_amount(0.0);
        self.clear();
    }

    /// Forgets the level, in place; the amount stays.
    pub fn clear(&mut self) {
        self.envelope = 0.0;
        self.gain = 1.0;
        self.target_gain = 1.0;
        self.countdown = 0;
    }

    /// 0 = off; 1 = threshold -36 dBFS, ratio 6:1, with half the reduction made up.
    pub fn set_amount(&mut self, amount: f32) {
        let amount = amount.clamp(0.0, 1.0);
        self.amount = amount;
        self.threshold_db = -12.0 - 24.0 * amount;
        self.ratio = 1.0 + 5.0 * amount;
        self.makeup_db = 0.5 * (-self.threshold_db) * (1.0 - 1.0 / self.ratio) * amount;
    }

    /// Compresses one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        if self.amount <= 0.0 {
            return x;
        }
        let level = x.abs();
        let coefficient = if level > self.envelope {
            self.attack
        } else {
            self.release
        };
        self.envelope += coefficient * (level - self.envelope);
        if self.countdown == 0 {
            self.countdown = COMPRESSOR_CONTROL_PERIOD;
            let level_db = 20.0 * (self.envelope + 1.0e-9).log10();
            let over = level_db - self.threshold_db;
            let reduction_db = if over > 0.0 {
                over * (1.0 - 1.0 / self.ratio)
            } else {
                0.0
            };
            self.target_gain = 10f32.powf((self.makeup_db - reduction_db) / 20.0);
        }
        self.countdown -= 1;
        self.gain += self.gain_smoothing * (self.target_gain - self.gain);
        x * self.gain
    }

    /// Compresses a run of samples in place (the same as `process` on each; nothing to do
    /// while off).
    pub fn process_block(&mut self, samples: &mut [f32]) {
        if self.amount <= 0.0 {
            return;
        }
        for x in samples.iter_mut() {
            *x = self.process(*x);
        }
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
    fn breath_follows_the_voice_and_is_silent_in_silence() {
        let mut breath = Breath::default();
        breath.prepare(48_000.0);
        let silent: Vec<f32> = (0..4_800).map(|_| breath.process(0.0)).collect();
        assert!(rms(&silent) < 1.0e-6);
        let loud: Vec<f32> = (0..4_800)
            .map(|i| breath.process(if i % 300 < 150 { 0.5 } else { -0.5 }))
            .collect();
        assert!(rms(&loud[2_400..]) > 0.01);
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
