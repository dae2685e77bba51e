//! The domain vocabulary and typo tolerance: a word that is not English we know and is one
//! or two edits (by its length) from a domain word is read as that word ("reverbb",
//! "bakcing", "vibratto", "minro"). The words themselves are data: `assets/vocabulary.json`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;

/// The vocabulary file, built into the binary.
pub const VOCABULARY_JSON: &str = include_str!("../../../assets/vocabulary.json");

/// Dictionary words near a domain word, never corrected (`scripts/english_words.py` writes it
/// from SCOWL), built into the binary.
pub const ENGLISH_WORDS_JSON: &str = include_str!("../../../assets/english_words.json");

/// The English word file as written (its "_about" and "_notice" are for its reader).
#[derive(Debug, Deserialize)]
struct EnglishWordsFile {
    words: Vec<String>,
}

/// One group of domain words (its "about" is for the reader of the file only).
#[derive(Debug, Deserialize)]
struct Group {
    /// The words, in order.
    words: Vec<String>,
    /// Whether the words are everyday words, so that a name made of them needs a cue ("the
    /// band"); false for the readers' long tail, which holds names' words ("baby", "wonder").
    #[serde(default = "everyday_by_default")]
    everyday: bool,
}

/// Groups are everyday words unless they say otherwise.
fn everyday_by_default() -> bool {
    true
}

/// One group of phrase replacements (its "about" is for the reader of the file only).
#[derive(Debug, Deserialize)]
struct JoinedGroup {
    /// (phrase, replacement) in order.
    pairs: Vec<(String, String)>,
}

/// The vocabulary file as written.
#[derive(Debug, Deserialize)]
struct VocabularyFile {
    domain: Vec<Group>,
    english: Vec<String>,
    short: HashMap<String, String>,
    joined: Vec<JoinedGroup>,
}

/// The vocabulary ready for lookups.
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// Words the readers look for, in file order (the first of equally near ones wins).
    domain: Vec<String>,
    /// The same words, for membership.
    domain_set: HashSet<String>,
    /// The domain words of everyday groups.
    everyday_domain: HashSet<String>,
    /// Everyday English words never corrected.
    english: HashSet<String>,
    /// Dictionary words near a domain word, never corrected either, but not everyday words
    /// (a name made of them, "Cypress Hill", is still a name).
    dictionary: HashSet<String>,
    /// Short misspellings and what they mean.
    short: HashMap<String, String>,
    /// Phrases replaced before the words are split, in order.
    joined: Vec<(String, String)>,
    /// Every word of those phrases: spelt as written, never a misspelling ("ohne" is the
    /// German "without", not "one").
    joined_words: HashSet<String>,
}

impl Vocabulary {
    /// Parses a vocabulary file and a file of dictionary words never corrected.
    pub fn parse(json: &str, english_words: &str) -> Result<Self, serde_json::Error> {
        let file: VocabularyFile = serde_json::from_str(json)?;
        let dictionary: EnglishWordsFile = serde_json::from_str(english_words)?;
        let everyday_domain = file
            .domain
            .iter()
            .filter(|g| g.everyday)
            .flat_map(|g| g.words.iter().cloned())
            .collect();
        let domain: Vec<String> = file.domain.into_iter().flat_map(|g| g.words).collect();
        let joined: Vec<(String, String)> = file.joined.into_iter().flat_map(|g| g.pairs).collect();
        let joined_words = joined
            .iter()
            .flat_map(|(from, _)| from.split_whitespace().map(str::to_lowercase))
            .collect();
        Ok(Vocabulary {
            domain_set: domain.iter().cloned().collect(),
            everyday_domain,
            domain,
            english: file.english.into_iter().collect(),
            dictionary: dictionary.words.into_iter().collect(),
            short: file.short,
            joined,
            joined_words,
        })
    }

    /// Phrases that mean one word or spelling ("auto-tune" -> "autotune", "take away" ->
    /// "remove"), in the order they are replaced.
    pub fn joined(&self) -> impl Iterator<Item = (&str, &str)> {
        self.joined.iter().map(|(a, b)| (a.as_str(), b.as_str()))
    }

    /// Whether `word` is an everyday word the vocabulary knows (a domain word of an everyday
    /// group, or everyday English).
    pub fn is_known(&self, word: &str) -> bool {
        self.everyday_domain.contains(word) || self.english.contains(word)
    }

    /// Whether `word` is one of the words the readers look for.
    pub fn is_domain(&self, word: &str) -> bool {
        self.domain_set.contains(word)
    }

    /// Whether `word` is a domain word of an everyday group: a name the readers already read
    /// wherever it stands ("reverb", "octave"), unlike the long tail's words that they read
    /// only in some phrasings ("spread", "faded").
    pub fn is_everyday_domain(&self, word: &str) -> bool {
        self.everyday_domain.contains(word)
    }

