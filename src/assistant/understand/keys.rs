//! Keys and scales as people write them: "F#m", "B flat", "Es-Dur", "la minor", "in g, 70
//! bpm", "db dorian", a scale named alone ("switch to dorian").

use super::normalise::{number, Words};
use super::slots::is_tempo;
use crate::music::theory::{PitchClass, ScaleKind};

/// Scale names, longest first so "harmonic minor" wins over "minor".
const SCALE_WORDS: [(&str, ScaleKind); 29] = [
    ("harmonic minor", ScaleKind::HarmonicMinor),
    ("minor pent", ScaleKind::MinorPentatonic),
    ("major pent", ScaleKind::MajorPentatonic),
    ("minor penta", ScaleKind::MinorPentatonic),
    ("major penta", ScaleKind::MajorPentatonic),
    ("melodic minor", ScaleKind::MelodicMinor),
    ("jazz minor", ScaleKind::MelodicMinor),
    ("natural minor", ScaleKind::Minor),
    ("minor pentatonic", ScaleKind::MinorPentatonic),
    ("major pentatonic", ScaleKind::MajorPentatonic),
    ("pentatonic minor", ScaleKind::MinorPentatonic),
    ("pentatonic major", ScaleKind::MajorPentatonic),
    ("pentatonic", ScaleKind::MajorPentatonic),
    ("major", ScaleKind::Major),
    ("minor", ScaleKind::Minor),
    ("maj", ScaleKind::Major),
    ("min", ScaleKind::Minor),
    ("dur", ScaleKind::Major),
    ("moll", ScaleKind::Minor),
    ("ionian", ScaleKind::Major),
    ("aeolian", ScaleKind::Minor),
    ("dorian", ScaleKind::Dorian),
    ("phrygian", ScaleKind::Phrygian),
    ("lydian", ScaleKind::Lydian),
    ("mixolydian", ScaleKind::Mixolydian),
    ("locrian", ScaleKind::Locrian),
    ("blues", ScaleKind::Blues),
    ("chromatic", ScaleKind::Chromatic),
    ("m", ScaleKind::Minor),
];

/// Words after "major"/"minor" that make them an interval or chord, not a key.
const INTERVAL_AFTER_QUALITY: [&str; 5] = ["third", "second", "sixth", "seventh", "chord"];

/// German and solfege note names (only read when a scale word follows: "Es-Dur", "la
/// minor"), as the sharp-spelt pitch they name.
const OTHER_NAMES: [(&str, &str); 21] = [
    ("fis", "F#"),
    ("cis", "C#"),
    ("gis", "G#"),
    ("dis", "D#"),
    ("ais", "A#"),
    ("es", "D#"),
    ("as", "G#"),
    ("des", "C#"),
    ("ges", "F#"),
    ("h", "B"),
    ("do", "C"),
    ("re", "D"),
    ("mi", "E"),
    ("fa", "F"),
    ("sol", "G"),
    ("la", "A"),
    ("si", "B"),
    ("ti", "B"),
    ("heses", "A"),
    ("eses", "D"),
    ("ases", "G"),
];

/// A scale phrase starting at word `i`: the scale and how many words it takes.
pub fn scale_at(words: &Words, i: usize) -> Option<(ScaleKind, usize)> {
    for (phrase, scale) in SCALE_WORDS {
        let n = phrase.split(' ').count();
        let matched = phrase
            .split(' ')
            .enumerate()
            .all(|(k, p)| words.at(i + k) == p);
        if matched {
            if INTERVAL_AFTER_QUALITY.contains(&words.at(i + n)) {
                return None;
            }
            return Some((scale, n));
        }
    }
    None
}

/// A token that names a note, maybe with a scale glued on: "f#m" -> ("f#", minor),
/// "cmaj" -> ("c", major), "bb" -> ("bb", none).
fn note_token(text: &str) -> Option<(String, Option<ScaleKind>)> {
    let first = text.chars().next()?;
    if !('a'..='g').contains(&first) {
        return None;
    }
    let rest = &text[1..];
    let (accidental, tail) = match rest.chars().next() {
        Some('#') => ("#", &rest[1..]),
        // "bb", "bbm", "ebm": a flat.
        Some('b') => ("b", &rest[1..]),
        _ => ("", rest),
    };
    let scale = match tail {
        "" => None,
        "m" | "min" => Some(ScaleKind::Minor),
        "maj" | "major" => Some(ScaleKind::Major),
        "minor" => Some(ScaleKind::Minor),
        _ => return None,
    };
    Some((format!("{first}{accidental}"), scale))
}

