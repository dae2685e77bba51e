//! A share of where a control is now, said as a fraction or a percentage: "three quarters of
//! what it is", "90 % of its speed", "a third faster", "take a quarter off". Every reader of a
//! relative step asks here before its own sized steps.

use super::normalise::{number, Words};

/// What a share says of the current value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Share {
    /// The new value is the current one times this ("two thirds of what it is": 0.667).
    Of(f32),
    /// A part of the current value to add or take off, the way the caller reads the words
    /// ("a third faster", "cut a quarter off": 0.333, 0.25).
    Part(f32),
    /// Several parts with nothing of "of" after them: the value itself ("reverb at three
    /// quarters": 0.75).
    Value(f32),
}

/// Fraction words and the part each names.
const PARTS: [(&str, f32); 8] = [
    ("third", 1.0 / 3.0),
    ("thirds", 1.0 / 3.0),
    ("quarter", 0.25),
    ("quarters", 0.25),
    ("fifth", 0.2),
    ("fifths", 0.2),
    ("tenth", 0.1),
    ("tenths", 0.1),
];

/// How many of a part ("two thirds", "three quarters"): 1 for "a"/"one".
fn count(word: &str) -> Option<f32> {
    match word {
        "a" | "one" | "1" => Some(1.0),
        "two" | "2" => Some(2.0),
        "three" | "3" => Some(3.0),
        "four" | "4" => Some(4.0),
        _ => None,
    }
}

/// Whether the words at `i` on say "of what it is", "of now", "of its ...", "of the current".
fn of_now(words: &Words, i: usize) -> bool {
    words.at(i) == "of"
        && matches!(
            words.at(i + 1),
            "what" | "now" | "its" | "it's" | "it" | "current" | "where" | "that"
        )
}

/// The largest divisor or factor read as an operation on the current value: beyond it a
/// number after "times" or "divided by" is more likely a count ("say it 10 times").
const LARGEST_OPERAND: f64 = 4.0;

/// "Divided by 2", "times 2", "x 3" (as `rewrite::operators` spells every division and
/// product): the current value times the factor.
fn operator(words: &Words) -> Option<f32> {
    (0..words.len()).find_map(|i| {
        let operand =
            |k: usize| number(words.at(k)).filter(|n| (2.0..=LARGEST_OPERAND).contains(n));
        match words.at(i) {
            "divided" if words.at(i + 1) == "by" => operand(i + 2).map(|n| (1.0 / n) as f32),
            "times" | "x" => operand(i + 1).map(|n| n as f32),
            _ => None,
        }
    })
}

/// The share the words name, if any. A fraction needs its count ("a third", "two thirds"), so
/// an interval ("a fifth up", "a third higher" on a pitch) is the caller's to rule out.
pub fn share(words: &Words) -> Option<Share> {
    if let Some(m) = operator(words) {
        return Some(Share::Of(m));
    }
    for i in 0..words.len() {
        // "90 % of its speed", "50 percent of what it is".
        if let Some(v) = number(words.at(i)) {
            if matches!(words.at(i + 1), "%" | "percent") && of_now(words, i + 2) {
                return Some(Share::Of((v / 100.0).clamp(0.0, 4.0) as f32));
            }
        }
        let Some(&(_, part)) = PARTS.iter().find(|(w, _)| *w == words.at(i)) else {
            continue;
        };
        let Some(n) = i.checked_sub(1).and_then(|k| count(words.at(k))) else {
            continue;
        };
        let share = n * part;
        if of_now(words, i + 1) || words.at(i + 1) == "of" && n > 1.0 {
            return Some(Share::Of(share));
        }
        if n == 1.0 {
            return Some(Share::Part(share));
        }
        if words.at(i + 1) != "of" {
            return Some(Share::Value(share));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<Share> {
        share(&Words::new(text))
    }

    #[test]
    fn shares_of_where_it_is() {
        assert_eq!(
            read("tuning amount to three quarters of what it is"),
            Some(Share::Of(0.75))
        );
        assert_eq!(read("backing at 90% of its speed"), Some(Share::Of(0.9)));
        assert_eq!(
            read("retune a third faster than now"),
            Some(Share::Part(1.0 / 3.0))
        );
        assert_eq!(
            read("cut a quarter off the tuning amount"),
            Some(Share::Part(0.25))
        );
        assert!(matches!(
            read("retune speed: two thirds of what it is"),
            Some(Share::Of(v)) if (v - 2.0 / 3.0).abs() < 1e-6
        ));
        assert_eq!(read("a quarter of the reverb"), Some(Share::Part(0.25)));
        assert_eq!(read("reverb 30%"), None);
        assert_eq!(read("reverb at three quarters"), Some(Share::Value(0.75)));
        assert_eq!(read("whisper /2"), Some(Share::Of(0.5)));
        assert_eq!(
            read("the mix of the effect divided for two"),
            Some(Share::Of(0.5))
        );
        assert_eq!(
            read("the autotune force multiply by two"),
            Some(Share::Of(2.0))
        );
        assert_eq!(read("say it 10 times"), None);
        // An interval reads as a part too: pitch readers never ask here.
        assert_eq!(read("up a fifth"), Some(Share::Part(0.2)));
    }
}
