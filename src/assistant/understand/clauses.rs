//! Compound requests as ordered clauses: the words are cut at commas, full stops and the
//! words that join orders ("and", "then", "plus"); each clause gets the topic it speaks of,
//! a clause with none joins the one before it ("tune to C minor, please"), and neighbours
//! with the same topic become one group, read by one tool reader.

use super::classify::Topic;
use super::normalise::{Word, Words};

/// Words that join two orders.
const JOINERS: [&str; 7] = ["and", "then", "plus", "also", "after", "afterwards", "but"];

/// The request cut into clauses (never empty pieces).
pub fn split(words: &Words) -> Vec<Words> {
    let mut out: Vec<Vec<Word>> = vec![Vec::new()];
    // Which clauses an "and" or "plus" started (their verb may be the one before).
    let mut anded = vec![false];
    for (i, w) in words.words.iter().enumerate() {
        // "Formant plus three" is a sign, not two orders.
        let sign = w.text == "plus"
            && super::normalise::number(words.at(i + 1)).is_some()
            && !words.words.get(i + 1).is_some_and(|n| n.boundary);
        // "Same track but a half step higher": what follows "but" changes the backing named.
        let same_but = w.text == "but"
            && out.last().is_some_and(|c| {
                c.first().is_some_and(|f| f.text == "same")
                    && c.iter()
                        .any(|w| super::mix::BACKING_NOUNS.contains(&w.text.as_str()))
            });
        let joiner = JOINERS.contains(&w.text.as_str()) && !sign && !same_but;
        // "Whisper/breath down a bit": two effects side by side are two controls.
        // (After a comma they are two clauses already: "not breath, compression".)
        let listed = i > 0
            && !w.boundary
            && super::relative::EFFECTS.contains(&w.text.as_str())
            && super::relative::EFFECTS.contains(&words.at(i - 1));
        let starts = w.boundary
            || joiner
            || listed
            || out
                .last()
                .is_some_and(|c| super::unmarked::starts_order(words, i, c));
        if starts && out.last().is_some_and(|c| !c.is_empty()) {
            out.push(Vec::new());
            anded.push(listed || joiner && matches!(w.text.as_str(), "and" | "plus"));
        } else if joiner && !matches!(w.text.as_str(), "and" | "plus") {
            // "... and then brighter", "and also warmer": a second order, never a control
            // sharing the verb before.
            if let Some(last) = anded.last_mut() {
                *last = false;
            }
        }
        if joiner {
            continue;
        }
        if let Some(last) = out.last_mut() {
            let mut word = w.clone();
            word.boundary = last.is_empty();
            last.push(word);
        }
    }
    let (out, anded): (Vec<Vec<Word>>, Vec<bool>) = out
        .into_iter()
        .zip(anded)
        .filter(|(c, _)| !c.is_empty())
        .unzip();
    let out = super::coordination::share(out);
    let mut clauses: Vec<Vec<Word>> = Vec::with_capacity(out.len());
    // Whether the last clause is a topic named first and then told what to do.
    let mut topic_first = false;
    for (clause, anded) in out.into_iter().zip(anded) {
        let joins_topic = clauses
            .last()
            .is_some_and(|last| (topic_first || is_topic_only(last)) && only_a_way(&clause));
        topic_first = joins_topic;
        match clauses.last_mut() {
            // "The beat, 3 dB quieter", "backing: not up, down a bit": a control or the
            // backing named alone, then only which way, is one order about it.
            Some(last) if joins_topic => {
                last.extend(clause.into_iter().map(|mut w| {
                    w.boundary = false;
                    w
                }));
            }
            // "Tune to C minor and reverb": a bare control after "and" that no order beside
            // it speaks of shares the clause before it.
            Some(last) if anded && super::coordination::is_bare(&clause) => {
                last.extend(clause.into_iter().map(|mut w| {
                    w.boundary = false;
                    w
                }));
            }
            // "The accompaniment, close it", "autotune, shut down it": a control named alone,
            // then what to do with "it", is one order.
            Some(last) if is_topic_only(last) && refers_back(&clause) => {
                last.extend(clause.into_iter().map(|mut w| {
                    w.boundary = false;
                    w
                }));
            }
            _ => clauses.push(clause),
        }
    }
    clauses.into_iter().map(|c| Words { words: c }).collect()
}

