//! Shaped noise read from a loop filled at `prepare`: the filtering that shapes the noise (a
//! band for breath) runs once, off the audio thread, instead of on every sample.
//!
//! A loop alone would repeat: frozen noise repeating every second or two is heard as a
//! pattern. So the loop is read in segments of a quarter second, each from a random place in
//! it, the seams crossfaded at equal power (the two reads are independent noise, so their
//! powers add: the level stays steady through the fade). The loop itself is filtered
//! circularly (the filter runs over it twice, the second pass kept), so reading across its end
//! is as smooth as anywhere else. The sequence depends only on the number of samples read, so
//! any run lengths give the same noise; `clear` restarts it.

use super::noise::WhiteNoise;

/// Shortest loop in seconds (rounded up to a power of two of samples).
const LOOP_SECONDS: f32 = 1.0;
/// Samples read from one place before jumping to another (seconds): short enough that no
/// stretch long enough to recognise ever repeats, long enough that the fades are rare.
const SEGMENT_SECONDS: f32 = 0.25;
/// Crossfade between segments (seconds): long enough that the fade's own modulation (below
/// 100 Hz) does not colour the noise.
const FADE_SECONDS: f32 = 0.005;

/// A loop of shaped noise, read in randomly placed, crossfaded segments.
#[derive(Debug, Clone, Default)]
pub struct NoiseLoop {
    table: Vec<f32>,
    mask: usize,
    /// Equal-power gains over the fade: rising for the new segment, falling for the old.
    fade_in: Vec<f32>,
    fade_out: Vec<f32>,
    segment: usize,
    seed: u32,
    /// Chooses where each segment starts.
    random: Option<WhiteNoise>,
    /// Loop index of the current segment's first sample.
    start: usize,
    /// Loop index where the previous segment would have gone on (read fading out).
    previous: usize,
    /// Samples read so far in the current segment.
    into: usize,
}

impl NoiseLoop {
    /// Fills the loop with white noise from `seed` shaped by `shape` (a filter run over a run
    /// of samples in place, keeping its state between calls), for `sample_rate`. Allocates.
    pub fn prepare(&mut self, sample_rate: f32, seed: u32, shape: &mut dyn FnMut(&mut [f32])) {
        let length = ((sample_rate * LOOP_SECONDS) as usize)
            .max(1_024)
            .next_power_of_two();
        let mut white = WhiteNoise::new(seed);
        self.table = (0..length).map(|_| white.next_value()).collect();
        // Circular filtering: the first pass brings the filter to the state it has at the end
        // of the loop, so the second pass starts where a reader crossing the end arrives.
        let mut warm_up = self.table.clone();
        shape(&mut warm_up);
        shape(&mut self.table);
        self.mask = length - 1;
        let fade = ((sample_rate * FADE_SECONDS) as usize).max(1);
        self.fade_in = (0..fade)
            .map(|k| (std::f32::consts::FRAC_PI_2 * (k as f32 + 0.5) / fade as f32).sin())
            .collect();
        self.fade_out = self.fade_in.iter().rev().copied().collect();
        self.segment = ((sample_rate * SEGMENT_SECONDS) as usize).max(2 * fade);
        self.seed = seed;
        self.clear();
    }

    /// Restarts the sequence, in place (never allocates).
    pub fn clear(&mut self) {
        self.random = Some(WhiteNoise::new(self.seed.rotate_left(16) ^ 0x2545_f491));
        self.previous = 0;
        // The first segment starts at the loop's start, with nothing to fade from.
        self.into = self.fade_in.len();
        self.start = self.table.len().wrapping_sub(self.into) & self.mask;
    }

    /// The next sample.
    #[inline]
    pub fn next_value(&mut self) -> f32 {
        let mut value = [0.0f32];
        self.fill(&mut value);
        value[0]
    }

    /// Writes the next `out.len()` samples into `out` (zeros before `prepare`).
    #[inline(always)]
    pub fn fill(&mut self, out: &mut [f32]) {
        let Some(random) = self.random.as_mut().filter(|_| !self.table.is_empty()) else {
            out.fill(0.0);
            return;
        };
        let mask = self.mask;
        let fade = self.fade_in.len();
        let mut done = 0;
        while done < out.len() {
            if self.into >= self.segment {
                self.previous = (self.start + self.into) & mask;
                self.start = random.next_bits() as usize & mask;
                self.into = 0;
            }
            let length = (out.len() - done).min(self.segment - self.into);
            let piece = &mut out[done..done + length];
            let fading = fade.saturating_sub(self.into).min(length);
            let (faded, plain) = piece.split_at_mut(fading);
            let rising = self.fade_in.get(self.into..).unwrap_or_default();
            let falling = self.fade_out.get(self.into..).unwrap_or_default();
            for (k, ((y, &rise), &fall)) in faded.iter_mut().zip(rising).zip(falling).enumerate() {
                let offset = self.into + k;
                let new = self.table[(self.start + offset) & mask];
                let old = self.table[(self.previous + offset) & mask];
                *y = rise * new + fall * old;
            }
            copy_around(&self.table, (self.start + self.into + fading) & mask, plain);
            self.into += length;
            done += length;
        }
    }
}

