//! What musicians name instead of a setting: artists, bands, producers, records, scenes and
//! characters ("a Metro Boomin type beat", "make me GLaDOS", "Burial-style vocal"). The
//! knowledge is data (`assets/references.json`): each name stands for one backing style or
//! one vocal treatment. Names are matched on the request's words with spaces, dashes, dots
//! and accents ignored ("R2-D2" = "r2 d2", "Rubén" = "ruben"); a name that is also an
//! everyday word ("Future", "Prince") counts only beside a reference cue ("like Future",
//! "Prince vibe").

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;

use super::normalise::Words;

/// The file, as written.
const REFERENCES_JSON: &str = include_str!("../../../assets/references.json");

/// The backing styles a reference may stand for (the ids of `backing_generate`'s `style`).
const STYLE_IDS: [&str; 12] = [
    "pop", "rock", "funk", "hiphop", "ballad", "jazz", "blues", "latin", "reggae", "edm", "lofi",
    "neo_soul",
];

/// The longest name, in words, worth looking for ("sly and the family stone" is five).
const LONGEST_NAME: usize = 7;

/// Names this short ("xx", "mia") are too easily another word or a typo: they need a cue.
const SHORT_NAME: usize = 3;

/// How many words either side of a name a reference cue may stand ("X type beat", "like
/// the X records").
const CUE_REACH: usize = 3;

/// Words that mark a name as a reference.
const CUES: &[&str] = &[
    "like",
    // "Groot from Guardians", "Shao Kahn from Mortal Kombat": a character and its story.
    "from",
    "style",
    "styled",
    "type",
    "vibe",
    "vibes",
    "ish",
    "esque",
    "sound",
    "sounding",
    "sounds",
    "kind",
    "feel",
    "inspired",
    "era",
    "ala",
    "flavour",
    "flavor",
    "flavoured",
    "flavored",
    "spirit",
    "manner",
    "influenced",
    "reminiscent",
    "tribute",
    "vein",
    "voice",
    "vocal",
    "vibey",
    "mood",
    "sort",
];

/// Words a name's letters must not spell ("H.E.R." is not every "her").
const FUNCTION_WORDS: &[&str] = &[
    "her", "him", "he", "she", "they", "them", "it", "us", "we", "me", "you", "ye", "the", "a",
    "an", "and", "or", "of", "so", "ok", "to", "ti", "la", "do", "re", "mi", "fa", "sol", "si",
];

/// Words too common to make a name by themselves ("the band", "the doors" need a cue).
const FILLER: &[&str] = &[
    "the", "a", "an", "and", "of", "in", "on", "at", "to", "for", "me", "my", "you", "your", "it",
    "its", "we", "us", "i", "is", "be", "no", "yes", "all", "one", "two", "big", "little", "new",
    "old", "boys", "girls", "band", "man", "men", "people", "love", "heart", "time", "day",
    "night", "home", "kids", "kid", "life", "world", "free", "war", "stone", "stones", "doors",
    "cream", "queen", "prince", "future", "police",
];

/// A vocal treatment a reference stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoiceRef {
    /// Audible, instant pitch correction (T-Pain, hyperpop).
    HardTune,
    /// Invisible, gentle correction (unprocessed-sounding singers).
    NaturalTune,
    /// Robots, droids, vocoders.
    Robot,
    /// Huge, deep characters: pitch and formant down.
    LowGiant,
    /// Small, squeaky characters: pitch and formant up.
    HighSmall,
    /// Pitched-up vocal samples as a sound (chipmunk soul, nightcore).
    PitchedUp,
    /// Pitched-down, slowed vocals.
    PitchedDown,
    /// A whispered voice.
    Whisper,
    /// An airy, breathy voice.
    Breathy,
    /// A voice far away in a huge space.
    HugeReverb,
    /// A dry voice, no room.
    Dry,
    /// A voice through a small speaker (telephone, gramophone).
    SmallSpeaker,
    /// A warm, velvet voice.
    Warm,
    /// A bright voice that cuts through.
    BrightUpfront,
}

