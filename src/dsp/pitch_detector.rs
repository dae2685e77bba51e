//! Real-time pitch detection for monophonic voice (60-1100 Hz): a YIN estimator whose coarse
//! search runs FFT-accelerated on a decimated signal, refined on the full-rate signal around the
//! coarse lag, with a voicing decision. The octave guard is the lag choice itself: the first
//! dip within a margin of the deepest one (see `pick_lag`).

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use super::history::History;
use decimator::DecimatingLowPass;
use difference::normalise_differences;
use fine_search::LagSearch;

/// Lowest fundamental the detector looks for, in Hz.
pub const MIN_F0: f32 = 60.0;
/// Highest fundamental the detector looks for, in Hz.
pub const MAX_F0: f32 = 1100.0;
/// Analysis hop in seconds.
pub const HOP_SECONDS: f32 = 0.005;
/// Coarse-search sample rate target in Hz (the input is decimated to about this).
const COARSE_RATE: f32 = 11_025.0;
/// Coarse integration window in seconds (longer than the longest period).
const COARSE_WINDOW_SECONDS: f32 = 0.02;
/// Upper bound for an early dip to count as the period (YIN's absolute threshold).
const YIN_THRESHOLD: f32 = 0.4;
/// How much shallower than the deepest dip an earlier dip may be and still be the period: a
/// ratio (a vowel whose first formant sits on the second harmonic makes the half-period dip
/// shallow but nowhere near as deep as the period's) with a small absolute floor (jitter makes
/// the period's dip slightly shallower than the double period's).
const RELATIVE_RATIO: f32 = 3.5;
const RELATIVE_MARGIN: f32 = 0.03;
/// Frames an octave jump must last before it is believed.
const OCTAVE_JUMP_FRAMES: u32 = 4;
/// The previous octave is kept only while its dip is at least this periodic.
const OCTAVE_HOLD_LIMIT: f32 = 0.25;
/// Aperiodicity below which a frame becomes voiced, and below which it stays voiced.
const VOICED_ENTER: f32 = 0.25;
const VOICED_STAY: f32 = 0.4;
/// The narrow search (see `pick_confirmed_lag`) looks at lags up to this multiple of the
/// previous frame's period (plus `NARROW_EXTRA` lags): far enough for a leap down of a third,
/// while a longer new period falls back to the full search, as it finds no confirmed dip.
const NARROW_REACH: f32 = 1.25;
const NARROW_EXTRA: usize = 4;
/// Deepest aperiodicity a dip of the narrow search may have to be taken without the full
/// search: the full search's acceptance limit is never below this (`RELATIVE_MARGIN` over a
/// perfect dip), so such a dip is accepted whatever lies beyond the narrow range.
const CONFIRMED_DEPTH: f32 = RELATIVE_MARGIN;
/// Most samples `push_slice` takes at once (its scratch size).
pub const PUSH_CHUNK: usize = 256;
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
    /// The anti-alias low-pass, computed only at the samples the coarse search keeps.
    decimator: DecimatingLowPass,
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
    /// The last index of `energy_prefix` worked out for the current segment (see
    /// `extend_energy_prefix`).
    prefix_end: usize,
    cmndf: Vec<f32>,
    /// The narrow search's correlations, by lag (computed directly, not by FFT).
    direct: Vec<f32>,
    /// Whether this CPU runs the 256-bit builds (`dsp::wide::available`).
    wide: bool,
    fine: Vec<f32>,
    /// `push_slice`'s cleaned input and kept low-pass outputs (every part it reads written
    /// first), kept so no call zeroes its own.
    pushed: [f32; PUSH_CHUNK],
    kept: [f32; PUSH_CHUNK],
    previous: PitchFrame,
    octave_jump_frames: u32,
    /// Whether a confirmed period may skip the full coarse search (off only in tests that
    /// compare the two).
    narrow_search: bool,
    /// Hops the narrow search decided (for the tests that check it is taken).
    #[cfg(test)]
    narrow_hops: usize,
}