/// Whether a control's word is an adjective of its sound ("warmer", "bright"), which says
/// which way to move it, not only what.
pub(super) fn is_adjective(text: &str) -> bool {
    matches!(
        text,
        "warm" | "warmer" | "bright" | "brighter" | "breathy" | "breathier"
    )
}

/// Whether a clause only names a control or the backing ("the accompaniment", "autotune"),
/// as people put the topic first.
fn is_topic_only(clause: &[Word]) -> bool {
    // Nouns only: "warmer, it sounds thin" is an order and a complaint.
    let control = |w: &Word| {
        let t = w.text.as_str();
        names_control(t) && !is_adjective(t)
            || super::mix::BACKING_NOUNS.contains(&t)
            || matches!(t, "autotune" | "tuner" | "tuning")
    };
    // "I hate the reverb, remove it", "I like the whisper, double it": a feeling about the
    // control named first frames it the same way.
    let feeling = |t: &str| {
        matches!(
            t,
            "i" | "hate"
                | "like"
                | "love"
                | "dislike"
                | "don't"
                | "dont"
                | "can't"
                | "cant"
                | "stand"
        )
    };
    // "As for the reverb", "about the whisper", "regarding the backing": the topic framed.
    let framing = |t: &str| matches!(t, "as" | "for" | "about" | "regarding");
    clause.len() <= 6
        && clause.iter().any(control)
        && clause.iter().all(|w| {
            control(w)
                || feeling(&w.text)
                || framing(&w.text)
                || matches!(
                    w.text.as_str(),
                    "the" | "my" | "your" | "this" | "that" | "effect" | "effects" | "fx"
                )
        })
}

/// Whether a clause names nothing and only says which way or how far ("3 dB quieter", "not
/// up", "down a bit").
fn only_a_way(clause: &[Word]) -> bool {
    let names = |w: &Word| {
        let t = w.text.as_str();
        names_control(t) || super::mix::BACKING_NOUNS.contains(&t) || t == "me" || t == "my"
    };
    let way = |w: &Word| {
        let t = w.text.as_str();
        WAYS.contains(&t) || DIRECTIONS.contains(&t) || matches!(t, "db" | "%")
    };
    clause.len() <= 5 && clause.iter().any(way) && !clause.iter().any(names)
}

/// Whether a clause does something to what was named before it ("close it", "turn them
/// down"; not "it sounds thin", where "it" is the subject of a complaint).
fn refers_back(clause: &[Word]) -> bool {
    // "Reverb? None please", "the harmonies - off": a bare answer of none or off.
    let bare_off = clause.iter().any(|w| {
        matches!(
            w.text.as_str(),
            "none" | "off" | "nothing" | "zero" | "gone"
        )
    }) && clause.iter().all(|w| {
        matches!(
            w.text.as_str(),
            "none" | "off" | "nothing" | "zero" | "gone" | "please" | "pls" | "thanks" | "no"
        )
    });
    bare_off
        || clause
            .iter()
            .skip(1)
            .any(|w| matches!(w.text.as_str(), "it" | "them"))
}

/// A run of clauses with one topic, in request order.
#[derive(Debug, Clone)]
pub struct Group {
    /// What the group is about.
    pub topic: Topic,
    /// Its words (the clauses joined).
    pub words: Words,
    /// Where its last clause starts in `words`.
    last_clause: usize,
}

impl Group {
    /// Adds a clause at the end.
    fn push_clause(&mut self, words: Vec<Word>) {
        self.last_clause = self.words.words.len();
        self.words.words.extend(words);
    }

    /// "The formant is too high, lower a little", "compressor's too strong, make it weaker":
    /// a complaint about a control followed by a bare direction is that control moved that
    /// way; the complaint's own words (high, strong, low) would read as the opposite move.
    fn direct_the_complaint(&mut self, direction: &[Word]) -> bool {
        let last = &self.words.words[self.last_clause..];
        let named: Vec<Word> = last
            .iter()
            .filter(|w| names_control(&w.text))
            .cloned()
            .collect();
        let complains = last.iter().any(|w| {
            matches!(
                w.text.as_str(),
                "too" | "very" | "so" | "way" | "buried" | "much" | "is" | "are" | "sounds"
            )
        });
        let has_way = direction.iter().any(|w| WAYS.contains(&w.text.as_str()));
        // Only a way and filler: "make it more human" names a sound of its own.
        let only_a_way = direction.iter().all(|w| {
            let t = w.text.as_str();
            DIRECTIONS.contains(&t)
                || matches!(
                    t,
                    "it" | "a"
                        | "please"
                        | "pls"
                        | "make"
                        | "gimme"
                        | "give"
                        | "me"
                        | "the"
                        | "some"
                        | "go"
                        | "turn"
                        | "take"
                        | "bring"
                        | "just"
                        | "bit"
                        | "tad"
                )
        });
        if named.is_empty() || !complains || !has_way || !only_a_way {
            return false;
        }
        self.words.words.truncate(self.last_clause);
        let mut named = named;
        if let Some(first) = named.first_mut() {
            first.boundary = true;
        }
        let mut direction = direction.to_vec();
        for w in &mut direction {
            w.boundary = false;
        }
        named.extend(direction);
        self.push_clause(named);
        true
    }
}

