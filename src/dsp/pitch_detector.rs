//! Real-time pitch detection for monophonic voice (60-1100 Hz): a YIN estimator whose coarse
//! search runs FFT-accelerated on a decimated signal, refined on the full-rate signal around the
//! coarse lag, with a voicing decision and octave-error guards.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use super::biquad::{Biquad, BiquadCoefficients};
use super::history::History;

/// Lowest fundamental the detector looks for, in Hz.
pub const MIN_F0: f32 = 60.0;
/// Highest fundamental the detector looks for, in Hz.
pub const MAX_F0: f32 = 1100.0;
/// Analysis hop in seconds.
pub const HOP_SECONDS: f32 = 0.004;
/// Coarse-search sample rate target in Hz (the input is decimated to about this).
const COARSE_RATE: f32 = 11_025.0;
/// Coarse integration window in seconds (longer than the longest period).
const COARSE_WINDOW_SECONDS: f32 = 0.02;
/// YIN's absolute threshold on the cumulative mean normalised difference.
const YIN_THRESHOLD: f32 = 0.15;
/// Aperiodicity below which a frame becomes voiced, and below which it stays voiced.
const VOICED_ENTER: f32 = 0.25;
const VOICED_STAY: f32 = 0.4;
/// Frames quieter than this (dBFS RMS) are silence.
const SILENCE_DB: f32 = -60.0;

/// What a frame contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voicing {
    /// Too quiet to analyse.
    Silence,
    /// Sound without a clear period (consonants, breath, noise).
    Unvoiced,
    /// A clear period: `f0` is valid.
    Voiced,
}

/// One analysis result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PitchFrame {
    /// Absolute input sample index the estimate describes (centre of the analysed span).
    pub time: f64,
    /// Fundamental in Hz (0 when not voiced).
    pub f0: f32,
    /// Voiced, unvoiced or silence.
    pub voicing: Voicing,
    /// YIN aperiodicity at the chosen lag (0 = perfectly periodic).
    pub aperiodicity: f32,
    /// RMS level of the analysed window in dBFS.
    pub level_db: f32,
}

impl PitchFrame {
    /// A silent frame at `time`.
    pub fn silence(time: f64) -> Self {
        Self {
            time,
            f0: 0.0,
            voicing: Voicing::Silence,
            aperiodicity: 1.0,
            level_db: -120.0,
        }
    }

    /// Whether `f0` is valid.
    pub fn is_voiced(&self) -> bool {
        self.voicing == Voicing::Voiced
    }
}

/// The detector: feed samples one by one, receive a frame every hop.
pub struct PitchDetector {
    sample_rate: f32,
    decimation: usize,
    coarse_rate: f32,
    anti_alias: [Biquad; 2],
    decimation_phase: usize,
    full: History,
    coarse: History,
    hop: usize,
    since_hop: usize,
    /// Where, in samples before "now", the estimate should be centred (the caller's latency).
    centre_delay: usize,
    coarse_window: usize,
    tau_min: usize,
    tau_max: usize,
    fft_len: usize,
    forward: Option<Arc<dyn RealToComplex<f32>>>,
    inverse: Option<Arc<dyn ComplexToReal<f32>>>,
    time_a: Vec<f32>,
    time_b: Vec<f32>,
    spec_a: Vec<Complex<f32>>,
    spec_b: Vec<Complex<f32>>,
    fft_scratch: Vec<Complex<f32>>,
    segment: Vec<f32>,
    energy_prefix: Vec<f32>,
    cmndf: Vec<f32>,
    fine: Vec<f32>,
    previous: PitchFrame,
}

impl Default for PitchDetector {
    fn default() -> Self {
        Self {
            sample_rate: 48_000.0,
            decimation: 1,
            coarse_rate: 48_000.0,
            anti_alias: [Biquad::default(); 2],
            decimation_phase: 0,
            full: History::default(),
            coarse: History::default(),
            hop: 1,
            since_hop: 0,
            centre_delay: 0,
            coarse_window: 0,
            tau_min: 1,
            tau_max: 2,
            fft_len: 0,
            forward: None,
            inverse: None,
            time_a: Vec::new(),
            time_b: Vec::new(),
            spec_a: Vec::new(),
            spec_b: Vec::new(),
            fft_scratch: Vec::new(),
            segment: Vec::new(),
            energy_prefix: Vec::new(),
            cmndf: Vec::new(),
            fine: Vec::new(),
            previous: PitchFrame::silence(0.0),
        }
    }
}