impl VoiceRef {
    /// The treatment named by a key of the file's `voices`.
    fn from_key(key: &str) -> Option<Self> {
        Some(match key {
            "hard_tune" => Self::HardTune,
            "natural_tune" => Self::NaturalTune,
            "robot" => Self::Robot,
            "low_giant" => Self::LowGiant,
            "high_small" => Self::HighSmall,
            "pitched_up" => Self::PitchedUp,
            "pitched_down" => Self::PitchedDown,
            "whisper" => Self::Whisper,
            "breathy" => Self::Breathy,
            "huge_reverb" => Self::HugeReverb,
            "dry" => Self::Dry,
            "small_speaker" => Self::SmallSpeaker,
            "warm" => Self::Warm,
            "bright_upfront" => Self::BrightUpfront,
            _ => return None,
        })
    }

    /// Whether the treatment is the tuning's (the rest are the voice's).
    pub fn is_tuning(self) -> bool {
        matches!(self, Self::HardTune | Self::NaturalTune)
    }
}

/// What a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// A backing style id.
    Style(&'static str),
    /// A vocal treatment.
    Voice(VoiceRef),
    /// A famous name whose sound could mean several styles, or a backing as well as a voice
    /// ("Beyonce", "Quincy Jones"): the assistant asks.
    Ambiguous,
}

/// One group of the file: plain names, and names that are also everyday words.
#[derive(Deserialize, Default)]
struct Group {
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    common_word_names: Vec<String>,
}

/// The file's shape.
#[derive(Deserialize)]
struct ReferencesFile {
    styles: BTreeMap<String, Group>,
    voices: BTreeMap<String, Group>,
    #[serde(default)]
    ambiguous: Group,
}

/// A name's meaning and whether it needs a cue beside it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    meaning: Meaning,
    needs_cue: bool,
    /// Every word of the name is an everyday word ("the beat", "one love", "tiger"): written
    /// in lower case it needs its cue right beside it.
    ordinary: bool,
    /// Also listed as ambiguous: a style or voice when asked for one, a question when named
    /// alone ("Pink Floyd backing" is rock; "more Pink Floyd" is asked about).
    ambiguous: bool,
}

/// Why the references file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReferencesError {
    /// Not the file's JSON shape.
    #[error("references file: {0}")]
    Json(#[from] serde_json::Error),
    /// A group the assistant has no meaning for.
    #[error("references file: unknown group '{0}'")]
    UnknownGroup(String),
}

/// The names, ready for lookups.
#[derive(Debug, Default)]
pub struct References {
    /// Name key (the letters and digits of its words as written, accents folded) -> meaning.
    by_key: HashMap<String, Entry>,
}

impl References {
    /// Parses a references file.
    pub fn parse(json: &str) -> Result<Self, ReferencesError> {
        let file: ReferencesFile = serde_json::from_str(json)?;
        let mut refs = References::default();
        for (key, group) in &file.styles {
            let style = STYLE_IDS
                .iter()
                .find(|s| *s == key)
                .ok_or_else(|| ReferencesError::UnknownGroup(key.clone()))?;
            refs.add_group(group, Meaning::Style(style));
        }
        for (key, group) in &file.voices {
            let voice = VoiceRef::from_key(key)
                .ok_or_else(|| ReferencesError::UnknownGroup(key.clone()))?;
            refs.add_group(group, Meaning::Voice(voice));
        }
        refs.add_group(&file.ambiguous, Meaning::Ambiguous);
        Ok(refs)
    }

