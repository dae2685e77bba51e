//! Learners' word order and everyday idioms read as the readers' English: "too much high"
//! (Spanish "demasiado alto", Italian "troppo alto") is "too high"; "the reverb is kinda a
//! lot" and "a bit much" are "too much" (they had raised it); "this slaps" is praise, not the
//! slap bass of funk.

use super::normalise::Words;

/// Adjectives a learner puts after "too much" ("the voice is too much high").
const ADJECTIVES: [&str; 22] = [
    "high", "low", "loud", "quiet", "soft", "fast", "slow", "bright", "dark", "deep", "strong",
    "weak", "robotic", "wet", "dry", "harsh", "thin", "big", "small", "hard", "squashed",
    "breathy",
];

/// Hedges between "is" and "a lot" ("is kinda a lot", "is just a lot").
const HEDGES: [&str; 7] = ["kinda", "kind", "of", "just", "pretty", "really", "way"];

/// Rewrites the idioms of `words` in place (see the module's doc).
pub fn read_as_english(words: &mut Words) {
    too_much_before_adjectives(words);
    a_lot_as_a_complaint(words);
    for i in 1..words.words.len() {
        if matches!(words.at(i), "slaps" | "slap")
            && matches!(words.at(i - 1), "this" | "it" | "that")
        {
            words.words[i].text = "great".to_string();
        }
    }
}

/// "The reverb is kinda a lot", "the whisper is a bit much": a complaint of too much.
fn a_lot_as_a_complaint(words: &mut Words) {
    for i in 1..words.words.len() {
        let (first, second) = (words.at(i - 1), words.at(i));
        let idiom = first == "a" && second == "lot" || first == "bit" && second == "much";
        let ends = i + 1 == words.words.len() || words.words[i + 1].boundary;
        if !idiom || !ends {
            continue;
        }
        // Back over the hedges ("kinda", "a bit") to the verb.
        let mut k = i - 1;
        while k > 0
            && (HEDGES.contains(&words.at(k - 1))
                || first == "bit" && words.at(k - 1) == "a" && k == i - 1)
        {
            k -= 1;
        }
        if k > 0 && matches!(words.at(k - 1), "is" | "are" | "was" | "feels" | "sounds") {
            words.words[i - 1].text = "too".to_string();
            words.words[i].text = "much".to_string();
        }
    }
}

/// Drops the "much" of "too much <adjective>" in place.
fn too_much_before_adjectives(words: &mut Words) {
    let mut i = 1;
    while i + 1 < words.words.len() {
        let learner = words.words[i].text == "much"
            && words.words[i - 1].text == "too"
            && ADJECTIVES.contains(&words.words[i + 1].text.as_str());
        if learner {
            words.words.remove(i);
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_much_before_an_adjective_is_too() {
        let mut w = Words::new("the voice is too much high, lower it");
        read_as_english(&mut w);
        assert_eq!(
            w.texts(),
            ["the", "voice", "is", "too", "high", "lower", "it"]
        );
        // "Too much reverb" keeps its "much": a noun follows.
        let mut w = Words::new("too much reverb");
        read_as_english(&mut w);
        assert_eq!(w.texts(), ["too", "much", "reverb"]);
    }

    #[test]
    fn a_lot_said_of_a_control_is_too_much() {
        let mut w = Words::new("ngl the reverb is kinda a lot");
        read_as_english(&mut w);
        assert!(w.has_phrase("too much"));
        let mut w = Words::new("the whisper is a bit much");
        read_as_english(&mut w);
        assert!(w.has_phrase("too much"));
        // "A lot more reverb" stays an order.
        let mut w = Words::new("a lot more reverb");
        read_as_english(&mut w);
        assert!(!w.has_phrase("too much"));
    }
}
