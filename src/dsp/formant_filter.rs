//! The lead's formant shift on high voices (issue 12): a filter by the ratio of the voice's
//! envelope with its resonances moved to the envelope as it is.
//!
//! PSOLA moves formants by reading each grain faster or slower; below about 200 Hz a grain
//! (two periods) holds whole pulse responses and that moves the envelope. Higher up a grain's
//! spectrum is the harmonic comb and the envelope barely moves (the synthetic singer at
//! 262-698 Hz missed a singer with moved formants by up to 20 %). There the chain hands the
//! formant setting to this filter instead (`share`, faded in by f0, never switched): every
//! `HOP_SECONDS` it measures the harmonics of the input around the coming output time
//! (`formant_envelope`), fits an all-pole envelope to them, and ramps the filter to
//! `A(z) / A_moved(z)`: each resonance's poles as zeros and the same resonance moved by the
//! ratio (frequency and bandwidth scaled) as poles. Far from the resonances each pair's gain
//! tends to 1, so the air above the formants stays where it was. The level is brought back
//! (within `MAX_GAIN`) so the measured harmonics keep their power, as the grains' level match
//! keeps the voice's: without it the golden-sound phrase's voice presets came out 1-3 dB
//! louder or softer. When the voice stops the filter lets go at once (over one hop), so a
//! consonant after a vowel is not coloured by the vowel's filter.
//!
//! The filter runs in parallel form (a direct gain plus one two-pole section per resonance,
//! from the partial fractions of the cascade), the sections side by side in the lanes of one
//! vector: a quarter of the instructions of the cascade, whose sections wait on each other.
//!
//! `prepare` allocates; `clear` and `process_run` never do.

use realfft::num_complex::Complex;

use super::formant_envelope::{
    fit_all_pole, harmonic_powers, polynomial_roots, resonances, Resonance, MAX_HARMONICS, ORDER,
};
use super::pitch_marks::PitchMarks;

/// The filter starts to take the formant shift over from the grains at this f0 (Hz)...
const SHARE_START_HZ: f32 = 190.0;
/// ...and has all of it from this one: grains move the envelope of the 110-185 Hz voices
/// within 4 % of the ideal and miss it by up to 20 % at 262 Hz.
const SHARE_FULL_HZ: f32 = 250.0;
/// Time between envelope updates (s): a vowel's formants move over tens of milliseconds.
/// Measured: updates every 10 or 20 ms fit the high voices equally (mean error 5.4 %).
const HOP_SECONDS: f32 = 0.02;
/// Samples between coefficient steps of a ramp: smooth enough (a ramp is 60 steps at 48 kHz),
/// and the coefficients stay fixed inside a stride.
const STRIDE: usize = 16;
/// Resonances moved lie between these (Hz): below, the model describes the source's slope,
/// above, the region where the fit's edge pole sits (the filter keeps a gain of 1 there).
const LOWEST_MOVED_HZ: f64 = 90.0;
const HIGHEST_MOVED_HZ: f64 = 4_500.0;
/// Bounds of the level correction (6 dB: formant shifts of a few semitones move a voice's level
/// by 1-3 dB; a fit gone astray must not blow the level up).
const MAX_GAIN: f64 = 2.0;
/// A ratio this close to 1 moves nothing (a hundredth of a cent).
const NO_RATIO: f32 = 1.0e-5;
/// Sections (lanes): one per resonance the model can hold.
const SECTIONS: usize = ORDER / 2;
// `filter` sums the four lanes by hand.
const _: () = assert!(SECTIONS == 4);

/// The share of a formant shift the filter makes at `f0` Hz (0: all by the grains, 1: all by
/// the filter), rising smoothly from `SHARE_START_HZ` to `SHARE_FULL_HZ`.
pub fn share(f0: f32) -> f32 {
    if !f0.is_finite() {
        return 0.0;
    }
    let x = ((f0 - SHARE_START_HZ) / (SHARE_FULL_HZ - SHARE_START_HZ)).clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// One resonance moved: `(1 + n1 z^-1 + n2 z^-2) / (1 + d1 z^-1 + d2 z^-2)`, the resonance
/// as it is in the numerator and moved in the denominator.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Pair {
    n1: f64,
    n2: f64,
    d1: f64,
    d2: f64,
}