impl Default for PitchDetector {
    fn default() -> Self {
        Self {
            sample_rate: 48_000.0,
            decimation: 1,
            coarse_rate: 48_000.0,
            decimator: DecimatingLowPass::default(),
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
            prefix_end: 0,
            cmndf: Vec::new(),
            direct: Vec::new(),
            wide: false,
            fine: Vec::new(),
            pushed: [0.0; PUSH_CHUNK],
            kept: [0.0; PUSH_CHUNK],
            previous: PitchFrame::silence(0.0),
            octave_jump_frames: 0,
            narrow_search: true,
            #[cfg(test)]
            narrow_hops: 0,
        }
    }
}

impl PitchDetector {
    /// Prepares for `sample_rate`; estimates will describe the input `centre_delay` samples
    /// before the newest sample when the period allows. Allocates.
    pub fn prepare(&mut self, sample_rate: f32, centre_delay: usize) {
        self.sample_rate = sample_rate;
        self.decimation = ((sample_rate / COARSE_RATE).floor() as usize).max(1);
        self.coarse_rate = sample_rate / self.decimation as f32;
        // Upper harmonics only add lag-quantisation error on the coarse grid.
        let cutoff = (0.42 * self.coarse_rate).min(3_000.0);
        self.decimator.prepare(sample_rate, cutoff, self.decimation);
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
        self.direct = vec![0.0; self.tau_max + 2];
        self.wide = super::wide::available();

        let max_period = (sample_rate / MIN_F0).ceil() as usize;
        let fine_span = 3 * max_period + 2 * centre_delay + 4 * self.decimation + 16;
        self.fine = vec![0.0; fine_span];
        self.full.prepare(fine_span + 16);
        self.coarse.prepare(span + 16);
        self.clear();
    }

    /// Forgets all input, in place (never allocates): the next frame comes one hop from now.
    pub fn clear(&mut self) {
        self.decimator.clear();
        self.since_hop = 0;
        self.full.clear();
        self.coarse.clear();
        self.previous = PitchFrame::silence(0.0);
        self.octave_jump_frames = 0;
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
        let mut filtered = [0.0f32; 1];
        let kept = self.decimator.process(&[x], &mut filtered);
        self.coarse.push_slice(&filtered[..kept]);
        self.since_hop += 1;
        if self.since_hop >= self.hop {
            self.since_hop = 0;
            let frame = self.analyse();
            self.previous = frame;
            return Some(frame);
        }
        None
    }

