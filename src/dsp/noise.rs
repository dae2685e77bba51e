//! Deterministic white-noise sources for breath, whisper and humanising: no allocation, the
//! same sequence for the same seed. `WhiteNoise` gives one xorshift32 stream a sample at a
//! time; `WideNoise` runs eight independent streams side by side, eight samples per step, so
//! the generator's loop is a vector loop instead of a chain of dependent steps.

/// Uniform white noise in -1..1.
#[derive(Debug, Clone)]
pub struct WhiteNoise {
    state: u32,
}

impl WhiteNoise {
    /// A generator with `seed` (0 is replaced, since xorshift would stay at 0).
    pub fn new(seed: u32) -> Self {
        Self {
            state: if seed == 0 { 0x9e37_79b9 } else { seed },
        }
    }

    /// The next sample in -1..1.
    #[inline]
    pub fn next_value(&mut self) -> f32 {
        let x = xorshift(self.state);
        self.state = x;
        (x as f32 / u32::MAX as f32) * 2.0 - 1.0
    }

    /// The next raw 32-bit state (for random positions and choices).
    #[inline]
    pub fn next_bits(&mut self) -> u32 {
        self.state = xorshift(self.state);
        self.state
    }
}

/// One xorshift32 step.
#[inline(always)]
fn xorshift(mut x: u32) -> u32 {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    x
}

/// Streams `WideNoise` runs side by side: eight 32-bit lanes are one 256-bit vector.
const LANES: usize = 8;

/// Uniform white noise in -1..1 from eight xorshift32 streams, interleaved (sample `n` comes
/// from stream `n % 8`). The streams are seeded through a hash of the seed and the lane, so
/// neighbouring samples are independent. Handed out through `fill` a run at a time, the
/// sequence is the same for any run lengths.
#[derive(Debug, Clone)]
pub struct WideNoise {
    seed: u32,
    lanes: [u32; LANES],
    /// The last step's samples not yet handed out, from `next` on.
    ready: [f32; LANES],
    next: usize,
}

impl WideNoise {
    /// A generator with `seed`.
    pub fn new(seed: u32) -> Self {
        let mut noise = Self {
            seed,
            lanes: [0; LANES],
            ready: [0.0; LANES],
            next: LANES,
        };
        noise.clear();
        noise
    }

    /// Restarts the sequence from the seed, in place.
    pub fn clear(&mut self) {
        for (lane, state) in self.lanes.iter_mut().enumerate() {
            *state = lane_seed(self.seed, lane);
        }
        self.ready = [0.0; LANES];
        self.next = LANES;
    }

    /// The next sample in -1..1.
    #[inline]
    pub fn next_value(&mut self) -> f32 {
        if self.next >= LANES {
            self.ready = self.step();
            self.next = 0;
        }
        let value = self.ready.get(self.next).copied().unwrap_or(0.0);
        self.next += 1;
        value
    }

    /// Writes the next `out.len()` samples into `out` (the same as `next_value` for each).
    #[inline(always)]
    pub fn fill(&mut self, out: &mut [f32]) {
        // What the last step left over first, then whole steps, then a step's first part.
        let leftover = (LANES - self.next.min(LANES)).min(out.len());
        let (head, rest) = out.split_at_mut(leftover);
        head.copy_from_slice(&self.ready[self.next..self.next + leftover]);
        self.next += leftover;
        let mut steps = rest.chunks_exact_mut(LANES);
        for chunk in &mut steps {
            chunk.copy_from_slice(&self.step());
        }
        let tail = steps.into_remainder();
        if !tail.is_empty() {
            self.ready = self.step();
            tail.copy_from_slice(&self.ready[..tail.len()]);
            self.next = tail.len();
        }
    }

    /// Advances every stream one step: eight new samples. Each sample takes a state's top 23
    /// bits as the mantissa of a float in 1..2, mapped to -1..1 (exact, and a vector
    /// operation, where an unsigned-to-float conversion is not).
    #[inline(always)]
    fn step(&mut self) -> [f32; LANES] {
        let mut out = [0.0f32; LANES];
        for (state, value) in self.lanes.iter_mut().zip(out.iter_mut()) {
            let x = xorshift(*state);
            *state = x;
            *value = f32::from_bits((x >> 9) | 0x3f80_0000) * 2.0 - 3.0;
        }
        out
    }
}

