//! Chords: qualities, spelled chords, Roman numerals, progressions and voice leading.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::*;

/// Chord types: triads, sevenths, sixths, sus, add9, ninths and power chords.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChordQuality {
    /// 1 3 5
    Major,
    /// 1 b3 5
    Minor,
    /// 1 b3 b5
    Diminished,
    /// 1 3 #5
    Augmented,
    /// 1 2 5
    Sus2,
    /// 1 4 5
    Sus4,
    /// 1 5 (no third)
    Power,
    /// 1 3 5 b7
    Dominant7,
    /// 1 3 5 7
    Major7,
    /// 1 b3 5 b7
    Minor7,
    /// 1 b3 b5 b7 (m7b5)
    HalfDiminished7,
    /// 1 b3 b5 bb7
    Diminished7,
    /// 1 b3 5 7
    MinorMajor7,
    /// 1 3 5 6
    Major6,
    /// 1 b3 5 6
    Minor6,
    /// 1 3 5 9
    Add9,
    /// 1 b3 5 9
    MinorAdd9,
    /// 1 3 5 b7 9
    Dominant9,
    /// 1 3 5 7 9
    Major9,
    /// 1 b3 5 b7 9
    Minor9,
    /// 1 4 5 b7
    Dominant7Sus4,
}

impl ChordQuality {
    /// Every quality, for parsers and tests.
    pub const ALL: [ChordQuality; 21] = [
        ChordQuality::Major,
        ChordQuality::Minor,
        ChordQuality::Diminished,
        ChordQuality::Augmented,
        ChordQuality::Sus2,
        ChordQuality::Sus4,
        ChordQuality::Power,
        ChordQuality::Dominant7,
        ChordQuality::Major7,
        ChordQuality::Minor7,
        ChordQuality::HalfDiminished7,
        ChordQuality::Diminished7,
        ChordQuality::MinorMajor7,
        ChordQuality::Major6,
        ChordQuality::Minor6,
        ChordQuality::Add9,
        ChordQuality::MinorAdd9,
        ChordQuality::Dominant9,
        ChordQuality::Major9,
        ChordQuality::Minor9,
        ChordQuality::Dominant7Sus4,
    ];

