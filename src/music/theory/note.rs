//! Spelled notes: letter plus accidental plus octave, as a key spells them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::*;

/// One of the seven note letters; the spelling half of a note name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Letter {
    /// C
    C,
    /// D
    D,
    /// E
    E,
    /// F
    F,
    /// G
    G,
    /// A
    A,
    /// B
    B,
}

impl Letter {
    /// The letters from C.
    pub const ALL: [Letter; 7] = [
        Letter::C,
        Letter::D,
        Letter::E,
        Letter::F,
        Letter::G,
        Letter::A,
        Letter::B,
    ];

    /// Semitones above C of the natural (unaltered) note.
    pub fn natural_semitone(self) -> i32 {
        [0, 2, 4, 5, 7, 9, 11][self as usize]
    }

    /// The letter `steps` letters above this one (wrapping; 2 = a third up).
    pub fn step(self, steps: i32) -> Letter {
        Self::ALL[(self as i32 + steps).rem_euclid(7) as usize]
    }

    /// The upper-case letter as text.
    pub fn as_char(self) -> char {
        ['C', 'D', 'E', 'F', 'G', 'A', 'B'][self as usize]
    }

    fn from_char(c: char) -> Option<Letter> {
        let index = "cdefgab".find(c.to_ascii_lowercase())?;
        Some(Self::ALL[index])
    }
}

/// A spelled note name: a letter and an accidental (-2 = double flat .. +2 = double sharp), so
/// that Bb and A# stay different words for the same pitch class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Note {
    /// The letter.
    pub letter: Letter,
    /// Semitones of alteration: negative flats, positive sharps.
    pub accidental: i8,
}

impl Note {
    /// A note from its letter and accidental.
    pub const fn new(letter: Letter, accidental: i8) -> Note {
        Note { letter, accidental }
    }

    /// The sounding pitch class.
    pub fn pitch_class(self) -> PitchClass {
        PitchClass::from_semitone(self.letter.natural_semitone() + self.accidental as i32)
    }

    /// `pitch_class` written with `letter`, or `None` when that needs more than two accidentals.
    pub fn spell(pitch_class: PitchClass, letter: Letter) -> Option<Note> {
        let diff =
            (pitch_class.semitone() as i32 - letter.natural_semitone() + 6).rem_euclid(12) - 6;
        (-2..=2)
            .contains(&diff)
            .then_some(Note::new(letter, diff as i8))
    }

    /// The usual spelling without a key: naturals, C# F# with sharps, Eb Ab Bb with flats.
    pub fn default_spelling(pitch_class: PitchClass) -> Note {
        const SPELLING: [(Letter, i8); 12] = [
            (Letter::C, 0),
            (Letter::C, 1),
            (Letter::D, 0),
            (Letter::E, -1),
            (Letter::E, 0),
            (Letter::F, 0),
            (Letter::F, 1),
            (Letter::G, 0),
            (Letter::A, -1),
            (Letter::A, 0),
            (Letter::B, -1),
            (Letter::B, 0),
        ];
        let (letter, accidental) = SPELLING[pitch_class as usize];
        Note::new(letter, accidental)
    }

    /// Reads a note name from the start of `text` and returns the rest: "Bbm7" gives (Bb, "m7").
    /// Accepts #, b, ♯, ♭, x and the words sharp/flat ("F sharp minor").
    pub fn parse_prefix(text: &str) -> Result<(Note, &str), TheoryError> {
        let err = || TheoryError::UnknownNote(text.trim().to_string());
        let trimmed = text.trim_start();
        let mut chars = trimmed.char_indices();
        let (_, first) = chars.next().ok_or_else(err)?;
        let letter = Letter::from_char(first).ok_or_else(err)?;
        let mut rest = &trimmed[first.len_utf8()..];
        let mut accidental: i8 = 0;
        loop {
            let spaced = rest.trim_start_matches([' ', '-']);
            let lower = spaced.to_ascii_lowercase();
            if let Some(tail) = rest.strip_prefix(['#', '♯']) {
                accidental += 1;
                rest = tail;
            } else if let Some(tail) = rest.strip_prefix('♭') {
                accidental -= 1;
                rest = tail;
            } else if rest.starts_with('b') {
                // A lower-case b right after the letter is a flat ("Bb", "bbm"), never a letter.
                accidental -= 1;
                rest = &rest[1..];
            } else if lower.starts_with("sharp") {
                accidental += 1;
                rest = &spaced["sharp".len()..];
            } else if lower.starts_with("flat") {
                accidental -= 1;
                rest = &spaced["flat".len()..];
            } else {
                break;
            }
            if accidental.abs() > 2 {
                return Err(err());
            }
        }
        Ok((Note::new(letter, accidental), rest))
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter.as_char())?;
        let sign = if self.accidental > 0 { "#" } else { "b" };
        for _ in 0..self.accidental.unsigned_abs() {
            f.write_str(sign)?;
        }
        Ok(())
    }
}

impl FromStr for Note {
    type Err = TheoryError;

    /// Reads "C", "Bb", "F#", "E♭", "F sharp", "B flat", "Cb", "Fx"; nothing may follow.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (note, rest) = Note::parse_prefix(text)?;
        let rest = rest.trim();
        match rest {
            "" => Ok(note),
            "x" => Ok(Note::new(note.letter, note.accidental + 2)),
            _ => Err(TheoryError::UnknownNote(text.trim().to_string())),
        }
    }
}

impl Serialize for Note {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Note {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
