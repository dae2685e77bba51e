//! How much of a voiced signal's energy lies in its fundamental: what tells a pure tone (sine,
//! whistle, flute, a very pure high voice, a synthesiser's sawtooth) from a voice whose
//! formants sit above its fundamental.
//!
//! PSOLA keeps formants by sampling each grain's spectrum at the new harmonics. Shifting up,
//! the grains are shorter than an input period, their spectrum is broad and the new fundamental
//! falls inside it. Shifting down, a tone's grain spectrum is one narrow lobe per partial and
//! nothing lies below its fundamental: the old fundamental stays the strongest component.
//! Shifting up two octaves, grains a quarter period long catch little of a new fundamental so
//! far above a lone partial (and grains centred on a sawtooth's smooth ramp catch almost
//! nothing). For a tone the only envelope consistent with the input is the one that moves with
//! its partials (flat around a sine's partial, 1/f for a sawtooth), so the formants must follow
//! the pitch. This unit measures how tone-like the input is; `VoiceChain` turns it into the
//! share of the shift the formants follow.

use super::biquad::{Biquad, BiquadCoefficients};

/// Band-pass quality around the fundamental: the second harmonic of a sawtooth comes through
/// at -13 dB, so its measured share stays near its true 61 %.
const BAND_Q: f32 = 3.0;
/// Time constant of the energy followers: a few periods of the lowest voice (60 Hz).
const ENERGY_SECONDS: f32 = 0.03;
/// Fundamental share at and below which the input counts as a voice (formants kept). The
/// synthetic singer's vowels stay below it from bass to 1 kHz soprano; a pulse train (flat
/// spectrum) is far below.
const VOICE_SHARE: f32 = 0.4;
/// Fundamental share at and above which the input counts as a tone (formants follow the
/// shift): a sawtooth has 61 %, a sine 100 %.
const TONE_SHARE: f32 = 0.55;

/// Samples `process_block` filters at once (its scratch size).
const BLOCK: usize = 256;
/// Samples the energy followers take in one step: a group's squares weighted and summed as one
/// vector, instead of two one-pole recursions a sample at a time. Groups count from the first
/// sample fed, so any split of the input into blocks forms the same groups (the same numbers).
const GROUP: usize = 8;

/// Measures the share of the input's energy at its fundamental.
#[derive(Debug, Clone)]
pub struct Tonality {
    sample_rate: f32,
    band: Biquad,
    f0: f32,
    /// The energies as of the last whole group.
    band_energy: f32,
    total_energy: f32,
    coefficient: f32,
    /// The followers' decay over a group, and each square's weight in it (oldest first).
    group_decay: f32,
    group_weights: [f32; GROUP],
    /// The band's and the input's squares since the last whole group (`pending` of each).
    pending_band: [f32; GROUP],
    pending_total: [f32; GROUP],
    pending: usize,
}

impl Default for Tonality {
    fn default() -> Self {
        Self {
            sample_rate: 48_000.0,
            band: Biquad::default(),
            f0: 0.0,
            band_energy: 0.0,
            total_energy: 0.0,
            coefficient: 0.0,
            group_decay: 1.0,
            group_weights: [0.0; GROUP],
            pending_band: [0.0; GROUP],
            pending_total: [0.0; GROUP],
            pending: 0,
        }
    }
}

impl Tonality {
    /// Prepares for `sample_rate` (allocates nothing, kept for the units' common shape).
    pub fn prepare(&mut self, sample_rate: f32) {
        self.sample_rate = sample_rate;
        self.coefficient = 1.0 - (-1.0 / (ENERGY_SECONDS * sample_rate)).exp();
        // E += c (s - E) over a group: E decays by (1 - c)^GROUP, and the k-th square (oldest
        // first) comes in weighted c (1 - c)^(GROUP - 1 - k). In f64, rounded once.
        let keep = 1.0 - f64::from(self.coefficient);
        self.group_decay = keep.powi(GROUP as i32) as f32;
        for (k, weight) in self.group_weights.iter_mut().enumerate() {
            *weight = (f64::from(self.coefficient) * keep.powi((GROUP - 1 - k) as i32)) as f32;
        }
        self.clear();
    }

    /// Forgets the signal and the fundamental, in place.
    pub fn clear(&mut self) {
        self.f0 = 0.0;
        self.band.set(BiquadCoefficients::IDENTITY);
        self.band.clear();
        self.band_energy = 0.0;
        self.total_energy = 0.0;
        self.pending = 0;
    }

    /// Tunes the band to a newly detected fundamental (once per analysis frame).
    pub fn set_f0(&mut self, f0: f32) {
        if !(f0.is_finite() && f0 > 0.0) || (f0 - self.f0).abs() < 0.002 * f0 {
            return;
        }
        self.f0 = f0;
        self.band
            .set(BiquadCoefficients::band_pass(self.sample_rate, f0, BAND_Q));
    }