    /// Chord tones as (semitones above the root, interval number): the number fixes the letter,
    /// so a diminished seventh is spelled Bbb over C, not A.
    pub fn tones(self) -> &'static [(u8, u8)] {
        match self {
            ChordQuality::Major => &[(0, 1), (4, 3), (7, 5)],
            ChordQuality::Minor => &[(0, 1), (3, 3), (7, 5)],
            ChordQuality::Diminished => &[(0, 1), (3, 3), (6, 5)],
            ChordQuality::Augmented => &[(0, 1), (4, 3), (8, 5)],
            ChordQuality::Sus2 => &[(0, 1), (2, 2), (7, 5)],
            ChordQuality::Sus4 => &[(0, 1), (5, 4), (7, 5)],
            ChordQuality::Power => &[(0, 1), (7, 5)],
            ChordQuality::Dominant7 => &[(0, 1), (4, 3), (7, 5), (10, 7)],
            ChordQuality::Major7 => &[(0, 1), (4, 3), (7, 5), (11, 7)],
            ChordQuality::Minor7 => &[(0, 1), (3, 3), (7, 5), (10, 7)],
            ChordQuality::HalfDiminished7 => &[(0, 1), (3, 3), (6, 5), (10, 7)],
            ChordQuality::Diminished7 => &[(0, 1), (3, 3), (6, 5), (9, 7)],
            ChordQuality::MinorMajor7 => &[(0, 1), (3, 3), (7, 5), (11, 7)],
            ChordQuality::Major6 => &[(0, 1), (4, 3), (7, 5), (9, 6)],
            ChordQuality::Minor6 => &[(0, 1), (3, 3), (7, 5), (9, 6)],
            ChordQuality::Add9 => &[(0, 1), (4, 3), (7, 5), (14, 9)],
            ChordQuality::MinorAdd9 => &[(0, 1), (3, 3), (7, 5), (14, 9)],
            ChordQuality::Dominant9 => &[(0, 1), (4, 3), (7, 5), (10, 7), (14, 9)],
            ChordQuality::Major9 => &[(0, 1), (4, 3), (7, 5), (11, 7), (14, 9)],
            ChordQuality::Minor9 => &[(0, 1), (3, 3), (7, 5), (10, 7), (14, 9)],
            ChordQuality::Dominant7Sus4 => &[(0, 1), (5, 4), (7, 5), (10, 7)],
        }
    }

    /// The suffix in a chord symbol: "", "m", "dim", "7", "maj7", "m7b5", "5", ...
    pub fn suffix(self) -> &'static str {
        match self {
            ChordQuality::Major => "",
            ChordQuality::Minor => "m",
            ChordQuality::Diminished => "dim",
            ChordQuality::Augmented => "aug",
            ChordQuality::Sus2 => "sus2",
            ChordQuality::Sus4 => "sus4",
            ChordQuality::Power => "5",
            ChordQuality::Dominant7 => "7",
            ChordQuality::Major7 => "maj7",
            ChordQuality::Minor7 => "m7",
            ChordQuality::HalfDiminished7 => "m7b5",
            ChordQuality::Diminished7 => "dim7",
            ChordQuality::MinorMajor7 => "mMaj7",
            ChordQuality::Major6 => "6",
            ChordQuality::Minor6 => "m6",
            ChordQuality::Add9 => "add9",
            ChordQuality::MinorAdd9 => "madd9",
            ChordQuality::Dominant9 => "9",
            ChordQuality::Major9 => "maj9",
            ChordQuality::Minor9 => "m9",
            ChordQuality::Dominant7Sus4 => "7sus4",
        }
    }

    /// True when the chord's third is minor (or it is diminished): decides the numeral's case.
    pub fn is_minor(self) -> bool {
        self.tones()
            .iter()
            .any(|&(semis, number)| number == 3 && semis == 3)
    }

    /// Reads a chord-symbol suffix ("m7", "maj7", "ø", "°", "+", "sus", "5"); case matters for
    /// "M7" (major seventh) against "m7".
    pub fn from_suffix(suffix: &str) -> Option<ChordQuality> {
        let quality = match suffix {
            "" | "M" | "maj" => ChordQuality::Major,
            "m" | "min" | "-" => ChordQuality::Minor,
            "dim" | "°" | "o" => ChordQuality::Diminished,
            "aug" | "+" => ChordQuality::Augmented,
            "sus2" => ChordQuality::Sus2,
            "sus4" | "sus" => ChordQuality::Sus4,
            "5" => ChordQuality::Power,
            "7" | "dom7" => ChordQuality::Dominant7,
            "maj7" | "M7" | "Δ" | "Δ7" | "ma7" => ChordQuality::Major7,
            "m7" | "min7" | "-7" => ChordQuality::Minor7,
            "m7b5" | "ø" | "ø7" | "min7b5" | "-7b5" => ChordQuality::HalfDiminished7,
            "dim7" | "°7" | "o7" => ChordQuality::Diminished7,
            "mMaj7" | "mmaj7" | "mM7" | "minmaj7" => ChordQuality::MinorMajor7,
            "6" => ChordQuality::Major6,
            "m6" | "min6" => ChordQuality::Minor6,
            "add9" | "add2" => ChordQuality::Add9,
            "madd9" | "madd2" => ChordQuality::MinorAdd9,
            "9" => ChordQuality::Dominant9,
            "maj9" | "M9" => ChordQuality::Major9,
            "m9" | "min9" => ChordQuality::Minor9,
            "7sus4" | "7sus" => ChordQuality::Dominant7Sus4,
            _ => return None,
        };
        Some(quality)
    }
}

/// A chord: a spelled root and a quality, e.g. Bbm, F#m7b5, Ebmaj7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chord {
    /// The root as spelled.
    pub root: Note,
    /// Triad, seventh, ...
    pub quality: ChordQuality,
}

impl Chord {
    /// A chord from its root and quality.
    pub const fn new(root: Note, quality: ChordQuality) -> Chord {
        Chord { root, quality }
    }

    /// The chord symbol, e.g. "Bbm".
    pub fn symbol(self) -> String {
        format!("{}{}", self.root, self.quality.suffix())
    }

    /// The chord tones, spelled by interval number (C E G Bb, C Eb Gb Bbb).
    pub fn notes(self) -> Vec<Note> {
        self.quality
            .tones()
            .iter()
            .map(|&(semis, number)| {
                let pc = self.root.pitch_class().transpose(semis as i32);
                Note::spell(pc, self.root.letter.step(number as i32 - 1))
                    .unwrap_or_else(|| Note::default_spelling(pc))
            })
            .collect()
    }

    /// The chord tones' pitch classes, root first.
    pub fn pitch_classes(self) -> Vec<PitchClass> {
        self.quality
            .tones()
            .iter()
            .map(|&(semis, _)| self.root.pitch_class().transpose(semis as i32))
            .collect()
    }

    /// The chord tones as a 12-bit pitch-class mask.
    pub fn mask(self) -> u16 {
        self.pitch_classes()
            .iter()
            .fold(0, |mask, pc| mask | 1 << pc.semitone())
    }

