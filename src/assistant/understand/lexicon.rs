//! How musicians name each control and say which way it should go ("the wobble", "the glue",
//! "it's pumping", "I'm buried", "tame the vib"): `assets/controls.json`, written from a
//! musician's knowledge without reading the readers or the request corpus. A request no
//! reader understood is rewritten into the readers' own words ("it's pumping" -> "less
//! compression", "tame the wobble" -> "less vibrato") and read once more.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;

/// The lexicon as shipped.
pub const CONTROLS_JSON: &str = include_str!("../../../assets/controls.json");

/// Why the lexicon could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// The file is not the expected JSON.
    #[error("assets/controls.json is malformed: {0}")]
    Parse(#[from] serde_json::Error),
    /// A control the readers do not know.
    #[error("assets/controls.json names an unknown control {0:?}")]
    UnknownControl(String),
}

/// One control's phrases, as the file lists them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Entry {
    names: Vec<String>,
    names_in_context: Vec<String>,
    more: Vec<String>,
    less: Vec<String>,
    more_with_name: Vec<String>,
    less_with_name: Vec<String>,
    too_much: Vec<String>,
    too_little: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct File {
    controls: BTreeMap<String, Entry>,
    #[serde(default)]
    ambiguous: Vec<Ambiguous>,
}

/// A phrase the file's author found could mean several controls ("tighten": the reverb or
/// the compression).
#[derive(Debug, Deserialize)]
struct Ambiguous {
    phrase: String,
}

/// The readers' own words for one control: its name and a plain step each way. Each pair is
/// checked against the readers by a test, so a rewrite always lands on words they read.
struct Canonical {
    id: &'static str,
    name: &'static str,
    up: &'static str,
    down: &'static str,
}

const CANONICAL: &[Canonical] = &[
    Canonical {
        id: "mod_reverb",
        name: "reverb",
        up: "more reverb",
        down: "less reverb",
    },
    Canonical {
        id: "mod_breath",
        name: "breath",
        up: "more breath",
        down: "less breath",
    },
    Canonical {
        id: "mod_whisper",
        name: "whisper",
        up: "more whisper",
        down: "less whisper",
    },
    Canonical {
        id: "mod_robot",
        name: "robot",
        up: "more robot",
        down: "less robot",
    },
    Canonical {
        id: "mod_compression",
        name: "compression",
        up: "more compression",
        down: "less compression",
    },
    Canonical {
        id: "mod_warmth",
        name: "warmth",
        up: "more warmth",
        down: "less warmth",
    },
    Canonical {
        id: "mod_presence",
        name: "presence",
        up: "more presence",
        down: "less presence",
    },
    Canonical {
        id: "mod_pitch",
        name: "pitch",
        up: "voice higher",
        down: "voice lower",
    },
    Canonical {
        id: "mod_formant",
        name: "formant",
        up: "formant up",
        down: "formant down",
    },
    Canonical {
        id: "mod_mix",
        name: "effect mix",
        up: "more effect mix",
        down: "less effect mix",
    },
    Canonical {
        id: "output_gain",
        name: "vocal volume",
        up: "vocal louder",
        down: "vocal quieter",
    },
    Canonical {
        id: "backing_level",
        name: "backing volume",
        up: "backing louder",
        down: "backing quieter",
    },
    Canonical {
        id: "backing_tempo",
        name: "tempo",
        up: "faster tempo",
        down: "slower tempo",
    },
    Canonical {
        id: "backing_bars",
        name: "bars",
        up: "backing twice as long",
        down: "half as many bars",
    },
    Canonical {
        id: "backing_key",
        name: "backing key",
        up: "backing up a semitone",
        down: "backing down a semitone",
    },
    Canonical {
        id: "tune_retune_ms",
        name: "retune speed",
        up: "faster retune",
        down: "slower retune",
    },
    Canonical {
        id: "tune_amount",
        name: "tuning amount",
        up: "more tuning amount",
        down: "less tuning amount",
    },
    Canonical {
        id: "tune_humanize",
        name: "humanize",
        up: "more humanize",
        down: "less humanize",
    },
    Canonical {
        id: "tune_vibrato",
        name: "vibrato",
        up: "more vibrato",
        down: "less vibrato",
    },
    Canonical {
        id: "harmony_voices",
        name: "harmony voices",
        up: "one more harmony voice",
        down: "one less harmony voice",
    },
    Canonical {
        id: "harmony_level",
        name: "harmony level",
        up: "harmony louder",
        down: "harmony quieter",
    },
    Canonical {
        id: "harmony_spread",
        name: "harmony spread",
        up: "wider harmony spread",
        down: "narrower harmony spread",
    },
];

/// What must be in the request for a phrase to count.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Needs {
    /// Nothing: the phrase means the control on its own.
    Nothing,
    /// A word that moves or sizes something ("more room", "the space down"): the name has
    /// other everyday meanings.
    Direction,
    /// The control's own name, after the names were rewritten ("tuck the harmonies").
    Name(&'static str),
}

