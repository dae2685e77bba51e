//! The analysis side of PSOLA, shared by every voice shifted from the same input: the input
//! history, its band-limited copy (for grains read faster than real time), the low-passed copy
//! the glottal pulses are found on, and the analysis marks (one per period, phase-locked to the
//! pulses).
//!
//! The lead and every harmony voice read one `PitchMarks`: the input and its pulses are the same
//! for all of them, so the filters and the mark search run once per sample whatever the number
//! of voices. Input is analysed a run at a time (a stretch with one period); the mark in force
//! after each sample is recorded in a `MarkTrace`, so a voice rendering the run afterwards sees
//! exactly the marks it would have seen sample by sample.

use super::biquad::{Biquad, BiquadCoefficients};
use super::history::History;

/// Phase-lock strength of the analysis marks to the detected pulse peaks.
const MARK_LOCK: f64 = 0.3;
/// Most samples analysed ahead of the voices that read them (one run of the chain): the
/// histories keep this much more than the voices read back.
pub const MAX_RUN: usize = 256;
/// Lowest period the marks follow (samples): a shorter one is no pitch.
const MIN_PERIOD: f32 = 2.0;
/// Highest frequency anyone hears (Hz): what a fast read folds back above it needs no filter.
const AUDIBLE_LIMIT_HZ: f32 = 20_000.0;

/// The mark in force after each sample of a run: the latest analysis mark minus the pulse
/// filter's delay (where grains centre), or `None` while no marks are tracked. A run has one
/// period, so its trace holds a mark at every sample or at none (`PsolaVoice` relies on it).
pub type MarkTrace = [Option<f64>; MAX_RUN];

/// Input histories and analysis marks of one input.
pub struct PitchMarks {
    latency: usize,
    sample_rate: f32,
    history: History,
    /// The input low-passed below the Nyquist frequency of the fastest grain read, so grains
    /// read faster than real time do not fold upper harmonics back down. Kept up only while
    /// such grains may read it (see `tune_anti_alias`): most of the time nothing does.
    band_limited: History,
    anti_alias: [Biquad; 2],
    /// Whether `band_limited` is being kept up, and until which input index at least: a
    /// history's length after the last read faster than real time was announced, longer than
    /// any grain of it reads on.
    band_limited_awake: bool,
    band_limited_until: i64,
    /// Read speed the anti-alias filter is tuned for.
    anti_alias_formant: f32,
    /// Fastest read that folds nothing audible back (see `alias_free_speed`): reads up to it
    /// use the input as it is.
    alias_free_speed: f32,
    peaks: History,
    peak_filter: Biquad,
    peak_coefficients: BiquadCoefficients,
    /// The peak filter's group delay at the current period (samples), and that period: marks
    /// are found on the filtered copy, grains read the input this much earlier.
    mark_delay: f64,
    mark_delay_period: f64,
    /// Last analysis mark (absolute input index) and whether marks are being tracked.
    last_mark: f64,
    tracking: bool,
    /// How far back from the newest sample grains may read.
    oldest_readable: i64,
}

impl Default for PitchMarks {
    fn default() -> Self {
        Self {
            latency: 0,
            sample_rate: 48_000.0,
            history: History::default(),
            band_limited: History::default(),
            anti_alias: [Biquad::default(); 2],
            band_limited_awake: false,
            band_limited_until: 0,
            anti_alias_formant: 1.0,
            alias_free_speed: 1.0,
            peaks: History::default(),
            peak_filter: Biquad::default(),
            peak_coefficients: BiquadCoefficients::IDENTITY,
            mark_delay: 0.0,
            mark_delay_period: 0.0,
            last_mark: 0.0,
            tracking: false,
            oldest_readable: 0,
        }
    }
}

