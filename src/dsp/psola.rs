//! Pitch-synchronous overlap-add (TD-PSOLA) shifting with independent formant shift.
//!
//! Analysis marks follow the glottal pulses (one per period, phase-locked to the peaks of a
//! low-passed copy of the voice). Synthesis marks are spaced by the *output* period, and each
//! one takes a two-period Hann grain around the nearest analysis mark: the pulse shape, and so
//! the formants, survive while the pitch follows the new spacing. Reading a grain faster or
//! slower than real time (factor `formant`) moves the formants on their own.
//!
//! Grains are rendered sample by sample from the input history rather than written ahead, so a
//! grain only needs input up to its own read position: that is what keeps the latency at 10 ms.
//! A grain's analysis mark is the nearest one whose reads stay within the input that will have
//! arrived by then.
//!
//! The analysis (histories, pulse filter, marks) lives in `PitchMarks`, shared by every
//! `PsolaVoice` reading the same input (the lead and the harmony voices); `PsolaShifter` is one
//! of each, for a single voice.
//!
//! Each grain has its windowed mean removed, so no grain carries DC: a one-period grain of a
//! tone is mostly one lobe of its waveform, and grains packed closer than a period would
//! otherwise add up to a one-sided bump train (a 5 Hz DC blocker catches what a grain's mean,
//! measured a period early when its own input is not in yet, misses). The grains' sum is then
//! brought to the input's level (`LevelMatch`): how grains add depends on the shift and on the
//! waveform.

use super::level_match::{DcBlocker, LevelMatch};
use super::pitch_marks::{MarkTrace, PitchMarks, MAX_RUN};
use super::wide::wide_or_portable;
use grain::{render_grain, windowed_sum, ChunkPlace, GatherScratch, GrainShape, PieceScratch};

mod grain;

/// Most grains that can sound at once (+24 semitones with formants -12 needs about 16).
const MAX_GRAINS: usize = 24;
/// Voicing crossfade time in seconds: consonants fade to the dry signal, vowels to PSOLA.
const VOICING_FADE_SECONDS: f32 = 0.006;
/// Slowest grain read (a two-octave shift down with the formants following, then a further
/// octave of formant shift).
const MIN_FORMANT: f32 = 0.125;
/// Fastest grain read (formants up two octaves).
const MAX_FORMANT: f32 = 4.0;

/// One grain being rendered.
#[derive(Debug, Clone, Copy, Default)]
struct Grain {
    /// Output-time centre of the grain.
    synthesis_centre: f64,
    /// Input-time centre (an analysis mark).
    analysis_centre: f64,
    /// Half-width in input samples (one analysis period).
    half_width: f32,
    /// Read-speed factor: > 1 moves formants up.
    formant: f32,
    /// Windowed mean of the grain's input, subtracted so the grain carries no DC.
    mean: f32,
    /// Half-width in output samples (`half_width / formant`), kept so rendering divides
    /// nothing per sample.
    reach: f64,
    /// 1 / `half_width`.
    inverse_half_width: f32,
}

impl Grain {
    fn new(synthesis_centre: f64, analysis_centre: f64, half_width: f32, formant: f32) -> Self {
        Self {
            synthesis_centre,
            analysis_centre,
            half_width,
            formant,
            mean: 0.0,
            reach: (half_width / formant) as f64,
            inverse_half_width: 1.0 / half_width,
        }
    }

    fn synthesis_half_width(&self) -> f64 {
        self.reach
    }
}

/// One voice's synthesis: grains of the shared analysis (`PitchMarks`) spaced by this voice's
/// output period, `latency` samples after the input.
pub struct PsolaVoice {
    latency: usize,
    grains: [Grain; MAX_GRAINS],
    grain_count: usize,
    /// Whether the previous sample was shifted (a voice that starts restarts its grain clock).
    engaged: bool,
    next_synthesis: f64,
    voiced_mix: f32,
    voiced_step: f32,
    level: LevelMatch,
    dc: DcBlocker,
    /// Whether the CPU runs the 256-bit build of the synthesis (`dsp::wide`), found in `prepare`.
    wide: bool,
    /// Scratch for the interpolated reads (see `grain::interpolate_gathered`).
    gathered: GatherScratch,
    /// Scratch for a grain's pieces (see `grain::PieceScratch`).
    pieces: PieceScratch,
}

