//! Where an order starts when nothing marks it: "more presence less warmth", "robot off
//! whisper off", "drop me an octave formant +3 mix at 50%", "kill the autotune make me a
//! robot". People type compound requests without commas; the clause splitter cuts at
//! punctuation and joining words, and this reader finds the other cuts. It cuts only after a
//! clause that already holds a whole order (something to move and how), so a control's own
//! qualifiers ("the reverb more wet", "backing level -15") stay with it.

use super::clauses::names_control;
use super::keys::scale_at;
use super::normalise::{number, Word, Words};

/// Words that say how a control moves (with a number, an order is whole).
const MOVES: [&str; 35] = [
    "more", "less", "up", "down", "off", "on", "no", "without", "lower", "higher", "louder",
    "quieter", "softer", "raise", "reduce", "increase", "kill", "mute", "remove", "drop", "max",
    "min", "full", "half", "yes", "weaker", "stronger", "double", "halve", "bit", "little", "wide",
    "wider", "narrow", "narrower",
];

/// Orders a musician starts with a verb (an imperative after a whole order starts the next).
pub(super) const ORDER_VERBS: [&str; 30] = [
    "tame",
    "dial",
    "ease",
    "make",
    "put",
    "set",
    "give",
    "gimme",
    "add",
    "kill",
    "turn",
    "raise",
    "mute",
    "remove",
    "bring",
    "pull",
    "push",
    "play",
    "start",
    "stop",
    "generate",
    "cut",
    "keep",
    "tune",
    "transpose",
    "boost",
    "switch",
    "increase",
    "decrease",
    "reduce",
];

/// Words that name what a pitch move is, or a key's quality: a clause with one holds an order.
const MUSIC_TARGETS: [&str; 13] = [
    "octave",
    "octaves",
    "semitone",
    "semitones",
    "semis",
    "st",
    "fifth",
    "third",
    "major",
    "minor",
    "dorian",
    "mixolydian",
    "pentatonic",
];

/// Comparatives that name a control and its way: after a whole order or a complaint, one
/// starts the next order ("robot off whisper off warmer", "voice is too cold warmer please").
const COMPARATIVES: [&str; 10] = [
    "warmer",
    "brighter",
    "darker",
    "drier",
    "wetter",
    "breathier",
    "airier",
    "louder",
    "quieter",
    "deeper",
];

/// Words that size a move ("a bit brighter"): the cut comes before "a".
const SIZES: [&str; 5] = ["bit", "little", "touch", "tad", "lot"];

/// Controls that qualify the one before them ("reverb 30 % wet"), never start an order alone.
const QUALIFIERS: [&str; 5] = ["wet", "dry", "level", "amount", "strength"];

/// Whether word `i` starts a new order in a clause that so far holds `clause`.
pub fn starts_order(words: &Words, i: usize, clause: &[Word]) -> bool {
    if complaint_after_control(words, i, clause) || comparative_after(words, i, clause) {
        return true;
    }
    // "way too harsh in the upper mids tame the presence": an order verb after a complaint.
    // "The tuning is too robotic make it more human" fixes what it complains of: one order.
    if complains(clause)
        && ORDER_VERBS.contains(&words.at(i))
        && !words.at(i + 1).is_empty()
        && !matches!(words.at(i + 1), "it" | "them" | "that")
    {
        return true;
    }
    if !holds_order(clause) {
        return false;
    }
    let w = words.at(i);
    let next = words.at(i + 1);
    let prev = words.before(i);
    // "more presence less warmth", "no beat no harmonies".
    let direction_then_control = matches!(w, "more" | "less" | "no" | "without")
        && (is_control(next) || (next == "the" && is_control(words.at(i + 2))));
    // "kill the autotune make me a robot": a verb, not a noun ("a 3 dB cut", "the boost")
    // nor the object of "to".
    // A verb that ends the request is the clause's own ("tempo a little increase").
    let verb = ORDER_VERBS.contains(&w)
        && !next.is_empty()
        && !matches!(
            prev,
            "to" | "me" | "and" | "please" | "a" | "the" | "of" | "some" | "db" | "with"
        );
    // "two harmonies", "25 % reverb" (not "3 semis": a unit says how far, it is no order).
    // A comma after the number ends it: in "formant up 3, robot at 50 %" the 3 is the
    // formant's.
    let next_apart = words.words.get(i + 1).is_some_and(|n| n.boundary);
    let counted = number(w).is_some()
        && !next_apart
        && (names_control(next) || (next == "%" && names_control(words.at(i + 2))));
    // "robot off whisper off", "octave formant +3", "two harmonies backing on": a control
    // other than the clause's, moved right after it; never the second noun of a compound
    // ("no pitch correction on this one") nor a unit ("one semitone higher").
    // Nor the tuning named after the key it is in ("C minor correction").
    let after_key = matches!(w, "correction" | "tuning" | "autotune" | "tune" | "tuner")
        && i > 0
        && scale_at(words, i - 1).is_some_and(|(_, len)| len == 1);
    let moved_control = names_control(w)
        && !names_control(prev)
        && !after_key
        && !QUALIFIERS.contains(&w)
        && !clause.iter().any(|c| c.text == w)
        && moved_after(words, i);
    direction_then_control || verb || counted || moved_control
}

