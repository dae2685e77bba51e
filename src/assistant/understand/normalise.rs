//! Requests as words: lowercase tokens with one spelling for things written many ways
//! ("t-pain", "lo-fi", "50 %", "120bpm"), numbers written as words merged into digits
//! ("a hundred and ten" -> 110, "ninety-five" -> 95), and misspelt domain words corrected
//! against the vocabulary (`vocab`), so every reader sees the same clean words.

use super::{synonyms, vocab};

/// One word of the request: lowercase (and corrected), plus whether it was written with a
/// capital.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The word, lowercase, corrected to the vocabulary when it was a near miss.
    pub text: String,
    /// The word as written, lowercase, before correction and synonyms (names are matched on
    /// it: "Son" the genre is not "song").
    pub raw: String,
    /// Whether the first letter was a capital (a lone "A" or "E" is then a note).
    pub capital: bool,
    /// Whether a comma, full stop or other clause mark comes right before it (or it is first).
    pub boundary: bool,
}

/// The request split into words.
#[derive(Debug, Clone, Default)]
pub struct Words {
    /// The words in order.
    pub words: Vec<Word>,
}

impl Words {
    /// Splits and cleans `text`.
    pub fn new(text: &str) -> Self {
        let s = format!(" {} ", text.replace(['“', '”', '’', '‘'], "'"))
            .replace('♯', "#")
            .replace('♭', "b")
            .replace(['—', '–'], " , ");
        let mut s = vocab::corrected_text(&super::rewrite::before_split(&s));
        // Lowercase except single letters, which may be notes ("A", "E").
        // Later phrases see earlier replacements ("shut the auto-tune" -> "shut the
        // autotune" -> "turn off the autotune").
        let mut lower = s.to_lowercase();
        for (from, to) in super::vocab::stored().joined() {
            if lower.contains(from) {
                s = replace_ignore_case(&s, from, to);
                lower = s.to_lowercase();
            }
        }
        let mut words = Vec::new();
        // A clause boundary (a comma, a full stop...) is kept on the word after it.
        let mut boundary = true;
        let mut start = None;
        let bytes: Vec<(usize, char)> = s.char_indices().collect();
        for (k, &(i, c)) in bytes.iter().enumerate() {
            let separator = c.is_whitespace() || ",;:!?()[]\"/&+".contains(c);
            // "+6" and "+12" keep their sign; "&" and "+" between words join clauses.
            let sign = c == '+' && bytes.get(k + 1).is_some_and(|(_, n)| n.is_ascii_digit());
            // "up 5 semis / breathier / less comp": a slash between spaces parts clauses.
            let spaced_slash = c == '/'
                && (k > 0 && bytes[k - 1].1.is_whitespace()
                    || bytes.get(k + 1).is_some_and(|(_, n)| n.is_whitespace()));
            if separator && !sign {
                if let Some(from) = start.take() {
                    boundary = push_token(&mut words, &s[from..i], boundary);
                }
                // A new line parts orders typed one per line.
                if ",;!?()&+\n".contains(c)
                    || spaced_slash
                    || c == ':' && colon_ends_clause(&s[i + 1..], &words)
                {
                    boundary = true;
                }
            } else if start.is_none() {
                start = Some(i);
            }
        }
        if let Some(from) = start {
            push_token(&mut words, &s[from..], boundary);
        }
        let mut out = Words { words };
        out.merge_numbers();
        super::tempo_words::read_as_tempo(&mut out);
        super::learner_words::read_as_english(&mut out);
        out
    }

    /// Words built from a run of another request's words (a clause).
    pub fn from_slice(words: &[Word]) -> Self {
        Words {
            words: words.to_vec(),
        }
    }

    /// How many words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether there are no words.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The word at `i`, or "" past the end.
    pub fn at(&self, i: usize) -> &str {
        self.words.get(i).map(|w| w.text.as_str()).unwrap_or("")
    }

