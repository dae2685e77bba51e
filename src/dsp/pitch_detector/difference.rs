//! The coarse search's difference function (YIN steps 2-3) on the decimated segment, from
//! correlations computed either by FFT (every lag) or directly (the lags near a confirmed
//! period).

use crate::dsp::lag_lanes::{lagged_lanes, LANES};
use crate::dsp::wide::wide_or_portable;

wide_or_portable! {
    /// YIN steps 2-3 for lags `1..=last`: the difference function from the energies (prefix sums
    /// `prefix` of the segment, reference window `w` samples) and the correlations (`correlation`
    /// by lag, times `norm`), and its cumulative mean normalisation, into `cmndf`. Over slices, so
    /// the loops hold no bounds checks or reloads; the lag counts in a float (whole numbers are
    /// exact), the same values as `tau as f32`.
    /// From a build for 256-bit vectors where `wide` (the CPU has AVX2; no fused multiply-add,
    /// so the same numbers either way).
    pub(super) fn normalise_differences(
        cmndf: &mut [f32],
        prefix: &[f32],
        w: usize,
        correlation: &[f32],
        norm: f32,
        last: usize,
        wide: bool,
    );
    portable normalise_differences_portable, wide if wide
}

/// `normalise_differences`'s work, inlined into each build.
#[inline(always)]
fn normalise_differences_portable(
    cmndf: &mut [f32],
    prefix: &[f32],
    w: usize,
    correlation: &[f32],
    norm: f32,
    last: usize,
    _wide: bool,
) {
    let Some(&energy_ref) = prefix.get(w) else {
        return;
    };
    if cmndf.len() < 2 || prefix.len() < w + 2 || correlation.len() < 2 {
        return;
    }
    let last = last.min(cmndf.len().saturating_sub(1));
    if let Some(first) = cmndf.first_mut() {
        *first = 1.0;
    }
    // The lags every input reaches (all of them, with the detector's buffers).
    let count = last.min(prefix.len() - 1 - w).min(correlation.len() - 1);
    let values = &mut cmndf[1..=count];
    // Three loops, each the same operations in the same order as one loop over the lags: the
    // differences as whole vectors, their running sum alone, then the normalisation (a
    // division per lag) as whole vectors again.
    let lagged_windows = prefix[1..].iter().zip(&prefix[1 + w..]);
    for ((value, (&start, &end)), &correlation) in
        values.iter_mut().zip(lagged_windows).zip(&correlation[1..])
    {
        let lagged = end - start;
        *value = (energy_ref + lagged - 2.0 * correlation * norm).max(0.0);
    }
    let mut sums = [0.0f32; RUNNING_PIECE];
    let mut running = 0.0f32;
    for (piece_index, piece) in values.chunks_mut(RUNNING_PIECE).enumerate() {
        let sums = &mut sums[..piece.len()];
        for (sum, &d) in sums.iter_mut().zip(piece.iter()) {
            running += d;
            *sum = running;
        }
        // Whole numbers below 2^24 (lags are a few hundred): the same floats as counting up
        // one by one, converted from 32 bits, as vectors do.
        let first_lag = (piece_index * RUNNING_PIECE + 1) as i32;
        for ((value, &running), i) in piece.iter_mut().zip(sums.iter()).zip(0i32..) {
            let lag = (first_lag + i) as f32;
            let d = *value;
            *value = if running > 0.0 {
                d * lag / running
            } else {
                1.0
            };
        }
    }
}

/// Lags `normalise_differences` sums and normalises at a time (its stack scratch size).
const RUNNING_PIECE: usize = 64;

/// Most lags summed in one pass over the reference window (each of its chunks loaded once for
/// all): eight accumulators and the chunk fill nine of the sixteen vector registers.
const LAGS_AT_ONCE: usize = 8;
/// Lags summed in one pass where fewer than `LAGS_AT_ONCE` remain.
const FEWER_LAGS_AT_ONCE: usize = 4;

