//! One voice of the real-time backing synth: synthetic drums, a bass and a chord voice chosen by
//! General MIDI program, the same recipes as the offline renderer (`music::synth`) but as plain
//! state that is started in place. Starting, running and releasing a voice never allocates, so
//! a fixed pool of them lives on the audio thread. This module holds the voice (its state,
//! start, release, oscillators, filter and envelopes); `recipe` holds the sounds themselves.

use std::f32::consts::TAU;

use super::noise::WhiteNoise;
use recipe::Recipe;

mod recipe;

/// Which part a note belongs to (mirrors the music brain's parts without depending on them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoicePart {
    /// General MIDI percussion.
    Drums,
    /// The bass line.
    Bass,
    /// Chords.
    Chords,
}

/// A state-variable filter (trapezoidal), two outputs: low-pass and band-pass.
#[derive(Debug, Clone, Copy, Default)]
struct Svf {
    g: f32,
    k: f32,
    ic1: f32,
    ic2: f32,
}

impl Svf {
    fn set(&mut self, sample_rate: f32, cutoff: f32, q: f32) {
        let f = cutoff.clamp(10.0, sample_rate * 0.45);
        self.g = (std::f32::consts::PI * f / sample_rate).tan();
        self.k = 1.0 / q.max(0.05);
        self.ic1 = 0.0;
        self.ic2 = 0.0;
    }

    /// Returns (low, band, high).
    #[inline]
    fn tick(&mut self, x: f32) -> (f32, f32, f32) {
        let g = self.g;
        let a1 = 1.0 / (1.0 + g * (g + self.k));
        let v3 = x - self.ic2;
        let v1 = a1 * self.ic1 + g * a1 * v3;
        let v2 = self.ic2 + g * v1;
        self.ic1 = 2.0 * v1 - self.ic1;
        self.ic2 = 2.0 * v2 - self.ic2;
        (v2, v1, x - self.k * v1 - v2)
    }
}

/// One synth voice.
#[derive(Debug, Clone)]
pub struct BackingVoice {
    recipe: Recipe,
    active: bool,
    /// Seconds since the start.
    t: f32,
    dt: f32,
    sample_rate: f32,
    freq: f32,
    level: f32,
    phase: [f32; 3],
    svf: Svf,
    noise: WhiteNoise,
    /// Seconds held before release; `f32::INFINITY` while the key is down.
    hold: f32,
    released: bool,
    pan_l: f32,
    pan_r: f32,
    /// Up to three exponential decays, and their per-sample factors.
    decay: [f32; 3],
    decay_k: [f32; 3],
    /// Release fade (1 until released), and its per-sample factor.
    release_level: f32,
    release_k: f32,
    lfo_phase: f32,
    /// Age order, for stealing the oldest voice.
    pub started_at: u64,
    /// The MIDI note and part that started it, so a note-off finds it.
    pub note: u8,
    /// The part that started it.
    pub part: VoicePart,
    /// Song tick (unwrapped) at which its note ends.
    pub off_tick: f64,
    /// Whether the note is still held (its MIDI note-off not yet sent).
    pub gate: bool,
}

impl Default for BackingVoice {
    fn default() -> Self {
        Self {
            recipe: Recipe::OtherPerc,
            active: false,
            t: 0.0,
            dt: 1.0 / 48_000.0,
            sample_rate: 48_000.0,
            freq: 440.0,
            level: 0.0,
            phase: [0.0; 3],
            svf: Svf::default(),
            noise: WhiteNoise::new(1),
            hold: f32::INFINITY,
            released: false,
            pan_l: 0.707,
            pan_r: 0.707,
            decay: [1.0; 3],
            decay_k: [1.0; 3],
            release_level: 1.0,
            release_k: 1.0,
            lfo_phase: 0.0,
            started_at: 0,
            note: 0,
            part: VoicePart::Drums,
            off_tick: 0.0,
            gate: false,
        }
    }
}

