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
    pub fn prepare(&mut self, min_capacity: usize) {
        let capacity = min_capacity.max(2).next_power_of_two();
        self.data.clear();
        self.data.resize(capacity, 0.0);
        self.mask = capacity - 1;
        self.written = 0;
    }

    /// Zeroes the contents and restarts the count, in place (never allocates).
    pub fn clear(&mut self) {
        self.data.fill(0.0);
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

    /// Appends a run of samples (the same as pushing each in turn). Always inlined: the hot
    /// callers run from 256-bit builds, and a call per push costs more than the copy's setup.
    #[inline(always)]
    pub fn push_slice(&mut self, samples: &[f32]) {
        if self.data.is_empty() {
            return;
        }
        // Only the newest `capacity` samples can survive; the run lands in at most two
        // contiguous pieces of the ring.
        let skip = samples.len().saturating_sub(self.data.len());
        self.written += skip as u64;
        let samples = &samples[skip..];
        let start = self.written as usize & self.mask;
        let first_len = samples.len().min(self.data.len() - start);
        self.data[start..start + first_len].copy_from_slice(&samples[..first_len]);
        if first_len < samples.len() {
            self.data[..samples.len() - first_len].copy_from_slice(&samples[first_len..]);
        }
        self.written += samples.len() as u64;
    }

    /// Becomes a copy of `source` (the same count; a history of another capacity is left
    /// alone, as this never allocates) passed through `filter` oldest sample first: a filter run
    /// over runs of samples in place, its state carried from one call to the next. For a
    /// filtered copy that was not kept up while nobody read it.
    pub fn refill_filtered(&mut self, source: &History, filter: &mut dyn FnMut(&mut [f32])) {
        if self.data.len() != source.data.len() || self.data.is_empty() {
            return;
        }
        self.data.copy_from_slice(&source.data);
        self.written = source.written;
        let held = self.written.min(self.data.len() as u64) as usize;
        let oldest = (self.written - held as u64) as usize & self.mask;
        // The held samples oldest first: at most two contiguous pieces of the ring.
        let first_len = held.min(self.data.len() - oldest);
        filter(&mut self.data[oldest..oldest + first_len]);
        filter(&mut self.data[..held - first_len]);
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

    /// The samples at absolute indices `start..end` as at most two contiguous pieces of the
    /// ring, oldest first, when every one of them is written and still held (what `get` reads
    /// for each, without its checks per sample); `None` otherwise (or when the range is empty).
    #[inline]
    pub fn pieces(&self, start: i64, end: i64) -> Option<(&[f32], &[f32])> {
        if start < 0 || end <= start || end as u64 > self.written {
            return None;
        }
        let len = (end - start) as usize;
        if self.written - start as u64 > self.data.len() as u64 {
            return None;
        }
        let first = start as usize & self.mask;
        let first_len = len.min(self.data.len() - first);
        Some((
            &self.data[first..first + first_len],
            &self.data[..len - first_len],
        ))
    }

    /// The sample at `index` without validity checks: the caller guarantees the index was
    /// written and is within the capacity (a stale index reads an old sample, never out of
    /// bounds). For hot loops whose positions are known to be recent.
    #[inline]
    pub fn get_recent(&self, index: i64) -> f32 {
        self.data[index as usize & self.mask]
    }

    /// Linear interpolation between recent samples at fractional `position` (see `get_recent`).
    #[inline]
    pub fn get_recent_interpolated(&self, position: f64) -> f32 {
        // Positions are sample indices, never negative: truncation is the floor.
        let i = position as i64;
        let frac = (position - i as f64) as f32;
        let a = self.get_recent(i);
        let b = self.get_recent(i + 1);
        a + (b - a) * frac
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

    /// Copies the `out.len()` samples ending just before absolute index `end` into `out`
    /// (zeros for samples never written or already overwritten).
    #[inline]
    pub fn copy_ending_at(&self, end: u64, out: &mut [f32]) {
        // The usual case, checked first and inlined into the callers (most of whose copies are
        // short): every sample written and still held, in one contiguous piece of the ring.
        let len = out.len() as u64;
        let held = self.data.len() as u64;
        if len <= end && end <= self.written && self.written - (end - len) <= held {
            let first = (end - len) as usize & self.mask;
            if let Some(piece) = self.data.get(first..first + out.len()) {
                out.copy_from_slice(piece);
                return;
            }
        }
        self.copy_ending_at_in_pieces(end, out);
    }

    /// `copy_ending_at` where the run wraps around the ring or is partly not held.
    #[inline(never)]
    fn copy_ending_at_in_pieces(&self, end: u64, out: &mut [f32]) {
        let len = out.len();
        let start = end as i64 - len as i64;
        let oldest = self.written as i64 - self.data.len() as i64;
        let valid_start = start.max(oldest).max(0);
        let valid_end = (end as i64).min(self.written as i64);
        if valid_start >= valid_end {
            out.fill(0.0);
            return;
        }
        let lead = (valid_start - start) as usize;
        let count = (valid_end - valid_start) as usize;
        out[..lead].fill(0.0);
        out[lead + count..].fill(0.0);
        // The valid run is at most two contiguous pieces of the ring.
        let first = valid_start as usize & self.mask;
        let first_len = count.min(self.data.len() - first);
        out[lead..lead + first_len].copy_from_slice(&self.data[first..first + first_len]);
        if first_len < count {
            out[lead + first_len..lead + count].copy_from_slice(&self.data[..count - first_len]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_by_absolute_index_and_forgets_old_samples() {
        let mut h = History::default();
        h.prepare(4);
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
        // Spanning overwritten, wrapped and future samples.
        let mut wide = [9.0; 8];
        h.copy_ending_at(8, &mut wide);
        assert_eq!(wide, [0.0, 0.0, 2.0, 3.0, 4.0, 5.0, 0.0, 0.0]);
        let mut none = [9.0; 2];
        h.copy_ending_at(1, &mut none);
        assert_eq!(none, [0.0, 0.0]);
    }

    #[test]
    fn a_filtered_refill_runs_the_filter_over_the_samples_oldest_first() {
        for count in [0usize, 3, 8, 13] {
            let mut source = History::default();
            source.prepare(8);
            for i in 0..count {
                source.push(i as f32 + 1.0);
            }
            // A running sum: any sample out of order shows.
            let mut copy = History::default();
            copy.prepare(8);
            let mut sum = 0.0f32;
            copy.refill_filtered(&source, &mut |run: &mut [f32]| {
                for x in run.iter_mut() {
                    sum += *x;
                    *x = sum;
                }
            });
            assert_eq!(copy.written(), source.written());
            let oldest = count.saturating_sub(8);
            let mut expected = 0.0f32;
            for i in oldest..count {
                expected += i as f32 + 1.0;
                assert_eq!(copy.get(i as i64), expected, "{count} written, sample {i}");
            }
        }
    }

    #[test]
    fn pieces_are_what_get_reads() {
        let mut history = History::default();
        history.prepare(16);
        for i in 0..40 {
            history.push(i as f32);
        }
        for (start, end) in [(24i64, 40i64), (30, 35), (28, 36), (39, 40)] {
            let (a, b) = history.pieces(start, end).expect("held");
            let joined: Vec<f32> = a.iter().chain(b).copied().collect();
            let expected: Vec<f32> = (start..end).map(|i| history.get(i)).collect();
            assert_eq!(joined, expected, "{start}..{end}");
        }
        for (start, end) in [(23i64, 30i64), (30, 41), (-1, 3), (30, 30)] {
            assert!(history.pieces(start, end).is_none(), "{start}..{end}");
        }
    }

    #[test]
    fn pushing_a_slice_is_pushing_each_sample() {
        let mut one_by_one = History::default();
        let mut sliced = History::default();
        one_by_one.prepare(8);
        sliced.prepare(8);
        let input: Vec<f32> = (0..29).map(|i| i as f32).collect();
        for chunk in input.chunks(3).chain(std::iter::once(&input[..11])) {
            for &x in chunk {
                one_by_one.push(x);
            }
            sliced.push_slice(chunk);
            assert_eq!(sliced.written(), one_by_one.written());
            for back in 0..8 {
                let index = one_by_one.written() as i64 - 1 - back;
                assert_eq!(sliced.get(index), one_by_one.get(index), "{index}");
            }
        }
    }
}