    /// True when every tone belongs to `key` (borrowed chords are not diatonic).
    pub fn is_diatonic_in(self, key: Key) -> bool {
        self.mask() & !key.mask() == 0
    }
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.symbol())
    }
}

impl Serialize for Chord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Serialize for RomanChord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl FromStr for Chord {
    type Err = TheoryError;

    /// Reads chord symbols: "F", "Bbm", "C#m7b5", "Ebmaj7", "G7sus4", "A5", "Dadd9".
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || TheoryError::UnknownChord(text.trim().to_string());
        let trimmed = text.trim();
        let (root, rest) = Note::parse_prefix(trimmed).map_err(|_| err())?;
        let quality = ChordQuality::from_suffix(rest.trim()).ok_or_else(err)?;
        Ok(Chord::new(root, quality))
    }
}

/// A chord named by scale degree, e.g. "bVI", "iv", "V7", "viim7b5", "IV5"; the key is supplied
/// later, so one progression can be played in any key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RomanChord {
    /// Alteration against the major scale on the tonic (-1 for bVI); 0 takes the key's degree.
    pub accidental: i8,
    /// Scale degree 1..=7.
    pub degree: u8,
    /// The chord's quality (from the numeral's case and suffix).
    pub quality: ChordQuality,
}

impl RomanChord {
    /// The chord on this degree of `key`, spelled in that key: I-V-iv-I in F is F C Bbm F.
    pub fn in_key(self, key: Key) -> Chord {
        Chord::new(key.degree_root(self.degree, self.accidental), self.quality)
    }

    /// The numeral as text ("bVI", "iv", "viim7b5", "IVmaj7").
    pub fn numeral(self) -> String {
        const UPPER: [&str; 7] = ["I", "II", "III", "IV", "V", "VI", "VII"];
        let base = UPPER[(self.degree.clamp(1, 7) - 1) as usize];
        let minor = self.quality.is_minor();
        let body = if minor {
            base.to_ascii_lowercase()
        } else {
            base.to_string()
        };
        let suffix = match self.quality {
            ChordQuality::Major | ChordQuality::Minor => "",
            ChordQuality::Minor7 => "7",
            ChordQuality::Minor9 => "9",
            ChordQuality::Minor6 => "6",
            ChordQuality::MinorAdd9 => "add9",
            ChordQuality::MinorMajor7 => "maj7",
            ChordQuality::Diminished => "°",
            other => other.suffix(),
        };
        let sign = match self.accidental {
            a if a < 0 => "b".repeat(a.unsigned_abs() as usize),
            a => "#".repeat(a as usize),
        };
        format!("{sign}{body}{suffix}")
    }
}

impl fmt::Display for RomanChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.numeral())
    }
}

impl FromStr for RomanChord {
    type Err = TheoryError;

    /// Reads numerals: case gives major or minor ("IV", "iv"); b/# before it alters the degree
    /// against the major scale ("bVII"); suffixes as in chord symbols ("7", "maj7", "m7b5", "°",
    /// "ø", "+", "sus4", "add9", "9", "5"); an upper-case numeral with "m" is minor ("IVm7").
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || TheoryError::UnknownNumeral(text.trim().to_string());
        let mut rest = text.trim();
        let mut accidental: i8 = 0;
        loop {
            if let Some(tail) = rest.strip_prefix(['b', '♭']) {
                accidental -= 1;
                rest = tail;
            } else if let Some(tail) = rest.strip_prefix(['#', '♯']) {
                accidental += 1;
                rest = tail;
            } else {
                break;
            }
        }
        const NUMERALS: [(&str, u8); 7] = [
            ("vii", 7),
            ("vi", 6),
            ("v", 5),
            ("iv", 4),
            ("iii", 3),
            ("ii", 2),
            ("i", 1),
        ];
        let (body, degree) = NUMERALS
            .iter()
            .find_map(|&(numeral, degree)| {
                let head = rest.get(..numeral.len())?;
                head.eq_ignore_ascii_case(numeral).then_some((head, degree))
            })
            .ok_or_else(err)?;
        let upper = body.chars().all(|c| c.is_ascii_uppercase());
        let lower = body.chars().all(|c| c.is_ascii_lowercase());
        if !(upper || lower) || accidental.abs() > 1 {
            return Err(err());
        }
        let suffix = &rest[body.len()..];
        let quality = match (upper, suffix) {
            (_, "°" | "o" | "dim") => ChordQuality::Diminished,
            (_, "°7" | "o7" | "dim7") => ChordQuality::Diminished7,
            (_, "ø" | "ø7" | "m7b5") => ChordQuality::HalfDiminished7,
            (true, "") => ChordQuality::Major,
            (false, "") => ChordQuality::Minor,
            (true, "7") => ChordQuality::Dominant7,
            (false, "7") => ChordQuality::Minor7,
            (true, "9") => ChordQuality::Dominant9,
            (false, "9") => ChordQuality::Minor9,
            (true, "6") => ChordQuality::Major6,
            (false, "6") => ChordQuality::Minor6,
            (true, "add9") => ChordQuality::Add9,
            (false, "add9") => ChordQuality::MinorAdd9,
            (true, "maj7") => ChordQuality::Major7,
            (false, "maj7") => ChordQuality::MinorMajor7,
            (_, other) => ChordQuality::from_suffix(other).ok_or_else(err)?,
        };
        Ok(RomanChord {
            accidental,
            degree,
            quality,
        })
    }
}