impl Default for PsolaVoice {
    fn default() -> Self {
        Self {
            latency: 0,
            grains: [Grain::default(); MAX_GRAINS],
            grain_count: 0,
            engaged: false,
            next_synthesis: 0.0,
            voiced_mix: 0.0,
            voiced_step: 1.0,
            level: LevelMatch::default(),
            dc: DcBlocker::default(),
            wide: false,
            gathered: GatherScratch::default(),
            pieces: PieceScratch::default(),
        }
    }
}

/// A single-voice shifter: its own analysis and one voice. Feed one input sample and the
/// current request, get one output sample back, `latency` samples later.
pub struct PsolaShifter {
    marks: PitchMarks,
    voice: PsolaVoice,
    trace: MarkTrace,
}

impl Default for PsolaShifter {
    fn default() -> Self {
        Self {
            marks: PitchMarks::default(),
            voice: PsolaVoice::default(),
            trace: [None; MAX_RUN],
        }
    }
}

impl PsolaShifter {
    /// Prepares for `sample_rate` with `latency` samples of delay; allocates.
    pub fn prepare(&mut self, sample_rate: f32, latency: usize) {
        self.marks.prepare(sample_rate, latency);
        self.voice.prepare(sample_rate, latency);
    }

    /// Forgets all input and every sounding grain, in place (never allocates).
    pub fn clear(&mut self) {
        self.marks.clear();
        self.voice.clear();
    }

    /// Delay between input and output in samples.
    pub fn latency(&self) -> usize {
        self.marks.latency()
    }

    /// Processes one sample.
    #[inline]
    pub fn process(&mut self, input: f32, request: ShiftRequest) -> f32 {
        if request.input_period.is_some() {
            let formant = request.read_speed();
            if formant > 1.0 {
                self.marks.tune_anti_alias(formant);
            }
        }
        self.trace[0] = self.marks.push(input, request.input_period);
        let mut out = [0.0];
        self.voice
            .process_run(&self.marks, &self.trace[..1], request, &mut out);
        out[0]
    }
}

/// What the shifter should do with the current stretch of input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShiftRequest {
    /// Input period in samples when voiced, `None` for unvoiced input (passed through dry).
    pub input_period: Option<f32>,
    /// Wanted output period in samples.
    pub output_period: f32,
    /// Formant read-speed factor (1 = formants kept, 2^(st/12) moves them by st semitones).
    pub formant: f32,
}

impl ShiftRequest {
    /// The grain read speed this request makes (its formant factor within the shifter's
    /// range): what the shared analysis's anti-alias filter must be tuned for.
    pub fn read_speed(&self) -> f32 {
        if self.formant.is_finite() {
            self.formant.clamp(MIN_FORMANT, MAX_FORMANT)
        } else {
            1.0
        }
    }
}

impl PsolaVoice {
    /// Prepares for `sample_rate` with `latency` samples of delay; allocates nothing.
    pub fn prepare(&mut self, sample_rate: f32, latency: usize) {
        self.latency = latency;
        self.voiced_step = 1.0 / (VOICING_FADE_SECONDS * sample_rate).max(1.0);
        self.dc.prepare(sample_rate);
        self.level.prepare(sample_rate);
        self.wide = super::wide::available();
        self.gathered.wide = self.wide;
        self.clear();
    }

    /// Forgets every sounding grain, in place (never allocates).
    pub fn clear(&mut self) {
        self.grain_count = 0;
        self.engaged = false;
        self.next_synthesis = 0.0;
        self.voiced_mix = 0.0;
        self.dc.clear();
        self.level.clear();
    }

    /// Delay between input and output in samples.
    pub fn latency(&self) -> usize {
        self.latency
    }

    /// Whether nothing sounds: unvoiced and faded out to the dry input.
    pub fn is_idle(&self) -> bool {
        self.voiced_mix <= 0.0
    }

    /// What an idle voice's `process_run` with an unvoiced request does to its state, without
    /// rendering the dry input nobody hears.
    pub fn rest(&mut self) {
        self.engaged = false;
        self.grain_count = 0;
    }

    wide_or_portable! {
        /// Renders the run of input `marks` analysed last (`out.len()` samples, each with its mark
        /// in `trace`, as that run's `push_run` or `push` recorded it) with `request`, into
        /// `out`. The same numbers on every CPU: where it has 256-bit vectors, the same code
        /// compiled for them runs (see `dsp::wide`).
        pub fn process_run(
            &mut self,
            marks: &PitchMarks,
            trace: &[Option<f64>],
            request: ShiftRequest,
            out: &mut [f32],
        );
        on PsolaVoice, portable process_run_portable, wide if self.wide
    }