    /// Feeds one input sample.
    #[inline]
    pub fn process(&mut self, x: f32) {
        self.process_block(&[x]);
    }

    /// Feeds a run of input samples (the same as `process` on each).
    pub fn process_block(&mut self, samples: &[f32]) {
        let mut band = [0.0f32; BLOCK];
        for chunk in samples.chunks(BLOCK) {
            let band = &mut band[..chunk.len()];
            self.band.process_block_into(chunk, band);
            self.take_band(chunk, band);
        }
    }

    /// The band-pass around the fundamental, for a caller that runs it over the input itself
    /// (beside another filter, `Biquad::process_pair_into`) and hands its output to
    /// `process_filtered`.
    pub fn band_filter(&mut self) -> &mut Biquad {
        &mut self.band
    }

    /// `process_block` with the band-pass already run: `band` is `band_filter`'s output for
    /// `samples` (the same numbers). Inlined, so the chain's 256-bit build runs its sums.
    #[inline(always)]
    pub fn process_filtered(&mut self, samples: &[f32], band: &[f32]) {
        for (chunk, band) in samples.chunks(BLOCK).zip(band.chunks(BLOCK)) {
            self.take_band(chunk, band);
        }
    }

    /// The energy followers over one chunk (at most `BLOCK` samples) of input and band.
    #[inline(always)]
    fn take_band(&mut self, chunk: &[f32], band: &[f32]) {
        let length = chunk.len().min(band.len());
        let (chunk, band) = (&chunk[..length], &band[..length]);
        {
            // First the group a previous run left open, a sample at a time.
            let mut i = 0;
            while self.pending > 0 && i < chunk.len() {
                self.pend(band[i], chunk[i]);
                i += 1;
            }
            // Then whole groups straight from the run.
            let whole = (chunk.len() - i) / GROUP * GROUP;
            let groups = band[i..i + whole]
                .as_chunks::<GROUP>()
                .0
                .iter()
                .zip(chunk[i..i + whole].as_chunks::<GROUP>().0);
            for (b, x) in groups {
                self.step_group(b.map(|b| b * b), x.map(|x| x * x));
            }
            // The rest opens the next group.
            for (&b, &x) in band[i + whole..].iter().zip(&chunk[i + whole..]) {
                self.pend(b, x);
            }
        }
    }

    /// Keeps one sample's squares for the open group; steps the followers once it is whole.
    #[inline(always)]
    fn pend(&mut self, band: f32, x: f32) {
        let k = self.pending.min(GROUP - 1);
        self.pending_band[k] = band * band;
        self.pending_total[k] = x * x;
        self.pending = k + 1;
        if self.pending == GROUP {
            self.pending = 0;
            self.step_group(self.pending_band, self.pending_total);
        }
    }

    /// The followers over one group of squares.
    #[inline(always)]
    fn step_group(&mut self, band: [f32; GROUP], total: [f32; GROUP]) {
        let (decay, weights) = (self.group_decay, &self.group_weights);
        self.band_energy = decay * self.band_energy + weighted_sum(weights, &band);
        self.total_energy = decay * self.total_energy + weighted_sum(weights, &total);
    }

    /// The energies now: the last whole group's, then the open group's squares one by one.
    fn energies(&self) -> (f32, f32) {
        let (mut band, mut total) = (self.band_energy, self.total_energy);
        let c = self.coefficient;
        let open = self.pending.min(GROUP);
        for (&b, &x) in self.pending_band[..open]
            .iter()
            .zip(&self.pending_total[..open])
        {
            band += c * (b - band);
            total += c * (x - total);
        }
        (band, total)
    }

