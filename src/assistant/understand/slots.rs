//! Slots every tool shares, read from clean words: key and scale (every spelling: "F#m",
//! "B flat", "Es-Dur", "la minor"), tempo, bars, decibels, milliseconds, amounts in percent,
//! and pitch intervals with their direction.

use super::normalise::{number, Words};
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
        if matches!(next, "dur" | "moll" | "major" | "minor") && text.len() > 1 {
            let pc = name.parse::<PitchClass>().ok()?;
            return Some((pc, scale_at(words, i + 1).map(|(s, _)| s)));
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

/// Whether `v` is a plausible tempo (the backing's range).
pub fn is_tempo(v: f64) -> bool {
    (40.0..=240.0).contains(&v) && v.fract() == 0.0
}

/// A tempo written in the request: "90 bpm", "at 120", "tempo 100", or (when `bare` is
/// allowed) a lone number that is no other unit ("Bb major, 118").
pub fn find_tempo(words: &Words, bare: bool) -> Option<u32> {
    for i in 0..words.len() {
        let w = words.at(i);
        if matches!(w, "bpm" | "beats" | "bmp") && i > 0 {
            if let Some(v) = number(words.at(i - 1)).filter(|v| is_tempo(*v)) {
                return Some(v as u32);
            }
        }
        if w == "tempo" || w == "at" || w == "to" || matches!(w, "bpm" | "bmp") {
            for k in [i + 1, i + 2] {
                let v = number(words.at(k)).filter(|v| is_tempo(*v));
                if let Some(v) = v.filter(|_| !is_unit(words.at(k + 1))) {
                    return Some(v as u32);
                }
            }
        }
    }
    if !bare {
        return None;
    }
    (0..words.len()).find_map(|i| {
        let w = words.at(i);
        let v = number(w).filter(|v| is_tempo(*v))?;
        let digits = w.chars().all(|c| c.is_ascii_digit());
        (digits && !is_unit(words.at(i + 1)) && !matches!(words.before(i), "minus" | "the"))
            .then_some(v as u32)
    })
}

/// Whether `w` is a unit that makes the number before it something other than a tempo.
fn is_unit(w: &str) -> bool {
    matches!(
        w,
        "%" | "percent"
            | "pct"
            | "db"
            | "decibels"
            | "decibel"
            | "ms"
            | "milliseconds"
            | "bars"
            | "bar"
            | "measures"
            | "cents"
            | "semitones"
            | "semitone"
            | "st"
            | "titles"
            | "names"
            | "seconds"
            | "s"
    )
}

/// A length in bars: "8 bars", "a 2-bar loop", "twelve bar blues".
pub fn find_bars(words: &Words) -> Option<u32> {
    let i = words.find_any(&["bars", "bar", "measures", "barrs"])?;
    // "Four more bars": the count stands before "more".
    let count_at = match words.before(i) {
        "more" | "extra" | "additional" if i >= 2 => i - 2,
        _ => i.saturating_sub(1),
    };
    // "Tempo +4, bars 16": a count in another clause is not the bars'; the number after
    // the word is.
    let before = (!words.words[i].boundary)
        .then(|| number(words.at(count_at)))
        .flatten();
    before
        .or_else(|| number(words.next_in_clause(i)))
        .filter(|n| (1.0..=64.0).contains(n) && n.fract() == 0.0)
        .map(|n| n as u32)
}

/// A level in dB written in the request ("-10 dB", "minus 6 db", "+2 dB"): the value, and
/// whether it was written with a sign.
pub fn decibels(words: &Words) -> Option<(f32, bool)> {
    let i = words.find_any(&["db", "decibels", "decibel"])?;
    // "2 more dB", "3 extra dB": the number one word before.
    let text = match words.before(i) {
        "more" | "extra" | "additional" | "less" | "fewer" if i >= 2 => words.at(i - 2),
        t => t,
    };
    let v = number(text)?;
    let minus = i >= 2 && words.at(i - 2) == "minus";
    let signed = minus || text.starts_with(['-', '+']);
    Some(((if minus { -v.abs() } else { v }) as f32, signed))
}

/// Signed numbers put "on" something, in order ("+2 on the pitch shift", "-3 on the
/// backing"): each a step from where that control is.
pub fn steps_on(words: &Words) -> impl Iterator<Item = f64> + '_ {
    (0..words.len()).filter_map(|k| {
        let w = words.at(k);
        (w.starts_with(['+', '-']) && words.at(k + 1) == "on")
            .then(|| number(w))
            .flatten()
    })
}

/// A level written without a unit, after the words that set one: "at -18", "to -20",
/// "minus twelve", "like -20".
pub fn bare_level(words: &Words) -> Option<f32> {
    for i in 0..words.len() {
        let w = words.at(i);
        if w == "minus" {
            if let Some(v) = number(words.at(i + 1)) {
                return Some(-(v.abs() as f32));
            }
        }
        if w.starts_with('-') {
            if let Some(v) = number(w).filter(|v| *v < 0.0 && *v >= -60.0) {
                return Some(v as f32);
            }
        }
    }
    if words.has("unity") {
        return Some(0.0);
    }
    None
}

