//! Keys: a tonic and a scale, with the spelling of their notes and their chords.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::*;

/// A key: a spelled tonic and a scale or mode ("F major", "A minor", "D dorian").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    /// The tonic as spelled.
    pub tonic: Note,
    /// The scale or mode.
    pub scale: ScaleKind,
}

impl Key {
    /// A key from a spelled tonic.
    pub const fn new(tonic: Note, scale: ScaleKind) -> Key {
        Key { tonic, scale }
    }

    /// A key on a pitch class, spelled with the fewest accidentals (Bb major, not A# major;
    /// F# minor, not Gb minor). Ties go to flats in major-third keys, sharps otherwise.
    pub fn from_pitch_class(tonic: PitchClass, scale: ScaleKind) -> Key {
        let mut best: Option<(i32, Key)> = None;
        // Letters run C..B, so on a tie the sharp spelling (F# over Gb) is met first and kept.
        for letter in Letter::ALL {
            let Some(note) = Note::spell(tonic, letter) else {
                continue;
            };
            if note.accidental.abs() > 1 {
                continue;
            }
            let key = Key::new(note, scale);
            let cost: i32 = key
                .scale_notes()
                .iter()
                .map(|n| n.accidental.abs() as i32 * if n.accidental.abs() > 1 { 5 } else { 1 })
                .sum();
            if best.is_none_or(|(best_cost, _)| cost < best_cost) {
                best = Some((cost, key));
            }
        }
        best.map(|(_, key)| key)
            .unwrap_or_else(|| Key::new(Note::default_spelling(tonic), scale))
    }

    /// The tonic's pitch class.
    pub fn tonic_pc(self) -> PitchClass {
        self.tonic.pitch_class()
    }

    /// The seven spelled degrees of the harmonic parent scale (one letter each).
    pub fn scale_notes(self) -> Vec<Note> {
        let parent = self.scale.harmonic_parent();
        parent
            .intervals()
            .iter()
            .enumerate()
            .map(|(degree, &step)| self.spelled(degree as i32, step as i32))
            .collect()
    }

    /// Pitch classes that belong to the key, as a 12-bit mask (bit n = semitone n above C).
    /// Pentatonic, blues and chromatic keys use their harmonic parent so chords fit.
    pub fn mask(self) -> u16 {
        self.scale
            .harmonic_parent()
            .pitch_class_mask(self.tonic_pc())
    }

    /// True when `pc` is one of the key's notes.
    pub fn contains(self, pc: PitchClass) -> bool {
        self.mask() & (1 << pc.semitone()) != 0
    }

    /// The note `semitones` above the tonic written on the letter `letter_steps` above it.
    fn spelled(self, letter_steps: i32, semitones: i32) -> Note {
        let pc = self.tonic_pc().transpose(semitones);
        Note::spell(pc, self.tonic.letter.step(letter_steps))
            .unwrap_or_else(|| Note::default_spelling(pc))
    }

    /// The root of scale degree `degree` (1..=7) of this key; with an accidental the degree is
    /// taken from the major scale on the tonic and altered (bVI, #IV), so "bVI" means the same in
    /// major and minor. Without one it is the key's own degree (VI in A minor is F).
    pub fn degree_root(self, degree: u8, accidental: i8) -> Note {
        let index = (degree.clamp(1, 7) - 1) as usize;
        let semitones = if accidental == 0 {
            self.scale.harmonic_parent().intervals()[index] as i32
        } else {
            ScaleKind::Major.intervals()[index] as i32 + accidental as i32
        };
        self.spelled(index as i32, semitones)
    }

    /// Key signature for MIDI: sharps (positive) or flats (negative) of the parent scale's
    /// spelling, clamped to -7..=7.
    pub fn signature(self) -> i8 {
        let sum: i32 = match self.scale.harmonic_parent() {
            // Harmonic and melodic minor carry the natural minor's signature.
            ScaleKind::HarmonicMinor | ScaleKind::MelodicMinor => {
                Key::new(self.tonic, ScaleKind::Minor).signature() as i32
            }
            _ => self.scale_notes().iter().map(|n| n.accidental as i32).sum(),
        };
        sum.clamp(-7, 7) as i8
    }

    /// Diatonic chord on `degree` (1..=7) stacking `size` thirds (3 triad, 4 seventh, 5 ninth);
    /// a ninth that would be minor falls back to the seventh chord.
    pub fn diatonic_chord(self, degree: u8, size: usize) -> Chord {
        let parent = self.scale.harmonic_parent();
        let steps = parent.intervals();
        let index = (degree.clamp(1, 7) - 1) as usize;
        let above = |thirds: usize| -> u8 {
            let i = index + 2 * thirds;
            let octave = (i / 7) as u8 * 12;
            (steps[i % 7] + octave - steps[index]) % 24
        };
        let third = above(1);
        let fifth = above(2);
        let triad = match (third, fifth) {
            (4, 7) => ChordQuality::Major,
            (3, 7) => ChordQuality::Minor,
            (3, 6) => ChordQuality::Diminished,
            (4, 8) => ChordQuality::Augmented,
            _ => ChordQuality::Major,
        };
        let mut quality = triad;
        if size >= 4 {
            quality = match (third, fifth, above(3)) {
                (4, 7, 11) => ChordQuality::Major7,
                (4, 7, 10) => ChordQuality::Dominant7,
                (3, 7, 10) => ChordQuality::Minor7,
                (3, 6, 10) => ChordQuality::HalfDiminished7,
                (3, 6, 9) => ChordQuality::Diminished7,
                (3, 7, 11) => ChordQuality::MinorMajor7,
                _ => triad,
            };
        }
        if size >= 5 && (above(4) + 12) % 12 == 2 {
            quality = match quality {
                ChordQuality::Major7 => ChordQuality::Major9,
                ChordQuality::Dominant7 => ChordQuality::Dominant9,
                ChordQuality::Minor7 => ChordQuality::Minor9,
                other => other,
            };
        }
        Chord::new(self.degree_root(degree, 0), quality)
    }

    /// "F major", "A minor", "D dorian".
    pub fn name(self) -> String {
        let mode = match self.scale {
            ScaleKind::Major => "major".to_string(),
            ScaleKind::Minor => "minor".to_string(),
            other => other.display_name().to_ascii_lowercase(),
        };
        format!("{} {}", self.tonic, mode)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl FromStr for Key {
    type Err = TheoryError;

    /// Reads "F major", "A minor", "F#m", "Bb", "bbm", "C# dorian", "Eb maj", "F sharp minor",
    /// "D dorian mode"; a bare tonic is major.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (tonic, rest) = Note::parse_prefix(text)
            .map_err(|_| TheoryError::UnknownKey(text.trim().to_string()))?;
        let rest = rest.trim();
        let rest = rest
            .strip_suffix(" mode")
            .or_else(|| rest.strip_suffix(" key"))
            .unwrap_or(rest)
            .trim();
        let scale = match rest {
            "" | "M" | "maj" | "Maj" | "major" | "Major" | "MAJOR" => ScaleKind::Major,
            "m" | "-" | "min" | "Min" | "minor" | "Minor" | "MINOR" => ScaleKind::Minor,
            other => other
                .parse::<ScaleKind>()
                .map_err(|_| TheoryError::UnknownKey(text.trim().to_string()))?,
        };
        Ok(Key::new(tonic, scale))
    }
}

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
