//! A tiny deterministic white-noise source (xorshift32) for breath, whisper and humanising:
//! no allocation, same sequence for the same seed.

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
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.state = x;
        (x as f32 / u32::MAX as f32) * 2.0 - 1.0
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
}