/// A time in ms: "20 ms", "fifty milliseconds", "0.1 seconds".
pub fn millis(words: &Words) -> Option<f32> {
    const UNITS: [&str; 10] = [
        "ms",
        "milliseconds",
        "millisecond",
        "seconds",
        "second",
        "sec",
        "msec",
        "msecs",
        "millis",
        "s",
    ];
    (1..words.len()).find_map(|i| {
        if !UNITS.contains(&words.at(i)) {
            return None;
        }
        let v = number(words.before(i))?;
        let ms = if words.at(i).starts_with('s') {
            v * 1000.0
        } else {
            v
        };
        (0.0..=400.0).contains(&ms).then_some(ms as f32)
    })
}

/// An explicit amount near word `around`: "30%", "30 percent", "0.3", "at half".
pub fn amount_near(words: &Words, around: usize) -> Option<f32> {
    // Only within the trigger's own clause: "breathiness 40%, reverb 30%".
    let start = (0..=around)
        .rev()
        .find(|&i| words.words[i].boundary)
        .unwrap_or(0);
    let end = (around + 1..words.len())
        .find(|&i| words.words[i].boundary)
        .unwrap_or(words.len());
    let lo = around.saturating_sub(4).max(start);
    for i in (lo..(around + 7).min(end)).filter(|&i| i != around) {
        let w = words.at(i);
        let percent = matches!(words.at(i + 1), "%" | "percent" | "pct");
        if words.at(i + 1) == "db" || words.at(i + 1) == "ms" {
            continue;
        }
        // "Reverb like Mojave 3", "like blink 182": a number after a name is the name's.
        let named = i >= 2
            && words.at(i - 2) == "like"
            && !percent
            && !matches!(
                words.at(i - 1),
                "a" | "about" | "around" | "maybe" | "at" | "to" | "some"
            );
        if named {
            continue;
        }
        let parsed = if w == "half" && matches!(words.before(i), "at" | "to") {
            Some(50.0)
        } else {
            // "Reverb to forty": a number word of 5 to 100 set with "to"/"at" is a percentage.
            let set_word = matches!(words.before(i), "to" | "at") && w.is_ascii();
            number(w).filter(|v| {
                percent
                    || w.chars().next().is_some_and(|c| c.is_ascii_digit())
                    || set_word && (5.0..=100.0).contains(v)
            })
        };
        let Some(v) = parsed else {
            continue;
        };
        let value = if percent || v > 1.0 { v / 100.0 } else { v };
        if (0.0..=1.0).contains(&value) {
            return Some(value as f32);
        }
    }
    percent_in_next_clause(words, end)
}

/// A percentage in the clause that starts at `start` when that clause names no control of
/// its own: "a little whisper, like 10%" (the amount trails its control after a comma).
fn percent_in_next_clause(words: &Words, start: usize) -> Option<f32> {
    let end = (start + 1..words.len())
        .find(|&i| words.words[i].boundary)
        .unwrap_or(words.len());
    if start >= end || (start..end).any(|i| super::relative::CONTROLS.contains(&words.at(i))) {
        return None;
    }
    (start..end).find_map(|i| {
        let percent = matches!(words.at(i + 1), "%" | "percent" | "pct");
        number(words.at(i))
            .filter(|v| percent && (0.0..=100.0).contains(v))
            .map(|v| (v / 100.0) as f32)
    })
}

/// Interval size in semitones at word `i` and how many words it took.
pub fn interval_at(words: &Words, i: usize) -> Option<(f64, usize)> {
    let w = words.at(i);
    let next = words.at(i + 1);
    match w {
        "octave" | "octaves" => Some((12.0, 1)),
        "fifth" | "fifths" => Some((7.0, 1)),
        "fourth" | "fourths" => Some((5.0, 1)),
        "third" | "thirds" if words.before(i) == "minor" => Some((3.0, 1)),
        "third" | "thirds" => Some((4.0, 1)),
        "whole" if matches!(next, "step" | "tone" | "steps") => Some((2.0, 2)),
        "half" if matches!(next, "step" | "steps" | "tone") => Some((1.0, 2)),
        // A fret is a semitone ("move the beat up one fret", "capo on the second fret").
        "semitone" | "semitones" | "semis" | "st" | "halfsteps" | "semi" | "fret" | "frets" => {
            Some((1.0, 1))
        }
        "cents" | "cent" => Some((0.01, 1)),
        // "Tone down the reverb" is a phrasal verb, not a whole tone down.
        "tone" if next == "down" || next == "it" => None,
        // "Warm up the tone a bit": the timbre, not a whole tone.
        "tone" if matches!(words.before(i), "the" | "my" | "vocal" | "voice") => None,
        "step" | "steps" | "tone" | "tones" => Some((2.0, 1)),
        _ => None,
    }
}