    /// Share of the recent energy at the fundamental, 0..1.
    pub fn fundamental_share(&self) -> f32 {
        let (band_energy, total_energy) = self.energies();
        if total_energy > 1.0e-12 {
            (band_energy / total_energy).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// How far the formants should follow a pitch shift: 0 for a voice, 1 for a tone, a smooth
    /// step between.
    pub fn formant_follow(&self) -> f32 {
        let t =
            ((self.fundamental_share() - VOICE_SHARE) / (TONE_SHARE - VOICE_SHARE)).clamp(0.0, 1.0);
        t * t * (3.0 - 2.0 * t)
    }
}

/// `weights` times `squares`, summed as a tree of fixed shape (the halves added lane by lane,
/// then again), so it runs as one vector and gives the same number wherever it is computed.
#[inline(always)]
fn weighted_sum(weights: &[f32; GROUP], squares: &[f32; GROUP]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    {
        weighted_sum_sse(weights, squares)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let products: [f32; GROUP] = std::array::from_fn(|k| weights[k] * squares[k]);
        let fours: [f32; 4] = std::array::from_fn(|k| products[k] + products[k + 4]);
        let twos = [fours[0] + fours[2], fours[1] + fours[3]];
        twos[0] + twos[1]
    }
}

/// `weighted_sum` in 128-bit vectors (SSE: baseline on x86-64), written out because the
/// compiler would otherwise pair the band's and the input's sums lane by lane, a sample at a
/// time: the same operations, so the same numbers.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn weighted_sum_sse(weights: &[f32; GROUP], squares: &[f32; GROUP]) -> f32 {
    use std::arch::x86_64::{
        __m128, _mm_add_ps, _mm_add_ss, _mm_cvtss_f32, _mm_movehl_ps, _mm_mul_ps, _mm_shuffle_ps,
    };
    let half = |values: &[f32; GROUP], at: usize| {
        let lanes = [values[at], values[at + 1], values[at + 2], values[at + 3]];
        // SAFETY: `[f32; 4]` and `__m128` have the same size, and every bit pattern is valid.
        unsafe { std::mem::transmute::<[f32; 4], __m128>(lanes) }
    };
    // SAFETY: the intrinsics need SSE, part of every x86-64 CPU (the target's baseline).
    unsafe {
        let low = _mm_mul_ps(half(weights, 0), half(squares, 0));
        let high = _mm_mul_ps(half(weights, 4), half(squares, 4));
        let fours = _mm_add_ps(low, high);
        let twos = _mm_add_ps(fours, _mm_movehl_ps(fours, fours));
        let one = _mm_add_ss(twos, _mm_shuffle_ps::<0b01>(twos, twos));
        _mm_cvtss_f32(one)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(signal: impl Fn(f32) -> f32, f0: f32) -> f32 {
        let mut tonality = Tonality::default();
        tonality.prepare(48_000.0);
        tonality.set_f0(f0);
        for i in 0..24_000 {
            tonality.process(signal(i as f32 / 48_000.0));
        }
        tonality.fundamental_share()
    }

    #[test]
    fn the_grouped_followers_match_one_sample_steps_whatever_the_blocks() {
        let input: Vec<f32> = (0..5_000)
            .map(|i| (i as f32 * 0.05).sin() + 0.3 * (i as f32 * 0.71).sin())
            .collect();
        let fed = |sizes: &[usize]| {
            let mut tonality = Tonality::default();
            tonality.prepare(48_000.0);
            tonality.set_f0(382.0);
            let (mut start, mut shares) = (0, Vec::new());
            for &size in sizes.iter().cycle() {
                if start >= input.len() {
                    break;
                }
                let end = (start + size).min(input.len());
                tonality.process_block(&input[start..end]);
                shares.push((end, tonality.fundamental_share()));
                start = end;
            }
            (tonality.energies(), shares)
        };
        let (energies, _) = fed(&[256]);
        for sizes in [&[1usize][..], &[3, 7, 300], &[13, 1, 5, 999]] {
            assert_eq!(fed(sizes).0, energies, "{sizes:?}");
        }
        // Against the plain recursion, a sample at a time.
        let mut band = Biquad::default();
        band.set(BiquadCoefficients::band_pass(48_000.0, 382.0, BAND_Q));
        let c = 1.0 - (-1.0f32 / (ENERGY_SECONDS * 48_000.0)).exp();
        let (mut band_energy, mut total_energy) = (0.0f32, 0.0f32);
        let mut shares = fed(&[7, 64, 3]).1.into_iter();
        let mut next = shares.next();
        for (i, &x) in input.iter().enumerate() {
            let b = band.process(x);
            band_energy += c * (b * b - band_energy);
            total_energy += c * (x * x - total_energy);
            if let Some((end, share)) = next.filter(|&(end, _)| end == i + 1) {
                let expected = band_energy / total_energy;
                assert!((share - expected).abs() < 1e-5, "{end}: {share} {expected}");
                next = shares.next();
            }
        }
    }

    #[test]
    fn a_sine_is_a_tone_and_a_pulse_train_is_not() {
        let tau = std::f32::consts::TAU;
        let sine = share(|t| (tau * 300.0 * t).sin(), 300.0);
        assert!(sine > 0.95, "{sine}");
        let saw = share(
            |t| {
                (1..40)
                    .map(|k| (tau * 150.0 * k as f32 * t).sin() / k as f32)
                    .sum()
            },
            150.0,
        );
        assert!((0.55..0.7).contains(&saw), "{saw}");
        let pulses = share(
            |t| (1..40).map(|k| (tau * 150.0 * k as f32 * t).cos()).sum(),
            150.0,
        );
        assert!(pulses < 0.1, "{pulses}");
    }
}
