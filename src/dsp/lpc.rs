//! Linear prediction: autocorrelation, Levinson-Durbin, and formant frequencies from the
//! predictor's roots. The whisper effect uses the predictor; tests and analysis use formants.

use realfft::num_complex::Complex;

/// Largest predictor order supported without allocation.
pub const MAX_ORDER: usize = 32;

/// Autocorrelation of `signal` for lags 0..=order into `out` (which must hold order + 1).
/// Lags are taken eight (then four) at a time in one pass over the signal (each sample loaded
/// once for all of them); every lag's sum is the same additions in the same order as `dot`
/// would make.
#[inline(always)]
pub fn autocorrelate(signal: &[f32], out: &mut [f32]) {
    let mut first = 0;
    while first < out.len() {
        let left = out.len() - first;
        if left >= 8 && first + 8 <= signal.len() {
            correlate_lags::<8>(signal, first, &mut out[first..first + 8]);
            first += 8;
        } else if left >= 4 && first + 4 <= signal.len() {
            correlate_lags::<4>(signal, first, &mut out[first..first + 4]);
            first += 4;
        } else {
            out[first] = lag_product(signal, first);
            first += 1;
        }
    }
}

/// The autocorrelation of `signal` at one `lag` (0 past its end).
#[inline(always)]
fn lag_product(signal: &[f32], lag: usize) -> f32 {
    if lag < signal.len() {
        dot(&signal[..signal.len() - lag], &signal[lag..])
    } else {
        0.0
    }
}

/// Lags `first..first + N` (four or eight) of `signal`'s autocorrelation into `out` (the
/// caller checks that `first + N <= signal.len()`): the whole chunks all the lags share in one
/// loop, the rest of each lag finished by `finish_dot` exactly as `dot` would. Chunks start at
/// multiples of eight whatever `N` is, so each lag's lanes sum the same products in the same
/// order.
#[inline(always)]
fn correlate_lags<const N: usize>(signal: &[f32], first: usize, out: &mut [f32]) {
    let shortest = signal.len().saturating_sub(first + N - 1);
    let common = shortest / 8 * 8;
    let lanes = super::lag_lanes::lagged_lanes::<N>(&signal[..common], signal, first);
    for (j, (slot, lanes)) in out.iter_mut().zip(lanes).enumerate() {
        let lag = first + j;
        let length = signal.len().saturating_sub(lag);
        let (a, b) = (
            signal.get(common..length).unwrap_or_default(),
            signal.get(common + lag..).unwrap_or_default(),
        );
        *slot = finish_dot(lanes, a, b);
    }
}

/// Dot product in eight independent lanes, so it vectorises (a single running float sum
/// cannot be reordered, and would wait on every addition in turn).
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    finish_dot([0.0; 8], a, b)
}

