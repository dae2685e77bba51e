//! The reverb: a four-line feedback delay network, per sample or a stretch at a time.

use super::one_pole;
use crate::dsp::sanitize::all_finite;

/// A four-line feedback delay network reverb with damping and two decorrelated outputs.
pub struct Reverb {
    /// Each line's samples, exactly its length: the slot read at `position` is the one written
    /// a length ago, and is then overwritten.
    lines: [Vec<f32>; 4],
    positions: [usize; 4],
    damping: [f32; 4],
    damping_coefficient: f32,
    feedback: f32,
    tail_energy: f32,
    /// `process_block`'s per-line scratch (delayed samples, then the values written back).
    scratch: Box<[[f32; STRETCH]; 4]>,
}

impl Default for Reverb {
    fn default() -> Self {
        Self {
            lines: Default::default(),
            positions: [0; 4],
            damping: [0.0; 4],
            damping_coefficient: 0.3,
            feedback: 0.8,
            tail_energy: 0.0,
            scratch: Box::new([[0.0; STRETCH]; 4]),
        }
    }
}

impl Reverb {
    /// Prepares for `sample_rate`; allocates the delay lines.
    pub fn prepare(&mut self, sample_rate: f32) {
        // Mutually prime lengths around 30-45 ms for a small vocal room/plate.
        let base = [1_427usize, 1_637, 1_871, 2_053];
        for (i, line) in self.lines.iter_mut().enumerate() {
            let length = ((base[i] as f32 * sample_rate / 48_000.0) as usize).max(8);
            line.clear();
            line.resize(length, 0.0);
        }
        self.damping_coefficient =
            one_pole(sample_rate, 1.0 / (2.0 * std::f32::consts::PI * 5_000.0));
        self.feedback = 0.83;
        self.clear();
    }

    /// Silences the tail, in place (never allocates).
    pub fn clear(&mut self) {
        for line in self.lines.iter_mut() {
            line.fill(0.0);
        }
        self.positions = [0; 4];
        self.damping = [0.0; 4];
        self.tail_energy = 0.0;
    }

    /// Whether the tail has died away (the caller may skip processing with no input).
    pub fn is_silent(&self) -> bool {
        self.tail_energy < 1.0e-10
    }

    /// One input sample in, a stereo pair of reverberation out.
    #[inline]
    pub fn process(&mut self, x: f32) -> (f32, f32) {
        let mut taps = [0.0f32; 4];
        for (i, tap) in taps.iter_mut().enumerate() {
            let delayed = self.lines[i].get(self.positions[i]).copied().unwrap_or(0.0);
            self.damping[i] += self.damping_coefficient * (delayed - self.damping[i]);
            *tap = self.damping[i];
        }
        // Householder-like Hadamard mixing keeps the network lossless before feedback.
        let [a, b, c, d] = taps;
        let mixed = hadamard(taps);
        for (i, line) in self.lines.iter_mut().enumerate() {
            let value = finite_or_zero(x + self.feedback * mixed[i]);
            let position = self.positions[i];
            if let Some(slot) = line.get_mut(position) {
                *slot = value;
            }
            self.positions[i] = if position + 1 >= line.len() {
                0
            } else {
                position + 1
            };
        }
        let left = 0.5 * (a + c);
        let right = 0.5 * (b + d);
        self.tail_energy = 0.9995 * self.tail_energy + (left * left + x * x);
        (left, right)
    }

    /// `process` on every sample of `send`, the reverberation written to `left` and `right`
    /// (the same numbers): a stretch no longer than the shortest line at a time, so every
    /// delayed sample it reads was written before it, and lines are read and written as whole
    /// slices.
    #[inline(always)]
    pub fn process_block(&mut self, send: &[f32], left: &mut [f32], right: &mut [f32]) {
        let frames = send.len().min(left.len()).min(right.len());
        let longest_stretch = self
            .lines
            .iter()
            .map(Vec::len)
            .min()
            .unwrap_or(0)
            .min(STRETCH);
        if longest_stretch == 0 {
            left[..frames].fill(0.0);
            right[..frames].fill(0.0);
            return;
        }
        let mut start = 0;
        while start < frames {
            let end = (start + longest_stretch).min(frames);
            self.process_stretch(
                &send[start..end],
                &mut left[start..end],
                &mut right[start..end],
            );
            start = end;
        }
    }

