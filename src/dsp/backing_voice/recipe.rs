//! The recipes of the backing synth: which sound a note gets (a drum by its General MIDI note,
//! a bass or chord voice by its program), what each recipe sets when a voice starts (filter,
//! loudness, envelope rates, place in the stereo field), and how each makes its next sample from
//! the voice's oscillators, noise, filter and envelopes.

use super::{BackingVoice, VoicePart};

/// The sound a voice makes, decided when it starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Recipe {
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

impl Recipe {
    /// The recipe of `note` in `part`; `program` picks a bass's or a chord voice's sound.
    pub(super) fn of(part: VoicePart, program: u8, note: u8) -> Self {
        match part {
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
            VoicePart::Chords => Recipe::Keys { program },
        }
    }

    /// Cutoff (Hz) and Q the voice's filter is set to, for the recipes that use it.
    pub(super) fn filter(self) -> Option<(f32, f32)> {
        match self {
            Recipe::Snare => Some((2600.0, 0.6)),
            Recipe::Rim => Some((1600.0, 3.0)),
            Recipe::Clap => Some((1300.0, 1.2)),
            Recipe::Hat { .. } => Some((7800.0, 0.7)),
            Recipe::Cymbal { crash } => Some((if crash { 4500.0 } else { 6000.0 }, 0.5)),
            Recipe::Shaker => Some((6500.0, 0.8)),
            Recipe::Bell => Some((800.0, 2.0)),
            Recipe::OtherPerc => Some((1000.0, 1.0)),
            Recipe::Bass { program } => {
                let cutoff = match program {
                    36 | 37 => 2200.0,
                    38 | 39 => 900.0,
                    _ => 1100.0,
                };
                Some((cutoff, 0.8))
            }
            Recipe::Keys { program } => {
                let cutoff = match program {
                    7 => 2600.0,
                    24..=31 => 3200.0,
                    40..=55 | 80..=103 => 1900.0,
                    _ => 8000.0,
                };
                Some((cutoff, 0.7))
            }
            _ => None,
        }
    }

    /// The voice's level for a velocity's loudness `amp`.
    pub(super) fn level(self, amp: f32) -> f32 {
        match self {
            Recipe::Bass { .. } => amp * 0.9,
            Recipe::Keys { .. } => amp * 0.32,
            _ => amp,
        }
    }

    /// Decay rates (1/s) of the recipe's envelopes, and its release rate.
    pub(super) fn rates(self) -> ([f32; 3], f32) {
        match self {
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
        }
    }

    /// Place in the stereo field, -1 (left) to 1 (right): chords spread by pitch, some
    /// percussion off centre.
    pub(super) fn pan(self, note: u8) -> f32 {
        match self {
            Recipe::Keys { .. } => ((note as f32 - 64.0) / 24.0).clamp(-0.6, 0.6),
            Recipe::Hat { .. } => 0.25,
            Recipe::Cymbal { crash } => {
                if crash {
                    -0.3
                } else {
                    0.3
                }
            }
            Recipe::Shaker => -0.35,
            _ => 0.0,
        }
    }
}

impl BackingVoice {
    /// The recipe's next sample (before panning and before the envelopes advance), and how long
    /// (seconds) it rings: a one-shot for that long from its start, a pitched note for that long
    /// after its release.
    #[inline]
    pub(super) fn recipe_sample(&mut self) -> (f32, f32) {
        let t = self.t;
        let a = self.level;
        let f = self.freq;
        // Exponential decays as per-sample recurrences: d[i] = exp(-rate_i * t).
        let [d0, d1, d2] = self.decay;
        match self.recipe {
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
        }
    }
}
