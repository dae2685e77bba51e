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
//! tends to 1, so the air above the formants stays where it was. Each update also brings the
//! level back: the output's harmonics (where the shifted voice has them, weighted by the
//! fitted envelope) keep their total power through the filter. Without it the golden-sound
//! phrase's voice presets came out 1-3 dB louder or softer and a pulse train dropped 9 dB when
//! the filter came in; made from the input's harmonics instead, shifted tones missed by up to
//! 9 dB. What the envelope misses (0.8 dB on a pulse train shifted up two octaves, whose three
//! harmonics below the fit's top weigh little) a trim takes up: each update, half of what the
//! last hop's output missed against the unfiltered output, in dB (a `LevelMatch` after the
//! filter did as well, at a multiply per sample more).
//!
//! The filter runs in parallel form (a direct gain plus one two-pole section per resonance,
//! from the partial fractions of the cascade), the sections side by side in the lanes of one
//! vector: measured in the bench, 1.2 M instructions per second of audio against 3.4 M for the
//! cascade (transposed direct form II), whose sections wait on each other.
//!
//! `prepare` allocates; `clear` and `process_run` never do.

use realfft::num_complex::Complex;

use super::formant_envelope::{
    envelope_power, envelope_power_at, fit_all_pole, harmonic_powers, polynomial_roots, resonances,
    FitTables, Resonance, MAX_HARMONICS, MODEL_RATE, ORDER, TOP_HZ,
};
use super::pitch_marks::PitchMarks;

mod sections;
use sections::{Pair, Parallel};

/// The filter starts to take the formant shift over from the grains at this f0 (Hz)...
const SHARE_START_HZ: f32 = 190.0;
/// ...and has all of it from this one: grains move the envelope of the 110-185 Hz voices
/// within 4 % of the ideal and miss it by up to 20 % at 262 Hz.
const SHARE_FULL_HZ: f32 = 250.0;
/// Pitch shift (cents, either way) from which the grains make the whole formant shift again.
const SHARE_END_CENTS: f32 = 2_400.0;
/// Time between envelope updates (s): a vowel's formants move over tens of milliseconds.
/// Measured (high voices, mean / worst error): every 20 ms 5.8 / 12.6 %, 25 ms 5.7 / 12.5 %
/// (with `POWER_MEMORY` 0.6), 30 ms 6.3 / 21 %, 40 ms 5.9 / 16.5 %, 60 ms 6.2 / 19 %: slower
/// updates miss the vibrato's sway of the sparse harmonics (587 Hz +3 F2 goes first), and
/// easing in or averaging longer does not win it back. Updates cost most of the filter.
const HOP_SECONDS: f32 = 0.025;
/// Samples between coefficient steps of a ramp: smooth enough (a ramp is 75 steps at 48 kHz),
/// and the coefficients stay fixed inside a stride.
const STRIDE: usize = 16;
/// Resonances moved lie between these (Hz): below, the model describes the source's slope,
/// above, the region where the fit's edge pole sits (the filter keeps a gain of 1 there).
const LOWEST_MOVED_HZ: f64 = 90.0;
const HIGHEST_MOVED_HZ: f64 = 4_500.0;
/// Bounds of the level correction (12 dB: a pulse train shaped like a vowel needed 9.4 dB at
/// +3 semitones); a fit gone astray must not blow the level up further.
/// Most output harmonics the level correction sums (a voice shifted two octaves down from
/// 190 Hz has about 110 below `TOP_HZ`; the first 64 weigh the envelope as well).
const MAX_LEVEL_HARMONICS: usize = 64;
/// Highest output harmonic the level correction sums (Hz): a voice shifted up two octaves has
/// only three harmonics under the fit's top, too few to weigh its level by.
const LEVEL_TOP_HZ: f64 = 10_000.0;
const MAX_GAIN: f64 = 4.0;
/// Updates over which the filter eases in when a voice starts (75 ms): the level correction
/// and the trim follow a filter that comes in a step at a time; coming in at once, a pulse
/// train's level overshot by 3 dB and took 0.15 s to recover.
const ENGAGE_UPDATES: u32 = 3;
/// Weight of the earlier updates in the harmonics' averaged powers (0.6: a time constant of
/// about 50 ms at 25 ms updates). Measured offline at 20 ms: the high voices' mean error 5.3 %
/// with 0.5, 5.4 % without; in the chain at 25 ms, 0.5 / 0.55 / 0.6 / 0.7 give a worst error
/// of 12.7 / 12.5 / 12.5 / 12.5 %.
const POWER_MEMORY: f64 = 0.6;
/// A ratio this close to 1 moves nothing (a hundredth of a cent).
const NO_RATIO: f32 = 1.0e-5;
/// Sections (lanes): one per resonance the model can hold.
const SECTIONS: usize = ORDER / 2;
// `filter` sums the four lanes by hand.
const _: () = assert!(SECTIONS == 4);

