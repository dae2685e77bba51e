//! The last stage of the chain: a smoothed output gain, and a guard that nothing non-finite
//! reaches the host.

use super::sanitize::sanitize_block;
use super::smoother::LinearSmoother;

/// Gain changes ramp over this long: short enough to feel immediate, long enough not to click.
const GAIN_RAMP_SECONDS: f32 = 0.02;

/// Converts decibels to a linear amplitude factor.
#[inline]
pub fn db_to_gain(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}

/// Applies a smoothed gain to a multichannel block in place.
#[derive(Debug, Clone)]
pub struct OutputStage {
    gain: LinearSmoother,
}

impl Default for OutputStage {
    fn default() -> Self {
        Self {
            gain: LinearSmoother::new(1.0),
        }
    }
}

impl OutputStage {
    /// Prepares for `sample_rate`, jumping to `gain_db`.
    pub fn reset(&mut self, sample_rate: f32, gain_db: f32) {
        self.gain
            .reset(sample_rate, GAIN_RAMP_SECONDS, db_to_gain(gain_db));
    }

    /// Processes `frames` samples of every channel in place towards `gain_db`. Non-finite
    /// samples become silence.
    pub fn process(&mut self, channels: &mut [&mut [f32]], frames: usize, gain_db: f32) {
        self.gain.set_target(db_to_gain(gain_db));
        for channel in channels.iter_mut() {
            let len = frames.min(channel.len());
            sanitize_block(&mut channel[..len]);
        }
        if !self.gain.is_ramping() {
            let gain = self.gain.target();
            if gain != 1.0 {
                for channel in channels.iter_mut() {
                    let len = frames.min(channel.len());
                    channel[..len].iter_mut().for_each(|s| *s *= gain);
                }
            }
            return;
        }
        // Ramping: advance the smoother once per frame and apply it to every channel.
        for i in 0..frames {
            let gain = self.gain.next_value();
            for channel in channels.iter_mut() {
                if let Some(sample) = channel.get_mut(i) {
                    *sample *= gain;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(stage: &mut OutputStage, input: &[f32], gain_db: f32) -> Vec<f32> {
        let mut out = input.to_vec();
        let frames = out.len();
        stage.process(&mut [&mut out[..]], frames, gain_db);
        out
    }

    #[test]
    fn unity_gain_is_transparent() {
        let mut stage = OutputStage::default();
        stage.reset(48_000.0, 0.0);
        let input: Vec<f32> = (0..256).map(|i| (i as f32 * 0.1).sin()).collect();
        assert_eq!(run(&mut stage, &input, 0.0), input);
    }

    #[test]
    fn gain_change_ramps_then_settles_on_the_exact_factor() {
        let mut stage = OutputStage::default();
        stage.reset(1_000.0, 0.0);
        let ones = vec![1.0f32; 40];
        let out = run(&mut stage, &ones, -6.0);
        let target = db_to_gain(-6.0);
        // 20 ms at 1 kHz = 20 samples of ramp, strictly decreasing, then flat at the target.
        assert!(out[..20].windows(2).all(|w| w[1] < w[0]));
        assert!((out[19] - target).abs() < 1e-6);
        assert!(out[20..].iter().all(|&v| (v - target).abs() < 1e-6));
    }

    #[test]
    fn non_finite_input_gives_silence_not_nan() {
        let mut stage = OutputStage::default();
        stage.reset(48_000.0, 0.0);
        let out = run(&mut stage, &[f32::NAN, 1.0, f32::INFINITY], 0.0);
        assert_eq!(out, vec![0.0, 1.0, 0.0]);
    }
}
