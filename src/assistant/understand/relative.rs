//! How much a clause asks for, read from the words around a control: an exact value, "off",
//! a step up or down sized by "a bit" / "way", "double" / "halve", "all the way". Moves are
//! applied to the control's current value, so "less" from 0.2 stays below 0.2 and never
//! jumps to a fixed level above it.

use super::fractions::Share;
use super::normalise::{number, Words};
use super::relative_words::{BIG, DOWN, EASING, OFF, SMALL, UP};

/// How big a step the words ask for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Size {
    /// "a bit", "a touch", "slightly".
    Small,
    /// No size word.
    Normal,
    /// "way", "a lot", "much".
    Big,
}

/// What a clause asks of one control.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Move {
    /// An exact value in the control's unit (fractions 0..1 for amounts).
    Set(f32),
    /// Change by this much in the control's unit ("down 10%", "up 3 dB").
    By(f32),
    /// Switch off / remove (the lowest value).
    Off,
    /// Up by a step of this size.
    Up(Size),
    /// Down by a step of this size.
    Down(Size),
    /// Multiply ("double", "halve").
    Times(f32),
    /// All the way up.
    Max,
    /// A vague absolute level: a little (0.2) or a lot (0.7); the control's default when
    /// neither ("add some reverb").
    Level(Option<f32>),
}

/// Words that name what a clause is about; a window around one stops at the next.
pub const CONTROLS: &[&str] = &[
    "reverb",
    "echo",
    "breath",
    "breathy",
    "breathiness",
    "breathier",
    "whisper",
    "robot",
    "compression",
    "compressor",
    "compress",
    "warmth",
    "warm",
    "warmer",
    "presence",
    "brighter",
    "bright",
    "vibrato",
    "humanize",
    "humanise",
    "amount",
    "strength",
    "pitch",
    "formant",
    "formants",
    "backing",
    "output",
    "volume",
    "tuning",
    "correction",
    "mix",
    "retune",
    "tempo",
    "air",
];

/// Effects with their own knob: one named right after another control is a different
/// control, never a qualifier of it.
pub(super) const EFFECTS: &[&str] = &[
    "reverb",
    "echo",
    "breath",
    "breathiness",
    "whisper",
    "robot",
    "compression",
    "warmth",
    "presence",
    "vibrato",
    "humanize",
    "formant",
    "tempo",
];

/// Words that start another phrase: a window never reads past them.
const JOINS: &[&str] = &["with", "and", "but", "plus"];

/// The words around word `at` that belong to it: up to four each side, stopping at another
/// control word or a clause boundary.
pub fn window(words: &Words, at: usize) -> Vec<&str> {
    // A control word right beside the trigger names the same control ("correction
    // strength", "tuning amount"); one further away starts another.
    let mut out = Vec::new();
    let mut i = at;
    while i > 0 && at - i < 4 {
        if words.words[i].boundary {
            break;
        }
        i -= 1;
        if CONTROLS.contains(&words.at(i)) && at - i > 1 {
            break;
        }
        out.push(words.at(i));
    }
    for k in at + 1..(at + 5).min(words.len()) {
        // "Compression - verb down a bit": another effect right after starts its own phrase;
        // "correction strength" and "tuning amount" name one control.
        let other =
            CONTROLS.contains(&words.at(k)) && (k > at + 1 || EFFECTS.contains(&words.at(k)));
        // "Whisper plus 15 percent": a plus before a number is its sign, not a join.
        let sign = words.at(k) == "plus" && number(words.at(k + 1)).is_some();
        let stop = other || JOINS.contains(&words.at(k)) && !sign;
        if words.words[k].boundary || stop {
            break;
        }
        out.push(words.at(k));
    }
    out
}

/// Whether `phrase` starts within six words of `at`, in the same clause.
fn phrase_near(words: &Words, at: usize, phrase: &str) -> bool {
    let Some(k) = words.find_phrase(phrase) else {
        return false;
    };
    let (lo, hi) = (k.min(at), k.max(at));
    // Six words: "not so much upper mid edge" eases the edge.
    hi - lo <= 6 && !(lo + 1..=hi).any(|i| words.words[i].boundary)
}