/// Copies `out.len()` samples of the loop `table` from index `from` on, wrapping at its end.
#[inline(always)]
fn copy_around(table: &[f32], from: usize, out: &mut [f32]) {
    let mut position = from.min(table.len());
    let mut done = 0;
    while done < out.len() && !table.is_empty() {
        let length = (out.len() - done).min(table.len() - position);
        out[done..done + length].copy_from_slice(&table[position..position + length]);
        done += length;
        position = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn white_loop(sample_rate: f32) -> NoiseLoop {
        let mut noise = NoiseLoop::default();
        noise.prepare(sample_rate, 9, &mut |_| {});
        noise
    }

    #[test]
    fn never_repeats_and_stays_white_and_zero_mean() {
        let sample_rate = 16_000.0;
        let mut noise = white_loop(sample_rate);
        let mut x = vec![0.0f32; 6 * 16_000];
        noise.fill(&mut x);
        let mean = x.iter().map(|&v| v as f64).sum::<f64>() / x.len() as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        // White: short lags do not correlate (spread of the estimate 1/sqrt(n) = 0.003).
        for lag in 1..=32 {
            let r = correlation(&x, lag);
            assert!(r.abs() < 0.02, "lag {lag}: {r}");
        }
        // No period: not at the loop's length (16384 samples here), its multiples or the
        // segment's (a loop read straight through would give 1 there)...
        let table = noise.table.len();
        let segment = noise.segment;
        for lag in [
            table,
            2 * table,
            3 * table,
            segment,
            2 * segment,
            table + segment,
        ] {
            let r = correlation(&x, lag);
            assert!(r.abs() < 0.02, "lag {lag}: {r}");
        }
        // ...nor anywhere between 10 ms and 3 s (every 7th lag). Two segments that happen to
        // start the lag apart (a chance of one in the loop's length per pair) repeat one
        // segment once: 0.04 of this signal at most, never a period.
        for lag in (160..48_000).step_by(7) {
            let r = correlation(&x, lag);
            assert!(r.abs() < 0.06, "lag {lag}: {r}");
        }
    }

    #[test]
    fn the_level_holds_through_the_crossfades() {
        let sample_rate = 48_000.0;
        let mut noise = white_loop(sample_rate);
        let mut x = vec![0.0f32; 48 * 48_000 / 4];
        noise.fill(&mut x);
        let (segment, fade) = (noise.segment, noise.fade_in.len());
        let power =
            |v: &[f32]| v.iter().map(|&s| s as f64 * s as f64).sum::<f64>() / v.len() as f64;
        let faded: Vec<f32> = x
            .chunks_exact(segment)
            .skip(1)
            .flat_map(|piece| piece[..fade].iter().copied())
            .collect();
        let ratio = power(&faded) / power(&x);
        // 47 fades of 240 samples: the estimate's spread is about 4 %.
        assert!((ratio - 1.0).abs() < 0.15, "fade power ratio {ratio}");
    }

    #[test]
    fn a_shaped_loop_is_seamless_at_its_end() {
        // A strong low-pass: neighbouring samples are close, also across the loop's end.
        let mut state = 0.0f32;
        let mut noise = NoiseLoop::default();
        noise.prepare(48_000.0, 5, &mut |run: &mut [f32]| {
            for x in run.iter_mut() {
                state += 0.01 * (*x - state);
                *x = state;
            }
        });
        let table = &noise.table;
        let steps: Vec<f32> = table.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
        let largest = steps.iter().copied().fold(0.0f32, f32::max);
        let seam = (table[0] - table[table.len() - 1]).abs();
        assert!(seam <= largest, "seam {seam}, largest step {largest}");
    }

    #[test]
    fn any_run_lengths_give_the_same_noise_and_clear_restarts_it() {
        let mut one = white_loop(44_100.0);
        let expected: Vec<f32> = (0..40_000).map(|_| one.next_value()).collect();
        let mut runs = white_loop(44_100.0);
        let mut got = vec![0.0f32; expected.len()];
        let mut start = 0;
        for length in [1usize, 300, 17, 4_096, 0, 479, 11_025].iter().cycle() {
            if start >= got.len() {
                break;
            }
            let end = (start + length).min(got.len());
            runs.fill(&mut got[start..end]);
            start = end;
        }
        assert_eq!(got, expected);
        runs.clear();
        let mut again = vec![0.0f32; 20_000];
        runs.fill(&mut again);
        assert_eq!(again, expected[..20_000]);
        let mut unprepared = NoiseLoop::default();
        assert_eq!(unprepared.next_value(), 0.0);
    }
}
