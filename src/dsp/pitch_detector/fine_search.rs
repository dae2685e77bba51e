//! The full-rate refinement's lag search: the lag of least squared difference within a range,
//! exactly as an exhaustive ascending scan with a strict comparison finds it, at a fraction of
//! the cost. Lags are tried from where the minimum is expected outwards, and each lag's sum is
//! abandoned as soon as it exceeds the best so far: a sum of squares only grows, so an
//! abandoned lag could never have won, and the answer is the exhaustive scan's.

use crate::dsp::wide::wide_or_portable;

/// Lags of the first scan whose full differences are kept for the parabolic fit.
const REMEMBERED: usize = 64;
/// Independent partial sums (two SSE registers), so the compiler vectorises the sums.
const LANES: usize = 8;
/// Samples summed between two checks against the best so far (eight chunks of the lanes).
const CHECK_EVERY: usize = 64;
/// Relative slack of the abandon test: more than the rounding of summing eight lanes in
/// another order (8 x 2^-24).
const ROUNDING_MARGIN: f32 = 1.0e-6;

/// The difference function of one analysed span, with the first scan's values remembered.
pub(super) struct LagSearch<'a> {
    span: &'a [f32],
    window: usize,
    first_lo: usize,
    remembered: [f32; REMEMBERED],
    /// Whether to run the 256-bit build of the sums (see `with_wide_vectors`).
    wide: bool,
}

impl<'a> LagSearch<'a> {
    /// Compares the first `window` samples of `span` with the window `lag` samples later;
    /// `first_lo` is the first scan's lowest lag.
    pub(super) fn new(span: &'a [f32], window: usize, first_lo: usize) -> Self {
        Self {
            span,
            window: window.min(span.len()),
            first_lo,
            remembered: [f32::NAN; REMEMBERED],
            wide: false,
        }
    }

    /// Runs the scans compiled for 256-bit vectors (AVX2) when `wide`, the owner's flag from
    /// `dsp::wide::available` at prepare, says the CPU has them: the eight lanes become one
    /// register instead of two. No fused multiply-add is enabled and Rust never contracts float
    /// operations, so the sums are the same numbers either way.
    pub(super) fn with_wide_vectors(mut self, wide: bool) -> Self {
        self.wide = wide;
        self
    }

    wide_or_portable! {
        /// The difference at `lag` (lags past the span compare with fewer samples).
        pub(super) fn difference(&self, lag: usize) -> f32;
        on LagSearch<'_>, portable difference_portable, wide if self.wide
    }

    /// `difference`'s work, inlined into each build.
    #[inline(always)]
    fn difference_portable(&self, lag: usize) -> f32 {
        self.difference_below(lag, f32::INFINITY)
            .unwrap_or(f32::INFINITY)
    }

    /// The difference at `lag`, the first scan's value where it worked it out in full.
    pub(super) fn known(&self, lag: usize) -> f32 {
        lag.checked_sub(self.first_lo)
            .and_then(|i| self.remembered.get(i))
            .copied()
            .filter(|value| !value.is_nan())
            .unwrap_or_else(|| self.difference(lag))
    }

    wide_or_portable! {
        /// The lowest of the lags `lo..=hi` with the least difference, if that is no more than
        /// `bound` (lags are tried outwards from `start`; `remember`: keep the full values for
        /// `known`).
        pub(super) fn scan(
            &mut self,
            lo: usize,
            hi: usize,
            start: usize,
            bound: f32,
            remember: bool,
        ) -> Option<(usize, f32)>;
        on LagSearch<'_>, portable scan_portable, wide if self.wide
    }