    /// `process_run`'s work, inlined into each build.
    #[inline(always)]
    fn process_run_portable(
        &mut self,
        marks: &PitchMarks,
        trace: &[Option<f64>],
        request: ShiftRequest,
        out: &mut [f32],
    ) {
        let first = marks.newest() + 1 - out.len() as i64;
        let period = match request.input_period {
            Some(period) if period.is_finite() && period >= 2.0 => Some(period as f64),
            _ => None,
        };
        if period.is_none() && self.is_idle() {
            // Unvoiced and faded out: the dry input, delayed.
            self.rest();
            marks.input_run(first - self.latency as i64, out);
            return;
        }
        let frames = out.len().min(trace.len());
        let mut done = 0;
        while done < frames {
            let end = (done + MAX_RUN).min(frames);
            self.process_chunk(
                marks,
                first + done as i64,
                &trace[done..end],
                period,
                request,
                &mut out[done..end],
            );
            done = end;
        }
    }

    /// Up to `MAX_RUN` samples from input index `first` on: grains are scheduled sample by
    /// sample (where a grain starts, the rendering so far is summed), rendered a grain at a
    /// time over the span between two schedulings (the same sums in the same order as sample
    /// by sample), then levelled and mixed with the dry input.
    #[inline(always)]
    fn process_chunk(
        &mut self,
        marks: &PitchMarks,
        first: i64,
        trace: &[Option<f64>],
        period: Option<f64>,
        request: ShiftRequest,
        out: &mut [f32],
    ) {
        let frames = out.len().min(trace.len()).min(MAX_RUN);
        let voiced = period.map(|period| (period, GrainShape::new(period, request)));
        let mut sum = [0.0f32; MAX_RUN];
        let mut mix = [0.0f32; MAX_RUN];
        // Whether every sample is all grains (voiced and faded in): the usual voiced chunk.
        let (span_start, all_grains) = match voiced {
            Some((period, shape)) if all_marked(&trace[..frames]) => {
                let start =
                    self.schedule_voiced(marks, first, &trace[..frames], period, &shape, &mut sum);
                if self.voiced_mix >= 1.0 {
                    // Faded in already (the usual case): every sample is all grains, and the
                    // fade's values are never read.
                    (start, true)
                } else {
                    self.fade_in(&mut mix[..frames]);
                    // The fade only rises: faded in at the first sample, faded in at all.
                    (start, mix[..frames].first().is_none_or(|&m| m >= 1.0))
                }
            }
            _ => {
                let start = self.schedule_each_sample(
                    marks,
                    first,
                    &trace[..frames],
                    voiced,
                    &mut sum,
                    &mut mix,
                );
                (start, mix[..frames].iter().all(|&m| m >= 1.0))
            }
        };
        self.render_span(marks, first, span_start..frames, &mut sum);
        let mut dry = [0.0f32; MAX_RUN];
        marks.input_run(first - self.latency as i64, &mut dry[..frames]);
        if all_grains {
            // All grains (the usual voiced chunk): the same steps as below, in one loop.
            let out = &mut out[..frames];
            out.copy_from_slice(&sum[..frames]);
            self.level
                .process_block_after(&mut self.dc, out, &dry[..frames]);
            return;
        }
        for (j, y) in out[..frames].iter_mut().enumerate() {
            let dry = dry[j];
            let voiced_mix = mix[j];
            // Unvoiced input passes dry; between grains (shifting down leaves room between
            // pulses) a voiced stretch is silence, not the dry input: it is all grains.
            *y = if voiced_mix <= 0.0 {
                dry
            } else {
                let grains = self.dc.process(sum[j]);
                let wet = self.level.process(grains, dry);
                if voiced_mix >= 1.0 {
                    wet
                } else {
                    voiced_mix * wet + (1.0 - voiced_mix) * dry
                }
            };
        }
    }

