//! The spectral envelope of a voiced stretch from its harmonics, for a formant shift that holds
//! on high voices (issue 12).
//!
//! Above about 250 Hz a voice's harmonics sample its envelope too sparsely for linear
//! prediction, which is drawn to the harmonics themselves. With f0 known, the harmonics'
//! powers are measured exactly where they are (`harmonic_powers`: a two-period Hann window,
//! whose spectral zeros fall on every other harmonic), and the all-pole model that fits those
//! discrete points is found by discrete all-pole modelling (El-Jaroudi & Makhoul 1991,
//! `fit_all_pole`): the fixed-point iteration that minimises the Itakura-Saito distance over
//! the harmonics alone, starting from linear prediction of the same points. The model's poles
//! (`resonances`) are the formants a shift moves (`formant_filter`).
//!
//! Every function here works in fixed arrays: nothing allocates, nothing panics.

use realfft::num_complex::Complex;

use super::wide::wide_or_portable;

/// Order of the all-pole model: four resonances below `MODEL_RATE / 2` (F1-F4 of a voice).
/// Measured on the synthetic singer at 262-698 Hz: order 6 and 8 fit the harmonics' ratios
/// within 1-6 dB, order 10 overfits the sparse harmonics of 587-698 Hz (up to 37 dB off).
pub const ORDER: usize = 8;
/// Most harmonics measured (below `TOP_HZ` from the lowest f0 the filter serves, 130 Hz).
pub const MAX_HARMONICS: usize = 40;
/// Harmonics measured together (a vector's width in single precision).
const LANES: usize = 8;
/// `MAX_HARMONICS` rounded up to whole lanes.
const MAX_LANES: usize = MAX_HARMONICS.div_ceil(LANES) * LANES;
/// Sample rate the model's frequencies are expressed at (Hz): the band its poles describe is
/// half of it, where a voice's first four formants lie.
pub const MODEL_RATE: f64 = 11_000.0;
/// Highest harmonic fitted (Hz): just under the model's Nyquist frequency.
pub const TOP_HZ: f64 = 0.95 * MODEL_RATE / 2.0;
/// Fixed-point iterations of the discrete all-pole fit. Measured: from linear prediction of the
/// harmonics (no iteration), ten bring the mean error of the moved envelope at the harmonics
/// from 2.6 to 2.5 dB and its worst case from 7.6 to 6.2 dB; more change little.
const ITERATIONS: usize = 10;
/// A floor under every harmonic's power, relative to the strongest: keeps the fit's normal
/// equations solvable where the harmonics span 60 dB and more (-40 dB is far under a
/// voice's formant peaks, well over rounding).
const POWER_FLOOR: f64 = 1.0e-4;
/// Narrowest resonance kept (Hz): a fit to sparse harmonics puts a pole right on a harmonic
/// near a formant with a few Hz of bandwidth, and moving that would swing the harmonic by
/// 20 dB and more. Measured on the synthetic singer at 262-698 Hz (LPC of the shifted voice
/// against the ideal, the filter applied offline): floors of 160, 200 and 300 Hz give a mean
/// error of 5.0, 5.4 and 8.0 %, worst 13.6, 13.5 and 39.7 %; in the chain 160 Hz made the
/// worst case 18.2 % against 200 Hz's 12.8 %.
pub const MIN_BANDWIDTH: f64 = 200.0;
/// The glottal source falls about 6 dB per octave after lip radiation: the harmonics' powers
/// are tilted up by as much (power times frequency squared) before the fit, so the model's
/// few poles go to the resonances and not to the source's slope. Measured: without the tilt
/// the mean error is 18 %, with it 5.4 % (with 9 dB per octave, 5.9 %).
const TILT_POWER: i32 = 2;
/// Root-finding iterations from a cold start, and from the last frame's roots (the envelope
/// moves little in a hop, so a few steps converge). Measured in the chain: 4, 6 or 8 warm
/// steps leave the high voices' errors as they are (3 do not: worst 20 %).
const COLD_ROOT_ITERATIONS: usize = 60;
const WARM_ROOT_ITERATIONS: usize = 4;

