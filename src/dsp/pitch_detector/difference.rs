//! The coarse search's difference function (YIN steps 2-3) on the decimated segment, from
//! correlations computed either by FFT (every lag) or directly (the lags near a confirmed
//! period).

use crate::dsp::wide::wide_or_portable;

/// YIN steps 2-3 for lags `1..=last`: the difference function from the energies (prefix sums
/// `prefix` of the segment, reference window `w` samples) and the correlations (`correlation`
/// by lag, times `norm`), and its cumulative mean normalisation, into `cmndf`. Over slices, so
/// the loop holds no bounds checks or reloads; the lag counts in a float (whole numbers are
/// exact), the same values as `tau as f32`.
pub(super) fn normalise_differences(
    cmndf: &mut [f32],
    prefix: &[f32],
    w: usize,
    correlation: &[f32],
    norm: f32,
    last: usize,
) {
    let Some(&energy_ref) = prefix.get(w) else {
        return;
    };
    if cmndf.len() < 2 || prefix.len() < w + 2 || correlation.len() < 2 {
        return;
    }
    let last = last.min(cmndf.len().saturating_sub(1));
    let mut running = 0.0f32;
    let mut lag = 0.0f32;
    if let Some(first) = cmndf.first_mut() {
        *first = 1.0;
    }
    let lagged_windows = prefix[1..].iter().zip(&prefix[1 + w..]);
    for ((value, (&start, &end)), &correlation) in cmndf[1..=last]
        .iter_mut()
        .zip(lagged_windows)
        .zip(&correlation[1..])
    {
        lag += 1.0;
        let lagged = end - start;
        let d = (energy_ref + lagged - 2.0 * correlation * norm).max(0.0);
        running += d;
        *value = if running > 0.0 {
            d * lag / running
        } else {
            1.0
        };
    }
}

/// Lanes of `correlate_directly`'s sums (two SSE registers, one AVX register).
const LANES: usize = 8;
/// Lags summed in one pass over the reference window (each of its chunks loaded once for all).
const LAGS_AT_ONCE: usize = 4;

wide_or_portable! {
    /// The correlation of the first `w` samples of `segment` with the window `lag` samples later,
    /// for every lag from 1 to `out.len() - 1`, into `out[lag]` (the FFT's result without its
    /// scale); each sum in eight lanes, so it is a vector loop, from a build for 256-bit vectors
    /// where `wide` (the CPU has AVX2; no fused multiply-add, so the same numbers either way).
    pub(super) fn correlate_directly(segment: &[f32], w: usize, out: &mut [f32], wide: bool);
    portable correlate_directly_portable, wide if wide
}

/// `correlate_directly`'s work, inlined into each build: `LAGS_AT_ONCE` lags per pass over
/// the reference window's whole chunks of eight (each loaded once for all of them), the rest of
/// each lag summed after.
#[inline(always)]
fn correlate_directly_portable(segment: &[f32], w: usize, out: &mut [f32], _wide: bool) {
    let reference = &segment[..w.min(segment.len())];
    let whole = reference.len() - reference.len() % LANES;
    for (group, values) in out.chunks_mut(LAGS_AT_ONCE).enumerate() {
        let first_lag = group * LAGS_AT_ONCE;
        let fits = first_lag + LAGS_AT_ONCE - 1 + reference.len() <= segment.len();
        if values.len() == LAGS_AT_ONCE && fits {
            correlate_four_lags(segment, reference, first_lag, whole, values);
        } else {
            for (j, value) in values.iter_mut().enumerate() {
                *value = segment
                    .get(first_lag + j..first_lag + j + reference.len())
                    .map_or(0.0, |lagged| dot(reference, lagged));
            }
        }
    }
}

/// Lags `first_lag..first_lag + 4` into `out` (the caller checks they fit in `segment`): the
/// whole chunks of all four in one loop, each lag's tail after.
#[inline(always)]
fn correlate_four_lags(
    segment: &[f32],
    reference: &[f32],
    first_lag: usize,
    whole: usize,
    out: &mut [f32],
) {
    let mut lanes = [[0.0f32; LANES]; LAGS_AT_ONCE];
    let shifted = |j: usize| {
        segment
            .get(first_lag + j..first_lag + j + whole)
            .unwrap_or_default()
            .chunks_exact(LANES)
    };
    let chunks = reference[..whole]
        .chunks_exact(LANES)
        .zip(shifted(0).zip(shifted(1)))
        .zip(shifted(2).zip(shifted(3)));
    for ((x, (y0, y1)), (y2, y3)) in chunks {
        for k in 0..LANES {
            lanes[0][k] += x[k] * y0[k];
            lanes[1][k] += x[k] * y1[k];
            lanes[2][k] += x[k] * y2[k];
            lanes[3][k] += x[k] * y3[k];
        }
    }
    for (j, (value, lanes)) in out.iter_mut().zip(lanes).enumerate() {
        let lag = first_lag + j;
        let tail = segment
            .get(lag + whole..lag + reference.len())
            .unwrap_or_default();
        *value = lanes.iter().sum::<f32>() + dot(&reference[whole..], tail);
    }
}

/// A plain dot product of the common length of `a` and `b` (tails and stray lags).
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
