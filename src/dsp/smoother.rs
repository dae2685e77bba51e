//! A linear parameter ramp, so gain and mix changes never click.

/// Ramps linearly from the current value to a target over a fixed time.
#[derive(Debug, Clone)]
pub struct LinearSmoother {
    current: f32,
    target: f32,
    step: f32,
    steps_left: u32,
    ramp_samples: u32,
}

impl LinearSmoother {
    /// A smoother resting at `value`.
    pub fn new(value: f32) -> Self {
        Self {
            current: value,
            target: value,
            step: 0.0,
            steps_left: 0,
            ramp_samples: 1,
        }
    }

    /// Sets the ramp length for `sample_rate` and jumps to `value` (no ramp after a reset).
    pub fn reset(&mut self, sample_rate: f32, ramp_seconds: f32, value: f32) {
        let samples = (sample_rate.max(1.0) * ramp_seconds.max(0.0)).round();
        self.ramp_samples = (samples as u32).max(1);
        self.current = value;
        self.target = value;
        self.step = 0.0;
        self.steps_left = 0;
    }

    /// Starts a ramp towards `target` if it differs from the current target.
    pub fn set_target(&mut self, target: f32) {
        if target == self.target || !target.is_finite() {
            return;
        }
        self.target = target;
        self.steps_left = self.ramp_samples;
        self.step = (target - self.current) / self.ramp_samples as f32;
    }

    /// The next value of the ramp.
    #[inline]
    pub fn next_value(&mut self) -> f32 {
        if self.steps_left > 0 {
            self.steps_left -= 1;
            self.current = if self.steps_left == 0 {
                self.target
            } else {
                self.current + self.step
            };
        }
        self.current
    }

    /// Fills `out` with the ramp's next `out.len()` values (the same as calling `next_value`
    /// for each).
    pub fn fill(&mut self, out: &mut [f32]) {
        if self.steps_left == 0 {
            out.fill(self.current);
            return;
        }
        for value in out.iter_mut() {
            *value = self.next_value();
        }
    }

    /// Multiplies `signal` by the ramp's next `signal.len()` values in place.
    pub fn apply(&mut self, signal: &mut [f32]) {
        if self.steps_left == 0 {
            let gain = self.current;
            signal.iter_mut().for_each(|x| *x *= gain);
            return;
        }
        for x in signal.iter_mut() {
            *x *= self.next_value();
        }
    }

    /// The value now (what `next_value` returns while no ramp is under way).
    pub fn current(&self) -> f32 {
        self.current
    }

    /// Whether a ramp is under way (callers can skip per-sample work when it is not).
    pub fn is_ramping(&self) -> bool {
        self.steps_left > 0
    }

    /// The value the ramp is heading to.
    pub fn target(&self) -> f32 {
        self.target
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reaches_target_in_exactly_the_ramp_length() {
        let mut s = LinearSmoother::new(0.0);
        s.reset(1000.0, 0.01, 0.0);
        s.set_target(1.0);
        let values: Vec<f32> = (0..10).map(|_| s.next_value()).collect();
        assert!((values[4] - 0.5).abs() < 1e-6);
        assert_eq!(values[9], 1.0);
        assert!(!s.is_ramping());
        assert_eq!(s.next_value(), 1.0);
    }

    #[test]
    fn blocks_follow_the_same_ramp_as_single_values() {
        let mut single = LinearSmoother::new(0.0);
        let mut block = LinearSmoother::new(0.0);
        single.reset(1000.0, 0.01, 0.2);
        block.reset(1000.0, 0.01, 0.2);
        single.set_target(0.9);
        block.set_target(0.9);
        let expected: Vec<f32> = (0..16).map(|_| single.next_value()).collect();
        let mut filled = [0.0; 7];
        block.fill(&mut filled);
        let mut applied = [2.0; 9];
        block.apply(&mut applied);
        assert_eq!(&filled[..], &expected[..7]);
        for (a, e) in applied.iter().zip(&expected[7..]) {
            assert_eq!(*a, 2.0 * e);
        }
        assert_eq!(block.current(), 0.9);
    }

    #[test]
    fn ignores_non_finite_targets() {
        let mut s = LinearSmoother::new(0.25);
        s.set_target(f32::NAN);
        assert_eq!(s.next_value(), 0.25);
    }
}