/// Whether `x` is above 0 (false for NaN).
fn positive(x: f64) -> bool {
    x > 0.0
}

/// Whether `x` is at least `floor` (false for NaN).
fn at_least(x: f64, floor: f64) -> bool {
    x >= floor
}

/// A resonance of the model: centre frequency and bandwidth in Hz.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Resonance {
    /// Centre frequency in Hz.
    pub frequency: f64,
    /// -3 dB bandwidth in Hz.
    pub bandwidth: f64,
}

wide_or_portable! {
    /// Powers of harmonics 1, 2, ... of period `period` (samples, at `sample_rate`) in
    /// `window` (about two periods of the voice), up to `TOP_HZ` and at most `out.len()`:
    /// returns how many. A Hann window two periods long has its spectral zeros at every
    /// multiple of half the harmonic spacing, so each harmonic is measured without its
    /// neighbours' leakage; `window` comes back multiplied by that window. Runs from a
    /// 256-bit build where the CPU has one (`wide`), with the same numbers either way (see
    /// `dsp::wide`).
    pub fn harmonic_powers(
        window: &mut [f32],
        period: f64,
        sample_rate: f64,
        out: &mut [f64],
        wide: bool,
    ) -> usize;
    portable harmonic_powers_portable, wide if wide
}

/// `harmonic_powers`' work, inlined into each build.
#[inline(always)]
fn harmonic_powers_portable(
    window: &mut [f32],
    period: f64,
    sample_rate: f64,
    out: &mut [f64],
    _wide: bool,
) -> usize {
    let length = window.len();
    if length < 4 || !at_least(period, 2.0) || !positive(sample_rate) {
        return 0;
    }
    let f0 = sample_rate / period;
    let count = ((TOP_HZ / f0) as usize).min(out.len()).min(MAX_HARMONICS);
    if count == 0 {
        return 0;
    }
    // Goertzel's recursion per harmonic, every harmonic a sample at a time, in single
    // precision over whole lanes of `LANES` (one loop the compiler vectorises across
    // harmonics; the lanes past `count` run on unused). Single precision over at most
    // two periods (under 800 samples at 48 kHz) keeps the powers to about 1e-4 relative, far
    // finer than the fit needs.
    let lanes = count.div_ceil(LANES) * LANES;
    let mut coefficient = [0.0f32; MAX_LANES];
    let mut s1 = [0.0f32; MAX_LANES];
    let mut s2 = [0.0f32; MAX_LANES];
    // 2 cos(k w) by the Chebyshev recurrence from one cosine (no cosine per harmonic).
    let first = 2.0 * (std::f64::consts::TAU / period).cos();
    let (mut before, mut now) = (2.0, first);
    for c in coefficient[..count].iter_mut() {
        *c = now as f32;
        (before, now) = (now, first * now - before);
    }
    // Hann window by the cosine recursion: cos((n + 1/2) step) from the two before.
    let step = std::f64::consts::TAU / length as f64;
    let twice_cos_step = 2.0 * step.cos();
    let (mut cos_previous, mut cos_now) = ((-0.5 * step).cos(), (0.5 * step).cos());
    for x in window.iter_mut() {
        *x = (f64::from(*x) * 0.5 * (1.0 - cos_now)) as f32;
        let cos_next = twice_cos_step * cos_now - cos_previous;
        cos_previous = cos_now;
        cos_now = cos_next;
    }
    // A group of `LANES` harmonics at a time over the whole window: the group's state stays
    // in registers.
    let window = &*window;
    for ((c, a), b) in coefficient[..lanes]
        .chunks_exact(LANES)
        .zip(s1[..lanes].chunks_exact_mut(LANES))
        .zip(s2[..lanes].chunks_exact_mut(LANES))
    {
        let c: [f32; LANES] = std::array::from_fn(|l| c[l]);
        let (mut s1, mut s2) = ([0.0f32; LANES], [0.0f32; LANES]);
        for &weighted in window {
            for l in 0..LANES {
                let s = weighted + c[l] * s1[l] - s2[l];
                s2[l] = s1[l];
                s1[l] = s;
            }
        }
        a.copy_from_slice(&s1);
        b.copy_from_slice(&s2);
    }
    for k in 0..count {
        let (a, b, c) = (
            f64::from(s1[k]),
            f64::from(s2[k]),
            f64::from(coefficient[k]),
        );
        out[k] = (a * a + b * b - c * a * b).max(0.0);
    }
    count
}

