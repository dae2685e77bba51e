//! Slots every tool shares, read from clean words: key and scale (in `keys.rs`), tempo, bars,
//! decibels, milliseconds, amounts in percent, and pitch intervals with their direction.

pub use super::keys::{find_key, find_scale_only, key_at, scale_at};
use super::normalise::{number, Words};

/// Whether `v` is a plausible tempo (the backing's range).
pub fn is_tempo(v: f64) -> bool {
    (40.0..=240.0).contains(&v) && v.fract() == 0.0
}

/// A tempo written in the request: "90 bpm", "at 120", "tempo 100", or (when `bare` is
/// allowed) a lone number that is no other unit ("Bb major, 118").
pub fn find_tempo(words: &Words, bare: bool) -> Option<u32> {
    for i in 0..words.len() {
        let w = words.at(i);
        if matches!(w, "bpm" | "beats" | "bmp") && i > 0 {
            if let Some(v) = number(words.at(i - 1)).filter(|v| is_tempo(*v)) {
                return Some(v as u32);
            }
        }
        if w == "tempo" || w == "at" || w == "to" || matches!(w, "bpm" | "bmp") {
            for k in [i + 1, i + 2] {
                let v = number(words.at(k)).filter(|v| is_tempo(*v));
                if let Some(v) = v.filter(|_| !is_unit(words.at(k + 1))) {
                    return Some(v as u32);
                }
            }
        }
    }
    if !bare {
        return None;
    }
    (0..words.len()).find_map(|i| {
        let w = words.at(i);
        let v = number(w).filter(|v| is_tempo(*v))?;
        let digits = w.chars().all(|c| c.is_ascii_digit());
        (digits && !is_unit(words.at(i + 1)) && !matches!(words.before(i), "minus" | "the"))
            .then_some(v as u32)
    })
}

/// Whether `w` is a unit that makes the number before it something other than a tempo.
fn is_unit(w: &str) -> bool {
    matches!(
        w,
        "%" | "percent"
            | "pct"
            | "db"
            | "decibels"
            | "decibel"
            | "ms"
            | "milliseconds"
            | "bars"
            | "bar"
            | "measures"
            | "cents"
            | "semitones"
            | "semitone"
            | "st"
            | "titles"
            | "names"
            | "seconds"
            | "s"
    )
}

/// A length in bars: "8 bars", "a 2-bar loop", "twelve bar blues".
pub fn find_bars(words: &Words) -> Option<u32> {
    let i = words.find_any(&["bars", "bar", "measures", "barrs"])?;
    // "Four more bars": the count stands before "more".
    let count_at = match words.before(i) {
        "more" | "extra" | "additional" if i >= 2 => i - 2,
        _ => i.saturating_sub(1),
    };
    // "Tempo +4, bars 16": a count in another clause is not the bars'; the number after
    // the word is.
    let before = (!words.words[i].boundary)
        .then(|| number(words.at(count_at)))
        .flatten();
    before
        .or_else(|| number(words.next_in_clause(i)))
        .filter(|n| (1.0..=64.0).contains(n) && n.fract() == 0.0)
        .map(|n| n as u32)
}

/// A level in dB written in the request ("-10 dB", "minus 6 db", "+2 dB"): the value, and
/// whether it was written with a sign.
pub fn decibels(words: &Words) -> Option<(f32, bool)> {
    let i = words.find_any(&["db", "decibels", "decibel"])?;
    // "2 more dB", "3 extra dB": the number one word before.
    let text = match words.before(i) {
        "more" | "extra" | "additional" | "less" | "fewer" if i >= 2 => words.at(i - 2),
        t => t,
    };
    let v = number(text)?;
    let minus = i >= 2 && words.at(i - 2) == "minus";
    let signed = minus || text.starts_with(['-', '+']);
    Some(((if minus { -v.abs() } else { v }) as f32, signed))
}

