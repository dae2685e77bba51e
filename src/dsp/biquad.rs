//! Biquad filters (RBJ cookbook designs) for tone shaping, band limiting and decimation.

use std::f32::consts::PI;

use super::wide::wide_or_portable;

/// Normalised biquad coefficients (a0 = 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BiquadCoefficients {
    b0: f32,
    b1: f32,
    b2: f32,
    a1: f32,
    a2: f32,
}

impl BiquadCoefficients {
    /// A filter that passes everything unchanged.
    pub const IDENTITY: Self = Self {
        b0: 1.0,
        b1: 0.0,
        b2: 0.0,
        a1: 0.0,
        a2: 0.0,
    };

    fn normalised(b0: f32, b1: f32, b2: f32, a0: f32, a1: f32, a2: f32) -> Self {
        Self {
            b0: b0 / a0,
            b1: b1 / a0,
            b2: b2 / a0,
            a1: a1 / a0,
            a2: a2 / a0,
        }
    }

    fn omega(sample_rate: f32, freq: f32) -> (f32, f32) {
        let w = 2.0 * PI * (freq / sample_rate).clamp(1.0e-5, 0.49);
        (w.sin(), w.cos())
    }

    /// Complex frequency response (re, im) at normalised angular frequency `omega` (rad/sample).
    pub fn response(&self, omega: f64) -> (f64, f64) {
        let (c1, s1) = (omega.cos(), -omega.sin());
        let (c2, s2) = ((2.0 * omega).cos(), -(2.0 * omega).sin());
        let num = (
            self.b0 as f64 + self.b1 as f64 * c1 + self.b2 as f64 * c2,
            self.b1 as f64 * s1 + self.b2 as f64 * s2,
        );
        let den = (
            1.0 + self.a1 as f64 * c1 + self.a2 as f64 * c2,
            self.a1 as f64 * s1 + self.a2 as f64 * s2,
        );
        let norm = den.0 * den.0 + den.1 * den.1;
        (
            (num.0 * den.0 + num.1 * den.1) / norm,
            (num.1 * den.0 - num.0 * den.1) / norm,
        )
    }

    /// Group delay in samples at normalised angular frequency `omega`.
    pub fn group_delay(&self, omega: f64) -> f64 {
        let step = 1.0e-4;
        let phase = |w: f64| {
            let (re, im) = self.response(w);
            im.atan2(re)
        };
        let mut difference = phase(omega + step) - phase(omega - step);
        if difference > std::f64::consts::PI {
            difference -= std::f64::consts::TAU;
        } else if difference < -std::f64::consts::PI {
            difference += std::f64::consts::TAU;
        }
        -difference / (2.0 * step)
    }

    /// Second-order low-pass at `freq` with quality `q`.
    pub fn low_pass(sample_rate: f32, freq: f32, q: f32) -> Self {
        let (sin, cos) = Self::omega(sample_rate, freq);
        let alpha = sin / (2.0 * q);
        Self::normalised(
            (1.0 - cos) / 2.0,
            1.0 - cos,
            (1.0 - cos) / 2.0,
            1.0 + alpha,
            -2.0 * cos,
            1.0 - alpha,
        )
    }

    /// Second-order high-pass at `freq` with quality `q`.
    pub fn high_pass(sample_rate: f32, freq: f32, q: f32) -> Self {
        let (sin, cos) = Self::omega(sample_rate, freq);
        let alpha = sin / (2.0 * q);
        Self::normalised(
            (1.0 + cos) / 2.0,
            -(1.0 + cos),
            (1.0 + cos) / 2.0,
            1.0 + alpha,
            -2.0 * cos,
            1.0 - alpha,
        )
    }

    /// Second-order band-pass at `freq` with quality `q`, 0 dB at the centre.
    pub fn band_pass(sample_rate: f32, freq: f32, q: f32) -> Self {
        let (sin, cos) = Self::omega(sample_rate, freq);
        let alpha = sin / (2.0 * q);
        Self::normalised(alpha, 0.0, -alpha, 1.0 + alpha, -2.0 * cos, 1.0 - alpha)
    }