/// Solves `matrix * x = rhs` in place (`rhs` becomes `x`) for the symmetric positive definite
/// `matrix` already factored by `cholesky`. Returns false for a singular factor.
fn cholesky_solve(factor: &[[f64; ORDER + 1]; ORDER + 1], rhs: &mut [f64; ORDER + 1]) -> bool {
    for i in 0..=ORDER {
        let mut sum = rhs[i];
        for k in 0..i {
            sum -= factor[i][k] * rhs[k];
        }
        if factor[i][i] <= 0.0 {
            return false;
        }
        rhs[i] = sum / factor[i][i];
    }
    for i in (0..=ORDER).rev() {
        let mut sum = rhs[i];
        for k in i + 1..=ORDER {
            sum -= factor[k][i] * rhs[k];
        }
        rhs[i] = sum / factor[i][i];
    }
    true
}

/// Lower Cholesky factor of the Toeplitz matrix of `r`, or `None` when not positive definite.
fn cholesky(r: &[f64; ORDER + 1]) -> Option<[[f64; ORDER + 1]; ORDER + 1]> {
    let mut factor = [[0.0f64; ORDER + 1]; ORDER + 1];
    for i in 0..=ORDER {
        for j in 0..=i {
            let mut sum = r[i.abs_diff(j)];
            for (a, b) in factor[i][..j].iter().zip(&factor[j][..j]) {
                sum -= a * b;
            }
            if i == j {
                if !positive(sum) {
                    return None;
                }
                factor[i][i] = sum.sqrt();
            } else {
                factor[i][j] = sum / factor[j][j];
            }
        }
    }
    Some(factor)
}

/// Tables of `fit_all_pole`: the cosine and sine of every lag times every harmonic's
/// frequency, lag by lag (so the harmonics lie side by side, for vectors across them). Kept
/// by the caller: a fit then writes only the harmonics it has, and clears nothing.
pub struct FitTables {
    cosines: [[f64; MAX_HARMONICS]; ORDER + 1],
    sines: [[f64; MAX_HARMONICS]; ORDER + 1],
}

impl Default for FitTables {
    fn default() -> Self {
        Self {
            cosines: [[0.0; MAX_HARMONICS]; ORDER + 1],
            sines: [[0.0; MAX_HARMONICS]; ORDER + 1],
        }
    }
}

/// Harmonics summed side by side in `fit_all_pole`'s sums over harmonics (a 256-bit vector
/// of doubles).
const FIT_LANES: usize = 4;

wide_or_portable! {
    /// The all-pole model `1 / A(z)` (monic `a`, at `MODEL_RATE`) that fits harmonic powers
    /// `powers` of fundamental `f0` Hz, tilted up by `TILT_POWER`, by discrete all-pole
    /// modelling, with `tables` as scratch. Returns false (and leaves `a` as it was) when the
    /// harmonics are too few or silent. Runs from a 256-bit build where the CPU has one
    /// (`wide`), with the same numbers either way (see `dsp::wide`).
    pub fn fit_all_pole(
        powers: &[f64],
        f0: f64,
        a: &mut [f64; ORDER + 1],
        tables: &mut FitTables,
        wide: bool,
    ) -> bool;
    portable fit_all_pole_portable, wide if wide
}