impl Pair {
    /// The polynomial of a resonance at `frequency` with `bandwidth` (Hz) at `sample_rate`.
    fn resonance(frequency: f64, bandwidth: f64, sample_rate: f64) -> (f64, f64) {
        let radius = (-std::f64::consts::PI * bandwidth / sample_rate).exp();
        let angle = std::f64::consts::TAU * frequency / sample_rate;
        (-2.0 * radius * angle.cos(), radius * radius)
    }

    fn moved(resonance: Resonance, ratio: f64, sample_rate: f64) -> Self {
        let (n1, n2) = Self::resonance(resonance.frequency, resonance.bandwidth, sample_rate);
        let (d1, d2) = Self::resonance(
            resonance.frequency * ratio,
            resonance.bandwidth * ratio,
            sample_rate,
        );
        Self { n1, n2, d1, d2 }
    }

    /// Numerator and denominator at `z`.
    fn at(&self, z: Complex<f64>) -> (Complex<f64>, Complex<f64>) {
        let w = z.inv();
        let one = Complex::new(1.0, 0.0);
        (
            one + w * (self.n1 + w * self.n2),
            one + w * (self.d1 + w * self.d2),
        )
    }

    /// Power gain at `omega` rad/sample.
    fn power(&self, omega: f64) -> f64 {
        let (numerator, denominator) = self.at(Complex::from_polar(1.0, omega));
        numerator.norm_sqr() / denominator.norm_sqr().max(1.0e-300)
    }

    /// The pole of the denominator in the upper half plane.
    fn pole(&self) -> Complex<f64> {
        let re = -0.5 * self.d1;
        Complex::new(re, (self.d2 - re * re).max(0.0).sqrt())
    }
}

/// The filter in parallel form: `direct` plus, per lane, `(b0 + b1 z^-1) / (1 + d1 z^-1 + d2
/// z^-2)`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Parallel {
    direct: f64,
    b0: [f64; SECTIONS],
    b1: [f64; SECTIONS],
    d1: [f64; SECTIONS],
    d2: [f64; SECTIONS],
}

impl Parallel {
    /// The filter that passes its input as it is.
    const FLAT: Self = Self {
        direct: 1.0,
        b0: [0.0; SECTIONS],
        b1: [0.0; SECTIONS],
        d1: [0.0; SECTIONS],
        d2: [0.0; SECTIONS],
    };

    /// The partial fractions of the cascade of `pairs` times `gain`: per pair, the residues
    /// of its two poles joined into one real section; the direct term is the cascade's gain
    /// far up in z^-1 (the product of n2 / d2).
    fn from_cascade(pairs: &[Pair], gain: f64) -> Self {
        let mut parallel = Self::FLAT;
        parallel.direct = gain;
        for (i, pair) in pairs.iter().enumerate().take(SECTIONS) {
            parallel.direct *= pair.n2 / pair.d2.max(1.0e-300);
            let pole = pair.pole();
            // Residue at `pole`: the cascade with this pole's factor (1 - pole z^-1) taken out.
            let mut residue = Complex::new(gain, 0.0);
            for (j, other) in pairs.iter().enumerate() {
                let (numerator, denominator) = other.at(pole);
                residue *= numerator;
                if j == i {
                    residue /= Complex::new(1.0, 0.0) - pole.conj() / pole;
                } else {
                    residue /= denominator;
                }
            }
            if !(residue.re.is_finite() && residue.im.is_finite()) {
                return Self::FLAT;
            }
            parallel.b0[i] = 2.0 * residue.re;
            parallel.b1[i] = -2.0 * (residue * pole.conj()).re;
            parallel.d1[i] = pair.d1;
            parallel.d2[i] = pair.d2;
        }
        parallel
    }

    /// `(target - self) / steps`, field by field.
    fn step_towards(&self, target: &Self, steps: f64) -> Self {
        let lane = |a: &[f64; SECTIONS], b: &[f64; SECTIONS]| {
            std::array::from_fn(|k| (b[k] - a[k]) / steps)
        };
        Self {
            direct: (target.direct - self.direct) / steps,
            b0: lane(&self.b0, &target.b0),
            b1: lane(&self.b1, &target.b1),
            d1: lane(&self.d1, &target.d1),
            d2: lane(&self.d2, &target.d2),
        }
    }

