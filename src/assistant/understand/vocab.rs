//! The domain vocabulary and typo tolerance: a word that is not English we know and is one
//! or two edits (by its length) from a domain word is read as that word ("reverbb",
//! "bakcing", "vibratto", "minro").

/// Words the readers look for. A misspelling is corrected only to one of these.
const DOMAIN: &[&str] = &[
    // Tools and controls.
    "tune",
    "tuning",
    "tuned",
    "autotune",
    "correction",
    "correct",
    "retune",
    "snap",
    "snappy",
    "key",
    "root",
    "tonic",
    "scale",
    "mode",
    "humanize",
    "humanise",
    "vibrato",
    "amount",
    "strength",
    "speed",
    "glide",
    "pitch",
    "formant",
    "formants",
    "octave",
    "octaves",
    "semitone",
    "semitones",
    "transpose",
    "shift",
    "robot",
    "robotic",
    "vocoder",
    "breath",
    "breathy",
    "breathiness",
    "breathier",
    "whisper",
    "whispery",
    "warmth",
    "warm",
    "warmer",
    "presence",
    "bright",
    "brighter",
    "brightness",
    "reverb",
    "echo",
    "compression",
    "compressor",
    "compress",
    "compressed",
    "mix",
    "wet",
    "dry",
    "dryer",
    "preset",
    "backing",
    "track",
    "beat",
    "beats",
    "groove",
    "drums",
    "music",
    "volume",
    "output",
    "gain",
    "level",
    "louder",
    "quieter",
    "softer",
    "bypass",
    "unbypass",
    "follow",
    "following",
    "host",
    "transport",
    "sync",
    "unsync",
    "tempo",
    "bars",
    "bar",
    "loop",
    "style",
    "undo",
    "revert",
    "settings",
    "status",
    "current",
    "state",
    "parameters",
    "speak",
    "say",
    "read",
    "narrate",
    "aloud",
    "title",
    "titles",
    "name",
    "names",
    "suggest",
    "ideas",
    "intent",
    "process",
    "plan",
    "song",
    "generate",
    "create",
    "change",
    "start",
    "stop",
    "enable",
    "disable",
    "remove",
    "reset",
    "increase",
    "decrease",
    "raise",
    "lower",
    "higher",
    "deeper",
    "down",
    "up",
    "more",
    "less",
    "little",
    "bit",
    "slightly",
    "double",
    "half",
    "halve",
    "faster",
    "slower",
    "quicker",
    "called",
    "playing",
    "play",
    "voice",
    "vocal",
    "vocals",
    "sound",
    "effect",
    "effects",
    "engage",
    "slow",
    "fast",
    "long",
    "longer",
    "chill",
    // Presets and characters.
    "transparent",
    "natural",
    "moderate",
    "aggressive",
    "vulnerable",
    "intimate",
    "powerful",
    "ethereal",
    "dark",
    "darker",
    "neutral",
    "chipmunk",
    "helium",
    "demon",
    "monster",
    "villain",
    "devil",
    "cartoon",
    "angel",
    "cathedral",
    "church",
    "hall",
    "arena",
    "room",
    "small",
    "telephone",
    "radio",
    "nightcore",
    // Keys, scales and intervals.
    "major",
    "minor",
    "harmonic",
    "melodic",
    "dorian",
    "phrygian",
    "lydian",
    "mixolydian",
    "locrian",
    "pentatonic",
    "chromatic",
    "blues",
    "sharp",
    "flat",
    "fifth",
    "fourth",
    "third",
    "seventh",
    "whole",
    "step",
    "cents",
    // Styles.
    "reggae",
    "riddim",
    "lofi",
    "chillhop",
    "hiphop",
    "trap",
    "funk",
    "funky",
    "rock",
    "jazz",
    "jazzy",
    "swing",
    "bebop",
    "latin",
    "bossa",
    "salsa",
    "samba",
    "edm",
    "house",
    "techno",
    "electronic",
    "club",
    "dance",
    "ballad",
    "piano",
    "pop",
    "shuffle",
    "neo_soul",
    "soul",
    // Numbers.
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
    "fifteen",
    "sixteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "percent",
    "decibels",
    "milliseconds",
    // Moods.
    "serenity",
    "nostalgia",
    "nostalgic",
    "melancholy",
    "desperation",
    "determination",
    "euphoria",
    "euphoric",
    "longing",
    "defiance",
    "liberation",
    "acceptance",
    "dissociation",
    "confusion",
    "bittersweet",
    "nervousness",
    "grief",
    "happy",
];