    /// Whether `word` is a dictionary word near a domain word ("roots", "announcer").
    pub fn is_dictionary(&self, word: &str) -> bool {
        self.dictionary.contains(word)
    }

    /// Whether `word` belongs to a phrase read as another ("ohne", "menos"): kept as written
    /// until the phrase is replaced.
    pub fn is_joined_word(&self, word: &str) -> bool {
        self.joined_words.contains(word)
    }

    /// Whether `word` is a short form read as another word ("lil", "comp").
    pub fn is_short(&self, word: &str) -> bool {
        self.short.contains_key(word)
    }

    /// How many domain words there are.
    pub fn domain_len(&self) -> usize {
        self.domain.len()
    }
}

/// The built-in vocabulary (empty if the file were broken: words are then read as written;
/// a test keeps the file valid).
pub fn stored() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY
        .get_or_init(|| Vocabulary::parse(VOCABULARY_JSON, ENGLISH_WORDS_JSON).unwrap_or_default())
}

/// Damerau-Levenshtein distance (adjacent swaps count one), stopping early above `limit`.
pub fn distance(a: &str, b: &str, limit: usize) -> usize {
    let a = a.as_bytes();
    let b = b.as_bytes();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    // Three rows are enough for adjacent swaps; requests are short, so small vectors.
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut row = vec![0usize; width];
    for i in 1..=a.len() {
        row[0] = i;
        let mut best = row[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            row[j] = v;
            best = best.min(v);
        }
        if best > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut row);
    }
    prev[b.len()]
}

/// How many edits a word of `len` letters may have and still be a typo of a domain word:
/// none under four letters (too many short English words sit one edit apart), one up to
/// seven letters, two from eight ("telefone", "breathyness").
fn allowed_edits(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Whether two words have the same letters (one is the other with letters swapped).
fn same_letters(a: &str, b: &str) -> bool {
    let mut x: Vec<u8> = a.bytes().collect();
    let mut y: Vec<u8> = b.bytes().collect();
    x.sort_unstable();
    y.sort_unstable();
    x == y
}

/// How many first letters two words share.
fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// `word` corrected to the nearest domain word when it is a near miss and not English we
/// know; otherwise unchanged. A dictionary word is only folded into a domain word of its own
/// stem by losing an ending ("sounds" is "sound"), never read as another word ("quiet" is not
/// "quit", "roots" not "robots").
pub fn correct(word: &str) -> String {
    correct_as(word, false)
}

/// `correct`, for a word written with a capital inside a sentence when `capital_inside`: a
/// dictionary word there is a name ("something the Pixies would play" is the band, not a
/// pixie), so it is not folded either.
pub fn correct_as(word: &str, capital_inside: bool) -> String {
    let vocabulary = stored();
    if let Some(meant) = vocabulary.short.get(word) {
        return meant.clone();
    }
    let limit = allowed_edits(word.chars().count());
    let plain = word.bytes().all(|b| b.is_ascii_lowercase());
    if limit == 0
        || !plain
        || vocabulary.domain_set.contains(word)
        || vocabulary.english.contains(word)
    {
        return word.to_string();
    }
    let real_word = vocabulary.dictionary.contains(word);
    if real_word && capital_inside {
        return word.to_string();
    }
    nearest_domain_word(vocabulary, word, limit, real_word)
        .map_or_else(|| word.to_string(), str::to_string)
}

/// The domain word within `limit` edits of `word`: the nearest, then the first in file order.
/// With `same_stem_only` (for a real word), only a word with the same stem counts, and among
/// equally near ones the one sharing the longest beginning.
fn nearest_domain_word<'v>(
    vocabulary: &'v Vocabulary,
    word: &str,
    limit: usize,
    same_stem_only: bool,
) -> Option<&'v str> {
    let mut best: Option<(&str, usize, usize)> = None;
    for candidate in &vocabulary.domain {
        // Short words of the same length one letter apart are usually other English words
        // ("trip" is not "trap"): only a swap of two letters counts there.
        if word.len() <= 5 && word.len() == candidate.len() && !same_letters(word, candidate) {
            continue;
        }
        let shared = common_prefix(word, candidate);
        // A real word only loses an ending ("sounds" is "sound"); "guitar" does not become
        // "guitars", which names a style.
        if same_stem_only && (!same_stem(word, candidate, shared) || candidate.len() > word.len()) {
            continue;
        }
        let d = distance(word, candidate, limit);
        // The first letter is rarely wrong; a different first letter costs one more edit.
        let d = d + usize::from(word.as_bytes()[0] != candidate.as_bytes()[0]);
        // A real word's ending decides between its stems; a typo keeps file order.
        let longer_stem = same_stem_only && shared > best.map_or(0, |(_, _, bs)| bs);
        if d <= limit && best.is_none_or(|(_, bd, _)| d < bd || d == bd && longer_stem) {
            best = Some((candidate.as_str(), d, shared));
        }
    }
    best.map(|(c, _, _)| c)
}