    /// Where the clause holding word `i` starts (0 for the first clause).
    pub fn clause_start(&self, i: usize) -> usize {
        let last = self.words.len().saturating_sub(1);
        (0..=i.min(last))
            .rev()
            .find(|&k| self.words.get(k).is_some_and(|w| w.boundary))
            .unwrap_or(0)
    }

    /// The word after `i` in the same clause, or "" at a clause's end.
    pub fn next_in_clause(&self, i: usize) -> &str {
        match self.words.get(i + 1) {
            Some(w) if !w.boundary => &w.text,
            _ => "",
        }
    }

    /// The word before `i`, or "" at the start.
    pub fn before(&self, i: usize) -> &str {
        if i == 0 {
            ""
        } else {
            self.at(i - 1)
        }
    }

    /// Whether `word` occurs.
    pub fn has(&self, word: &str) -> bool {
        self.words.iter().any(|w| w.text == word)
    }

    /// Whether any of `words` occurs.
    pub fn has_any(&self, words: &[&str]) -> bool {
        self.words.iter().any(|w| words.contains(&w.text.as_str()))
    }

    /// The first position of any of `words`.
    pub fn find_any(&self, words: &[&str]) -> Option<usize> {
        self.words
            .iter()
            .position(|w| words.contains(&w.text.as_str()))
    }

    /// Whether a word starts with `prefix`.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.words.iter().any(|w| w.text.starts_with(prefix))
    }

    /// The first word starting with any of `prefixes`.
    pub fn find_prefix(&self, prefixes: &[&str]) -> Option<usize> {
        self.words
            .iter()
            .position(|w| prefixes.iter().any(|p| w.text.starts_with(p)))
    }

    /// Whether the words of `phrase` (space separated) occur in a row.
    pub fn has_phrase(&self, phrase: &str) -> bool {
        self.find_phrase(phrase).is_some()
    }

    /// Where the words of `phrase` start, if they occur in a row.
    pub fn find_phrase(&self, phrase: &str) -> Option<usize> {
        let mut parts = [""; 8];
        let mut n = 0;
        for p in phrase.split(' ').take(8) {
            parts[n] = p;
            n += 1;
        }
        (0..self.len()).find(|&i| (0..n).all(|k| self.at(i + k) == parts[k]))
    }

    /// The lowercase words in order.
    pub fn texts(&self) -> Vec<&str> {
        self.words.iter().map(|w| w.text.as_str()).collect()
    }

    /// Number words in a row become one number: "a hundred and ten" -> "110", "one twenty"
    /// -> "120", "ninety five" -> "95", "a dozen" -> "12".
    fn merge_numbers(&mut self) {
        let mut out: Vec<Word> = Vec::with_capacity(self.words.len());
        let mut i = 0;
        while i < self.words.len() {
            // A number never runs over a comma: "one, two, three" stays three numbers.
            let end = (i + 1..self.words.len())
                .find(|&j| self.words[j].boundary)
                .unwrap_or(self.words.len());
            // Only numbers of several words are merged; a lone "one" may be a pronoun ("the
            // moderate one") and `number` reads lone number words anyway.
            let spoken = spoken_number(&self.words[i..end]).filter(|(_, used)| *used > 1);
            if let Some((value, used)) = spoken {
                out.push(Word {
                    text: format_number(value),
                    raw: format_number(value),
                    capital: false,
                    boundary: self.words[i].boundary,
                });
                i += used;
            } else {
                out.push(self.words[i].clone());
                i += 1;
            }
        }
        self.words = out;
    }
}

/// Control words written as a label before their value ("retune: 120", "scale: blues").
const LABELS: [&str; 23] = [
    "notes",
    "scale",
    "key",
    "retune",
    "reverb",
    "whisper",
    "breath",
    "formant",
    "pitch",
    "tempo",
    "bpm",
    "style",
    "mode",
    "amount",
    "humanize",
    "vibrato",
    "robot",
    "mix",
    "warmth",
    "presence",
    "compression",
    "voices",
    "genre",
];

