//! The coarse search's anti-alias low-pass and decimator in one: the fourth-order Butterworth
//! the detector has always used, rewritten so that it decimates as it filters.
//!
//! An IIR filter's recursion needs every output, so filtering at the full rate and keeping
//! every `factor`-th sample computes `factor - 1` outputs only to throw them away. Multiplying
//! the numerator and the denominator by `1 + p z^-1 + ... + p^(factor-1) z^-(factor-1)` for
//! each pole `p` leaves the response unchanged and turns each pole's `1 - p z^-1` into
//! `1 - p^factor z^-factor`: the recursion then reads only outputs `factor`, `2 factor`, ...
//! samples back, which are the kept ones, and the (longer) numerator is a dot product over
//! the recent input. So only the kept outputs are computed, the same numbers up to rounding.

use realfft::num_complex::Complex;

use crate::dsp::wide::wide_or_portable;

/// Quality of each biquad section of the Butterworth low-pass (fourth order).
const SECTION_Q: [f64; 2] = [0.541, 1.307];
/// Poles of the filter (two per section).
const POLES: usize = 4;
/// Lanes of the numerator's dot product (the taps are padded at the front to a multiple).
const LANES: usize = 8;
/// Most input samples one `process` call takes.
pub(super) const MAX_INPUT: usize = super::PUSH_CHUNK;

/// Low-pass at the full rate, computed only at every `factor`-th sample.
pub(super) struct DecimatingLowPass {
    factor: usize,
    /// The numerator's taps in groups of `LANES`, the oldest input's first, zeros in front.
    taps: Vec<[f32; LANES]>,
    /// The denominator's coefficients on the outputs `factor`, `2 factor`, ... samples back.
    feedback: [f32; POLES],
    /// The last outputs, newest first.
    outputs: [f32; POLES],
    /// The last `LANES * taps.len() - 1` inputs, then room for one call's input.
    window: Vec<f32>,
    /// Inputs taken since the last output.
    phase: usize,
    /// Whether this CPU runs the 256-bit build (`dsp::wide::available`).
    wide: bool,
}

impl Default for DecimatingLowPass {
    fn default() -> Self {
        Self {
            factor: 1,
            taps: vec![[0.0; LANES]],
            feedback: [0.0; POLES],
            outputs: [0.0; POLES],
            window: vec![0.0; LANES - 1 + MAX_INPUT],
            phase: 0,
            wide: false,
        }
    }
}

impl DecimatingLowPass {
    /// Designs the low-pass at `cutoff` Hz for `sample_rate`, keeping every `factor`-th
    /// output; allocates.
    pub(super) fn prepare(&mut self, sample_rate: f32, cutoff: f32, factor: usize) {
        self.factor = factor.max(1);
        let (numerator, feedback) = design(sample_rate as f64, cutoff as f64, self.factor);
        let padded = numerator.len().div_ceil(LANES) * LANES;
        let mut flat = vec![0.0f32; padded];
        // Oldest input first: the highest power of z^-1 leads.
        for (tap, &value) in flat[padded - numerator.len()..]
            .iter_mut()
            .zip(numerator.iter().rev())
        {
            *tap = value as f32;
        }
        self.taps = flat
            .chunks_exact(LANES)
            .map(|chunk| <[f32; LANES]>::try_from(chunk).unwrap_or([0.0; LANES]))
            .collect();
        for (slot, &value) in self.feedback.iter_mut().zip(&feedback) {
            *slot = value as f32;
        }
        self.window = vec![0.0; padded - 1 + MAX_INPUT];
        self.wide = crate::dsp::wide::available();
        self.clear();
    }

    /// Forgets the input, in place.
    pub(super) fn clear(&mut self) {
        self.outputs = [0.0; POLES];
        self.window.fill(0.0);
        self.phase = 0;
    }

    wide_or_portable! {
        /// Takes `input` (at most `MAX_INPUT` samples; finite, as the detector cleans them) and
        /// writes the kept outputs to the start of `out`, oldest first (the outputs after the
        /// `factor`-th, `2 factor`-th, ... input since `clear`); returns how many. Where the CPU
        /// has AVX2 the loop runs from a build for it (no fused multiply-add: the same numbers).
        pub(super) fn process(&mut self, input: &[f32], out: &mut [f32]) -> usize;
        on DecimatingLowPass, portable process_portable, wide if self.wide
    }