    /// `scan`'s work, inlined into each build.
    #[inline(always)]
    fn scan_portable(
        &mut self,
        lo: usize,
        hi: usize,
        start: usize,
        bound: f32,
        remember: bool,
    ) -> Option<(usize, f32)> {
        if lo > hi {
            return None;
        }
        let start = start.clamp(lo, hi);
        let mut best: Option<(usize, f32)> = None;
        let (mut down, mut up) = (Some(start), start.checked_add(1).filter(|&lag| lag <= hi));
        while down.is_some() || up.is_some() {
            // Alternate outwards: start, start + 1, start - 1, start + 2, ...
            let lag = match (down, up) {
                (Some(d), Some(u)) if start - d < u - start => {
                    down = d.checked_sub(1).filter(|&lag| lag >= lo);
                    d
                }
                (Some(d), None) => {
                    down = d.checked_sub(1).filter(|&lag| lag >= lo);
                    d
                }
                (_, Some(u)) => {
                    up = u.checked_add(1).filter(|&lag| lag <= hi);
                    u
                }
                (None, None) => break,
            };
            let limit = best.map_or(bound, |(_, value)| value.min(bound));
            let Some(value) = self.difference_below(lag, limit) else {
                continue;
            };
            if remember {
                if let Some(slot) = lag
                    .checked_sub(self.first_lo)
                    .and_then(|i| self.remembered.get_mut(i))
                {
                    *slot = value;
                }
            }
            // Equal values go to the lower lag, as an ascending scan keeps the first.
            let better = best.is_none_or(|(best_lag, best_value)| {
                value < best_value || (value == best_value && lag < best_lag)
            });
            if better {
                best = Some((lag, value));
            }
        }
        best
    }

    /// Sums the whole checks of `a` against `b` into `lanes` from the AVX2 build where the CPU
    /// has it: `Some(true)` if it did, `Some(false)` if the portable loop is to, `None` once
    /// past `bound`.
    #[inline(always)]
    fn wide_blocks(
        &self,
        lanes: &mut [f32; LANES],
        a: &[f32],
        b: &[f32],
        bound: f32,
    ) -> Option<bool> {
        #[cfg(target_arch = "x86_64")]
        if self.wide {
            // SAFETY: `wide` is set only where the CPU has AVX2 (`dsp::wide::available`).
            return unsafe { add_checked_blocks_avx2(lanes, a, b, bound) }.then_some(true);
        }
        let _ = (lanes, a, b, bound);
        Some(false)
    }

    /// The squared difference at `lag`, or `None` once the running sum exceeds `bound`. Summed
    /// in eight independent lanes so the compiler vectorises it (a single running float sum
    /// cannot be reordered); the same lanes whether or not a bound is given.
    #[inline(always)]
    fn difference_below(&self, lag: usize, bound: f32) -> Option<f32> {
        let end = (lag + self.window).min(self.span.len());
        let compared = end.saturating_sub(lag);
        let (a, b) = (&self.span[..compared], &self.span[lag.min(end)..end]);
        let mut lanes = [0.0f32; LANES];
        // Whole checks' worth first (a multiple of the lanes, so each lane sums the same
        // samples in the same order as one pass would), then the rest and its tail.
        let blocks_a = a.chunks_exact(CHECK_EVERY);
        let blocks_b = b.chunks_exact(CHECK_EVERY);
        let (rest_a, rest_b) = (blocks_a.remainder(), blocks_b.remainder());
        let blocks_done = self.wide_blocks(&mut lanes, a, b, bound)?;
        let portable_blocks = blocks_a.zip(blocks_b).take_while(|_| !blocks_done);
        for (x, y) in portable_blocks {
            add_squared_differences(&mut lanes, x, y);
            // Lanes only grow, and so does their sum: past the bound, it stays past. The check
            // adds the two registers' halves first (so the lanes can stay in two registers);
            // that order may round a few ulps apart from the final sum's, which the margin
            // covers, so a lag whose final sum is within the bound is never abandoned.
            let mut halves = [0.0f32; LANES / 2];
            for (k, half) in halves.iter_mut().enumerate() {
                *half = lanes[k] + lanes[k + LANES / 2];
            }
            if halves.iter().sum::<f32>() > bound * (1.0 + ROUNDING_MARGIN) {
                return None;
            }
        }
        let (tail_a, tail_b) = add_squared_differences(&mut lanes, rest_a, rest_b);
        let mut sum: f32 = lanes.iter().sum();
        for (x, y) in tail_a.iter().zip(tail_b) {
            sum += (x - y) * (x - y);
        }
        (sum <= bound).then_some(sum)
    }
}