impl PitchMarks {
    /// Prepares for `sample_rate` with `latency` samples between input and output; allocates.
    pub fn prepare(&mut self, sample_rate: f32, latency: usize) {
        self.latency = latency;
        self.sample_rate = sample_rate;
        self.alias_free_speed = alias_free_speed(sample_rate);
        let longest_period = (sample_rate / 50.0).ceil() as usize;
        // Room for a grain read two periods plus the latency into the past, formant reads, the
        // mean of a grain measured a few periods back (`grain_mean`), and one run analysed
        // ahead of its readers.
        let capacity = 8 * longest_period + 2 * latency + 64 + MAX_RUN;
        self.history.prepare(capacity);
        self.band_limited.prepare(capacity);
        self.peaks.prepare(capacity);
        self.oldest_readable = (self.history.capacity() - MAX_RUN) as i64 - 2;
        self.peak_coefficients = BiquadCoefficients::low_pass(sample_rate, 700.0, 0.7);
        self.peak_filter = Biquad::new(self.peak_coefficients);
        self.clear();
    }

    /// Forgets all input and the marks, in place (never allocates).
    pub fn clear(&mut self) {
        self.history.clear();
        self.band_limited.clear();
        self.peaks.clear();
        self.peak_filter.clear();
        self.anti_alias_formant = 0.0;
        self.tune_anti_alias(1.0);
        for filter in self.anti_alias.iter_mut() {
            filter.clear();
        }
        self.band_limited_awake = false;
        self.band_limited_until = 0;
        self.mark_delay = 0.0;
        self.mark_delay_period = 0.0;
        self.tracking = false;
        self.last_mark = 0.0;
    }

    /// Delay between input and output in samples.
    pub fn latency(&self) -> usize {
        self.latency
    }

    /// Absolute index of the newest input sample (-1 before the first).
    #[inline]
    pub fn newest(&self) -> i64 {
        self.history.written() as i64 - 1
    }

    /// How far back from the newest sample grains may read.
    #[inline]
    pub fn oldest_readable(&self) -> i64 {
        self.oldest_readable
    }

    /// The input sample at absolute index `index` (0 outside what the history holds).
    #[inline]
    pub fn input(&self, index: i64) -> f32 {
        self.history.get(index)
    }

    /// The input samples from absolute index `start` on, into `out` (0 where the history holds
    /// none): `input` for a run of indices.
    pub fn input_run(&self, start: i64, out: &mut [f32]) {
        let end = start + out.len() as i64;
        if end <= 0 {
            out.fill(0.0);
            return;
        }
        self.history.copy_ending_at(end as u64, out);
    }

    /// The input a grain read `formant` times faster than real time reads from: the
    /// band-limited copy only when the read would fold audible frequencies back.
    #[inline]
    pub fn source(&self, formant: f32) -> &History {
        if formant > self.alias_free_speed {
            &self.band_limited
        } else {
            &self.history
        }
    }

    /// Tunes the anti-alias low-pass for grains read `formant` times faster than real time
    /// (fourth-order Butterworth at 0.45 of the read's Nyquist frequency); only when the speed
    /// has moved by more than 1 %, so a steady shift costs nothing. With several readers, call
    /// it with the fastest read (a slower reader then loses only what lies above 0.45 of the
    /// faster read's Nyquist frequency, above 20 kHz for the small offsets voices add).
    ///
    /// A speed above `alias_free_speed` also announces that grains will read the band-limited
    /// copy (before
    /// the run they read is pushed): the copy is kept up from then on until a history's length
    /// after the last such call, and when it was not, it is first rebuilt from the input
    /// history (see `wake_band_limited`).
    pub fn tune_anti_alias(&mut self, formant: f32) {
        if (formant / self.anti_alias_formant - 1.0).abs() >= 0.01 {
            self.anti_alias_formant = formant;
            let cutoff = 0.45 * self.sample_rate / formant.max(1.0);
            self.anti_alias[0].set(BiquadCoefficients::low_pass(self.sample_rate, cutoff, 0.54));
            self.anti_alias[1].set(BiquadCoefficients::low_pass(self.sample_rate, cutoff, 1.31));
        }
        if formant > self.alias_free_speed {
            self.wake_band_limited();
        }
    }

