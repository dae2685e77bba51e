//! One grain's arithmetic: its shape for a request, its rendering into a run, its windowed
//! mean, the Hann window. `PsolaVoice` schedules grains and calls these in its hot loops.

use super::{Grain, ShiftRequest, HANN_POINTS};
use crate::dsp::history::History;
use crate::dsp::pitch_marks::MAX_RUN;

/// Grains reaching this far (output samples either side) have their mean measured on every
/// second sample (see `windowed_sum`); shorter ones on every sample.
const MEAN_STRIDE_REACH: f64 = 16.0;

/// The grain shape a voiced request makes (the same for every grain of a run).
#[derive(Debug, Clone, Copy)]
pub(super) struct GrainShape {
    /// Read-speed factor.
    pub(super) formant: f32,
    /// Spacing of the synthesis marks in output samples.
    pub(super) output_period: f64,
    /// Grain half-width in input samples.
    pub(super) half_width: f32,
    /// Grain half-width in output samples.
    pub(super) synthesis_half: f64,
}

impl GrainShape {
    pub(super) fn new(period: f64, request: ShiftRequest) -> Self {
        let formant = request.read_speed();
        let output_period = if request.output_period.is_finite() {
            (request.output_period as f64)
                .clamp(period / 8.0, period * 8.0)
                .max(2.0)
        } else {
            period
        };
        // Two periods of input per grain, unless the grains are packed closer than that after
        // resampling: then each grain is cut to one output period either side, so it holds one
        // pulse and the resampled neighbours do not smear the new spacing.
        let half_width = (period as f32).min(formant * output_period as f32).max(2.0);
        Self {
            formant,
            output_period,
            half_width,
            synthesis_half: (half_width / formant) as f64,
        }
    }
}

/// Adds `grain` to `sum` over the chunk's samples `span` (chunk sample `j` is input index
/// `first + j`, output time `first + j - latency`), reading at most up to the newest input and
/// no further back than `oldest` samples before it. `INTERPOLATE`: fractional reads (formants
/// moved) rather than whole samples.
#[allow(
    clippy::too_many_arguments,
    reason = "the hot loop's inputs, passed apart so the grain list and the sum borrow apart"
)]
#[inline]
pub(super) fn render_grain<const INTERPOLATE: bool>(
    grain: &Grain,
    hann: &[f32; HANN_POINTS + 1],
    source: &History,
    first: i64,
    latency: i64,
    oldest: i64,
    span: &std::ops::Range<usize>,
    sum: &mut [f32; MAX_RUN],
) {
    let base = first - latency;
    // The grain sounds where -reach <= now - centre <= reach: an interval of the span, found
    // with that exact test at its ends (one sample either side of the estimate to spare).
    let sounds = |j: i64| {
        let offset = (base + j) as f64 - grain.synthesis_centre;
        offset <= grain.reach && offset >= -grain.reach
    };
    let (span_start, span_end) = (span.start as i64, span.end.min(MAX_RUN) as i64);
    let mut from = ((grain.synthesis_centre - grain.reach).floor() as i64 - base).max(span_start);
    let mut to = ((grain.synthesis_centre + grain.reach).ceil() as i64 + 1 - base).min(span_end);
    while from < to && !sounds(from) {
        from += 1;
    }
    while to > from && !sounds(to - 1) {
        to -= 1;
    }
    if from >= to {
        return;
    }
    // Reads are kept within `newest - oldest ..= newest`; both ends move one sample per output
    // sample and the read position by `formant`, so if the bounds hold at the interval's ends
    // they hold all through and need no test per sample.
    let position = |j: i64| {
        grain.analysis_centre + ((base + j) as f64 - grain.synthesis_centre) * grain.formant as f64
    };
    let inside = |j: i64| {
        let newest = first + j;
        let p = position(j);
        p <= newest as f64 && p >= (newest - oldest) as f64
    };
    let sum = &mut sum[from as usize..to as usize];
    if inside(from) && inside(to - 1) {
        for (j, total) in (from..to).zip(sum.iter_mut()) {
            let offset = (base + j) as f64 - grain.synthesis_centre;
            let analysis_offset = offset * grain.formant as f64;
            let position = grain.analysis_centre + analysis_offset;
            let window = window(hann, analysis_offset as f32 * grain.inverse_half_width);
            *total += window * (read::<INTERPOLATE>(source, position) - grain.mean);
        }
    } else {
        for (j, total) in (from..to).zip(sum.iter_mut()) {
            let newest = first + j;
            let offset = (base + j) as f64 - grain.synthesis_centre;
            let analysis_offset = offset * grain.formant as f64;
            let position = (grain.analysis_centre + analysis_offset)
                .min(newest as f64)
                .max((newest - oldest) as f64);
            let window = window(hann, analysis_offset as f32 * grain.inverse_half_width);
            *total += window * (read::<INTERPOLATE>(source, position) - grain.mean);
        }
    }
}

/// The input at `position`: interpolated, or the whole sample it falls in.
#[inline(always)]
fn read<const INTERPOLATE: bool>(source: &History, position: f64) -> f32 {
    if INTERPOLATE {
        source.get_recent_interpolated(position)
    } else {
        source.get_recent(position as i64)
    }
}

/// The windowed sum and the window's sum over the samples `grain` renders, read around input
/// time `centre` within `earliest..=latest` (see `render_grain` for `INTERPOLATE`).
#[inline]
pub(super) fn windowed_sum<const INTERPOLATE: bool>(
    grain: &Grain,
    centre: f64,
    hann: &[f32; HANN_POINTS + 1],
    source: &History,
    latest: f64,
    earliest: f64,
) -> (f32, f32) {
    let reach = grain.synthesis_half_width();
    let first = (grain.synthesis_centre - reach).ceil() as i64;
    let last = (grain.synthesis_centre + reach).floor() as i64;
    let (mut sum, mut weight) = (0.0f32, 0.0f32);
    let offset = |t: i64| (t as f64 - grain.synthesis_centre) * grain.formant as f64;
    // The read position moves one way: inside the bounds at both ends, inside all through.
    let inside = |t: i64| (earliest..=latest).contains(&(centre + offset(t)));
    // Every second sample of a long grain: the window is smooth over a few samples, so the
    // mean moves only by what lies near the Nyquist frequency, and it costs half.
    let step = if reach >= MEAN_STRIDE_REACH { 2 } else { 1 };
    if first <= last && inside(first) && inside(last) {
        for t in (first..=last).step_by(step) {
            let offset = offset(t);
            let w = window(hann, offset as f32 * grain.inverse_half_width);
            sum += w * read::<INTERPOLATE>(source, centre + offset);
            weight += w;
        }
        return (sum, weight);
    }
    for t in (first..=last).step_by(step) {
        let offset = offset(t);
        let w = window(hann, offset as f32 * grain.inverse_half_width);
        let position = (centre + offset).min(latest).max(earliest);
        sum += w * read::<INTERPOLATE>(source, position);
        weight += w;
    }
    (sum, weight)
}

/// Hann window (table `hann`) at `x` in -1..1 (0 outside).
#[inline]
fn window(hann: &[f32; HANN_POINTS + 1], x: f32) -> f32 {
    if !(-1.0..=1.0).contains(&x) {
        return 0.0;
    }
    let position = (x + 1.0) * 0.5 * HANN_POINTS as f32;
    let index = (position as usize).min(HANN_POINTS - 1);
    let frac = position - index as f32;
    hann[index] + (hann[index + 1] - hann[index]) * frac
}
