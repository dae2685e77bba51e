//! The deterministic router: clear commands (keys, scales, tempos, intervals, named styles,
//! "robot", "undo"...) become tool calls without a model, in well under a millisecond. What it
//! cannot read with confidence it leaves to the language model (it returns `None`).

use serde_json::{json, Map, Value};

use super::descriptors::{sound_changes, SoundChange};
use super::state::ParamSnapshot;
use super::tools::{ToolCall, ToolName};
use crate::music::theory::{PitchClass, ScaleKind};

/// One word of the request: lowercase, plus whether it was written with a capital.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    capital: bool,
}

/// The request split into words, with a few spellings unified ("t-pain", "lo-fi", "50 %").
struct Words {
    words: Vec<Word>,
}

impl Words {
    fn new(text: &str) -> Self {
        let mut s = format!(" {} ", text.replace(['“', '”', '’'], "'"));
        // Spellings with dashes or spaces that mean one thing.
        for (from, to) in [
            ("t-pain", "tpain"),
            ("t pain", "tpain"),
            ("T-Pain", "tpain"),
            ("T-pain", "tpain"),
            ("T Pain", "tpain"),
            ("auto-tune", "autotune"),
            ("Auto-Tune", "autotune"),
            ("Auto-tune", "autotune"),
            ("auto tune", "autotune"),
            ("Auto tune", "autotune"),
            ("lo-fi", "lofi"),
            ("Lo-fi", "lofi"),
            ("Lo-Fi", "lofi"),
            ("lo fi", "lofi"),
            ("hip-hop", "hiphop"),
            ("Hip-hop", "hiphop"),
            ("Hip-Hop", "hiphop"),
            ("hip hop", "hiphop"),
            ("Hip hop", "hiphop"),
            ("neo-soul", "neo_soul"),
            ("Neo-soul", "neo_soul"),
            ("neo soul", "neo_soul"),
            ("Neo soul", "neo_soul"),
            ("dry/wet", "mix"),
            ("wet/dry", "mix"),
            ("♯", "#"),
            ("♭", "b"),
        ] {
            s = s.replace(from, to);
        }
        let mut words = Vec::new();
        for raw in s.split(|c: char| c.is_whitespace() || ",;:!?()[]\"/".contains(c)) {
            let raw = raw.trim_matches(|c: char| c == '\'' || c == '.' || c == '*');
            if raw.is_empty() {
                continue;
            }
            // "50%" -> "50" "%"; "120bpm" -> "120" "bpm"; "20ms" -> "20" "ms".
            let split_at = raw
                .char_indices()
                .skip(1)
                .find(|(i, c)| {
                    c.is_ascii_alphabetic() || *c == '%' && raw[..*i].chars().all(is_numeric_char)
                })
                .map(|(i, _)| i)
                .filter(|i| raw[..*i].chars().all(is_numeric_char));
            let parts: Vec<&str> = match split_at {
                Some(i) => vec![&raw[..i], &raw[i..]],
                None => vec![raw],
            };
            for part in parts {
                // Hyphens join words ("breath-y") but keep signs ("-5").
                let pieces: Vec<&str> = if part.starts_with(['-', '+']) {
                    vec![part]
                } else {
                    part.split('-').filter(|p| !p.is_empty()).collect()
                };
                for piece in pieces {
                    words.push(Word {
                        text: piece.to_lowercase(),
                        capital: piece.chars().next().is_some_and(char::is_uppercase),
                    });
                }
            }
        }
        Words { words }
    }

    fn len(&self) -> usize {
        self.words.len()
    }

    fn at(&self, i: usize) -> &str {
        self.words.get(i).map(|w| w.text.as_str()).unwrap_or("")
    }

    fn has(&self, word: &str) -> bool {
        self.words.iter().any(|w| w.text == word)
    }

    fn has_any(&self, words: &[&str]) -> bool {
        words.iter().any(|w| self.has(w))
    }

    fn find_any(&self, words: &[&str]) -> Option<usize> {
        self.words
            .iter()
            .position(|w| words.contains(&w.text.as_str()))
    }

    fn has_prefix(&self, prefix: &str) -> bool {
        self.words.iter().any(|w| w.text.starts_with(prefix))
    }

    fn find_prefix(&self, prefixes: &[&str]) -> Option<usize> {
        self.words
            .iter()
            .position(|w| prefixes.iter().any(|p| w.text.starts_with(p)))
    }

    /// Whether the words `phrase` (space separated) occur in a row.
    fn has_phrase(&self, phrase: &str) -> bool {
        self.find_phrase(phrase).is_some()
    }

    /// The lowercase words in order, for the descriptor table.
    fn texts(&self) -> Vec<&str> {
        self.words.iter().map(|w| w.text.as_str()).collect()
    }

    fn find_phrase(&self, phrase: &str) -> Option<usize> {
        let parts: Vec<&str> = phrase.split(' ').collect();
        (0..self.len()).find(|&i| parts.iter().enumerate().all(|(k, p)| self.at(i + k) == *p))
    }
}

fn is_numeric_char(c: char) -> bool {
    c.is_ascii_digit() || c == '.' || c == '-' || c == '+'
}