    /// `process_chunk`'s scheduling sample by sample (`voiced`: the period and grain shape
    /// while the request is voiced), with the voiced crossfade's value after each sample into
    /// `mix`. Returns where the unrendered span starts.
    #[inline(always)]
    fn schedule_each_sample(
        &mut self,
        marks: &PitchMarks,
        first: i64,
        trace: &[Option<f64>],
        voiced: Option<(f64, GrainShape)>,
        sum: &mut [f32; MAX_RUN],
        mix: &mut [f32; MAX_RUN],
    ) -> usize {
        let mut span_start = 0;
        for (j, mark) in trace.iter().enumerate().take(MAX_RUN) {
            let now = (first + j as i64 - self.latency as i64) as f64;
            match (voiced, mark) {
                (Some((period, shape)), Some(mark)) => {
                    if !self.engaged {
                        self.engaged = true;
                        self.next_synthesis = now;
                    }
                    if self.next_synthesis - shape.synthesis_half <= now {
                        self.render_span(marks, first, span_start..j, sum);
                        span_start = j;
                        self.schedule_grains(marks, *mark, period, &shape, now);
                    }
                    self.voiced_mix = (self.voiced_mix + self.voiced_step).min(1.0);
                }
                _ => {
                    self.engaged = false;
                    self.voiced_mix = (self.voiced_mix - self.voiced_step).max(0.0);
                }
            }
            mix[j] = self.voiced_mix;
            if self.voiced_mix <= 0.0 && self.grain_count > 0 {
                // Grains still sounding are dropped with the crossfade.
                self.render_span(marks, first, span_start..j, sum);
                self.grain_count = 0;
                span_start = j;
            }
        }
        span_start
    }

    /// `process_chunk`'s scheduling where every sample of the chunk is voiced with a mark: the
    /// samples where grains start are found from the synthesis clock rather than sample by
    /// sample (the same grains at the same samples). Returns where the unrendered span starts.
    #[inline(always)]
    fn schedule_voiced(
        &mut self,
        marks: &PitchMarks,
        first: i64,
        trace: &[Option<f64>],
        period: f64,
        shape: &GrainShape,
        sum: &mut [f32; MAX_RUN],
    ) -> usize {
        let now_first = first - self.latency as i64;
        let mut span_start = 0;
        let mut j = 0;
        while j < trace.len() {
            let now = (now_first + j as i64) as f64;
            if !self.engaged {
                self.engaged = true;
                self.next_synthesis = now;
            }
            // Output times are whole numbers: the first sample with `next_synthesis -
            // synthesis_half <= now` is the ceiling's.
            let due_time = (self.next_synthesis - shape.synthesis_half).ceil();
            let wait = (due_time - now).max(0.0);
            if due_time.is_nan() || wait >= (trace.len() - j) as f64 {
                break;
            }
            let due = j + wait as usize;
            let Some(mark) = trace[due] else {
                break;
            };
            self.render_span(marks, first, span_start..due, sum);
            span_start = due;
            self.schedule_grains(marks, mark, period, shape, (now_first + due as i64) as f64);
            j = due + 1;
        }
        span_start
    }

    /// The voiced crossfade's value after each sample of a voiced chunk, into `mix`.
    #[inline(always)]
    fn fade_in(&mut self, mix: &mut [f32]) {
        let mut j = 0;
        while j < mix.len() && self.voiced_mix < 1.0 {
            self.voiced_mix = (self.voiced_mix + self.voiced_step).min(1.0);
            mix[j] = self.voiced_mix;
            j += 1;
        }
        mix[j..].fill(self.voiced_mix);
    }

    /// Adds every active grain to `sum` over the chunk's samples `span` (input indices from
    /// `first`), then retires the grains finished by the span's last sample, keeping the
    /// survivors in order.
    #[inline(always)]
    fn render_span(
        &mut self,
        marks: &PitchMarks,
        first: i64,
        span: std::ops::Range<usize>,
        sum: &mut [f32; MAX_RUN],
    ) {
        if span.is_empty() || self.grain_count == 0 {
            return;
        }
        let latency = self.latency as i64;
        let place = ChunkPlace {
            first,
            latency,
            oldest: marks.oldest_readable(),
        };
        let scratch = (&mut self.gathered, &mut self.pieces);
        for grain in &self.grains[..self.grain_count] {
            let source = marks.source(grain.formant);
            let scratch = (&mut *scratch.0, &mut *scratch.1);
            if grain.formant == 1.0 {
                render_grain::<false>(grain, source, place, &span, sum, scratch);
            } else {
                render_grain::<true>(grain, source, place, &span, sum, scratch);
            }
        }
        let last_now = (first + span.end as i64 - 1 - latency) as f64;
        let mut kept = 0;
        for i in 0..self.grain_count {
            let grain = self.grains[i];
            if last_now - grain.synthesis_centre > grain.reach {
                continue;
            }
            self.grains[kept] = grain;
            kept += 1;
        }
        self.grain_count = kept;
    }

