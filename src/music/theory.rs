//! Pitch classes and scales: the vocabulary that tuning, the assistant and the backing
//! generator share.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a note name or scale name could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TheoryError {
    /// The text names no pitch class.
    #[error(
        "'{0}' is not a note name (expected C, C#, Db, ... B; 'F sharp' and 'B flat' work too)"
    )]
    UnknownNote(String),
    /// The text names no scale we know.
    #[error("'{0}' is not a scale (expected one of: {list})", list = ScaleKind::names_joined())]
    UnknownScale(String),
    /// The text names no key.
    #[error("'{0}' is not a key (try 'F major', 'A minor', 'F#m', 'Bb' or 'D dorian')")]
    UnknownKey(String),
    /// The text is no chord symbol we can read.
    #[error("'{0}' is not a chord symbol (try 'Bbm', 'F#m7b5', 'Ebmaj7', 'G7sus4', 'A5')")]
    UnknownChord(String),
    /// The text is no Roman numeral we can read.
    #[error("'{0}' is not a Roman numeral chord (try 'I', 'iv', 'bVII', 'V7', 'viim7b5', 'IV5')")]
    UnknownNumeral(String),
}

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

    fn names_joined() -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_names_round_trip_and_flats_parse() {
        for pc in PitchClass::ALL {
            assert_eq!(pc.name().parse::<PitchClass>(), Ok(pc));
        }
        assert_eq!("Bb".parse::<PitchClass>(), Ok(PitchClass::ASharp));
        assert_eq!("B flat".parse::<PitchClass>(), Ok(PitchClass::ASharp));
        assert_eq!("f sharp".parse::<PitchClass>(), Ok(PitchClass::FSharp));
        assert_eq!("Cb".parse::<PitchClass>(), Ok(PitchClass::B));
        assert_eq!("E#".parse::<PitchClass>(), Ok(PitchClass::F));
        assert!("H".parse::<PitchClass>().is_err());
        assert!("".parse::<PitchClass>().is_err());
        assert!("C major".parse::<PitchClass>().is_err());
    }

    #[test]
    fn transpose_wraps_both_ways() {
        assert_eq!(PitchClass::A.transpose(3), PitchClass::C);
        assert_eq!(PitchClass::C.transpose(-1), PitchClass::B);
        assert_eq!(PitchClass::from_semitone(-13), PitchClass::B);
    }

    #[test]
    fn scale_ids_round_trip_and_aliases_parse() {
        for scale in ScaleKind::ALL {
            assert_eq!(scale.id().parse::<ScaleKind>(), Ok(scale));
            assert_eq!(scale.display_name().parse::<ScaleKind>(), Ok(scale));
            assert_eq!(scale.intervals()[0], 0);
            assert!(scale.intervals().windows(2).all(|w| w[0] < w[1]));
        }
        assert_eq!("Aeolian".parse::<ScaleKind>(), Ok(ScaleKind::Minor));
        assert!("bebop".parse::<ScaleKind>().is_err());
    }

    #[test]
    fn a_minor_mask_is_the_white_keys() {
        let white = [0u8, 2, 4, 5, 7, 9, 11]
            .iter()
            .fold(0u16, |m, &s| m | 1 << s);
        assert_eq!(ScaleKind::Minor.pitch_class_mask(PitchClass::A), white);
        assert_eq!(ScaleKind::Chromatic.pitch_class_mask(PitchClass::D), 0x0fff);
    }
}

#[cfg(test)]
mod spelling_tests {
    use super::*;

    fn key(text: &str) -> Key {
        text.parse().expect("key parses")
    }

    fn symbols(chords: &[Chord]) -> Vec<String> {
        chords.iter().map(|c| c.symbol()).collect()
    }