impl PitchDetector {
    /// Prepares for `sample_rate`; estimates will describe the input `centre_delay` samples
    /// before the newest sample when the period allows. Allocates.
    pub fn reset(&mut self, sample_rate: f32, centre_delay: usize) {
        self.sample_rate = sample_rate;
        self.decimation = ((sample_rate / COARSE_RATE).floor() as usize).max(1);
        self.coarse_rate = sample_rate / self.decimation as f32;
        let cutoff = 0.42 * self.coarse_rate;
        self.anti_alias = [
            Biquad::new(BiquadCoefficients::low_pass(sample_rate, cutoff, 0.541)),
            Biquad::new(BiquadCoefficients::low_pass(sample_rate, cutoff, 1.307)),
        ];
        self.decimation_phase = 0;
        self.hop = ((sample_rate * HOP_SECONDS).round() as usize).max(1);
        self.since_hop = 0;
        self.centre_delay = centre_delay;

        self.coarse_window = (COARSE_WINDOW_SECONDS * self.coarse_rate).ceil() as usize;
        self.tau_min = ((self.coarse_rate / (MAX_F0 * 1.05)).floor() as usize).max(2);
        self.tau_max = (self.coarse_rate / (MIN_F0 * 0.92)).ceil() as usize;
        let span = self.coarse_window + self.tau_max + 1;
        self.fft_len = span.next_power_of_two();
        let mut planner = RealFftPlanner::<f32>::new();
        let forward = planner.plan_fft_forward(self.fft_len);
        let inverse = planner.plan_fft_inverse(self.fft_len);
        self.time_a = forward.make_input_vec();
        self.time_b = forward.make_input_vec();
        self.spec_a = forward.make_output_vec();
        self.spec_b = forward.make_output_vec();
        let scratch_len = forward.get_scratch_len().max(inverse.get_scratch_len());
        self.fft_scratch = vec![Complex::default(); scratch_len];
        self.forward = Some(forward);
        self.inverse = Some(inverse);
        self.segment = vec![0.0; span];
        self.energy_prefix = vec![0.0; span + 1];
        self.cmndf = vec![0.0; self.tau_max + 2];

        let max_period = (sample_rate / MIN_F0).ceil() as usize;
        let fine_span = 2 * max_period.max(centre_delay) + 4 * self.decimation + 16;
        self.fine = vec![0.0; fine_span];
        self.full.reset(fine_span + 16);
        self.coarse.reset(span + 16);
        self.previous = PitchFrame::silence(0.0);
    }

    /// Samples between analysis frames.
    pub fn hop_size(&self) -> usize {
        self.hop
    }

    /// The most recent frame.
    pub fn latest(&self) -> PitchFrame {
        self.previous
    }

    /// Feeds one sample; returns a new frame when a hop completes.
    #[inline]
    pub fn push(&mut self, sample: f32) -> Option<PitchFrame> {
        let x = if sample.is_finite() { sample } else { 0.0 };
        self.full.push(x);
        let stage_one = self.anti_alias[0].process(x);
        let filtered = self.anti_alias[1].process(stage_one);
        self.decimation_phase += 1;
        if self.decimation_phase >= self.decimation {
            self.decimation_phase = 0;
            self.coarse.push(filtered);
        }
        self.since_hop += 1;
        if self.since_hop >= self.hop {
            self.since_hop = 0;
            let frame = self.analyse();
            self.previous = frame;
            return Some(frame);
        }
        None
    }

    fn analyse(&mut self) -> PitchFrame {
        let now = self.full.written();
        let span = self.segment.len();
        if (self.coarse.written() as usize) < span {
            return PitchFrame::silence(now as f64);
        }
        self.coarse
            .copy_ending_at(self.coarse.written(), &mut self.segment);
        let w = self.coarse_window;

        // Energy of the reference window and of every lagged window, from prefix sums.
        self.energy_prefix[0] = 0.0;
        for (i, x) in self.segment.iter().enumerate() {
            self.energy_prefix[i + 1] = self.energy_prefix[i] + x * x;
        }
        let energy_ref = self.energy_prefix[w];
        let level_db = 10.0 * (energy_ref / w as f32 + 1.0e-12).log10();
        let centre = now as f64 - self.centre_delay as f64;
        if level_db < SILENCE_DB {
            return PitchFrame {
                level_db,
                ..PitchFrame::silence(centre)
            };
        }

        if !self.correlate() {
            return PitchFrame::silence(centre);
        }

        // Difference function and its cumulative mean normalisation (YIN steps 2-3).
        let norm = 1.0 / self.fft_len as f32;
        let mut running = 0.0f32;
        self.cmndf[0] = 1.0;
        for tau in 1..=self.tau_max {
            let lagged = self.energy_prefix[tau + w] - self.energy_prefix[tau];
            let d = (energy_ref + lagged - 2.0 * self.time_b[tau] * norm).max(0.0);
            running += d;
            self.cmndf[tau] = if running > 0.0 {
                d * tau as f32 / running
            } else {
                1.0
            };
        }

        let Some(mut tau) = self.pick_lag() else {
            return self.unvoiced(centre, 1.0, level_db);
        };
        tau = self.guard_octave(tau);
        let aperiodicity = self.cmndf[tau];
        let threshold = if self.previous.is_voiced() {
            VOICED_STAY
        } else {
            VOICED_ENTER
        };
        if aperiodicity > threshold {
            return self.unvoiced(centre, aperiodicity, level_db);
        }
        let coarse_lag = parabolic_minimum(&self.cmndf, tau);
        let (period, time) = self.refine(coarse_lag * self.decimation as f32, now);
        let f0 = self.sample_rate / period;
        if !(MIN_F0 * 0.9..=MAX_F0 * 1.1).contains(&f0) {
            return self.unvoiced(centre, aperiodicity, level_db);
        }
        PitchFrame {
            time,
            f0,
            voicing: Voicing::Voiced,
            aperiodicity,
            level_db,
        }
    }