/// The first word of the clause that holds word `at`.
fn clause_lead(words: &Words, at: usize) -> &str {
    words.at(words.clause_start(at))
}

/// Words that put a control back where it started.
const BACK_TO_DEFAULT: [&str; 5] = ["default", "reset", "normal", "original", "factory"];

/// Parameter `id` back at its default when the words around `at` ask for it ("reset the
/// compression", "warmth back to flat", "humanize back to default", "default compression").
/// "Flat" counts only as a place to go back to ("to flat"), never a note ("B-flat").
pub fn default_move(words: &Words, at: usize, id: &str) -> Option<Move> {
    let to_flat = ["to flat", "at flat", "back flat"]
        .iter()
        .any(|p| words.has_phrase(p));
    if !to_flat
        && !window(words, at)
            .iter()
            .any(|w| BACK_TO_DEFAULT.contains(w))
    {
        return None;
    }
    let spec = crate::assistant::state::spec(id)?;
    Some(Move::Set(spec.default.as_f32()?))
}

/// The way a percentage moves a control when a comparative follows it ("50% higher": +1,
/// "30 percent weaker": -1), as a share of where it is.
fn percent_comparative(words: &Words) -> Option<f32> {
    (1..words.len()).find_map(|i| {
        if !matches!(words.at(i - 1), "%" | "percent") {
            return None;
        }
        match words.at(i) {
            "higher" | "bigger" | "stronger" | "greater" => Some(1.0),
            "lower" | "smaller" | "weaker" => Some(-1.0),
            _ => None,
        }
    })
}

/// Whether "too" says there is too little ("too low", "too weak", "too quiet").
fn too_little(words: &Words) -> bool {
    words.find_any(&["too"]).is_some_and(|i| {
        matches!(
            words.next_in_clause(i),
            "low" | "weak" | "little" | "quiet" | "soft" | "small" | "subtle" | "faint" | "light"
        )
    })
}

/// Whether the clause's "too" is its last word ("breathier vocal too", "breathier vocal too
/// thanks"): "also", not "too much".
fn too_means_also(words: &Words) -> bool {
    words.find_any(&["too"]).is_some_and(|i| {
        matches!(
            words.next_in_clause(i),
            "" | "thanks" | "thank" | "thx" | "please" | "pls" | "plz" | "cheers"
        )
    })
}

/// The size the words ask for.
pub fn size(window: &[&str]) -> Size {
    // "More more", as some type for "much more".
    if window.iter().filter(|w| **w == "more").count() >= 2 {
        return Size::Big;
    }
    // "More vibrato, not all the way", "not completely": a plain step, never the end.
    let held_back = window.windows(2).any(|p| {
        p[0] == "not"
            && matches!(
                p[1],
                "all" | "completely" | "fully" | "totally" | "entirely"
            )
    });
    if held_back {
        return Size::Normal;
    }
    if window.iter().any(|w| SMALL.contains(w)) {
        Size::Small
    } else if window.iter().any(|w| BIG.contains(w)) {
        Size::Big
    } else {
        Size::Normal
    }
}

/// Words that say a control is too much of the sound ("overpowering", "drowning me").
pub const OVERWHELMING: &[&str] = &[
    "overpowering",
    "overpowers",
    "overpower",
    "drowning",
    "drowns",
    "drown",
    "piercing",
    "swamping",
    "swamps",
    "burying",
    "buries",
    "overwhelming",
    "smothering",
];