    /// Feeds samples from the start of `input` until a hop completes or `input` ends (at most
    /// `PUSH_CHUNK` at once): returns how many it took and the frame, if the last of them
    /// completed one. The same as `push` on each, the low-pass computed only at the samples
    /// the coarse search keeps. Always inlined, into the chain's 256-bit build.
    #[inline(always)]
    pub fn push_slice(&mut self, input: &[f32]) -> (usize, Option<PitchFrame>) {
        let take = input
            .len()
            .min(self.hop.saturating_sub(self.since_hop).max(1))
            .min(PUSH_CHUNK);
        let clean = &mut self.pushed[..take];
        for (c, &x) in clean.iter_mut().zip(input) {
            *c = if x.is_finite() { x } else { 0.0 };
        }
        self.full.push_slice(clean);
        // Only the samples the coarse search keeps are filtered (see `decimator`).
        let kept = self.decimator.process(clean, &mut self.kept);
        self.coarse.push_slice(&self.kept[..kept]);
        self.since_hop += take;
        if self.since_hop >= self.hop {
            self.since_hop = 0;
            let frame = self.analyse();
            self.previous = frame;
            return (take, Some(frame));
        }
        (take, None)
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

        // Energy of the reference window and of every lagged window, from prefix sums: as far
        // as the reference window now, further as far as the search needs.
        self.energy_prefix[0] = 0.0;
        self.prefix_end = 0;
        self.extend_energy_prefix(w);
        let energy_ref = self.energy_prefix[w];
        let level_db = 10.0 * (energy_ref / w as f32 + 1.0e-12).log10();
        let centre = now as f64 - self.centre_delay as f64;
        if level_db < SILENCE_DB {
            return PitchFrame {
                level_db,
                ..PitchFrame::silence(centre)
            };
        }

        let picked = match self.pick_confirmed_lag() {
            Some(tau) => tau,
            None => {
                if !self.correlate() {
                    return PitchFrame::silence(centre);
                }
                self.extend_energy_prefix(self.tau_max + w);
                let norm = 1.0 / self.fft_len as f32;
                normalise_differences(
                    &mut self.cmndf,
                    &self.energy_prefix,
                    w,
                    &self.time_b,
                    norm,
                    self.tau_max,
                    self.wide,
                );
                match self.pick_lag() {
                    Some(tau) => tau,
                    None => return self.unvoiced(centre, 1.0, level_db),
                }
            }
        };
        let tau = self.hold_octave(picked);
        let aperiodicity = self.dip_depth(tau);
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

    /// Works the energy prefix sums out up to index `end` (within the segment), going on from
    /// where they stand: `energy_prefix[i]` is the sum of the first `i` squares of the
    /// segment, added one by one in order, so the values are the same however far each step
    /// goes. The squares first as whole vectors, then the running sum alone.
    pub(super) fn extend_energy_prefix(&mut self, end: usize) {
        let end = end
            .min(self.segment.len())
            .min(self.energy_prefix.len() - 1);
        let start = self.prefix_end;
        if end <= start {
            return;
        }
        let prefixes = &mut self.energy_prefix[start + 1..=end];
        for (prefix, &x) in prefixes.iter_mut().zip(&self.segment[start..end]) {
            *prefix = x * x;
        }
        let mut running = self.energy_prefix[start];
        for prefix in self.energy_prefix[start + 1..=end].iter_mut() {
            running += *prefix;
            *prefix = running;
        }
        self.prefix_end = end;
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

    /// Refines the period on the full-rate signal around `coarse_period` (in full-rate samples).
    /// Returns the period and the absolute time the estimate is centred on.
    fn refine(&mut self, coarse_period: f32, now: u64) -> (f32, f64) {
        // The coarse window is centred earlier than the fine one, so in fast glides the fine
        // minimum can sit several percent away: search wide enough, and follow an edge minimum.
        let reach = (self.decimation as f32 * 0.5 + 2.0 + 0.01 * coarse_period).ceil() as usize;
        let centre_lag = coarse_period.round() as usize;
        let mut lo = centre_lag.saturating_sub(reach).max(2);
        let mut hi = centre_lag + reach;
        // Placed so the analysed span is centred on the caller's latency point (where the
        // shifter applies the estimate) whenever the period allows; that also spans several
        // periods for all but the lowest voices, averaging out cycle-to-cycle jitter.
        let window = (2 * self.centre_delay)
            .saturating_sub(centre_lag)
            .max(centre_lag)
            .min(self.fine.len().saturating_sub(hi + 2 * reach + 1));
        let span = window + hi + 2 * reach;
        if span > self.fine.len() || window == 0 {
            return (coarse_period, now as f64 - self.centre_delay as f64);
        }
        let buf = &mut self.fine[..span];
        self.full.copy_ending_at(now, buf);
        let max_lag = span - window;
        let mut search = LagSearch::new(buf, window, lo).with_wide_vectors(self.wide);
        let mut best_lag = lo;
        let mut best_value = f32::MAX;
        // The first scan starts at the coarse lag; a widened one next to the edge it left.
        let mut start = centre_lag;
        for pass in 0..4 {
            if let Some((lag, value)) =
                search.scan(lo, hi.min(max_lag), start, best_value, pass == 0)
            {
                if value < best_value {
                    best_value = value;
                    best_lag = lag;
                }
            }
            if best_lag == lo && lo > 2 {
                start = lo.saturating_sub(1);
                hi = start;
                lo = lo.saturating_sub(reach).max(2);
            } else if best_lag == hi && hi < max_lag {
                lo = hi + 1;
                start = lo;
                hi = (hi + reach).min(max_lag);
            } else {
                break;
            }
        }
        let refined = if best_lag > 2 && best_lag < max_lag {
            let (a, b, c) = (
                search.known(best_lag - 1),
                best_value,
                search.known(best_lag + 1),
            );
            let denominator = a - 2.0 * b + c;
            if denominator > 0.0 {
                best_lag as f32 + (0.5 * (a - c) / denominator).clamp(-0.5, 0.5)
            } else {
                best_lag as f32
            }
        } else {
            best_lag as f32
        };
        // The analysed span starts `span` samples back; lags beyond `refined` are unused.
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

mod decimator;
mod difference;
mod fine_search;
mod lag_choice;
#[cfg(test)]
mod tests;