    /// Peaking bell at `freq` with `gain_db` and quality `q`.
    pub fn peaking(sample_rate: f32, freq: f32, q: f32, gain_db: f32) -> Self {
        let (sin, cos) = Self::omega(sample_rate, freq);
        let a = 10f32.powf(gain_db / 40.0);
        let alpha = sin / (2.0 * q);
        Self::normalised(
            1.0 + alpha * a,
            -2.0 * cos,
            1.0 - alpha * a,
            1.0 + alpha / a,
            -2.0 * cos,
            1.0 - alpha / a,
        )
    }

    /// Low shelf at `freq` with `gain_db` (shelf slope 1).
    pub fn low_shelf(sample_rate: f32, freq: f32, gain_db: f32) -> Self {
        let (sin, cos) = Self::omega(sample_rate, freq);
        let a = 10f32.powf(gain_db / 40.0);
        let alpha = sin / 2.0 * std::f32::consts::SQRT_2;
        let sqrt_a = a.sqrt();
        Self::normalised(
            a * ((a + 1.0) - (a - 1.0) * cos + 2.0 * sqrt_a * alpha),
            2.0 * a * ((a - 1.0) - (a + 1.0) * cos),
            a * ((a + 1.0) - (a - 1.0) * cos - 2.0 * sqrt_a * alpha),
            (a + 1.0) + (a - 1.0) * cos + 2.0 * sqrt_a * alpha,
            -2.0 * ((a - 1.0) + (a + 1.0) * cos),
            (a + 1.0) + (a - 1.0) * cos - 2.0 * sqrt_a * alpha,
        )
    }
}

/// One biquad section in transposed direct form II.
#[derive(Debug, Clone, Copy)]
pub struct Biquad {
    coefficients: BiquadCoefficients,
    z1: f32,
    z2: f32,
    /// Whether this CPU runs the 256-bit build of the block loops (`dsp::wide::available`),
    /// asked when the filter is made (in the owner's `prepare`), not per block.
    wide: bool,
}

impl Default for Biquad {
    fn default() -> Self {
        Self::new(BiquadCoefficients::IDENTITY)
    }
}

impl Biquad {
    /// A filter with the given coefficients and cleared state.
    pub fn new(coefficients: BiquadCoefficients) -> Self {
        Self {
            coefficients,
            z1: 0.0,
            z2: 0.0,
            wide: super::wide::available(),
        }
    }

    /// Changes the coefficients, keeping the state (fine for slow, smoothed changes).
    pub fn set(&mut self, coefficients: BiquadCoefficients) {
        self.coefficients = coefficients;
    }

    /// Clears the filter state.
    pub fn clear(&mut self) {
        self.z1 = 0.0;
        self.z2 = 0.0;
    }

    /// Filters one sample.
    #[inline]
    pub fn process(&mut self, x: f32) -> f32 {
        let c = &self.coefficients;
        let y = c.b0 * x + self.z1;
        self.z1 = c.b1 * x - c.a1 * y + self.z2;
        self.z2 = c.b2 * x - c.a2 * y;
        // A NaN would otherwise live in the state forever.
        if !y.is_finite() {
            self.clear();
            return 0.0;
        }
        y
    }

    wide_or_portable! {
        /// Filters a run of samples in place (the same as `process` on each). A stretch at a time
        /// (see `filter_stretch`) with one finiteness test per stretch; a stretch that went
        /// non-finite is run again sample by sample from its saved input and state, so a NaN is
        /// handled exactly as `process` handles it. Where the CPU has AVX2 the loop runs from a
        /// build for it (three-operand instructions: no register copies; no fused multiply-add,
        /// so the same numbers).
        pub fn process_block(&mut self, samples: &mut [f32]);
        on Biquad, portable process_block_portable, wide if self.wide
    }

