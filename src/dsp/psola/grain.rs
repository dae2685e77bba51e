//! One grain's arithmetic: its shape for a request, its rendering into a run, its windowed
//! mean, the Hann window. `PsolaVoice` schedules grains and calls these in its hot loops.
//!
//! The hot loops are shaped for the vector unit. A grain's window position and read position
//! both move by a constant step per output sample, so both are worked out from the sample's
//! distance to a fixed anchor of the grain (`GrainRamp`): each value is a function of the grain
//! and the sample alone (the same however runs split the grain), and the loops need no
//! per-sample branch, division or table lookup (the window is a polynomial, not a table).

use super::{Grain, ShiftRequest};
use crate::dsp::history::History;
use crate::dsp::pitch_marks::MAX_RUN;

/// Samples the window is worked out in at once: two SSE registers' worth, so the compiler
/// vectorises the polynomial on baseline x86-64.
const LANES: usize = 8;
/// Samples of a grain worked on at once (the size of the loops' stack scratch): long enough
/// that each piece's copy of its input and loop set-up cost little per sample.
const PIECE: usize = 128;
/// Most inputs one piece's interpolated reads may span and still be read from one copy of
/// them (`interpolate_gathered`): a piece read up to about four times as fast as real time
/// (grains read up to twice real time, and the grain means' every-second-sample reads of
/// grains up to twice real time).
pub(super) const GATHER_SPAN: usize = 512;
/// A voice's scratch for the interpolated reads' copies and whole read positions (kept with the
/// voice, so no piece or grain zeroes its own), and how its reads run.
#[derive(Clone)]
pub(super) struct GatherScratch {
    inputs: [f32; GATHER_SPAN],
    wholes: [i32; PIECE],
    /// Whether this CPU has AVX2 (`dsp::wide::available`, set by the voice's `prepare`): the
    /// reads from the copy are then vector gathers, eight samples at a time.
    pub(super) wide: bool,
}

impl Default for GatherScratch {
    fn default() -> Self {
        Self {
            inputs: [0.0; GATHER_SPAN],
            wholes: [0; PIECE],
            wide: false,
        }
    }
}

/// A voice's scratch for one piece of a grain (its window, its input and their products), kept
/// with the voice so no grain zeroes its own: every part a piece uses is written before it is
/// read.
#[derive(Clone)]
pub(super) struct PieceScratch {
    window: [f32; PIECE],
    input: [f32; PIECE],
    products: [f32; PIECE],
}

impl Default for PieceScratch {
    fn default() -> Self {
        Self {
            window: [0.0; PIECE],
            input: [0.0; PIECE],
            products: [0.0; PIECE],
        }
    }
}
/// Grains reaching this far (output samples either side) whose reads are interpolated have
/// their mean measured on every second sample (see `windowed_sum`).
const MEAN_STRIDE_REACH: f64 = 16.0;

/// Taylor coefficients of cos(pi/2 * x) in powers of x^2: up to x^12 the error on -1..1 is
/// below 7e-9, under the float's own rounding.
const COS_HALF_PI: [f32; 7] = [
    1.0,
    -1.233_700_6,
    0.253_669_5,
    -0.020_863_48,
    0.000_919_260_3,
    -2.520_204_2e-5,
    4.710_875e-7,
];

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
    #[inline(always)]
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

/// Where a grain's window and reads stand at output sample `anchor + stride * k`, as linear
/// functions of `k` (k >= 0 over the whole grain).
struct GrainRamp {
    /// Output time of `k = 0` (no later than the first sample the grain sounds at).
    anchor: i64,
    /// Window position (-1..1 over the grain) at `k = 0`, and its step per `k`.
    x0: f32,
    dx: f32,
    /// Read position at `k = 0`: its whole input index and its fraction; `step` per `k`.
    base: i64,
    fraction: f32,
    step: f32,
}

/// The input a run of a grain may read: at the run's sample `i`, within `newest - oldest ..=
/// newest` where `newest` is `newest0 + i * moves` (input indices relative to the ramp's
/// `base`).
#[derive(Clone, Copy)]
struct ReadBounds {
    newest0: i64,
    moves: i64,
    oldest: i64,
}

