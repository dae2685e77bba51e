//! Meaning-preserving variations of a typed request: the same words as people also type them
//! (lower case, without punctuation or apostrophes, with a greeting or thanks around them, with
//! one slip of the finger). A request the assistant reads right should still be read right in
//! every variation; the corpus test measures how often that holds on train and dev, which
//! shows brittleness the held-out split is likely to hit without reading it.

/// One way of retyping a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variation {
    /// Everything in lower case ("Bb major" -> "bb major").
    LowerCase,
    /// Sentence punctuation dropped (`, . ! ? ;`), decimal points and colons kept.
    NoPunctuation,
    /// Apostrophes inside words dropped ("don't" -> "dont"), quotes kept.
    NoApostrophes,
    /// "hey, " before the request.
    Greeting,
    /// " thanks!" after the request.
    Thanks,
    /// One slip in one word of five letters or more: two letters swapped, one dropped or
    /// one doubled, chosen by a hash of the request so every run is the same.
    Typo,
}

impl Variation {
    /// Every variation, in report order.
    pub const ALL: [Variation; 6] = [
        Variation::LowerCase,
        Variation::NoPunctuation,
        Variation::NoApostrophes,
        Variation::Greeting,
        Variation::Thanks,
        Variation::Typo,
    ];

    /// The request retyped this way; `None` when this variation leaves it as it was.
    pub fn apply(self, request: &str) -> Option<String> {
        let out = match self {
            Variation::LowerCase => request.to_lowercase(),
            Variation::NoPunctuation => without_punctuation(request),
            Variation::NoApostrophes => without_apostrophes(request),
            Variation::Greeting => format!("hey, {request}"),
            Variation::Thanks => format!("{} thanks!", request.trim_end()),
            Variation::Typo => with_typo(request)?,
        };
        (out != request).then_some(out)
    }
}

/// Drops sentence punctuation, keeping a point before a digit ("0.5", ".08") and colons (which mark
/// spoken text and labels).
fn without_punctuation(request: &str) -> String {
    let chars: Vec<char> = request.chars().collect();
    let mut out = String::with_capacity(request.len());
    for (i, &c) in chars.iter().enumerate() {
        let before_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        match c {
            '.' if before_digit => out.push(c),
            // "0,4": a decimal comma stays too.
            ',' if before_digit && i > 0 && chars[i - 1].is_ascii_digit() => out.push(c),
            ',' | '.' | '!' | '?' | ';' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Drops apostrophes inside words ("don't", "DAW's"), keeping quotes around titles.
fn without_apostrophes(request: &str) -> String {
    let chars: Vec<char> = request.chars().collect();
    let letter = |i: usize| chars.get(i).is_some_and(|c| c.is_alphabetic());
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| !(matches!(c, '\'' | '’') && i > 0 && letter(i - 1) && letter(i + 1)))
        .map(|(_, &c)| c)
        .collect()
}

/// FNV-1a: a small stable hash, so the chosen slip never changes between runs.
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// One slip in one word of at least five ASCII letters; `None` when there is no such word.
fn with_typo(request: &str) -> Option<String> {
    let words: Vec<(usize, &str)> = request
        .split(' ')
        .scan(0usize, |at, w| {
            let start = *at;
            *at += w.len() + 1;
            Some((start, w))
        })
        .filter(|(_, w)| w.len() >= 5 && w.bytes().all(|b| b.is_ascii_alphabetic()))
        .collect();
    if words.is_empty() {
        return None;
    }
    let hash = stable_hash(request);
    let (start, word) = words[(hash % words.len() as u64) as usize];
    // Never the first letter: people rarely slip there, and a typo-tolerant reader anchors on it.
    let at = 1 + ((hash >> 16) % (word.len() as u64 - 2)) as usize;
    let bytes = word.as_bytes();
    let mut slipped: Vec<u8> = bytes.to_vec();
    match (hash >> 32) % 3 {
        0 => slipped.swap(at, at + 1),
        1 => {
            slipped.remove(at);
        }
        _ => slipped.insert(at, bytes[at]),
    }
    let slipped = String::from_utf8(slipped).ok()?;
    Some(format!(
        "{}{}{}",
        &request[..start],
        slipped,
        &request[start + word.len()..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variations_keep_numbers_and_make_one_slip() {
        assert_eq!(
            Variation::NoPunctuation
                .apply("mix at 0.5, please!")
                .as_deref(),
            Some("mix at 0.5 please")
        );
        let typo = Variation::Typo
            .apply("more reverb please")
            .expect("a long word");
        assert!(typo.len().abs_diff("more reverb please".len()) <= 1);
        assert_ne!(typo, "more reverb please");
        assert_eq!(Variation::Typo.apply("up 2"), None);
    }
}