    wide_or_portable! {
        /// `process` on each sample of `input`, the results written to `output` (the shorter
        /// length of the two): `process_block` without copying the input first (it is still
        /// there for a replay).
        pub fn process_block_into(&mut self, input: &[f32], output: &mut [f32]);
        on Biquad, portable process_block_into_portable, wide if self.wide
    }

    wide_or_portable! {
        /// Two filters in series over a run of samples in place: the same as
        /// `stages[0].process_block` then `stages[1].process_block`, a stretch through both at a
        /// time (the anti-alias pairs run on every input sample). Where the CPU has AVX2 the loop
        /// runs from a build for it, as `process_block`'s does.
        pub fn process_cascade_block(stages: &mut [Biquad; 2], samples: &mut [f32]);
        portable Biquad::process_cascade_block_portable, wide if stages[0].wide
    }

    wide_or_portable! {
        /// Two filters over the same `input`, the first's output into `first` and the second's into
        /// `second` (the shortest length of the three): the same as `filters[0].process_block_into
        /// (input, first)` and `filters[1].process_block_into(input, second)`, the two recursions
        /// side by side in two lanes of one vector (see `pair_stretch`), so they cost about one.
        pub fn process_pair_into(
            filters: [&mut Biquad; 2],
            input: &[f32],
            first: &mut [f32],
            second: &mut [f32],
        );
        portable Biquad::process_pair_into_portable, wide if filters[0].wide
    }

    /// `process_pair_into`'s work, inlined into each build: a stretch at a time, one finiteness
    /// test per filter and stretch; a filter whose stretch went non-finite replays it sample by
    /// sample from the input (still there) and its state before.
    #[inline(always)]
    fn process_pair_into_portable(
        filters: [&mut Biquad; 2],
        input: &[f32],
        first: &mut [f32],
        second: &mut [f32],
    ) {
        let frames = input.len().min(first.len()).min(second.len());
        let [a, b] = filters;
        let stretches = input[..frames].chunks(BLOCK_STRETCH).zip(
            first[..frames]
                .chunks_mut(BLOCK_STRETCH)
                .zip(second[..frames].chunks_mut(BLOCK_STRETCH)),
        );
        for (input, (first, second)) in stretches {
            let coefficients = [a.coefficients, b.coefficients];
            let states = [(a.z1, a.z2), (b.z1, b.z2)];
            let [(z1, z2), (w1, w2)] = pair_stretch(&coefficients, states, input, first, second);
            for (filter, state, output) in [(&mut *a, (z1, z2), first), (&mut *b, (w1, w2), second)]
            {
                if state_is_finite(&[state.0, state.1]) {
                    (filter.z1, filter.z2) = state;
                } else {
                    for (&x, y) in input.iter().zip(output.iter_mut()) {
                        *y = filter.process(x);
                    }
                }
            }
        }
    }

    /// `process_block`'s work, inlined into each build.
    #[inline(always)]
    fn process_block_portable(&mut self, samples: &mut [f32]) {
        // The saved input of each stretch, for a replay, and the products (zeroed once per
        // call, not per stretch).
        let mut saved = [0.0f32; BLOCK_STRETCH];
        let mut products = Feedforward::default();
        for stretch in samples.chunks_mut(BLOCK_STRETCH) {
            let input = &mut saved[..stretch.len()];
            input.copy_from_slice(stretch);
            self.filter_stretch(input, stretch, &mut products);
        }
    }

    /// `process_block_into`'s work, inlined into each build.
    #[inline(always)]
    fn process_block_into_portable(&mut self, input: &[f32], output: &mut [f32]) {
        let frames = input.len().min(output.len());
        let mut products = Feedforward::default();
        for (input, output) in input[..frames]
            .chunks(BLOCK_STRETCH)
            .zip(output[..frames].chunks_mut(BLOCK_STRETCH))
        {
            self.filter_stretch(input, output, &mut products);
        }
    }