impl ReadBounds {
    fn newest(&self, i: usize) -> i64 {
        self.newest0 + self.moves * i as i64
    }
}

impl GrainRamp {
    /// The ramps of `grain` reading around input time `centre` (its analysis centre, or where
    /// its mean is measured), from output time `anchor` on, every `stride` output samples.
    #[inline(always)]
    fn new(grain: &Grain, centre: f64, anchor: i64, stride: u8) -> Self {
        let analysis_start = (anchor as f64 - grain.synthesis_centre) * grain.formant as f64;
        let position = centre + analysis_start;
        let base = position.floor() as i64;
        let stride = f32::from(stride);
        Self {
            anchor,
            x0: analysis_start as f32 * grain.inverse_half_width,
            dx: grain.formant * grain.inverse_half_width * stride,
            base,
            fraction: (position - base as f64) as f32,
            step: grain.formant * stride,
        }
    }

    /// Read offset from `base` at `k` (whole samples when not `INTERPOLATE`).
    #[inline(always)]
    fn offset<const INTERPOLATE: bool>(&self, k: f32) -> f32 {
        if INTERPOLATE {
            self.fraction + k * self.step
        } else {
            k
        }
    }

    /// The window at `k = k_from + i` into `out[i]`.
    #[inline(always)]
    fn fill_window(&self, k_from: i64, out: &mut [f32]) {
        fill_lanes(k_from, out, |k| hann(self.x0 + k * self.dx));
    }

    /// The input at `k = k_from + i` into `out[i]` (at most `PIECE` samples), each read kept
    /// `within` its bounds.
    #[inline(always)]
    fn read<const INTERPOLATE: bool>(
        &self,
        source: &History,
        k_from: i64,
        within: ReadBounds,
        gathered: &mut GatherScratch,
        out: &mut [f32],
    ) {
        let Some(last) = out.len().checked_sub(1) else {
            return;
        };
        let k_first = k_from as f32;
        let inside = |i: usize| {
            let offset = self.offset::<INTERPOLATE>(k_first + i as f32);
            let newest = within.newest(i);
            offset <= newest as f32 && offset >= (newest - within.oldest) as f32
        };
        // The read position moves one way and both bounds move alike: inside at both ends,
        // inside all through, and no read needs its bounds checked.
        if !(inside(0) && inside(last)) {
            self.read_clamped::<INTERPOLATE>(source, k_from, within, out);
        } else if INTERPOLATE {
            // Offsets and their whole and fractional parts as vector loops (offsets are never
            // negative here: truncation is the floor), then the two reads of each sample.
            let len = out.len().min(PIECE);
            let out = &mut out[..len];
            fill_lanes(k_from, out, |k| self.offset::<true>(k));
            let GatherScratch {
                inputs,
                wholes,
                wide,
            } = gathered;
            let wholes = &mut wholes[..out.len()];
            for (x, whole) in out.iter_mut().zip(wholes.iter_mut()) {
                (*whole, *x) = split_whole(*x);
            }
            interpolate_gathered(source, self.base, wholes, (inputs, *wide), out);
        } else {
            let end = self.base + k_from + out.len() as i64;
            if end <= 0 {
                out.fill(0.0);
            } else {
                source.copy_ending_at(end as u64, out);
            }
        }
    }

    /// `read` one sample at a time, each read clamped to its bounds (the same values as
    /// `read` where no clamp bites).
    #[inline(always)]
    fn read_clamped<const INTERPOLATE: bool>(
        &self,
        source: &History,
        k_from: i64,
        within: ReadBounds,
        out: &mut [f32],
    ) {
        let k_first = k_from as f32;
        for (i, x) in out.iter_mut().enumerate() {
            let newest = within.newest(i);
            let offset = self
                .offset::<INTERPOLATE>(k_first + i as f32)
                .min(newest as f32)
                .max((newest - within.oldest) as f32);
            let whole = offset.floor();
            let fraction = offset - whole;
            let index = self.base + whole as i64;
            let a = source.get_recent(index);
            *x = if INTERPOLATE {
                a + (source.get_recent(index + 1) - a) * fraction
            } else {
                a
            };
        }
    }
}