/// Whether two words sharing their first `shared` letters are one word with two endings: at
/// least four letters shared, all of the shorter word but its last letter at most, and at
/// most three letters of the longer one after them ("sounds"/"sound", "setting"/"settings",
/// "brighten"/"brighter"; not "quiet"/"quit", "verses"/"versus").
fn same_stem(a: &str, b: &str, shared: usize) -> bool {
    shared >= 4 && shared + 1 >= a.len().min(b.len()) && shared + 3 >= a.len().max(b.len())
}

/// `text` with its lower-case typos corrected, so the phrases replaced next see the words
/// meant ("enough robbot now" is "enough robot now", which reads "no more robot"). Words with
/// a capital (perhaps names, corrected later with that in mind), next to an apostrophe
/// ("wouldn't"), short forms and dictionary words are left as written.
pub fn corrected_text(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_lowercase() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let word = &text[start..i];
        let beside_apostrophe = start > 0 && bytes[start - 1] == b'\''
            || bytes.get(i) == Some(&b'\'')
            || start > 0 && bytes[start - 1].is_ascii_alphanumeric()
            || bytes.get(i).is_some_and(u8::is_ascii_digit);
        // Short forms ("lil", "comp") are read later, word by word: "lil wayne" stays a name.
        // Real words keep their spelling here ("raised fourth" is a phrase, "announcer" a
        // reference's word); only misspellings are mended.
        let vocabulary = stored();
        if beside_apostrophe
            || !word.bytes().all(|b| b.is_ascii_lowercase())
            || vocabulary.is_short(word)
            || vocabulary.is_dictionary(word)
            || vocabulary.is_joined_word(word)
        {
            continue;
        }
        let meant = correct(word);
        if meant != word {
            out.push_str(&text[copied..start]);
            out.push_str(&meant);
            copied = i;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_vocabulary_parses() {
        let v = Vocabulary::parse(VOCABULARY_JSON, ENGLISH_WORDS_JSON)
            .expect("assets/vocabulary.json and assets/english_words.json");
        assert!(v.domain_len() > 250);
        assert!(v.english.contains("tone"));
        // From the dictionary: real words next to domain words.
        assert!(v.dictionary.contains("roots") && v.dictionary.contains("heard"));
        assert_eq!(v.short.get("verb").map(String::as_str), Some("reverb"));
        assert!(v.joined().any(|(from, _)| from == "take away"));
        // Replacements are matched on lowercased text with spaces around words.
        assert!(v.joined().all(|(from, _)| from == from.to_lowercase()));
    }

    #[test]
    fn distance_counts_swaps_as_one() {
        assert_eq!(distance("bakcing", "backing", 2), 1);
        assert_eq!(distance("reverbb", "reverb", 2), 1);
        assert_eq!(distance("telefone", "telephone", 2), 2);
        assert!(distance("hello", "reverb", 2) > 2);
    }

    #[test]
    fn near_misses_become_domain_words() {
        for (typo, word) in [
            ("vibratto", "vibrato"),
            ("minro", "minor"),
            ("chromatik", "chromatic"),
            ("transparant", "transparent"),
            ("compresion", "compression"),
            ("lauder", "louder"),
            ("ouptut", "output"),
            ("octive", "octave"),
            ("formnat", "formant"),
            ("etherial", "ethereal"),
            ("fith", "fifth"),
            ("regae", "reggae"),
        ] {
            assert_eq!(correct(typo), word, "{typo}");
        }
    }

    #[test]
    fn turning_is_not_tuning() {
        assert_eq!(correct("turning"), "turning");
        assert_eq!(correct("turned"), "turned");
    }

    #[test]
    fn dictionary_words_are_never_domain_words() {
        let v = stored();
        let dictionary: EnglishWordsFile =
            serde_json::from_str(ENGLISH_WORDS_JSON).expect("assets/english_words.json");
        // A domain word in the dictionary list would be harmless (domain words are checked
        // first) but means the list is stale: regenerate it with scripts/english_words.py.
        let stale: Vec<&String> = dictionary.words.iter().filter(|w| v.is_domain(w)).collect();
        assert!(
            stale.is_empty(),
            "regenerate assets/english_words.json: {stale:?}"
        );
    }

    #[test]
    fn real_words_fold_only_into_their_own_stem() {
        for (word, read) in [
            ("quiet", "quiet"),
            ("stabbing", "stabbing"),
            ("roots", "roots"),
            ("heard", "heard"),
            ("verses", "verses"),
            ("guitar", "guitar"),
            ("sounds", "sound"),
        ] {
            assert_eq!(correct(word), read, "{word}");
        }
    }

    #[test]
    fn english_and_short_words_stay() {
        for word in [
            "tone", "bass", "lead", "the", "and", "trip", "hello", "lyric",
        ] {
            assert_eq!(correct(word), word);
        }
    }
}