    /// One stretch of at most `STRETCH` samples and at most the shortest line's length: as a
    /// whole (`run_stretch`), or, if that would have written a non-finite value into the
    /// network, again sample by sample through `process`, which writes 0 instead.
    #[inline(always)]
    fn process_stretch(&mut self, send: &[f32], left: &mut [f32], right: &mut [f32]) {
        let frames = send.len().min(left.len()).min(right.len()).min(STRETCH);
        let (send, left, right) = (&send[..frames], &mut left[..frames], &mut right[..frames]);
        if self.run_stretch(send, left, right) {
            return;
        }
        // `run_stretch` left the rings, positions and state as they were.
        for ((&x, l), r) in send.iter().zip(left.iter_mut()).zip(right.iter_mut()) {
            (*l, *r) = self.process(x);
        }
    }

    /// Runs a stretch (as `process_stretch` bounds it) with no per-sample guard. No line is
    /// shorter than the stretch, so nothing written in it is read back in it: the only
    /// recursions inside are the damping filters and the tail energy. Each line's delayed
    /// samples are read into the scratch, damped there (the four lines together, sample by
    /// sample), then mixed and replaced by the values written back, in one loop over time with
    /// no dependence between samples (whole vectors of samples at a time). Returns false,
    /// changing nothing, if any written value was not finite (the caller then replays the
    /// stretch).
    #[inline(always)]
    fn run_stretch(&mut self, send: &[f32], left: &mut [f32], right: &mut [f32]) -> bool {
        let frames = send.len().min(left.len()).min(right.len()).min(STRETCH);
        let (send, left, right) = (&send[..frames], &mut left[..frames], &mut right[..frames]);
        let Self {
            lines,
            positions,
            scratch,
            damping: state,
            damping_coefficient,
            feedback,
            tail_energy: energy,
        } = self;
        let slots = &mut **scratch;
        for (line, (taps, &position)) in lines.iter().zip(slots.iter_mut().zip(positions.iter())) {
            read_ring(line, position, &mut taps[..frames]);
        }
        let [line_a, line_b, line_c, line_d] = &mut *slots;
        let (line_a, line_b, line_c, line_d) = (
            &mut line_a[..frames],
            &mut line_b[..frames],
            &mut line_c[..frames],
            &mut line_d[..frames],
        );
        let damping = damp(
            *state,
            *damping_coefficient,
            [&mut *line_a, &mut *line_b, &mut *line_c, &mut *line_d],
        );
        let feedback = *feedback;
        let lines_out = line_a
            .iter_mut()
            .zip(line_b.iter_mut())
            .zip(line_c.iter_mut().zip(line_d.iter_mut()));
        for (((&x, l), r), ((tap_a, tap_b), (tap_c, tap_d))) in send
            .iter()
            .zip(left.iter_mut())
            .zip(right.iter_mut())
            .zip(lines_out)
        {
            let damped = [*tap_a, *tap_b, *tap_c, *tap_d];
            let [a, b, c, d] = damped;
            let mixed = hadamard(damped);
            [*tap_a, *tap_b, *tap_c, *tap_d] = [
                x + feedback * mixed[0],
                x + feedback * mixed[1],
                x + feedback * mixed[2],
                x + feedback * mixed[3],
            ];
            *l = 0.5 * (a + c);
            *r = 0.5 * (b + d);
        }
        if !(all_finite(line_a) && all_finite(line_b) && all_finite(line_c) && all_finite(line_d)) {
            return false;
        }
        for (line, (values, position)) in
            lines.iter_mut().zip(slots.iter().zip(positions.iter_mut()))
        {
            *position = write_ring(line, *position, &values[..frames]);
        }
        // The powers as whole vectors (in line a's scratch, now written back), then the
        // recursion alone.
        let powers = &mut slots[0][..frames];
        for ((power, &l), &x) in powers.iter_mut().zip(left.iter()).zip(send) {
            *power = l * l + x * x;
        }
        let mut tail_energy = *energy;
        // Four steps per turn of the loop (the same steps in the same order).
        let fours = powers.chunks_exact(4);
        let rest = fours.remainder();
        for four in fours {
            for &power in four {
                tail_energy = 0.9995 * tail_energy + power;
            }
        }
        for &power in rest {
            tail_energy = 0.9995 * tail_energy + power;
        }
        *state = damping;
        *energy = tail_energy;
        true
    }
}