/// `dot`'s lanes carried on from `lanes` (whole chunks of `a` and `b` before these already
/// summed into them), then summed with the tail.
#[inline]
fn finish_dot(mut lanes: [f32; 8], a: &[f32], b: &[f32]) -> f32 {
    let (chunks_a, chunks_b) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = chunks_a
        .remainder()
        .iter()
        .zip(chunks_b.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in chunks_a.zip(chunks_b) {
        for k in 0..8 {
            lanes[k] += x[k] * y[k];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// Levinson-Durbin: predictor `a` (`a[0] = 1`, length order + 1) from autocorrelation `r`;
/// returns the prediction-error power, or `None` for a silent or degenerate input.
pub fn levinson(r: &[f32], a: &mut [f32]) -> Option<f32> {
    let order = a
        .len()
        .saturating_sub(1)
        .min(MAX_ORDER)
        .min(r.len().saturating_sub(1));
    if r.is_empty() || r[0] <= 1.0e-12 || !r[0].is_finite() {
        return None;
    }
    a.fill(0.0);
    a[0] = 1.0;
    let mut previous = [0.0f32; MAX_ORDER + 1];
    let mut error = r[0];
    for i in 1..=order {
        let mut acc = r[i];
        for j in 1..i {
            acc += a[j] * r[i - j];
        }
        let k = -acc / error;
        if !k.is_finite() || k.abs() >= 1.0 {
            return None;
        }
        previous[..=i].copy_from_slice(&a[..=i]);
        for j in 1..i {
            a[j] = previous[j] + k * previous[i - j];
        }
        a[i] = k;
        error *= 1.0 - k * k;
    }
    Some(error.max(0.0))
}

/// A resonance of the predictor: centre frequency and bandwidth in Hz.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Formant {
    /// Centre frequency in Hz.
    pub frequency: f32,
    /// -3 dB bandwidth in Hz.
    pub bandwidth: f32,
}

/// Formants of predictor `a` at `sample_rate`: roots in the upper half plane, sorted by
/// frequency, keeping resonances narrower than `max_bandwidth` and above 90 Hz. Allocates (for
/// analysis, not the audio thread).
pub fn formants(a: &[f32], sample_rate: f32, max_bandwidth: f32) -> Vec<Formant> {
    let roots = polynomial_roots(a);
    let mut found: Vec<Formant> = roots
        .into_iter()
        .filter(|z| z.im > 0.0)
        .map(|z| {
            let frequency = z.im.atan2(z.re) * sample_rate as f64 / std::f64::consts::TAU;
            let bandwidth =
                -(z.norm().max(1.0e-9)).ln() * sample_rate as f64 / std::f64::consts::PI;
            Formant {
                frequency: frequency as f32,
                bandwidth: bandwidth as f32,
            }
        })
        .filter(|f| f.frequency > 90.0 && f.bandwidth < max_bandwidth)
        .collect();
    found.sort_by(|x, y| x.frequency.total_cmp(&y.frequency));
    found
}

/// Median first and second formants (Hz) of `signal` over the 30 ms frames whose centre sample
/// `include` accepts: LPC of order 10 on a pre-emphasised copy decimated to about 12 kHz (four
/// formants below 6 kHz need ten poles). For measurement, not the audio thread (allocates).
pub fn median_formants(
    signal: &[f32],
    sample_rate: f32,
    include: impl Fn(usize) -> bool,
) -> Option<(f32, f32)> {
    use super::biquad::{Biquad, BiquadCoefficients};
    let factor = ((sample_rate / 12_000.0).round() as usize).max(1);
    let low_rate = sample_rate / factor as f32;
    let cutoff = 0.42 * low_rate;
    let mut aa1 = Biquad::new(BiquadCoefficients::low_pass(sample_rate, cutoff, 0.54));
    let mut aa2 = Biquad::new(BiquadCoefficients::low_pass(sample_rate, cutoff, 1.31));
    let low: Vec<f32> = signal
        .iter()
        .map(|&x| aa2.process(aa1.process(x)))
        .step_by(factor)
        .collect();
    let frame = (0.03 * low_rate) as usize;
    let hop = (0.01 * low_rate) as usize;
    let window: Vec<f32> = (0..frame)
        .map(|i| 0.54 - 0.46 * (std::f32::consts::TAU * i as f32 / (frame - 1) as f32).cos())
        .collect();
    let (mut f1s, mut f2s) = (Vec::new(), Vec::new());
    let mut start = 1;
    while start + frame < low.len() {
        if include((start + frame / 2) * factor) {
            let windowed: Vec<f32> = (0..frame)
                .map(|i| (low[start + i] - 0.95 * low[start + i - 1]) * window[i])
                .collect();
            let mut r = [0.0f32; 11];
            autocorrelate(&windowed, &mut r);
            let mut a = [0.0f32; 11];
            if levinson(&r, &mut a).is_some() {
                let found: Vec<f32> = formants(&a, low_rate, 500.0)
                    .into_iter()
                    .filter(|f| f.frequency > 250.0)
                    .map(|f| f.frequency)
                    .collect();
                if found.len() >= 2 {
                    f1s.push(found[0]);
                    f2s.push(found[1]);
                }
            }
        }
        start += hop.max(1);
    }
    let median = |mut v: Vec<f32>| -> Option<f32> {
        if v.is_empty() {
            return None;
        }
        v.sort_by(f32::total_cmp);
        Some(v[v.len() / 2])
    };
    Some((median(f1s)?, median(f2s)?))
}

/// Roots of z^n + a1 z^(n-1) + ... + an (the predictor polynomial), by Durand-Kerner.
fn polynomial_roots(a: &[f32]) -> Vec<Complex<f64>> {
    let n = a.len().saturating_sub(1);
    if n == 0 {
        return Vec::new();
    }
    let coefficients: Vec<f64> = a.iter().map(|&c| c as f64).collect();
    let eval = |z: Complex<f64>| {
        coefficients
            .iter()
            .fold(Complex::new(0.0, 0.0), |acc, &c| acc * z + c)
    };
    let seed = Complex::new(0.4, 0.9);
    let mut roots: Vec<Complex<f64>> = (0..n).map(|k| seed.powu(k as u32) * 0.9).collect();
    for _ in 0..500 {
        let mut largest_step = 0.0f64;
        for i in 0..n {
            let mut denominator = Complex::new(1.0, 0.0);
            for j in 0..n {
                if i != j {
                    denominator *= roots[i] - roots[j];
                }
            }
            if denominator.norm() < 1.0e-300 {
                denominator = Complex::new(1.0e-12, 0.0);
            }
            let step = eval(roots[i]) / denominator;
            roots[i] -= step;
            largest_step = largest_step.max(step.norm());
        }
        if largest_step < 1.0e-12 {
            break;
        }
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::biquad::{Biquad, BiquadCoefficients};
    use crate::dsp::noise::WhiteNoise;

    #[test]
    fn finds_the_resonances_of_a_two_formant_filter() {
        let sample_rate = 10_000.0;
        let mut f1 = Biquad::new(BiquadCoefficients::peaking(sample_rate, 700.0, 8.0, 24.0));
        let mut f2 = Biquad::new(BiquadCoefficients::peaking(sample_rate, 1_800.0, 8.0, 24.0));
        let mut noise = WhiteNoise::new(11);
        let signal: Vec<f32> = (0..8_000)
            .map(|_| f2.process(f1.process(noise.next_value())))
            .collect();
        let mut r = [0.0f32; 11];
        autocorrelate(&signal, &mut r);
        let mut a = [0.0f32; 11];
        assert!(levinson(&r, &mut a).is_some());
        let found = formants(&a, sample_rate, 400.0);
        let near = |hz: f32| found.iter().any(|f| (f.frequency - hz).abs() < hz * 0.05);
        assert!(near(700.0) && near(1_800.0), "{found:?}");
    }

    #[test]
    fn silence_has_no_predictor() {
        let mut a = [0.0f32; 5];
        assert!(levinson(&[0.0; 5], &mut a).is_none());
    }

    #[test]
    fn four_lags_at_once_are_each_lag_alone() {
        for length in [0usize, 3, 7, 8, 9, 31, 100, 961] {
            let signal: Vec<f32> = (0..length)
                .map(|i| (i as f32 * 0.37).sin() + 0.1 * (i as f32 * 2.1).cos())
                .collect();
            let mut out = [0.0f32; 26];
            autocorrelate(&signal, &mut out);
            for (lag, &value) in out.iter().enumerate() {
                let alone = lag_product(&signal, lag);
                assert_eq!(
                    value.to_bits(),
                    alone.to_bits(),
                    "length {length}, lag {lag}"
                );
            }
        }
    }
}
