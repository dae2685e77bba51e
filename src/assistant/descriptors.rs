//! How musicians describe a sound rather than name a setting: spaces ("a huge concert hall"),
//! characters ("like an angel") and complaints ("too nasal", "muddy"). The router reads these
//! with this table because the 135M default model, even with examples, answers most of them in
//! words instead of calling a tool; a bigger model still gets whatever the table does not know.

/// One change a description asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SoundChange {
    /// Set the reverb amount (0..1): the size of the space described.
    Reverb(f32),
    /// Apply a named voice preset.
    Preset(&'static str),
    /// Shift the formants by this many semitones (negative = larger, rounder tract).
    Formant(f32),
    /// Shift the pitch by this many semitones.
    Pitch(f32),
    /// Move warmth (low shelf) by this much from where it is.
    WarmthBy(f32),
    /// Move presence (high shelf) by this much from where it is.
    PresenceBy(f32),
    /// Set the whisper amount (0..1): a voice that is all air.
    Whisper(f32),
    /// The user wants something to sing over: a backing track.
    Backing,
}

/// Phrases (space-separated words, matched in a row) and what they ask for, in priority order
/// within each group.
const SPACES: &[(&[&str], f32)] = &[
    (
        &[
            "concert hall",
            "cathedral",
            "church",
            "arena",
            "stadium",
            "canyon",
            "cave",
            "temple",
            "huge room",
            "huge space",
            "massive room",
            "auditorium",
            "hall",
            "abbey",
            "monastery",
            "enya",
            "pantheon",
            "sophia",
            "basilica",
            "sigur",
            "gregorian",
            "endless",
            "wash",
            "washed out",
            "haze",
            "drenched",
        ],
        0.8,
    ),
    (
        &[
            "big room",
            "large room",
            "club",
            "theater",
            "theatre",
            "live room",
        ],
        0.5,
    ),
    (
        &[
            "bathroom",
            "shower",
            "small room",
            "bedroom",
            "little room",
            "tiny room",
        ],
        0.25,
    ),
    (
        &[
            "bone dry",
            "completely dry",
            "totally dry",
            "dry vocal",
            "dry vocals",
            "dry voice",
            "dead dry",
            "no tail",
            "no room",
            "booth",
            "make it dry",
            "in your face",
            "in my face",
            "right up front",
            "closer to the mic",
            "close to the mic",
            "right in my ear",
        ],
        0.0,
    ),
];

const CHARACTERS: &[(&[&str], &str)] = &[
    (
        &[
            "ghostly",
            "dreamy",
            "dreamlike",
            "otherworldly",
            "celestial",
            "floaty",
            "fairy",
        ],
        "ethereal",
    ),
    (
        &["asmr", "close to the mic", "whispering in", "secret"],
        "intimate_whisper",
    ),
    (&["fragile", "shy", "timid", "delicate"], "vulnerable"),
    (&["diva", "belt", "belting", "commanding"], "powerful"),
    (&["villain", "sinister", "menacing", "evil"], "dark"),
    // A talking computer is the robot ("voice like the computer in a sci-fi spaceship").
    (
        &[
            "like a computer",
            "like the computer",
            "computer voice",
            "the computer in",
        ],
        "robot",
    ),
];

const BACKING: &[&str] = &[
    "to sing over",
    "sing over",
    "sing along to",
    "sing along with",
    "sing on top",
    "play along",
    "accompany me",
    "to sing to",
    "to practice with",
    "to practise with",
];

/// Complaints about the tone: the words that name a problem, and what fixes it.
const COMPLAINTS: &[(&[&str], &[SoundChange])] = &[
    (
        &["nasal", "nasally", "nasaly", "honky", "through my nose"],
        &[SoundChange::Formant(-1.0)],
    ),
    (
        &[
            "muddy",
            "boomy",
            "boxy",
            "too bassy",
            "too much bass",
            "too warm",
        ],
        &[SoundChange::WarmthBy(-0.2)],
    ),
    (
        &["thin", "tinny", "no body", "weak"],
        &[SoundChange::WarmthBy(0.2)],
    ),
    (
        &[
            "harsh",
            "shrill",
            "piercing",
            "sibilant",
            "too bright",
            "ear piercing",
        ],
        &[SoundChange::PresenceBy(-0.2)],
    ),
    (
        &[
            "muffled",
            "dull",
            "buried",
            "lost in the mix",
            "too dark",
            "underwater",
        ],
        &[SoundChange::PresenceBy(0.2)],
    ),
];