/// The key and scale a request names, e.g. "F sharp minor", "in Bb", "A dorian", "Am".
pub fn find_key(words: &Words) -> (Option<PitchClass>, Option<ScaleKind>) {
    for i in 0..words.len() {
        if let Some((pc, scale)) = key_at(words, i) {
            // "The blues scale in A": a scale named elsewhere still counts.
            let scale = scale.or_else(|| find_scale_only(words));
            return (Some(pc), scale);
        }
    }
    (None, find_scale_only(words))
}

/// Whether word `i` starts a key, and the key and scale it names.
pub fn key_at(words: &Words, i: usize) -> Option<(PitchClass, Option<ScaleKind>)> {
    let w = &words.words[i];
    let text = w.text.as_str();
    let prev = words.before(i);
    let after_key_word = matches!(
        prev,
        "in" | "to" | "of" | "into" | "key" | "on" | "root" | "tonic" | "=" | "at"
    );
    // German and solfege names only with a scale word after them.
    if let Some((_, name)) = OTHER_NAMES.iter().find(|(n, _)| *n == text) {
        let next = words.at(i + 1);
        // "Mi frigio", "re dorian": a solfege name before a mode.
        let mode_after = matches!(text, "re" | "mi" | "fa" | "sol" | "la" | "si")
            && scale_at(words, i + 1).is_some();
        if matches!(next, "dur" | "moll" | "major" | "minor") && text.len() > 1 || mode_after {
            let pc = name.parse::<PitchClass>().ok()?;
            return Some((pc, scale_at(words, i + 1).map(|(s, _)| s)));
        }
        // "Blues in la, 90", "reggae in sol": a solfege name alone after "in" or "key of",
        // ending its clause ("do" stays a verb).
        let solfege = matches!(text, "re" | "mi" | "fa" | "sol" | "la" | "si");
        let ends = next.is_empty()
            || words.words.get(i + 1).is_some_and(|n| n.boundary)
            || number(next).is_some();
        if solfege && matches!(prev, "in" | "of" | "en" | "on") && ends {
            return Some((name.parse::<PitchClass>().ok()?, None));
        }
    }
    let (mut note, glued) = note_token(text)?;
    // "Old AM radio" is a radio band.
    if text == "am" && words.at(i + 1) == "radio" {
        return None;
    }
    // "db" after a number is decibels; "ab"/"eb"/"am" lowercase are English more often.
    let two = text.len() == 2;
    let typed = LowerCaseKey::around(words, i);
    if two && text.ends_with('b') && !(w.capital || after_key_word || typed.named_like_a_key()) {
        return None;
    }
    if text == "db" && number(prev).is_some() {
        return None;
    }
    let shorthand = glued.is_some() && two;
    if shorthand
        && !(w.capital || after_key_word || typed.shorthand_alone(text))
        && !text.contains('#')
    {
        return None;
    }
    let mut next = i + 1;
    if note.len() == 1 && glued.is_none() && matches!(words.at(next), "sharp" | "flat" | "#") {
        note.push(if words.at(next) == "flat" { 'b' } else { '#' });
        next += 1;
    }
    let pc = note.parse::<PitchClass>().ok()?;
    // "F#m pentatonic": the glued quality names which pentatonic.
    let glued = glued.map(|g| match (g, words.at(next)) {
        (ScaleKind::Minor, "pentatonic" | "pent" | "penta") => ScaleKind::MinorPentatonic,
        (ScaleKind::Major, "pentatonic" | "pent" | "penta") => ScaleKind::MajorPentatonic,
        _ => g,
    });
    let scale = glued.or_else(|| {
        // "A minor third" is an interval, not A minor.
        scale_at(words, next)
            .filter(|(s, _)| *s != ScaleKind::Minor || words.at(next) != "m")
            .map(|(s, _)| s)
    });
    if note == "a" && INTERVAL_AFTER_QUALITY.contains(&words.at(next + 1)) {
        return None;
    }
    let plain_letter = note.len() == 1 && glued.is_none();
    let accepted = if note == "a" && !w.capital {
        // "a" is an article unless a scale follows ("a blues backing" is a genre) or it
        // stands alone after a key word ("rock backing in a, and ...").
        (scale.is_some()
            && words.at(next) != "m"
            && words.at(next) != "bit"
            && words.at(next) != "blues")
            || (plain_letter && scale.is_none() && typed.article_alone_as_key())
    } else if plain_letter && scale.is_none() && !w.capital && typed.letter_as_key() {
        true
    } else if plain_letter && scale.is_none() {
        let alone = w.boundary
            && (words.at(next).is_empty()
                || words.words.get(next).is_some_and(|n| n.boundary)
                || number(words.at(next)).is_some())
            // "ballad G 70": a capital letter before a tempo; "E key".
            || number(words.at(next)).is_some_and(is_tempo)
            || words.at(next) == "key";
        (w.capital && (after_key_word || alone) || prev == "of" || prev == "key")
            && !(note == "a" && !after_key_word && !alone)
    } else {
        // "b flat jazz": a letter with its accidental spelt out is a note in any case.
        let spelled = note.len() == 2 && glued.is_none() && text.len() == 1;
        scale.is_some()
            || w.capital
            || after_key_word
            || text.contains('#')
            || spelled
            || typed.named_like_a_key()
    };
    accepted.then_some((pc, scale))
}