/// sin(2 pi `phase`) for a phase in 0..1, by a polynomial (error below 1e-4): a dozen sines
/// per sample across the voices would otherwise dominate the synth's cost.
#[inline]
fn fast_sin(phase: f32) -> f32 {
    // Fold to -1/4..1/4 of a cycle, where sin is odd and the polynomial is accurate.
    let mut x = phase - phase.floor();
    let sign = if x > 0.5 {
        x -= 0.5;
        -1.0
    } else {
        1.0
    };
    if x > 0.25 {
        x = 0.5 - x;
    }
    let r = x * TAU;
    let r2 = r * r;
    sign * r
        * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 / 362_880.0))))
}

fn midi_freq(note: u8) -> f32 {
    440.0 * 2f32.powf((note as f32 - 69.0) / 12.0)
}

/// Loudness of a velocity: a gentle curve, so soft notes stay audible.
fn velocity_amp(velocity: u8) -> f32 {
    let v = velocity as f32 / 127.0;
    0.15 * v + 0.85 * v * v
}

impl BackingVoice {
    /// Whether the voice is sounding.
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Whether the key has been released (it may still ring).
    pub fn is_released(&self) -> bool {
        self.released
    }

    /// Starts a note in place (the previous sound is cut).
    pub fn start(
        &mut self,
        sample_rate: f32,
        part: VoicePart,
        program: u8,
        note: u8,
        velocity: u8,
        seed: u32,
    ) {
        self.sample_rate = sample_rate.max(1000.0);
        self.dt = 1.0 / self.sample_rate;
        self.t = 0.0;
        self.phase = [0.0; 3];
        self.noise = WhiteNoise::new(seed);
        self.hold = f32::INFINITY;
        self.released = false;
        self.active = true;
        self.note = note;
        self.part = part;
        self.gate = true;
        self.freq = midi_freq(note);
        let a = velocity_amp(velocity);
        self.recipe = Recipe::of(part, program, note);
        if let Some((cutoff, q)) = self.recipe.filter() {
            self.svf.set(self.sample_rate, cutoff, q);
        }
        self.level = self.recipe.level(a);
        let (rates, release) = self.recipe.rates();
        self.decay = [1.0; 3];
        for (k, rate) in self.decay_k.iter_mut().zip(rates) {
            *k = (-rate * self.dt).exp();
        }
        self.release_level = 1.0;
        self.release_k = (-release * self.dt).exp();
        self.lfo_phase = 0.0;
        // Equal-power pan.
        let pan = self.recipe.pan(note);
        let angle = (pan.clamp(-1.0, 1.0) + 1.0) * std::f32::consts::FRAC_PI_4;
        self.pan_l = angle.cos();
        self.pan_r = angle.sin();
    }

    /// Releases the key: pitched voices fade, drums ring out as one-shots.
    pub fn release(&mut self) {
        if !self.released {
            self.released = true;
            self.hold = self.t;
        }
        self.gate = false;
    }

    /// Stops the voice at once (used only when a voice is stolen).
    pub fn kill(&mut self) {
        self.active = false;
        self.gate = false;
    }

    #[inline]
    fn osc(&mut self, index: usize, freq: f32) -> f32 {
        let p = self.phase[index];
        let next = p + freq * self.dt;
        self.phase[index] = next - next.floor();
        p
    }

    #[inline]
    fn sine(&mut self, index: usize, freq: f32) -> f32 {
        fast_sin(self.osc(index, freq))
    }

    #[inline]
    fn saw(&mut self, index: usize, freq: f32) -> f32 {
        self.osc(index, freq) * 2.0 - 1.0
    }

    /// The next mono sample, before panning; `None` when the voice has finished.
    #[inline]
    fn next_mono(&mut self) -> Option<f32> {
        let t = self.t;
        let (out, ring_out) = self.recipe_sample();
        self.t += self.dt;
        for (d, k) in self.decay.iter_mut().zip(self.decay_k) {
            *d *= k;
        }
        if self.released {
            self.release_level *= self.release_k;
        }
        let pitched = matches!(self.recipe, Recipe::Bass { .. } | Recipe::Keys { .. });
        // A one-shot ends when it has rung out; a pitched note when its release has.
        let finished = if pitched {
            self.released && t > self.hold + ring_out
        } else {
            t > ring_out && !self.gate
        };
        if finished {
            self.active = false;
            return None;
        }
        Some(if out.is_finite() { out } else { 0.0 })
    }