    /// `process`'s work, inlined into each build.
    #[inline(always)]
    fn process_portable(&mut self, input: &[f32], out: &mut [f32]) -> usize {
        let take = input.len().min(MAX_INPUT);
        let length = self.taps.len() * LANES;
        let keep = length - 1;
        self.window[keep..keep + take].copy_from_slice(&input[..take]);
        let factor = self.factor;
        let first = factor - 1 - self.phase.min(factor - 1);
        let mut written = 0;
        // The recursion's state in registers for the call (not stored back every output), the
        // window's reads within one slice (the last one read ends at `take + keep`).
        let [d1, d2, d3, d4] = self.feedback;
        let mut outputs = self.outputs;
        let (taps, window, wide) = (&self.taps[..], &self.window[..take + keep], self.wide);
        for (i, slot) in (first..take).step_by(factor).zip(out.iter_mut()) {
            let Some(reads) = window.get(i..i + length) else {
                break;
            };
            let fir = dot(taps, reads, wide);
            let [o1, o2, o3, o4] = outputs;
            let mut y = fir - ((d1 * o1 + d2 * o2) + (d3 * o3 + d4 * o4));
            if !y.is_finite() {
                // An overflow would otherwise live in the recursion forever.
                y = 0.0;
                outputs = [0.0; POLES];
            }
            outputs = [y, outputs[0], outputs[1], outputs[2]];
            *slot = y;
            written += 1;
        }
        self.outputs = outputs;
        self.phase = (self.phase + take) % factor;
        self.window.copy_within(take..take + keep, 0);
        written
    }
}

/// The taps times the window in `LANES` independent lanes, summed in halves; in 256-bit
/// vectors where `wide` (the CPU has AVX2; compilers otherwise pair the lanes into 64-bit
/// halves), the same operations per lane either way (no FMA), so the same numbers.
#[inline(always)]
fn dot(taps: &[[f32; LANES]], window: &[f32], wide: bool) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if wide {
        // SAFETY: `wide` is set only where the CPU has AVX2 (`dsp::wide::available`).
        return unsafe { dot_avx2(taps, window) };
    }
    let _ = wide;
    dot_portable(taps, window)
}

/// `dot` in plain lanes.
#[inline(always)]
fn dot_portable(taps: &[[f32; LANES]], window: &[f32]) -> f32 {
    let mut lanes = [0.0f32; LANES];
    for (t, chunk) in taps.iter().zip(window.chunks_exact(LANES)) {
        let Some(x) = chunk.first_chunk::<LANES>() else {
            break;
        };
        for k in 0..LANES {
            lanes[k] += t[k] * x[k];
        }
    }
    crate::dsp::wide::sum_lanes(lanes)
}

/// `dot` in 256-bit vectors: products of eight added lane by lane from zero, then the
/// halves, then (0 + 2) + (1 + 3), as the portable lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn dot_avx2(taps: &[[f32; LANES]], window: &[f32]) -> f32 {
    use crate::dsp::wide::avx2::{sum_lanes, vector};
    use std::arch::x86_64::{_mm256_add_ps, _mm256_mul_ps, _mm256_setzero_ps};
    let mut sum = _mm256_setzero_ps();
    for (t, x) in taps.iter().zip(window.as_chunks::<LANES>().0) {
        sum = _mm256_add_ps(sum, _mm256_mul_ps(vector(*t), vector(*x)));
    }
    sum_lanes(sum)
}

/// The numerator (coefficient of z^-k at k) and the denominator's coefficients on
/// z^-factor, z^-2 factor, ... of the Butterworth low-pass at `cutoff` with every pole's factor
/// multiplied out as the module explains.
fn design(sample_rate: f64, cutoff: f64, factor: usize) -> (Vec<f64>, [f64; POLES]) {
    let omega = std::f64::consts::TAU * (cutoff / sample_rate).clamp(1.0e-5, 0.49);
    let (sin, cos) = omega.sin_cos();
    let mut numerator = vec![Complex::new(1.0, 0.0)];
    let mut poles = Vec::with_capacity(POLES);
    for q in SECTION_Q {
        // RBJ cookbook low-pass, normalised to a0 = 1.
        let alpha = sin / (2.0 * q);
        let a0 = 1.0 + alpha;
        let b = [(1.0 - cos) / 2.0, 1.0 - cos, (1.0 - cos) / 2.0].map(|v| v / a0);
        let (a1, a2) = (-2.0 * cos / a0, (1.0 - alpha) / a0);
        numerator = multiply(&numerator, &b.map(|v| Complex::new(v, 0.0)));
        // Roots of z^2 + a1 z + a2.
        let root = Complex::new(a1 * a1 - 4.0 * a2, 0.0).sqrt();
        poles.push((Complex::new(-a1, 0.0) + root) / 2.0);
        poles.push((Complex::new(-a1, 0.0) - root) / 2.0);
    }
    let mut denominator = vec![Complex::new(1.0, 0.0)];
    for &pole in &poles {
        let powers: Vec<Complex<f64>> = (0..factor).map(|k| pole.powu(k as u32)).collect();
        numerator = multiply(&numerator, &powers);
        denominator = multiply(
            &denominator,
            &[Complex::new(1.0, 0.0), -pole.powu(factor as u32)],
        );
    }
    let mut feedback = [0.0; POLES];
    for (slot, value) in feedback.iter_mut().zip(&denominator[1..]) {
        *slot = value.re;
    }
    (numerator.iter().map(|c| c.re).collect(), feedback)
}

