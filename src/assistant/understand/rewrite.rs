//! Rewrites of the raw text before it is split into words: number and clause spellings that
//! the word splitter would otherwise cut apart ("0,08 s", "1,5 dB", "1/20 of a second",
//! "bypass off -> funk G 108").

/// Units a decimal comma may stand before ("1,5 dB" is one and a half decibels; "bars 10,12"
/// is a list).
const DECIMAL_UNITS: [&str; 9] = [
    "db", "ms", "%", "st", "semi", "sec", "s ", "cent", "percent",
];

/// Amounts with "and a half", as one number.
const HALVES: [(&str, &str); 8] = [
    ("one and a half", "1.5"),
    ("two and a half", "2.5"),
    ("three and a half", "3.5"),
    ("1 and a half", "1.5"),
    ("2 and a half", "2.5"),
    ("a db and a half", "1.5 dB"),
    ("a decibel and a half", "1.5 dB"),
    ("a semitone and a half", "1.5 semitones"),
];

/// The text with every rewrite applied.
pub fn before_split(text: &str) -> String {
    // A typographic minus ("−6 dB") is a minus.
    // "Tempo ÷ 2", "harmony level / 2": divided by.
    let s = text
        .replace('\u{2212}', "-")
        .replace('÷', " divided by ")
        .replace(" / 2", " divided by 2")
        // "~96 bpm": about 96.
        .replace('~', " about ")
        .replace(" -> ", " , ")
        .replace(" => ", " , ");
    let s = super::amount_spellings::rewrite(&s);
    let s = super::contrasts::rewrite(&s);
    let s = list_numbers(&s);
    let s = decimal_commas(&s);
    let s = halves(&s);
    let s = plus_joins(&s);
    let s = analytic_comparatives(&s);
    let s = signed_sizes(&s);
    let s = slashed_fractions(&s);
    let s = operators(&s);
    let s = spelt_names(&s);
    let s = ordinals(&s);
    let s = wet_comparatives(&s);
    fractions_of_a_second(&s)
}

/// "Wetter" and "drier" said of the voice: a step of its reverb ("make it a bit drier" had
/// switched the reverb off). Said of the mix ("the mix a bit wetter", "more wet/dry") they
/// stay the mix's.
fn wet_comparatives(text: &str) -> String {
    let lower = text.to_lowercase();
    let of_the_mix = ["mix", "wet/dry", "dry/wet", "effect", "blend"]
        .iter()
        .any(|w| lower.contains(w));
    if of_the_mix || lower.len() != text.len() {
        return text.to_string();
    }
    [
        ("wetter", "more reverb"),
        ("drier", "less reverb"),
        ("dryer", "less reverb"),
    ]
    .iter()
    .fold(text.to_string(), |s, (from, to)| {
        replace_first_word(&s, from, to)
    })
}

/// Intervals written with digits, as words: "up a 5th", "down a 4th", "a 3rd above".
const ORDINALS: [(&str, &str); 7] = [
    ("2nd", "second"),
    ("3rd", "third"),
    ("4th", "fourth"),
    ("5th", "fifth"),
    ("6th", "sixth"),
    ("7th", "seventh"),
    ("8ve", "octave"),
];

/// "Up a 5th" as "up a fifth", so the interval readers see it.
fn ordinals(text: &str) -> String {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return text.to_string();
    }
    let mut out = text.to_string();
    for (digits, word) in ORDINALS {
        while let Some(i) = out.to_lowercase().find(digits) {
            // Only an interval moved by ("up a 5th"), not a scale degree ("raised 4th").
            let after_a = out[..i].trim_end().to_lowercase().ends_with(" a")
                || out[..i].trim_end().eq_ignore_ascii_case("a");
            if !word_edges(&out.to_lowercase(), i, digits.len()) || !after_a {
                break;
            }
            out = format!("{}{word}{}", &out[..i], &out[i + digits.len()..]);
        }
    }
    out
}

/// "R&B" and its spellings as the one style word, so the "&" does not part it.
const RNB: [&str; 5] = ["r&b", "r & b", "r'n'b", "r n b", "r and b"];