/// The share of a formant shift the filter makes at `f0` Hz with the pitch shifted by
/// `shift_cents` (0: all by the grains, 1: all by the filter): rising smoothly from
/// `SHARE_START_HZ` to `SHARE_FULL_HZ`, and falling smoothly from an octave of pitch shift
/// either way to none at `SHARE_END_CENTS`. Measured on the synthetic singer without a pitch
/// shift only; on a steady pulse train shifted two octaves the filter deepened PSOLA's own
/// 30 Hz ripple of the output's period levels from 0.65 to 1.16 dB (`shifter_periodic` allows
/// 1 dB), so beyond an octave the grains take the shift back.
pub fn share(f0: f32, shift_cents: f32) -> f32 {
    if !f0.is_finite() || !shift_cents.is_finite() {
        return 0.0;
    }
    let smooth = |x: f32| {
        let x = x.clamp(0.0, 1.0);
        x * x * (3.0 - 2.0 * x)
    };
    let by_f0 = smooth((f0 - SHARE_START_HZ) / (SHARE_FULL_HZ - SHARE_START_HZ));
    let by_shift = 1.0 - smooth((shift_cents.abs() - 1_200.0) / (SHARE_END_CENTS - 1_200.0));
    by_f0 * by_shift
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
    /// The fit's scratch tables.
    fit_tables: Box<FitTables>,
    roots: [Complex<f64>; ORDER],
    /// Whether `roots` are the last update's (a warm start for the next).
    roots_warm: bool,
    /// Whether the CPU runs the 256-bit build of the harmonics' measurement (`dsp::wide`).
    wide: bool,
    /// Whether the voice stopped since the last run (the filter lets go at once).
    release: bool,
    /// The harmonics' powers, averaged over updates (`POWER_MEMORY`), and how many there are
    /// (0: none yet).
    powers: [f64; MAX_HARMONICS],
    power_count: usize,
    /// The output's period (samples): where the shifted voice's harmonics lie.
    output_period: f32,
    /// Trims what the level correction misses (see the module doc): a gain, and the powers of
    /// the unfiltered and filtered output over the current hop.
    trim: f64,
    dry_power: f64,
    wet_power: f64,
    /// Updates with a fit since the voice started, up to `ENGAGE_UPDATES`.
    engaged: u32,
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
            fit_tables: Box::default(),
            roots: [Complex::new(0.0, 0.0); ORDER],
            roots_warm: false,
            wide: false,
            release: false,
            powers: [0.0; MAX_HARMONICS],
            power_count: 0,
            output_period: 0.0,
            trim: 1.0,
            dry_power: 0.0,
            wet_power: 0.0,
            engaged: 0,
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
        self.power_count = 0;
        self.engaged = 0;
        self.reset_trim();
    }

    /// The trim starts afresh (the filter is flat, or starts again).
    fn reset_trim(&mut self) {
        self.trim = 1.0;
        self.dry_power = 0.0;
        self.wet_power = 0.0;
    }

    /// What the coming updates follow: the voiced input's period (`None` while unvoiced), the
    /// output's period (samples) and the ratio the filter moves the formants by (1: none).
    pub fn set_target(&mut self, period: Option<f32>, output_period: f32, ratio: f32) {
        self.release |= self.period.is_some() && period.is_none();
        self.period = period;
        self.output_period = output_period;
        self.ratio = if ratio.is_finite() { ratio } else { 1.0 };
    }

    /// Whether the filter passes its input as it is: no ramp running, flat coefficients and
    /// nothing left in the sections (flat sections empty theirs within two samples).
    #[inline(always)]
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
        if self.is_flat() && !self.fits() {
            // Nothing to filter and nothing to fit: what the updates of this run would do.
            if first.rem_euclid(hop) == 0 || first.rem_euclid(hop) + out.len() as i64 > hop {
                self.forget_fit();
            }
            self.reset_trim();
            return;
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
        let target = match self.period.filter(|_| self.fits()) {
            // No fit: hold what sounds.
            Some(period) => self
                .envelope_ratio(marks, index, f64::from(period))
                .unwrap_or(self.target),
            None => {
                self.forget_fit();
                Parallel::FLAT
            }
        };
        if self.is_flat() && target == Parallel::FLAT {
            return;
        }
        self.ramp_to(target);
    }

    /// Whether the updates fit an envelope: a voice, and a ratio that moves something.
    #[inline(always)]
    fn fits(&self) -> bool {
        self.period.is_some() && (self.ratio - 1.0).abs() > NO_RATIO
    }

    /// The next fit starts afresh (no voice, or nothing to move).
    #[inline(always)]
    fn forget_fit(&mut self) {
        self.roots_warm = false;
        self.power_count = 0;
        self.engaged = 0;
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
        let centre =
            (index - self.latency as i64 + self.hop as i64 / 2).min(index - length as i64 / 2);
        let window = &mut self.window[..length];
        marks.input_run(centre - length as i64 / 2, window);
        let mut powers = [0.0f64; MAX_HARMONICS];
        let count = harmonic_powers(window, period, self.sample_rate, &mut powers, self.wide);
        // Averaged with the last updates' while the harmonics are the same ones: one window of
        // two periods measures the weak harmonics with the leakage of where it fell, and a fit
        // that jumps between updates makes the level of a shifted voice jump with it.
        if count == self.power_count {
            for (average, &power) in self.powers[..count].iter_mut().zip(&powers[..count]) {
                *average = POWER_MEMORY * *average + (1.0 - POWER_MEMORY) * power;
            }
        } else {
            // A new number of harmonics (f0 crossed a multiple of `TOP_HZ`'s) starts the
            // average afresh; the first measurement of a voice only primes it: at an onset the
            // window still holds the attack, and a filter and level made from it overshot by
            // 5 dB for 20 ms on a pulse train.
            let onset = self.power_count == 0;
            self.powers[..count].copy_from_slice(&powers[..count]);
            self.power_count = count;
            if onset {
                return None;
            }
        }
        let f0 = self.sample_rate / period;
        if !fit_all_pole(
            &self.powers[..count],
            f0,
            &mut self.model,
            &mut self.fit_tables,
            self.wide,
        ) {
            self.roots_warm = false;
            return None;
        }
        polynomial_roots(&self.model, &mut self.roots, self.roots_warm);
        self.roots_warm = self
            .roots
            .iter()
            .all(|z| z.re.is_finite() && z.im.is_finite());
        if !self.roots_warm {
            return None;
        }
        let mut found = [Resonance::default(); SECTIONS];
        let n = resonances(&self.roots, LOWEST_MOVED_HZ, HIGHEST_MOVED_HZ, &mut found);
        // Eased in over the voice's first updates: the ratio's share grows a step per update.
        self.engaged = (self.engaged + 1).min(ENGAGE_UPDATES);
        let ratio = f64::from(self.ratio).powf(self.engaged as f64 / ENGAGE_UPDATES as f64);
        let nyquist = 0.45 * self.sample_rate;
        let mut pairs = [Pair::default(); SECTIONS];
        let mut used = 0;
        for resonance in found[..n].iter().filter(|r| r.frequency * ratio < nyquist) {
            pairs[used] = Pair::moved(*resonance, ratio, self.sample_rate);
            used += 1;
        }
        let pairs = &pairs[..used];
        // The level: the output's harmonics (the input's envelope, by the fit, where the
        // shifted voice's harmonics lie) keep their total power through the filter.
        let output_f0 = if self.output_period >= 2.0 {
            self.sample_rate / f64::from(self.output_period)
        } else {
            f0
        };
        let (mut before, mut after) = (0.0, 0.0);
        let top_power = envelope_power(&self.model, TOP_HZ);
        // The harmonics' phasors by rotation (no sine or cosine per harmonic): at the sample
        // rate for the filter, at `MODEL_RATE` for the envelope.
        let tau = std::f64::consts::TAU;
        let filter_step = Complex::from_polar(1.0, tau * output_f0 / self.sample_rate);
        let model_step = Complex::from_polar(1.0, -tau * output_f0 / MODEL_RATE);
        let (mut filter_phasor, mut model_phasor) = (filter_step, model_step);
        for k in 1..=MAX_LEVEL_HARMONICS {
            let hz = output_f0 * k as f64;
            if hz >= LEVEL_TOP_HZ {
                break;
            }
            // Above the fit, the voice's slope continues (-6 dB per octave, the source's).
            let power = if hz < TOP_HZ {
                envelope_power_at(&self.model, model_phasor, hz)
            } else {
                top_power * (TOP_HZ / hz).powi(2)
            };
            let mut gain = 1.0;
            for pair in pairs {
                gain *= pair.power_at(filter_phasor);
            }
            before += power;
            after += power * gain;
            filter_phasor *= filter_step;
            model_phasor *= model_step;
        }
        let level = if after > 0.0 && before > 0.0 {
            (before / after).sqrt().clamp(1.0 / MAX_GAIN, MAX_GAIN)
        } else {
            1.0
        };
        // The trim: half of what the last hop's output missed, in dB, each update.
        if self.dry_power > 0.0 && self.wet_power > 0.0 {
            let missed = (self.dry_power / self.wet_power).sqrt();
            self.trim = (self.trim * missed.sqrt()).clamp(1.0 / MAX_GAIN, MAX_GAIN);
        }
        (self.dry_power, self.wet_power) = (0.0, 0.0);
        Some(Parallel::from_cascade(pairs, level * self.trim))
    }

    /// Runs the filter over `out` (within one hop), stepping the ramp every `STRIDE` samples.
    #[inline(always)]
    fn filter(&mut self, out: &mut [f32]) {
        let mut j = 0;
        while j < out.len() {
            if self.stride_left == 0 {
                // Flatness is asked at stride starts only, so it is found at the same sample
                // whatever the runs.
                if self.is_flat() {
                    // The level is trimmed afresh when the filter comes back.
                    self.reset_trim();
                    return;
                }
                self.step_ramp();
                self.stride_left = STRIDE;
            }
            let end = out.len().min(j + self.stride_left);
            let c = self.now;
            // Negated once per stride, not per sample (the same products either way).
            let minus_d2 = c.d2.map(|d| -d);
            let (mut s1, mut s2) = (self.s1, self.s2);
            let (mut dry_power, mut wet_power) = (self.dry_power, self.wet_power);
            // Four samples at a time: the sections step through them one by one, then the
            // four outputs are summed side by side. Each sample gets the same operations in
            // the same order as alone (the rest below), so any split of runs gives the same
            // numbers.
            let mut quads = out[j..end].chunks_exact_mut(4);
            for y in &mut quads {
                let x: [f64; 4] = std::array::from_fn(|t| f64::from(y[t]));
                let mut v = [[0.0f64; SECTIONS]; 4];
                for (v, &x) in v.iter_mut().zip(&x) {
                    for k in 0..SECTIONS {
                        v[k] = c.b0[k] * x + s1[k];
                        s1[k] = c.b1[k] * x - c.d1[k] * v[k] + s2[k];
                        s2[k] = minus_d2[k] * v[k];
                    }
                }
                let wet: [f64; 4] = std::array::from_fn(|t| {
                    c.direct * x[t] + ((v[t][0] + v[t][1]) + (v[t][2] + v[t][3]))
                });
                for t in 0..4 {
                    dry_power += x[t] * x[t];
                    wet_power += wet[t] * wet[t];
                    y[t] = wet[t] as f32;
                }
            }
            for y in quads.into_remainder() {
                let x = f64::from(*y);
                dry_power += x * x;
                let mut v = [0.0f64; SECTIONS];
                for k in 0..SECTIONS {
                    v[k] = c.b0[k] * x + s1[k];
                    s1[k] = c.b1[k] * x - c.d1[k] * v[k] + s2[k];
                    s2[k] = minus_d2[k] * v[k];
                }
                // The same sums in the same order in every build.
                let wet = c.direct * x + ((v[0] + v[1]) + (v[2] + v[3]));
                wet_power += wet * wet;
                *y = wet as f32;
            }
            (self.dry_power, self.wet_power) = (dry_power, wet_power);
            (self.s1, self.s2) = (s1, s2);
            self.stride_left -= end - j;
            j = end;
        }
    }

    /// One stride of the ramp: the coefficients step on; the last step lands exactly on the
    /// target.
    #[inline(always)]
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
mod tests;