/// `fit_all_pole`'s work, inlined into each build.
#[inline(always)]
fn fit_all_pole_portable(
    powers: &[f64],
    f0: f64,
    a: &mut [f64; ORDER + 1],
    tables: &mut FitTables,
    _wide: bool,
) -> bool {
    let count = powers.len().min(MAX_HARMONICS);
    // Fewer harmonics than half the unknowns leave the fit free to do anything.
    if count < ORDER / 2 || !positive(f0) {
        return false;
    }
    let mut power = [0.0f64; MAX_HARMONICS];
    for (m, (tilted, &p)) in power.iter_mut().zip(&powers[..count]).enumerate() {
        // Frequency in kHz, so the tilted powers stay near the measured ones' scale.
        *tilted = p * (f0 * (m + 1) as f64 * 1.0e-3).powi(TILT_POWER);
    }
    let strongest = power[..count].iter().fold(0.0f64, |m, &p| m.max(p));
    if !positive(strongest) || !strongest.is_finite() {
        return false;
    }
    let floor = POWER_FLOOR * strongest;
    // cos and sin of i * omega_m for every harmonic m and lag i, by complex products from
    // one sine and cosine (the harmonics are multiples of one frequency).
    let (cosines, sines) = (&mut tables.cosines, &mut tables.sines);
    let mut r = [0.0f64; ORDER + 1];
    let fundamental = Complex::from_polar(1.0, std::f64::consts::TAU * f0 / MODEL_RATE);
    let mut harmonic = fundamental;
    for m in 0..count {
        power[m] += floor;
        let mut lag = Complex::new(1.0, 0.0);
        for i in 0..=ORDER {
            cosines[i][m] = lag.re;
            sines[i][m] = lag.im;
            r[i] += power[m] * lag.re;
            lag *= harmonic;
        }
        harmonic *= fundamental;
    }
    // A hair of diagonal loading: the matrix of sparse points can be near singular.
    r[0] *= 1.0 + 1.0e-9;
    let Some(factor) = cholesky(&r) else {
        return false;
    };
    // Start: linear prediction of the same points (R a = e0).
    let mut next = [0.0f64; ORDER + 1];
    next[0] = 1.0;
    if !cholesky_solve(&factor, &mut next) || !positive(next[0].abs()) {
        return false;
    }
    let mut model = next.map(|v| v / next[0]);
    for _ in 0..ITERATIONS {
        // h(-i) = mean over the harmonics of Re(A e^{j i omega}) / |A|^2: what the model's
        // impulse response looks like sampled only at the harmonics.
        // A at every harmonic, lag by lag (each harmonic's sum in the order of the lags).
        let (mut re, mut im) = ([0.0f64; MAX_HARMONICS], [0.0f64; MAX_HARMONICS]);
        for ((&a, c), s) in model.iter().zip(cosines.iter()).zip(sines.iter()) {
            for (((re, im), &c), &s) in re[..count]
                .iter_mut()
                .zip(&mut im[..count])
                .zip(&c[..count])
                .zip(&s[..count])
            {
                *re += a * c;
                *im -= a * s;
            }
        }
        for (re, im) in re[..count].iter_mut().zip(&mut im[..count]) {
            let inverse = 1.0 / (*re * *re + *im * *im).max(1.0e-300);
            *re *= inverse;
            *im *= inverse;
        }
        // Summed over the harmonics in `FIT_LANES` running sums, then the rest in order.
        let whole = count / FIT_LANES * FIT_LANES;
        let mut h = [0.0f64; ORDER + 1];
        for ((h, c), s) in h.iter_mut().zip(cosines.iter()).zip(sines.iter()) {
            let mut lanes = [0.0f64; FIT_LANES];
            for (((re, im), c), s) in re[..whole]
                .chunks_exact(FIT_LANES)
                .zip(im[..whole].chunks_exact(FIT_LANES))
                .zip(c[..whole].chunks_exact(FIT_LANES))
                .zip(s[..whole].chunks_exact(FIT_LANES))
            {
                for l in 0..FIT_LANES {
                    lanes[l] += re[l] * c[l] - im[l] * s[l];
                }
            }
            let mut sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
            for m in whole..count {
                sum += re[m] * c[m] - im[m] * s[m];
            }
            *h = sum;
        }
        if !cholesky_solve(&factor, &mut h) || !positive(h[0].abs()) || !h[0].is_finite() {
            break;
        }
        model = h.map(|v| v / h[0]);
    }
    if model.iter().all(|v| v.is_finite()) {
        *a = model;
        true
    } else {
        false
    }
}