/// Where a lower-case note letter stands, for keys typed without capitals ("slow ballad in
/// g, 70 bpm", "funk beat em 105bpm", "db dorian"): a lower-case letter is a key only where
/// nothing else could be meant.
struct LowerCaseKey {
    /// A tempo follows ("ballad g 70", "neosoul eb 84").
    tempo_next: bool,
    /// A scale word follows ("db dorian", "eb maj").
    scale_next: bool,
    /// The word before it names what a key is ("in", "root", "key", "tonic", "of", "on",
    /// "to", "=").
    key_word_before: bool,
    /// It starts a clause ("bm reggae riddim").
    starts_clause: bool,
    /// It is the request's first word.
    first: bool,
    /// It is a clause of its own: nothing after it, a clause mark right after it, or a tempo
    /// joined by "at", "with" or "@" ("in g at 70").
    alone: bool,
    /// "e key".
    key_after: bool,
}

impl LowerCaseKey {
    /// Reads the surroundings of word `i`.
    fn around(words: &Words, i: usize) -> Self {
        let next = words.at(i + 1);
        let next_starts = words.words.get(i + 1).is_some_and(|n| n.boundary);
        LowerCaseKey {
            tempo_next: number(next).is_some_and(is_tempo),
            scale_next: scale_at(words, i + 1).is_some(),
            key_word_before: matches!(
                words.before(i),
                "in" | "root" | "key" | "tonic" | "of" | "on" | "to" | "="
            ),
            starts_clause: words.words[i].boundary,
            first: i == 0,
            alone: next.is_empty()
                || next_starts
                || (matches!(next, "at" | "with" | "@") && number(words.at(i + 2)).is_some()),
            key_after: next == "key",
        }
    }

    /// "eb 84", "db dorian": a two-letter flat with a tempo or a scale after it.
    fn named_like_a_key(&self) -> bool {
        self.tempo_next || self.scale_next
    }

    /// "em, 105 bpm", "bm reggae riddim", "em 105bpm": a glued minor or major standing as a
    /// clause or before a tempo ("em" at a request's start is a hesitation: "em, more reverb").
    fn shorthand_alone(&self, text: &str) -> bool {
        let clause = if text == "em" {
            self.alone && !self.first
        } else {
            self.starts_clause || self.alone
        };
        self.tempo_next || clause
    }

    /// "in g", "root d", "ballad g 70", "e key": a lower-case letter other than "a".
    fn letter_as_key(&self) -> bool {
        (self.key_word_before && self.alone) || self.tempo_next || self.key_after
    }

    /// "rock backing in a, and ...": "a" after a key word with nothing after it.
    fn article_alone_as_key(&self) -> bool {
        self.key_word_before && self.alone
    }
}

/// A scale named without a note: "switch to dorian", "make it minor", "scale harmonic minor".
pub fn find_scale_only(words: &Words) -> Option<ScaleKind> {
    for i in 0..words.len() {
        let Some((scale, n)) = scale_at(words, i) else {
            continue;
        };
        if matches!(words.at(i), "m" | "min" | "maj" | "dur" | "moll") {
            continue;
        }
        if words.at(i) == "blues" && !words.has_any(&["scale", "mode"]) {
            continue;
        }
        // Names that are only scales ("melodic minor", "dorian") need no context; "major",
        // "minor" and "blues" do.
        if n > 1 || !matches!(words.at(i), "major" | "minor" | "blues" | "chromatic") {
            return Some(scale);
        }
        let prev = words.before(i);
        let scale_context = matches!(
            prev,
            "to" | "in" | "a" | "the" | "into" | "it" | "use" | "scale" | "mode" | "keep" | "of"
        ) || matches!(words.at(i + n), "scale" | "mode" | "key")
            || words.len() <= 2;
        if scale_context {
            return Some(scale);
        }
    }
    None
}