/// What the words around `at` ask of that control (amounts in 0..1).
pub fn read_move(words: &Words, at: usize) -> Option<Move> {
    let win = window(words, at);
    let any = |list: &[&str]| win.iter().any(|w| list.contains(w));
    // "Add a little warmth" adds to what is there; it never sets less.
    let adds_little = any(&["add", "give"]) && size(&win) == Size::Small;
    let up = any(UP) || any(&["add", "bring"]) && any(&["more"]) || adds_little;
    // "Increase of 25 percent the reverb": the clause's verb says the way.
    let lead = clause_lead(words, at);
    let up = up || UP.contains(&lead);
    let lowers = DOWN.contains(&lead);
    // "Ease off", "dial back", "not so much", "too squashed": lower, never remove.
    // "Dial the warmth back", "pull the reverb back a bit": a lowering verb whose "back"
    // comes after the control ("bring the reverb back" restores, so "bring" is not here).
    let backs = win.contains(&"back")
        && (words.has_any(&[
            "dial", "pull", "roll", "scale", "ease", "knock", "tone", "wind",
        ]) || words.has("off"));
    // "Ease the reverb off a touch": the verb and its "off" around the control.
    let eased_around = words.has("ease") && win.contains(&"off");
    let eases = backs || eased_around || EASING.iter().any(|p| phrase_near(words, at, p));
    // "Ease up on the comp" eases; its "up" is not a raise.
    let up = up && (!eases || any(&["more"]));
    // "Breathier vocal too": a "too" that ends its clause means "also".
    let too = any(&["too"]) && !too_means_also(words);
    // "The reverb is too low", "whisper too weak": too little of it asks for more.
    let too_little = too && too_little(words);
    let too = too && !too_little;
    let up = up || too_little;
    // "Drop the presence a little": with a size, "drop" is a step down (alone it may remove
    // or start something, which the readers decide).
    let drops = any(&["drop"]) && size(&win) != Size::Normal;
    // "Take a bit of warmth away" (but "a whisper from far away" is a place).
    let drops = drops || any(&["away"]) && !words.has_phrase("far away");
    // "The reverb is overpowering", "the harmonies drown me", "I'm drowning in the beat",
    // "the presence is piercing": too much of it.
    // ("Drown me in reverb" asks for lots of it.)
    let drown_me_in = (0..words.len()).any(|i| {
        matches!(words.at(i), "drown" | "bury" | "smother")
            && matches!(words.at(i + 1), "me" | "it" | "us" | "the" | "my")
            && (words.at(i + 2) == "in" || words.at(i + 3) == "in")
    });
    let overwhelms = any(OVERWHELMING) && !drown_me_in;
    // "I can't hear the reverb", "I can barely hear the harmonies": too little of it.
    let unheard = [
        "can't hear",
        "cant hear",
        "cannot hear",
        "barely hear",
        "hardly hear",
    ]
    .iter()
    .any(|p| words.has_phrase(p));
    let up = (up || unheard) && !overwhelms;
    let down = (any(DOWN)
        || words.has_phrase("too much")
        || eases
        || too && !up
        || lowers
        || drops
        || overwhelms)
        && !unheard;
    // "Why not add some": a suggestion, not a negation.
    let why_not = words.has_phrase("why not");
    // "My vibrato is gone, bring a lot of it back": what is missing is given back, so the
    // "gone" describes now and the move is up.
    let gives_back = words.has("back") && words.has_any(&["bring", "give", "put"]) && !eases;
    let up = up || gives_back;
    // "Cut the reverb completely": all of it.
    let wholly = any(&["completely", "entirely", "totally", "altogether"])
        && any(&["cut", "take", "turn", "pull"]);
    // "Drop the reverb" (no size, no value): drop it, as a band drops a part.
    let dropped = any(&["drop"]) && size(&win) == Size::Normal;
    let off_word = !gives_back
        && (wholly
            || dropped
            || win.iter().any(|w| {
                (OFF.contains(w) || super::topic_words::REMOVING.contains(w))
                    && !(why_not && *w == "not")
            }));
    if let Some(f) = times(words, &win) {
        return Some(Move::Times(f));
    }
    // "Three quarters of what it is", "cut a quarter off", "a third more".
    let takes = down || any(&["off", "minus"]);
    // "Down to a quarter", "bring it to about a third": the share is where it goes.
    let share_is_target = [
        "to a",
        "to about a",
        "to around a",
        "to roughly a",
        "to like a",
    ]
    .iter()
    .any(|p| words.has_phrase(p));
    match super::fractions::share(words) {
        Some(Share::Of(m)) => return Some(Move::Times(m)),
        Some(Share::Part(p)) if share_is_target && !any(&["of"]) => return Some(Move::Set(p)),
        Some(Share::Part(p)) if takes && !up => return Some(Move::Times(1.0 - p)),
        Some(Share::Part(p)) if up && !takes => return Some(Move::Times(1.0 + p)),
        // "Reverb at three quarters", "whisper a quarter", "humanize to a third": the value.
        Some(Share::Value(v)) if !up && !takes => return Some(Move::Set(v)),
        Some(Share::Part(p)) if !up && !takes && !any(&["of"]) => return Some(Move::Set(p)),
        _ => {}
    }
    // "Chop that verb down to half", "cut it in half", "divided by two": half of now.
    let halves_now = any(&["halve"])
        || any(&["half"]) && (any(DOWN) || any(&["chop", "in", "by"]))
        || any(&["divided"]) && any(&["2", "two"]);
    if halves_now {
        return Some(Move::Times(0.5));
    }
    if let Some(v) = super::slots::amount_near(words, at) {
        // "Whisper plus 15 percent": the word for the sign.
        let signed = win
            .iter()
            .any(|w| w.starts_with(['+', '-']) || *w == "plus");
        // "Take 25 percent off the amount", "amount minus 25 percent", "whisper -10%": a
        // step down.
        let negative = win.iter().any(|w| w.starts_with('-'));
        let down = down || negative || any(&["off", "minus", "under", "below", "drop"]);
        // "Reverb 50% higher": a share of where it is, not 50 points.
        if let Some(by) = percent_comparative(words) {
            return Some(Move::Times(1.0 + by * v));
        }
        // "Add 10% to the reverb": the "to" names the control, not the value.
        let adds_to =
            words.has("add") && (words.has_phrase("% to") || words.has_phrase("percent to"));
        let up = up || adds_to;
        return Some(
            if (up || down || signed) && (adds_to || !any(&["to", "at"])) {
                Move::By(if down { -v.abs() } else { v.abs() })
            } else {
                Move::Set(v)
            },
        );
    }
    // "All the way down", "almost all the way down", "all the way up".
    if words.has_phrase("the way down") || words.has_phrase("the way off") {
        let almost = words.has_any(&["almost", "nearly", "most"]);
        return Some(if almost {
            Move::Down(Size::Big)
        } else {
            Move::Off
        });
    }
    if words.has_phrase("the way up") {
        return Some(Move::Max);
    }
    if words.has_phrase("no more") || words.has_phrase("not anymore") {
        return Some(Move::Off);
    }
    // "Trim some of that room off the vocal": a lowering verb's "off" takes some off.
    let lowered = any(&["reduce", "lower", "decrease"]);
    if off_word && !eases && !lowered && !any(&["more", "less"]) && size(&win) != Size::Small {
        return Some(Move::Off);
    }
    if any(&["double", "twice"]) {
        return Some(Move::Times(2.0));
    }
    if any(&["halve", "half"]) {
        return Some(Move::Times(0.5));
    }
    // ("Not all the way" holds the step back.)
    let held_back = win
        .windows(2)
        .any(|p| p[0] == "not" && matches!(p[1], "all" | "fully"));
    if any(&["max", "maximum", "full", "fully", "all"])
        && !down
        && !held_back
        && size(&win) != Size::Small
    {
        return Some(Move::Max);
    }
    // ("Min" alone is a minor key: "E min".)
    if any(&["minimum", "lowest"]) && !up {
        return Some(Move::Set(0.0));
    }
    if down && !up {
        // Something that drowns the voice is far too much: a big step unless sized.
        let sized = size(&win);
        return Some(Move::Down(if overwhelms && sized == Size::Normal {
            Size::Big
        } else {
            sized
        }));
    }
    if up {
        return Some(Move::Up(size(&win)));
    }
    Some(Move::Level(match size(&win) {
        Size::Small => Some(0.2),
        Size::Big => Some(0.7),
        Size::Normal => None,
    }))
}

