//! Voice-character effects after the shifter: whisper (noise-excited LPC resynthesis), breath
//! (aspiration noise following the voice's envelope), warmth and presence (shelf and bell),
//! a vocal compressor and a small stereo reverb. Each is a plain struct with `prepare`
//! (may allocate), `clear` (in place) and a per-sample `process`.

use super::biquad::{Biquad, BiquadCoefficients};
use super::smoother::LinearSmoother;

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
///
/// At flat a control's filter is the identity, so it is skipped. A control that comes back to
/// flat fades its filter out (as it was) over `TONE_FADE_SECONDS` before it stops; one that
/// leaves flat fades its filter in from a cleared state: neither edge clicks.
pub struct Tone {
    sample_rate: f32,
    /// The warmth shelf, then the presence bell.
    stages: [Biquad; 2],
    /// The controls the stages were last set for (warmth, presence).
    controls: [f32; 2],
    /// How much of each stage's output is heard: 1 while its control is off flat, 0 (the
    /// stage skipped) once it has been flat for a fade.
    heard: [LinearSmoother; 2],
}

impl Default for Tone {
    fn default() -> Self {
        Self {
            sample_rate: 48_000.0,
            stages: [Biquad::default(); 2],
            controls: [0.5; 2],
            heard: [LinearSmoother::new(0.0), LinearSmoother::new(0.0)],
        }
    }
}

/// Largest boost or cut of the tone controls in dB.
pub const TONE_RANGE_DB: f32 = 8.0;
/// Length of the fade of a stage in or out when its control leaves or reaches flat (the
/// effects' amount ramp).
const TONE_FADE_SECONDS: f32 = 0.02;
/// A control this close to 0.5 is flat: its filter is within 0.0013 dB of the identity.
const FLAT_WITHIN: f32 = 1.0e-4;
/// Samples a fade handles at once (its dry copy lives on the stack).
const FADE_RUN: usize = 256;

impl Tone {
    /// Prepares for `sample_rate`, flat (allocates nothing).
    pub fn prepare(&mut self, sample_rate: f32) {
        self.sample_rate = sample_rate;
        self.stages = [Biquad::default(); 2];
        self.controls = [0.5; 2];
        for heard in self.heard.iter_mut() {
            heard.reset(sample_rate, TONE_FADE_SECONDS, 0.0);
        }
    }

    /// Forgets the filters' state, in place; the settings stay and the fades jump to their end.
    pub fn clear(&mut self) {
        for ((stage, heard), &control) in self
            .stages
            .iter_mut()
            .zip(self.heard.iter_mut())
            .zip(&self.controls)
        {
            stage.clear();
            let level = if is_flat(control) { 0.0 } else { 1.0 };
            heard.reset(self.sample_rate, TONE_FADE_SECONDS, level);
        }
    }

    /// Updates the controls (call at control rate; cheap when unchanged).
    pub fn set(&mut self, warmth: f32, presence: f32) {
        for (index, control) in [warmth, presence].into_iter().enumerate() {
            if (control - self.controls[index]).abs() <= FLAT_WITHIN {
                continue;
            }
            self.controls[index] = control;
            if is_flat(control) {
                // Faded out as it was: switching to the identity at once would jump.
                self.heard[index].set_target(0.0);
                continue;
            }
            if !self.heard[index].is_ramping() && self.heard[index].current() <= 0.0 {
                // Leaving flat: the stage starts from silence, faded in.
                self.stages[index].clear();
            }
            let db = (control.clamp(0.0, 1.0) - 0.5) * 2.0 * TONE_RANGE_DB;
            let coefficients = if index == 0 {
                BiquadCoefficients::low_shelf(self.sample_rate, 250.0, db)
            } else {
                BiquadCoefficients::peaking(self.sample_rate, 3_500.0, 0.9, db)
            };
            self.stages[index].set(coefficients);
            self.heard[index].set_target(1.0);
        }
    }

    /// Whether both controls sit at flat.
    pub fn is_flat(&self) -> bool {
        self.controls.iter().all(|&control| is_flat(control))
    }

