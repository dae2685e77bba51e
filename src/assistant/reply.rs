//! The model's free text, made safe to show: a reply that made no call may not claim a
//! change ("Done, I've added reverb"), loops are cut ("a voice-tuning AI, a voice-tuning
//! AI..."), an echo of the request is dropped, and at most three sentences remain.

/// Phrases that claim a change was made or promise one; a reply without calls never keeps
/// them ("The voice is now in the mix", "I'll add some reverb").
const CLAIMS: [&str; 34] = [
    "i've set",
    "i have set",
    "i've changed",
    "i have changed",
    "i've added",
    "i have added",
    "i've turned",
    "i turned",
    "i've tuned",
    "i tuned",
    "i've applied",
    "i applied",
    "done:",
    "i've adjusted",
    "i've made",
    "i made",
    "i've put",
    "i've moved",
    "i've lowered",
    "i've raised",
    "i've increased",
    "i've reduced",
    "i've removed",
    "i've switched",
    "i've created",
    "i've generated",
    " is now ",
    " are now ",
    " now sounds",
    "has been ",
    "have been ",
    "i'll ",
    "i will ",
    "let me ",
];

/// The reply to show for a model answer without calls to `request`.
pub fn tidy(reply: &str, request: &str) -> String {
    let mut sentences: Vec<String> = Vec::new();
    for sentence in split_sentences(reply) {
        let lower = format!(" {} ", sentence.to_lowercase());
        let claims = CLAIMS.iter().any(|c| lower.contains(c));
        let echo = lower.trim_end_matches(['.', '!', '?']).trim() == request.to_lowercase().trim();
        let repeated = sentences.iter().any(|s| s.eq_ignore_ascii_case(&sentence));
        if claims || echo || repeated {
            continue;
        }
        sentences.push(cut_loop(&cut_refrain(&cut_repetitive(&sentence))));
        if sentences.len() == 3 {
            break;
        }
    }
    let out = sentences.join(" ").trim().to_string();
    if out.is_empty() {
        "I did not change anything. Tell me what to adjust, for example \"more reverb\" or \
         \"tune me to A minor\"."
            .to_string()
    } else {
        out
    }
}

/// The sentences of `text` (ends at . ! ? followed by a space or the end).
fn split_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        current.push(*c);
        let end =
            matches!(c, '.' | '!' | '?') && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if end {
            out.push(current.trim().to_string());
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// Whether two words are the same but for case and trailing punctuation.
fn same_word(a: &str, b: &str) -> bool {
    a.trim_matches([',', '.', '!'])
        .eq_ignore_ascii_case(b.trim_matches([',', '.', '!']))
}

/// A long sentence made mostly of the same few words ("I'm a voice-enhancer, a
/// voice-builder, a voice-maker, a voice-builder, a voice...") keeps its first clause: fewer
/// than 60 % distinct words over eight or more is a loop with variations.
fn cut_repetitive(sentence: &str) -> String {
    let words: Vec<String> = sentence
        .split_whitespace()
        .map(|w| w.trim_matches([',', '.', '!', ';']).to_lowercase())
        .collect();
    if words.len() < 8 {
        return sentence.to_string();
    }
    let mut distinct = words.clone();
    distinct.sort();
    distinct.dedup();
    if (distinct.len() as f32) >= 0.6 * words.len() as f32 {
        return sentence.to_string();
    }
    let first = sentence.split(',').next().unwrap_or(sentence);
    format!("{}.", first.trim_end_matches(['.', '!', ';', '…']).trim())
}

/// A three-word phrase that keeps coming back with new endings ("it's the voice you're used
/// to, it's the voice you've never heard, it's the voice you...") ends the sentence before its
/// second time: three times in one sentence is a loop, not style.
fn cut_refrain(sentence: &str) -> String {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    for start in 0..words.len().saturating_sub(2) {
        let phrase = &words[start..start + 3];
        let again: Vec<usize> = (start + 3..words.len().saturating_sub(2))
            .filter(|&k| {
                words[k..k + 3]
                    .iter()
                    .zip(phrase)
                    .all(|(x, y)| same_word(x, y))
            })
            .collect();
        if again.len() >= 2 {
            let kept = words[..again[0]].join(" ");
            return format!("{}.", kept.trim_end_matches([',', '.', '!', ';']));
        }
    }
    sentence.to_string()
}

/// A phrase repeated back to back ("a voice-tuning AI, a voice-tuning AI, ...") is kept once.
fn cut_loop(sentence: &str) -> String {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    // Phrases of 2 to 8 words repeated right after themselves.
    for len in 2..=8.min(words.len() / 2) {
        for start in 0..words.len().saturating_sub(2 * len - 1) {
            let a = &words[start..start + len];
            let b = &words[start + len..start + 2 * len];
            let same = a.iter().zip(b).all(|(x, y)| same_word(x, y));
            if same {
                let mut kept: Vec<&str> = words[..start + len].to_vec();
                // Skip every further repeat.
                let mut next = start + len;
                while next + len <= words.len()
                    && words[next..next + len]
                        .iter()
                        .zip(a)
                        .all(|(x, y)| same_word(x, y))
                {
                    next += len;
                }
                kept.extend(&words[next..]);
                let out = kept.join(" ");
                return format!("{}.", out.trim_end_matches([',', '.', '!']));
            }
        }
    }
    sentence.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_claims_and_length() {
        assert_eq!(
            tidy(
                "I am a voice-tuning AI, a voice-tuning AI, a voice-tuning AI, a voice-tuning AI.",
                "who are you"
            ),
            "I am a voice-tuning AI."
        );
        assert!(!tidy("Done: I've added reverb. Enjoy!", "hello").contains("added"));
        let long = "One. Two. Three. Four. Five.";
        assert_eq!(tidy(long, "x"), "One. Two. Three.");
        assert!(!tidy("who are you?", "who are you?").is_empty());
        let rambling = "The voice is now in the mix, but it's not the voice you're used to. \
                        It's the voice you know, it's the voice you love, it's the voice you fear.";
        let kept = tidy(rambling, "make the vocal sit back in the mix");
        assert!(!kept.contains("now in the mix"), "{kept}");
        assert_eq!(kept, "It's the voice you know.");
        assert!(tidy("I'll add some reverb for you.", "space").starts_with("I did not change"));
        assert_eq!(
            tidy(
                "I'm a voice-enhancer, a voice-builder, a voice-maker, a voice-builder, a voice….",
                "who are you?"
            ),
            "I'm a voice-enhancer."
        );
    }
}
