//! One voice of the real-time backing synth: synthetic drums, a bass and a chord voice chosen by
//! General MIDI program, the same recipes as the offline renderer (`music::synth`) but as plain
//! state that is started in place. Starting, running and releasing a voice never allocates, so
//! a fixed pool of them lives on the audio thread.

use std::f32::consts::TAU;

use super::noise::WhiteNoise;

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

/// The sound a voice makes, decided when it starts.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Recipe {
    Kick,
    Snare,
    Rim,
    Clap,
    Hat { open: bool },
    Cymbal { crash: bool },
    Tom { freq: f32 },
    Shaker,
    Bell,
    Conga { freq: f32 },
    Wood,
    OtherPerc,
    Bass { program: u8 },
    Keys { program: u8 },
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
        let mut pan = 0.0f32;
        self.recipe = match part {
            VoicePart::Drums => match note {
                35 | 36 => Recipe::Kick,
                38 | 40 => Recipe::Snare,
                37 => Recipe::Rim,
                39 => Recipe::Clap,
                42 | 44 => Recipe::Hat { open: false },
                46 => Recipe::Hat { open: true },
                49 | 52 | 55 | 57 => Recipe::Cymbal { crash: true },
                51 | 53 | 59 => Recipe::Cymbal { crash: false },
                41 | 43 | 45 | 47 | 48 | 50 => Recipe::Tom {
                    freq: 80.0 + (note as f32 - 41.0) * 11.0,
                },
                54 | 69 | 70 | 82 => Recipe::Shaker,
                56 => Recipe::Bell,
                60..=64 => Recipe::Conga {
                    freq: [420.0, 300.0, 330.0, 300.0, 210.0][(note - 60) as usize],
                },
                75..=77 => Recipe::Wood,
                _ => Recipe::OtherPerc,
            },
            VoicePart::Bass => Recipe::Bass { program },
            VoicePart::Chords => {
                pan = ((note as f32 - 64.0) / 24.0).clamp(-0.6, 0.6);
                Recipe::Keys { program }
            }
        };
        let sr = self.sample_rate;
        match self.recipe {
            Recipe::Snare => self.svf.set(sr, 2600.0, 0.6),
            Recipe::Rim => self.svf.set(sr, 1600.0, 3.0),
            Recipe::Clap => self.svf.set(sr, 1300.0, 1.2),
            Recipe::Hat { .. } => {
                pan = 0.25;
                self.svf.set(sr, 7800.0, 0.7)
            }
            Recipe::Cymbal { crash } => {
                pan = if crash { -0.3 } else { 0.3 };
                self.svf.set(sr, if crash { 4500.0 } else { 6000.0 }, 0.5)
            }
            Recipe::Shaker => {
                pan = -0.35;
                self.svf.set(sr, 6500.0, 0.8)
            }
            Recipe::Bell => self.svf.set(sr, 800.0, 2.0),
            Recipe::OtherPerc => self.svf.set(sr, 1000.0, 1.0),
            Recipe::Bass { program } => {
                let cutoff = match program {
                    36 | 37 => 2200.0,
                    38 | 39 => 900.0,
                    _ => 1100.0,
                };
                self.svf.set(sr, cutoff, 0.8)
            }
            Recipe::Keys { program } => {
                let cutoff = match program {
                    7 => 2600.0,
                    24..=31 => 3200.0,
                    40..=55 | 80..=103 => 1900.0,
                    _ => 8000.0,
                };
                self.svf.set(sr, cutoff, 0.7)
            }
            _ => {}
        }
        self.level = match self.recipe {
            Recipe::Bass { .. } => a * 0.9,
            Recipe::Keys { .. } => a * 0.32,
            _ => a,
        };
        // Decay rates (1/s) of each recipe's envelopes, and its release rate.
        let (rates, release): ([f32; 3], f32) = match self.recipe {
            Recipe::Kick => ([28.0, 7.0, 200.0], 0.0),
            Recipe::Snare => ([22.0, 15.0, 0.0], 0.0),
            Recipe::Rim => ([60.0, 80.0, 0.0], 0.0),
            Recipe::Clap => ([14.0, 0.0, 0.0], 0.0),
            Recipe::Hat { open: true } => ([8.0, 0.0, 0.0], 0.0),
            Recipe::Hat { open: false } => ([65.0, 0.0, 0.0], 0.0),
            Recipe::Cymbal { crash: true } => ([2.2, 0.0, 0.0], 0.0),
            Recipe::Cymbal { crash: false } => ([5.0, 4.0, 0.0], 0.0),
            Recipe::Tom { .. } => ([20.0, 9.0, 0.0], 0.0),
            Recipe::Shaker => ([300.0, 35.0, 0.0], 0.0),
            Recipe::Bell => ([14.0, 0.0, 0.0], 0.0),
            Recipe::Conga { .. } => ([40.0, 14.0, 0.0], 0.0),
            Recipe::Wood => ([45.0, 0.0, 0.0], 0.0),
            Recipe::OtherPerc => ([20.0, 0.0, 0.0], 0.0),
            Recipe::Bass { .. } => ([5.0, 0.0, 0.0], 30.0),
            Recipe::Keys { program } => match program {
                4..=6 => ([1.2, 14.0, 0.0], 9.0),
                7 => ([6.0, 0.0, 0.0], 25.0),
                16..=23 => ([0.0, 0.0, 0.0], 20.0),
                24..=31 => ([2.5, 6.0, 0.0], 14.0),
                40..=55 | 80..=103 => ([0.0, 0.0, 0.0], 5.0),
                _ => ([1.8, 0.0, 0.0], 10.0),
            },
        };
        self.decay = [1.0; 3];
        for (k, rate) in self.decay_k.iter_mut().zip(rates) {
            *k = (-rate * self.dt).exp();
        }
        self.release_level = 1.0;
        self.release_k = (-release * self.dt).exp();
        self.lfo_phase = 0.0;
        // Equal-power pan.
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
        let a = self.level;
        let f = self.freq;
        // Exponential decays as per-sample recurrences: d[i] = exp(-rate_i * t).
        let [d0, d1, d2] = self.decay;
        let (out, ring_out) = match self.recipe {
            Recipe::Kick => {
                let body = self.sine(0, 46.0 + 120.0 * d0) * a * 1.1 * d1;
                let click = self.noise.next_value() * a * 0.2 * d2;
                (body + click, 0.6)
            }
            Recipe::Snare => {
                let body = self.sine(0, 190.0) * a * 0.55 * d0;
                let wires = self.svf.tick(self.noise.next_value()).1 * a * 1.2 * d1;
                (body + wires, 0.4)
            }
            Recipe::Rim => {
                let tick = self.svf.tick(self.noise.next_value()).1 * a * 1.5 * d0;
                (tick + self.sine(0, 820.0) * a * 0.3 * d1, 0.15)
            }
            Recipe::Clap => {
                // Three quick bursts and a tail: the hands of a clap never land at once.
                let burst = if t < 0.03 {
                    1.0 - (t * 100.0).fract() * 0.8
                } else {
                    1.0
                };
                let n = self.svf.tick(self.noise.next_value()).1;
                (n * a * 1.3 * burst * d0, 0.35)
            }
            Recipe::Hat { open } => {
                let n = self.svf.tick(self.noise.next_value()).2;
                if open {
                    (n * a * 0.45 * d0, 0.5)
                } else {
                    (n * a * 0.55 * d0, 0.12)
                }
            }
            Recipe::Cymbal { crash } => {
                let n = self.svf.tick(self.noise.next_value()).2;
                if crash {
                    (n * a * 0.5 * d0, 2.0)
                } else {
                    let bell = self.sine(0, 3400.0) * a * 0.1 * d1;
                    (n * a * 0.22 * d0 + bell, 1.0)
                }
            }
            Recipe::Tom { freq } => {
                let s = self.sine(0, freq * (1.0 + 0.5 * d0));
                (s * a * 0.9 * d1, 0.6)
            }
            Recipe::Shaker => {
                let n = self.svf.tick(self.noise.next_value()).2;
                (n * a * 0.5 * (1.0 - d0) * d1, 0.15)
            }
            Recipe::Bell => {
                let s = self.sine(0, 545.0) + self.sine(1, 815.0);
                (self.svf.tick(s).1 * a * 0.6 * d0, 0.3)
            }
            Recipe::Conga { freq } => {
                let s = self.sine(0, freq * (1.0 + 0.2 * d0));
                (s * a * 0.8 * d1, 0.4)
            }
            Recipe::Wood => (self.sine(0, 2400.0) * a * 0.7 * d0, 0.15),
            Recipe::OtherPerc => {
                let n = self.svf.tick(self.noise.next_value()).1;
                (n * a * 0.6 * d0, 0.2)
            }
            Recipe::Bass { program } => {
                let raw = match program {
                    36 | 37 => self.saw(0, f) * 0.5 + self.sine(1, f) * 0.7,
                    38 | 39 => {
                        let square = if self.osc(2, f * 0.5) < 0.5 {
                            1.0
                        } else {
                            -1.0
                        };
                        self.saw(0, f) * 0.6 + square * 0.3
                    }
                    _ => {
                        let tri = 1.0 - 4.0 * (self.osc(0, f) - 0.5).abs();
                        tri * 0.7 + self.sine(1, f) * 0.7
                    }
                };
                let env = self.envelope(0.006, 0.6, d0);
                (self.svf.tick(raw).0 * a * env, 0.15)
            }
            Recipe::Keys { program } => {
                let (raw, env) = match program {
                    4..=6 => {
                        let tone = self.sine(0, f) + self.sine(1, f * 2.0) * 0.12;
                        let bell = self.sine(2, f * 7.0) * 0.15 * d1;
                        let tremolo = 1.0 + 0.08 * self.lfo(5.0);
                        ((tone + bell) * tremolo, self.envelope(0.003, 0.35, d0))
                    }
                    7 => {
                        let square = if self.osc(0, f) < 0.5 { 1.0 } else { -1.0 };
                        (self.svf.tick(square).0 * 0.8, self.envelope(0.002, 0.2, d0))
                    }
                    16..=23 => {
                        let tone = self.sine(0, f)
                            + self.sine(1, f * 2.0) * 0.5
                            + self.sine(2, f * 4.0) * 0.25;
                        (tone * 0.5, self.envelope(0.01, 1.0, d0))
                    }
                    24..=31 => {
                        // A plucked string: bright at the attack, darker as it rings.
                        let s = self.saw(0, f) * (0.3 + 0.7 * d1) + self.sine(1, f) * 0.6;
                        (self.svf.tick(s).0 * 1.4, self.envelope(0.0, 0.15, d0))
                    }
                    40..=55 | 80..=103 => {
                        let tone =
                            (self.saw(0, f) + self.saw(1, f * 1.004) + self.saw(2, f * 0.996))
                                * 0.33;
                        (self.svf.tick(tone).0 * 0.8, self.envelope(0.12, 1.0, d0))
                    }
                    _ => {
                        let tone = self.sine(0, f)
                            + self.sine(1, f * 2.0) * 0.35
                            + self.sine(2, f * 3.0) * 0.12;
                        (tone, self.envelope(0.002, 0.25, d0))
                    }
                };
                (raw * a * env, 0.4)
            }
        };
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