    /// Attack ramp, decay toward `sustain` (`decayed` = exp(-decay rate * t)), release.
    #[inline]
    fn envelope(&self, attack: f32, sustain: f32, decayed: f32) -> f32 {
        let rise = if attack > 0.0 {
            (self.t / attack).min(1.0)
        } else {
            1.0
        };
        rise * (sustain + (1.0 - sustain) * decayed) * self.release_level
    }

    /// A slow sine (tremolo) on the third phase slot's companion.
    #[inline]
    fn lfo(&mut self, hz: f32) -> f32 {
        let p = self.lfo_phase;
        let next = p + hz * self.dt;
        self.lfo_phase = next - next.floor();
        fast_sin(p)
    }

    /// Adds the voice's next sample to `left`/`right`; returns false once it has finished.
    #[inline]
    pub fn render_into(&mut self, left: &mut f32, right: &mut f32) -> bool {
        if !self.active {
            return false;
        }
        match self.next_mono() {
            Some(x) => {
                *left += x * self.pan_l;
                *right += x * self.pan_r;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(voice: &mut BackingVoice, seconds: f32, release_at: f32) -> Vec<f32> {
        let n = (seconds * 48_000.0) as usize;
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            if i == (release_at * 48_000.0) as usize {
                voice.release();
            }
            let (mut l, mut r) = (0.0, 0.0);
            voice.render_into(&mut l, &mut r);
            out.push(0.5 * (l + r));
        }
        out
    }

    /// Fundamental by counting upward zero crossings of a low-passed copy.
    fn crossings_hz(x: &[f32]) -> f32 {
        let mut lp = 0.0f32;
        let mut prev = 0.0f32;
        let mut count = 0;
        for &s in x {
            lp += 0.05 * (s - lp);
            if prev <= 0.0 && lp > 0.0 {
                count += 1;
            }
            prev = lp;
        }
        count as f32 / (x.len() as f32 / 48_000.0)
    }

    #[test]
    fn fast_sine_matches_sin() {
        for i in 0..10_000 {
            let phase = i as f32 / 10_000.0 * 3.0 - 1.0;
            let err = (fast_sin(phase) - (phase * TAU).sin()).abs();
            assert!(err < 1e-4, "phase {phase}: error {err}");
        }
    }

    #[test]
    fn bass_plays_its_note_and_stops_after_release() {
        let mut v = BackingVoice::default();
        v.start(48_000.0, VoicePart::Bass, 33, 45, 100, 7); // A2 = 110 Hz
        let out = render(&mut v, 1.0, 0.5);
        let hz = crossings_hz(&out[4800..24_000]);
        assert!((hz - 110.0).abs() < 3.0, "bass at {hz} Hz");
        assert!(out[..24_000].iter().any(|x| x.abs() > 0.05));
        assert!(!v.is_active(), "the released note has finished");
        assert!(out[24_000 + 9600..].iter().all(|x| *x == 0.0));
    }

    #[test]
    fn every_recipe_sounds_and_ends() {
        let drums = [36u8, 38, 37, 39, 42, 46, 49, 51, 45, 54, 56, 62, 76, 31];
        for (part, notes, program) in [
            (VoicePart::Drums, &drums[..], 0u8),
            (VoicePart::Chords, &[60u8, 64, 67][..], 0),
            (VoicePart::Chords, &[60][..], 4),
            (VoicePart::Chords, &[60][..], 7),
            (VoicePart::Chords, &[60][..], 18),
            (VoicePart::Chords, &[60][..], 25),
            (VoicePart::Chords, &[60][..], 48),
            (VoicePart::Bass, &[40][..], 38),
            (VoicePart::Bass, &[40][..], 36),
        ] {
            for &note in notes {
                let mut v = BackingVoice::default();
                v.start(48_000.0, part, program, note, 110, 3);
                let out = render(&mut v, 3.0, 0.2);
                let peak = out.iter().fold(0.0f32, |m, x| m.max(x.abs()));
                assert!(
                    peak > 0.01 && peak < 2.0,
                    "{part:?} {program} {note}: {peak}"
                );
                assert!(!v.is_active(), "{part:?} {program} {note} rings forever");
            }
        }
    }
}