/// Reads a progression of numerals separated by '-', spaces, commas or bars: "I-V-iv-I".
pub fn parse_progression(text: &str) -> Result<Vec<RomanChord>, TheoryError> {
    let numerals: Vec<RomanChord> = text
        .split(['-', ' ', ',', '|', '–'])
        .filter(|part| !part.trim().is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    if numerals.is_empty() {
        return Err(TheoryError::UnknownNumeral(text.trim().to_string()));
    }
    Ok(numerals)
}

/// The chords of a numeral progression in `key`: ("I-V-iv-I", F major) gives F C Bbm F.
pub fn progression_in_key(text: &str, key: Key) -> Result<Vec<Chord>, TheoryError> {
    Ok(parse_progression(text)?
        .into_iter()
        .map(|numeral| numeral.in_key(key))
        .collect())
}

/// Voices `chord` as MIDI notes within `low..=high` using up to `voices` notes, moving as little
/// as possible from `previous` (simple voice leading: the closest inversion wins); the first
/// chord sits in root position near the middle of the range.
pub fn voice_chord(
    chord: Chord,
    previous: Option<&[u8]>,
    low: u8,
    high: u8,
    voices: usize,
) -> Vec<u8> {
    let mut tones: Vec<(u8, u8)> = chord.quality.tones().to_vec();
    // Thin big chords: the fifth goes first, as it adds least colour.
    while tones.len() > voices.max(2) {
        match tones.iter().position(|&(_, number)| number == 5) {
            Some(i) if tones.len() > 3 => {
                tones.remove(i);
            }
            _ => {
                tones.pop();
            }
        }
    }
    let root = chord.root.pitch_class().semitone() as i32;
    let pcs: Vec<i32> = tones
        .iter()
        .map(|&(semis, _)| (root + semis as i32).rem_euclid(12))
        .collect();
    let (low, high) = (low as i32, high.max(low.saturating_add(12)) as i32);
    let mut best: Option<(i64, Vec<u8>)> = None;
    for inversion in 0..pcs.len() {
        // Close position from this inversion's bass, at every octave that fits the range.
        let order: Vec<i32> = (0..pcs.len())
            .map(|i| pcs[(inversion + i) % pcs.len()])
            .collect();
        for octave in 0..11 {
            let mut note = order[0] + 12 * octave;
            let mut notes = vec![note];
            for &pc in &order[1..] {
                note += 1 + (pc - note - 1).rem_euclid(12);
                notes.push(note);
            }
            if notes[0] < low || *notes.last().unwrap_or(&0) > high {
                continue;
            }
            let cost = match previous {
                Some(prev) if !prev.is_empty() => movement_cost(prev, &notes),
                _ => {
                    let centre = (low + high) / 2;
                    let mean = notes.iter().sum::<i32>() / notes.len() as i32;
                    (mean - centre).abs() as i64 * 4 + inversion as i64 * 100
                }
            };
            let candidate: Vec<u8> = notes.iter().map(|&n| n as u8).collect();
            if best.as_ref().is_none_or(|(c, _)| cost < *c) {
                best = Some((cost, candidate));
            }
        }
    }
    best.map(|(_, notes)| notes).unwrap_or_else(|| {
        pcs.iter()
            .map(|&pc| (low + (pc - low).rem_euclid(12)) as u8)
            .collect()
    })
}

/// Total semitones the voices move, pairing voices from the bottom; unmatched voices cost their
/// distance to the nearest previous note.
fn movement_cost(previous: &[u8], next: &[i32]) -> i64 {
    let mut prev: Vec<i32> = previous.iter().map(|&n| n as i32).collect();
    prev.sort_unstable();
    next.iter()
        .enumerate()
        .map(|(i, &note)| {
            let paired = prev.get(i).copied();
            let nearest = prev.iter().map(|&p| (p - note).abs()).min().unwrap_or(0);
            paired.map_or(nearest, |p| (p - note).abs()) as i64
        })
        .sum()
}