/// The power the fitted envelope `a` gives at `hz` (below `MODEL_RATE / 2`), with the fit's
/// tilt taken back out: the spectrum the voice's harmonics follow, up to a constant.
pub fn envelope_power(a: &[f64; ORDER + 1], hz: f64) -> f64 {
    envelope_power_at(
        a,
        Complex::from_polar(1.0, -std::f64::consts::TAU * hz / MODEL_RATE),
        hz,
    )
}

/// `envelope_power` with the unit phasor e^{-j 2 pi hz / MODEL_RATE} given (`step`), for
/// callers that step it from harmonic to harmonic.
pub fn envelope_power_at(a: &[f64; ORDER + 1], step: Complex<f64>, hz: f64) -> f64 {
    let mut z = Complex::new(1.0, 0.0);
    let mut sum = Complex::new(0.0, 0.0);
    for &c in a {
        sum += z * c;
        z *= step;
    }
    let tilt = (hz * 1.0e-3).max(1.0e-3).powi(TILT_POWER);
    1.0 / (sum.norm_sqr() * tilt).max(1.0e-300)
}

/// Roots of `a` (monic, z^8 + a1 z^7 + ... + a8) by Durand-Kerner, refined from `roots` when
/// `warm` (the last frame's), else from a fixed spread of starting points.
pub fn polynomial_roots(a: &[f64; ORDER + 1], roots: &mut [Complex<f64>; ORDER], warm: bool) {
    let evaluate = |z: Complex<f64>| a.iter().fold(Complex::new(0.0, 0.0), |acc, &c| acc * z + c);
    let iterations = if warm {
        WARM_ROOT_ITERATIONS
    } else {
        let seed = Complex::new(0.4, 0.9);
        let mut z = Complex::new(0.9, 0.0);
        for root in roots.iter_mut() {
            *root = z;
            z *= seed;
        }
        COLD_ROOT_ITERATIONS
    };
    for _ in 0..iterations {
        for i in 0..ORDER {
            let mut denominator = Complex::new(1.0, 0.0);
            for j in 0..ORDER {
                if i != j {
                    denominator *= roots[i] - roots[j];
                }
            }
            if denominator.norm_sqr() < 1.0e-200 {
                denominator = Complex::new(1.0e-12, 0.0);
            }
            let step = evaluate(roots[i]) / denominator;
            if step.re.is_finite() && step.im.is_finite() {
                roots[i] -= step;
            }
        }
    }
}

