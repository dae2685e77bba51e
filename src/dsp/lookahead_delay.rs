//! The whole output held back by a fixed delay: Voice to MIDI needs a lookahead (a note is
//! confirmed only after its pitch held still, but its note-on belongs at its onset), and the
//! audio must wait just as long so notes and sound stay aligned once the host compensates the
//! reported latency. A change of delay (the switch toggled while playing) crossfades between
//! the old and the new read position over `FADE_S`, so it jumps without a click; reset and
//! activation snap to it.

use super::history::History;

/// Channels delayed (the plugin's layouts are mono and stereo).
pub const MAX_CHANNELS: usize = 2;
/// Crossfade between the old and the new delay: long enough that two unrelated stretches of
/// a voice blend without a click, short next to the 100 ms the jump covers.
const FADE_S: f32 = 0.01;

/// A delay line per channel with a crossfaded delay change.
#[derive(Debug, Clone, Default)]
pub struct LookaheadDelay {
    lines: [History; MAX_CHANNELS],
    /// The delay in samples being faded to (or held).
    delay: usize,
    /// The delay being faded from.
    previous: usize,
    fade_len: usize,
    /// Samples of the crossfade still to come (0: none).
    fade_left: usize,
    max_delay: usize,
}

impl LookaheadDelay {
    /// Allocates for delays up to `max_delay` samples and blocks up to `max_block`; starts
    /// with no delay.
    pub fn prepare(&mut self, sample_rate: f32, max_block: usize, max_delay: usize) {
        for line in self.lines.iter_mut() {
            line.prepare(max_delay + max_block.max(1) + 1);
        }
        let rate = if sample_rate.is_finite() && sample_rate > 0.0 {
            sample_rate
        } else {
            48_000.0
        };
        self.fade_len = ((FADE_S * rate).round() as usize).max(1);
        self.max_delay = max_delay;
        self.delay = 0;
        self.clear();
    }

    /// Forgets all audio, in place; a crossfade in progress ends at the new delay.
    pub fn clear(&mut self) {
        for line in self.lines.iter_mut() {
            line.clear();
        }
        self.previous = self.delay;
        self.fade_left = 0;
    }

    /// The delay in samples the output has (or is fading to).
    pub fn delay(&self) -> usize {
        self.delay
    }

    /// Moves to `samples` of delay (at most the prepared maximum) with a crossfade.
    pub fn set_delay(&mut self, samples: usize) {
        let samples = samples.min(self.max_delay);
        if samples != self.delay {
            self.previous = self.delay;
            self.delay = samples;
            self.fade_left = self.fade_len;
        }
    }

    /// Moves to `samples` of delay at once (activation, reset: nothing is playing).
    pub fn snap_delay(&mut self, samples: usize) {
        self.delay = samples.min(self.max_delay);
        self.previous = self.delay;
        self.fade_left = 0;
    }

    /// Delays each channel's first `frames` samples in place. Never allocates.
    pub fn process(&mut self, channels: &mut [&mut [f32]], frames: usize) {
        let mut fade_after = self.fade_left;
        for (line, channel) in self.lines.iter_mut().zip(channels.iter_mut()) {
            let len = frames.min(channel.len());
            let block = &mut channel[..len];
            let start = line.written() as i64;
            line.push_slice(block);
            if self.delay == 0 && self.fade_left == 0 {
                continue;
            }
            let mut fade_left = self.fade_left;
            for (i, out) in block.iter_mut().enumerate() {
                let now = start + i as i64;
                let new = line.get(now - self.delay as i64);
                *out = if fade_left > 0 {
                    let old = line.get(now - self.previous as i64);
                    let weight = 1.0 - fade_left as f32 / (self.fade_len + 1) as f32;
                    fade_left -= 1;
                    old + (new - old) * weight
                } else {
                    new
                };
            }
            fade_after = fade_left;
        }
        if channels.is_empty() {
            fade_after = self.fade_left.saturating_sub(frames);
        }
        self.fade_left = fade_after;
        if self.fade_left == 0 {
            self.previous = self.delay;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(len: usize) -> Vec<f32> {
        (0..len).map(|i| (i as f32 * 0.37).sin()).collect()
    }

    /// Runs `input` through in blocks of `sizes` (cycled), calling `at(sample)` before each.
    fn run(
        delay: &mut LookaheadDelay,
        input: &[f32],
        sizes: &[usize],
        mut at: impl FnMut(&mut LookaheadDelay, usize),
    ) -> Vec<f32> {
        let mut out = input.to_vec();
        let mut start = 0;
        for &size in sizes.iter().cycle() {
            if start >= out.len() {
                break;
            }
            let end = (start + size).min(out.len());
            at(delay, start);
            let block = &mut out[start..end];
            delay.process(&mut [block], end - start);
            start = end;
        }
        out
    }

    #[test]
    fn a_fixed_delay_is_exact_and_zero_passes_through() {
        let input = ramp(5000);
        let mut delay = LookaheadDelay::default();
        delay.prepare(48_000.0, 512, 4800);
        let through = run(&mut delay, &input, &[512], |_, _| {});
        assert_eq!(through, input);
        delay.snap_delay(4800);
        delay.clear();
        let delayed = run(&mut delay, &input, &[1, 7, 512, 33], |_, _| {});
        assert!(delayed[..4800].iter().all(|&x| x == 0.0));
        assert_eq!(&delayed[4800..], &input[..200]);
        // Never more than prepared.
        delay.snap_delay(10_000);
        assert_eq!(delay.delay(), 4800);
    }

    #[test]
    fn a_delay_change_crossfades_the_same_for_any_block_size() {
        let input = ramp(6000);
        let change = |d: &mut LookaheadDelay, sample: usize| {
            if (1000..1600).contains(&sample) && d.delay() == 0 {
                d.set_delay(960);
            }
        };
        let mut reference = LookaheadDelay::default();
        reference.prepare(48_000.0, 1, 960);
        // One-sample blocks: the change lands on sample 1000 exactly.
        let one = run(&mut reference, &input, &[1], change);
        assert_eq!(&one[..1000], &input[..1000]);
        // After the fade (480 samples) the output is the input 960 samples late.
        assert_eq!(&one[1480..], &input[520..6000 - 960]);
        // During it, a blend of both read positions, moving steadily from old to new.
        for i in 1000..1480 {
            let (old, new) = (input[i], input[i - 960]);
            let lo = old.min(new) - 1e-6;
            let hi = old.max(new) + 1e-6;
            assert!((lo..=hi).contains(&one[i]), "{i}");
        }
        // Blocks whose edges include sample 1000 give the same output.
        let mut other = LookaheadDelay::default();
        other.prepare(48_000.0, 500, 960);
        let blocks = run(&mut other, &input, &[500, 250, 250], change);
        assert_eq!(blocks, one);
    }
}