/// The four lines' damping filters (one-pole low-passes from `state`) run in place over their
/// delayed samples, the four recursions side by side (one vector of four lanes, one per
/// line); returns the final state. On x86-64 four samples of each line at a time are turned
/// into four samples of the four lines by a 4x4 transpose (and back), instead of moving each
/// value into its lane alone: the same operations per line, so the same numbers.
#[inline(always)]
fn damp(mut state: [f32; 4], coefficient: f32, lines: [&mut [f32]; 4]) -> [f32; 4] {
    let [a, b, c, d] = lines;
    let frames = a.len().min(b.len()).min(c.len()).min(d.len());
    #[cfg(target_arch = "x86_64")]
    let done = {
        let done;
        (state, done) = damp_by_fours(state, coefficient, [&mut *a, &mut *b, &mut *c, &mut *d]);
        done
    };
    #[cfg(not(target_arch = "x86_64"))]
    let done = 0;
    for (((a, b), c), d) in a[done..frames]
        .iter_mut()
        .zip(b[done..frames].iter_mut())
        .zip(c[done..frames].iter_mut())
        .zip(d[done..frames].iter_mut())
    {
        let delayed = [*a, *b, *c, *d];
        for i in 0..4 {
            state[i] += coefficient * (delayed[i] - state[i]);
        }
        [*a, *b, *c, *d] = state;
    }
    state
}

/// `damp` over the whole groups of four samples, in 128-bit vectors (SSE: baseline on
/// x86-64); returns the state and how many samples it did.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn damp_by_fours(state: [f32; 4], coefficient: f32, lines: [&mut [f32]; 4]) -> ([f32; 4], usize) {
    use std::arch::x86_64::{_mm_add_ps, _mm_mul_ps, _mm_set1_ps, _mm_sub_ps};
    let [a, b, c, d] = lines;
    let frames = a.len().min(b.len()).min(c.len()).min(d.len()) / 4 * 4;
    let groups = fours(a, frames)
        .iter_mut()
        .zip(fours(b, frames).iter_mut())
        .zip(fours(c, frames).iter_mut().zip(fours(d, frames).iter_mut()));
    // SAFETY: the intrinsics need SSE, part of every x86-64 CPU (the target's baseline).
    let state = unsafe {
        let (mut s, k) = (vector(state), _mm_set1_ps(coefficient));
        for ((a, b), (c, d)) in groups {
            let mut samples = transpose([vector(*a), vector(*b), vector(*c), vector(*d)]);
            for sample in samples.iter_mut() {
                s = _mm_add_ps(s, _mm_mul_ps(k, _mm_sub_ps(*sample, s)));
                *sample = s;
            }
            let [ra, rb, rc, rd] = transpose(samples);
            (*a, *b, *c, *d) = (lanes(ra), lanes(rb), lanes(rc), lanes(rd));
        }
        lanes(s)
    };
    (state, frames)
}

/// The first `frames` samples of `line` (a multiple of four) as groups of four.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn fours(line: &mut [f32], frames: usize) -> &mut [[f32; 4]] {
    line.get_mut(..frames)
        .unwrap_or_default()
        .as_chunks_mut::<4>()
        .0
}

/// Four rows of four floats as four columns (the classic four unpacks and four moves).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn transpose([r0, r1, r2, r3]: [std::arch::x86_64::__m128; 4]) -> [std::arch::x86_64::__m128; 4] {
    use std::arch::x86_64::{_mm_movehl_ps, _mm_movelh_ps, _mm_unpackhi_ps, _mm_unpacklo_ps};
    // SAFETY: as in `damp_by_fours` (SSE is baseline on x86-64).
    unsafe {
        let (t0, t1) = (_mm_unpacklo_ps(r0, r1), _mm_unpacklo_ps(r2, r3));
        let (t2, t3) = (_mm_unpackhi_ps(r0, r1), _mm_unpackhi_ps(r2, r3));
        [
            _mm_movelh_ps(t0, t1),
            _mm_movehl_ps(t1, t0),
            _mm_movelh_ps(t2, t3),
            _mm_movehl_ps(t3, t2),
        ]
    }
}

/// Four floats as one vector, by value (no pointer read).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn vector(lanes: [f32; 4]) -> std::arch::x86_64::__m128 {
    // SAFETY: `[f32; 4]` and `__m128` have the same size, and every bit pattern is valid.
    unsafe { std::mem::transmute::<[f32; 4], std::arch::x86_64::__m128>(lanes) }
}

/// One vector as four floats, by value.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn lanes(v: std::arch::x86_64::__m128) -> [f32; 4] {
    // SAFETY: as in `vector`.
    unsafe { std::mem::transmute::<std::arch::x86_64::__m128, [f32; 4]>(v) }
}

/// Longest stretch `Reverb::process_block` works on at once (its scratch size).
const STRETCH: usize = 256;