    /// Keeps the band-limited copy up for another history's length; if it was not kept up,
    /// rebuilds it first: the whole input history through freshly cleared anti-alias filters,
    /// oldest first. The filters settle within a few dozen samples, and grains read no more
    /// than about half the history back (see `prepare`'s capacity, rounded up to a power of
    /// two), so what they read is what continuous filtering would have left, and the filters'
    /// state goes on from the newest sample.
    ///
    /// Whether the copy was kept up is decided by the sample index alone (not by when a run
    /// last looked), so the copy is rebuilt at the same samples for any block size.
    fn wake_band_limited(&mut self) {
        let expired = !self.band_limited_awake || self.newest() >= self.band_limited_until;
        self.band_limited_until = self.newest() + self.history.capacity() as i64;
        self.band_limited_awake = true;
        if !expired {
            return;
        }
        for filter in self.anti_alias.iter_mut() {
            filter.clear();
        }
        let anti_alias = &mut self.anti_alias;
        self.band_limited
            .refill_filtered(&self.history, &mut |run: &mut [f32]| {
                Biquad::process_cascade_block(anti_alias, run)
            });
    }

    /// Whether the band-limited copy is kept up for the sample after the newest; it falls
    /// asleep once its time is over.
    #[inline]
    fn band_limited_kept(&mut self) -> bool {
        if self.band_limited_awake && self.newest() >= self.band_limited_until {
            self.band_limited_awake = false;
        }
        self.band_limited_awake
    }

    /// Analyses one sample: `period` is the input period in samples while voiced (`None`
    /// otherwise). Returns the mark in force after it (see `MarkTrace`).
    #[inline]
    pub fn push(&mut self, input: f32, period: Option<f32>) -> Option<f64> {
        if self.band_limited_kept() {
            let first = self.anti_alias[0].process(input);
            let limited = self.anti_alias[1].process(first);
            self.band_limited.push(limited);
        }
        self.history.push(input);
        let low = self.peak_filter.process(input);
        self.peaks.push(low);
        match period {
            Some(period) if period.is_finite() && period >= MIN_PERIOD => {
                self.track(period as f64, self.newest());
                Some(self.last_mark - self.mark_delay)
            }
            _ => {
                self.tracking = false;
                None
            }
        }
    }

    /// Analyses a run of samples with one `period`, recording the mark after each in `trace`
    /// (at most `MAX_RUN` samples: longer input is the caller's mistake and is cut).
    pub fn push_run(&mut self, input: &[f32], period: Option<f32>, trace: &mut MarkTrace) {
        let input = &input[..input.len().min(MAX_RUN)];
        let mut filtered = [0.0f32; MAX_RUN];
        let filtered = &mut filtered[..input.len()];
        self.peak_filter.process_block_into(input, filtered);
        self.push_run_filtered(input, filtered, period, trace);
    }

    /// The low-pass the pulses are found on, for a caller that runs it over the input itself
    /// (beside another filter, `Biquad::process_pair_into`) and hands its output to
    /// `push_run_filtered`.
    pub fn peak_filter(&mut self) -> &mut Biquad {
        &mut self.peak_filter
    }