/// Linear interpolation of `source` at `base + wholes[i] + out[i]` into `out[i]` (`out`
/// holds the fractions; `wholes` ascend, as a read position only moves forward). The inputs
/// the piece spans are one copy (into `inputs`, the voice's scratch), and each sample reads its two from that copy by an index
/// that needs no ring arithmetic or bounds check (a masked offset within the copy); a piece
/// spanning more than `GATHER_SPAN` inputs reads each from the ring. The copy holds the ring's
/// samples for every index the caller's bounds allow, so the numbers are the ring's.
#[inline(always)]
fn interpolate_gathered(
    source: &History,
    base: i64,
    wholes: &[i32],
    (copy, wide): (&mut [f32; GATHER_SPAN], bool),
    out: &mut [f32],
) {
    const MASK: usize = GATHER_SPAN - 1;
    let (Some(&first), Some(&last)) = (wholes.first(), wholes.last()) else {
        return;
    };
    let span = i64::from(last) - i64::from(first) + 2;
    if !(2..=GATHER_SPAN as i64).contains(&span) {
        interpolate_each(source, base, wholes, out);
        return;
    }
    let inputs_used = &mut copy[..span as usize];
    let end = base + i64::from(first) + span;
    if end > 0 {
        source.copy_ending_at(end as u64, inputs_used);
    } else {
        inputs_used.fill(0.0);
    }
    let copy = &*copy;
    #[cfg(target_arch = "x86_64")]
    let done = if wide {
        // SAFETY: `wide` is set only where the CPU has AVX2 (`dsp::wide::available`).
        unsafe { interpolate_eights_avx2(copy, first, wholes, out) }
    } else {
        0
    };
    #[cfg(not(target_arch = "x86_64"))]
    let done = 0;
    let (out, wholes) = (
        out.get_mut(done..).unwrap_or_default(),
        wholes.get(done..).unwrap_or_default(),
    );
    for (x, &whole) in out.iter_mut().zip(wholes) {
        let i = whole.wrapping_sub(first) as usize & MASK;
        let (a, b) = (copy[i], copy[(i + 1) & MASK]);
        *x = a + (b - a) * *x;
    }
}

/// `interpolate_gathered`'s reads from the copy for whole groups of eight samples, as AVX2
/// gathers (the same masked indices and the same arithmetic, no FMA, so the same numbers);
/// returns how many samples it did (the rest are left to the caller).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn interpolate_eights_avx2(
    copy: &[f32; GATHER_SPAN],
    first: i32,
    wholes: &[i32],
    out: &mut [f32],
) -> usize {
    use std::arch::x86_64::{
        __m256, __m256i, _mm256_add_epi32, _mm256_add_ps, _mm256_and_si256, _mm256_i32gather_ps,
        _mm256_mul_ps, _mm256_set1_epi32, _mm256_sub_epi32, _mm256_sub_ps,
    };
    const MASK: i32 = GATHER_SPAN as i32 - 1;
    let (mask, one, first) = (
        _mm256_set1_epi32(MASK),
        _mm256_set1_epi32(1),
        _mm256_set1_epi32(first),
    );
    let mut done = 0;
    // Whole groups of eight as arrays, read and written by value (as `dot_poles_avx2` loads
    // them: no pointer reads, one vector store each).
    let eights = out
        .as_chunks_mut::<8>()
        .0
        .iter_mut()
        .zip(wholes.as_chunks::<8>().0);
    for (x, &whole_lanes) in eights {
        let fraction = crate::dsp::wide::avx2::vector(*x);
        // SAFETY: eight 32-bit integers and a 256-bit vector have the same size, and every
        // bit pattern is valid for both.
        let whole = unsafe { std::mem::transmute::<[i32; 8], __m256i>(whole_lanes) };
        let i = _mm256_and_si256(_mm256_sub_epi32(whole, first), mask);
        let j = _mm256_and_si256(_mm256_add_epi32(i, one), mask);
        // SAFETY: every index is masked to 0..GATHER_SPAN, inside `copy`.
        let (a, b) = unsafe {
            (
                _mm256_i32gather_ps::<4>(copy.as_ptr(), i),
                _mm256_i32gather_ps::<4>(copy.as_ptr(), j),
            )
        };
        let y = _mm256_add_ps(a, _mm256_mul_ps(_mm256_sub_ps(b, a), fraction));
        // SAFETY: as above.
        *x = unsafe { std::mem::transmute::<__m256, [f32; 8]>(y) };
        done += 8;
    }
    done
}

