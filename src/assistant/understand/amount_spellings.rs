//! Amounts spelt as words people say aloud, rewritten as the numbers the readers know
//! before the text is split: "point six" (0.6), "six out of ten" and "6/10" (60 %),
//! "halfway" (50 %), "as high as it goes" (maximum), "as low as it goes" (minimum).

/// Phrases that name an end of a control's range, and the word the readers know for it.
const ENDS: [(&str, &str); 10] = [
    ("as high as it goes", "maximum"),
    ("as high as it can go", "maximum"),
    ("as high as possible", "maximum"),
    ("as much as possible", "maximum"),
    ("as far as it goes", "maximum"),
    ("as low as it goes", "minimum"),
    ("as low as it can go", "minimum"),
    ("as low as possible", "minimum"),
    ("as little as possible", "minimum"),
    ("to the minimum", "to minimum"),
];

/// Digits by their words, for the spoken decimals and scores.
const DIGITS: [&str; 11] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
];

/// The text with spoken amounts as numbers.
pub fn rewrite(text: &str) -> String {
    let mut s = text.to_string();
    for (phrase, word) in ENDS {
        s = super::rewrite::replace_first_word(&s, phrase, word);
    }
    let tokens: Vec<&str> = s.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let (word, tail) = split_punctuation(tokens[i]);
        let lower = word.to_lowercase();
        if let Some((value, used)) = spoken_decimal(&tokens, i) {
            out.push(value);
            i += used;
        } else if let Some((value, used)) = score(&tokens, i) {
            out.push(value);
            i += used;
        } else if let Some(used) = a_couple(&tokens, i) {
            out.push("2".to_string());
            i += used;
        } else if matches!(lower.as_str(), "halfway" | "half-way") && !part_of_a_move(&tokens, i) {
            out.push(format!("50 %{tail}"));
            i += 1;
        } else {
            out.push(tokens[i].to_string());
            i += 1;
        }
    }
    out.join(" ")
}

/// Units a "couple" counts ("a couple more semitones", "a couple of dB").
// ("A couple of notches" stays a size: a notch is a step of a 0..1 control, not a unit.)
const COUNTED: [&str; 12] = [
    "semitones",
    "semitone",
    "semis",
    "st",
    "db",
    "decibels",
    "ms",
    "bpm",
    "bars",
    "octaves",
    "cents",
    "frets",
];

/// "A couple (of/more) semitones": the words that say two, when a unit follows; `None`
/// otherwise ("a couple of ideas" is the titles' to read).
fn a_couple(tokens: &[&str], i: usize) -> Option<usize> {
    let word = |k: usize| tokens.get(k).map(|t| split_punctuation(t).0.to_lowercase());
    if word(i).as_deref() != Some("a") || word(i + 1).as_deref() != Some("couple") {
        return None;
    }
    // "A couple more semitones" keeps its "more"; "a couple of dB" drops the "of".
    let of = usize::from(word(i + 2).as_deref() == Some("of"));
    let unit_at = i + 2 + of + usize::from(word(i + 2 + of).as_deref() == Some("more"));
    word(unit_at)
        .filter(|u| COUNTED.contains(&u.as_str()))
        .map(|_| 2 + of)
}

/// Whether "halfway" at `i` sizes a move ("bring the pitch back up halfway", "halfway
/// down"), not a value.
fn part_of_a_move(tokens: &[&str], i: usize) -> bool {
    let moves = |t: &str| {
        matches!(
            split_punctuation(t).0.to_lowercase().as_str(),
            "up" | "down" | "back" | "there" | "through" | "between"
        )
    };
    i.checked_sub(1).is_some_and(|p| moves(tokens[p]))
        || tokens.get(i + 1).is_some_and(|t| moves(t))
}

/// A word and the punctuation that ends it ("ten," -> "ten", ",").
fn split_punctuation(token: &str) -> (&str, &str) {
    let end = token
        .char_indices()
        .rev()
        .take_while(|(_, c)| ",.;:!?".contains(*c))
        .last()
        .map_or(token.len(), |(i, _)| i);
    token.split_at(end)
}