    /// `push_run` with the pulse low-pass already run: `peaks` is `peak_filter`'s output for
    /// `input` (the same numbers). Always inlined, into the chain's 256-bit build.
    #[inline(always)]
    pub fn push_run_filtered(
        &mut self,
        input: &[f32],
        peaks: &[f32],
        period: Option<f32>,
        trace: &mut MarkTrace,
    ) {
        let input = &input[..input.len().min(MAX_RUN).min(peaks.len())];
        let first = self.newest() + 1;
        // The three histories a whole run at a time: the marks only ever read up to the sample
        // they are tracked at, so writing ahead changes nothing they find.
        if self.band_limited_kept() {
            // Zeroed only while the copy is kept up (most runs need no scratch at all).
            let mut filtered = [0.0f32; MAX_RUN];
            let filtered = &mut filtered[..input.len()];
            filtered.copy_from_slice(input);
            Biquad::process_cascade_block(&mut self.anti_alias, filtered);
            self.band_limited.push_slice(filtered);
        }
        self.history.push_slice(input);
        self.peaks.push_slice(&peaks[..input.len()]);
        match period {
            Some(period) if period.is_finite() && period >= MIN_PERIOD => {
                // `track` sample by sample, with what depends only on the period worked out
                // once for the run.
                let period = period as f64;
                self.follow_period(period);
                let search = search_reach(period);
                let trace = &mut trace[..input.len()];
                let mut j = 0;
                while j < trace.len() {
                    self.advance(period, search, first + j as i64);
                    let mark = Some(self.last_mark - self.mark_delay);
                    // The marks move next at the first sample past `last_mark + period +
                    // search` (see `advance`): until then every sample sees this mark.
                    let next = ((self.last_mark + period + search).floor() as i64 + 1 - first)
                        .clamp(j as i64 + 1, trace.len() as i64)
                        as usize;
                    fill_trace(&mut trace[j..next], mark);
                    j = next;
                }
            }
            _ => {
                self.tracking = false;
                trace[..input.len()].fill(None);
            }
        }
    }

    /// Advances the analysis marks through the input that is available.
    fn track(&mut self, period: f64, newest: i64) {
        self.follow_period(period);
        self.advance(period, search_reach(period), newest);
    }

    /// Keeps the peak filter's group delay at `period` (marks are found on the filtered copy).
    #[inline]
    fn follow_period(&mut self, period: f64) {
        if period != self.mark_delay_period {
            self.mark_delay_period = period;
            self.mark_delay = self
                .peak_coefficients
                .group_delay(std::f64::consts::TAU / period)
                .clamp(0.0, period / 2.0);
        }
    }

    /// Moves the marks up to input index `newest`, each found within `search` samples of where
    /// `period` predicts it.
    #[inline]
    fn advance(&mut self, period: f64, search: f64, newest: i64) {
        if !self.tracking {
            // Lock onto the strongest peak of the last period before the latency point.
            let end = newest - (search.ceil() as i64);
            let start = end - period.ceil() as i64;
            self.last_mark = self.peak_position(start, end) as f64;
            self.tracking = true;
            return;
        }
        while self.last_mark + period + search < newest as f64 {
            let predicted = self.last_mark + period;
            let start = (predicted - search).floor() as i64;
            let end = (predicted + search).ceil() as i64;
            let peak = self.peak_position(start, end) as f64;
            self.last_mark = predicted + MARK_LOCK * (peak - predicted);
        }
    }

    /// The index of the first largest low-passed sample in `start..=end` (0 where the history
    /// holds none).
    fn peak_position(&self, start: i64, end: i64) -> i64 {
        let mut best = start;
        let mut best_value = f32::MIN;
        // The usual case: every sample held, read straight from the ring's pieces in order.
        if let Some((older, newer)) = self.peaks.pieces(start, end + 1) {
            let mut best_offset = 0;
            for (offset, &v) in older.iter().enumerate() {
                if v > best_value {
                    best_value = v;
                    best_offset = offset;
                }
            }
            let skip = older.len();
            for (offset, &v) in newer.iter().enumerate() {
                if v > best_value {
                    best_value = v;
                    best_offset = skip + offset;
                }
            }
            return start + best_offset as i64;
        }
        for i in start..=end {
            let v = self.peaks.get(i);
            if v > best_value {
                best_value = v;
                best = i;
            }
        }
        best
    }
}

/// `trace.fill(mark)`, four entries a store group (a plain fill writes an `Option<f64>` as
/// two scalar stores).
#[inline(always)]
fn fill_trace(trace: &mut [Option<f64>], mark: Option<f64>) {
    let (fours, rest) = trace.as_chunks_mut::<4>();
    fours.fill([mark; 4]);
    rest.fill(mark);
}

/// How far from its predicted place a mark is looked for: a sixth of the period.
#[inline]
fn search_reach(period: f64) -> f64 {
    (period / 6.0).max(1.0)
}