    /// Creates every grain that must start sounding by output time `now`, around analysis
    /// `mark`.
    #[inline(always)]
    fn schedule_grains(
        &mut self,
        marks: &PitchMarks,
        mark: f64,
        period: f64,
        shape: &GrainShape,
        now: f64,
    ) {
        let synthesis_half = shape.synthesis_half;
        // A long unvoiced stretch may have left the synthesis clock behind: restart it.
        if self.next_synthesis + synthesis_half < now {
            self.next_synthesis = now;
        }
        while self.next_synthesis - synthesis_half <= now {
            let s = self.next_synthesis;
            let mut grain = Grain::new(
                s,
                self.analysis_centre(mark, s, period, shape.half_width as f64, shape.formant),
                shape.half_width,
                shape.formant,
            );
            let newest = now as i64 + self.latency as i64;
            let scratch = (&mut self.gathered, &mut self.pieces);
            grain.mean = Self::grain_mean(marks, &grain, period, newest, scratch);
            self.push_grain(grain);
            self.next_synthesis += shape.output_period;
        }
    }

    /// The analysis mark for a grain centred at output time `s`: the one nearest `s`, unless
    /// the grain would then read input that has not arrived when it needs it (the input is
    /// `latency` ahead of the output; a grain read faster than real time runs ahead of it at
    /// its end, one read slower at its start): then the latest mark that keeps every read in.
    #[inline(always)]
    fn analysis_centre(
        &self,
        mark: f64,
        s: f64,
        period: f64,
        half_width: f64,
        formant: f32,
    ) -> f64 {
        let run_ahead = (half_width - half_width / formant as f64).abs();
        // Two samples of margin for the interpolated read.
        let limit = s + self.latency as f64 - run_ahead - 2.0;
        let nearest = ((s - mark) / period).round();
        let latest = ((limit - mark) / period).floor();
        let centre = mark + nearest.min(latest) * period;
        if formant == 1.0 {
            // Whole samples: the unshifted-formant path reads without interpolation.
            centre.round()
        } else {
            centre
        }
    }

    /// The grain's windowed mean, over exactly the samples it will render. Where its own input
    /// has not all arrived yet, the same window a whole number of periods earlier stands in
    /// (identical on periodic input, close on a voice).
    #[inline(always)]
    fn grain_mean(
        marks: &PitchMarks,
        grain: &Grain,
        period: f64,
        newest: i64,
        scratch: (&mut GatherScratch, &mut PieceScratch),
    ) -> f32 {
        let missing = grain.analysis_centre + grain.half_width as f64 + 2.0 - newest as f64;
        let back = if missing > 0.0 {
            (missing / period).ceil() * period
        } else {
            0.0
        };
        let centre = grain.analysis_centre - back;
        // The same reads `render_grain` makes (whole samples when the formants are kept), within the
        // same bounds, so the unchecked reads stay inside what the history holds.
        let (latest, earliest) = (newest, newest - marks.oldest_readable());
        let source = marks.source(grain.formant);
        let (sum, weight) = if grain.formant == 1.0 {
            windowed_sum::<false>(grain, centre, source, latest, earliest, scratch)
        } else {
            windowed_sum::<true>(grain, centre, source, latest, earliest, scratch)
        };
        if weight > 0.0 {
            sum / weight
        } else {
            0.0
        }
    }

    #[inline(always)]
    fn push_grain(&mut self, grain: Grain) {
        if self.grain_count == MAX_GRAINS {
            // Drop the oldest: only reachable with extreme settings.
            self.grains.copy_within(1.., 0);
            self.grain_count -= 1;
        }
        self.grains[self.grain_count] = grain;
        self.grain_count += 1;
    }
}

/// Whether every sample of a run has a mark. A run's trace holds a mark at every sample or at
/// none (see `MarkTrace`), so its ends tell.
#[inline(always)]
fn all_marked(trace: &[Option<f64>]) -> bool {
    trace.first().is_some_and(Option::is_some) && trace.last().is_some_and(Option::is_some)
}

#[cfg(test)]
mod tests;
