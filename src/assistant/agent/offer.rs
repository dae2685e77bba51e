//! Reading a reply to an offer ("You seem to be in E minor: tune to it?"): yes, no, or
//! something else (a new request, which drops the offer).

/// Words that accept an offer on their own or as the start of a short reply.
const YES: [&str; 14] = [
    "yes",
    "yeah",
    "yep",
    "yup",
    "sure",
    "ok",
    "okay",
    "please",
    "do it",
    "go ahead",
    "y",
    "sounds good",
    "tune to it",
    "go for it",
];
/// Words that decline an offer.
const NO: [&str; 8] = [
    "no",
    "nope",
    "nah",
    "no thanks",
    "leave it",
    "don't",
    "dont",
    "not now",
];
/// Replies longer than this many words are requests of their own, not answers to the offer.
const MAX_ANSWER_WORDS: usize = 4;

/// `Some(true)` for a yes, `Some(false)` for a no, `None` for anything else.
pub(super) fn answer(text: &str) -> Option<bool> {
    let cleaned: String = text
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    if words.is_empty() || words.len() > MAX_ANSWER_WORDS {
        return None;
    }
    let joined = words.join(" ");
    let starts = |phrases: &[&str]| {
        phrases
            .iter()
            .any(|p| joined == *p || joined.starts_with(&format!("{p} ")))
    };
    // "no" is checked first so "no, please don't" is a no.
    if starts(&NO) {
        Some(false)
    } else if starts(&YES) {
        Some(true)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::answer;

    #[test]
    fn short_replies_accept_or_decline() {
        for yes in ["yes", "Yes please!", "yeah do it", "sure", "ok", "go ahead"] {
            assert_eq!(answer(yes), Some(true), "{yes}");
        }
        for no in ["no", "No thanks.", "nah", "leave it", "no, please don't"] {
            assert_eq!(answer(no), Some(false), "{no}");
        }
    }

    #[test]
    fn requests_are_not_answers() {
        for other in [
            "more reverb",
            "yes and also make the backing faster and louder",
            "what key am I in?",
            "",
        ] {
            assert_eq!(answer(other), None, "{other}");
        }
    }
}
