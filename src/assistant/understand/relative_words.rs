//! The words the shared grammar of amounts weighs: which way (off, down, easing, up) and how
//! far (small, big).

/// Words that remove or switch off.
pub(super) const OFF: &[&str] = &[
    "no", "without", "remove", "off", "kill", "zero", "disable", "none", "lose", "ditch", "rid",
    "out", "stop", "dead", "0", "mute", "nothing", "not", "don't", "dont", "never", "gone",
];

/// Words that lower.
pub(super) const DOWN: &[&str] = &[
    "less", "reduce", "lower", "fewer", "down", "decrease", "cut", "dry", "drier", "dryer",
    "quieter", "softer", "tame", "thin", "lighter", "smaller", "slower", "weaker", "gentler",
    "soften", "under", "below", "shorter", "iron",
];

/// Phrases that lower without removing: "ease off the compressor", "not so breathy".
pub(super) const EASING: &[&str] = &[
    "go easy",
    "ease off",
    "ease up",
    "back off",
    "dial back",
    "dial down",
    "dial it back",
    "tone down",
    "tone it down",
    "pull back",
    "rein in",
    "not so",
    "not as",
    "not too",
    "not that",
    "not this",
    "not quite so",
    "bit much",
    "little much",
    "tad much",
];

/// Words that raise.
pub(super) const UP: &[&str] = &[
    "more", "extra", "increase", "up", "boost", "crank", "raise", "higher", "louder", "push",
    "bigger", "stronger", "harder", "bump", "faster", "heavier", "further",
];

/// Words that make a step small.
pub(super) const SMALL: &[&str] = &[
    "bit", "little", "touch", "slightly", "slight", "tad", "tiny", "hint", "lil", "smidge",
    "subtle", "light", "barely", "notch", "hair", "skosh", "whisker", "smidgen", "pinch",
];

/// Words that make a step big.
pub(super) const BIG: &[&str] = &[
    "big",
    "way",
    "lot",
    "lots",
    "much",
    "loads",
    "tons",
    "heavy",
    "huge",
    "massive",
    "really",
    "very",
    "super",
    "plenty",
    "drench",
    "drown",
    "soaked",
    "soak",
    "crank",
    "tons",
    "enormous",
    "gigantic",
    "immense",
    "massively",
];