/// `interpolate_gathered` with each sample reading its two inputs from the ring on its own.
#[inline(always)]
fn interpolate_each(source: &History, base: i64, wholes: &[i32], out: &mut [f32]) {
    for (x, &whole) in out.iter_mut().zip(wholes) {
        let index = base + i64::from(whole);
        let a = source.get_recent(index);
        let b = source.get_recent(index + 1);
        *x = a + (b - a) * *x;
    }
}

/// Where a chunk sits: its sample `j` is input index `first + j` and output time `first + j -
/// latency`; grains read at most up to the newest input and no further back than `oldest`
/// samples before it.
#[derive(Debug, Clone, Copy)]
pub(super) struct ChunkPlace {
    pub(super) first: i64,
    pub(super) latency: i64,
    pub(super) oldest: i64,
}

/// Adds `grain` to `sum` over the chunk's samples `span` (the chunk at `place`).
/// `INTERPOLATE`: fractional reads (formants moved) rather than whole samples.
#[inline(always)]
pub(super) fn render_grain<const INTERPOLATE: bool>(
    grain: &Grain,
    source: &History,
    place: ChunkPlace,
    span: &std::ops::Range<usize>,
    sum: &mut [f32; MAX_RUN],
    (gathered, pieces): (&mut GatherScratch, &mut PieceScratch),
) {
    let ChunkPlace {
        first,
        latency,
        oldest,
    } = place;
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
    let anchor = (grain.synthesis_centre - grain.reach).floor() as i64;
    let ramp = GrainRamp::new(grain, grain.analysis_centre, anchor, 1);
    let mean = grain.mean;
    let PieceScratch { window, input, .. } = pieces;
    let mut j = from;
    while j < to {
        let len = ((to - j) as usize).min(PIECE);
        let k_from = base + j - ramp.anchor;
        let (window, input) = (&mut window[..len], &mut input[..len]);
        ramp.fill_window(k_from, window);
        let within = ReadBounds {
            newest0: first + j - ramp.base,
            moves: 1,
            oldest,
        };
        ramp.read::<INTERPOLATE>(source, k_from, within, gathered, input);
        let start = j as usize;
        for ((total, &w), &x) in sum[start..start + len]
            .iter_mut()
            .zip(window.iter())
            .zip(input.iter())
        {
            *total += w * (x - mean);
        }
        j += len as i64;
    }
}

/// The windowed sum and the window's sum over the samples `grain` renders, read around input
/// time `centre` within `earliest..=latest` (see `render_grain` for `INTERPOLATE`).
#[inline(always)]
pub(super) fn windowed_sum<const INTERPOLATE: bool>(
    grain: &Grain,
    centre: f64,
    source: &History,
    latest: i64,
    earliest: i64,
    (gathered, pieces): (&mut GatherScratch, &mut PieceScratch),
) -> (f32, f32) {
    let reach = grain.synthesis_half_width();
    let first = (grain.synthesis_centre - reach).ceil() as i64;
    let last = (grain.synthesis_centre + reach).floor() as i64;
    if last < first {
        return (0.0, 0.0);
    }
    // Every second sample of a long grain read between samples: the window is smooth over a
    // few samples, so the mean moves only by what lies near the Nyquist frequency, and the
    // interpolated reads cost half. Whole-sample reads are a copy: every sample costs little.
    let stride: u8 = if INTERPOLATE && reach >= MEAN_STRIDE_REACH {
        2
    } else {
        1
    };
    let count = (last - first) / i64::from(stride) + 1;
    let ramp = GrainRamp::new(grain, centre, first, stride);
    let within = ReadBounds {
        newest0: latest - ramp.base,
        moves: 0,
        oldest: latest - earliest,
    };
    let (mut sums, mut weights) = ([0.0f32; LANES], [0.0f32; LANES]);
    let PieceScratch {
        window,
        input,
        products,
    } = pieces;
    let mut k_from = 0;
    while k_from < count {
        let len = ((count - k_from) as usize).min(PIECE);
        ramp.fill_window(k_from, &mut window[..len]);
        ramp.read::<INTERPOLATE>(source, k_from, within, gathered, &mut input[..len]);
        // Zero-padded to whole chunks of lanes, so the sums vectorise.
        let padded = len.next_multiple_of(LANES).min(PIECE);
        window[len..padded].fill(0.0);
        input[len..padded].fill(0.0);
        // The products first, then each lane's sums in chunk order: the same additions as
        // one loop over both, but shaped so each lane sum stays one vector (a loop adding
        // products and weights together compiled to scalar products and blends).
        for ((product, &w), &x) in products[..padded]
            .iter_mut()
            .zip(&window[..padded])
            .zip(&input[..padded])
        {
            *product = w * x;
        }
        add_lanes(&mut sums, &products[..padded]);
        add_lanes(&mut weights, &window[..padded]);
        k_from += len as i64;
    }
    (sums.iter().sum(), weights.iter().sum())
}