/// A multiple of the current value: "2x harder", "two times more", "three times the reverb",
/// "half of what it is now", "30% less than now" (a share of where it is, not points off).
fn times(words: &Words, win: &[&str]) -> Option<f32> {
    let factor = |w: &str| match w {
        "2" | "two" => Some(2.0),
        "3" | "three" => Some(3.0),
        _ => None,
    };
    for p in win.windows(2) {
        if let Some(f) = factor(p[0]).filter(|_| matches!(p[1], "x" | "times")) {
            return Some(f);
        }
        if let Some(f) = factor(p[1]).filter(|_| matches!(p[0], "x" | "times")) {
            return Some(f);
        }
    }
    if win.iter().any(|w| matches!(*w, "x2" | "2x")) {
        return Some(2.0);
    }
    // Against where it is now: "of what it is", "than now", "than it is".
    let of_now = words.has_phrase("of what")
        || words.has("than") && words.has_any(&["now", "is", "currently", "before", "current"]);
    if !of_now {
        return None;
    }
    if win.iter().any(|w| matches!(*w, "half" | "halve")) {
        return Some(0.5);
    }
    // The window holds the words before the control in reverse, so "30 %" may read "% 30".
    let percent = win.windows(2).find_map(|p| match (p[0], p[1]) {
        (n, "%" | "percent") | ("%" | "percent", n) => number(n),
        _ => None,
    })?;
    let share = (percent / 100.0).clamp(0.0, 1.0) as f32;
    if win.contains(&"less") {
        Some(1.0 - share)
    } else if win.contains(&"more") {
        Some(1.0 + share)
    } else {
        None
    }
}

