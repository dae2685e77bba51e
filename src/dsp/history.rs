//! A power-of-two ring buffer addressed by absolute sample index, so analysis and synthesis can
//! read any recent input sample by its time stamp.

/// Recent input samples, readable by absolute index while they are within the capacity.
#[derive(Debug, Clone, Default)]
pub struct History {
    data: Vec<f32>,
    mask: usize,
    /// Absolute index of the next sample to be written (= number of samples written so far).
    written: u64,
}

impl History {
    /// Allocates room for at least `min_capacity` samples and clears the contents.
    pub fn reset(&mut self, min_capacity: usize) {
        let capacity = min_capacity.max(2).next_power_of_two();
        self.data.clear();
        self.data.resize(capacity, 0.0);
        self.mask = capacity - 1;
        self.written = 0;
    }

    /// Number of samples the buffer holds.
    pub fn capacity(&self) -> usize {
        self.data.len()
    }

    /// Appends one sample.
    #[inline]
    pub fn push(&mut self, sample: f32) {
        let index = self.written as usize & self.mask;
        self.data[index] = sample;
        self.written += 1;
    }

    /// Absolute index of the next sample to be written.
    #[inline]
    pub fn written(&self) -> u64 {
        self.written
    }

    /// The sample at absolute index `index`; 0 for indices not yet written or already overwritten.
    #[inline]
    pub fn get(&self, index: i64) -> f32 {
        if index < 0
            || index as u64 >= self.written
            || self.written - index as u64 > self.data.len() as u64
        {
            return 0.0;
        }
        self.data[index as usize & self.mask]
    }

    /// Linearly interpolated sample at fractional absolute position `position`.
    #[inline]
    pub fn get_interpolated(&self, position: f64) -> f32 {
        let base = position.floor();
        let frac = (position - base) as f32;
        let i = base as i64;
        let a = self.get(i);
        let b = self.get(i + 1);
        a + (b - a) * frac
    }

    /// Copies the `out.len()` samples ending just before absolute index `end` into `out`.
    pub fn copy_ending_at(&self, end: u64, out: &mut [f32]) {
        let start = end as i64 - out.len() as i64;
        for (offset, slot) in out.iter_mut().enumerate() {
            *slot = self.get(start + offset as i64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_by_absolute_index_and_forgets_old_samples() {
        let mut h = History::default();
        h.reset(4);
        for i in 0..6 {
            h.push(i as f32);
        }
        assert_eq!(h.written(), 6);
        assert_eq!(h.get(5), 5.0);
        assert_eq!(h.get(2), 2.0);
        assert_eq!(h.get(1), 0.0, "overwritten");
        assert_eq!(h.get(6), 0.0, "future");
        assert_eq!(h.get(-1), 0.0);
        assert!((h.get_interpolated(3.25) - 3.25).abs() < 1e-6);
        let mut out = [0.0; 3];
        h.copy_ending_at(6, &mut out);
        assert_eq!(out, [3.0, 4.0, 5.0]);
    }
}