    /// Adds a group's names; the first meaning given a name keeps it.
    fn add_group(&mut self, group: &Group, meaning: Meaning) {
        let named = group.names.iter().map(|n| (n, false));
        let common = group.common_word_names.iter().map(|n| (n, true));
        for (name, common_word) in named.chain(common) {
            let parts: Vec<&str> = name.split_whitespace().collect();
            let key = key_of(&parts);
            // A name of the readers' own words ("ethereal voice", "auto tune") is read by them;
            // one that spells a pronoun ("h e r") would catch every "like her".
            let vocabulary = super::vocab::stored();
            let read_elsewhere = vocabulary.is_everyday_domain(&key)
                || parts.iter().all(|p| vocabulary.is_everyday_domain(p));
            if key.is_empty()
                || parts.len() > LONGEST_NAME
                || read_elsewhere
                || FUNCTION_WORDS.contains(&key.as_str())
            {
                continue;
            }
            let ordinary = all_ordinary(&parts);
            let needs_cue = common_word || key.len() <= SHORT_NAME || ordinary;
            let ambiguous = meaning == Meaning::Ambiguous;
            self.by_key
                .entry(key)
                .and_modify(|e| e.ambiguous |= ambiguous)
                .or_insert(Entry {
                    meaning,
                    needs_cue,
                    ordinary,
                    ambiguous,
                });
        }
    }

    /// How many names are known.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether no name is known.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Every reference named in `words`, in order, with where it starts (the longest name
    /// at each place wins, and a name's words are not read again).
    pub fn find(&self, words: &Words) -> Vec<(usize, Meaning)> {
        self.spans(words)
            .into_iter()
            .map(|(i, _, e)| (i, e.meaning))
            .collect()
    }

    /// Every reference named in `words` as (first word, length in words, entry).
    fn spans(&self, words: &Words) -> Vec<(usize, usize, Entry)> {
        let texts: Vec<String> = words.words.iter().map(|w| fold(&w.raw)).collect();
        let mut found = Vec::new();
        let mut i = 0;
        while i < texts.len() {
            match self.longest_at(&texts, i, words) {
                Some((len, meaning)) => {
                    found.push((i, len, meaning));
                    i += len;
                }
                None => i += 1,
            }
        }
        found
    }

    /// The longest name starting at word `i`, with its length in words.
    fn longest_at(&self, texts: &[String], i: usize, words: &Words) -> Option<(usize, Entry)> {
        let most = LONGEST_NAME.min(texts.len() - i);
        (1..=most).rev().find_map(|len| {
            let key: String = texts[i..i + len].concat();
            let entry = self.by_key.get(&key)?;
            let cue_found = if entry.ordinary && !words.words[i..i + len].iter().any(|w| w.capital)
            {
                cued_beside(words, i, len)
            } else {
                cued(words, i, len)
            };
            (!entry.needs_cue || cue_found).then_some((len, *entry))
        })
    }
}

/// A name's key: the letters and digits of its words, accents folded.
fn key_of(texts: &[&str]) -> String {
    texts.iter().map(|t| fold(t)).collect()
}

/// A lowercase word's letters and digits, accents folded ("rubén" -> "ruben", "r.l" ->
/// "rl").
fn fold(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            let plain = match c {
                'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
                'ú' | 'ù' | 'û' | 'ü' => 'u',
                'ñ' => 'n',
                'ç' => 'c',
                'ý' | 'ÿ' => 'y',
                c => c,
            };
            plain.is_ascii_alphanumeric().then_some(plain)
        })
        .collect()
}

/// Whether every word of a name is an everyday or domain word ("the band", "big room").
fn all_ordinary(texts: &[&str]) -> bool {
    let vocabulary = super::vocab::stored();
    texts.iter().all(|t| {
        // "Son" (the Cuban genre) reads as "song" once corrected: ordinary too.
        FILLER.contains(t)
            || vocabulary.is_known(t)
            || vocabulary.is_known(&super::vocab::correct(t))
    })
}

/// Whether a reference cue stands near the name at `i..i + len`.
fn cued(words: &Words, i: usize, len: usize) -> bool {
    let from = i.saturating_sub(CUE_REACH);
    let to = (i + len + CUE_REACH).min(words.len());
    (from..to)
        .filter(|k| !(i..i + len).contains(k))
        .any(|k| CUES.contains(&words.at(k)))
}

/// Whether a reference cue stands right beside the name at `i..i + len` ("like the beat",
/// "the specials vibe"): in "a lofi feel for the beat" the "feel" is the lofi's, and "the
/// beat" there is the backing.
fn cued_beside(words: &Words, i: usize, len: usize) -> bool {
    let before = i.checked_sub(1).map(|k| words.at(k));
    // "Like the Specials", "sound like the beat": an article may stand between.
    let before_article = i.checked_sub(2).map(|k| words.at(k));
    let cue = |w: Option<&str>| w.is_some_and(|w| CUES.contains(&w));
    cue(before)
        || cue(Some(words.at(i + len)))
        || matches!(before, Some("the" | "a")) && cue(before_article)
}