    #[test]
    fn keys_parse_with_their_mode() {
        assert_eq!(
            key("F major"),
            Key::new(Note::new(Letter::F, 0), ScaleKind::Major)
        );
        assert_eq!(
            key("A minor"),
            Key::new(Note::new(Letter::A, 0), ScaleKind::Minor)
        );
        assert_eq!(
            key("F#m"),
            Key::new(Note::new(Letter::F, 1), ScaleKind::Minor)
        );
        assert_eq!(
            key("Bb"),
            Key::new(Note::new(Letter::B, -1), ScaleKind::Major)
        );
        assert_eq!(
            key("bbm"),
            Key::new(Note::new(Letter::B, -1), ScaleKind::Minor)
        );
        assert_eq!(
            key("Bm"),
            Key::new(Note::new(Letter::B, 0), ScaleKind::Minor)
        );
        assert_eq!(key("C# dorian").scale, ScaleKind::Dorian);
        assert_eq!(key("F sharp minor").tonic, Note::new(Letter::F, 1));
        assert_eq!(key("Eb maj").tonic, Note::new(Letter::E, -1));
        assert_eq!(key("D harmonic minor").scale, ScaleKind::HarmonicMinor);
        assert_eq!(key("G mixolydian mode").scale, ScaleKind::Mixolydian);
        assert!("H major".parse::<Key>().is_err());
        assert!("F majestic".parse::<Key>().is_err());
    }

    #[test]
    fn scales_are_spelled_one_letter_per_degree() {
        let names = |k: &str| -> Vec<String> {
            key(k).scale_notes().iter().map(|n| n.to_string()).collect()
        };
        assert_eq!(names("F major"), ["F", "G", "A", "Bb", "C", "D", "E"]);
        assert_eq!(names("F# minor"), ["F#", "G#", "A", "B", "C#", "D", "E"]);
        assert_eq!(names("Db major"), ["Db", "Eb", "F", "Gb", "Ab", "Bb", "C"]);
        assert_eq!(names("C# major").last().map(String::as_str), Some("B#"));
        assert_eq!(key("F major").signature(), -1);
        assert_eq!(key("E minor").signature(), 1);
        assert_eq!(key("D dorian").signature(), 0);
        assert_eq!(key("A harmonic minor").signature(), 0);
    }

    #[test]
    fn keys_from_pitch_classes_take_the_usual_spelling() {
        let name = |pc, scale| Key::from_pitch_class(pc, scale).to_string();
        assert_eq!(name(PitchClass::ASharp, ScaleKind::Major), "Bb major");
        assert_eq!(name(PitchClass::CSharp, ScaleKind::Major), "Db major");
        assert_eq!(name(PitchClass::GSharp, ScaleKind::Major), "Ab major");
        assert_eq!(name(PitchClass::FSharp, ScaleKind::Minor), "F# minor");
        assert_eq!(name(PitchClass::CSharp, ScaleKind::Minor), "C# minor");
        assert_eq!(name(PitchClass::ASharp, ScaleKind::Minor), "Bb minor");
    }

    #[test]
    fn roman_numerals_spell_correctly_in_any_key() {
        let f = key("F major");
        assert_eq!(
            symbols(&progression_in_key("I-V-iv-I", f).unwrap()),
            ["F", "C", "Bbm", "F"]
        );
        assert_eq!(
            symbols(&progression_in_key("I-bVI-IV-I", f).unwrap()),
            ["F", "Db", "Bb", "F"]
        );
        assert_eq!(
            symbols(&progression_in_key("I-bIII-IV-V", key("C")).unwrap()),
            ["C", "Eb", "F", "G"]
        );
        assert_eq!(
            symbols(&progression_in_key("I-V-bVI-bVII", key("E")).unwrap()),
            ["E", "B", "C", "D"]
        );
        // Minor keys: unaltered numerals take the key's own degrees; the Dorian IV is major.
        assert_eq!(
            symbols(&progression_in_key("i-VI-III-VII", key("A minor")).unwrap()),
            ["Am", "F", "C", "G"]
        );
        assert_eq!(
            symbols(&progression_in_key("i-IV-V-i", key("C minor")).unwrap()),
            ["Cm", "F", "G", "Cm"]
        );
        assert_eq!(
            symbols(&progression_in_key("i-bVI-III-VII", key("F# minor")).unwrap()),
            ["F#m", "D", "A", "E"]
        );
        assert_eq!(
            symbols(&progression_in_key("Imaj7-IVmaj7-viim7b5-IVmaj7", key("G")).unwrap()),
            ["Gmaj7", "Cmaj7", "F#m7b5", "Cmaj7"]
        );
        assert_eq!(
            symbols(&progression_in_key("Imaj9-vim7-IVadd9-Vsus4", key("D")).unwrap()),
            ["Dmaj9", "Bm7", "Gadd9", "Asus4"]
        );
        assert_eq!(
            symbols(&progression_in_key("Im7-bVImaj7-IVm7-bVII7", key("Eb minor")).unwrap()),
            ["Ebm7", "Cbmaj7", "Abm7", "Db7"]
        );
        assert_eq!(
            symbols(&progression_in_key("I5-bVII5-IV5-I5", key("A")).unwrap()),
            ["A5", "G5", "D5", "A5"]
        );
        assert!(parse_progression("I-Q-V").is_err());
        assert!(parse_progression("Iv").is_err());
        assert!(parse_progression("").is_err());
    }

