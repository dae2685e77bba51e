//! Keeps a processed signal at the level of the signal it came from (`LevelMatch`), and
//! without DC (`DcBlocker`).
//!
//! PSOLA's output level depends on the shift and on the signal: shifting up overlaps more
//! grains per second, shifting down fewer, and how overlapping grains add depends on the
//! waveform (a voice's pulses add in power, a tone's cycles in amplitude). The shifted voice
//! should sound as loud as the sung one, so its level follows the input's: the gain is the
//! ratio of the two signals' smoothed power.

/// Time constant of each of the three power-follower stages: long enough that the power ripple
/// of a 15 Hz output (60 Hz shifted down two octaves) moves the gain by about 0.1 % (a gain
/// rippling with the waveform would add DC and harmonics), short enough to follow a sung
/// phrase's dynamics. Both signals are followed alike, so their ratio is right long before
/// either power has settled.
const POWER_SECONDS: f32 = 0.04;
/// Follower stages per signal.
const STAGES: usize = 3;
/// Largest correction either way (x8 = 18 dB): a two-octave shift up of a tone whose grains
/// catch little of its new fundamental needs about 16 dB; the bound keeps a glitch in the
/// followers from blowing up the output.
const MAX_GAIN: f32 = 8.0;
/// Power below which the output counts as silent and the gain is held.
const SILENT_POWER: f32 = 1.0e-12;
/// Samples between gain updates, and the followers' step: they follow the mean power of each
/// such group (0.3 ms against their 40 ms), so the square root, the division and the three
/// stages run once per group, not every sample.
const GAIN_PERIOD: u32 = 16;

/// Matches the level of one signal to a reference.
#[derive(Debug, Clone, Default)]
pub struct LevelMatch {
    /// Follower coefficient per group of `GAIN_PERIOD` samples.
    coefficient: f32,
    reference: [f32; STAGES],
    signal: [f32; STAGES],
    gain: f32,
    /// Samples of the current group so far, and their summed powers.
    count: u32,
    reference_sum: f32,
    signal_sum: f32,
}

impl LevelMatch {
    /// Prepares for `sample_rate` (allocates nothing).
    pub fn prepare(&mut self, sample_rate: f32) {
        self.coefficient = 1.0 - (-(GAIN_PERIOD as f32) / (POWER_SECONDS * sample_rate)).exp();
        self.clear();
    }

    /// Forgets both levels, in place; the gain starts at 1.
    pub fn clear(&mut self) {
        self.reference = [0.0; STAGES];
        self.signal = [0.0; STAGES];
        self.gain = 1.0;
        self.count = 0;
        self.reference_sum = 0.0;
        self.signal_sum = 0.0;
    }

    /// Returns `signal` scaled to the level `reference` has had recently.
    #[inline]
    pub fn process(&mut self, signal: f32, reference: f32) -> f32 {
        self.reference_sum += reference * reference;
        self.signal_sum += signal * signal;
        let out = signal * self.gain;
        self.count += 1;
        if self.count >= GAIN_PERIOD {
            self.step();
        }
        out
    }

    /// `process` on each sample of `signal` (in place) against `reference`: the same
    /// arithmetic in the same order, a group at a time.
    pub fn process_block(&mut self, signal: &mut [f32], reference: &[f32]) {
        self.process_groups(signal, reference, |x| x);
    }

    /// `dc.process` on each sample of `signal`, then `process_block` against `reference`, in
    /// one pass (in place): the same arithmetic in the same order, without storing and
    /// reloading the filtered samples in between. Inlined, so the shifter's 256-bit build
    /// runs it with three-operand instructions (no register copies; no FMA, the same numbers).
    #[inline(always)]
    pub fn process_block_after(
        &mut self,
        dc: &mut DcBlocker,
        signal: &mut [f32],
        reference: &[f32],
    ) {
        self.process_groups(signal, reference, |x| dc.process(x));
    }

    /// The group loop both block forms share: `before` turns each signal sample into the
    /// one measured and scaled (inlined, so each form compiles to its own tight loop).
    #[inline(always)]
    fn process_groups(
        &mut self,
        signal: &mut [f32],
        reference: &[f32],
        mut before: impl FnMut(f32) -> f32,
    ) {
        let frames = signal.len().min(reference.len());
        let mut start = 0;
        while start < frames {
            let end =
                (start + (GAIN_PERIOD - self.count.min(GAIN_PERIOD - 1)) as usize).min(frames);
            let gain = self.gain;
            for (x, &r) in signal[start..end].iter_mut().zip(&reference[start..end]) {
                let y = before(*x);
                self.reference_sum += r * r;
                self.signal_sum += y * y;
                *x = y * gain;
            }
            self.count += (end - start) as u32;
            if self.count >= GAIN_PERIOD {
                self.step();
            }
            start = end;
        }
    }