/// A number for a call's arguments: an `f32` rounded to 3 decimals as the `f64` it means
/// (0.3, not 0.30000001192092896).
pub fn value(v: f32) -> serde_json::Value {
    serde_json::json!((f64::from(v) * 1000.0).round() / 1000.0)
}

/// How a 0..1 control steps: "more" goes at least to `floor_more` (a control at 0 asked for
/// "more" should be clearly heard), and `default` is "some".
#[derive(Debug, Clone, Copy)]
pub struct Steps {
    /// The value of "add some".
    pub default: f32,
    /// The least "more" reaches (0.5 for effects that start at 0; none for tone controls).
    pub floor_more: f32,
}

/// The step each size moves a 0..1 control: 0.15 a bit, 0.2 plain, 0.35 a lot (the corpus'
/// ranges for "a touch warmer", "warmer" and "way warmer").
fn step(size: Size) -> f32 {
    match size {
        Size::Small => 0.15,
        Size::Normal => 0.2,
        Size::Big => 0.35,
    }
}

/// The new value of a 0..1 control at `now` after `m`.
pub fn apply_fraction(m: Move, now: f32, steps: Steps) -> f32 {
    let v = match m {
        Move::Set(v) => v,
        Move::By(d) => now + d,
        Move::Off => 0.0,
        Move::Up(Size::Normal) => (now + step(Size::Normal)).max(steps.floor_more),
        // "A lot more" of an effect that is off goes past half way.
        Move::Up(Size::Big) if steps.floor_more > 0.0 => {
            (now + step(Size::Big)).max(steps.floor_more + 0.2)
        }
        Move::Up(size) => now + step(size),
        // Down never goes below a share of where it is (0.4 plain, 0.6 a bit), so "less"
        // of a little is still a little.
        Move::Down(Size::Normal) => (now - step(Size::Normal)).max(now * 0.4),
        Move::Down(Size::Small) => (now - step(Size::Small)).max(now * 0.6),
        Move::Down(Size::Big) => now - step(Size::Big),
        Move::Times(f) => now * f,
        Move::Max => 1.0,
        Move::Level(l) => l.unwrap_or(steps.default),
    };
    (v.clamp(0.0, 1.0) * 100.0).round() / 100.0
}

/// The new level in dB of a level at `now` after `m`: steps of 2 / 3 / 6 dB.
pub fn apply_db(m: Move, now: f32) -> f32 {
    let db_step = |size| match size {
        Size::Small => 2.0,
        Size::Normal => 3.0,
        Size::Big => 6.0,
    };
    match m {
        Move::Set(v) => v,
        Move::By(d) => now + d,
        Move::Off => -60.0,
        Move::Up(size) => now + db_step(size),
        Move::Down(size) => now - db_step(size),
        Move::Times(_) | Move::Level(_) => now,
        Move::Max => 6.0,
    }
}

/// Whether a number word or digits occur in `words`.
pub fn has_number(words: &Words) -> bool {
    words.words.iter().any(|w| number(&w.text).is_some())
}

#[cfg(test)]
#[path = "relative_tests.rs"]
mod tests;