/// A direction near word `i`: +1 up, -1 down.
pub fn direction_near(words: &Words, i: usize) -> Option<f64> {
    // The nearest direction word within the clause wins: in "pitch up 2, formant down 1" the
    // formant's is "down".
    let start = words.clause_start(i);
    let end = (i + 1..words.len())
        .find(|&k| words.words[k].boundary)
        .unwrap_or(words.len());
    // Within its own clause a direction may be further off ("lower my voice by a minor
    // third"); then anywhere near ("voice up please, five semitones").
    nearest_direction(words, i, start, end, 8)
        .or_else(|| nearest_direction(words, i, 0, words.len(), 5))
}

/// The nearest direction word to `i` within `start..end`, at most `reach` words away.
fn nearest_direction(
    words: &Words,
    i: usize,
    start: usize,
    end: usize,
    reach: usize,
) -> Option<f64> {
    for d in 1..=reach {
        for k in [i.checked_sub(d), Some(i + d)].into_iter().flatten() {
            if k < start || k >= end {
                continue;
            }
            match words.at(k) {
                "up" | "higher" | "raise" | "raised" | "above" | "sharpen" | "upward"
                | "upwards" | "high" | "bump" | "ascend" | "climb" => return Some(1.0),
                "down" | "lower" | "drop" | "below" | "deeper" | "low" | "downward" | "flatten"
                | "descend" | "sink" | "under" | "beneath" => return Some(-1.0),
                _ => {}
            }
        }
    }
    None
}

/// A pitch or formant shift in semitones described near word `at` ("up an octave", "down 3
/// semitones", "+5", "by -2"). `allow_bare` reads a number without direction as upward.
pub fn shift_near(words: &Words, at: usize, allow_bare: bool) -> Option<f64> {
    // The trigger's own clause first: in "drop me an octave, formant +3" the octave is the
    // pitch's and the +3 the formant's. Only a clause with no shift of its own reads on
    // ("formant more high please, one semitone").
    // A joining word ends a phrase too: "down 12 semitones with a formant shift of +3".
    let joins = |i: usize| matches!(words.at(i), "with" | "and" | "but");
    let start = (0..=at.min(words.len().saturating_sub(1)))
        .rev()
        .find(|&i| words.words.get(i).is_some_and(|w| w.boundary) || joins(i))
        .unwrap_or(0);
    let end = (at + 1..words.len())
        .find(|&i| words.words[i].boundary || joins(i))
        .unwrap_or(words.len());
    let lo = at.saturating_sub(5);
    let hi = (at + 7).min(words.len());
    shift_between(words, at, lo.max(start), hi.min(end), allow_bare)
        .or_else(|| shift_between(words, at, lo, hi, allow_bare))
}

/// A shift described between words `lo` and `hi` (exclusive) for the trigger at `at`.
fn shift_between(words: &Words, at: usize, lo: usize, hi: usize, allow_bare: bool) -> Option<f64> {
    for i in lo..hi {
        let Some((size, _)) = interval_at(words, i) else {
            continue;
        };
        // "Two more semitones": the count stands before the "more".
        let before = match words.before(i) {
            "more" | "extra" | "further" | "additional" if i >= 2 => words.at(i - 2),
            other => other,
        };
        let count = match before {
            "an" | "a" | "one" | "1" | "perfect" | "major" | "minor" => 1.0,
            other => number(other).filter(|n| n.abs() > 0.0).unwrap_or(1.0),
        };
        // A bare "step"/"tone" is only an interval with a number or direction beside it.
        let weak = matches!(words.at(i), "step" | "steps" | "tone" | "tones");
        let dir = direction_near(words, i).or_else(|| direction_near(words, at));
        if weak && dir.is_none() {
            continue;
        }
        let sign = match dir {
            Some(d) => d,
            None if count < 0.0 => 1.0,
            None if allow_bare => 1.0,
            None => continue,
        };
        let value = if count < 0.0 {
            count * size
        } else {
            sign * count * size
        };
        return Some((value * 100.0).round() / 100.0);
    }
    // A signed or bare number right by the trigger: "pitch +3", "formant -2", "pitch 0".
    for i in lo..hi {
        let w = words.at(i);
        // Digits, or a number word after "by", a direction or a spoken sign ("formant up
        // by three", "formants up three", "formant plus three").
        let signed_word = matches!(words.before(i), "plus" | "minus");
        let written = w.chars().any(|c| c.is_ascii_digit())
            || matches!(words.before(i), "by" | "up" | "down")
            || signed_word;
        let Some(v) = number(w).filter(|_| written) else {
            continue;
        };
        if matches!(words.at(i + 1), "%" | "percent" | "db" | "ms" | "bpm") {
            continue;
        }
        if w.starts_with(['+', '-']) {
            return Some(v);
        }
        if signed_word && i > at && v.abs() <= 24.0 {
            return Some(if words.before(i) == "minus" { -v } else { v });
        }
        if i > at && i <= at + 4 && v.fract() == 0.0 && v.abs() <= 24.0 {
            if let Some(d) = direction_near(words, i) {
                return Some(d * v);
            }
            if allow_bare {
                return Some(v);
            }
        }
    }
    None
}

#[cfg(test)]
#[path = "slots_tests.rs"]
mod tests;