/// `difference_below`'s whole checks in one 256-bit vector of lanes (the compiler's own
/// vectorisation of the portable loop splits it into 64-bit pieces): the same lanes, the same
/// check (halves, then their sum in order), so the same numbers. False once past `bound`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn add_checked_blocks_avx2(lanes: &mut [f32; LANES], a: &[f32], b: &[f32], bound: f32) -> bool {
    use std::arch::x86_64::{
        __m128, __m256, _mm256_add_ps, _mm256_castps256_ps128, _mm256_extractf128_ps,
        _mm256_mul_ps, _mm256_sub_ps, _mm_add_ps,
    };
    let vector = |lanes: &[f32; LANES]| crate::dsp::wide::avx2::vector(*lanes);
    // SAFETY (both): arrays of eight (four) floats and 256-bit (128-bit) vectors have the
    // same size, and every bit pattern is valid for both; by value, no pointer reads.
    let array = |v: __m256| unsafe { std::mem::transmute::<__m256, [f32; LANES]>(v) };
    let quarter = |v: __m128| unsafe { std::mem::transmute::<__m128, [f32; 4]>(v) };
    let limit = bound * (1.0 + ROUNDING_MARGIN);
    let mut sums = vector(lanes);
    let (blocks_a, blocks_b) = (
        a.as_chunks::<CHECK_EVERY>().0,
        b.as_chunks::<CHECK_EVERY>().0,
    );
    for (x, y) in blocks_a.iter().zip(blocks_b) {
        for (x, y) in x
            .as_chunks::<LANES>()
            .0
            .iter()
            .zip(y.as_chunks::<LANES>().0)
        {
            let d = _mm256_sub_ps(vector(x), vector(y));
            sums = _mm256_add_ps(sums, _mm256_mul_ps(d, d));
        }
        let halves = quarter(_mm_add_ps(
            _mm256_castps256_ps128(sums),
            _mm256_extractf128_ps::<1>(sums),
        ));
        if ((halves[0] + halves[1]) + halves[2]) + halves[3] > limit {
            *lanes = array(sums);
            return false;
        }
    }
    *lanes = array(sums);
    true
}

/// Adds the squared differences of `a` and `b` to `lanes`, lane `k` taking the samples `k`
/// modulo `LANES`; returns the tails beyond the last whole chunk of lanes.
#[inline(always)]
fn add_squared_differences<'a>(
    lanes: &mut [f32; LANES],
    a: &'a [f32],
    b: &'a [f32],
) -> (&'a [f32], &'a [f32]) {
    let chunks_a = a.chunks_exact(LANES);
    let chunks_b = b.chunks_exact(LANES);
    let tails = (chunks_a.remainder(), chunks_b.remainder());
    for (x, y) in chunks_a.zip(chunks_b) {
        for k in 0..LANES {
            let d = x[k] - y[k];
            lanes[k] += d * d;
        }
    }
    tails
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exhaustive ascending scan with a strict comparison the search must match.
    fn exhaustive(search: &LagSearch, lo: usize, hi: usize) -> (usize, f32) {
        let mut best = (lo, f32::MAX);
        for lag in lo..=hi {
            let value = search.difference(lag);
            if value < best.1 {
                best = (lag, value);
            }
        }
        best
    }

    #[test]
    fn finds_what_the_exhaustive_scan_finds() {
        let mut seed = 12_345u32;
        for case in 0..200 {
            let period = 20.0 + case as f32 * 1.7;
            let span: Vec<f32> = (0..1_200)
                .map(|i| {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    let noise = (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
                    let phase = i as f32 / period * std::f32::consts::TAU;
                    phase.sin() + 0.5 * (3.0 * phase).sin() + 0.05 * case as f32 % 1.0 * noise
                })
                .collect();
            let window = 600;
            let centre = period.round() as usize;
            let (lo, hi) = (centre.saturating_sub(9).max(2), centre + 9);
            let mut search = LagSearch::new(&span, window, lo).with_wide_vectors(true);
            let found = search.scan(lo, hi, centre, f32::MAX, true);
            assert_eq!(found, Some(exhaustive(&search, lo, hi)), "case {case}");
            // The portable build finds the same lag with the same bits.
            let mut portable = LagSearch::new(&span, window, lo).with_wide_vectors(false);
            let same = portable.scan(lo, hi, centre, f32::MAX, true);
            assert_eq!(
                same.map(|(lag, value)| (lag, value.to_bits())),
                found.map(|(lag, value)| (lag, value.to_bits())),
                "case {case}"
            );
            for lag in lo..=hi {
                assert_eq!(search.known(lag), search.difference(lag));
            }
        }
        // Flat: every lag ties, and the lowest wins.
        let flat = vec![0.25f32; 500];
        let mut search = LagSearch::new(&flat, 200, 10);
        assert_eq!(search.scan(10, 30, 20, f32::MAX, false), Some((10, 0.0)));
    }
}