/// "warmer it sounds thin", "retune more slow now it sound like robot": what the singer says
/// of the sound after naming a control is a sentence of its own, not that control's words
/// ("thin" would lower the warmth). Not after "so", "that", "make" ("make it sound warm"),
/// nor where it names the value now ("from where it is", "than what it is").
fn complaint_after_control(words: &Words, i: usize, clause: &[Word]) -> bool {
    let it_is = words.at(i) == "it"
        && matches!(
            words.at(i + 1),
            "sounds" | "sound" | "sounding" | "is" | "was" | "feels" | "seems"
        );
    // "retune a touch slower it's a bit robotic".
    (it_is || words.at(i) == "it's" && !words.at(i + 1).is_empty())
        && !matches!(
            words.before(i),
            "so" | "that"
                | "make"
                | "makes"
                | "if"
                | "until"
                | "till"
                | "like"
                | "because"
                | "where"
                | "what"
                | "than"
                | "as"
                | "how"
        )
        && clause.iter().any(|w| is_control(&w.text))
}

/// "robot off whisper off warmer", "less breath a bit brighter", "voice is too cold warmer
/// please": a comparative (with its size before it) after a whole order or a complaint. Not
/// after "more" or "much" ("much warmer") nor ending a request that holds nothing yet.
fn comparative_after(words: &Words, i: usize, clause: &[Word]) -> bool {
    let (size, comparative) = match words.at(i) {
        "a" if SIZES.contains(&words.at(i + 1)) => (true, words.at(i + 2)),
        w => (false, w),
    };
    let before = words.before(i);
    COMPARATIVES.contains(&comparative)
        && (size
            || !matches!(
                before,
                "more" | "much" | "bit" | "little" | "even" | "way" | "lot"
            ))
        && (holds_order(clause) || complains(clause))
}

/// Whether the clause complains of the sound ("voice is too cold", "way too harsh").
fn complains(clause: &[Word]) -> bool {
    clause
        .iter()
        .position(|w| w.text == "too")
        .is_some_and(|k| k + 1 < clause.len())
}

/// Whether a word names something an order moves.
fn is_control(word: &str) -> bool {
    names_control(word) || MUSIC_TARGETS.contains(&word) || matches!(word, "autotune" | "tuner")
}

/// Whether a move or a number follows word `i` within two words, before another control.
fn moved_after(words: &Words, i: usize) -> bool {
    (i + 1..i + 3)
        .map(|k| words.at(k))
        .take_while(|w| !w.is_empty() && !is_control(w))
        .any(|w| MOVES.contains(&w) || number(w).is_some())
}

/// Whether the clause names something to move and how (a key's quality is both).
fn holds_order(clause: &[Word]) -> bool {
    let target = clause.iter().any(|w| is_control(&w.text));
    let key = clause
        .iter()
        .any(|w| matches!(w.text.as_str(), "major" | "minor" | "dorian" | "mixolydian"));
    let moved = clause
        .iter()
        .any(|w| MOVES.contains(&w.text.as_str()) || number(&w.text).is_some());
    key || (target && moved)
}

#[cfg(test)]
mod tests {
    use super::super::clauses::tests::pieces;

    #[test]
    fn orders_typed_without_commas_are_cut() {
        assert_eq!(pieces("more presence less warmth").len(), 2);
        assert_eq!(pieces("robot off whisper off").len(), 2);
        assert_eq!(pieces("drop me an octave formant +3 mix at 50%").len(), 3);
        assert_eq!(pieces("kill the autotune make me a robot").len(), 2);
        assert_eq!(pieces("warmer it sounds thin").len(), 2);
        assert_eq!(pieces("robot off whisper off warmer").len(), 3);
        assert_eq!(
            pieces("the tuning is too robotic make it more human").len(),
            1
        );
        assert_eq!(pieces("retune a touch slower it's a bit robotic").len(), 2);
        assert_eq!(pieces("voice is too cold warmer please").len(), 2);
        assert_eq!(pieces("less breath a bit brighter than now").len(), 2);
        assert_eq!(
            pieces("way too harsh in the upper mids tame the presence").len(),
            2
        );
        assert_eq!(pieces("less verb more squash both just slightly").len(), 2);
        assert_eq!(
            pieces("harmonies x2 wide stereo backing down a notch").len(),
            2
        );
        assert_eq!(
            pieces("increase the reverb decrease the compression").len(),
            2
        );
    }

    #[test]
    fn a_control_keeps_its_qualifiers() {
        assert_eq!(pieces("make the reverb more wet").len(), 1);
        assert_eq!(pieces("set the reverb to 30 percent wet").len(), 1);
        assert_eq!(pieces("backing level -15").len(), 1);
        assert_eq!(pieces("turn it up to make it louder").len(), 1);
        assert_eq!(pieces("more reverb so it sounds bigger").len(), 1);
        assert_eq!(pieces("+2 st from where it is").len(), 1);
        assert_eq!(pieces("C minor correction plus one harmony voice").len(), 2);
        assert_eq!(pieces("make the voice warmer").len(), 1);
        assert_eq!(pieces("reverb up much warmer").len(), 1);
        assert_eq!(
            pieces("ease the reverb off a touch from where it is").len(),
            1
        );
    }
}