/// Names the word splitter would cut or misread: "R&B" (one style) and "Db" written as a key
/// (the note, not decibels: "my song's in Db phrygian"; "-6 Db" after a number stays dB).
fn spelt_names(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut out = text.to_string();
    if lower.len() == text.len() {
        for from in RNB {
            out = replace_first_word(&out, from, "rnb");
        }
    }
    let tokens: Vec<&str> = out.split(' ').collect();
    let mut spelt = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        let core = t.trim_end_matches(|c: char| !c.is_alphanumeric());
        let after_number = i > 0
            && tokens[i - 1]
                .trim_start_matches(['-', '+'])
                .starts_with(|c: char| c.is_ascii_digit());
        if matches!(core, "Db" | "Dbm") && !after_number {
            spelt.push(t.replacen("Db", "C#", 1));
        } else {
            spelt.push((*t).to_string());
        }
    }
    spelt.join(" ")
}

/// Spellings of dividing and multiplying, and the one spelling the readers of a share know.
const OPERATORS: [(&str, &str); 9] = [
    ("divided for", "divided by"),
    ("divide by", "divided by"),
    ("divide it by", "divided by"),
    ("divided in", "divided by"),
    ("split into two", "divided by 2"),
    ("multiplied by", "times"),
    ("multiply by", "times"),
    ("multiply it by", "times"),
    ("multiplied for", "times"),
];

/// "Whisper /2", "reverb ×2", "comp * 2", "the mix divided for two", "multiply the amount by
/// two", "split the pitch-up in two": every way of writing a division or a product of the
/// current value as "divided by N" or "times N". A slash between digits ("3/4", "4/4") or
/// words ("dry/wet") is left alone.
fn operators(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    // The first character after `i` that is not a space, and the one after that.
    let next_two = |i: usize| {
        let mut rest = chars[i + 1..]
            .iter()
            .copied()
            .skip_while(|c| c.is_whitespace());
        let first = rest.next();
        (first, rest.find(|c| !c.is_whitespace()))
    };
    for (i, &c) in chars.iter().enumerate() {
        if !matches!(c, '/' | '×' | '*') {
            out.push(c);
            continue;
        }
        let before = chars[..i].iter().rev().find(|c| !c.is_whitespace());
        let (first, second) = next_two(i);
        let digit_after = first.is_some_and(|c| c.is_ascii_digit());
        // A slash parts a list ("blues / A / 72 / 12 bars", "88 / tuning Cm / 1 harmony")
        // unless one small divisor ends the clause ("whisper /2", "harmony level / 2").
        let divisor =
            matches!(first, Some('2' | '3' | '4')) && !second.is_some_and(|c| c.is_alphanumeric());
        let after_word = before.is_some_and(|c| c.is_alphabetic());
        match c {
            '/' if divisor && after_word => out.push_str(" divided by "),
            '×' => out.push_str(" times "),
            '*' if digit_after => out.push_str(" times "),
            _ => out.push(c),
        }
    }
    let lower = out.to_lowercase();
    if lower.len() != out.len() {
        return out;
    }
    // "Split the pitch-up in two", "cut the reverb in two", "the pitch-up in two" (not "in
    // two bars").
    let verb = lower.find("split").or(lower.find("cut "));
    let out = match lower.find("in two") {
        Some(i)
            if word_edges(&lower, i, 6)
                && (verb.is_some_and(|v| v < i)
                    || !lower[i + 6..]
                        .trim_start()
                        .starts_with(char::is_alphanumeric)) =>
        {
            format!("{}divided by 2{}", &out[..i], &out[i + 6..])
        }
        _ => out,
    };
    OPERATORS
        .iter()
        .fold(out, |s, (from, to)| replace_first_word(&s, from, to))
}

/// `text` with the first case-insensitive occurrence of `from` replaced by `to` when it
/// stands on word edges (a later occurrence is left as it is, as is all of `text` when
/// lowercasing it would move byte offsets).
pub(super) fn replace_first_word(text: &str, from: &str, to: &str) -> String {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return text.to_string();
    }
    match lower.find(from) {
        Some(i) if word_edges(&lower, i, from.len()) => {
            format!("{}{to}{}", &text[..i], &text[i + from.len()..])
        }
        _ => text.to_string(),
    }
}