/// Signed numbers put "on" something, in order ("+2 on the pitch shift", "-3 on the
/// backing"): each a step from where that control is.
pub fn steps_on(words: &Words) -> impl Iterator<Item = f64> + '_ {
    (0..words.len()).filter_map(|k| {
        let w = words.at(k);
        (w.starts_with(['+', '-']) && words.at(k + 1) == "on")
            .then(|| number(w))
            .flatten()
    })
}

/// A level written without a unit, after the words that set one: "at -18", "to -20",
/// "minus twelve", "like -20".
pub fn bare_level(words: &Words) -> Option<f32> {
    for i in 0..words.len() {
        let w = words.at(i);
        if w == "minus" {
            if let Some(v) = number(words.at(i + 1)) {
                return Some(-(v.abs() as f32));
            }
        }
        if w.starts_with('-') {
            if let Some(v) = number(w).filter(|v| *v < 0.0 && *v >= -60.0) {
                return Some(v as f32);
            }
        }
    }
    if words.has("unity") {
        return Some(0.0);
    }
    None
}

/// A time in ms: "20 ms", "fifty milliseconds", "0.1 seconds".
pub fn millis(words: &Words) -> Option<f32> {
    const UNITS: [&str; 10] = [
        "ms",
        "milliseconds",
        "millisecond",
        "seconds",
        "second",
        "sec",
        "msec",
        "msecs",
        "millis",
        "s",
    ];
    (1..words.len()).find_map(|i| {
        if !UNITS.contains(&words.at(i)) {
            return None;
        }
        let v = number(words.before(i))?;
        let ms = if words.at(i).starts_with('s') {
            v * 1000.0
        } else {
            v
        };
        (0.0..=400.0).contains(&ms).then_some(ms as f32)
    })
}

/// An explicit amount near word `around`: "30%", "30 percent", "0.3", "at half".
pub fn amount_near(words: &Words, around: usize) -> Option<f32> {
    // Only within the trigger's own clause: "breathiness 40%, reverb 30%".
    let start = (0..=around)
        .rev()
        .find(|&i| words.words[i].boundary)
        .unwrap_or(0);
    let end = (around + 1..words.len())
        .find(|&i| words.words[i].boundary)
        .unwrap_or(words.len());
    let lo = around.saturating_sub(4).max(start);
    for i in (lo..(around + 7).min(end)).filter(|&i| i != around) {
        let w = words.at(i);
        let percent = matches!(words.at(i + 1), "%" | "percent" | "pct");
        if words.at(i + 1) == "db" || words.at(i + 1) == "ms" {
            continue;
        }
        // "Reverb like Mojave 3", "like blink 182": a number after a name is the name's.
        let named = i >= 2
            && words.at(i - 2) == "like"
            && !percent
            && !matches!(
                words.at(i - 1),
                "a" | "about" | "around" | "maybe" | "at" | "to" | "some"
            );
        if named {
            continue;
        }
        let parsed = if w == "half" && matches!(words.before(i), "at" | "to") {
            Some(50.0)
        } else {
            // "Reverb to forty": a number word of 5 to 100 set with "to"/"at" is a percentage.
            let set_word = matches!(words.before(i), "to" | "at") && w.is_ascii();
            number(w).filter(|v| {
                percent
                    || w.chars().next().is_some_and(|c| c.is_ascii_digit())
                    || set_word && (5.0..=100.0).contains(v)
            })
        };
        let Some(v) = parsed else {
            continue;
        };
        // "Whisper -10%": the size of a signed step (the caller reads its sign).
        let v = if w.starts_with('-') { v.abs() } else { v };
        let value = if percent || v > 1.0 { v / 100.0 } else { v };
        if (0.0..=1.0).contains(&value) {
            return Some(value as f32);
        }
    }
    percent_in_next_clause(words, end)
}