/// The value of a digit written as a digit or a word (0..=10).
fn digit(word: &str) -> Option<u32> {
    let lower = word.to_lowercase();
    DIGITS
        .iter()
        .position(|d| *d == lower)
        .map(|d| d as u32)
        .or_else(|| lower.parse::<u32>().ok().filter(|d| *d <= 10))
}

/// "Point six", "zero point six", "point two five": a decimal and how many tokens it took.
fn spoken_decimal(tokens: &[&str], i: usize) -> Option<(String, usize)> {
    let (whole, at) = match tokens.get(i).and_then(|t| digit(t)) {
        Some(w)
            if tokens
                .get(i + 1)
                .is_some_and(|t| t.eq_ignore_ascii_case("point")) =>
        {
            (w, i + 1)
        }
        _ => (0, i),
    };
    if !tokens.get(at)?.eq_ignore_ascii_case("point") {
        return None;
    }
    let mut decimals = String::new();
    let mut tail = "";
    for token in tokens.iter().skip(at + 1).take(2) {
        let (word, punctuation) = split_punctuation(token);
        // Words only: "point 6" is written by people who would write "0.6".
        let Some(d) = DIGITS[..10]
            .iter()
            .position(|d| d.eq_ignore_ascii_case(word))
        else {
            break;
        };
        decimals.push_str(&d.to_string());
        tail = punctuation;
        if !punctuation.is_empty() {
            break;
        }
    }
    (!decimals.is_empty()).then(|| {
        (
            format!("{whole}.{decimals}{tail}"),
            at + 1 + decimals.len() - i,
        )
    })
}

/// "Six out of ten", "6/10", "4 out of 5": a score as a percentage, and how many tokens it
/// took ("1/10 of a second" is a time, left to its own rewrite).
fn score(tokens: &[&str], i: usize) -> Option<(String, usize)> {
    let (word, tail) = split_punctuation(tokens[i]);
    if let Some((n, d)) = word.split_once('/') {
        let (n, d) = (digit(n)?, d.parse::<u32>().ok()?);
        let of_a_time = tokens.get(i + 1).is_some_and(|t| *t == "of");
        return (matches!(d, 5 | 10) && n <= d && tail.is_empty() && !of_a_time)
            .then(|| (format!("{} %", n * 100 / d), 1));
    }
    let n = digit(word)?;
    let out_of = tokens.get(i + 1)?.eq_ignore_ascii_case("out")
        && tokens.get(i + 2)?.eq_ignore_ascii_case("of");
    let (d_word, tail) = split_punctuation(tokens.get(i + 3)?);
    let d = digit(d_word).filter(|d| matches!(d, 5 | 10))?;
    (out_of && n <= d).then(|| (format!("{} %{tail}", n * 100 / d), 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spoken_amounts_become_numbers() {
        assert_eq!(rewrite("reverb point six"), "reverb 0.6");
        assert_eq!(rewrite("whisper zero point two five"), "whisper 0.25");
        assert_eq!(
            rewrite("reverb six out of ten, please"),
            "reverb 60 %, please"
        );
        assert_eq!(rewrite("vibrato 6/10"), "vibrato 60 %");
        assert_eq!(rewrite("robot 4 out of 5"), "robot 80 %");
        assert_eq!(rewrite("reverb halfway"), "reverb 50 %");
        assert_eq!(rewrite("reverb as high as it goes"), "reverb maximum");
        assert_eq!(rewrite("whisper to the minimum"), "whisper to minimum");
    }

    #[test]
    fn other_numbers_and_points_stay() {
        assert_eq!(
            rewrite("retune 1/10 of a second"),
            "retune 1/10 of a second"
        );
        assert_eq!(
            rewrite("at this point, more reverb"),
            "at this point, more reverb"
        );
        assert_eq!(rewrite("a 6/8 groove"), "a 6/8 groove");
        assert_eq!(
            rewrite("bring the pitch back up halfway"),
            "bring the pitch back up halfway"
        );
        assert_eq!(
            rewrite("one out of the three harmonies"),
            "one out of the three harmonies"
        );
    }
}