/// Whether a colon ends a clause: not between a label and its value ("reverb: 0.25",
/// "scale: blues") nor before a number; it does before text ("read this: ...").
fn colon_ends_clause(after: &str, words: &[Word]) -> bool {
    let next = after.trim_start().chars().next();
    let number_next = next.is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'));
    let labelled = words
        .last()
        .is_some_and(|w| LABELS.contains(&w.text.as_str()));
    !(number_next || labelled)
}

/// Cleans one token and pushes its words; returns whether the next word starts a clause (this
/// one ended with a full stop).
fn push_token(words: &mut Vec<Word>, raw: &str, mut boundary: bool) -> bool {
    let ends_sentence = raw.ends_with('.') && !raw.ends_with("..");
    // ".7" is a number (0.7), not a word after a full stop.
    let decimal = raw.starts_with('.') && raw[1..].starts_with(|c: char| c.is_ascii_digit());
    let padded;
    let raw = if decimal {
        padded = format!("0{}", raw.trim_end_matches('.'));
        padded.as_str()
    } else {
        raw.trim_matches(|c: char| c == '\'' || c == '.' || c == '*' || c == '@')
    };
    // "the backing's key", "Ableton's tempo": the owner is the word.
    let raw = raw
        .strip_suffix("'s")
        .filter(|r| r.len() > 2)
        .unwrap_or(raw);
    if raw.is_empty() {
        return boundary || ends_sentence;
    }
    for part in split_number_unit(raw) {
        for piece in split_hyphens(part) {
            let raw = piece.to_lowercase();
            let capital = piece.chars().next().is_some_and(char::is_uppercase);
            let corrected = vocab::correct_as(&squeeze(&raw), capital && !boundary);
            words.push(Word {
                text: synonyms::canonical(&corrected).to_string(),
                raw,
                capital,
                boundary,
            });
            boundary = false;
        }
    }
    ends_sentence
}

fn replace_ignore_case(text: &str, from: &str, to: &str) -> String {
    let lower = text.to_lowercase();
    // Lowercasing can change byte lengths outside ASCII; only replace when it did not.
    if lower.len() != text.len() {
        return text.replace(from, to);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (i, _) in lower.match_indices(from) {
        // Whole words only: "neo sould" is not "neo soul" + "d", and "more low-end" is not
        // "more low" + "-end".
        let head = &lower[..i];
        let tail = &lower[i + from.len()..];
        let joined_before = head.strip_suffix('-').unwrap_or(head);
        let joined_after = tail.strip_prefix('-').unwrap_or(tail);
        let before_ok = !joined_before.ends_with(char::is_alphanumeric);
        let after_ok = !joined_after.starts_with(char::is_alphanumeric);
        if i < last || !before_ok || !after_ok {
            continue;
        }
        out.push_str(&text[last..i]);
        out.push_str(to);
        last = i + from.len();
    }
    out.push_str(&text[last..]);
    out
}

/// Letters repeated three times or more are typed for emphasis: "slowww" -> "slow",
/// "happpy" -> "happy" (two stay: "happy", "all").
fn squeeze(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut run = 0;
    let mut prev = None;
    for c in word.chars() {
        if Some(c) == prev {
            run += 1;
        } else {
            run = 1;
        }
        prev = Some(c);
        if run <= 2 {
            out.push(c);
        }
    }
    // "sloww" and "slowww" mean "slow": a doubled final w/o is not English.
    if out.len() > 3 && (out.ends_with("ww") || out.ends_with("oo") && !out.ends_with("too")) {
        out.pop();
    }
    out
}

fn is_numeric_char(c: char) -> bool {
    c.is_ascii_digit() || c == '.' || c == '-' || c == '+'
}

/// "50%" -> "50" "%"; "120bpm" -> "120" "bpm"; "-9db" -> "-9" "db"; "Bbm" stays.
fn split_number_unit(raw: &str) -> Vec<&str> {
    let starts_numeric = raw
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || (c == '-' || c == '+') && raw.len() > 1);
    if !starts_numeric {
        return vec![raw];
    }
    let split = raw
        .char_indices()
        .skip(1)
        .find(|(_, c)| !is_numeric_char(*c))
        .map(|(i, _)| i)
        .filter(|i| raw[..*i].chars().any(|c| c.is_ascii_digit()));
    match split {
        Some(i) => vec![&raw[..i], &raw[i..]],
        None => vec![raw],
    }
}

