//! Clauses that only describe the order beside them: "Cleo Sol type backing, warm and slow"
//! (the backing is warm, not the voice), "ninho autotune, the french rap one, super hard" (the
//! rap is the singer's, not a new backing). Their topic is the neighbour's, so they join its
//! group instead of making a call of their own.

use super::classify::Topic;
use super::normalise::Words;

/// Feel words a backing can have ("warm and slow", "wobbly and warm").
const FEELS: [&str; 16] = [
    "warm", "slow", "dark", "bright", "chill", "wobble", "wobbly", "dusty", "mellow", "soft",
    "smooth", "gritty", "dreamy", "moody", "lush", "laid",
];

/// Words that make a clause an order or name the voice, never an aside.
const ORDERS: [&str; 20] = [
    "more", "less", "add", "up", "down", "make", "give", "put", "set", "turn", "raise", "lower",
    "voice", "vocal", "vocals", "me", "my", "reverb", "backing", "beat",
];

/// Whether clause `words`, read as `topic` after a clause about `previous`, only describes
/// that neighbour (and so has no topic of its own).
pub fn describes_neighbour(words: &Words, topic: Option<Topic>, previous: Option<Topic>) -> bool {
    if words.has_any(&ORDERS) || words.words.iter().any(|w| w.text.parse::<f64>().is_ok()) {
        return false;
    }
    match (previous, topic) {
        // "..., warm and slow": feel words after a backing.
        (Some(Topic::Backing), Some(Topic::Voice)) => words.words.iter().all(|w| {
            FEELS.contains(&w.text.as_str())
                || matches!(w.text.as_str(), "and" | "a" | "bit" | "very")
        }),
        // "..., the french rap one": a genre named of the tuning's or the voice's sound.
        (Some(Topic::Tune | Topic::Voice), Some(Topic::Backing)) => {
            words.has_any(&["one", "kind", "type", "style", "sound"])
                && super::styles::style(words).is_some()
                && super::keys::find_key(words).0.is_none()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asides_describe_their_neighbour() {
        let w = Words::new("warm and slow");
        assert!(describes_neighbour(
            &w,
            Some(Topic::Voice),
            Some(Topic::Backing)
        ));
        assert!(!describes_neighbour(&w, Some(Topic::Voice), None));
        let w = Words::new("the french rap one");
        assert!(describes_neighbour(
            &w,
            Some(Topic::Backing),
            Some(Topic::Tune)
        ));
        // An order of its own stays one.
        let w = Words::new("more warmth");
        assert!(!describes_neighbour(
            &w,
            Some(Topic::Voice),
            Some(Topic::Backing)
        ));
        let w = Words::new("make a rap beat");
        assert!(!describes_neighbour(
            &w,
            Some(Topic::Backing),
            Some(Topic::Tune)
        ));
    }
}