    /// One stretch (at most `BLOCK_STRETCH` samples) of `input` filtered into `output`: the
    /// products as whole vectors, the recursion with the state in registers, one finiteness
    /// test; a stretch that went non-finite is replayed sample by sample through `process`.
    #[inline(always)]
    fn filter_stretch(&mut self, input: &[f32], output: &mut [f32], products: &mut Feedforward) {
        let c = self.coefficients;
        products.fill(&c, input);
        let (z1, z2) = products.recurse(&c, (self.z1, self.z2), output);
        if state_is_finite(&[z1, z2]) {
            (self.z1, self.z2) = (z1, z2);
        } else {
            for (&x, y) in input.iter().zip(output.iter_mut()) {
                *y = self.process(x);
            }
        }
    }

    /// `process_cascade_block`'s work, inlined into each build: a stretch at a time through both
    /// filters (see `cascade_stretch`), one finiteness test per stretch; a stretch that went
    /// non-finite is replayed sample by sample from its saved input.
    #[inline(always)]
    fn process_cascade_block_portable(stages: &mut [Biquad; 2], samples: &mut [f32]) {
        // The saved input of each stretch, for a replay (zeroed once per call, not per stretch).
        let mut saved = [0.0f32; BLOCK_STRETCH];
        for stretch in samples.chunks_mut(BLOCK_STRETCH) {
            let input = &mut saved[..stretch.len()];
            input.copy_from_slice(stretch);
            let states = [(stages[0].z1, stages[0].z2), (stages[1].z1, stages[1].z2)];
            let coefficients = [stages[0].coefficients, stages[1].coefficients];
            let [(z1, z2), (w1, w2)] = cascade_stretch(&coefficients, states, input, stretch);
            if state_is_finite(&[z1, z2, w1, w2]) {
                (stages[0].z1, stages[0].z2) = (z1, z2);
                (stages[1].z1, stages[1].z2) = (w1, w2);
            } else {
                for (&x, y) in input.iter().zip(stretch.iter_mut()) {
                    let first = stages[0].process(x);
                    *y = stages[1].process(first);
                }
            }
        }
    }
}

/// Two filters over the same `input` into `first` and `second` from `states` (z1, z2 of each),
/// with no per-sample test; returns the states after. Each lane does `Biquad::process`'s
/// operations in its order.
#[inline(always)]
fn pair_stretch(
    coefficients: &[BiquadCoefficients; 2],
    states: [(f32, f32); 2],
    input: &[f32],
    first: &mut [f32],
    second: &mut [f32],
) -> [(f32, f32); 2] {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128, _mm_add_ps, _mm_mul_ps, _mm_set1_ps, _mm_set_ps, _mm_sub_ps,
        };
        let lanes = |v: __m128| {
            // SAFETY: `__m128` and `[f32; 4]` have the same size, and every bit pattern is valid.
            unsafe { std::mem::transmute::<__m128, [f32; 4]>(v) }
        };
        let [c, d] = coefficients;
        let [(z1, z2), (w1, w2)] = states;
        // SAFETY: the intrinsics need SSE, part of every x86-64 CPU (the target's baseline).
        unsafe {
            let pair = |a: f32, b: f32| _mm_set_ps(0.0, 0.0, b, a);
            let (b0, b1, b2) = (pair(c.b0, d.b0), pair(c.b1, d.b1), pair(c.b2, d.b2));
            let (a1, a2) = (pair(c.a1, d.a1), pair(c.a2, d.a2));
            let (mut s1, mut s2) = (pair(z1, w1), pair(z2, w2));
            for ((&x, y), v) in input.iter().zip(first.iter_mut()).zip(second.iter_mut()) {
                let x = _mm_set1_ps(x);
                let out = _mm_add_ps(_mm_mul_ps(b0, x), s1);
                s1 = _mm_add_ps(_mm_sub_ps(_mm_mul_ps(b1, x), _mm_mul_ps(a1, out)), s2);
                s2 = _mm_sub_ps(_mm_mul_ps(b2, x), _mm_mul_ps(a2, out));
                [*y, *v, _, _] = lanes(out);
            }
            let ([z1, w1, _, _], [z2, w2, _, _]) = (lanes(s1), lanes(s2));
            [(z1, z2), (w1, w2)]
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let [(mut z1, mut z2), (mut w1, mut w2)] = states;
        let [c, d] = coefficients;
        for ((&x, y), v) in input.iter().zip(first.iter_mut()).zip(second.iter_mut()) {
            *y = c.b0 * x + z1;
            z1 = c.b1 * x - c.a1 * *y + z2;
            z2 = c.b2 * x - c.a2 * *y;
            *v = d.b0 * x + w1;
            w1 = d.b1 * x - d.a1 * *v + w2;
            w2 = d.b2 * x - d.a2 * *v;
        }
        [(z1, z2), (w1, w2)]
    }
}