/// Lane `lane`'s starting state for `seed`: a 32-bit hash (murmur3's finaliser), so lanes
/// start far apart in the sequence whatever the seed; never 0 (xorshift would stay there).
fn lane_seed(seed: u32, lane: usize) -> u32 {
    let mut z = seed.wrapping_add((lane as u32 + 1).wrapping_mul(0x9e37_79b9));
    z = (z ^ (z >> 16)).wrapping_mul(0x85eb_ca6b);
    z = (z ^ (z >> 13)).wrapping_mul(0xc2b2_ae35);
    z ^= z >> 16;
    if z == 0 {
        0x9e37_79b9
    } else {
        z
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_zero_mean_bounded_and_repeatable() {
        let mut a = WhiteNoise::new(7);
        let mut b = WhiteNoise::new(7);
        let mut sum = 0.0f64;
        for _ in 0..100_000 {
            let x = a.next_value();
            assert_eq!(x, b.next_value());
            assert!((-1.0..=1.0).contains(&x));
            sum += x as f64;
        }
        assert!((sum / 100_000.0).abs() < 0.01);
    }

    /// Normalised autocorrelation of `x` at `lag`.
    fn correlation(x: &[f32], lag: usize) -> f64 {
        let energy: f64 = x.iter().map(|&v| v as f64 * v as f64).sum();
        let product: f64 = x
            .iter()
            .zip(&x[lag..])
            .map(|(&a, &b)| a as f64 * b as f64)
            .sum();
        product / energy
    }

    #[test]
    fn wide_noise_is_white_zero_mean_and_uniform() {
        let mut noise = WideNoise::new(0x5eed_0001);
        let mut x = vec![0.0f32; 400_000];
        noise.fill(&mut x);
        let n = x.len() as f64;
        let mean = x.iter().map(|&v| v as f64).sum::<f64>() / n;
        let variance = x.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
        assert!(mean.abs() < 0.005, "mean {mean}");
        // Uniform in -1..1: variance 1/3.
        assert!((variance - 1.0 / 3.0).abs() < 0.005, "variance {variance}");
        assert!(x.iter().all(|v| (-1.0..1.0).contains(v)));
        // White: no lag correlates, neither neighbours from other lanes (1..7) nor a lane's
        // own successive states (8, 16, ...). The estimate's spread is 1/sqrt(n) = 0.0016.
        for lag in 1..=64 {
            let r = correlation(&x, lag);
            assert!(r.abs() < 0.01, "lag {lag}: {r}");
        }
        // Flat within a few percent in eight bands across the spectrum (mean power of a
        // single-bin DFT over 4096-sample pieces, at eight frequencies from 1/16 to 15/16 of
        // Nyquist).
        let band_power = |fraction: f64| {
            let w = std::f64::consts::PI * fraction;
            let pieces = x.chunks_exact(4_096).take(60);
            let count = pieces.len() as f64;
            pieces
                .map(|piece| {
                    let (mut re, mut im) = (0.0f64, 0.0f64);
                    for (i, &v) in piece.iter().enumerate() {
                        re += v as f64 * (w * i as f64).cos();
                        im += v as f64 * (w * i as f64).sin();
                    }
                    (re * re + im * im) / piece.len() as f64
                })
                .sum::<f64>()
                / count
        };
        for k in 0..8 {
            let fraction = (2 * k + 1) as f64 / 16.0;
            let power = band_power(fraction);
            // Expected 1/3 per bin; 60 pieces leave a spread of about 13 %.
            assert!((power * 3.0 - 1.0).abs() < 0.45, "{fraction}: {power}");
        }
    }

    #[test]
    fn wide_noise_is_the_same_in_any_runs_and_after_clear() {
        let mut one = WideNoise::new(3);
        let expected: Vec<f32> = (0..5_000).map(|_| one.next_value()).collect();
        let mut runs = WideNoise::new(3);
        let mut got = vec![0.0f32; expected.len()];
        let mut start = 0;
        for length in [1usize, 7, 8, 9, 0, 256, 3, 17, 1_000].iter().cycle() {
            if start >= got.len() {
                break;
            }
            let end = (start + length).min(got.len());
            runs.fill(&mut got[start..end]);
            start = end;
        }
        assert_eq!(got, expected);
        runs.clear();
        let mut again = vec![0.0f32; 100];
        runs.fill(&mut again);
        assert_eq!(again, expected[..100]);
        let mut other = WideNoise::new(4);
        assert_ne!(other.next_value(), expected[0]);
    }
}
