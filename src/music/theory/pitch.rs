//! Pitch classes (with every spelling of sharps and flats) and the scales and modes.

use std::fmt;
use std::str::FromStr;

use super::*;

/// One of the twelve pitch classes, C = 0 .. B = 11; written with sharps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PitchClass {
    /// C
    C,
    /// C sharp / D flat
    CSharp,
    /// D
    D,
    /// D sharp / E flat
    DSharp,
    /// E
    E,
    /// F
    F,
    /// F sharp / G flat
    FSharp,
    /// G
    G,
    /// G sharp / A flat
    GSharp,
    /// A
    A,
    /// A sharp / B flat
    ASharp,
    /// B
    B,
}

impl PitchClass {
    /// All twelve pitch classes in chromatic order from C.
    pub const ALL: [PitchClass; 12] = [
        PitchClass::C,
        PitchClass::CSharp,
        PitchClass::D,
        PitchClass::DSharp,
        PitchClass::E,
        PitchClass::F,
        PitchClass::FSharp,
        PitchClass::G,
        PitchClass::GSharp,
        PitchClass::A,
        PitchClass::ASharp,
        PitchClass::B,
    ];

    /// The sharp spellings, indexed by semitone above C: the names the assistant and CLI write.
    pub const NAMES: [&'static str; 12] = [
        "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
    ];

    /// Semitones above C (0..=11).
    pub fn semitone(self) -> u8 {
        self as u8
    }

    /// The pitch class `semitone` steps above C, wrapping modulo 12 (negative values too).
    pub fn from_semitone(semitone: i32) -> PitchClass {
        Self::ALL[semitone.rem_euclid(12) as usize]
    }

    /// The sharp spelling, e.g. "F#".
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// This pitch class moved by `semitones` (wrapping).
    pub fn transpose(self, semitones: i32) -> PitchClass {
        Self::from_semitone(self.semitone() as i32 + semitones)
    }
}

impl fmt::Display for PitchClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PitchClass {
    type Err = TheoryError;

    /// Reads "C", "c#", "Db", "F sharp", "B flat", "E♭", "Cb" and "E#" (enharmonics wrap).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || TheoryError::UnknownNote(text.to_string());
        let cleaned = text.trim().to_ascii_lowercase();
        let mut chars = cleaned.chars();
        let letter = chars.next().ok_or_else(err)?;
        let natural: i32 = match letter {
            'c' => 0,
            'd' => 2,
            'e' => 4,
            'f' => 5,
            'g' => 7,
            'a' => 9,
            'b' => 11,
            _ => return Err(err()),
        };
        let rest: String = chars.collect::<String>().replace(['-', ' '], "");
        let accidental = match rest.as_str() {
            "" | "natural" | "♮" => 0,
            "#" | "♯" | "sharp" | "s" => 1,
            "b" | "♭" | "flat" => -1,
            "##" | "x" | "doublesharp" => 2,
            "bb" | "doubleflat" => -2,
            _ => return Err(err()),
        };
        Ok(Self::from_semitone(natural + accidental))
    }
}

/// A scale (or mode) that tuning can snap to; the names are the parameter list's snake_case ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScaleKind {
    /// Ionian: 1 2 3 4 5 6 7
    Major,
    /// Natural minor (Aeolian): 1 2 b3 4 5 b6 b7
    Minor,
    /// 1 2 b3 4 5 b6 7
    HarmonicMinor,
    /// Ascending melodic minor: 1 2 b3 4 5 6 7
    MelodicMinor,
    /// 1 2 b3 4 5 6 b7
    Dorian,
    /// 1 b2 b3 4 5 b6 b7
    Phrygian,
    /// 1 2 3 #4 5 6 7
    Lydian,
    /// 1 2 3 4 5 6 b7
    Mixolydian,
    /// 1 b2 b3 4 b5 b6 b7
    Locrian,
    /// 1 2 3 5 6
    MajorPentatonic,
    /// 1 b3 4 5 b7
    MinorPentatonic,
    /// 1 b3 4 b5 5 b7
    Blues,
    /// All twelve semitones
    Chromatic,
}

impl ScaleKind {
    /// Every scale, in the order the plugin parameter lists them.
    pub const ALL: [ScaleKind; 13] = [
        ScaleKind::Major,
        ScaleKind::Minor,
        ScaleKind::HarmonicMinor,
        ScaleKind::MelodicMinor,
        ScaleKind::Dorian,
        ScaleKind::Phrygian,
        ScaleKind::Lydian,
        ScaleKind::Mixolydian,
        ScaleKind::Locrian,
        ScaleKind::MajorPentatonic,
        ScaleKind::MinorPentatonic,
        ScaleKind::Blues,
        ScaleKind::Chromatic,
    ];