    fn unvoiced(&self, time: f64, aperiodicity: f32, level_db: f32) -> PitchFrame {
        PitchFrame {
            time,
            f0: 0.0,
            voicing: Voicing::Unvoiced,
            aperiodicity,
            level_db,
        }
    }

    /// Cross-correlates the reference window with the whole segment; the result (unscaled) is
    /// left in `time_b`. Returns false if the FFT was not planned.
    fn correlate(&mut self) -> bool {
        let (Some(forward), Some(inverse)) = (self.forward.as_ref(), self.inverse.as_ref()) else {
            return false;
        };
        let w = self.coarse_window;
        self.time_a.fill(0.0);
        self.time_a[..w].copy_from_slice(&self.segment[..w]);
        self.time_b.fill(0.0);
        self.time_b[..self.segment.len()].copy_from_slice(&self.segment);
        if forward
            .process_with_scratch(&mut self.time_a, &mut self.spec_a, &mut self.fft_scratch)
            .is_err()
            || forward
                .process_with_scratch(&mut self.time_b, &mut self.spec_b, &mut self.fft_scratch)
                .is_err()
        {
            return false;
        }
        for (b, a) in self.spec_b.iter_mut().zip(self.spec_a.iter()) {
            *b *= a.conj();
        }
        // The inverse transform needs purely real DC and Nyquist bins.
        if let Some(first) = self.spec_b.first_mut() {
            first.im = 0.0;
        }
        if let Some(last) = self.spec_b.last_mut() {
            last.im = 0.0;
        }
        inverse
            .process_with_scratch(&mut self.spec_b, &mut self.time_b, &mut self.fft_scratch)
            .is_ok()
    }

    /// YIN step 4: the first dip under the threshold (then its local minimum), else the
    /// global minimum.
    fn pick_lag(&self) -> Option<usize> {
        let range = self.tau_min..=self.tau_max;
        let mut tau = self.tau_min;
        while tau <= self.tau_max {
            if self.cmndf[tau] < YIN_THRESHOLD {
                while tau < self.tau_max && self.cmndf[tau + 1] < self.cmndf[tau] {
                    tau += 1;
                }
                return Some(tau);
            }
            tau += 1;
        }
        range.min_by(|&a, &b| self.cmndf[a].total_cmp(&self.cmndf[b]))
    }

    /// Octave guard: across an octave jump, prefer the lag near the previous voiced period when
    /// it is almost as good (YIN's first-dip rule already guards against too-low octaves).
    fn guard_octave(&self, tau: usize) -> usize {
        let local_min = |centre: usize| -> usize {
            let lo = centre.saturating_sub(2).max(self.tau_min);
            let hi = (centre + 2).min(self.tau_max);
            (lo..=hi)
                .min_by(|&a, &b| self.cmndf[a].total_cmp(&self.cmndf[b]))
                .unwrap_or(centre)
        };
        let mut best = tau;
        if self.previous.is_voiced() {
            let previous_lag = self.coarse_rate / self.previous.f0;
            let ratio = best as f32 / previous_lag;
            let octave_jump = (ratio - 2.0).abs() < 0.2 || (ratio - 0.5).abs() < 0.05;
            if octave_jump {
                let candidate = local_min(previous_lag.round() as usize);
                if self.cmndf[candidate] < self.cmndf[best] + 0.1 {
                    best = candidate;
                }
            }
        }
        best
    }