/// Wishes about the tone: what the user wants to hear, and what gets there.
const WISHES: &[(&[&str], &[SoundChange])] = &[
    // A ghost whispers from far off: half whisper in a big space (the ethereal preset's
    // formant lift is an angel's, not a ghost's; "ghostly" said of a sound stays ethereal).
    (
        &[
            "ghost",
            "haunted",
            "spectral",
            "phantom",
            "poltergeist",
            "spirit talking",
        ],
        &[SoundChange::Whisper(0.5), SoundChange::Reverb(0.55)],
    ),
    (
        &[
            "sparkle",
            "shine",
            "shiny",
            "sheen",
            "crisp",
            "crispy",
            "glossy",
            "shimmer",
            "more air",
            "airier",
            "clarity",
            "clearer",
            "more clear",
            "forward",
            "in front",
            "cut through",
            "needs to cut",
            "make it cut",
            "brilliance",
        ],
        &[SoundChange::PresenceBy(0.2)],
    ),
    (
        &[
            "body",
            "low end",
            "thicker",
            "more bottom",
            "velvet",
            "velvety",
        ],
        &[SoundChange::WarmthBy(0.2)],
    ),
    (
        &[
            "like a woman",
            "like a girl",
            "like a lady",
            "female",
            "feminine",
            "womanly",
        ],
        &[SoundChange::Pitch(5.0), SoundChange::Formant(2.5)],
    ),
    (
        &[
            "like a man",
            "like a guy",
            "like a dude",
            "male",
            "masculine",
            "manly",
        ],
        &[SoundChange::Pitch(-5.0), SoundChange::Formant(-2.5)],
    ),
    (
        // Registers described rather than named in semitones.
        &[
            "huge and low",
            "big and low",
            "way down low",
            "super low",
            "very low",
            "all low",
            "grave",
            "booming",
            "bass voice",
        ],
        &[SoundChange::Pitch(-5.0), SoundChange::Formant(-2.5)],
    ),
    (
        &[
            "acute",
            "squeaky",
            "sped up",
            "high and small",
            "small voice",
            "tiny voice",
            "smaller sounding",
            "high pitched",
            "girly",
        ],
        &[SoundChange::Pitch(5.0), SoundChange::Formant(2.5)],
    ),
    (
        &["younger", "childlike", "like a kid", "like a child"],
        &[SoundChange::Formant(1.5)],
    ),
    // A voice described by its size and register ("voice like Pinocchio, small and high",
    // "make me sound tiny"): a tiny creature's pitch and throat.
    (
        &[
            "small and high",
            "high and small",
            "tiny and high",
            "high and tiny",
            "sound tiny",
            "tiny voice",
            "small voice",
            "little voice",
            "high little voice",
        ],
        &[SoundChange::Pitch(5.0), SoundChange::Formant(3.0)],
    ),
    // "The Witch-king, low and huge", "a low huge voice": a giant's pitch and throat.
    (
        &[
            "low and huge",
            "huge and low",
            "low and big",
            "big and low",
            "deep and huge",
            "huge and deep",
            "low huge",
            "huge low",
            "huge voice",
            "giant voice",
            "sound huge",
        ],
        &[SoundChange::Pitch(-5.0), SoundChange::Formant(-3.0)],
    ),
    (
        &[
            "older",
            "sound bigger",
            "voice bigger",
            "bigger voice",
            "fuller",
            "like a giant",
        ],
        &[SoundChange::Formant(-1.0), SoundChange::WarmthBy(0.2)],
    ),
    (
        &[
            "further back",
            "farther back",
            "far away",
            "more distant",
            "in the distance",
        ],
        &[SoundChange::Reverb(0.5)],
    ),
];

/// Whether the words push a described space away ("less wash", "no big hall").
fn pushed_away(words: &[&str]) -> bool {
    words
        .iter()
        .any(|w| matches!(*w, "less" | "no" | "not" | "without" | "fewer"))
}