    /// The snake_case ids, in `ALL` order: stable names for files, the CLI and the assistant.
    pub const IDS: [&'static str; 13] = [
        "major",
        "minor",
        "harmonic_minor",
        "melodic_minor",
        "dorian",
        "phrygian",
        "lydian",
        "mixolydian",
        "locrian",
        "major_pentatonic",
        "minor_pentatonic",
        "blues",
        "chromatic",
    ];

    /// Human-readable names, in `ALL` order, for the GUI and the host.
    pub const DISPLAY_NAMES: [&'static str; 13] = [
        "Major",
        "Minor",
        "Harmonic Minor",
        "Melodic Minor",
        "Dorian",
        "Phrygian",
        "Lydian",
        "Mixolydian",
        "Locrian",
        "Major Pentatonic",
        "Minor Pentatonic",
        "Blues",
        "Chromatic",
    ];

    /// The snake_case id, e.g. "harmonic_minor".
    pub fn id(self) -> &'static str {
        Self::IDS[self.index()]
    }

    /// The display name, e.g. "Harmonic Minor".
    pub fn display_name(self) -> &'static str {
        Self::DISPLAY_NAMES[self.index()]
    }

    /// Position in `ALL`.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The scale at `index` in `ALL`, clamped to the last one.
    pub fn from_index(index: usize) -> ScaleKind {
        Self::ALL[index.min(Self::ALL.len() - 1)]
    }

    /// Semitone offsets of the scale degrees above the tonic, ascending, starting at 0.
    pub fn intervals(self) -> &'static [u8] {
        match self {
            ScaleKind::Major => &[0, 2, 4, 5, 7, 9, 11],
            ScaleKind::Minor => &[0, 2, 3, 5, 7, 8, 10],
            ScaleKind::HarmonicMinor => &[0, 2, 3, 5, 7, 8, 11],
            ScaleKind::MelodicMinor => &[0, 2, 3, 5, 7, 9, 11],
            ScaleKind::Dorian => &[0, 2, 3, 5, 7, 9, 10],
            ScaleKind::Phrygian => &[0, 1, 3, 5, 7, 8, 10],
            ScaleKind::Lydian => &[0, 2, 4, 6, 7, 9, 11],
            ScaleKind::Mixolydian => &[0, 2, 4, 5, 7, 9, 10],
            ScaleKind::Locrian => &[0, 1, 3, 5, 6, 8, 10],
            ScaleKind::MajorPentatonic => &[0, 2, 4, 7, 9],
            ScaleKind::MinorPentatonic => &[0, 3, 5, 7, 10],
            ScaleKind::Blues => &[0, 3, 5, 6, 7, 10],
            ScaleKind::Chromatic => &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        }
    }

    /// A 12-bit mask of the pitch classes in this scale on `tonic` (bit n = semitone n above C).
    pub fn pitch_class_mask(self, tonic: PitchClass) -> u16 {
        self.intervals().iter().fold(0u16, |mask, &step| {
            mask | 1 << PitchClass::from_semitone(tonic.semitone() as i32 + step as i32).semitone()
        })
    }

    pub(super) fn names_joined() -> String {
        Self::IDS.join(", ")
    }
}

impl fmt::Display for ScaleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for ScaleKind {
    type Err = TheoryError;

    /// Reads the snake_case ids and common spellings: "Minor", "natural minor", "aeolian",
    /// "ionian", "harmonic minor", "pentatonic" (major), "minor pentatonic".
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let key: String = text
            .trim()
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c == ' ' || c == '-' { '_' } else { c })
            .collect();
        let found = match key.as_str() {
            "ionian" | "maj" => Some(ScaleKind::Major),
            "aeolian" | "natural_minor" | "min" => Some(ScaleKind::Minor),
            "pentatonic" => Some(ScaleKind::MajorPentatonic),
            other => Self::IDS
                .iter()
                .position(|id| *id == other)
                .map(Self::from_index),
        };
        found.ok_or_else(|| TheoryError::UnknownScale(text.to_string()))
    }
}

impl ScaleKind {
    /// True for the seven-note scales, whose degrees take one letter each.
    pub fn is_heptatonic(self) -> bool {
        self.intervals().len() == 7
    }

    /// The seven-note scale that supplies this scale's harmony and spelling: itself when it has
    /// seven notes; major for major pentatonic and chromatic; natural minor for minor pentatonic
    /// and blues.
    pub fn harmonic_parent(self) -> ScaleKind {
        match self {
            ScaleKind::MajorPentatonic | ScaleKind::Chromatic => ScaleKind::Major,
            ScaleKind::MinorPentatonic | ScaleKind::Blues => ScaleKind::Minor,
            other => other,
        }
    }

    /// True when the parent scale's third is major (Ionian, Lydian, Mixolydian, ...).
    pub fn has_major_third(self) -> bool {
        self.harmonic_parent().intervals()[2] == 4
    }
}