    fn add(&mut self, step: &Self) {
        self.direct += step.direct;
        for k in 0..SECTIONS {
            self.b0[k] += step.b0[k];
            self.b1[k] += step.b1[k];
            self.d1[k] += step.d1[k];
            self.d2[k] += step.d2[k];
        }
    }
}

/// The formant filter of one voice; see the module doc.
pub struct FormantFilter {
    sample_rate: f64,
    latency: usize,
    /// Samples between updates (a whole number of strides).
    hop: usize,
    /// The current voiced frame's input period and the ratio the filter moves by.
    period: Option<f32>,
    ratio: f32,
    /// The coefficients now, at the end of the ramp, and their step per stride.
    now: Parallel,
    target: Parallel,
    step: Parallel,
    /// The sections' states (transposed direct form II).
    s1: [f64; SECTIONS],
    s2: [f64; SECTIONS],
    /// Strides left in the current ramp.
    ramp_strides: usize,
    /// Samples left in the current stride.
    stride_left: usize,
    /// The analysed input (two periods at the lowest f0 served).
    window: Vec<f32>,
    model: [f64; ORDER + 1],
    roots: [Complex<f64>; ORDER],
    /// Whether `roots` are the last update's (a warm start for the next).
    roots_warm: bool,
    /// Whether the CPU runs the 256-bit build of the harmonics' measurement (`dsp::wide`).
    wide: bool,
    /// Whether the voice stopped since the last run (the filter lets go at once).
    release: bool,
}

impl Default for FormantFilter {
    fn default() -> Self {
        Self {
            sample_rate: 48_000.0,
            latency: 0,
            hop: 960,
            period: None,
            ratio: 1.0,
            now: Parallel::FLAT,
            target: Parallel::FLAT,
            step: Parallel::FLAT,
            s1: [0.0; SECTIONS],
            s2: [0.0; SECTIONS],
            ramp_strides: 0,
            stride_left: 0,
            window: Vec::new(),
            model: [0.0; ORDER + 1],
            roots: [Complex::new(0.0, 0.0); ORDER],
            roots_warm: false,
            wide: false,
            release: false,
        }
    }
}

impl FormantFilter {
    /// Prepares for `sample_rate`, the output `latency` samples behind the input; allocates.
    pub fn prepare(&mut self, sample_rate: f32, latency: usize) {
        self.sample_rate = f64::from(sample_rate);
        self.latency = latency;
        let strides = ((HOP_SECONDS * sample_rate) as usize / STRIDE).max(1);
        self.hop = strides * STRIDE;
        // Two periods of the lowest f0 the filter has any share at.
        let longest = (2.0 * sample_rate / SHARE_START_HZ).ceil() as usize + 2;
        self.window = vec![0.0; longest];
        self.wide = super::wide::available();
        self.clear();
    }

    /// Forgets the voice and the filter's state, in place (never allocates).
    pub fn clear(&mut self) {
        self.period = None;
        self.ratio = 1.0;
        self.now = Parallel::FLAT;
        self.target = Parallel::FLAT;
        self.step = Parallel::FLAT;
        self.s1 = [0.0; SECTIONS];
        self.s2 = [0.0; SECTIONS];
        self.ramp_strides = 0;
        self.stride_left = 0;
        self.roots_warm = false;
        self.release = false;
    }

    /// What the coming updates follow: the voiced input's period (`None` while unvoiced) and
    /// the ratio the filter moves the formants by (1: none).
    pub fn set_target(&mut self, period: Option<f32>, ratio: f32) {
        self.release |= self.period.is_some() && period.is_none();
        self.period = period;
        self.ratio = if ratio.is_finite() { ratio } else { 1.0 };
    }

    /// Whether the filter passes its input as it is: no ramp running, flat coefficients and
    /// nothing left in the sections (flat sections empty theirs within two samples).
    fn is_flat(&self) -> bool {
        self.ramp_strides == 0
            && self.now == Parallel::FLAT
            && self.s1.iter().chain(&self.s2).all(|&s| s == 0.0)
    }