/// A percentage in the clause that starts at `start` when that clause names no control of
/// its own: "a little whisper, like 10%" (the amount trails its control after a comma).
fn percent_in_next_clause(words: &Words, start: usize) -> Option<f32> {
    let end = (start + 1..words.len())
        .find(|&i| words.words[i].boundary)
        .unwrap_or(words.len());
    if start >= end || (start..end).any(|i| super::relative::CONTROLS.contains(&words.at(i))) {
        return None;
    }
    (start..end).find_map(|i| {
        let percent = matches!(words.at(i + 1), "%" | "percent" | "pct");
        number(words.at(i))
            .filter(|v| percent && (0.0..=100.0).contains(v))
            .map(|v| (v / 100.0) as f32)
    })
}

/// Interval size in semitones at word `i` and how many words it took.
pub fn interval_at(words: &Words, i: usize) -> Option<(f64, usize)> {
    let w = words.at(i);
    let next = words.at(i + 1);
    // "Bring the breath down to about a third", "reverb to a fifth of that": a share of a
    // control, not an interval.
    let share = matches!(w, "third" | "fifth" | "fourth" | "quarter")
        && words.before(i) == "a"
        && (matches!(
            words.at(i.saturating_sub(2)),
            "to" | "about" | "around" | "roughly"
        ) || next == "of");
    if share && !words.has_any(&["pitch", "voice", "formant", "key", "octave", "semitones"]) {
        return None;
    }
    match w {
        "octave" | "octaves" => Some((12.0, 1)),
        "fifth" | "fifths" => Some((7.0, 1)),
        "fourth" | "fourths" => Some((5.0, 1)),
        "third" | "thirds" if words.before(i) == "minor" => Some((3.0, 1)),
        "third" | "thirds" => Some((4.0, 1)),
        "whole" if matches!(next, "step" | "tone" | "steps") => Some((2.0, 2)),
        "half" if matches!(next, "step" | "steps" | "tone") => Some((1.0, 2)),
        // A fret is a semitone ("move the beat up one fret", "capo on the second fret").
        "semitone" | "semitones" | "semis" | "st" | "halfsteps" | "semi" | "fret" | "frets" => {
            Some((1.0, 1))
        }
        "cents" | "cent" => Some((0.01, 1)),
        // "Tone down the reverb" is a phrasal verb, not a whole tone down.
        "tone" if next == "down" || next == "it" => None,
        // "Warm up the tone a bit": the timbre, not a whole tone.
        "tone" if matches!(words.before(i), "the" | "my" | "vocal" | "voice") => None,
        "step" | "steps" | "tone" | "tones" => Some((2.0, 1)),
        _ => None,
    }
}

/// A direction near word `i`: +1 up, -1 down.
pub fn direction_near(words: &Words, i: usize) -> Option<f64> {
    // The nearest direction word within the clause wins: in "pitch up 2, formant down 1" the
    // formant's is "down".
    let start = words.clause_start(i);
    let end = (i + 1..words.len())
        .find(|&k| words.words[k].boundary)
        .unwrap_or(words.len());
    // Within its own clause a direction may be further off ("lower my voice by a minor
    // third"); then anywhere near ("voice up please, five semitones").
    nearest_direction(words, i, start, end, 8)
        .or_else(|| nearest_direction(words, i, 0, words.len(), 5))
}

/// The nearest direction word to `i` within `start..end`, at most `reach` words away.
fn nearest_direction(
    words: &Words,
    i: usize,
    start: usize,
    end: usize,
    reach: usize,
) -> Option<f64> {
    for d in 1..=reach {
        for k in [i.checked_sub(d), Some(i + d)].into_iter().flatten() {
            if k < start || k >= end {
                continue;
            }
            match words.at(k) {
                "up" | "higher" | "raise" | "raised" | "above" | "sharpen" | "upward"
                | "upwards" | "high" | "bump" | "ascend" | "climb" | "add" => return Some(1.0),
                "down" | "lower" | "drop" | "below" | "deeper" | "low" | "downward" | "flatten"
                | "descend" | "sink" | "under" | "beneath" => return Some(-1.0),
                _ => {}
            }
        }
    }
    None
}

