//! Learners' word order and idioms read as the readers' English: "too much high" (Spanish
//! "demasiado alto", Italian "troppo alto") is "too high", so the complaint reads the same
//! with or without the "much".

use super::normalise::Words;

/// Adjectives a learner puts after "too much" ("the voice is too much high").
const ADJECTIVES: [&str; 22] = [
    "high", "low", "loud", "quiet", "soft", "fast", "slow", "bright", "dark", "deep", "strong",
    "weak", "robotic", "wet", "dry", "harsh", "thin", "big", "small", "hard", "squashed",
    "breathy",
];

/// Drops the "much" of "too much <adjective>" in place.
pub fn read_as_english(words: &mut Words) {
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
}