/// Adds `values` to `lanes`, lane `k` taking the values `k` modulo `LANES` in order (`values`
/// is a whole number of chunks).
#[inline(always)]
fn add_lanes(lanes: &mut [f32; LANES], values: &[f32]) {
    for chunk in values.chunks_exact(LANES) {
        for (lane, &value) in lanes.iter_mut().zip(chunk) {
            *lane += value;
        }
    }
}

/// `out[i] = value(k_from + i)` in chunks of `LANES`, so the compiler vectorises `value`.
/// Whole numbers below 2^24 are exact in a float, so `value` sees the same `k` whichever
/// chunk it falls in.
#[inline(always)]
fn fill_lanes(k_from: i64, out: &mut [f32], value: impl Fn(f32) -> f32) {
    let mut k = k_from as f32;
    let mut chunks = out.chunks_exact_mut(LANES);
    for chunk in &mut chunks {
        for (lane, x) in chunk.iter_mut().enumerate() {
            *x = value(k + lane as f32);
        }
        k += LANES as f32;
    }
    for (lane, x) in chunks.into_remainder().iter_mut().enumerate() {
        *x = value(k + lane as f32);
    }
}

/// The whole and fractional parts of `x` in 0..2^22 (the same as `floor`), without the
/// saturating float-to-integer conversion the vector unit lacks: adding and taking away 2^23
/// rounds to the nearest whole number, one less where that rounded up, and the whole number
/// is then the low bits of the float `2^23 + whole`.
#[inline(always)]
fn split_whole(x: f32) -> (i32, f32) {
    const SHIFT: f32 = 8_388_608.0;
    let nearest = (x + SHIFT) - SHIFT;
    let floor = if nearest > x { nearest - 1.0 } else { nearest };
    let whole = (floor + SHIFT).to_bits().wrapping_sub(SHIFT.to_bits()) as i32;
    (whole, x - floor)
}

/// Hann window at `x` in -1..1: cos^2(pi/2 x), its cosine a polynomial in x^2 (0 at the ends;
/// `x` beyond them is held at the end).
#[inline(always)]
fn hann(x: f32) -> f32 {
    let u = (x * x).min(1.0);
    let mut c = COS_HALF_PI[6];
    for &coefficient in COS_HALF_PI[..6].iter().rev() {
        c = c * u + coefficient;
    }
    c * c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_polynomial_window_is_hann() {
        for i in 0..=2_000 {
            let x = i as f32 / 1_000.0 - 1.0;
            let exact = 0.5 * (1.0 + (std::f64::consts::PI * x as f64).cos());
            assert!((hann(x) as f64 - exact).abs() < 2.0e-7, "{x}");
        }
        assert!(hann(1.5) < 1.0e-7 && hann(-3.0) < 1.0e-7);
    }

    #[test]
    fn whole_parts_are_the_floor() {
        for x in [
            0.0f32,
            0.25,
            0.5,
            0.999_999_9,
            1.0,
            1.5,
            2.5,
            1_234.567,
            4_194_303.5,
        ] {
            let (whole, fraction) = split_whole(x);
            assert_eq!(whole as f32, x.floor(), "{x}");
            assert_eq!(fraction, x - x.floor(), "{x}");
        }
    }
}
