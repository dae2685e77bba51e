//! One effect traded for another ("breath instead of whisper", "swap the reverb for robot",
//! "replace the robot with breath", "rather than compression, some reverb"), rewritten
//! before the split as the two orders it holds: the one traded away off, the other added
//! ("whisper off, add breath"). Only effects with a knob of their own are traded: "E minor
//! instead of A minor" is a key, read elsewhere.

/// Words before an effect's name that add nothing to it.
const FILLERS: [&str; 6] = ["the", "my", "some", "a", "bit", "of"];

/// The effect a token names, if it is one with a knob of its own (punctuation stripped).
fn effect(token: &str) -> Option<String> {
    let word = token
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    super::relative::EFFECTS
        .contains(&word.as_str())
        .then_some(word)
}

/// The first effect among `tokens`, skipping fillers, and how many tokens it took.
fn effect_after_fillers(tokens: &[&str]) -> Option<(String, usize)> {
    let skip = tokens
        .iter()
        .take_while(|t| FILLERS.contains(&t.to_lowercase().as_str()))
        .count();
    effect(tokens.get(skip)?).map(|e| (e, skip + 1))
}

/// The text with every trade spelt as two orders.
pub fn rewrite(text: &str) -> String {
    let tokens: Vec<&str> = text.split(' ').collect();
    let lower: Vec<String> = tokens.iter().map(|t| t.to_lowercase()).collect();
    let at = |i: usize| lower.get(i).map(String::as_str).unwrap_or("");
    for i in 0..tokens.len() {
        // "Swap the reverb for robot", "replace the robot with breath".
        if matches!(at(i), "swap" | "replace" | "trade" | "switch") {
            let Some((away, used)) = effect_after_fillers(&tokens[i + 1..]) else {
                continue;
            };
            let joint = i + 1 + used;
            if !matches!(at(joint), "for" | "with") {
                continue;
            }
            let Some((wanted, took)) = effect_after_fillers(&tokens[joint + 1..]) else {
                continue;
            };
            let rest = tokens[joint + 1 + took..].join(" ");
            let before = tokens[..i].join(" ");
            // "Swap some of the reverb for compression": a share traded, not all of it.
            let partly = lower[i + 1..joint]
                .iter()
                .any(|t| matches!(t.as_str(), "some" | "bit" | "little"));
            if partly {
                return format!("{before} less {away}, more {wanted} {rest}")
                    .trim()
                    .to_string();
            }
            return format!("{before} {away} off, add {wanted} {rest}")
                .trim()
                .to_string();
        }
        // "Rather than compression, some reverb".
        if at(i) == "rather" && at(i + 1) == "than" {
            let Some((away, used)) = effect_after_fillers(&tokens[i + 2..]) else {
                continue;
            };
            let rest = &tokens[i + 2 + used..];
            if let Some((wanted, took)) = effect_after_fillers(rest) {
                let before = tokens[..i].join(" ");
                let after = rest[took..].join(" ");
                return format!("{before} {away} off, add {wanted} {after}")
                    .trim()
                    .to_string();
            }
        }
        // "Breath instead of whisper": the wanted effect named alone just before.
        if at(i) == "instead" && at(i + 1) == "of" && i >= 1 {
            let Some((away, used)) = effect_after_fillers(&tokens[i + 2..]) else {
                continue;
            };
            let Some(wanted) = effect(tokens[i - 1]) else {
                continue;
            };
            let start = (0..i - 1)
                .rev()
                .take_while(|&k| FILLERS.contains(&at(k)))
                .last()
                .unwrap_or(i - 1);
            let before = tokens[..start].join(" ");
            let after = tokens[i + 2 + used..].join(" ");
            return format!("{before} {away} off, add {wanted} {after}")
                .trim()
                .to_string();
        }
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trades_become_two_orders() {
        assert_eq!(
            rewrite("breath instead of whisper"),
            "whisper off, add breath"
        );
        assert_eq!(
            rewrite("swap the reverb for robot"),
            "reverb off, add robot"
        );
        assert_eq!(
            rewrite("replace the robot with some breath please"),
            "robot off, add breath please"
        );
        assert_eq!(
            rewrite("swap some of the reverb for compression"),
            "less reverb, more compression"
        );
        assert_eq!(
            rewrite("rather than compression, some reverb"),
            "compression off, add reverb"
        );
    }

    #[test]
    fn other_trades_stay() {
        assert_eq!(
            rewrite("E minor instead of A minor"),
            "E minor instead of A minor"
        );
        assert_eq!(rewrite("octave down instead"), "octave down instead");
        assert_eq!(rewrite("switch the tuning off"), "switch the tuning off");
    }
}