/// The four lines' outputs mixed by a scaled 4x4 Hadamard matrix: orthogonal, so the network
/// stays lossless before the feedback gain.
#[inline]
fn hadamard([a, b, c, d]: [f32; 4]) -> [f32; 4] {
    [
        0.5 * (a + b + c + d),
        0.5 * (a - b + c - d),
        0.5 * (a + b - c - d),
        0.5 * (a - b - c + d),
    ]
}

/// `value`, or 0 for an infinity or a NaN (which would otherwise ring in the network forever).
#[inline]
fn finite_or_zero(value: f32) -> f32 {
    if value.is_finite() {
        value
    } else {
        0.0
    }
}

/// Copies `out.len()` samples of ring `line` from `position` on (wrapping; the caller keeps
/// `out` no longer than the ring).
#[inline(always)]
fn read_ring(line: &[f32], position: usize, out: &mut [f32]) {
    let position = position.min(line.len());
    let first = (line.len() - position).min(out.len());
    out[..first].copy_from_slice(&line[position..position + first]);
    let rest = out.len() - first;
    out[first..].copy_from_slice(&line[..rest.min(line.len())]);
}

/// Writes `values` into ring `line` from `position` on (wrapping); returns the position after.
#[inline(always)]
fn write_ring(line: &mut [f32], position: usize, values: &[f32]) -> usize {
    let position = position.min(line.len());
    let first = (line.len() - position).min(values.len());
    line[position..position + first].copy_from_slice(&values[..first]);
    let rest = (values.len() - first).min(line.len());
    line[..rest].copy_from_slice(&values[first..first + rest]);
    let next = position + values.len();
    if next >= line.len() {
        next - line.len()
    } else {
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rms(x: &[f32]) -> f32 {
        (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt()
    }

    #[test]
    fn reverb_rings_then_decays() {
        let mut r = Reverb::default();
        r.prepare(48_000.0);
        let mut out = Vec::new();
        for i in 0..96_000 {
            let (l, rr) = r.process(if i == 0 { 1.0 } else { 0.0 });
            out.push(l + rr);
        }
        assert!(rms(&out[2_000..10_000]) > 1.0e-3);
        assert!(rms(&out[90_000..]) < 0.1 * rms(&out[2_000..10_000]));
        assert!(out.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn a_block_gives_the_samples_one_by_one() {
        for sample_rate in [8_000.0, 48_000.0, 96_000.0] {
            let mut one = Reverb::default();
            let mut block = Reverb::default();
            one.prepare(sample_rate);
            block.prepare(sample_rate);
            let send: Vec<f32> = (0..20_000)
                .map(|i| {
                    if i % 3_000 < 400 {
                        (i as f32 * 0.05).sin()
                    } else {
                        0.0
                    }
                })
                .collect();
            let expected: Vec<(f32, f32)> = send.iter().map(|&x| one.process(x)).collect();
            let mut start = 0;
            for length in [1usize, 256, 17, 300, 1_000].iter().cycle() {
                if start >= send.len() {
                    break;
                }
                let end = (start + length).min(send.len());
                let (mut left, mut right) = (vec![0.0; end - start], vec![0.0; end - start]);
                block.process_block(&send[start..end], &mut left, &mut right);
                for (k, (l, r)) in left.iter().zip(&right).enumerate() {
                    assert_eq!(
                        (*l, *r),
                        expected[start + k],
                        "{sample_rate} Hz, sample {}",
                        start + k
                    );
                }
                start = end;
            }
            assert_eq!(one.is_silent(), block.is_silent());
        }
    }

    #[test]
    fn a_block_gives_the_samples_one_by_one_through_a_nan_and_an_infinity() {
        let mut send: Vec<f32> = (0..6_000).map(|i| (i as f32 * 0.05).sin() * 0.3).collect();
        send[100] = f32::NAN;
        send[255] = f32::INFINITY;
        send[3_001] = f32::NEG_INFINITY;
        let mut one = Reverb::default();
        let mut block = Reverb::default();
        one.prepare(48_000.0);
        block.prepare(48_000.0);
        let expected: Vec<(f32, f32)> = send.iter().map(|&x| one.process(x)).collect();
        let (mut left, mut right) = (vec![0.0; send.len()], vec![0.0; send.len()]);
        for ((s, l), r) in send
            .chunks(700)
            .zip(left.chunks_mut(700))
            .zip(right.chunks_mut(700))
        {
            block.process_block(s, l, r);
        }
        for (k, (l, r)) in left.iter().zip(&right).enumerate() {
            let (el, er) = expected[k];
            assert_eq!(
                (l.to_bits(), r.to_bits()),
                (el.to_bits(), er.to_bits()),
                "sample {k}"
            );
        }
        assert!(left[5_000..].iter().all(|x| x.is_finite()));
    }
}
