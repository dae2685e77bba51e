//! A feed-forward vocal compressor whose single `amount` sets threshold, ratio and make-up.

use crate::dsp::fast_math;

use super::one_pole;

/// dB per doubling of amplitude (20 log10 2).
const DB_PER_OCTAVE: f32 = 6.020_6;

/// A feed-forward vocal compressor whose single `amount` sets threshold, ratio and make-up.
/// The envelope runs per sample; the gain curve (logs and powers) every few samples, the gain
/// gliding towards it by a one-pole smoother.
pub struct Compressor {
    envelope: f32,
    attack: f32,
    release: f32,
    threshold_db: f32,
    ratio: f32,
    makeup_db: f32,
    amount: f32,
    /// The gain after the last sample, and the gain the curve last asked for.
    gain: f32,
    target_gain: f32,
    /// The gain at the start of the current control period.
    start_gain: f32,
    /// `decay[k]`: the share of the distance to the target left `k + 1` samples into a
    /// control period (the smoother's pole to that power), so each gain of a period is
    /// worked out from its start alone and a period is one vector loop, not a recursion.
    decay: [f32; PERIOD],
    /// Samples of the current control period already done (0: the next sample starts one).
    phase: u32,
    /// An envelope below this is under the threshold for certain (a thousandth of an octave
    /// below it, far more than `fast_math::log2`'s error), and `makeup_gain` is the curve's
    /// value there: the curve's logarithm and power are skipped while the voice is quiet.
    quiet_below: f32,
    makeup_gain: f32,
}

/// Samples between gain-curve evaluations.
const COMPRESSOR_CONTROL_PERIOD: u32 = 16;
/// `COMPRESSOR_CONTROL_PERIOD` as a length.
const PERIOD: usize = COMPRESSOR_CONTROL_PERIOD as usize;

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
            start_gain: 1.0,
            decay: [0.0; PERIOD],
            phase: 0,
            quiet_below: 0.0,
            makeup_gain: 1.0,
        }
    }
}

impl Compressor {
    /// Prepares for `sample_rate` (allocates nothing).
    pub fn prepare(&mut self, sample_rate: f32) {
        self.attack = one_pole(sample_rate, 0.004);
        self.release = one_pole(sample_rate, 0.12);
        let pole = 1.0 - f64::from(one_pole(sample_rate, 0.001));
        for (k, decay) in self.decay.iter_mut().enumerate() {
            *decay = pole.powi(k as i32 + 1) as f32;
        }
        self.set_amount(0.0);
        self.clear();
    }

    /// Forgets the level, in place; the amount stays.
    pub fn clear(&mut self) {
        self.envelope = 0.0;
        self.gain = 1.0;
        self.target_gain = 1.0;
        self.start_gain = 1.0;
        self.phase = 0;
    }

    /// 0 = off; 1 = threshold -36 dBFS, ratio 6:1, with half the reduction made up.
    pub fn set_amount(&mut self, amount: f32) {
        let amount = amount.clamp(0.0, 1.0);
        self.amount = amount;
        self.threshold_db = -12.0 - 24.0 * amount;
        self.ratio = 1.0 + 5.0 * amount;
        self.makeup_db = 0.5 * (-self.threshold_db) * (1.0 - 1.0 / self.ratio) * amount;
        self.quiet_below = fast_math::exp2(self.threshold_db / DB_PER_OCTAVE - 1.0e-3);
        // Exactly what `gain_curve` works out with no reduction (`makeup_db - 0.0`).
        self.makeup_gain = fast_math::exp2(self.makeup_db / DB_PER_OCTAVE);
    }

    /// Compresses one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        let mut sample = [x];
        self.process_block(&mut sample);
        sample[0]
    }

    /// Compresses a run of samples in place (nothing to do while off), a control period (or
    /// what the run holds of it) at a time: the envelope as one loop, the curve at the first
    /// sample of the period, the gains as another loop, so the numbers are the same for any
    /// run lengths.
    #[inline(always)]
    pub fn process_block(&mut self, samples: &mut [f32]) {
        if self.amount <= 0.0 {
            return;
        }
        let (attack, release) = (self.attack, self.release);
        let mut rest = samples;
        while !rest.is_empty() {
            let phase = (self.phase as usize).min(PERIOD - 1);
            let take = rest.len().min(PERIOD - phase);
            let (group, others) = rest.split_at_mut(take);
            let mut followed = 0;
            if let (0, Some(&first)) = (phase, group.first()) {
                // The envelope takes this sample before the curve reads it.
                self.envelope = follow(self.envelope, first, attack, release);
                self.start_gain = self.gain;
                self.target_gain = self.gain_curve();
                followed = 1;
            }
            let mut envelope = self.envelope;
            // Four steps per turn of the loop (the same steps in the same order).
            let fours = group[followed..].chunks_exact(4);
            let tail = fours.remainder();
            for four in fours {
                for &x in four {
                    envelope = follow(envelope, x, attack, release);
                }
            }
            for &x in tail {
                envelope = follow(envelope, x, attack, release);
            }
            self.envelope = envelope;
            let (target, distance) = (self.target_gain, self.start_gain - self.target_gain);
            let decay = &self.decay[phase..phase + take];
            for (x, &left) in group.iter_mut().zip(decay) {
                *x *= target + distance * left;
            }
            if let Some(&left) = decay.last() {
                self.gain = target + distance * left;
            }
            self.phase = ((phase + take) % PERIOD) as u32;
            rest = others;
        }
    }

    /// The gain the envelope asks for: the reduction above the threshold, then the make-up,
    /// in dB, as a factor. Reckoned in base-2 logarithms (`fast_math`: within a thousandth of
    /// a dB of the library's log10 and powf, at a tenth of their cost).
    #[inline(always)]
    fn gain_curve(&self) -> f32 {
        if self.envelope + 1.0e-9 < self.quiet_below {
            return self.makeup_gain;
        }
        let level_db = DB_PER_OCTAVE * fast_math::log2(self.envelope + 1.0e-9);
        let over = level_db - self.threshold_db;
        let reduction_db = if over > 0.0 {
            over * (1.0 - 1.0 / self.ratio)
        } else {
            0.0
        };
        fast_math::exp2((self.makeup_db - reduction_db) / DB_PER_OCTAVE)
    }
}

/// The envelope after `x`: towards its level, with `attack` when rising and `release` when
/// falling.
#[inline(always)]
fn follow(envelope: f32, x: f32, attack: f32, release: f32) -> f32 {
    let level = x.abs();
    let coefficient = if level > envelope { attack } else { release };
    envelope + coefficient * (level - envelope)
}