/// A number word or digits: "three" -> 3, "-5" -> -5, "0.3" -> 0.3.
fn number(word: &str) -> Option<f64> {
    const WORDS: [&str; 21] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    if let Some(i) = WORDS.iter().position(|w| *w == word) {
        return Some(i as f64);
    }
    match word {
        "thirty" => return Some(30.0),
        "forty" => return Some(40.0),
        "fifty" => return Some(50.0),
        "sixty" => return Some(60.0),
        "seventy" => return Some(70.0),
        "eighty" => return Some(80.0),
        "ninety" => return Some(90.0),
        "hundred" => return Some(100.0),
        "half" => return Some(0.5),
        _ => {}
    }
    word.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// How much a vague word asks for, on a 0..1 scale.
fn level_word(words: &Words, around: usize) -> Option<f32> {
    // The words around the trigger, within its own clause: in "a lot of reverb and pitch me
    // down", "down" belongs to the pitch, not to the reverb.
    let clause_end = |w: &&str| matches!(*w, "and" | "but" | "then" | "plus" | "also");
    let lo = around.saturating_sub(4);
    let mut window: Vec<&str> = (lo..around)
        .rev()
        .map(|i| words.at(i))
        .take_while(|w| !clause_end(w))
        .collect();
    window.reverse();
    let after: Vec<&str> = (around + 1..around + 5)
        .map(|i| words.at(i))
        .take_while(|w| !clause_end(w))
        .collect();
    let any = |list: &[&str]| window.iter().chain(after.iter()).any(|w| list.contains(w));
    if any(&[
        "no", "without", "remove", "off", "kill", "zero", "disable", "none", "lose",
    ]) {
        return Some(0.0);
    }
    if any(&["less", "reduce", "lower", "fewer", "down"]) {
        return Some(0.15);
    }
    if any(&[
        "tons", "lot", "lots", "heavy", "huge", "massive", "loads", "maximum", "max", "full",
    ]) {
        return Some(0.7);
    }
    if any(&[
        "more", "extra", "plenty", "big", "bigger", "very", "really", "increase", "up",
    ]) {
        return Some(0.5);
    }
    if any(&[
        "little", "touch", "bit", "slight", "slightly", "subtle", "light", "hint", "tiny",
    ]) {
        return Some(0.2);
    }
    None
}

/// An explicit amount near `around`: "30%", "30 percent", "0.3", "at 30".
fn amount_near(words: &Words, around: usize) -> Option<f32> {
    let lo = around.saturating_sub(3);
    for i in (lo..(around + 4).min(words.len())).filter(|&i| i != around) {
        let w = words.at(i);
        let percent = matches!(words.at(i + 1), "%" | "percent" | "pct");
        // Digits anywhere; number words ("forty percent") only with a percent sign.
        let parsed = w
            .parse::<f64>()
            .ok()
            .or_else(|| number(w).filter(|_| percent));
        let Some(v) = parsed.filter(|v| v.is_finite()) else {
            continue;
        };
        let value = if percent || v > 1.0 { v / 100.0 } else { v };
        if (0.0..=1.0).contains(&value) {
            return Some(value as f32);
        }
    }
    None
}

/// A request for the words after a trigger: an amount, else a vague level, else `default`.
fn amount_or_level(words: &Words, at: usize, default: f32) -> f32 {
    amount_near(words, at)
        .or_else(|| level_word(words, at))
        .unwrap_or(default)
}

const SCALE_WORDS: [(&str, ScaleKind); 22] = [
    ("harmonic minor", ScaleKind::HarmonicMinor),
    ("melodic minor", ScaleKind::MelodicMinor),
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

/// Interval words that follow "major"/"minor" and make them not a key ("a major third").
const INTERVAL_AFTER_QUALITY: [&str; 6] = ["third", "second", "sixth", "seventh", "chord", "key"];

/// A scale phrase starting at word `i`: the scale and how many words it takes.
fn scale_at(words: &Words, i: usize) -> Option<(ScaleKind, usize)> {
    for (phrase, scale) in SCALE_WORDS {
        let n = phrase.split(' ').count();
        let matched = phrase
            .split(' ')
            .enumerate()
            .all(|(k, p)| words.at(i + k) == p);
        if matched {
            // "blues" is a style when it follows nothing musical; "m" only right after a note.
            if INTERVAL_AFTER_QUALITY.contains(&words.at(i + n)) && words.at(i + n) != "key" {
                return None;
            }
            return Some((scale, n));
        }
    }
    None
}

/// The key and scale a request names, e.g. "F sharp minor", "in Bb", "A dorian", "Am".
fn find_key(words: &Words) -> (Option<PitchClass>, Option<ScaleKind>) {
    for i in 0..words.len() {
        let w = &words.words[i];
        let text = w.text.as_str();
        let first = text.chars().next().unwrap_or(' ');
        if !('a'..='g').contains(&first) {
            continue;
        }
        // The note: "f#", "bb", "f" + "sharp", "am" (A minor shorthand), "c#m".
        let (note_text, shorthand_minor) = match text {
            t if t.len() == 1 => (t.to_string(), false),
            t if t.len() == 2 && (t.ends_with('#') || t.ends_with('b')) => (t.to_string(), false),
            t if t.len() == 2 && t.ends_with('m') && w.capital => (t[..1].to_string(), true),
            t if t.len() == 3 && t.ends_with("#m") => (t[..2].to_string(), true),
            t if t.len() == 3 && t.ends_with("bm") && w.capital => (t[..2].to_string(), true),
            _ => continue,
        };
        let mut next = i + 1;
        let mut note_text = note_text;
        if note_text.len() == 1 && matches!(words.at(next), "sharp" | "flat" | "#") {
            note_text.push_str(match words.at(next) {
                "flat" => "b",
                _ => "#",
            });
            next += 1;
        }
        let Ok(pc) = note_text.parse::<PitchClass>() else {
            continue;
        };
        let scale = if shorthand_minor {
            Some(ScaleKind::Minor)
        } else {
            scale_at(words, next).map(|(s, _)| s)
        };
        let prev = if i > 0 { words.at(i - 1) } else { "" };
        let has_accidental = note_text.len() > 1;
        let after_key_word = matches!(prev, "in" | "to" | "of" | "into" | "key") || prev == "=";
        let plain_letter = note_text.len() == 1;
        // "a" is an article unless a scale follows or it is a capital after "in/to/of".
        let accepted = if note_text == "a" && !w.capital {
            scale.is_some() && (words.at(next) != "m")
        } else if plain_letter && scale.is_none() {
            after_key_word && (w.capital || prev == "of" || prev == "key")
        } else {
            scale.is_some() || has_accidental && (after_key_word || w.capital)
        };
        // "a minor third" is an interval, not A minor.
        let is_interval =
            note_text == "a" && INTERVAL_AFTER_QUALITY[..5].contains(&words.at(next + 1));
        if accepted && !is_interval {
            // "the blues scale in A": a scale named elsewhere still counts.
            let scale = scale.or_else(|| find_scale_only(words));
            return (Some(pc), scale);
        }
    }
    (None, find_scale_only(words))
}

/// A scale named without a note: "switch to dorian", "make it minor".
fn find_scale_only(words: &Words) -> Option<ScaleKind> {
    for i in 0..words.len() {
        if let Some((scale, n)) = scale_at(words, i) {
            if words.at(i) == "m" || words.at(i) == "min" || words.at(i) == "maj" {
                continue;
            }
            if words.at(i) == "blues" && !words.has_any(&["scale", "mode", "key"]) {
                continue;
            }
            if INTERVAL_AFTER_QUALITY.contains(&words.at(i + n)) && words.at(i + n) != "key" {
                continue;
            }
            let prev = if i > 0 { words.at(i - 1) } else { "" };
            let scale_context = matches!(prev, "to" | "in" | "a" | "the" | "into" | "it" | "use")
                || matches!(words.at(i + n), "scale" | "mode" | "key");
            if scale_context {
                return Some(scale);
            }
        }
    }
    None
}

/// A tempo: "90 bpm", "at 120", "tempo 100".
fn find_tempo(words: &Words) -> Option<u32> {
    for i in 0..words.len() {
        if matches!(words.at(i), "bpm" | "beats") && i > 0 {
            if let Some(v) = number(words.at(i - 1)) {
                return Some(v.round() as u32);
            }
        }
        if words.at(i) == "at" && words.at(i + 2) != "%" && words.at(i + 2) != "percent" {
            if let Some(v) = number(words.at(i + 1)).filter(|v| (40.0..=240.0).contains(v)) {
                return Some(v.round() as u32);
            }
        }
        if words.at(i) == "tempo" {
            for k in [i + 1, i + 2, i + 3] {
                if let Some(v) = number(words.at(k)).filter(|v| *v >= 40.0) {
                    return Some(v.round() as u32);
                }
            }
        }
    }
    let slow = words.has_any(&["slow", "slower", "chill", "laid"]);
    let fast = words.has_any(&["fast", "faster", "uptempo", "upbeat", "energetic"]);
    match (slow, fast) {
        (true, false) => Some(75),
        (false, true) => Some(128),
        _ => None,
    }
}

/// Interval size in semitones and how many words it took, at word `i`.
fn interval_at(words: &Words, i: usize) -> Option<(f64, usize)> {
    let w = words.at(i);
    let next = words.at(i + 1);
    match w {
        "octave" | "octaves" => Some((12.0, 1)),
        "fifth" | "fifths" => Some((7.0, 1)),
        "fourth" | "fourths" => Some((5.0, 1)),
        "third" | "thirds" => Some((4.0, 1)),
        "major" if next == "third" => Some((4.0, 2)),
        "minor" if next == "third" => Some((3.0, 2)),
        "whole" if matches!(next, "step" | "tone" | "steps") => Some((2.0, 2)),
        "half" if matches!(next, "step" | "steps") => Some((1.0, 2)),
        "semitone" | "semitones" | "semis" | "st" | "halfsteps" => Some((1.0, 1)),
        "step" | "steps" | "tone" | "tones" => Some((2.0, 1)),
        _ => None,
    }
}

/// A direction near word `i`: +1 up, -1 down.
fn direction_near(words: &Words, i: usize) -> Option<f64> {
    let lo = i.saturating_sub(5);
    for k in (lo..(i + 4).min(words.len())).filter(|&k| k != i) {
        match words.at(k) {
            "up" | "higher" | "raise" | "raised" | "above" | "sharpen" => return Some(1.0),
            "down" | "lower" | "drop" | "below" | "deeper" | "lower." => return Some(-1.0),
            _ => {}
        }
    }
    None
}

/// A pitch or formant shift in semitones described near word `at` ("up an octave",
/// "down 3 semitones", "+5", "by -2").
fn shift_near(words: &Words, at: usize, allow_bare: bool) -> Option<f64> {
    let lo = at.saturating_sub(5);
    let hi = (at + 6).min(words.len());
    for i in lo..hi {
        if let Some((size, _)) = interval_at(words, i) {
            let count = if i > 0 {
                match words.at(i - 1) {
                    "an" | "a" | "one" | "1" => 1.0,
                    other => number(other).filter(|n| *n >= 1.0).unwrap_or(1.0),
                }
            } else {
                1.0
            };
            // A bare "step"/"tone" is only an interval with a number or direction beside it.
            let weak = matches!(words.at(i), "step" | "steps" | "tone" | "tones");
            let dir = direction_near(words, i).or_else(|| direction_near(words, at));
            if weak && dir.is_none() {
                continue;
            }
            let sign = dir.or_else(|| {
                if i > 0 && words.at(i - 1).starts_with('-') {
                    Some(-1.0)
                } else if allow_bare {
                    Some(1.0)
                } else {
                    None
                }
            })?;
            let value = if count < 0.0 {
                count * size
            } else {
                sign * count * size
            };
            return Some(value);
        }
    }
    // A signed or bare number right by the trigger: "pitch +3", "formant -2", "pitch to 5".
    for i in lo..hi {
        let w = words.at(i);
        if let Some(v) = number(w) {
            if w.starts_with('+') || w.starts_with('-') {
                return Some(v);
            }
            if i > at
                && i <= at + 3
                && (allow_bare || direction_near(words, i).is_some())
                && v.fract() == 0.0
                && v.abs() <= 24.0
            {
                return Some(direction_near(words, i).unwrap_or(1.0) * v);
            }
        }
    }
    None
}

fn rounded(v: f32) -> Value {
    json!((v as f64 * 100.0).round() / 100.0)
}

/// Routes `text` to tool calls, or `None` when it is not a clear command.
pub fn route(text: &str, state: &ParamSnapshot) -> Option<Vec<ToolCall>> {
    let words = Words::new(text);
    if words.len() == 0 {
        return None;
    }

    // Undo comes alone: "undo", "undo that", "go back", "revert".
    if words.has_any(&["undo", "revert"])
        || words.has_phrase("go back")
        || words.has_phrase("take that back")
        || words.has_phrase("change it back")
        || words.has_phrase("put it back")
    {
        return Some(vec![ToolCall::new(ToolName::Undo, json!({}))]);
    }

    if is_state_question(&words) {
        return Some(vec![ToolCall::new(ToolName::GetState, json!({}))]);
    }

    // "Set everything back to normal", "reset everything", "start over": a clean voice and
    // natural tuning (the key and scale stay: they describe the song, not the effect).
    let everything = words.has_any(&["everything", "all"]);
    if (everything && (words.has_phrase("back to normal") || words.has("reset")))
        || words.has_phrase("start over")
        || words.has_phrase("from scratch")
    {
        return Some(vec![
            ToolCall::new(ToolName::VoiceTune, json!({"preset": "natural"})),
            ToolCall::new(ToolName::VoiceModulate, json!({"preset": "neutral"})),
        ]);
    }

    // Questions go to the model unless they also give an order ("can you tune me to A?").
    let question = matches!(
        words.at(0),
        "how"
            | "why"
            | "what"
            | "whats"
            | "which"
            | "who"
            | "when"
            | "does"
            | "is"
            | "are"
            | "do"
            | "should"
    );
    let order = words.has_any(&[
        "set", "make", "tune", "give", "add", "switch", "change", "turn", "put", "use", "pitch",
        "drop", "raise", "generate", "create", "say", "speak", "suggest",
    ]);
    // "What would be a good name for a song about X?" is a request for titles.
    if let Some(call) = names(&words) {
        return Some(vec![call]);
    }
    if question && !order {
        return None;
    }

    if let Some(call) = speak(text, &words) {
        return Some(vec![call]);
    }
    if let Some(call) = intent(text, &words) {
        return Some(vec![call]);
    }

    let (key, scale) = find_key(&words);
    let mut calls = Vec::new();
    let backing_words = [
        "backing",
        "beat",
        "beats",
        "groove",
        "drums",
        "drum",
        "accompaniment",
        "instrumental",
        "loop",
        "jam",
        "rhythm",
        "band",
    ];
    let described = sound_changes(&words.texts());
    if words.has_any(&backing_words) {
        if let Some(call) = backing_control(&words, state) {
            return Some(vec![call]);
        }
    }
    if words.has_any(&backing_words)
        || words.has_phrase("backing track")
        || described.contains(&SoundChange::Backing)
    {
        let mut args = Map::new();
        if let Some(k) = key {
            args.insert("key".into(), json!(k.name()));
        }
        if let Some(s) = scale {
            args.insert("mode".into(), json!(s.id()));
        }
        if let Some(t) = find_tempo(&words).filter(|t| (40..=240).contains(t)) {
            args.insert("tempo_bpm".into(), json!(t));
        }
        if let Some(style) = style(&words) {
            args.insert("style".into(), json!(style));
        }
        if let Some(i) = words.find_any(&["bars", "bar", "measures"]) {
            if let Some(n) = number(words.at(i.saturating_sub(1))).filter(|n| *n >= 1.0) {
                args.insert("bars".into(), json!(n as u32));
            }
        }
        return Some(vec![ToolCall::new(
            ToolName::BackingGenerate,
            Value::Object(args),
        )]);
    }

    if let Some(call) = tune(&words, key, scale, state) {
        calls.push(call);
    }
    if let Some(call) = modulate(&words, state, &described) {
        calls.push(call);
    }
    if calls.is_empty() {
        if let Some(call) = output_control(&words, state) {
            calls.push(call);
        }
    }
    if calls.is_empty() {
        None
    } else {
        Some(calls)
    }
}

/// How much louder or quieter the words ask for, in dB (`None` when they do not).
fn loudness_step(words: &Words) -> Option<f32> {
    let up = words.has_any(&["louder", "up", "raise", "boost", "increase", "more"]);
    let down = words.has_any(&["quieter", "softer", "down", "lower", "reduce", "less"]);
    let size = if words.has_any(&["lot", "much", "way"]) {
        6.0
    } else if words.has_any(&["bit", "little", "touch", "slightly"]) {
        1.5
    } else {
        3.0
    };
    match (up, down) {
        (true, false) => Some(size),
        (false, true) => Some(-size),
        _ => None,
    }
}

/// A level in dB written in the request ("-10 dB", "to minus 6 db").
fn decibels(words: &Words) -> Option<f32> {
    let i = words.find_any(&["db", "decibels", "decibel"])?;
    let v = number(words.at(i.checked_sub(1)?))?;
    let negative = words.at(i.wrapping_sub(2)) == "minus" || v < 0.0;
    Some(if negative { -v.abs() } else { v } as f32)
}

/// Switching the backing on or off, its level, following the host: not a new pattern.
fn backing_control(words: &Words, state: &ParamSnapshot) -> Option<ToolCall> {
    let make = words.has_any(&[
        "generate",
        "make",
        "create",
        "new",
        "give",
        "write",
        "another",
        "different",
    ]) || words.has_any(&["bpm", "bars", "style"]);
    if make {
        return None;
    }
    let mut args = Map::new();
    if words.has_any(&["stop", "off", "mute", "kill", "disable", "silence", "pause"]) {
        args.insert("backing".into(), json!(false));
    } else if words.has_any(&["start", "on", "play", "enable", "unmute", "resume"])
        && !words.has_any(&["louder", "quieter", "volume", "level"])
    {
        args.insert("backing".into(), json!(true));
    }
    if let Some(db) = decibels(words) {
        args.insert("backing_level_db".into(), json!(db.clamp(-60.0, 6.0)));
    } else if let Some(step) = loudness_step(words).filter(|_| !args.contains_key("backing")) {
        let now = state.number("backing_level");
        args.insert(
            "backing_level_db".into(),
            json!((now + step).clamp(-60.0, 6.0)),
        );
    }
    if words.has_any(&["follow", "sync", "synced", "transport"]) {
        let off = words.has_any(&["dont", "don't", "not", "free", "unsync", "stop"]);
        args.insert("follow_host".into(), json!(!off));
        if off {
            args.remove("backing");
        }
    }
    (!args.is_empty()).then(|| ToolCall::new(ToolName::MixControl, Value::Object(args)))
}

/// The output level and bypass: "louder", "turn it down 3 dB", "bypass the plugin".
fn output_control(words: &Words, state: &ParamSnapshot) -> Option<ToolCall> {
    let mut args = Map::new();
    if words.has("bypass") {
        let off = words.has_any(&["off", "disable", "unbypass", "stop", "remove"]);
        args.insert("bypass".into(), json!(!off));
    } else if words.has_any(&["unbypass"]) {
        args.insert("bypass".into(), json!(false));
    }
    let about_level = words.has_any(&[
        "louder", "quieter", "volume", "gain", "output", "level", "db",
    ]);
    if about_level {
        if let Some(db) = decibels(words).filter(|_| !words.has_any(&["up", "down"])) {
            args.insert("output_gain_db".into(), json!(db.clamp(-36.0, 12.0)));
        } else if let Some(step) = loudness_step(words) {
            let step = decibels(words).map_or(step, |db| db.abs() * step.signum());
            let now = state.number("output_gain");
            args.insert(
                "output_gain_db".into(),
                json!((now + step).clamp(-36.0, 12.0)),
            );
        }
    }
    (!args.is_empty()).then(|| ToolCall::new(ToolName::MixControl, Value::Object(args)))
}

fn is_state_question(words: &Words) -> bool {
    let subject = words.has_any(&["settings", "state", "status", "parameters", "setup"]);
    let ask = words.has_any(&["what", "show", "current", "list", "tell", "whats", "what's"]);
    (subject && (ask || words.len() <= 2))
        || words.has_phrase("what key am i")
        || words.has_phrase("which key am i")
        || words.has_phrase("what key are we")
        || words.has_phrase("what's the current")
}

fn speak(text: &str, words: &Words) -> Option<ToolCall> {
    let verbs = ["say", "speak", "read", "announce", "narrate", "pronounce"];
    let verb_at = words.find_any(&verbs)?;
    // "say" must be an order: at the start, or after "please/can you/could you/now".
    let lead_ok = verb_at == 0
        || (0..verb_at).all(|i| {
            matches!(
                words.at(i),
                "please"
                    | "can"
                    | "could"
                    | "would"
                    | "you"
                    | "now"
                    | "and"
                    | "then"
                    | "hey"
                    | "daiw"
                    | "ok"
                    | "okay"
                    | "just"
            )
        });
    let quoted = quoted_text(text);
    if !lead_ok && quoted.is_none() {
        return None;
    }
    let profile = if words.has_prefix("confiden") || words.has_prefix("bold") {
        "guide_confident"
    } else if words.has_prefix("vulnerab") || words.has_any(&["softly", "gently", "fragile"]) {
        "guide_vulnerable"
    } else if words.has_prefix("ethereal") || words.has_any(&["dreamy", "airy", "floaty"]) {
        "guide_ethereal"
    } else if words.has_prefix("power") || words.has_any(&["loud", "loudly", "strong", "strongly"])
    {
        "guide_powerful"
    } else {
        "narrator_neutral"
    };
    let spoken = quoted.or_else(|| text_after_verb(text, &verbs))?;
    let mut args = Map::new();
    args.insert("text".into(), json!(spoken));
    args.insert("profile".into(), json!(profile));
    Some(ToolCall::new(ToolName::VoiceSpeak, Value::Object(args)))
}

/// Text between quotes, if any: "...", '...' (not an apostrophe inside a word).
fn quoted_text(text: &str) -> Option<String> {
    let text = text.replace(['“', '”'], "\"");
    for q in ['"', '\''] {
        let starts: Vec<usize> = text
            .char_indices()
            .filter(|(i, c)| {
                *c == q && (q == '"' || *i == 0 || !text[..*i].ends_with(char::is_alphanumeric))
            })
            .map(|(i, _)| i)
            .collect();
        if let Some(&open) = starts.first() {
            let rest = &text[open + 1..];
            let close = if q == '"' {
                rest.find('"')
            } else {
                rest.char_indices()
                    .find(|(i, c)| *c == '\'' && !rest[i + 1..].starts_with(char::is_alphanumeric))
                    .map(|(i, _)| i)
            };
            if let Some(close) = close {
                let inner = rest[..close].trim();
                if !inner.is_empty() {
                    return Some(inner.to_string());
                }
            }
        }
    }
    None
}

/// The words after the speaking verb, without a trailing "in a ... voice" or "confidently".
fn text_after_verb(text: &str, verbs: &[&str]) -> Option<String> {
    let lower = text.to_lowercase();
    let (pos, verb) = verbs
        .iter()
        .filter_map(|v| {
            lower
                .match_indices(v)
                .find(|(i, _)| *i == 0 || !lower[..*i].ends_with(char::is_alphanumeric))
                .map(|(i, _)| (i, *v))
        })
        .min_by_key(|(i, _)| *i)?;
    let mut rest = text[pos + verb.len()..]
        .trim_start_matches([' ', ':', ','])
        .to_string();
    for lead in [
        "out loud",
        "aloud",
        "this",
        "for me",
        "to me",
        "the words",
        "the line",
    ] {
        if rest.to_lowercase().starts_with(lead) {
            rest = rest[lead.len()..]
                .trim_start_matches([' ', ':', ','])
                .to_string();
        }
    }
    let lower_rest = rest.to_lowercase();
    for tail in [
        " in a ",
        " in an ",
        " with a ",
        " like a ",
        " confidently",
        " softly",
        " gently",
        " loudly",
        " out loud",
        " aloud",
        " as a ",
    ] {
        if let Some(i) = lower_rest.rfind(tail) {
            rest.truncate(i);
            break;
        }
    }
    let rest = rest
        .trim()
        .trim_end_matches(['.', '!', ' '])
        .trim()
        .to_string();
    (!rest.is_empty() && rest.chars().count() <= 400).then_some(rest)
}

fn names(words: &Words) -> Option<ToolCall> {
    let title_word = words.has_any(&["title", "titles", "name", "names"]);
    let asking = words.has_any(&[
        "suggest",
        "ideas",
        "idea",
        "give",
        "need",
        "some",
        "come",
        "brainstorm",
        "want",
        "options",
        "think",
    ]);
    let about_song = words.has_any(&["song", "track", "tune", "ballad", "album", "record"]);
    if !(title_word && (asking || about_song)) || words.has("intent") {
        return None;
    }
    let mut args = Map::new();
    let moods = [
        "grief",
        "grieving",
        "sad",
        "sadness",
        "joy",
        "joyful",
        "happy",
        "longing",
        "rage",
        "angry",
        "anger",
        "nostalgia",
        "nostalgic",
        "bittersweet",
        "melancholy",
        "melancholic",
        "hopeful",
        "hope",
        "euphoria",
        "euphoric",
        "defiance",
        "defiant",
        "serenity",
        "calm",
        "lonely",
        "loneliness",
        "heartbreak",
        "heartbroken",
        "love",
        "summer",
        "winter",
    ];
    if let Some(i) = words.find_any(&moods) {
        args.insert("mood".into(), json!(words.at(i)));
    } else if let Some(i) = words.find_any(&["about"]) {
        let theme: Vec<&str> = (i + 1..words.len())
            .map(|k| words.at(k))
            .take_while(|w| !matches!(*w, "please" | "thanks"))
            .collect();
        if !theme.is_empty() && theme.len() <= 6 {
            args.insert("mood".into(), json!(theme.join(" ")));
        }
    }
    for i in 0..words.len() {
        if let Some(n) =
            number(words.at(i)).filter(|n| (1.0..=20.0).contains(n) && n.fract() == 0.0)
        {
            if matches!(
                words.at(i + 1),
                "titles" | "names" | "ideas" | "options" | "song" | "more"
            ) || matches!(words.at(i + 2), "titles" | "names" | "ideas")
            {
                args.insert("count".into(), json!(n as u32));
                break;
            }
        }
    }
    Some(ToolCall::new(ToolName::NameSuggest, Value::Object(args)))
}

fn intent(text: &str, words: &Words) -> Option<ToolCall> {
    if !words.has_any(&["intent", "intention"]) {
        return None;
    }
    if words.has_any(&["process", "analyse", "analyze", "plan", "run", "interpret"]) {
        return Some(ToolCall::new(ToolName::IntentProcess, json!({})));
    }
    if words.has_any(&[
        "new", "start", "create", "make", "begin", "called", "titled",
    ]) {
        let title = quoted_text(text).or_else(|| {
            let lower = text.to_lowercase();
            ["called ", "titled ", "named "].iter().find_map(|m| {
                lower.find(m).map(|i| {
                    text[i + m.len()..]
                        .trim()
                        .trim_end_matches(['.', '!', '?'])
                        .to_string()
                })
            })
        })?;
        if title.is_empty() {
            return None;
        }
        return Some(ToolCall::new(
            ToolName::IntentNew,
            json!({ "title": title }),
        ));
    }
    None
}

fn style(words: &Words) -> Option<&'static str> {
    let table: [(&[&str], &str); 12] = [
        (&["neo_soul", "neosoul"], "neo_soul"),
        (&["lofi", "chillhop"], "lofi"),
        (&["hiphop", "rap", "trap", "boom"], "hiphop"),
        (&["funk", "funky", "disco"], "funk"),
        (&["rock", "rocky", "punk", "grunge"], "rock"),
        (&["jazz", "jazzy", "swing", "bebop"], "jazz"),
        (&["blues", "bluesy", "shuffle"], "blues"),
        (&["latin", "salsa", "bossa", "samba"], "latin"),
        (&["reggae", "dub", "ska"], "reggae"),
        (
            &["edm", "dance", "house", "techno", "electronic", "club"],
            "edm",
        ),
        (&["ballad", "piano"], "ballad"),
        (&["pop", "poppy"], "pop"),
    ];
    // A mood with no named style picks the style that carries it.
    let moods: [(&[&str], &str); 4] = [
        (
            &[
                "sad",
                "melancholy",
                "melancholic",
                "heartbroken",
                "emotional",
                "tender",
            ],
            "ballad",
        ),
        (
            &["chill", "relaxed", "mellow", "laid", "cozy", "dreamy"],
            "lofi",
        ),
        (&["groovy", "sexy", "smooth", "sultry"], "neo_soul"),
        (
            &["happy", "upbeat", "cheerful", "bright", "sunny", "party"],
            "pop",
        ),
    ];
    table
        .iter()
        .chain(moods.iter())
        .find(|(ws, _)| words.has_any(ws))
        .map(|(_, s)| *s)
}

fn tune(
    words: &Words,
    key: Option<PitchClass>,
    scale: Option<ScaleKind>,
    state: &ParamSnapshot,
) -> Option<ToolCall> {
    let tune_words = [
        "tune",
        "tuning",
        "tuned",
        "autotune",
        "autotuned",
        "correction",
        "correct",
        "retune",
        "snap",
        "tpain",
        "pitchy",
        "key",
        "scale",
    ];
    // "Too robotic", "more human": the tuning should get out of the way.
    let softer = words.has_phrase("too robotic")
        || words.has_phrase("less robotic")
        || words.has_phrase("too obvious")
        || words.has_phrase("too hard")
        || words.has_phrase("too strong")
        || words.has_phrase("too much")
        || words.has_any(&["human", "organic"]);
    let robotic_tuning = !softer
        && words.has_any(&["robotic", "robot"])
        && words.has_any(&["tune", "tuning", "autotune", "correction"]);
    let has_tune_word = words.has_any(&tune_words) || words.has_phrase("pitch correction");
    let mut args = Map::new();
    if let Some(k) = key {
        args.insert("key".into(), json!(k.name()));
    }
    if let Some(s) = scale {
        args.insert("scale".into(), json!(s.id()));
    }
    if !has_tune_word && args.is_empty() {
        return None;
    }
    let hard = words.has("tpain")
        || robotic_tuning
        || words.has_phrase("hard tune")
        || words.has_any(&["hard", "heavy", "extreme", "snap", "instant"]);
    let preset = if softer && has_tune_word {
        Some("natural")
    } else if hard {
        Some("hard_tune")
    } else if words.has_any(&["fast", "tight", "aggressive", "strong", "quick"]) {
        Some("aggressive")
    } else if words.has_any(&["obvious", "noticeable", "audible"]) && words.has("less") {
        Some("transparent")
    } else if words.has_any(&["obvious", "noticeable"]) && words.has_any(&["more", "very"]) {
        Some("hard_tune")
    } else if words.has_any(&[
        "subtle",
        "transparent",
        "gentle",
        "light",
        "slight",
        "barely",
    ]) {
        Some("transparent")
    } else if words.has_any(&["natural", "naturally", "realistic"]) {
        Some("natural")
    } else if words.has_any(&["moderate", "medium", "balanced"]) {
        Some("moderate")
    } else if words.has_prefix("vulnerab") && has_tune_word {
        Some("vulnerable")
    } else {
        None
    };
    if let Some(p) = preset {
        args.insert("preset".into(), json!(p));
    }
    if let Some(i) = words.find_any(&["ms", "milliseconds", "millisecond"]) {
        if let Some(v) = number(words.at(i.saturating_sub(1))).filter(|v| (0.0..=400.0).contains(v))
        {
            args.insert("retune_ms".into(), json!(v));
        }
    }
    // "Slower" / "faster" correction: the glide time doubles or halves from where it is.
    if !args.contains_key("retune_ms") && !args.contains_key("preset") {
        let now = state.number("tune_retune_ms");
        let slower = words.has_any(&["slower", "gentler", "smoother", "softer", "lazier"]);
        let faster = words.has_any(&["faster", "quicker", "snappier", "tighter"]);
        if slower && !faster {
            args.insert(
                "retune_ms".into(),
                json!((now.max(10.0) * 2.0).min(400.0).round()),
            );
        } else if faster && !slower {
            args.insert("retune_ms".into(), json!((now / 2.0).round()));
        }
    }
    if let Some(i) = words.find_any(&["amount", "strength"]) {
        if let Some(v) = amount_near(words, i) {
            args.insert("amount".into(), rounded(v));
        }
    }
    if let Some(i) = words.find_prefix(&["humaniz", "humanis"]) {
        args.insert("humanize".into(), rounded(amount_or_level(words, i, 0.4)));
    }
    if let Some(i) = words.find_any(&["vibrato"]) {
        let keep = words.has_any(&["keep", "preserve", "leave", "save"]);
        let v = amount_near(words, i)
            .or_else(|| level_word(words, i))
            .unwrap_or(if keep { 1.0 } else { 0.8 });
        args.insert("vibrato".into(), rounded(v));
    }
    let off = words.has_any(&["off", "disable", "stop", "bypass"])
        || words.has_phrase("no autotune")
        || words.has_phrase("no tuning")
        || words.has_phrase("without tuning")
        || words.has_phrase("without autotune");
    if off && has_tune_word {
        return Some(ToolCall::new(
            ToolName::VoiceTune,
            json!({"enabled": false}),
        ));
    }
    if words.has_any(&["on", "enable", "activate"]) && has_tune_word {
        args.insert("enabled".into(), json!(true));
    }
    if args.is_empty() {
        // "tune me" alone: turn tuning on with what is set; longer requests go to the model.
        if words.has_any(&["tune", "autotune", "tuning"]) && words.len() <= 4 {
            args.insert("enabled".into(), json!(true));
        } else {
            return None;
        }
    }
    Some(ToolCall::new(ToolName::VoiceTune, Value::Object(args)))
}

fn modulate(words: &Words, state: &ParamSnapshot, described: &[SoundChange]) -> Option<ToolCall> {
    let mut args = Map::new();
    let tune_context = words.has_any(&["tune", "tuning", "autotune", "correction", "tpain"]);

    // Named voice presets.
    let preset = if words.has("intimate") || words.has_phrase("intimate whisper") {
        Some("intimate_whisper")
    } else if words.has_prefix("vulnerab") && !tune_context {
        Some("vulnerable")
    } else if words.has_any(&["powerful", "power"]) {
        Some("powerful")
    } else if words.has_any(&["ethereal", "angelic", "heavenly"]) {
        Some("ethereal")
    } else if words.has_any(&["dark", "darker"]) && !words.has("too") {
        Some("dark")
    } else if words.has("bright") && !words.has_any(&["less", "more", "brighter", "too"]) {
        Some("bright")
    } else if words.has_any(&["neutral", "normal", "reset", "clean", "plain"])
        && words.has_any(&["voice", "effects", "sound", "neutral"])
    {
        Some("neutral")
    } else {
        None
    };
    if let Some(p) = preset {
        args.insert("preset".into(), json!(p));
    }

    // Pitch: intervals with direction, chipmunk, deeper.
    if words.has_any(&["chipmunk", "helium", "squeaky", "chipmunks"]) {
        args.insert("pitch_semitones".into(), json!(12.0));
        args.insert("formant_semitones".into(), json!(7.0));
    } else if words.has_any(&["monster", "demon", "demonic", "giant"]) {
        args.insert("pitch_semitones".into(), json!(-12.0));
        args.insert("formant_semitones".into(), json!(-5.0));
    } else {
        let formant_at = words.find_prefix(&["formant"]);
        let pitch_at = words
            .find_any(&[
                "pitch",
                "shift",
                "transpose",
                "octave",
                "octaves",
                "semitones",
                "semitone",
            ])
            .or_else(|| {
                // "Down 6 dB" is a level, not an interval.
                let level = words.has_any(&["db", "decibel", "decibels", "volume", "louder"]);
                (!level)
                    .then(|| words.find_any(&["up", "down", "higher", "lower", "raise", "drop"]))
                    .flatten()
            });
        if let Some(f) = formant_at {
            if let Some(v) = shift_near(words, f, true).filter(|v| v.abs() <= 12.0) {
                args.insert("formant_semitones".into(), json!(v));
            } else {
                // "A bit lower", "higher": a step from where they are, sized by the words.
                let down = words.has_any(&["lower", "down", "deeper", "darker", "bigger"]);
                let up = words.has_any(&["higher", "up", "brighter", "smaller", "raise"]);
                let size = match level_word(words, f) {
                    Some(l) if l <= 0.2 => 1.0,
                    Some(l) if l >= 0.7 => 4.0,
                    _ => 2.0,
                };
                let now = state.number("mod_formant");
                if down != up {
                    let step = if down { -size } else { size };
                    args.insert(
                        "formant_semitones".into(),
                        json!((now + step).clamp(-12.0, 12.0)),
                    );
                }
            }
        }
        if let Some(p) = pitch_at.filter(|p| formant_at.is_none_or(|f| f.abs_diff(*p) > 2)) {
            let bare = words.has_any(&["pitch", "transpose", "shift"]);
            if let Some(v) = shift_near(words, p, bare).filter(|v| v.abs() <= 24.0) {
                args.insert("pitch_semitones".into(), json!(v));
            }
        }
        if words.has("deeper") && !args.contains_key("pitch_semitones") {
            args.insert("pitch_semitones".into(), json!(-2.0));
            args.insert("formant_semitones".into(), json!(-2.0));
        }
        if (words.has_phrase("reset pitch") || words.has_phrase("pitch back"))
            && !args.contains_key("pitch_semitones")
        {
            args.insert("pitch_semitones".into(), json!(0.0));
        }
    }

    // Robot, unless it describes the tuning.
    if let Some(i) = words.find_any(&["robot", "robotic", "vocoder", "droid"]) {
        if !tune_context {
            let off = level_word(words, i) == Some(0.0)
                || words.has_phrase("less robotic")
                || words.has_phrase("less robot");
            if off {
                args.insert("robot".into(), json!(0.0));
            } else if let Some(v) = amount_near(words, i) {
                args.insert("robot".into(), rounded(v));
            } else if words.has_any(&["on", "enable"]) {
                args.insert("robot".into(), json!(1.0));
            } else if preset.is_none() {
                args.insert("preset".into(), json!("robot"));
            }
        }
    }

    let mut effect = |triggers: &[&str], name: &str, default: f32| {
        if let Some(i) = words.find_prefix(triggers) {
            args.insert(name.into(), rounded(amount_or_level(words, i, default)));
        }
    };
    effect(&["breath"], "breathiness", 0.4);
    if preset != Some("intimate_whisper") {
        effect(&["whisper"], "whisper", 0.4);
    }
    effect(
        &["reverb", "reverberation", "roomy", "spacious"],
        "reverb",
        0.3,
    );
    effect(
        &["compress", "compression", "compressor"],
        "compression",
        0.4,
    );
    if let Some(i) = words.find_any(&["mix", "wet"]) {
        if let Some(v) = amount_near(words, i) {
            args.insert("mix".into(), rounded(v));
        }
    }
    // Tone: 0.5 is flat; comparatives step from the current value.
    let step = |id: &str, by: f32| rounded((state.number(id) + by).clamp(0.0, 1.0));
    if let Some(i) = words.find_any(&["warmth", "warm", "warmer", "warmest"]) {
        let v = amount_near(words, i).map(rounded).unwrap_or_else(|| {
            if words.has("less") || words.has("colder") {
                step("mod_warmth", -0.2)
            } else {
                step("mod_warmth", 0.2)
            }
        });
        args.insert("warmth".into(), v);
    }
    if let Some(i) = words.find_any(&["presence", "brighter", "crisper", "clearer", "duller"]) {
        let v = amount_near(words, i).map(rounded).unwrap_or_else(|| {
            if words.has("less") || words.has("duller") {
                step("mod_presence", -0.2)
            } else {
                step("mod_presence", 0.2)
            }
        });
        args.insert("presence".into(), v);
    }
    // Descriptions fill in only what no explicit word already set.
    for change in described {
        let (name, value) = match *change {
            SoundChange::Reverb(v) => ("reverb", rounded(v)),
            SoundChange::Preset(p) => ("preset", json!(p)),
            SoundChange::Formant(st) => ("formant_semitones", rounded(st)),
            SoundChange::Pitch(st) => ("pitch_semitones", rounded(st)),
            SoundChange::WarmthBy(by) => ("warmth", step("mod_warmth", by)),
            SoundChange::PresenceBy(by) => ("presence", step("mod_presence", by)),
            SoundChange::Backing => continue,
        };
        args.entry(name).or_insert(value);
    }
    if args.is_empty() {
        None
    } else {
        Some(ToolCall::new(ToolName::VoiceModulate, Value::Object(args)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (String, Value) {
        let calls = route(text, &ParamSnapshot::default())
            .unwrap_or_else(|| panic!("router gave up on {text:?}"));
        assert_eq!(calls.len(), 1, "{text:?} -> {calls:?}");
        (calls[0].tool.clone(), Value::Object(calls[0].args.clone()))
    }

    #[test]
    fn keys_and_scales() {
        assert_eq!(
            one("tune me to A minor"),
            ("voice_tune".into(), json!({"key": "A", "scale": "minor"}))
        );
        assert_eq!(
            one("autotune in F sharp minor, hard like T-Pain"),
            (
                "voice_tune".into(),
                json!({"key": "F#", "scale": "minor", "preset": "hard_tune"})
            )
        );
        assert_eq!(
            one("set the key to Bb"),
            ("voice_tune".into(), json!({"key": "A#"}))
        );
        assert_eq!(
            one("switch the scale to dorian"),
            ("voice_tune".into(), json!({"scale": "dorian"}))
        );
        assert_eq!(
            one("subtle correction in E harmonic minor please"),
            (
                "voice_tune".into(),
                json!({"key": "E", "scale": "harmonic_minor", "preset": "transparent"})
            )
        );
        assert_eq!(
            one("retune speed 25 ms"),
            ("voice_tune".into(), json!({"retune_ms": 25.0}))
        );
        assert_eq!(
            one("turn off the autotune"),
            ("voice_tune".into(), json!({"enabled": false}))
        );
    }

    #[test]
    fn intervals_and_characters() {
        assert_eq!(
            one("pitch me up an octave"),
            ("voice_modulate".into(), json!({"pitch_semitones": 12.0}))
        );
        assert_eq!(
            one("drop it down a fifth"),
            ("voice_modulate".into(), json!({"pitch_semitones": -7.0}))
        );
        assert_eq!(
            one("shift the pitch up 3 semitones"),
            ("voice_modulate".into(), json!({"pitch_semitones": 3.0}))
        );
        assert_eq!(
            one("up a minor third"),
            ("voice_modulate".into(), json!({"pitch_semitones": 3.0}))
        );
        assert_eq!(
            one("make me sound like a chipmunk"),
            (
                "voice_modulate".into(),
                json!({"pitch_semitones": 12.0, "formant_semitones": 7.0})
            )
        );
        assert_eq!(
            one("make me sound like a robot"),
            ("voice_modulate".into(), json!({"preset": "robot"}))
        );
        assert_eq!(
            one("robot at 40%"),
            ("voice_modulate".into(), json!({"robot": 0.4}))
        );
        assert_eq!(
            one("add a lot of reverb"),
            ("voice_modulate".into(), json!({"reverb": 0.7}))
        );
        assert_eq!(
            one("no reverb"),
            ("voice_modulate".into(), json!({"reverb": 0.0}))
        );
        assert_eq!(
            one("add a lot of reverb and pitch me down an octave"),
            (
                "voice_modulate".into(),
                json!({"reverb": 0.7, "pitch_semitones": -12.0})
            )
        );
    }

    #[test]
    fn levels_and_switches() {
        assert_eq!(
            one("stop the backing"),
            ("mix_control".into(), json!({"backing": false}))
        );
        assert_eq!(
            one("turn the backing up"),
            ("mix_control".into(), json!({"backing_level_db": -9.0}))
        );
        assert_eq!(
            one("backing quieter"),
            ("mix_control".into(), json!({"backing_level_db": -15.0}))
        );
        assert_eq!(
            one("set the backing to -20 dB"),
            ("mix_control".into(), json!({"backing_level_db": -20.0}))
        );
        assert_eq!(
            one("make the vocals louder"),
            ("mix_control".into(), json!({"output_gain_db": 3.0}))
        );
        assert_eq!(
            one("turn it down 6 dB"),
            ("mix_control".into(), json!({"output_gain_db": -6.0}))
        );
        assert_eq!(
            one("bypass the plugin"),
            ("mix_control".into(), json!({"bypass": true}))
        );
        assert_eq!(
            one("don't follow the DAW transport with the backing"),
            ("mix_control".into(), json!({"follow_host": false}))
        );
        // A new pattern is still a new pattern.
        assert_eq!(one("give me a new funk backing").0, "backing_generate");
    }

    #[test]
    fn everyday_phrasings() {
        assert_eq!(
            one("the tuning is too robotic, make it more human"),
            ("voice_tune".into(), json!({"preset": "natural"}))
        );
        assert_eq!(
            one("reverb to forty percent"),
            ("voice_modulate".into(), json!({"reverb": 0.4}))
        );
        assert_eq!(
            one("I want the formants a bit lower"),
            ("voice_modulate".into(), json!({"formant_semitones": -1.0}))
        );
        assert_eq!(
            one("make the correction slower"),
            ("voice_tune".into(), json!({"retune_ms": 120.0}))
        );
        assert_eq!(
            one("make the correction faster"),
            ("voice_tune".into(), json!({"retune_ms": 30.0}))
        );
        assert_eq!(
            one("pronounce this for me: hello darkness my old friend"),
            (
                "voice_speak".into(),
                json!({"text": "hello darkness my old friend", "profile": "narrator_neutral"})
            )
        );
        assert_eq!(
            one("what would be a good name for a song about summer love").0,
            "name_suggest"
        );
        let reset =
            route("set everything back to normal", &ParamSnapshot::default()).expect("routes");
        assert_eq!(reset.len(), 2);
        assert_eq!(reset[0].tool, "voice_tune");
        assert_eq!(reset[1].tool, "voice_modulate");
    }

    #[test]
    fn descriptions_of_a_sound() {
        assert_eq!(
            one("put me in a huge concert hall"),
            ("voice_modulate".into(), json!({"reverb": 0.8}))
        );
        assert_eq!(
            one("can you make me sound more like an angel"),
            ("voice_modulate".into(), json!({"preset": "ethereal"}))
        );
        assert_eq!(
            one("my voice sounds too nasal, fix it"),
            ("voice_modulate".into(), json!({"formant_semitones": -1.0}))
        );
        assert_eq!(
            one("it's way too bright"),
            ("voice_modulate".into(), json!({"presence": 0.3}))
        );
        assert_eq!(
            one("a little reverb, like a small room"),
            ("voice_modulate".into(), json!({"reverb": 0.2}))
        );
        assert_eq!(
            one("I need something simple to sing over").0,
            "backing_generate"
        );
    }

    #[test]
    fn other_tools() {
        assert_eq!(
            one("give me a sad 70 bpm backing in D minor"),
            (
                "backing_generate".into(),
                json!({"key": "D", "mode": "minor", "tempo_bpm": 70, "style": "ballad"})
            )
        );
        assert_eq!(one("undo that").0, "undo");
        assert_eq!(one("what are the current settings?").0, "get_state");
        assert_eq!(
            one("give me a funk backing track in E minor at 105 bpm, 8 bars"),
            (
                "backing_generate".into(),
                json!({"key": "E", "mode": "minor", "tempo_bpm": 105, "style": "funk", "bars": 8})
            )
        );
        assert_eq!(
            one("say \"one, two, three, four\" confidently"),
            (
                "voice_speak".into(),
                json!({"text": "one, two, three, four", "profile": "guide_confident"})
            )
        );
        assert_eq!(
            one("give me 3 title ideas for a song about heartbreak"),
            (
                "name_suggest".into(),
                json!({"mood": "heartbreak", "count": 3})
            )
        );
        assert_eq!(
            one("start a new intent called Paper Boats"),
            ("intent_new".into(), json!({"title": "Paper Boats"}))
        );
        assert_eq!(one("process my intent").0, "intent_process");
    }

    #[test]
    fn combined_and_unclear_requests() {
        let calls = route(
            "tune me to A minor and add some reverb",
            &ParamSnapshot::default(),
        )
        .expect("routes");
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].tool, "voice_tune");
        assert_eq!(calls[1].tool, "voice_modulate");
        for unclear in [
            "hi there!",
            "what do you think of my song?",
            "I'm feeling a bit lost today",
            "tell me a joke",
            "how does a minor key feel?",
            "",
        ] {
            assert!(
                route(unclear, &ParamSnapshot::default()).is_none(),
                "{unclear:?} should go to the model"
            );
        }
    }

    #[test]
    fn every_call_validates() {
        for text in [
            "tune me to A minor",
            "pitch me up two octaves",
            "give me a jazz groove at 300 bpm",
            "make it warmer",
            "whisper 150%",
        ] {
            for call in route(text, &ParamSnapshot::default()).unwrap_or_default() {
                super::super::tools::validate(&call)
                    .unwrap_or_else(|e| panic!("{text:?} -> {call:?}: {e}"));
            }
        }
    }
}