/// The product of two polynomials given by their coefficients.
fn multiply(a: &[Complex<f64>], b: &[Complex<f64>]) -> Vec<Complex<f64>> {
    let mut product = vec![Complex::new(0.0, 0.0); a.len() + b.len() - 1];
    for (i, &x) in a.iter().enumerate() {
        for (j, &y) in b.iter().enumerate() {
            product[i + j] += x * y;
        }
    }
    product
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::biquad::{Biquad, BiquadCoefficients};

    /// Two tones and a little noise-like chirp, loud enough to show rounding.
    fn test_signal(sample_rate: f32, samples: usize) -> Vec<f32> {
        (0..samples)
            .map(|i| {
                let t = i as f32 / sample_rate;
                0.5 * (std::f32::consts::TAU * 220.0 * t).sin()
                    + 0.3 * (std::f32::consts::TAU * 7_000.0 * t).sin()
                    + 0.1 * (std::f32::consts::TAU * (500.0 + 4_000.0 * t) * t).sin()
            })
            .collect()
    }

    #[test]
    fn keeps_what_the_biquad_cascade_then_every_nth_sample_keeps() {
        for (sample_rate, factor) in [
            (16_000.0, 1),
            (22_050.0, 2),
            (44_100.0, 4),
            (48_000.0, 4),
            (96_000.0, 8),
        ] {
            let cutoff = (0.42 * sample_rate / factor as f32).min(3_000.0);
            let input = test_signal(sample_rate, 20_000);
            let mut first = Biquad::new(BiquadCoefficients::low_pass(sample_rate, cutoff, 0.541));
            let mut second = Biquad::new(BiquadCoefficients::low_pass(sample_rate, cutoff, 1.307));
            let expected: Vec<f32> = input
                .iter()
                .map(|&x| second.process(first.process(x)))
                .skip(factor - 1)
                .step_by(factor)
                .collect();
            let mut decimator = DecimatingLowPass::default();
            decimator.prepare(sample_rate, cutoff, factor);
            let mut got = Vec::new();
            for chunk in input.chunks(MAX_INPUT) {
                let mut out = [0.0f32; MAX_INPUT];
                let n = decimator.process(chunk, &mut out);
                got.extend_from_slice(&out[..n]);
            }
            assert_eq!(got.len(), expected.len(), "{sample_rate} Hz");
            let largest = got
                .iter()
                .zip(&expected)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            // The same filter: only rounding (in f32, a few 1e-7 of the 0.5 signal) differs.
            assert!(
                largest < 2.0e-5,
                "{sample_rate} Hz: largest difference {largest}"
            );
        }
    }

    #[test]
    fn any_slice_lengths_give_the_same_outputs() {
        let input = test_signal(48_000.0, 6_000);
        let mut one = DecimatingLowPass::default();
        one.prepare(48_000.0, 3_000.0, 4);
        let mut expected = Vec::new();
        for &x in &input {
            let mut out = [0.0f32; 1];
            let n = one.process(&[x], &mut out);
            expected.extend_from_slice(&out[..n]);
        }
        let mut sliced = DecimatingLowPass::default();
        sliced.prepare(48_000.0, 3_000.0, 4);
        let mut got = Vec::new();
        let mut start = 0;
        for length in [3usize, 256, 1, 17, 100, 255, 4].iter().cycle() {
            if start >= input.len() {
                break;
            }
            let end = (start + length).min(input.len());
            let mut out = [0.0f32; MAX_INPUT];
            let n = sliced.process(&input[start..end], &mut out);
            got.extend_from_slice(&out[..n]);
            start = end;
        }
        assert_eq!(got.len(), input.len() / 4);
        for (i, (a, b)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(a.to_bits(), b.to_bits(), "output {i}");
        }
    }

    #[test]
    fn the_vector_dot_is_the_portable_dot() {
        let taps: Vec<[f32; LANES]> = (0..3)
            .map(|c| std::array::from_fn(|k| ((c * LANES + k) as f32 * 0.71).sin()))
            .collect();
        let window: Vec<f32> = (0..3 * LANES).map(|i| (i as f32 * 1.37).cos()).collect();
        let wide = crate::dsp::wide::available();
        assert_eq!(
            dot(&taps, &window, wide).to_bits(),
            dot_portable(&taps, &window).to_bits()
        );
    }

    #[test]
    fn an_overflow_is_forgotten() {
        let mut decimator = DecimatingLowPass::default();
        decimator.prepare(48_000.0, 3_000.0, 4);
        let mut got = Vec::new();
        let mut feed = |decimator: &mut DecimatingLowPass, input: &[f32]| {
            let mut out = [0.0f32; MAX_INPUT];
            let n = decimator.process(input, &mut out);
            got.extend_from_slice(&out[..n]);
        };
        feed(&mut decimator, &[f32::MAX; 64]);
        // Long enough for a huge but finite state to decay (the slowest decimated pole has a
        // radius of about 0.56 at 48 kHz: 1e-38 of it is left after 150 outputs).
        for _ in 0..4 {
            feed(&mut decimator, &[0.0; 256]);
        }
        feed(&mut decimator, &[0.25; 256]);
        feed(&mut decimator, &[0.25; 256]);
        assert!(got.iter().all(|y| y.is_finite()));
        // Back to passing DC once the overflow has left the numerator's reach.
        let last = got.last().copied().unwrap_or(0.0);
        assert!((last - 0.25).abs() < 1.0e-3, "{last}");
    }
}