/// Everyday English words that look like near misses of domain words but are not: they are
/// never corrected ("tone" is not "tune", "bass" is not "bars", "lead" is not "read").
const ENGLISH: &[&str] = &[
    "turning", "turned", "turns", "returning", "burning", "tone", "tones", "bass", "lead", "load", "loud", "road", "that", "this", "than", "then",
    "them", "they", "there", "these", "those", "more", "make", "made", "take", "like", "time",
    "mine", "line", "note", "notes", "some", "same", "sing", "song", "sung", "long", "want",
    "went", "what", "when", "with", "will", "well", "feel", "fell", "real", "read", "head", "hear",
    "here", "near", "keep", "kept", "need", "have", "give", "live", "love", "move", "over", "ever",
    "even", "into", "onto", "just", "must", "much", "such", "back", "pack", "trick", "tried",
    "word", "work", "world", "sound", "round", "found", "town", "last", "past", "vast", "flow",
    "glow", "show", "snow", "know", "drop", "drip", "stop", "shop", "high", "light", "right",
    "night", "tight", "might", "fight", "sight", "mood", "good", "food", "room", "boom", "doom",
    "zoom", "deep", "sleep", "weep", "keys", "kind", "mind", "find", "wind", "band", "hand",
    "land", "sand", "stand", "hall", "call", "fall", "tall", "wall", "ball", "shall", "small",
    "still", "will", "fill", "feels", "tell", "sell", "cell", "heavy", "ready", "steady", "bitter",
    "better", "butter", "little", "title", "settle", "lower", "power", "tower", "flower", "slower",
    "later", "water", "after", "under", "other", "mother", "father", "brother", "rather",
    "weather", "together", "whether", "either", "voices", "choice", "noise", "raise", "praise",
    "phrase", "chase", "place", "space", "pace", "face", "race", "case", "base", "vase", "ease",
    "please", "tease", "lease", "release", "sing", "ring", "king", "thing", "things", "bring",
    "string", "spring", "wing", "swing", "sting", "ping", "pink", "link", "think", "drink", "sink",
    "wink", "bars", "cars", "stars", "wars", "jars", "beat", "heat", "seat", "meat", "feat",
    "neat", "treat", "great", "three", "tree", "free", "thee", "fifth", "forth", "fourth", "worth",
    "north", "birth", "earth", "mouth", "youth", "truth", "both", "moth", "cloth", "loose", "lose",
    "close", "chose", "those", "whose", "nose", "rose", "pose", "dose", "hose", "host", "most",
    "post", "lost", "cost", "ghost", "toast", "coast", "roast", "boast", "dark", "park", "bark",
    "mark", "spark", "shark", "lark", "stark", "work", "fork", "pork", "cork", "york", "rock",
    "lock", "sock", "dock", "mock", "knock", "shock", "stock", "clock", "block", "flock", "tuned",
    "tunes", "tuner", "dune", "june", "done", "gone", "bone", "cone", "zone", "lone", "phone",
    "alone", "stone", "none", "nine", "fine", "wine", "pine", "dine", "shine", "spine", "vine",
    "swine", "wire", "fire", "hire", "tire", "sire", "dire", "mire", "spire", "speed", "seed",
    "feed", "weed", "reed", "bleed", "breed", "greed", "steed", "deed", "hold", "held", "fold",
    "gold", "cold", "bold", "sold", "told", "mold", "old", "fold", "mic", "mix", "fix", "six",
    "sixth", "pick", "kick", "stick", "thick", "quick", "sick", "cool", "fool", "pool", "tool",
    "school", "wool", "full", "pull", "bull", "dull", "gull", "hull", "null", "skull", "mute",
    "cute", "lute", "flute", "route", "brute", "chute", "meet", "feet", "sheet", "sweet", "street",
    "tweet", "greet", "fleet", "sleet", "beet", "sad", "bad", "dad", "mad", "had", "lad", "pad",
    "rad", "fad", "glad", "sand", "send", "bend", "lend", "mend", "tend", "vend", "wend", "end",
    "blend", "trend", "spend", "friend", "gig", "big", "dig", "fig", "jig", "pig", "rig", "wig",
    "twig", "also", "alto", "tempo", "temple", "simple", "sample", "example", "ample", "maple",
    "staple", "steeple", "people", "purple", "couple", "double", "trouble", "bubble", "rubble",
    "humble", "tumble", "stumble", "mumble", "grumble", "rumble", "jumble", "crumble", "fumble",
    "bumble", "dry", "try", "cry", "fry", "pry", "wry", "shy", "sky", "spy", "sly", "fly", "ply",
    "why", "shake", "shaking", "sake", "wake", "bake", "cake", "fake", "lake", "rake", "stake",
    "again", "gain", "rain", "main", "pain", "vain", "brain", "chain", "drain", "grain", "plain",
    "slain", "stain", "strain", "train", "fast", "cast", "mast", "blast", "east", "beast", "feast",
    "least", "yeast", "lyric", "lyrics", "verse", "chorus", "bridge", "hook", "intro", "outro",
    "take", "takes", "track", "tracks", "crack", "cracks", "black", "stack", "attack", "snack",
    "slack", "shack", "rack", "sack", "jack", "hack", "lack", "quack", "tack", "whack", "mate",
    "late", "rate", "date", "fate", "gate", "hate", "plate", "skate", "slate", "state", "crate",
    "grate", "create", "bone", "done", "sure", "pure", "cure", "lure", "mature", "secure",
    "obscure", "endure", "allure", "figure", "future", "nature", "picture", "culture", "texture",
    "fixture", "mixture", "posture", "gesture", "trip", "drown", "drowned", "guide", "look",
    "while", "local", "star", "stars", "shirt", "spend", "lens", "dawn", "warn", "fund", "roof",
    "loft", "lift", "plane", "tone",
];