    /// Filters one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        let mut one = [x];
        self.process_block(&mut one);
        one[0]
    }

    /// Filters a run of samples in place (the same as `process` on each): nothing while flat,
    /// the stages that are off flat in one pass, and a stage fading in or out crossfaded with
    /// its input.
    pub fn process_block(&mut self, samples: &mut [f32]) {
        let heard = |stage: &LinearSmoother| stage.is_ramping() || stage.current() > 0.0;
        let live = [heard(&self.heard[0]), heard(&self.heard[1])];
        if !self.heard.iter().any(LinearSmoother::is_ramping) {
            match live {
                [true, true] => Biquad::process_cascade_block(&mut self.stages, samples),
                [true, false] => self.stages[0].process_block(samples),
                [false, true] => self.stages[1].process_block(samples),
                [false, false] => {}
            }
            return;
        }
        for run in samples.chunks_mut(FADE_RUN) {
            for (stage, heard) in self.stages.iter_mut().zip(self.heard.iter_mut()) {
                if !heard.is_ramping() {
                    if heard.current() <= 0.0 {
                        continue;
                    }
                    stage.process_block(run);
                    continue;
                }
                let mut dry = [0.0f32; FADE_RUN];
                let dry = &mut dry[..run.len()];
                dry.copy_from_slice(run);
                stage.process_block(run);
                for (x, &d) in run.iter_mut().zip(dry.iter()) {
                    *x = d + heard.next_value() * (*x - d);
                }
                if !heard.is_ramping() && heard.current() <= 0.0 {
                    // Faded out: the stage stops here and restarts from silence.
                    stage.clear();
                }
            }
        }
    }
}

/// Whether a tone control sits at flat.
fn is_flat(control: f32) -> bool {
    (control - 0.5).abs() <= FLAT_WITHIN
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

    /// A 100 Hz sine at 48 kHz, amplitude 0.5.
    fn low_sine(samples: usize) -> Vec<f32> {
        (0..samples)
            .map(|i| 0.5 * (std::f32::consts::TAU * 100.0 * i as f32 / 48_000.0).sin())
            .collect()
    }

    /// Largest step between neighbouring samples.
    fn largest_step(x: &[f32]) -> f32 {
        x.windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0, f32::max)
    }

    #[test]
    fn tone_leaving_and_returning_to_flat_fades_without_a_click() {
        let mut tone = Tone::default();
        tone.prepare(48_000.0);
        tone.clear();
        let input = low_sine(48_000);
        let mut out = input.clone();
        // Full warmth at once, then flat at once, a block of 480 at a time.
        for (n, block) in out.chunks_mut(480).enumerate() {
            let warmth = if (20..60).contains(&n) { 1.0 } else { 0.5 };
            tone.set(warmth, 0.5);
            tone.process_block(block);
        }
        // A 100 Hz sine at 0.5 steps at most 0.0065 a sample; +8 dB of shelf makes 0.016.
        // A filter switched in or out at once would jump by up to the sine's amplitude.
        let step = largest_step(&out);
        assert!(step < 0.02, "largest step {step}");
        // Boosted while warm (a 100 Hz sine under a +8 dB shelf at 250 Hz gains over 5 dB).
        let peak = |x: &[f32]| x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(
            peak(&out[40 * 480..60 * 480]) > 0.5 * 1.8,
            "{}",
            peak(&out[40 * 480..60 * 480])
        );
        // Faded out after flat again: the input, untouched, sample for sample.
        assert_eq!(&out[62 * 480..], &input[62 * 480..]);
    }

    #[test]
    fn tone_with_one_control_flat_is_the_other_filter_alone() {
        let input = low_sine(9_600);
        for (warmth, presence) in [(0.8, 0.5), (0.5, 0.2)] {
            let mut tone = Tone::default();
            tone.prepare(48_000.0);
            tone.set(warmth, presence);
            tone.clear();
            let mut out = input.clone();
            tone.process_block(&mut out);
            let mut shelf = Biquad::new(BiquadCoefficients::low_shelf(
                48_000.0,
                250.0,
                (warmth - 0.5) * 2.0 * TONE_RANGE_DB,
            ));
            let mut bell = Biquad::new(BiquadCoefficients::peaking(
                48_000.0,
                3_500.0,
                0.9,
                (presence - 0.5) * 2.0 * TONE_RANGE_DB,
            ));
            for (i, (&x, &y)) in input.iter().zip(&out).enumerate() {
                let expected = bell.process(shelf.process(x));
                assert!(
                    (expected - y).abs() < 1.0e-6,
                    "sample {i}: {expected} vs {y}"
                );
            }
        }
    }
}
