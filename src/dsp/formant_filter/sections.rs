//! The formant filter's sections: a resonance moved (`Pair`, its poles as zeros and the moved
//! resonance as poles) and the whole filter in parallel form (`Parallel`), with the partial
//! fractions that turn a cascade of pairs into it.

use realfft::num_complex::Complex;

use super::SECTIONS;
use crate::dsp::formant_envelope::Resonance;

/// One resonance moved: `(1 + n1 z^-1 + n2 z^-2) / (1 + d1 z^-1 + d2 z^-2)`, the resonance
/// as it is in the numerator and moved in the denominator.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Pair {
    pub(super) n1: f64,
    pub(super) n2: f64,
    pub(super) d1: f64,
    pub(super) d2: f64,
}

impl Pair {
    /// The polynomial of a resonance at `frequency` with `bandwidth` (Hz) at `sample_rate`.
    pub(super) fn resonance(frequency: f64, bandwidth: f64, sample_rate: f64) -> (f64, f64) {
        let radius = (-std::f64::consts::PI * bandwidth / sample_rate).exp();
        let angle = std::f64::consts::TAU * frequency / sample_rate;
        (-2.0 * radius * angle.cos(), radius * radius)
    }

    pub(super) fn moved(resonance: Resonance, ratio: f64, sample_rate: f64) -> Self {
        let (n1, n2) = Self::resonance(resonance.frequency, resonance.bandwidth, sample_rate);
        let (d1, d2) = Self::resonance(
            resonance.frequency * ratio,
            resonance.bandwidth * ratio,
            sample_rate,
        );
        Self { n1, n2, d1, d2 }
    }

    /// Numerator and denominator at `z`.
    pub(super) fn at(&self, z: Complex<f64>) -> (Complex<f64>, Complex<f64>) {
        let w = z.inv();
        let one = Complex::new(1.0, 0.0);
        (
            one + w * (self.n1 + w * self.n2),
            one + w * (self.d1 + w * self.d2),
        )
    }

    /// Power gain at the unit phasor `z` (e^{j omega}), in real arithmetic: with `w` =
    /// e^{-j omega}, `|1 + c1 w + c2 w^2|^2` from the cosine and sine of omega and 2 omega.
    #[inline(always)]
    pub(super) fn power_at(&self, z: Complex<f64>) -> f64 {
        let (c, s) = (z.re, z.im);
        let (c2, s2) = (2.0 * c * c - 1.0, 2.0 * s * c);
        let magnitude = |a1: f64, a2: f64| {
            let re = 1.0 + a1 * c + a2 * c2;
            let im = a1 * s + a2 * s2;
            re * re + im * im
        };
        magnitude(self.n1, self.n2) / magnitude(self.d1, self.d2).max(1.0e-300)
    }

    /// The pole of the denominator in the upper half plane.
    pub(super) fn pole(&self) -> Complex<f64> {
        let re = -0.5 * self.d1;
        Complex::new(re, (self.d2 - re * re).max(0.0).sqrt())
    }
}

/// The filter in parallel form: `direct` plus, per lane, `(b0 + b1 z^-1) / (1 + d1 z^-1 + d2
/// z^-2)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Parallel {
    pub(super) direct: f64,
    pub(super) b0: [f64; SECTIONS],
    pub(super) b1: [f64; SECTIONS],
    pub(super) d1: [f64; SECTIONS],
    pub(super) d2: [f64; SECTIONS],
}

impl Parallel {
    /// The filter that passes its input as it is.
    pub(super) const FLAT: Self = Self {
        direct: 1.0,
        b0: [0.0; SECTIONS],
        b1: [0.0; SECTIONS],
        d1: [0.0; SECTIONS],
        d2: [0.0; SECTIONS],
    };

    /// The partial fractions of the cascade of `pairs` times `gain`: per pair, the residues
    /// of its two poles joined into one real section; the direct term is the cascade's gain
    /// far up in z^-1 (the product of n2 / d2).
    pub(super) fn from_cascade(pairs: &[Pair], gain: f64) -> Self {
        let mut parallel = Self::FLAT;
        parallel.direct = gain;
        for (i, pair) in pairs.iter().enumerate().take(SECTIONS) {
            parallel.direct *= pair.n2 / pair.d2.max(1.0e-300);
            let pole = pair.pole();
            // Residue at `pole`: the cascade with this pole's factor (1 - pole z^-1) taken out.
            let mut residue = Complex::new(gain, 0.0);
            for (j, other) in pairs.iter().enumerate() {
                let (numerator, denominator) = other.at(pole);
                residue *= numerator;
                if j == i {
                    residue /= Complex::new(1.0, 0.0) - pole.conj() / pole;
                } else {
                    residue /= denominator;
                }
            }
            if !(residue.re.is_finite() && residue.im.is_finite()) {
                return Self::FLAT;
            }
            parallel.b0[i] = 2.0 * residue.re;
            parallel.b1[i] = -2.0 * (residue * pole.conj()).re;
            parallel.d1[i] = pair.d1;
            parallel.d2[i] = pair.d2;
        }
        parallel
    }

    /// `(target - self) / steps`, field by field.
    pub(super) fn step_towards(&self, target: &Self, steps: f64) -> Self {
        let lane = |a: &[f64; SECTIONS], b: &[f64; SECTIONS]| {
            std::array::from_fn(|k| (b[k] - a[k]) / steps)
        };
        Self {
            direct: (target.direct - self.direct) / steps,
            b0: lane(&self.b0, &target.b0),
            b1: lane(&self.b1, &target.b1),
            d1: lane(&self.d1, &target.d1),
            d2: lane(&self.d2, &target.d2),
        }
    }

    #[inline(always)]
    pub(super) fn add(&mut self, step: &Self) {
        self.direct += step.direct;
        for k in 0..SECTIONS {
            self.b0[k] += step.b0[k];
            self.b1[k] += step.b1[k];
            self.d1[k] += step.d1[k];
            self.d2[k] += step.d2[k];
        }
    }
}
