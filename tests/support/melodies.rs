//! Sung melodies in known keys for the listening tests: phrases that establish their mode the
//! way real tunes do (they start on the tonic, third or fifth, sing the mode's characteristic
//! degree every phrase, and come to rest on the tonic, now and then on the fifth), with
//! vibrato, glides, consonants, breaths and some off-key notes. The truth is the note list.
#![allow(dead_code)]

use daiw::dsp::synthetic_singer::{GapKind, Segment};
use daiw::music::theory::ScaleKind;

/// A sung note as the melody meant it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrueNote {
    /// Onset: the note's start, or the middle of the glide that leads into it.
    pub start_s: f64,
    /// Where the held pitch ends.
    pub end_s: f64,
    /// The MIDI note meant.
    pub midi: i32,
    /// How far off it is sung, in cents.
    pub offset_cents: f32,
    /// Vibrato depth (cents, peak) and rate (Hz); depth 0 when none.
    pub vibrato: (f32, f32),
}

/// What to sing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MelodySpec {
    /// The tonic as a MIDI note (sets the register).
    pub tonic_midi: i32,
    /// The scale or mode.
    pub scale: ScaleKind,
    /// Roughly how long (the last phrase finishes past it).
    pub seconds: f32,
    /// Variation seed.
    pub seed: u32,
    /// Lowest and highest scale degree sung (0 = tonic, 7 = octave).
    pub degree_range: (i32, i32),
    /// Share of notes sung clearly off (15-40 cents).
    pub off_key_share: f32,
}

impl MelodySpec {
    /// A spec with the usual range (a fourth below the tonic to a tenth above) and 12 % off-key
    /// notes.
    pub fn new(tonic_midi: i32, scale: ScaleKind, seconds: f32, seed: u32) -> Self {
        Self {
            tonic_midi,
            scale,
            seconds,
            seed,
            degree_range: (-3, 9),
            off_key_share: 0.12,
        }
    }
}

/// A melody: what the singer sings and the notes it means.
#[derive(Debug, Clone, PartialEq)]
pub struct Melody {
    /// Singer segments.
    pub segments: Vec<Segment>,
    /// The notes, in order.
    pub notes: Vec<TrueNote>,
}

/// A small deterministic generator (xorshift).
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 >> 8) as f32 / (1u32 << 24) as f32
    }
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.next()
    }
    fn chance(&mut self, p: f32) -> bool {
        self.next() < p
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[((self.next() * items.len() as f32) as usize).min(items.len() - 1)]
    }
}

/// The degrees (0-based) that tell this scale from its neighbours on the same tonic.
pub fn characteristic_degrees(scale: ScaleKind) -> &'static [i32] {
    match scale {
        ScaleKind::Major => &[3, 6],      // 4 (not lydian), 7 (not mixolydian)
        ScaleKind::Minor => &[5, 6, 1],   // b6 (not dorian), b7 (not harmonic), 2
        ScaleKind::Dorian => &[5, 2],     // natural 6 with b3
        ScaleKind::Mixolydian => &[6, 2], // b7 with 3
        ScaleKind::Lydian => &[3, 6],     // #4
        ScaleKind::Phrygian => &[1, 5],   // b2
        ScaleKind::HarmonicMinor => &[6, 5], // 7 with b6
        ScaleKind::MelodicMinor => &[5, 6, 2],
        ScaleKind::Locrian => &[4, 1],
        _ => &[2],
    }
}

/// The MIDI pitch of scale degree `degree` (may be negative or past the octave).
pub fn degree_midi(spec: &MelodySpec, degree: i32) -> i32 {
    let steps = spec.scale.intervals();
    let n = steps.len() as i32;
    spec.tonic_midi + 12 * degree.div_euclid(n) + steps[degree.rem_euclid(n) as usize] as i32
}

