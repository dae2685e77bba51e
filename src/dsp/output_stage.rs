//! The last stage of the chain: smoothed output gain and a click-free bypass crossfade.

use super::sanitize::sanitize_block;
use super::smoother::LinearSmoother;

/// Gain changes ramp over this long: short enough to feel immediate, long enough not to click.
const GAIN_RAMP_SECONDS: f32 = 0.02;
/// Bypass crossfades over this long.
const BYPASS_RAMP_SECONDS: f32 = 0.01;

/// Converts decibels to a linear amplitude factor.
#[inline]
pub fn db_to_gain(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}

/// Applies the output gain and the bypass crossfade to a multichannel block in place.
///
/// `dry` holds the untouched input per channel (what bypass should let through); the processed
/// signal is in `channels`. The two are crossfaded by the smoothed bypass state.
#[derive(Debug, Clone)]
pub struct OutputStage {
    gain: LinearSmoother,
    wet: LinearSmoother,
    sample_rate: f32,
}

impl Default for OutputStage {
    fn default() -> Self {
        Self {
            gain: LinearSmoother::new(1.0),
            wet: LinearSmoother::new(1.0),
            sample_rate: 48_000.0,
        }
    }
}

impl OutputStage {
    /// Prepares for `sample_rate`, jumping to `gain_db` and the given bypass state.
    pub fn reset(&mut self, sample_rate: f32, gain_db: f32, bypassed: bool) {
        self.sample_rate = sample_rate;
        self.gain
            .reset(sample_rate, GAIN_RAMP_SECONDS, db_to_gain(gain_db));
        self.wet.reset(
            sample_rate,
            BYPASS_RAMP_SECONDS,
            if bypassed { 0.0 } else { 1.0 },
        );
    }

    /// Processes one block in place. Every channel slice must be at least `frames` long, as
    /// must every `dry` slice; extra channels of `channels` without a dry twin use their own
    /// input as dry. Non-finite input is silenced for the block.
    pub fn process(
        &mut self,
        channels: &mut [&mut [f32]],
        dry: &[&[f32]],
        frames: usize,
        gain_db: f32,
        bypassed: bool,
    ) {
        self.gain.set_target(db_to_gain(gain_db));
        self.wet.set_target(if bypassed { 0.0 } else { 1.0 });
        for channel in channels.iter_mut() {
            let len = frames.min(channel.len());
            sanitize_block(&mut channel[..len]);
        }

        if !self.gain.is_ramping() && !self.wet.is_ramping() {
            let gain = self.gain.target();
            let wet = self.wet.target();
            for (index, channel) in channels.iter_mut().enumerate() {
                let len = frames.min(channel.len());
                let dry_channel = dry.get(index).copied();
                for (i, sample) in channel[..len].iter_mut().enumerate() {
                    let dry_sample = dry_sample(dry_channel, i, *sample);
                    *sample = wet * gain * *sample + (1.0 - wet) * dry_sample;
                }
            }
            return;
        }

        // Ramping: advance the smoothers once per frame and apply to every channel.
        for i in 0..frames {
            let gain = self.gain.next_value();
            let wet = self.wet.next_value();
            for (index, channel) in channels.iter_mut().enumerate() {
                if let Some(sample) = channel.get_mut(i) {
                    let dry_sample = dry_sample(dry.get(index).copied(), i, *sample);
                    *sample = wet * gain * *sample + (1.0 - wet) * dry_sample;
                }
            }
        }
    }
}

#[inline]
fn dry_sample(dry_channel: Option<&[f32]>, index: usize, fallback: f32) -> f32 {
    match dry_channel.and_then(|c| c.get(index)) {
        Some(value) if value.is_finite() => *value,
        Some(_) => 0.0,
        None => fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(stage: &mut OutputStage, input: &[f32], gain_db: f32, bypassed: bool) -> Vec<f32> {
        let mut out = input.to_vec();
        let dry = input.to_vec();
        let frames = out.len();
        stage.process(&mut [&mut out[..]], &[&dry[..]], frames, gain_db, bypassed);
        out
    }

    #[test]
    fn unity_gain_is_transparent() {
        let mut stage = OutputStage::default();
        stage.reset(48_000.0, 0.0, false);
        let input: Vec<f32> = (0..256).map(|i| (i as f32 * 0.1).sin()).collect();
        assert_eq!(run(&mut stage, &input, 0.0, false), input);
    }

    #[test]
    fn gain_change_ramps_then_settles_on_the_exact_factor() {
        let mut stage = OutputStage::default();
        stage.reset(1_000.0, 0.0, false);
        let ones = vec![1.0f32; 40];
        let out = run(&mut stage, &ones, -6.0, false);
        let target = db_to_gain(-6.0);
        // 20 ms at 1 kHz = 20 samples of ramp, strictly decreasing, then flat at the target.
        assert!(out[..20].windows(2).all(|w| w[1] < w[0]));
        assert!((out[19] - target).abs() < 1e-6);
        assert!(out[20..].iter().all(|&v| (v - target).abs() < 1e-6));
    }

    #[test]
    fn bypass_returns_the_dry_signal() {
        let mut stage = OutputStage::default();
        stage.reset(48_000.0, -12.0, true);
        let input: Vec<f32> = (0..64).map(|i| i as f32 / 64.0).collect();
        let mut processed = input.iter().map(|v| v * 0.3).collect::<Vec<_>>();
        stage.process(&mut [&mut processed[..]], &[&input[..]], 64, -12.0, true);
        assert_eq!(processed, input);
    }

    #[test]
    fn non_finite_input_gives_silence_not_nan() {
        let mut stage = OutputStage::default();
        stage.reset(48_000.0, 0.0, false);
        let out = run(&mut stage, &[f32::NAN, 1.0, f32::INFINITY], 0.0, false);
        assert_eq!(out, vec![0.0, 1.0, 0.0]);
    }
}