/// Two filters in series over `input` into `output` (the same length) from `states` (z1, z2
/// of each), with no per-sample test; returns the states after. The second filter runs one sample behind the
/// first, side by side in two lanes of one vector: each turn of the loop steps the first filter
/// on sample `i` and the second on the first's output for sample `i - 1`, so the two serial
/// recursions cost about one. Each lane does `Biquad::process`'s operations in its order, so
/// the numbers are those of the two filters in turn.
#[inline(always)]
fn cascade_stretch(
    coefficients: &[BiquadCoefficients; 2],
    states: [(f32, f32); 2],
    input: &[f32],
    output: &mut [f32],
) -> [(f32, f32); 2] {
    #[cfg(target_arch = "x86_64")]
    {
        cascade_stretch_in_lanes(coefficients, states, input, output)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let [(mut z1, mut z2), (mut w1, mut w2)] = states;
        let [c, d] = coefficients;
        for (&x, out) in input.iter().zip(output.iter_mut()) {
            let y = c.b0 * x + z1;
            z1 = c.b1 * x - c.a1 * y + z2;
            z2 = c.b2 * x - c.a2 * y;
            let v = d.b0 * y + w1;
            w1 = d.b1 * y - d.a1 * v + w2;
            w2 = d.b2 * y - d.a2 * v;
            *out = v;
        }
        [(z1, z2), (w1, w2)]
    }
}