/// Fastest grain read at `sample_rate` whose folded frequencies all stay inaudible: a read
/// `speed` times faster moves the input's Nyquist frequency `n` to `speed n`, and what lies
/// above `n` folds back down to no lower than `(2 - speed) n`; while that is above
/// `AUDIBLE_LIMIT_HZ`, the band-limited copy would only remove what no one hears (a formant
/// shift up to 2.7 semitones at 48 kHz, 1.5 at 44.1 kHz). At least 1: below about 40 kHz every
/// faster read is filtered.
fn alias_free_speed(sample_rate: f32) -> f32 {
    let nyquist = 0.5 * sample_rate;
    (2.0 - AUDIBLE_LIMIT_HZ / nyquist).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reads_that_fold_audible_frequencies_back_read_the_band_limited_copy() {
        // (sample rate, a read that folds nothing audible, one that does)
        for (sample_rate, inaudible, audible) in [
            (48_000.0f32, 1.0595f32, 1.2f32),
            (44_100.0, 1.05, 1.12),
            (96_000.0, 1.5, 1.7),
        ] {
            let mut marks = PitchMarks::default();
            marks.prepare(sample_rate, 480);
            // The lowest frequency a read folds to, against the limit of hearing.
            let lowest_fold = |speed: f32| (2.0 - speed) * 0.5 * sample_rate;
            assert!(lowest_fold(inaudible) >= AUDIBLE_LIMIT_HZ);
            assert!(lowest_fold(audible) < AUDIBLE_LIMIT_HZ);
            assert!(
                std::ptr::eq(marks.source(inaudible), &marks.history),
                "{sample_rate}"
            );
            assert!(
                std::ptr::eq(marks.source(audible), &marks.band_limited),
                "{sample_rate}"
            );
            marks.tune_anti_alias(inaudible);
            assert!(
                !marks.band_limited_awake,
                "{sample_rate}: woken for {inaudible}"
            );
            marks.tune_anti_alias(audible);
            assert!(
                marks.band_limited_awake,
                "{sample_rate}: asleep for {audible}"
            );
        }
        // Below about 40 kHz every faster read folds something audible back.
        let mut marks = PitchMarks::default();
        marks.prepare(32_000.0, 320);
        assert!(std::ptr::eq(marks.source(1.01), &marks.band_limited));
    }

    #[test]
    fn a_run_finds_the_marks_sample_by_sample_analysis_finds() {
        let sample_rate = 48_000.0;
        let period = 48_000.0 / 187.0;
        let input: Vec<f32> = (0..6_000)
            .map(|i| {
                let phase = (i as f32 / period).fract();
                (std::f32::consts::TAU * phase).sin()
                    + 0.4 * (2.0 * std::f32::consts::TAU * phase).sin()
            })
            .collect();
        let mut one_by_one = PitchMarks::default();
        let mut in_runs = PitchMarks::default();
        one_by_one.prepare(sample_rate, 480);
        in_runs.prepare(sample_rate, 480);
        let expected: Vec<Option<f64>> = input
            .iter()
            .enumerate()
            .map(|(i, &x)| one_by_one.push(x, (i >= 700).then_some(period)))
            .collect();
        let mut trace = [None; MAX_RUN];
        let mut start = 0;
        for length in [1, 255, 256, 7, 300].iter().cycle() {
            if start >= input.len() {
                break;
            }
            // Runs never straddle the voicing change, as the chain's never straddle a frame.
            let limit = if start < 700 { 700 } else { input.len() };
            let end = (start + length).min(limit).min(start + MAX_RUN);
            let voiced = (start >= 700).then_some(period);
            in_runs.push_run(&input[start..end], voiced, &mut trace);
            assert_eq!(
                &trace[..end - start],
                &expected[start..end],
                "run at {start}"
            );
            start = end;
        }
        assert!(expected.iter().flatten().count() > 5_000);
        assert_eq!(in_runs.input(5_999), input[5_999]);
    }
}