/// Hyphens join words ("breath-y", "ninety-five", "2-bar") but keep signs ("-5").
fn split_hyphens(part: &str) -> Vec<&str> {
    if part.starts_with(['-', '+']) && part[1..].chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        return vec![part];
    }
    part.split('-').filter(|p| !p.is_empty()).collect()
}

/// Number words for 0..19.
const UNITS: [&str; 20] = [
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
];

/// Tens words, 20..90.
const TENS: [(&str, u32); 8] = [
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

fn unit_word(w: &str) -> Option<u32> {
    UNITS.iter().position(|u| *u == w).map(|i| i as u32)
}

fn tens_word(w: &str) -> Option<u32> {
    TENS.iter().find(|(t, _)| *t == w).map(|(_, v)| *v)
}

/// A number below 100 in words at the start of `words`: (value, words used).
fn below_hundred(words: &[Word]) -> Option<(u32, usize)> {
    let first = words.first()?.text.as_str();
    if let Some(t) = tens_word(first) {
        let unit = words
            .get(1)
            .and_then(|w| unit_word(&w.text))
            .filter(|u| (1..=9).contains(u));
        return Some(match unit {
            Some(u) => (t + u, 2),
            None => (t, 1),
        });
    }
    unit_word(first).map(|u| (u, 1))
}

/// A number written in words at the start of `words`: (value, words used). Handles "a
/// hundred and ten", "hundred twenty five", "one twenty" (a tempo), "a dozen".
fn spoken_number(words: &[Word]) -> Option<(f64, usize)> {
    let text = |i: usize| words.get(i).map(|w| w.text.as_str()).unwrap_or("");
    let mut i = 0;
    if matches!(text(0), "a" | "an") && matches!(text(1), "hundred" | "dozen") {
        i = 1;
    }
    if text(i) == "dozen" && i == 1 {
        return Some((12.0, 2));
    }
    let (mut value, used) = if text(i) == "hundred" {
        (100, 1)
    } else {
        let (v, used) = below_hundred(&words[i..])?;
        if text(i + used) == "hundred" && v < 10 {
            (v * 100, used + 1)
        } else if (1..=2).contains(&v) && used == 1 && tens_word(text(i + 1)).is_some() {
            // "one twenty" is 120 when a tens word follows a lone one or two.
            let (rest, more) = below_hundred(&words[i + 1..])?;
            return Some(((v * 100 + rest) as f64, i + 1 + more));
        } else if let Some(rest) = hundreds_tail(&words[i + 1..]).filter(|_| v == 1 && used == 1) {
            // "One twelve", "one oh five": a tempo read the way it is said.
            return Some(((100 + rest.0) as f64, i + 1 + rest.1));
        } else {
            // Lone number words ("two", "forty") are numbers too.
            return Some((v as f64, i + used));
        }
    };
    i += used;
    if value >= 100 {
        let skip_and = usize::from(text(i) == "and");
        if let Some((rest, more)) = words.get(i + skip_and..).and_then(below_hundred) {
            value += rest;
            i += skip_and + more;
        }
    }
    Some((value as f64, i))
}

/// The last two digits of a number said in pairs after "one": a teen ("twelve") or "oh" and
/// a unit ("oh five"), with the words used.
fn hundreds_tail(words: &[Word]) -> Option<(u32, usize)> {
    let text = |i: usize| words.get(i).map(|w| w.text.as_str()).unwrap_or("");
    if matches!(text(0), "oh" | "o") {
        return unit_word(text(1)).filter(|&u| u > 0).map(|u| (u, 2));
    }
    below_hundred(words).filter(|&(v, used)| (10..=19).contains(&v) && used == 1)
}

fn format_number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A number in digits or a word: "three" -> 3, "-5" -> -5, "0.3" -> 0.3, "half" -> 0.5.
pub fn number(word: &str) -> Option<f64> {
    if let Some(u) = unit_word(word) {
        return Some(u as f64);
    }
    if let Some(t) = tens_word(word) {
        return Some(t as f64);
    }
    match word {
        "hundred" => return Some(100.0),
        "half" => return Some(0.5),
        "dozen" => return Some(12.0),
        _ => {}
    }
    word.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        Words::new(text).words.into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn units_and_joined_spellings() {
        assert_eq!(texts("reverb 50%"), ["reverb", "50", "%"]);
        assert_eq!(texts("120bpm Lo-Fi"), ["120", "bpm", "lofi"]);
        assert_eq!(texts("gain -1.5dB"), ["gain", "-1.5", "db"]);
        assert_eq!(texts("T-Pain style"), ["tpain", "style"]);
        assert_eq!(texts("pitch -4 st"), ["pitch", "-4", "st"]);
    }

    #[test]
    fn misspelt_words_still_make_their_phrases() {
        // "not enough" reads "more", "enough robot" reads "no more robot": with typos too.
        assert_eq!(texts("not enouggh air"), texts("not enough air"));
        assert_eq!(texts("enough robbot now"), texts("enough robot now"));
        // Names and contractions stay as written.
        assert_eq!(Words::new("lil wayne").words[0].raw, "lil");
        assert_eq!(texts("wouldn't"), ["wouldn't"]);
    }

    #[test]
    fn numbers_in_words() {
        assert_eq!(texts("a hundred and ten bpm"), ["110", "bpm"]);
        assert_eq!(texts("one twenty, C major"), ["120", "c", "major"]);
        assert_eq!(texts("ninety-five bpm"), ["95", "bpm"]);
        assert_eq!(texts("tempo hundred twenty five"), ["tempo", "125"]);
        assert_eq!(texts("a dozen titles"), ["12", "titles"]);
        assert_eq!(texts("two octaves down"), ["two", "octaves", "down"]);
        assert_eq!(texts("at a hundred"), ["at", "100"]);
    }

    #[test]
    fn typos_and_emphasis() {
        assert_eq!(texts("add reverbb"), ["add", "reverb"]);
        assert_eq!(texts("bakcing on"), ["backing", "on"]);
        assert_eq!(texts("slowww backing"), ["slow", "backing"]);
        assert_eq!(texts("happpy funk"), ["happy", "funk"]);
        // Capitals are kept for notes.
        assert!(Words::new("in A").words[1].capital);
    }

    #[test]
    fn decimal_commas_after_a_zero_are_points() {
        assert_eq!(Words::new("retune 0,08 s").texts(), ["retune", "0.08", "s"]);
        assert_eq!(Words::new("C, G, Am").texts(), ["c", "g", "am"]);
        assert_eq!(Words::new("bars 10,12").texts(), ["bars", "10", "12"]);
    }

    #[test]
    fn phrases_in_other_words_read_as_known_ones() {
        assert_eq!(
            Words::new("take away the echo").texts(),
            ["remove", "the", "echo"]
        );
        assert_eq!(Words::new("do dièse mineur").texts(), ["c#", "minor"]);
        assert_eq!(Words::new("two half tones").texts(), ["two", "semitones"]);
    }
}