/// The resonances among `roots` (at `MODEL_RATE`) between `lowest` and `highest` Hz, sorted
/// by frequency, bandwidths floored at `MIN_BANDWIDTH`, into `out`: returns how many.
pub fn resonances(
    roots: &[Complex<f64>; ORDER],
    lowest: f64,
    highest: f64,
    out: &mut [Resonance; ORDER / 2],
) -> usize {
    let mut count = 0;
    for z in roots.iter().filter(|z| z.im > 0.0) {
        let frequency = z.im.atan2(z.re) * MODEL_RATE / std::f64::consts::TAU;
        let bandwidth = -(z.norm().max(1.0e-9)).ln() * MODEL_RATE / std::f64::consts::PI;
        if !(frequency > lowest && frequency < highest) || count == out.len() {
            continue;
        }
        out[count] = Resonance {
            frequency,
            bandwidth: bandwidth.max(MIN_BANDWIDTH),
        };
        count += 1;
    }
    out[..count].sort_unstable_by(|x, y| x.frequency.total_cmp(&y.frequency));
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Power of the all-pole model with resonances `formants` (Hz, bandwidth) at `hz`.
    fn all_pole_power(formants: &[(f64, f64)], hz: f64) -> f64 {
        let omega = std::f64::consts::TAU * hz / 48_000.0;
        let z = Complex::new(omega.cos(), -omega.sin());
        formants
            .iter()
            .map(|&(f, b)| {
                let radius = (-std::f64::consts::PI * b / 48_000.0).exp();
                let angle = std::f64::consts::TAU * f / 48_000.0;
                let pole = Complex::from_polar(radius, angle);
                let a = (Complex::new(1.0, 0.0) - pole * z)
                    * (Complex::new(1.0, 0.0) - pole.conj() * z);
                1.0 / a.norm_sqr()
            })
            .product()
    }

    #[test]
    fn harmonics_of_a_two_tone_sum_are_measured_apart() {
        let period = 48_000.0 / 300.0;
        let length = (2.0 * period) as usize;
        let window: Vec<f32> = (0..length)
            .map(|n| {
                let t = std::f64::consts::TAU * n as f64 / period;
                (t.cos() + 0.1 * (3.0 * t).sin()) as f32
            })
            .collect();
        let mut powers = [0.0; MAX_HARMONICS];
        let count = harmonic_powers(&mut window.clone(), period, 48_000.0, &mut powers, false);
        let mut wide = [0.0; MAX_HARMONICS];
        harmonic_powers(
            &mut window.clone(),
            period,
            48_000.0,
            &mut wide,
            crate::dsp::wide::available(),
        );
        assert_eq!(powers, wide);
        assert_eq!(count, (TOP_HZ / 300.0) as usize);
        let db = |p: f64| 10.0 * (p / powers[0]).log10();
        assert!((db(powers[2]) + 20.0).abs() < 0.5, "{}", db(powers[2]));
        assert!(db(powers[1]) < -40.0 && db(powers[4]) < -40.0, "{powers:?}");
    }

    #[test]
    fn the_fit_finds_formants_between_sparse_harmonics() {
        // Four formants of a vowel sampled only at the harmonics of 392 Hz, from a source
        // falling 6 dB per octave.
        let formants = [
            (400.0, 80.0),
            (2_000.0, 120.0),
            (2_800.0, 170.0),
            (3_500.0, 250.0),
        ];
        let f0 = 392.0;
        let count = (TOP_HZ / f0) as usize;
        let powers: Vec<f64> = (1..=count)
            .map(|k| all_pole_power(&formants, k as f64 * f0) / (k as f64 * f0).powi(2))
            .collect();
        let mut a = [0.0; ORDER + 1];
        assert!(fit_all_pole(
            &powers,
            f0,
            &mut a,
            &mut FitTables::default(),
            false
        ));
        let mut roots = [Complex::new(0.0, 0.0); ORDER];
        polynomial_roots(&a, &mut roots, false);
        let mut found = [Resonance::default(); ORDER / 2];
        let n = resonances(&roots, 90.0, 4_500.0, &mut found);
        for hz in [2_000.0, 2_800.0] {
            assert!(
                found[..n]
                    .iter()
                    .any(|r| (r.frequency - hz).abs() < 0.05 * hz),
                "{hz}: {found:?}"
            );
        }
    }

    #[test]
    fn silence_and_too_few_harmonics_fit_nothing() {
        let mut a = [0.5; ORDER + 1];
        assert!(!fit_all_pole(
            &[0.0; 12],
            300.0,
            &mut a,
            &mut FitTables::default(),
            false
        ));
        assert!(!fit_all_pole(
            &[1.0, 0.5],
            2_000.0,
            &mut a,
            &mut FitTables::default(),
            false
        ));
        assert_eq!(a, [0.5; ORDER + 1]);
    }
}