    /// Filters `out`, the lead's output for the input `marks` analysed last (`out.len()`
    /// samples ending at the newest), in place.
    #[inline(always)]
    pub fn process_run(&mut self, marks: &PitchMarks, out: &mut [f32]) {
        let hop = self.hop as i64;
        let first = marks.newest() + 1 - out.len() as i64;
        if std::mem::take(&mut self.release) && !self.is_flat() {
            // The voice stopped (set between two runs, so at the same sample in any blocks).
            self.ramp_to(Parallel::FLAT);
        }
        let mut j = 0;
        while j < out.len() {
            let index = first + j as i64;
            let phase = index.rem_euclid(hop);
            if phase == 0 {
                self.update(marks, index);
            }
            let end = out.len().min(j + (hop - phase) as usize);
            self.filter(&mut out[j..end]);
            j = end;
        }
    }

    /// New targets at input index `index` (a multiple of the hop), ramped to over the hop.
    #[inline(never)]
    fn update(&mut self, marks: &PitchMarks, index: i64) {
        let target = match self.period.filter(|_| (self.ratio - 1.0).abs() > NO_RATIO) {
            // No fit: hold what sounds.
            Some(period) => self
                .envelope_ratio(marks, index, f64::from(period))
                .unwrap_or(self.target),
            None => {
                self.roots_warm = false;
                Parallel::FLAT
            }
        };
        if self.is_flat() && target == Parallel::FLAT {
            return;
        }
        self.ramp_to(target);
    }

    /// Ramps from the coefficients now to `target` over one hop, from the next sample.
    fn ramp_to(&mut self, target: Parallel) {
        let strides = self.hop / STRIDE;
        self.target = target;
        self.step = self.now.step_towards(&target, strides as f64);
        self.ramp_strides = strides;
        self.stride_left = 0;
    }

    /// The filter moving the envelope of the input around the coming output time by the
    /// ratio, or `None` when nothing fits.
    fn envelope_ratio(&mut self, marks: &PitchMarks, index: i64, period: f64) -> Option<Parallel> {
        let length = (2.0 * period).round() as usize;
        if length < 4 || length > self.window.len() {
            return None;
        }
        // Centred half a hop after the output time, unless that reaches past the input in.
        let centre = (index - self.latency as i64 + self.hop as i64 / 2)
            .min(index - length as i64 / 2);
        let window = &mut self.window[..length];
        marks.input_run(centre - length as i64 / 2, window);
        let mut powers = [0.0f64; MAX_HARMONICS];
        let count = harmonic_powers(window, period, self.sample_rate, &mut powers, self.wide);
        let f0 = self.sample_rate / period;
        if !fit_all_pole(&powers[..count], f0, &mut self.model) {
            self.roots_warm = false;
            return None;
        }
        polynomial_roots(&self.model, &mut self.roots, self.roots_warm);
        self.roots_warm = self.roots.iter().all(|z| z.re.is_finite() && z.im.is_finite());
        if !self.roots_warm {
            return None;
        }
        let mut found = [Resonance::default(); SECTIONS];
        let n = resonances(&self.roots, LOWEST_MOVED_HZ, HIGHEST_MOVED_HZ, &mut found);
        let ratio = f64::from(self.ratio);
        let nyquist = 0.45 * self.sample_rate;
        let mut pairs = [Pair::default(); SECTIONS];
        let mut used = 0;
        for resonance in found[..n].iter().filter(|r| r.frequency * ratio < nyquist) {
            pairs[used] = Pair::moved(*resonance, ratio, self.sample_rate);
            used += 1;
        }
        let pairs = &pairs[..used];
        // The level: the measured harmonics keep their total power through the filter, as the
        // grains' level match keeps the voice's.
        let (mut before, mut after) = (0.0, 0.0);
        for (k, &power) in powers[..count].iter().enumerate() {
            let omega = std::f64::consts::TAU * (k + 1) as f64 / period;
            let gain: f64 = pairs.iter().map(|p| p.power(omega)).product();
            before += power;
            after += power * gain;
        }
        let level = if after > 0.0 && before > 0.0 {
            (before / after).sqrt().clamp(1.0 / MAX_GAIN, MAX_GAIN)
        } else {
            1.0
        };
        Some(Parallel::from_cascade(pairs, level))
    }