    /// Ends a group: the followers take its mean powers, the gain their ratio.
    fn step(&mut self) {
        let c = self.coefficient;
        let scale = 1.0 / GAIN_PERIOD as f32;
        let (mut reference_in, mut signal_in) =
            (self.reference_sum * scale, self.signal_sum * scale);
        for stage in 0..STAGES {
            self.reference[stage] += c * (reference_in - self.reference[stage]);
            self.signal[stage] += c * (signal_in - self.signal[stage]);
            reference_in = self.reference[stage];
            signal_in = self.signal[stage];
        }
        if signal_in > SILENT_POWER {
            self.gain = (reference_in / signal_in)
                .sqrt()
                .clamp(1.0 / MAX_GAIN, MAX_GAIN);
        }
        self.count = 0;
        self.reference_sum = 0.0;
        self.signal_sum = 0.0;
    }
}

/// Corner of the DC blocker: 0.5 dB down at 15 Hz, the lowest output f0 (60 Hz two octaves
/// down), settled (1/e) in 32 ms.
const DC_CORNER_HZ: f32 = 5.0;

/// A one-pole, one-zero high-pass that removes DC.
#[derive(Debug, Clone, Default)]
pub struct DcBlocker {
    pole: f32,
    previous_in: f32,
    previous_out: f32,
}

impl DcBlocker {
    /// Prepares for `sample_rate` (allocates nothing).
    pub fn prepare(&mut self, sample_rate: f32) {
        self.pole = (-std::f32::consts::TAU * DC_CORNER_HZ / sample_rate).exp();
        self.clear();
    }

    /// Forgets the signal, in place.
    pub fn clear(&mut self) {
        self.previous_in = 0.0;
        self.previous_out = 0.0;
    }

    /// Filters one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        let y = x - self.previous_in + self.pole * self.previous_out;
        self.previous_in = x;
        // Flush denormals: a decaying tail must not slow the audio thread.
        self.previous_out = if y.abs() < 1.0e-20 { 0.0 } else { y };
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dc_blocker_removes_an_offset_and_keeps_15_hz() {
        let mut blocker = DcBlocker::default();
        blocker.prepare(48_000.0);
        let mut last = 0.0;
        let mut peak = 0.0f32;
        for i in 0..96_000 {
            let t = i as f32 / 48_000.0;
            last = blocker.process(0.3 + (std::f32::consts::TAU * 15.0 * t).sin());
            if i > 48_000 {
                peak = peak.max(last.abs());
            }
        }
        assert!(last.is_finite());
        assert!((0.93..1.0).contains(&peak), "{peak}");
    }

    #[test]
    fn follows_the_reference_level() {
        let mut level = LevelMatch::default();
        level.prepare(48_000.0);
        let mut out = 0.0f32;
        let mut power = 0.0f32;
        for i in 0..96_000 {
            let t = i as f32 / 48_000.0;
            let reference = 0.5 * (std::f32::consts::TAU * 200.0 * t).sin();
            let signal = 0.1 * (std::f32::consts::TAU * 400.0 * t).sin();
            out = level.process(signal, reference);
            if i >= 72_000 {
                power += out * out;
            }
        }
        let rms = (power / 24_000.0).sqrt();
        assert!(
            (rms / (0.5 / 2f32.sqrt()) - 1.0).abs() < 0.02,
            "{rms} {out}"
        );
    }

    #[test]
    fn a_block_is_each_sample_in_turn() {
        let mut one_by_one = LevelMatch::default();
        let mut blocks = LevelMatch::default();
        one_by_one.prepare(44_100.0);
        blocks.prepare(44_100.0);
        let reference: Vec<f32> = (0..5_000).map(|i| (i as f32 * 0.031).sin()).collect();
        let signal: Vec<f32> = (0..5_000).map(|i| 0.2 * (i as f32 * 0.07).sin()).collect();
        let expected: Vec<f32> = signal
            .iter()
            .zip(&reference)
            .map(|(&x, &r)| one_by_one.process(x, r))
            .collect();
        let mut out = signal.clone();
        let mut start = 0;
        for length in [1, 15, 16, 17, 300, 3].iter().cycle() {
            if start >= out.len() {
                break;
            }
            let end = (start + length).min(out.len());
            blocks.process_block(&mut out[start..end], &reference[start..end]);
            start = end;
        }
        assert_eq!(out, expected);
    }

    #[test]
    fn blocking_dc_in_the_same_pass_is_blocking_it_first() {
        let (mut level_a, mut level_b) = (LevelMatch::default(), LevelMatch::default());
        let (mut dc_a, mut dc_b) = (DcBlocker::default(), DcBlocker::default());
        level_a.prepare(48_000.0);
        level_b.prepare(48_000.0);
        dc_a.prepare(48_000.0);
        dc_b.prepare(48_000.0);
        let reference: Vec<f32> = (0..3_000).map(|i| (i as f32 * 0.013).sin()).collect();
        let signal: Vec<f32> = (0..3_000)
            .map(|i| 0.1 + 0.3 * (i as f32 * 0.05).sin())
            .collect();
        let (mut apart, mut together) = (signal.clone(), signal);
        let mut start = 0;
        for length in [5, 16, 300, 1, 33].iter().cycle() {
            if start >= apart.len() {
                break;
            }
            let end = (start + length).min(apart.len());
            for x in apart[start..end].iter_mut() {
                *x = dc_a.process(*x);
            }
            level_a.process_block(&mut apart[start..end], &reference[start..end]);
            level_b.process_block_after(
                &mut dc_b,
                &mut together[start..end],
                &reference[start..end],
            );
            start = end;
        }
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&together), bits(&apart));
    }
}