/// Whether the words say how the voice sounds now ("sounds washed out", "I sound like a
/// chipmunk", "it's too squeaky", "way too airy"): a statement or an excess, with no word
/// that asks ("make me", "I want").
fn said_of_the_voice_now(words: &[&str]) -> bool {
    // "Sound like a cathedral" alone is a learner's "make me sound like": a wish.
    let statement = matches!(words, ["sound" | "sounds", next, ..] if *next != "like")
        || matches!(
            words,
            ["it's" | "its" | "im" | "i'm", ..]
                | ["i" | "it" | "you" | "voice", "sound" | "sounds", ..]
                | ["my", "voice", "sound" | "sounds" | "is", ..]
        );
    let excess = words
        .iter()
        .enumerate()
        .any(|(i, w)| matches!(*w, "too" | "overly") && i + 1 < words.len());
    let asks = words.iter().any(|w| {
        matches!(
            *w,
            "want" | "wanna" | "make" | "give" | "gimme" | "can" | "could" | "let" | "need"
        )
    });
    (statement || excess) && !asks
}

/// Whether the words name a sound to reach rather than complain about one: a reference
/// ("that ... voice", "like ...", "give me ...") with no word of complaint ("too", "my",
/// "sounds", "fix"...).
fn is_goal(words: &[&str]) -> bool {
    let reference = words
        .iter()
        .any(|w| matches!(*w, "that" | "like" | "want" | "give" | "gimme"));
    let complaint = words.iter().any(|w| {
        matches!(
            *w,
            "too"
                | "my"
                | "sounds"
                | "so"
                | "fix"
                | "less"
                | "not"
                | "it's"
                | "its"
                | "kinda"
                | "getting"
                | "bit"
                | "way"
                | "really"
                | "very"
                | "no"
                | "don't"
                | "dont"
                | "hate"
        )
    });
    reference && !complaint
}

/// The opposite of a tone change (what a complaint fixes, wanted instead).
fn reversed(change: SoundChange) -> SoundChange {
    match change {
        SoundChange::WarmthBy(v) => SoundChange::WarmthBy(-v),
        SoundChange::PresenceBy(v) => SoundChange::PresenceBy(-v),
        SoundChange::Formant(v) => SoundChange::Formant(-v),
        other => other,
    }
}

/// Whether `words` holds `phrase`'s words in a row.
fn contains_phrase(words: &[&str], phrase: &str) -> bool {
    // Split once, on the stack: the router runs every table on every request.
    let mut parts = [""; 8];
    let mut length = 0;
    for part in phrase.split(' ').take(parts.len()) {
        parts[length] = part;
        length += 1;
    }
    words.windows(length).any(|w| w == &parts[..length])
}

fn first_match<'a, T: Copy>(words: &[&str], table: &'a [(&'a [&'a str], T)]) -> Option<T> {
    table
        .iter()
        .find(|(phrases, _)| phrases.iter().any(|p| contains_phrase(words, p)))
        .map(|(_, value)| *value)
}