    /// Runs the filter over `out` (within one hop), stepping the ramp every `STRIDE` samples.
    #[inline(always)]
    fn filter(&mut self, out: &mut [f32]) {
        if self.is_flat() {
            return;
        }
        let mut j = 0;
        while j < out.len() {
            if self.stride_left == 0 {
                self.step_ramp();
                self.stride_left = STRIDE;
            }
            let end = out.len().min(j + self.stride_left);
            let c = self.now;
            let (mut s1, mut s2) = (self.s1, self.s2);
            for y in out[j..end].iter_mut() {
                let x = f64::from(*y);
                let mut v = [0.0f64; SECTIONS];
                for k in 0..SECTIONS {
                    v[k] = c.b0[k] * x + s1[k];
                    s1[k] = c.b1[k] * x - c.d1[k] * v[k] + s2[k];
                    s2[k] = -(c.d2[k] * v[k]);
                }
                // The same sums in the same order in every build.
                *y = (c.direct * x + ((v[0] + v[1]) + (v[2] + v[3]))) as f32;
            }
            (self.s1, self.s2) = (s1, s2);
            self.stride_left -= end - j;
            j = end;
        }
    }

    /// One stride of the ramp: the coefficients step on; the last step lands exactly on the
    /// target.
    fn step_ramp(&mut self) {
        if self.ramp_strides == 0 {
            return;
        }
        self.ramp_strides -= 1;
        if self.ramp_strides == 0 {
            self.now = self.target;
        } else {
            let step = self.step;
            self.now.add(&step);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_rises_smoothly_with_f0() {
        assert_eq!(share(150.0), 0.0);
        assert_eq!(share(SHARE_FULL_HZ), 1.0);
        assert_eq!(share(f32::NAN), 0.0);
        let mut last = 0.0;
        for hz in 180..260 {
            let s = share(hz as f32);
            assert!(s >= last && s - last < 0.05, "{hz}: {s}");
            last = s;
        }
    }

    #[test]
    fn the_parallel_form_is_the_cascade() {
        let pairs = [
            Pair::moved(Resonance { frequency: 400.0, bandwidth: 200.0 }, 0.84, 48_000.0),
            Pair::moved(Resonance { frequency: 2_000.0, bandwidth: 200.0 }, 0.84, 48_000.0),
            Pair::moved(Resonance { frequency: 2_900.0, bandwidth: 250.0 }, 0.84, 48_000.0),
        ];
        let parallel = Parallel::from_cascade(&pairs, 0.7);
        for hz in [100.0, 350.0, 1_700.0, 2_500.0, 9_000.0] {
            let omega = std::f64::consts::TAU * hz / 48_000.0;
            let z = Complex::from_polar(1.0, omega);
            let cascade: Complex<f64> = pairs
                .iter()
                .map(|p| {
                    let (n, d) = p.at(z);
                    n / d
                })
                .product::<Complex<f64>>()
                * 0.7;
            let w = z.inv();
            let mut sum = Complex::new(parallel.direct, 0.0);
            for k in 0..SECTIONS {
                sum += (w * parallel.b1[k] + parallel.b0[k])
                    / (Complex::new(1.0, 0.0) + w * (parallel.d1[k] + w * parallel.d2[k]));
            }
            assert!((sum - cascade).norm() < 1.0e-9 * cascade.norm(), "{hz}: {sum} {cascade}");
        }
    }

    #[test]
    fn without_a_ratio_the_filter_passes_its_input() {
        let mut marks = PitchMarks::default();
        marks.prepare(48_000.0, 480);
        let mut filter = FormantFilter::default();
        filter.prepare(48_000.0, 480);
        filter.set_target(Some(100.0), 1.0);
        let mut trace = [None; crate::dsp::pitch_marks::MAX_RUN];
        for block in 0..20 {
            let input: Vec<f32> = (0..64).map(|i| ((block * 64 + i) as f32 * 0.1).sin()).collect();
            marks.push_run(&input, Some(100.0), &mut trace);
            let mut out = input.clone();
            filter.process_run(&marks, &mut out);
            assert_eq!(out, input);
        }
    }
}