/// Whether a word names a control a complaint can be about.
pub(super) fn names_control(word: &str) -> bool {
    super::relative::CONTROLS.contains(&word)
        || word.starts_with("compress")
        || matches!(
            word,
            "music"
                | "beat"
                | "track"
                | "instrumental"
                | "harmony"
                | "harmonies"
                | "level"
                | "squash"
        )
}

/// Direction words that say which way (not only how far).
const WAYS: [&str; 14] = [
    "less", "more", "down", "up", "lower", "higher", "louder", "quieter", "softer", "reduce",
    "increase", "raise", "weaker", "stronger",
];

/// Groups clauses by topic: a clause without a topic joins the group before it (or the next
/// one when it comes first); neighbours with the same topic join.
pub fn group(clauses: Vec<(Words, Option<Topic>)>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut pending: Vec<Word> = Vec::new();
    for (words, topic) in clauses {
        match topic {
            None => match groups.last_mut() {
                Some(g) => {
                    let mut words = words;
                    // "Reverb is very strong. Less, please": a bare direction moves the
                    // control just named, so it reads as the same clause.
                    if is_bare_direction(&words) {
                        if g.direct_the_complaint(&words.words) {
                            continue;
                        }
                        if let Some(first) = words.words.first_mut() {
                            first.boundary = false;
                        }
                    }
                    g.words.words.extend(words.words)
                }
                None => pending.extend(words.words),
            },
            Some(t) => {
                let mut words = words;
                if !pending.is_empty() {
                    let mut all = std::mem::take(&mut pending);
                    all.extend(words.words);
                    words = Words { words: all };
                }
                match groups.last_mut() {
                    // "Create the intent X, then process it": a new song and its plan are
                    // two calls.
                    Some(g) if g.topic == t && t != Topic::Process => g.push_clause(words.words),
                    _ => groups.push(Group {
                        topic: t,
                        words,
                        last_clause: 0,
                    }),
                }
            }
        }
    }
    groups
}

/// Words that only say which way to move (or how far), with nothing named to move.
const DIRECTIONS: [&str; 24] = [
    "less", "more", "down", "up", "back", "lower", "higher", "louder", "quieter", "softer",
    "slightly", "bit", "touch", "little", "reduce", "increase", "lot", "lots", "way", "tons",
    "loads", "raise", "weaker", "stronger",
];

/// Whether a clause is a short direction on its own ("less, please", "pull it back a bit"):
/// at most four words, one of them a direction.
fn is_bare_direction(words: &Words) -> bool {
    words.len() <= 4 && words.has_any(&DIRECTIONS)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The clauses `split` cuts `text` into, as text (shared with `unmarked`'s tests).
    pub(in crate::assistant::understand) fn pieces(text: &str) -> Vec<String> {
        split(&Words::new(text))
            .into_iter()
            .map(|c| c.texts().join(" "))
            .collect()
    }

    #[test]
    fn splits_at_commas_and_joining_words() {
        assert_eq!(
            pieces("tune to C minor and add some reverb"),
            ["tune to c minor", "add some reverb"]
        );
        assert_eq!(
            pieces("A major, reverb 20%, output -3 dB"),
            ["a major", "reverb 20 %", "output -3 db"]
        );
        assert_eq!(pieces("undo, then reverb 20%"), ["undo", "reverb 20 %"]);
    }

    #[test]
    fn clauses_without_topic_join_their_neighbour() {
        let clauses = split(&Words::new("tune to C minor, please, and more reverb"));
        let topics = vec![Some(Topic::Tune), None, Some(Topic::Voice)];
        let groups = group(clauses.into_iter().zip(topics).collect());
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].words.texts().join(" "), "tune to c minor please");
        assert_eq!(groups[1].topic, Topic::Voice);
    }
}