/// One phrase's degrees.
fn phrase_degrees(spec: &MelodySpec, rng: &mut Rng, last: bool) -> Vec<i32> {
    let (lo, hi) = spec.degree_range;
    let n = spec.scale.intervals().len() as i32;
    let length = 4 + (rng.next() * 4.0) as usize;
    let mut degrees = vec![rng.pick(&[0, 0, 2, 4])];
    while degrees.len() < length - 2 {
        let previous = degrees[degrees.len() - 1];
        let next = if rng.chance(0.1) {
            rng.pick(&[0, 4, n])
        } else {
            previous + rng.pick(&[-1, 1, -1, 1, -2, 2, 1])
        };
        degrees.push(next.clamp(lo, hi));
    }
    // The characteristic degrees, in the octave nearest the line, in the middle of the phrase.
    for &c in characteristic_degrees(spec.scale) {
        let at = 1 + (rng.next() * (degrees.len() - 1) as f32) as usize;
        let near = degrees[at - 1];
        let candidates = [c - n, c, c + n];
        let chosen = candidates
            .into_iter()
            .filter(|d| (lo..=hi).contains(d))
            .min_by_key(|d| (d - near).abs())
            .unwrap_or(c);
        degrees.insert(at.min(degrees.len()), chosen);
    }
    let last_degree = if last || rng.chance(0.75) { 0 } else { 4 };
    let previous = degrees[degrees.len() - 1];
    // The final in the octave nearest the line, approached by step.
    let final_degree = [last_degree - n, last_degree, last_degree + n]
        .into_iter()
        .filter(|d| (lo..=hi).contains(d))
        .min_by_key(|d| (d - previous).abs())
        .unwrap_or(last_degree);
    degrees.push(final_degree + if previous > final_degree { 1 } else { -1 });
    degrees.push(final_degree);
    degrees
}

/// Sings `spec`: a melody of phrases until `spec.seconds`.
pub fn melody(spec: &MelodySpec) -> Melody {
    let mut rng = Rng(spec.seed.wrapping_mul(2_654_435_761).max(1));
    let mut segments = vec![Segment::Gap {
        seconds: 0.25,
        kind: GapKind::Silence,
    }];
    let mut notes: Vec<TrueNote> = Vec::new();
    let mut t = 0.25f64;
    loop {
        let last = t + 6.0 > spec.seconds as f64;
        let degrees = phrase_degrees(spec, &mut rng, last);
        let mut previous_pitch: Option<f32> = None;
        for (i, &degree) in degrees.iter().enumerate() {
            let midi = degree_midi(spec, degree);
            let final_note = i + 1 == degrees.len();
            let seconds = if final_note {
                rng.range(0.8, 1.4)
            } else {
                rng.range(0.22, 0.55)
            };
            let offset_cents = if rng.chance(spec.off_key_share) {
                rng.range(15.0, 40.0) * rng.pick(&[-1.0, 1.0])
            } else {
                rng.range(-5.0, 5.0)
            };
            let pitch = midi as f32 + offset_cents / 100.0;
            let vibrato = if seconds >= 0.45 && (final_note || rng.chance(0.6)) {
                (rng.range(20.0, 50.0), rng.range(4.5, 6.5))
            } else {
                (0.0, 5.5)
            };
            let mut onset = t;
            if let Some(from) = previous_pitch {
                let same = (from - pitch).abs() < 0.5;
                let choice = rng.next();
                if choice < 0.4 && !same {
                    let glide = rng.range(0.06, 0.14) as f64;
                    segments.push(Segment::Glide {
                        from,
                        to: pitch,
                        seconds: glide as f32,
                    });
                    onset = t + glide / 2.0;
                    t += glide;
                } else if choice < 0.6 && !same {
                    // Straight legato step: nothing between the notes.
                } else {
                    let gap = rng.range(0.05, 0.1);
                    let kind = rng.pick(&[GapKind::Fricative, GapKind::Silence, GapKind::Breath]);
                    segments.push(Segment::Gap { seconds: gap, kind });
                    t += gap as f64;
                    onset = t;
                }
            }
            segments.push(Segment::Note {
                midi: pitch,
                seconds,
                vibrato_cents: vibrato.0,
                vibrato_hz: vibrato.1,
            });
            t += seconds as f64;
            notes.push(TrueNote {
                start_s: onset,
                end_s: t,
                midi,
                offset_cents,
                vibrato,
            });
            previous_pitch = Some(pitch);
        }
        let breath = rng.range(0.35, 0.7);
        segments.push(Segment::Gap {
            seconds: breath,
            kind: GapKind::Breath,
        });
        t += breath as f64;
        if last {
            break;
        }
    }
    Melody { segments, notes }
}