/// The built-in references (empty if the file were broken: no name is then known; a test
/// keeps the file valid).
pub fn stored() -> &'static References {
    static REFERENCES: OnceLock<References> = OnceLock::new();
    REFERENCES.get_or_init(|| References::parse(REFERENCES_JSON).unwrap_or_default())
}

/// The backing style the first reference to a style stands for.
pub fn style(words: &Words) -> Option<&'static str> {
    stored().find(words).into_iter().find_map(|(_, m)| match m {
        Meaning::Style(s) => Some(s),
        _ => None,
    })
}

/// Where the first reference to a vocal treatment other than a tuning stands, as (first word,
/// length in words).
pub fn voice_span(words: &Words) -> Option<(usize, usize)> {
    stored()
        .spans(words)
        .into_iter()
        .find(|(_, _, e)| matches!(e.meaning, Meaning::Voice(v) if !v.is_tuning()))
        .map(|(i, len, _)| (i, len))
}

/// The vocal treatment the first reference to one stands for.
pub fn voice(words: &Words) -> Option<VoiceRef> {
    stored().find(words).into_iter().find_map(|(_, m)| match m {
        Meaning::Voice(v) => Some(v),
        _ => None,
    })
}

/// Words that frame a name without saying what of it is wanted ("make it more X", "do the X
/// thing", "I want the X sound", "X mode").
const FRAME: &[&str] = &[
    "more",
    "give",
    "it",
    "make",
    "can",
    "could",
    "would",
    "you",
    "do",
    "the",
    "a",
    "an",
    "on",
    "some",
    "bit",
    "little",
    "please",
    "pls",
    "plz",
    "like",
    "lot",
    "of",
    "me",
    "us",
    "just",
    "that",
    "this",
    "thing",
    "mode",
    "i",
    "want",
    "need",
    "sound",
    "sounds",
    "sounding",
    "go",
    "let",
    "lets",
    "s",
    "way",
    "much",
    "abit",
    "kinda",
    "really",
    "all",
    "it's",
    "its",
    "be",
    "everything",
    "vibe",
    "feel",
    "type",
    "style",
];

/// The name, when the request is only a famous name known to be ambiguous in a frame that
/// does not say what of it is wanted ("make it more Stevie Wonder", "I want the Beyonce
/// sound", "do the Weeknd thing").
pub fn bare_likeness(words: &Words) -> Option<String> {
    let spans = stored().spans(words);
    let (first, len, _) = *spans.first()?;
    // Only names known to be ambiguous: a one-style name framed alone ("bossa nova like Girl
    // from Ipanema", "hard tune pls") says what it wants.
    let ambiguous = spans.iter().all(|(_, _, e)| e.ambiguous);
    // A name with a style of its own framed as a groove ("Backstreet Boys ... style"), or
    // with a voice of its own framed as the singer's ("make me sound like Daft Punk"), says
    // which it is.
    let groove = words.has_any(&["vibe", "feel", "type", "style"])
        && spans
            .iter()
            .any(|(_, _, e)| matches!(e.meaning, Meaning::Style(_)));
    let singer = words.has_any(&["me", "my", "myself"])
        && spans
            .iter()
            .any(|(_, _, e)| matches!(e.meaning, Meaning::Voice(_)));
    let ambiguous = ambiguous && !groove && !singer;
    let framed = (0..words.len())
        .filter(|k| !spans.iter().any(|(i, l, _)| (*i..i + l).contains(k)))
        .all(|k| FRAME.contains(&words.at(k)));
    let named: Vec<&str> = words.words[first..first + len]
        .iter()
        .map(|w| w.raw.as_str())
        .collect();
    (ambiguous && framed).then(|| named.join(" "))
}

#[cfg(test)]
#[path = "references_tests.rs"]
mod tests;
