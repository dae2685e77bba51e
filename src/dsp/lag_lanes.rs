//! A reference times several lagged windows of a signal in one pass, summed in lanes: the
//! kernel the LPC autocorrelation and the pitch detector's direct correlation share. Each
//! chunk of the reference is loaded once for all the lags, and each lag's lanes add the same
//! products in the same order whatever the number of lags, so callers get the same sums as
//! one lag at a time.

/// Lanes each lag's sum is kept in (eight floats: one 256-bit vector).
pub const LANES: usize = 8;

/// Lags `first..first + N` (N is eight, four or one): the whole chunks of `reference` (its
/// length a multiple of `LANES`) times `segment[first + j..]`'s window of the same length,
/// summed lane by lane, one row of lanes per lag. The caller checks the windows lie in
/// `segment` (one that does not reads as empty); tails beyond whole chunks are the caller's.
#[inline(always)]
pub fn lagged_lanes<const N: usize>(
    reference: &[f32],
    segment: &[f32],
    first: usize,
) -> [[f32; LANES]; N] {
    let whole = reference.len();
    let mut lanes = [[0.0f32; LANES]; N];
    // The reference's and each lag's whole chunks as zipped slice iterators (no per-read
    // checks): lags in fours, two fours sharing the reference's loads when `N` is eight.
    let chunks = reference.as_chunks::<LANES>().0;
    let shifted = |j: usize| {
        let lagged = segment.get(first + j..first + j + whole);
        lagged.unwrap_or_default().as_chunks::<LANES>().0
    };
    let product = |lanes: &mut [f32; LANES], x: &[f32; LANES], y: &[f32; LANES]| {
        for k in 0..LANES {
            lanes[k] += x[k] * y[k];
        }
    };
    let four = |j: usize| {
        shifted(j)
            .iter()
            .zip(shifted(j + 1))
            .zip(shifted(j + 2).iter().zip(shifted(j + 3)))
    };
    if let [l0, l1, l2, l3, l4, l5, l6, l7] = &mut lanes[..] {
        for ((x, ((y0, y1), (y2, y3))), ((y4, y5), (y6, y7))) in
            chunks.iter().zip(four(0)).zip(four(4))
        {
            product(l0, x, y0);
            product(l1, x, y1);
            product(l2, x, y2);
            product(l3, x, y3);
            product(l4, x, y4);
            product(l5, x, y5);
            product(l6, x, y6);
            product(l7, x, y7);
        }
    } else if let [l0, l1, l2, l3] = &mut lanes[..] {
        for (x, ((y0, y1), (y2, y3))) in chunks.iter().zip(four(0)) {
            product(l0, x, y0);
            product(l1, x, y1);
            product(l2, x, y2);
            product(l3, x, y3);
        }
    } else if let [l0] = &mut lanes[..] {
        for (x, y0) in chunks.iter().zip(shifted(0)) {
            product(l0, x, y0);
        }
    }
    lanes
}