    /// Refines the period on the full-rate signal around `coarse_period` (in full-rate samples).
    /// Returns the period and the absolute time the estimate is centred on.
    fn refine(&mut self, coarse_period: f32, now: u64) -> (f32, f64) {
        let reach = (self.decimation as f32 * 0.5 + 2.0).ceil() as usize;
        let centre_lag = coarse_period.round() as usize;
        let lo = centre_lag.saturating_sub(reach).max(2);
        let hi = centre_lag + reach;
        // Window long enough for one period, and placed so the span is centred near the
        // caller's latency point when the period allows.
        let window = (2 * self.centre_delay)
            .saturating_sub(centre_lag)
            .max(centre_lag)
            .min(self.fine.len().saturating_sub(hi + 1));
        let span = window + hi;
        if span > self.fine.len() || window == 0 {
            return (coarse_period, now as f64 - self.centre_delay as f64);
        }
        let buf = &mut self.fine[..span];
        self.full.copy_ending_at(now, buf);
        let mut best_lag = lo;
        let mut values = [0.0f32; 64];
        let count = (hi - lo + 1).min(values.len());
        for k in 0..count {
            let lag = lo + k;
            let reference = &buf[..window];
            let lagged = &buf[lag..lag + window];
            values[k] = reference
                .iter()
                .zip(lagged)
                .map(|(a, b)| (a - b) * (a - b))
                .sum();
            if values[k] < values[best_lag - lo] {
                best_lag = lag;
            }
        }
        let k = best_lag - lo;
        let refined = if k > 0 && k + 1 < count {
            let (a, b, c) = (values[k - 1], values[k], values[k + 1]);
            let denominator = a - 2.0 * b + c;
            if denominator > 0.0 {
                best_lag as f32 + (0.5 * (a - c) / denominator).clamp(-0.5, 0.5)
            } else {
                best_lag as f32
            }
        } else {
            coarse_period
        };
        let start = now as f64 - span as f64;
        (refined, start + (window as f64 + refined as f64) * 0.5)
    }
}

/// Sub-sample position of the minimum of `values` around index `i` (parabolic fit).
fn parabolic_minimum(values: &[f32], i: usize) -> f32 {
    if i == 0 || i + 1 >= values.len() {
        return i as f32;
    }
    let (a, b, c) = (values[i - 1], values[i], values[i + 1]);
    let denominator = a - 2.0 * b + c;
    if denominator <= 0.0 {
        return i as f32;
    }
    i as f32 + (0.5 * (a - c) / denominator).clamp(-0.5, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(signal: &[f32], sample_rate: f32) -> Vec<PitchFrame> {
        let mut detector = PitchDetector::default();
        detector.reset(sample_rate, (sample_rate * 0.01) as usize);
        signal.iter().filter_map(|&x| detector.push(x)).collect()
    }

    fn harmonic_tone(f0: f32, sample_rate: f32, seconds: f32) -> Vec<f32> {
        let n = (sample_rate * seconds) as usize;
        (0..n)
            .map(|i| {
                let t = i as f32 / sample_rate;
                (1..=8)
                    .map(|h| (2.0 * std::f32::consts::PI * f0 * h as f32 * t).sin() / h as f32)
                    .sum::<f32>()
                    * 0.3
            })
            .collect()
    }

    fn cents(a: f32, b: f32) -> f32 {
        1200.0 * (a / b).log2()
    }

    #[test]
    fn finds_steady_tones_across_the_range_and_rates() {
        for &sample_rate in &[22_050.0, 44_100.0, 48_000.0, 96_000.0] {
            for &f0 in &[65.0, 110.0, 220.0, 440.0, 880.0, 1050.0] {
                let frames = detect(&harmonic_tone(f0, sample_rate, 0.5), sample_rate);
                let voiced: Vec<_> = frames.iter().skip(20).collect();
                assert!(
                    voiced.iter().all(|f| f.is_voiced()),
                    "{f0} Hz at {sample_rate}: unvoiced frames"
                );
                for frame in voiced {
                    let error = cents(frame.f0, f0).abs();
                    assert!(
                        error < 2.0,
                        "{f0} Hz at {sample_rate}: {} Hz ({error} cents)",
                        frame.f0
                    );
                }
            }
        }
    }

    #[test]
    fn silence_and_noise_are_not_voiced() {
        let frames = detect(&vec![0.0; 48_000], 48_000.0);
        assert!(frames.iter().all(|f| f.voicing == Voicing::Silence));
        let mut noise = super::super::noise::WhiteNoise::new(3);
        let noisy: Vec<f32> = (0..48_000).map(|_| noise.next_value() * 0.3).collect();
        let frames = detect(&noisy, 48_000.0);
        let voiced = frames.iter().filter(|f| f.is_voiced()).count();
        assert!(
            voiced * 20 < frames.len(),
            "{voiced} of {} noise frames voiced",
            frames.len()
        );
    }

    #[test]
    fn survives_non_finite_input() {
        let mut signal = harmonic_tone(220.0, 48_000.0, 0.3);
        for x in signal.iter_mut().step_by(97) {
            *x = f32::NAN;
        }
        let frames = detect(&signal, 48_000.0);
        assert!(frames
            .iter()
            .all(|f| f.f0.is_finite() && f.level_db.is_finite()));
    }
}