/// Short spellings too close to other words for edit distance, read as what they mean.
const SHORT: [(&str, &str); 12] = [
    ("fourty", "forty"),
    ("speek", "speak"),
    ("lofy", "lofi"),
    ("les", "less"),
    ("jaz", "jazz"),
    ("kye", "key"),
    ("lil", "little"),
    ("verb", "reverb"),
    ("comp", "compression"),
    ("mixo", "mixolydian"),
    ("pls", "please"),
    ("plz", "please"),
];

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

/// `word` corrected to the nearest domain word when it is a near miss and not English we
/// know; otherwise unchanged.
pub fn correct(word: &str) -> String {
    if let Some((_, meant)) = SHORT.iter().find(|(short, _)| *short == word) {
        return meant.to_string();
    }
    let limit = allowed_edits(word.chars().count());
    let plain = word.bytes().all(|b| b.is_ascii_lowercase());
    if limit == 0 || !plain || DOMAIN.contains(&word) || ENGLISH.contains(&word) {
        return word.to_string();
    }
    let mut best: Option<(&str, usize)> = None;
    for candidate in DOMAIN {
        // Short words of the same length one letter apart are usually other English words
        // ("trip" is not "trap"): only a swap of two letters counts there.
        if word.len() <= 5 && word.len() == candidate.len() && !same_letters(word, candidate) {
            continue;
        }
        let d = distance(word, candidate, limit);
        // The first letter is rarely wrong; a different first letter costs one more edit.
        let d = d + usize::from(word.as_bytes()[0] != candidate.as_bytes()[0]);
        if d <= limit && best.is_none_or(|(_, bd)| d < bd) {
            best = Some((candidate, d));
        }
    }
    best.map_or_else(|| word.to_string(), |(c, _)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn english_and_short_words_stay() {
        for word in [
            "tone", "bass", "lead", "the", "and", "trip", "hello", "lyric",
        ] {
            assert_eq!(correct(word), word);
        }
    }
}