/// A pitch or formant shift in semitones described near word `at` ("up an octave", "down 3
/// semitones", "+5", "by -2"). `allow_bare` reads a number without direction as upward.
pub fn shift_near(words: &Words, at: usize, allow_bare: bool) -> Option<f64> {
    // The trigger's own clause first: in "drop me an octave, formant +3" the octave is the
    // pitch's and the +3 the formant's. Only a clause with no shift of its own reads on
    // ("formant more high please, one semitone").
    // A joining word ends a phrase too: "down 12 semitones with a formant shift of +3".
    let joins = |i: usize| matches!(words.at(i), "with" | "and" | "but");
    let start = (0..=at.min(words.len().saturating_sub(1)))
        .rev()
        .find(|&i| words.words.get(i).is_some_and(|w| w.boundary) || joins(i))
        .unwrap_or(0);
    let end = (at + 1..words.len())
        .find(|&i| words.words[i].boundary || joins(i))
        .unwrap_or(words.len());
    let lo = at.saturating_sub(5);
    let hi = (at + 7).min(words.len());
    shift_between(words, at, lo.max(start), hi.min(end), allow_bare)
        .or_else(|| shift_between(words, at, lo, hi, allow_bare))
}

/// A shift described between words `lo` and `hi` (exclusive) for the trigger at `at`.
fn shift_between(words: &Words, at: usize, lo: usize, hi: usize, allow_bare: bool) -> Option<f64> {
    for i in lo..hi {
        let Some((size, _)) = interval_at(words, i) else {
            continue;
        };
        // "Two more semitones": the count stands before the "more".
        let before = match words.before(i) {
            "more" | "extra" | "further" | "additional" if i >= 2 => words.at(i - 2),
            other => other,
        };
        let count = match before {
            "an" | "a" | "one" | "1" | "perfect" | "major" | "minor" => 1.0,
            other => number(other).filter(|n| n.abs() > 0.0).unwrap_or(1.0),
        };
        // A bare "step"/"tone" is only an interval with a number or direction beside it.
        let weak = matches!(words.at(i), "step" | "steps" | "tone" | "tones");
        let dir = direction_near(words, i).or_else(|| direction_near(words, at));
        if weak && dir.is_none() {
            continue;
        }
        let sign = match dir {
            Some(d) => d,
            None if count < 0.0 => 1.0,
            None if allow_bare => 1.0,
            None => continue,
        };
        let value = if count < 0.0 {
            count * size
        } else {
            sign * count * size
        };
        return Some((value * 100.0).round() / 100.0);
    }
    // A signed or bare number right by the trigger: "pitch +3", "formant -2", "pitch 0".
    for i in lo..hi {
        let w = words.at(i);
        // Digits, or a number word after "by", a direction or a spoken sign ("formant up
        // by three", "formants up three", "formant plus three").
        let signed_word = matches!(words.before(i), "plus" | "minus");
        let written = w.chars().any(|c| c.is_ascii_digit())
            || matches!(words.before(i), "by" | "up" | "down")
            || signed_word;
        let Some(v) = number(w).filter(|_| written) else {
            continue;
        };
        if matches!(words.at(i + 1), "%" | "percent" | "db" | "ms" | "bpm") {
            continue;
        }
        if w.starts_with(['+', '-']) {
            return Some(v);
        }
        if signed_word && i > at && v.abs() <= 24.0 {
            return Some(if words.before(i) == "minus" { -v } else { v });
        }
        if i > at && i <= at + 4 && v.fract() == 0.0 && v.abs() <= 24.0 {
            if let Some(d) = direction_near(words, i) {
                return Some(d * v);
            }
            if allow_bare {
                return Some(v);
            }
        }
    }
    None
}

#[cfg(test)]
#[path = "slots_tests.rs"]
mod tests;