/// `cascade_stretch` in 128-bit vectors (SSE, baseline on x86-64; three-operand instructions in
/// the AVX2 builds that inline it): lane 0 the first filter, lane 1 the second, the other two
/// idle at zero coefficients (what they hold is never read).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn cascade_stretch_in_lanes(
    coefficients: &[BiquadCoefficients; 2],
    states: [(f32, f32); 2],
    input: &[f32],
    output: &mut [f32],
) -> [(f32, f32); 2] {
    use std::arch::x86_64::{
        __m128, _mm_add_ps, _mm_mul_ps, _mm_set_ps, _mm_set_ss, _mm_sub_ps, _mm_unpacklo_ps,
    };
    let lanes = |v: __m128| {
        // SAFETY: `__m128` and `[f32; 4]` have the same size, and every bit pattern is valid.
        unsafe { std::mem::transmute::<__m128, [f32; 4]>(v) }
    };
    let [c, d] = coefficients;
    let [(z1, z2), (w1, w2)] = states;
    let count = input.len().min(output.len());
    let (Some((&first, rest)), Some((last, written))) = (
        input[..count].split_first(),
        output[..count].split_last_mut(),
    ) else {
        return states;
    };
    // SAFETY: the intrinsics need SSE, part of every x86-64 CPU (the target's baseline).
    unsafe {
        let pair = |a: f32, b: f32| _mm_set_ps(0.0, 0.0, b, a);
        let (b0, b1, b2) = (pair(c.b0, d.b0), pair(c.b1, d.b1), pair(c.b2, d.b2));
        let (a1, a2) = (pair(c.a1, d.a1), pair(c.a2, d.a2));
        // The first filter alone on the first sample (the second has nothing yet).
        let y = c.b0 * first + z1;
        let mut s1 = pair(c.b1 * first - c.a1 * y + z2, w1);
        let mut s2 = pair(c.b2 * first - c.a2 * y, w2);
        let mut out = pair(y, 0.0);
        // Then both: the first on sample `i`, the second on the first's output for `i - 1`
        // (lane 0 of the last turn's outputs, moved to lane 1 by the interleave), written to
        // `i - 1`.
        let mut step = |x: f32| {
            let input = _mm_unpacklo_ps(_mm_set_ss(x), out);
            out = _mm_add_ps(_mm_mul_ps(b0, input), s1);
            s1 = _mm_add_ps(_mm_sub_ps(_mm_mul_ps(b1, input), _mm_mul_ps(a1, out)), s2);
            s2 = _mm_sub_ps(_mm_mul_ps(b2, input), _mm_mul_ps(a2, out));
            lanes(out)[1]
        };
        let (pairs, single) = rest.as_chunks::<2>();
        let (written_pairs, written_single) = written.as_chunks_mut::<2>();
        for (x, y) in pairs.iter().zip(written_pairs) {
            y[0] = step(x[0]);
            y[1] = step(x[1]);
        }
        for (&x, y) in single.iter().zip(written_single) {
            *y = step(x);
        }
        // The second filter alone on the first's last output.
        let previous = lanes(out)[0];
        let [z1, w1, _, _] = lanes(s1);
        let [z2, w2, _, _] = lanes(s2);
        let v = d.b0 * previous + w1;
        let w1 = d.b1 * previous - d.a1 * v + w2;
        let w2 = d.b2 * previous - d.a2 * v;
        *last = v;
        [(z1, z2), (w1, w2)]
    }
}

/// A stretch's feedforward products `b0 x`, `b1 x` and `b2 x`, worked out as whole vectors
/// before the recursion, which then only adds them in: the same products and sums as
/// `Biquad::process`, in the same order, with fewer instructions in the serial loop.
struct Feedforward {
    b0: [f32; BLOCK_STRETCH],
    b1: [f32; BLOCK_STRETCH],
    b2: [f32; BLOCK_STRETCH],
}

impl Default for Feedforward {
    fn default() -> Self {
        Self {
            b0: [0.0; BLOCK_STRETCH],
            b1: [0.0; BLOCK_STRETCH],
            b2: [0.0; BLOCK_STRETCH],
        }
    }
}

impl Feedforward {
    /// The products of `c`'s numerator with each sample of `input` (at most `BLOCK_STRETCH`).
    #[inline(always)]
    fn fill(&mut self, c: &BiquadCoefficients, input: &[f32]) {
        let (b0, b1, b2) = (c.b0, c.b1, c.b2);
        for (((&x, p0), p1), p2) in input
            .iter()
            .zip(self.b0.iter_mut())
            .zip(self.b1.iter_mut())
            .zip(self.b2.iter_mut())
        {
            *p0 = b0 * x;
            *p1 = b1 * x;
            *p2 = b2 * x;
        }
    }

    /// The recursion of `c` over the products `fill` left, from `state` (z1, z2), its outputs
    /// into `output` (as many as it holds, at most `BLOCK_STRETCH`); returns the state after.
    #[inline(always)]
    fn recurse(
        &self,
        c: &BiquadCoefficients,
        (mut z1, mut z2): (f32, f32),
        output: &mut [f32],
    ) -> (f32, f32) {
        let (a1, a2) = (c.a1, c.a2);
        let frames = output.len().min(BLOCK_STRETCH);
        let mut step = |p0: f32, p1: f32, p2: f32| {
            let out = p0 + z1;
            z1 = (p1 - a1 * out) + z2;
            z2 = p2 - a2 * out;
            out
        };
        // Four samples a turn (a quarter of the loop's own counting and branching).
        let whole = frames / 4 * 4;
        let fours = output[..whole].as_chunks_mut::<4>().0.iter_mut().zip(
            self.b0[..whole].as_chunks::<4>().0.iter().zip(
                self.b1[..whole]
                    .as_chunks::<4>()
                    .0
                    .iter()
                    .zip(self.b2[..whole].as_chunks::<4>().0),
            ),
        );
        for (y, (p0, (p1, p2))) in fours {
            for k in 0..4 {
                y[k] = step(p0[k], p1[k], p2[k]);
            }
        }
        for (((y, &p0), &p1), &p2) in output[whole..frames]
            .iter_mut()
            .zip(&self.b0[whole..])
            .zip(&self.b1[whole..])
            .zip(&self.b2[whole..])
        {
            *y = step(p0, p1, p2);
        }
        (z1, z2)
    }
}