    #[test]
    fn numerals_print_back_as_read() {
        for text in [
            "bVI", "iv", "V7", "viim7b5", "IVmaj7", "I5", "Vsus4", "ii7", "bVII7",
        ] {
            let numeral: RomanChord = text.parse().unwrap();
            assert_eq!(numeral.numeral(), text);
        }
    }

    #[test]
    fn chord_symbols_parse_and_spell_their_tones() {
        for quality in ChordQuality::ALL {
            let chord = Chord::new(Note::new(Letter::E, -1), quality);
            assert_eq!(chord.symbol().parse::<Chord>(), Ok(chord));
            assert_eq!(chord.notes().len(), quality.tones().len());
        }
        let notes = |c: &str| -> Vec<String> {
            c.parse::<Chord>()
                .unwrap()
                .notes()
                .iter()
                .map(|n| n.to_string())
                .collect()
        };
        assert_eq!(notes("Bbm"), ["Bb", "Db", "F"]);
        assert_eq!(notes("Cdim7"), ["C", "Eb", "Gb", "Bbb"]);
        assert_eq!(notes("F#m7b5"), ["F#", "A", "C", "E"]);
        assert_eq!(notes("Gadd9"), ["G", "B", "D", "A"]);
        assert!("Xm".parse::<Chord>().is_err());
        assert!("Cmagic".parse::<Chord>().is_err());
    }

    #[test]
    fn diatonic_chords_follow_the_mode() {
        let c = key("C major");
        let triads: Vec<String> = (1..=7).map(|d| c.diatonic_chord(d, 3).symbol()).collect();
        assert_eq!(triads, ["C", "Dm", "Em", "F", "G", "Am", "Bdim"]);
        let sevenths: Vec<String> = (1..=7).map(|d| c.diatonic_chord(d, 4).symbol()).collect();
        assert_eq!(
            sevenths,
            ["Cmaj7", "Dm7", "Em7", "Fmaj7", "G7", "Am7", "Bm7b5"]
        );
        assert_eq!(c.diatonic_chord(3, 5).symbol(), "Em7");
        assert_eq!(c.diatonic_chord(2, 5).symbol(), "Dm9");
        assert_eq!(key("D dorian").diatonic_chord(4, 3).symbol(), "G");
        assert_eq!(key("A harmonic minor").diatonic_chord(5, 4).symbol(), "E7");
        for d in 1..=7 {
            assert!(key("Ab lydian")
                .diatonic_chord(d, 4)
                .is_diatonic_in(key("Ab lydian")));
        }
    }

    #[test]
    fn voice_leading_moves_little_and_stays_in_range() {
        let chords = progression_in_key("I-V-vi-IV", key("C")).unwrap();
        let mut previous: Option<Vec<u8>> = None;
        for chord in chords {
            let notes = voice_chord(chord, previous.as_deref(), 52, 76, 4);
            assert!(notes.iter().all(|&n| (52..=76).contains(&n)));
            let mask = notes.iter().fold(0u16, |m, &n| m | 1 << (n % 12));
            assert_eq!(mask, chord.mask(), "{chord}: {notes:?}");
            if let Some(prev) = &previous {
                let moved: i32 = prev
                    .iter()
                    .zip(&notes)
                    .map(|(&a, &b)| (a as i32 - b as i32).abs())
                    .sum();
                assert!(moved <= 8, "{chord} moved {moved} semitones");
            }
            previous = Some(notes);
        }
        let ninth = voice_chord("Dm9".parse().unwrap(), None, 48, 76, 4);
        assert_eq!(ninth.len(), 4);
    }
}
