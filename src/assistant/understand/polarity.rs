//! Which way a clause pushes (up, or down: lowers, removes, switches off), if it clearly
//! pushes one way: what the guard against inversions checks every call against.

use super::normalise::Words;
use super::relative::CONTROLS;

/// Which way a clause pushes, if it clearly pushes one way: the guard against inversions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    /// Raises or switches on.
    Up,
    /// Lowers, removes or switches off.
    Down,
}

/// The polarity of a request read as clauses (cut where a word starts a clause): the one
/// polarity every clause that has one agrees on, else none ("turn off the robot and add
/// some breath" pushes both ways, so neither direction may veto an argument).
pub fn polarity(words: &Words) -> Option<Polarity> {
    let mut starts: Vec<usize> = (1..words.len())
        .filter(|&i| words.words[i].boundary)
        .collect();
    starts.insert(0, 0);
    starts.push(words.len());
    let mut found = None;
    for pair in starts.windows(2) {
        let clause = Words::from_slice(&words.words[pair[0]..pair[1]]);
        match (found, clause_polarity(&clause)) {
            (_, None) => {}
            (None, p) => found = p,
            (Some(a), Some(b)) if a != b => return None,
            _ => {}
        }
    }
    found
}

/// The polarity of one clause: down when it lowers, removes or switches off and never
/// raises.
fn clause_polarity(words: &Words) -> Option<Polarity> {
    // "No", "off" and "not" remove or switch off; "no more" is "none", not "more". A bare
    // "not" or "no" that names nothing qualifies another clause ("warmer, not so much") and
    // "why not add" suggests.
    let names_control = words
        .words
        .iter()
        .any(|w| CONTROLS.contains(&w.text.as_str()));
    let negates = words.has_any(&["no", "not"]) && names_control && !words.has_phrase("why not");
    let removes =
        negates || words.has_any(&["off", "stop", "none", "zero"]) || words.has_phrase("no more");
    let down = removes
        || words.has_any(&[
            "less", "reduce", "lower", "decrease", "quieter", "softer", "remove", "without",
            "kill", "ditch", "rid", "disable", "mute", "don't", "dont", "never", "weaker",
        ])
        // "Take it away" lowers; "a whisper from far away" is a place.
        || words.has("away") && !words.has_phrase("far away")
        || words.has_phrase("turn down")
        || words.has_phrase("too much")
        || words.has_phrase("too loud");
    // "More quiet" lowers.
    let quiet = words.has_any(&["quiet", "soft"])
        && !words.has_phrase("too quiet")
        && !words.has_phrase("too soft");
    let more = words.has("more") && !words.has_phrase("no more") && !quiet;
    let down = down || quiet && words.has("more");
    let up = more
        || words.has_any(&[
            "increase", "louder", "raise", "boost", "add", "higher", "crank", "enable",
        ]);
    match (up, down) {
        (true, false) => Some(Polarity::Up),
        (false, true) => Some(Polarity::Down),
        _ => None,
    }
}