wide_or_portable! {
    /// The correlation of the first `w` samples of `segment` with the window `lag` samples later,
    /// for every lag from `first` to `out.len() - 1`, into `out[lag]` (the FFT's result without
    /// its scale; `out` below `first` is left alone); each sum in eight lanes, so it is a vector
    /// loop, from a build for 256-bit vectors where `wide` (the CPU has AVX2; no fused
    /// multiply-add, so the same numbers either way). A lag's value does not depend on which
    /// others are computed with it, so lags may be computed a part at a time.
    pub(super) fn correlate_directly(
        segment: &[f32],
        w: usize,
        out: &mut [f32],
        first: usize,
        wide: bool,
    );
    portable correlate_directly_portable, wide if wide
}

/// `correlate_directly`'s work, inlined into each build: `LAGS_AT_ONCE` lags (then
/// `FEWER_LAGS_AT_ONCE`, then one) per pass over the reference window's whole chunks of eight
/// (each loaded once for all of them), the rest of each lag summed after. Each lag's lanes take the
/// same products in the same order however many lags share a pass.
#[inline(always)]
fn correlate_directly_portable(
    segment: &[f32],
    w: usize,
    out: &mut [f32],
    first: usize,
    _wide: bool,
) {
    let reference = &segment[..w.min(segment.len())];
    let whole = reference.len() - reference.len() % LANES;
    let lags = out.len();
    let fits = |first_lag: usize, count: usize| {
        first_lag + count <= lags && first_lag + count - 1 + reference.len() <= segment.len()
    };
    let mut first_lag = first;
    while first_lag < lags {
        if fits(first_lag, LAGS_AT_ONCE) {
            let values = &mut out[first_lag..first_lag + LAGS_AT_ONCE];
            correlate_lags::<LAGS_AT_ONCE>(segment, reference, first_lag, whole, values);
            first_lag += LAGS_AT_ONCE;
        } else if fits(first_lag, FEWER_LAGS_AT_ONCE) {
            let values = &mut out[first_lag..first_lag + FEWER_LAGS_AT_ONCE];
            correlate_lags::<FEWER_LAGS_AT_ONCE>(segment, reference, first_lag, whole, values);
            first_lag += FEWER_LAGS_AT_ONCE;
        } else if fits(first_lag, 1) {
            // A lag that does not fill a group: its sum in lanes all the same (a plain sum
            // would run one add at a time, and these lags come with every frame).
            let values = &mut out[first_lag..=first_lag];
            correlate_lags::<1>(segment, reference, first_lag, whole, values);
            first_lag += 1;
        } else {
            // Lags whose window runs past the segment: nothing to correlate.
            out[first_lag..].fill(0.0);
            first_lag = lags;
        }
    }
}

/// Lags `first_lag..first_lag + N` into `out` (the caller checks they fit in `segment`): the
/// whole chunks of all `N` (eight, four or one) in one loop, each lag's tail after.
#[inline(always)]
fn correlate_lags<const N: usize>(
    segment: &[f32],
    reference: &[f32],
    first_lag: usize,
    whole: usize,
    out: &mut [f32],
) {
    let lanes = lagged_lanes::<N>(&reference[..whole], segment, first_lag);
    // The tails beyond the whole chunks (none when the window is whole chunks, the usual
    // case: the empty tail's sum is added all the same).
    let no_tail = reference.len() == whole;
    let nothing = dot(&[], &[]);
    for (j, (value, lanes)) in out.iter_mut().zip(lanes).enumerate() {
        let tail = if no_tail {
            nothing
        } else {
            let lag = first_lag + j;
            let lagged = segment
                .get(lag + whole..lag + reference.len())
                .unwrap_or_default();
            dot(&reference[whole..], lagged)
        };
        *value = lanes.iter().sum::<f32>() + tail;
    }
}

/// A plain dot product of the common length of `a` and `b` (tails and stray lags).
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