/// The changes the descriptions in `words` (lowercase, in order) ask for, at most one per kind.
pub fn sound_changes(words: &[&str]) -> Vec<SoundChange> {
    let mut out = Vec::new();
    if BACKING.iter().any(|p| contains_phrase(words, p)) {
        out.push(SoundChange::Backing);
        return out;
    }
    // "Sounds washed out", "too squeaky", "I sound like a chipmunk": a sound said of the
    // voice as it is now is a complaint, not the wish for more of it.
    let complained = said_of_the_voice_now(words);
    if let Some(reverb) =
        first_match(words, SPACES).filter(|r| *r == 0.0 || !pushed_away(words) && !complained)
    {
        out.push(SoundChange::Reverb(reverb));
    }
    if let Some(preset) = first_match(words, CHARACTERS) {
        out.push(SoundChange::Preset(preset));
    }
    // "Thin it out", "thin the voice out": an order to take body away, not the complaint
    // that it is thin.
    if ["thin it out", "thin out", "thin me out", "thin the voice"]
        .iter()
        .any(|p| contains_phrase(words, p))
    {
        out.push(SoundChange::WarmthBy(-0.2));
    }
    // "More nasal" would need the opposite fix, so "more" with a complaint is not read here.
    let wants_more = words.contains(&"more") && !words.contains(&"less");
    // "That squashed thin voice": a sound named as the goal, so the complaint's fix turns
    // round (thin wanted: less body).
    let goal = is_goal(words);
    let complaints = COMPLAINTS
        .iter()
        .filter(|_| !wants_more)
        .map(|entry| (entry, true));
    for ((phrases, changes), is_complaint) in complaints.chain(WISHES.iter().map(|e| (e, false))) {
        if !is_complaint && complained {
            continue;
        }
        if phrases.iter().any(|p| contains_phrase(words, p)) {
            for change in *changes {
                let change = &if goal && is_complaint {
                    reversed(*change)
                } else {
                    *change
                };
                let same_kind = out
                    .iter()
                    .any(|c| std::mem::discriminant(c) == std::mem::discriminant(change));
                if !same_kind {
                    out.push(*change);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(text: &str) -> Vec<SoundChange> {
        let words: Vec<&str> = text.split(' ').collect();
        sound_changes(&words)
    }

    #[test]
    fn every_phrase_fits_the_stack_split() {
        let all = SPACES
            .iter()
            .flat_map(|(p, _)| p.iter())
            .chain(CHARACTERS.iter().flat_map(|(p, _)| p.iter()))
            .chain(BACKING.iter())
            .chain(COMPLAINTS.iter().flat_map(|(p, _)| p.iter()))
            .chain(WISHES.iter().flat_map(|(p, _)| p.iter()));
        for phrase in all {
            assert!(phrase.split(' ').count() <= 8, "{phrase}");
            assert_eq!(phrase.trim(), *phrase);
        }
    }

    #[test]
    fn orders_and_complaints_about_the_sound() {
        // Thinning is an order to take body away; "thin" alone the complaint.
        assert_eq!(changes("thin it out"), [SoundChange::WarmthBy(-0.2)]);
        assert_eq!(changes("it sounds thin"), [SoundChange::WarmthBy(0.2)]);
        // Said of the voice now, a wish's words are a complaint.
        assert!(changes("it's too squeaky").is_empty());
        assert!(!changes("a squeaky voice").is_empty());
        assert_eq!(changes("closer to the mic"), [SoundChange::Reverb(0.0)]);
    }

    #[test]
    fn spaces_set_reverb_by_size() {
        assert_eq!(
            changes("put me in a huge concert hall"),
            [SoundChange::Reverb(0.8)]
        );
        assert_eq!(
            changes("like singing in the shower"),
            [SoundChange::Reverb(0.25)]
        );
        assert_eq!(changes("i want it bone dry"), [SoundChange::Reverb(0.0)]);
        assert_eq!(changes("a small club gig"), [SoundChange::Reverb(0.5)]);
    }

    #[test]
    fn characters_complaints_and_backing() {
        assert_eq!(
            changes("make me sound more like a ghost"),
            [SoundChange::Whisper(0.5), SoundChange::Reverb(0.55)]
        );
        assert_eq!(
            changes("my voice sounds too nasal fix it"),
            [SoundChange::Formant(-1.0)]
        );
        assert_eq!(
            changes("it sounds muddy and harsh"),
            [SoundChange::WarmthBy(-0.2), SoundChange::PresenceBy(-0.2)]
        );
        assert_eq!(
            changes("i need something simple to sing over"),
            [SoundChange::Backing]
        );
        assert!(changes("make it more nasal").is_empty());
        assert_eq!(
            changes("make me sound older and wiser"),
            [SoundChange::Formant(-1.0), SoundChange::WarmthBy(0.2)]
        );
        assert_eq!(
            changes("make me sound like a woman"),
            [SoundChange::Pitch(5.0), SoundChange::Formant(2.5)]
        );
        assert_eq!(
            changes("give my voice some sparkle"),
            [SoundChange::PresenceBy(0.2)]
        );
        assert!(changes("hello how are you").is_empty());
        // Parts of words do not count: "hallelujah" is not a hall, "thinking" is not thin.
        assert!(changes("hallelujah i am thinking").is_empty());
    }
}