/// Samples `Biquad::process_block` filters between two finiteness tests (its scratch size).
const BLOCK_STRETCH: usize = 64;

/// Whether a stretch's final filter state is finite, which holds exactly when every output
/// of the stretch was: a non-finite output makes the next state non-finite (`a * inf` and
/// `0 * inf` are both non-finite), and no sum or product of a non-finite state with finite
/// coefficients and inputs is finite again. A state that overflowed with finite outputs
/// fails the test too; the stretch is then merely replayed sample by sample, to the same
/// numbers. One test per stretch instead of a poison sum per sample.
#[inline]
fn state_is_finite(state: &[f32]) -> bool {
    state.iter().all(|z| z.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_is_the_samples_one_by_one_even_through_a_nan() {
        let coefficients = BiquadCoefficients::peaking(48_000.0, 700.0, 4.0, 18.0);
        let mut input: Vec<f32> = (0..1_000).map(|i| (i as f32 * 0.07).sin()).collect();
        input[300] = f32::NAN;
        input[301] = f32::INFINITY;
        input[777] = f32::NEG_INFINITY;
        // The last sample of a stretch (run 1 starts at 99) and of a run.
        input[99 + 63] = f32::NAN;
        input[197] = f32::INFINITY;
        let mut one = Biquad::new(coefficients);
        let expected: Vec<f32> = input.iter().map(|&x| one.process(x)).collect();
        let mut block = Biquad::new(coefficients);
        let mut got = input.clone();
        for run in got.chunks_mut(99) {
            block.process_block(run);
        }
        assert_eq!(got.len(), expected.len());
        for (i, (a, b)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(a.to_bits(), b.to_bits(), "sample {i}");
        }
        assert_eq!((block.z1, block.z2), (one.z1, one.z2));
    }

    #[test]
    fn a_block_into_another_is_the_samples_one_by_one_even_through_a_nan() {
        let coefficients = BiquadCoefficients::band_pass(48_000.0, 220.0, 3.0);
        let mut input: Vec<f32> = (0..1_000).map(|i| (i as f32 * 0.07).sin()).collect();
        input[300] = f32::NAN;
        input[99 + 63] = f32::INFINITY;
        let mut one = Biquad::new(coefficients);
        let expected: Vec<f32> = input.iter().map(|&x| one.process(x)).collect();
        let mut block = Biquad::new(coefficients);
        let mut got = vec![0.0; input.len()];
        for (run, out) in input.chunks(99).zip(got.chunks_mut(99)) {
            block.process_block_into(run, out);
        }
        for (i, (a, b)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(a.to_bits(), b.to_bits(), "sample {i}");
        }
        assert_eq!((block.z1, block.z2), (one.z1, one.z2));
    }

    #[test]
    fn a_pair_is_each_filter_on_its_own_even_through_an_overflow() {
        let coefficients = [
            BiquadCoefficients::band_pass(48_000.0, 220.0, 3.0),
            BiquadCoefficients::low_pass(48_000.0, 700.0, 0.7),
        ];
        let mut input: Vec<f32> = (0..1_000).map(|i| (i as f32 * 0.07).sin()).collect();
        input[300] = 3.0e38;
        input[301] = -3.0e38;
        let mut one = coefficients.map(Biquad::new);
        let expected: Vec<[f32; 2]> = input
            .iter()
            .map(|&x| [one[0].process(x), one[1].process(x)])
            .collect();
        let [mut a, mut b] = coefficients.map(Biquad::new);
        let (mut first, mut second) = (vec![0.0; input.len()], vec![0.0; input.len()]);
        for ((run, y), v) in input
            .chunks(99)
            .zip(first.chunks_mut(99))
            .zip(second.chunks_mut(99))
        {
            Biquad::process_pair_into([&mut a, &mut b], run, y, v);
        }
        for (i, (&[e0, e1], (y, v))) in expected.iter().zip(first.iter().zip(&second)).enumerate() {
            assert_eq!(
                (y.to_bits(), v.to_bits()),
                (e0.to_bits(), e1.to_bits()),
                "{i}"
            );
        }
    }

    #[test]
    fn a_cascade_is_both_filters_in_turn_even_through_a_nan() {
        let first = BiquadCoefficients::low_pass(48_000.0, 3_000.0, 0.541);
        let second = BiquadCoefficients::peaking(48_000.0, 700.0, 4.0, 18.0);
        let mut input: Vec<f32> = (0..1_000).map(|i| (i as f32 * 0.07).sin()).collect();
        input[300] = f32::NAN;
        input[777] = f32::INFINITY;
        input[99 + 63] = f32::INFINITY;
        input[197] = f32::NAN;
        let (mut a, mut b) = (Biquad::new(first), Biquad::new(second));
        let expected: Vec<f32> = input.iter().map(|&x| b.process(a.process(x))).collect();
        let mut stages = [Biquad::new(first), Biquad::new(second)];
        let mut got = input.clone();
        for run in got.chunks_mut(99) {
            Biquad::process_cascade_block(&mut stages, run);
        }
        for (i, (x, y)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(x.to_bits(), y.to_bits(), "sample {i}");
        }
    }

    fn gain_at(coefficients: BiquadCoefficients, sample_rate: f32, freq: f32) -> f32 {
        let mut f = Biquad::new(coefficients);
        let n = (sample_rate * 0.5) as usize;
        let (mut energy_in, mut energy_out) = (0.0f64, 0.0f64);
        for i in 0..n {
            let x = (2.0 * PI * freq * i as f32 / sample_rate).sin();
            let y = f.process(x);
            if i > n / 2 {
                energy_in += (x * x) as f64;
                energy_out += (y * y) as f64;
            }
        }
        (energy_out / energy_in).sqrt() as f32
    }

    #[test]
    fn low_pass_passes_low_and_cuts_high() {
        let lp = BiquadCoefficients::low_pass(48_000.0, 1_000.0, std::f32::consts::FRAC_1_SQRT_2);
        assert!((gain_at(lp, 48_000.0, 100.0) - 1.0).abs() < 0.02);
        assert!((gain_at(lp, 48_000.0, 1_000.0) - 0.707).abs() < 0.02);
        assert!(gain_at(lp, 48_000.0, 10_000.0) < 0.02);
    }

    #[test]
    fn peaking_and_shelf_hit_their_gains() {
        let bell = BiquadCoefficients::peaking(48_000.0, 3_000.0, 1.0, 6.0);
        let g = gain_at(bell, 48_000.0, 3_000.0);
        assert!((g - 1.995).abs() < 0.03, "bell {g}");
        assert!((gain_at(bell, 48_000.0, 100.0) - 1.0).abs() < 0.03);
        let shelf = BiquadCoefficients::low_shelf(48_000.0, 200.0, -6.0);
        let g = gain_at(shelf, 48_000.0, 30.0);
        assert!((g - 0.501).abs() < 0.03, "shelf {g}");
        assert!((gain_at(shelf, 48_000.0, 8_000.0) - 1.0).abs() < 0.03);
    }
}