/// What a phrase says of its control.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Says {
    /// Names it.
    Name,
    /// Asks to move it ("drier", "tame the vib").
    Move,
    /// Complains of where it is ("it's pumping"): a wish when wanted ("I want it squeezed").
    Complaint,
}

#[derive(Debug)]
struct Rule {
    words: Vec<String>,
    to: &'static str,
    /// The other way, for a negated move ("don't flatten my vibrato") or a wished complaint.
    opposite: &'static str,
    needs: Needs,
    says: Says,
}

/// The phrases, indexed by their first word, longest first.
#[derive(Debug, Default)]
pub struct Lexicon {
    by_first: HashMap<String, Vec<Rule>>,
}

/// Words that move or size a control: a name with other everyday meanings ("room", "space",
/// "body") names the control only beside one.
const DIRECTION: &[&str] = &[
    "more", "less", "up", "down", "louder", "quieter", "softer", "bigger", "smaller", "higher",
    "lower", "too", "increase", "decrease", "reduce", "raise", "boost", "cut", "add", "remove",
    "off", "no", "bit", "little", "touch", "way", "lot", "double", "half", "halve", "percent", "%",
    "enough", "wider", "narrower", "faster", "slower", "longer", "shorter",
];

/// Splits lowercase text into words (letters, digits and inner apostrophes) with their byte
/// spans.
fn tokens(lower: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let chars: Vec<(usize, char)> = lower.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let inner_apostrophe = c == '\''
            && start.is_some()
            && chars.get(k + 1).is_some_and(|(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || inner_apostrophe || c == '%' {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((s, i));
        }
    }
    if let Some(s) = start {
        out.push((s, lower.len()));
    }
    out
}

impl Lexicon {
    /// Reads the lexicon from its JSON text.
    pub fn parse(json: &str) -> Result<Self, LexiconError> {
        let file: File = serde_json::from_str(json)?;
        let mut lexicon = Self::default();
        // A phrase of several meanings is not rewritten: a guess could invert a request
        // ("tighten the dynamics" is more compression, not less reverb).
        let unsure: Vec<String> = file
            .ambiguous
            .iter()
            .map(|a| a.phrase.to_lowercase())
            .collect();
        for (id, entry) in &file.controls {
            let c = CANONICAL
                .iter()
                .find(|c| c.id == id)
                .ok_or_else(|| LexiconError::UnknownControl(id.clone()))?;
            let lists: [(&[String], [&'static str; 2], Needs, Says); 8] = [
                (&entry.names, [c.name; 2], Needs::Nothing, Says::Name),
                (
                    &entry.names_in_context,
                    [c.name; 2],
                    Needs::Direction,
                    Says::Name,
                ),
                (&entry.more, [c.up, c.down], Needs::Nothing, Says::Move),
                (&entry.less, [c.down, c.up], Needs::Nothing, Says::Move),
                (
                    &entry.too_little,
                    [c.up, c.down],
                    Needs::Nothing,
                    Says::Complaint,
                ),
                (
                    &entry.too_much,
                    [c.down, c.up],
                    Needs::Nothing,
                    Says::Complaint,
                ),
                (
                    &entry.more_with_name,
                    ["more", "less"],
                    Needs::Name(c.name),
                    Says::Move,
                ),
                (
                    &entry.less_with_name,
                    ["less", "more"],
                    Needs::Name(c.name),
                    Says::Move,
                ),
            ];
            for (phrases, [to, opposite], needs, says) in lists {
                for p in phrases
                    .iter()
                    .filter(|p| !unsure.contains(&p.to_lowercase()))
                {
                    lexicon.add(
                        p,
                        Rule {
                            words: Vec::new(),
                            to,
                            opposite,
                            needs,
                            says,
                        },
                    );
                }
            }
        }
        for rules in lexicon.by_first.values_mut() {
            rules.sort_by_key(|r| std::cmp::Reverse(r.words.len()));
        }
        Ok(lexicon)
    }

    /// Adds one phrase; the first listing of a phrase wins (the file lists each complaint
    /// under the control a mix engineer turns first).
    fn add(&mut self, phrase: &str, mut rule: Rule) {
        let lower = phrase.to_lowercase();
        let words: Vec<String> = tokens(&lower)
            .into_iter()
            .map(|(s, e)| lower[s..e].to_string())
            .collect();
        let Some(first) = words.first().cloned() else {
            return;
        };
        // A name with everyday meanings that the readers already look for ("room",
        // "octave", "voice") is read better by them; a pronoun ("me") names nothing.
        let single = words.len() == 1 && rule.says == Says::Name;
        let single_known = single
            && (rule.needs == Needs::Direction
                && super::vocab::stored().is_everyday_domain(&first)
                || PRONOUNS.contains(&first.as_str()));
        if single_known || words.join(" ") == rule.to {
            return;
        }
        let rules = self.by_first.entry(first).or_default();
        if rules.iter().any(|r| r.words == words) {
            return;
        }
        rule.words = words;
        rules.push(rule);
    }

    /// How many phrases the lexicon knows.
    pub fn len(&self) -> usize {
        self.by_first.values().map(Vec::len).sum()
    }

    /// Whether the lexicon knows no phrase.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `text` in the readers' words, or `None` when no phrase of the lexicon is in it.
    pub fn rewrite(&self, text: &str) -> Option<String> {
        let text = text.replace(['’', '‘'], "'");
        let first = self.pass(&text, |n| n != Needs::Nothing && n != Needs::Direction);
        let second = self.pass(first.as_deref().unwrap_or(&text), |n| {
            !matches!(n, Needs::Name(_))
        });
        second.or(first)
    }

    /// One pass over `text`, skipping the rules `skip` names; `None` when nothing changed.
    fn pass(&self, text: &str, skip: impl Fn(Needs) -> bool) -> Option<String> {
        // Keep the user's capitals ("A minor") where lowercasing keeps byte offsets.
        let lower = text.to_lowercase();
        let source = if lower.len() == text.len() {
            text
        } else {
            &lower
        };
        let spans = tokens(&lower);
        let words: Vec<&str> = spans.iter().map(|&(s, e)| &lower[s..e]).collect();
        let directed = words
            .iter()
            .any(|w| DIRECTION.contains(w) || w.chars().next().is_some_and(|c| c.is_ascii_digit()));
        let mut out = String::with_capacity(text.len() + 16);
        let mut copied = 0;
        let mut changed = false;
        let mut i = 0;
        while i < words.len() {
            let hit = self.by_first.get(words[i]).and_then(|rules| {
                rules.iter().find(|r| {
                    !skip(r.needs)
                        && words.get(i..i + r.words.len()).is_some_and(|here| {
                            here.iter().copied().eq(r.words.iter().map(String::as_str))
                        })
                        && (r.says != Says::Complaint
                            || r.words.len() > 1
                            || said_of_the_sound(&words[..i]))
                        && match r.needs {
                            Needs::Nothing => true,
                            Needs::Direction => directed,
                            Needs::Name(name) => has_phrase(&words, name),
                        }
                })
            });
            let Some(rule) = hit else {
                i += 1;
                continue;
            };
            let (start, end) = (spans[i].0, spans[i + rule.words.len() - 1].1);
            out.push_str(&source[copied..start]);
            out.push_str(if turned(&words[..i], rule.says) {
                rule.opposite
            } else {
                rule.to
            });
            copied = end;
            changed = true;
            i += rule.words.len();
        }
        out.push_str(&source[copied..]);
        changed.then_some(out)
    }
}

/// Whether the words before a phrase turn it the other way: a negated move ("don't flatten
/// my vibrato", "stop drying it") or a wished complaint ("I want it squeezed a bit").
fn turned(before: &[&str], says: Says) -> bool {
    // Three words back: "don't flatten", "don't make it drier"; a negation further back
    // belongs to another phrase.
    let near = &before[before.len().saturating_sub(3)..];
    match says {
        Says::Name => false,
        Says::Move => near.iter().any(|w| NEGATIONS.contains(w)),
        Says::Complaint => {
            let wish = &before[before.len().saturating_sub(3)..];
            wish.iter().any(|w| WISHES.contains(w)) && !near.iter().any(|w| NEGATIONS.contains(w))
        }
    }
}

/// Whether a one-word complaint is said of the sound ("it's pumping", "sounds muddy", "a
/// bit tubby") or wished ("I want it squeezed"), not a description of a scene ("singing
/// into an empty swimming pool").
fn said_of_the_sound(before: &[&str]) -> bool {
    let wished = before[before.len().saturating_sub(3)..]
        .iter()
        .any(|w| WISHES.contains(w));
    wished
        || before[before.len().saturating_sub(2)..]
            .iter()
            .any(|w| COMPLAINT_FRAMES.contains(w))
}

/// Words that frame a complaint about how it sounds now.
const COMPLAINT_FRAMES: &[&str] = &[
    "too", "so", "it's", "its", "is", "sounds", "sound", "sounding", "are", "i'm", "im", "am",
    "getting", "bit", "kinda", "kind", "very", "really", "way", "pretty", "quite", "still",
    "feels", "gets", "little", "that's", "thats",
];

/// Words that turn a move the other way.
const NEGATIONS: &[&str] = &["don't", "dont", "not", "never", "stop", "quit", "without"];

/// Words that make a complaint a wish.
const WISHES: &[&str] = &["want", "wanna", "need", "needs", "like", "love"];

/// Pronouns, which never name a control on their own.
const PRONOUNS: &[&str] = &["me", "my", "i", "it", "you", "us", "we", "them", "they"];

/// Whether the words hold `phrase` (one or more words) in a row.
fn has_phrase(words: &[&str], phrase: &str) -> bool {
    let wanted: Vec<&str> = phrase.split(' ').collect();
    words.windows(wanted.len()).any(|w| w == &wanted[..])
}

/// The shipped lexicon, read once; a malformed file means no phrases rather than a panic.
pub fn stored() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon::parse(CONTROLS_JSON).unwrap_or_default())
}

#[cfg(test)]
#[path = "lexicon_tests.rs"]
mod tests;