/// Whether `lower[i..i + len]` starts and ends on word edges.
fn word_edges(lower: &str, i: usize, len: usize) -> bool {
    let before = lower[..i].chars().next_back();
    let after = lower[i + len..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// "More" before an adjective of less, as many learners build the comparative, and the
/// comparative it means: "make it more weak" lowers, where "more" alone would raise. (The
/// adjectives of more, "more warm", "more high", already read the right way.)
const COMPARATIVES: [(&str, &str); 10] = [
    ("young", "younger"),
    ("old", "older"),
    ("weak", "weaker"),
    ("quiet", "quieter"),
    ("soft", "softer"),
    ("low", "lower"),
    ("small", "smaller"),
    ("slow", "slower"),
    ("dry", "drier"),
    ("short", "shorter"),
];

/// "More weak" as "weaker", "more quiet" as "quieter" ("more low end" and "more low mids"
/// name a band, and stay).
fn analytic_comparatives(text: &str) -> String {
    let tokens: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let next = tokens.get(i + 1).copied().unwrap_or_default();
        let bare = next.trim_end_matches(|c: char| !c.is_alphanumeric());
        let band = tokens.get(i + 2).is_some_and(|t| {
            let t = t.to_lowercase();
            t.starts_with("end") || t.starts_with("mid") || t.starts_with("freq")
        });
        let comparative = COMPARATIVES
            .iter()
            .find(|(plain, _)| bare.eq_ignore_ascii_case(plain))
            .map(|(_, c)| *c);
        match comparative {
            Some(c) if tokens[i].eq_ignore_ascii_case("more") && !band => {
                out.push(format!("{c}{}", &next[bare.len()..]));
                i += 2;
            }
            _ => {
                out.push(tokens[i].to_string());
                i += 1;
            }
        }
    }
    out.join(" ")
}

/// A numbered or bulleted list's markers ("1) key E minor\n2) slower retune", "- less robot")
/// become commas: the "3" of "3) reverb lower" is no retune time.
fn list_numbers(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let trimmed = line.trim_start();
            let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
            let marker = digits > 0
                && digits <= 2
                && trimmed[digits..].starts_with([')', '.'])
                && trimmed[digits + 1..].starts_with(' ');
            // Bullets ("- pitch -12", "* less robot", "• reverb up"): a dash before a space
            // is a marker, never a minus.
            let bullet = ["- ", "* ", "• ", "– "]
                .iter()
                .find(|b| trimmed.starts_with(**b));
            if marker {
                format!(" ,{}", &trimmed[digits + 1..])
            } else if let Some(b) = bullet {
                format!(" , {}", &trimmed[b.len()..])
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Units a number after " + " may carry when the plus is a sign ("pitch + 3 semitones").
const SIGNED_UNITS: [&str; 8] = ["st", "semi", "db", "cent", "ms", "%", "oct", "step"];

/// " + " between two orders is "and" ("hiphop 90bpm + 3 titles", "G# minor + reverb"), so
/// compound readers see the joint; before a number with a unit it stays a sign.
fn plus_joins(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(" + ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 3..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        let unit = after[digits..].trim_start().to_lowercase();
        let sign = digits > 0 && SIGNED_UNITS.iter().any(|u| unit.starts_with(u));
        out.push_str(if sign { " + " } else { " and " });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// "One and a half decibels" -> "1.5 decibels", "a dB and a half" -> "1.5 dB", "minus
/// four and a half dB" -> "minus 4.5 dB".
fn halves(text: &str) -> String {
    let mut out = text.to_string();
    for (from, to) in HALVES {
        let lower = out.to_lowercase();
        if lower.len() != out.len() {
            return out;
        }
        if let Some(i) = lower.find(from) {
            out = format!("{}{to}{}", &out[..i], &out[i + from.len()..]);
        }
    }
    any_number_and_a_half(&out)
}

/// Any whole number (in digits or words up to twenty) before "and a half": the number plus
/// one half.
fn any_number_and_a_half(text: &str) -> String {
    const MARK: &str = " and a half";
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return text.to_string();
    }
    let Some(at) = lower.find(MARK) else {
        return text.to_string();
    };
    let start = lower[..at].rfind(' ').map_or(0, |i| i + 1);
    let Some(n) = super::normalise::number(&lower[start..at])
        .filter(|n| n.fract() == 0.0 && (0.0..=20.0).contains(n))
    else {
        return text.to_string();
    };
    format!("{}{}{}", &text[..start], n + 0.5, &text[at + MARK.len()..])
}

/// "0,5" -> "0.5" where a lone zero starts the number, and "1,5 dB" -> "1.5 dB" where a
/// single digit on each side stands before a unit.
fn decimal_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let lone_digit_before = i >= 1
            && chars[i - 1].is_ascii_digit()
            && (i < 2 || !chars[i - 2].is_ascii_alphanumeric() && chars[i - 2] != '.');
        let zero_before = lone_digit_before && chars[i - 1] == '0';
        let digit_after = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        let unit_after = digit_after
            && !chars.get(i + 2).is_some_and(char::is_ascii_digit)
            && unit_follows(&chars[(i + 2).min(chars.len())..]);
        let decimal = c == ',' && digit_after && (zero_before || lone_digit_before && unit_after);
        out.push(if decimal { '.' } else { c });
    }
    out
}

/// Whether `rest` starts (after spaces) with one of `DECIMAL_UNITS`.
fn unit_follows(rest: &[char]) -> bool {
    let text: String = rest.iter().take(12).collect::<String>().to_lowercase();
    let text = text.trim_start();
    DECIMAL_UNITS.iter().any(|u| text.starts_with(u))
}

/// "1/20 of a second" -> "50 ms": a fraction of a second is a time in milliseconds.
fn fractions_of_a_second(text: &str) -> String {
    const OF_A_SECOND: [&str; 3] = [" of a second", " of a sec", " of one second"];
    let lower = text.to_lowercase();
    if lower.len() != text.len() || !OF_A_SECOND.iter().any(|m| lower.contains(m)) {
        return text.to_string();
    }
    let mut out = text.to_string();
    for marker in OF_A_SECOND {
        while let Some(at) = out.to_lowercase().find(marker) {
            let before = &out[..at];
            let Some((start, ms)) = fraction_before(before) else {
                break;
            };
            out = format!("{}{ms} ms{}", &out[..start], &out[at + marker.len()..]);
        }
    }
    out
}

/// The start and value in milliseconds of an "N/M" that ends `text`.
fn fraction_before(text: &str) -> Option<(usize, u32)> {
    let slash = text.rfind('/')?;
    let den: u32 = text[slash + 1..].trim().parse().ok()?;
    let num_start = text[..slash]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let num: u32 = text[num_start..slash].parse().ok()?;
    (den > 0 && num <= den).then(|| (num_start, (1000 * num + den / 2) / den))
}

/// Fractions written with a slash before "of" ("correction at 3/4 of now") in the words the
/// share reader knows; "4/4" alone (a time signature) stays.
fn slashed_fractions(text: &str) -> String {
    const FRACTIONS: [(&str, &str); 5] = [
        ("1/2 of", "half of"),
        ("1/3 of", "a third of"),
        ("2/3 of", "two thirds of"),
        ("1/4 of", "a quarter of"),
        ("3/4 of", "three quarters of"),
    ];
    FRACTIONS
        .iter()
        .fold(text.to_string(), |s, (slashed, words)| {
            s.replace(slashed, words)
        })
}

/// "Reverb -a bit", "comp +a bit", "humanize + a touch": a sign before a size word is the
/// direction ("a bit less", "a bit more"), not a number.
fn signed_sizes(text: &str) -> String {
    const SIZES: [&str; 6] = ["bit", "little", "touch", "tad", "notch", "hair"];
    let tokens: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len() + 4);
    let mut i = 0;
    while i < tokens.len() {
        // The sign written on the article ("-a") or apart ("- a").
        let (sign, article_at) = match tokens[i] {
            "+a" | "-a" => (&tokens[i][..1], i),
            // "The robot effect - a bit more": a dash before a direction said in words is
            // punctuation, not a sign.
            "+" | "-"
                if tokens.get(i + 1) == Some(&"a")
                    && !tokens.get(i + 3).is_some_and(|t| said_way(t)) =>
            {
                (tokens[i], i + 1)
            }
            _ => ("", i),
        };
        let size = tokens.get(article_at + 1).map(|t| {
            t.trim_end_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        });
        match size {
            Some(size) if !sign.is_empty() && SIZES.contains(&size.as_str()) => {
                // "Strength -a bit, humanize +a bit": the comma stays after the direction.
                let word = tokens[article_at + 1];
                let core = word.trim_end_matches(|c: char| !c.is_alphanumeric());
                let mark = &word[core.len()..];
                let way = if sign == "+" { "more" } else { "less" };
                out.push(format!("a {core} {way}{mark}"));
                i = article_at + 2;
            }
            _ => {
                out.push(tokens[i].to_string());
                i += 1;
            }
        }
    }
    out.join(" ")
}

/// Whether a token says which way ("more", "less", "up", "down"...).
fn said_way(token: &str) -> bool {
    let word = token
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    matches!(
        word.as_str(),
        "more" | "less" | "up" | "down" | "higher" | "lower" | "louder" | "quieter"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_clauses_are_respelt() {
        assert_eq!(before_split("retune 0,08 s"), "retune 0.08 s");
        assert_eq!(
            before_split("my volume 1,5 dB more"),
            "my volume 1.5 dB more"
        );
        assert_eq!(before_split("bars 10,12"), "bars 10,12");
        assert_eq!(before_split("C, G, Am"), "C, G, Am");
        assert_eq!(before_split("retune = 1/20 of a second"), "retune = 50 ms");
        assert_eq!(before_split("off -> funk"), "off , funk");
        assert_eq!(
            before_split("hiphop 90bpm + 3 titles"),
            "hiphop 90bpm and 3 titles"
        );
        assert_eq!(before_split("pitch + 3 semitones"), "pitch + 3 semitones");
        assert_eq!(
            before_split("trim the output to \u{2212}6"),
            "trim the output to -6"
        );
        assert_eq!(
            before_split("output up a dB and a half"),
            "output up 1.5 dB"
        );
        assert_eq!(
            before_split("turn my level up one and a half decibels"),
            "turn my level up 1.5 decibels"
        );
        assert_eq!(
            before_split("minus four and a half dB on the output"),
            "minus 4.5 dB on the output"
        );
        assert_eq!(before_split("rock and a half"), "rock and a half");
        assert_eq!(
            before_split("1) key E minor\n2) slower retune\n3. reverb lower"),
            " , key E minor\n , slower retune\n , reverb lower"
        );
        assert_eq!(before_split("120 bpm"), "120 bpm");
        assert_eq!(
            before_split("strength -a bit, humanize +a bit"),
            "strength a bit less, humanize a bit more"
        );
    }

    #[test]
    fn intervals_in_digits_are_words() {
        assert_eq!(before_split("up a 5th"), "up a fifth");
        assert_eq!(
            before_split("down a 4th, then a 3rd"),
            "down a fourth, then a third"
        );
        assert_eq!(before_split("track 15th"), "track 15th");
        assert_eq!(before_split("lydian, raised 4th"), "lydian, raised 4th");
    }

    #[test]
    fn style_and_key_names_keep_their_meaning() {
        assert_eq!(before_split("140 bpm R&B beat"), "140 bpm rnb beat");
        assert_eq!(before_split("some r and b"), "some rnb");
        assert_eq!(
            before_split("my song's in Db phrygian"),
            "my song's in C# phrygian"
        );
        assert_eq!(before_split("tune to Dbm."), "tune to C#m.");
        assert_eq!(before_split("backing -6 Db"), "backing -6 Db");
        assert_eq!(before_split("output 3 db"), "output 3 db");
    }

    #[test]
    fn divisions_and_products_have_one_spelling() {
        assert_eq!(before_split("whisper /2"), "whisper  divided by 2");
        assert_eq!(before_split("reverb ×2"), "reverb  times 2");
        assert_eq!(before_split("comp * 2"), "comp  times  2");
        assert_eq!(
            before_split("the mix divided for two"),
            "the mix divided by two"
        );
        assert_eq!(
            before_split("the autotune force multiply by two"),
            "the autotune force times two"
        );
        assert_eq!(
            before_split("split the pitch-up in two"),
            "split the pitch-up divided by 2"
        );
        assert_eq!(before_split("split it in two"), "split it divided by 2");
        assert_eq!(
            before_split("spliit the pitch in two"),
            "spliit the pitch divided by 2"
        );
        assert_eq!(before_split("a loop in two bars"), "a loop in two bars");
        assert_eq!(before_split("time 4/4, dry/wet 50"), "time 4/4, dry/wet 50");
        assert_eq!(
            before_split("Cm 88 / tuning / 1 harmony"),
            "Cm 88 / tuning / 1 harmony"
        );
        assert_eq!(
            before_split("blues / A / 72 / 12 bars"),
            "blues / A / 72 / 12 bars"
        );
    }
}
