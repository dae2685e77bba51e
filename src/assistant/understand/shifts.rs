//! Pitch and formant shifts of `voice_modulate`: intervals and semitone counts ("up an
//! octave", "formant -2"), steps from where a shift is ("one more semitone", "pitch up a
//! notch"), shares of it ("halve the pitch shift"), resets, and "deeper" as both.

use serde_json::{json, Map, Value};

use super::normalise::Words;
use super::relative::{read_move, size, window, Move, Size};
use super::slots::shift_near;
use super::Context;

/// Whether a shift counts from where the control is now: "one more semitone up", "a further
/// two semis", "two lower than it is now", "down 2 from here", "a second octave on top of
/// the shift", "bring the pitch shift down a tone" (the shift itself is what moves).
fn from_now(words: &Words, at: usize) -> bool {
    let near = |w: &&str| {
        matches!(
            *w,
            "more" | "another" | "extra" | "further" | "additional" | "still"
        )
    };
    let interval = |w: &str| {
        matches!(
            w,
            "semitone" | "semitones" | "semis" | "step" | "steps" | "tone" | "tones" | "octave"
        )
    };
    // "One more semitone", "two semitones more", "+2 on the pitch shift".
    let more_interval = words
        .texts()
        .windows(2)
        .any(|p| near(&p[0]) && interval(p[1]) || interval(p[0]) && near(&p[1]))
        || super::slots::steps_on(words).next().is_some();
    window(words, at).iter().any(near)
        || more_interval
        || [
            "from here",
            "than it is",
            "than now",
            "from where",
            "from now",
            "on top of",
            "from current",
            "from the current",
            "than current",
            "compared to now",
            "relative to now",
            "current shift",
            "than it set",
            "than it is set",
            // "Pitch shift plus one, it's at 3 rn": where it is now is said.
            "its at",
            "it's at",
            "currently at",
            "right now",
        ]
        .iter()
        .any(|p| words.has_phrase(p))
        || words.has("rn")
        || [
            "the shift",
            "the pitch shift",
            "my shift",
            "the current shift",
        ]
        .iter()
        .any(|p| words.has_phrase(p))
            && words.has_any(&[
                "bring", "lower", "raise", "move", "push", "pull", "take", "lift",
            ])
}

/// Whether the clause says the notes must stay ("same notes", "without changing the pitch").
pub(super) fn keeps_pitch(words: &Words) -> bool {
    words.has_phrase("same notes")
        || words.has_phrase("same pitch")
        || words.has_phrase("without changing")
        || words.has_phrase("keep the pitch")
        || words.has_phrase("pitch stays")
        || words.has_phrase("don't change the pitch")
        || words.has_phrase("dont change the pitch")
        || words.has_phrase("not change the pitch")
        || words.has_phrase("without transposing")
        || words.has_phrase("no transposing")
        || words.has_phrase("don't transpose")
        || words.has_phrase("same key")
}

/// Pitch and formant shifts: intervals with direction, resets, steps from where they are.
pub(super) fn shifts(words: &Words, ctx: &Context, args: &mut Map<String, Value>) {
    let formant_at = words.find_prefix(&["formant"]);
    if let Some(f) = formant_at {
        let now = ctx.state.number("mod_formant");
        let v = shift_near(words, f, true)
            .map(|v| lowered_by_verb(words, f, v))
            .filter(|v| v.abs() <= 12.0)
            .map(|v| {
                let from = if from_now(words, f) {
                    f64::from(now)
                } else {
                    0.0
                };
                (from + v).clamp(-12.0, 12.0)
            })
            .or_else(|| formant_step(words, f, now));
        if let Some(v) = v {
            args.insert("formant_semitones".into(), json!(v));
        }
    }
    if keeps_pitch(words) {
        return;
    }
    let reset = words.has_any(&[
        "reset", "normal", "zero", "rid", "remove", "off", "original", "none", "nothing", "mute",
    ]) || words.has_any(super::topic_words::REMOVING)
        || words.has_phrase("don't use")
        || words.has_phrase("don't want")
        || words.has_phrase("completely")
        || words.has_phrase("no pitch")
        || words.has_phrase("no more pitch")
        || words.has_phrase("pitch 0")
        || words.has_phrase("pitch shift 0")
        || words.has_phrase("pitch back");
    // Beside a formant, only the pitch's own words move the pitch ("formant up 2
    // semitones" is all formant).
    // Beside a formant, an interval word counts for the pitch only across a joint ("go
    // down 12 semitones with a formant shift of +3").
    let joined_apart = |p: usize, f: usize| {
        // A comma alone does not part them: "formant more high please, one semitone".
        (p.min(f) + 1..p.max(f)).any(|i| matches!(words.at(i), "with" | "and" | "but" | "plus"))
    };
    let pitch_at = if let Some(f) = formant_at {
        words
            .find_any(&["pitch", "transpose", "octave", "octaves"])
            .or_else(|| {
                words
                    .find_any(&["semitones", "semitone", "st", "semis"])
                    .filter(|&p| joined_apart(p, f))
            })
    } else {
        words.find_any(&[
            "pitch",
            "shift",
            "transpose",
            "octave",
            "octaves",
            "semitones",
            "semitone",
            "st",
            "cents",
            "fifth",
            "fourth",
            "third",
            "step",
            "tone",
        ])
    };
    // A pitch word right by the formant's is the formant's ("formant pitch up 2"), unless a
    // comma parts them ("drop me an octave, formant +3").
    let apart = |p: usize, f: usize| {
        f.abs_diff(p) > 2 || (p.min(f) + 1..=p.max(f)).any(|i| words.words[i].boundary)
    };
    let Some(p) = pitch_at.filter(|p| formant_at.is_none_or(|f| apart(*p, f))) else {
        return;
    };
    // "Pitch halfway back to normal": half of the shift.
    let halfway = words.has_any(&["halfway", "half-way"]) && words.has("back");
    if reset && words.has("pitch") && !words.has_any(&["up", "down"]) && !halfway {
        args.insert("pitch_semitones".into(), json!(0.0));
        return;
    }
    if halfway && words.has("pitch") {
        let now = ctx.state.number("mod_pitch");
        args.insert(
            "pitch_semitones".into(),
            json!(f64::from((now / 2.0).round())),
        );
        return;
    }
    // "Halve the pitch shift", "half as far down as now", "back up halfway", "pitch shift ÷
    // 2", "make it 50 % of now": a share of the shift there is.
    let halves = words.has_any(&["half", "halve", "halfway"])
        && !words.has_any(&["step", "tone", "semitone"]);
    let factor = match super::fractions::share(words) {
        Some(super::fractions::Share::Of(m)) => Some(f64::from(m)),
        _ => halves.then_some(0.5),
    };
    if let Some(m) = factor {
        let now = f64::from(ctx.state.number("mod_pitch"));
        if now != 0.0 {
            args.insert(
                "pitch_semitones".into(),
                json!((now * m).round().clamp(-24.0, 24.0)),
            );
            return;
        }
    }
    let bare = words.has_any(&["pitch", "transpose", "shift"]);
    if let Some(v) = shift_near(words, p, bare).filter(|v| v.abs() <= 24.0) {
        // "One more semitone up", "another half step": a step from where the pitch is.
        let from = if from_now(words, p) {
            f64::from(ctx.state.number("mod_pitch"))
        } else {
            0.0
        };
        args.insert(
            "pitch_semitones".into(),
            json!((from + v).clamp(-24.0, 24.0)),
        );
    } else if words.has_phrase("one more") || words.has("another") {
        // "Pitch up one more": one semitone on from where it is.
        let dir = super::slots::direction_near(words, p).unwrap_or(1.0);
        let now = f64::from(ctx.state.number("mod_pitch"));
        args.insert(
            "pitch_semitones".into(),
            json!((now + dir).clamp(-24.0, 24.0)),
        );
    } else if matches!(words.at(p), "pitch" | "transpose" | "shift") && names_the_shift(words, p) {
        if let Some(v) = shared_step(words, p, ctx.state.number("mod_pitch"), 24.0) {
            args.insert("pitch_semitones".into(), json!(v));
        }
    }
}

/// A formant shift with no sign of its own takes the lowering verb of its clause ("lower my
/// voice by 5 semitones and the formant by 2" lowers both).
fn lowered_by_verb(words: &Words, at: usize, v: f64) -> f64 {
    let signed = (at.saturating_sub(1)..(at + 5).min(words.len())).any(|k| {
        words.at(k).starts_with(['+', '-'])
            || matches!(words.at(k), "up" | "down" | "plus" | "minus")
    });
    let lowers = words.has_any(&["lower", "drop", "reduce", "decrease"])
        && !words.has_any(&["raise", "higher", "up", "increase"]);
    if v > 0.0 && lowers && !signed {
        -v
    } else {
        v
    }
}

/// "A deeper voice" with no interval: two semitones down in pitch and formant.
pub(super) fn deeper(words: &Words, args: &mut Map<String, Value>) {
    let deep = words.has("deeper") || words.has_phrase("deep voice");
    if deep && !args.contains_key("pitch_semitones") && !args.contains_key("formant_semitones") {
        args.insert("pitch_semitones".into(), json!(-2.0));
        args.insert("formant_semitones".into(), json!(-2.0));
    }
}

/// A formant step from where it is: "a bit lower", "up a little", "higher".
fn formant_step(words: &Words, at: usize, now: f32) -> Option<f64> {
    if words.has_any(&["reset", "remove", "off", "zero", "normal", "rid"]) {
        return Some(0.0);
    }
    if let Some(way) = complaint_way(words) {
        return Some(f64::from((now + way * 2.0).clamp(-12.0, 12.0)));
    }
    // "Ease the formant back", "ease up on the formant", "dial it back": lower.
    let eases = words.has_any(&["ease", "dial", "tame"])
        && words.has_any(&["back", "up", "off", "down"])
        && !words.has("more");
    let down = eases
        || words.has_any(&[
            "lower", "down", "deeper", "darker", "bigger", "less", "reduce", "decrease",
        ]);
    // "A little more down": the "more" is the size of the way down.
    let more_down = ["more down", "more lower", "more deep", "more deeper"]
        .iter()
        .any(|p| words.has_phrase(p));
    let up = !eases
        && !more_down
        && words.has_any(&[
            "higher", "up", "brighter", "smaller", "raise", "upward", "high", "more", "increase",
        ]);
    if down == up {
        return shared_step(words, at, now, 12.0);
    }
    let step = match size(&window(words, at)) {
        Size::Small => 1.0,
        Size::Normal => 2.0,
        Size::Big => 4.0,
    };
    // "The formant is too much, dial it back", "less formant": less of the shift, towards
    // none and never past it (from +3 it had gone to -1).
    let shrinks = (eases
        || words.has_any(&["less", "reduce", "decrease", "tame"])
        || words.has_phrase("too much"))
        && !words.has_any(&[
            "lower", "down", "deeper", "darker", "bigger", "higher", "up",
        ]);
    if shrinks && now != 0.0 {
        let toward_none = if now > 0.0 {
            (now - step).max(0.0)
        } else {
            (now + step).min(0.0)
        };
        return Some(f64::from(toward_none));
    }
    let step = if down { -step } else { step };
    Some(f64::from((now + step).clamp(-12.0, 12.0)))
}

/// The way a complaint about a shift asks for ("the formant is too high": -1, "the pitch is
/// too low": +1): the way away from what is too much, never towards it.
fn complaint_way(words: &Words) -> Option<f32> {
    let at = words.find_any(&["too"])?;
    match words.next_in_clause(at) {
        "high" | "squeaky" | "bright" | "thin" | "small" | "chipmunky" => Some(-1.0),
        "low" | "deep" | "dark" | "boomy" | "muddy" | "grave" | "big" => Some(1.0),
        _ => None,
    }
}

/// Whether "pitch" at `p` names the pitch shift, not the singer's own pitch ("let my real
/// pitch through", "my pitch wander") or the tuning ("go easy on the pitch fix").
fn names_the_shift(words: &Words, p: usize) -> bool {
    let singers = matches!(words.before(p), "my" | "real" | "natural" | "own");
    let tuning = matches!(
        words.at(p + 1),
        "fix" | "correction" | "correct" | "wander" | "drift" | "through"
    ) || words.has_any(&[
        "tune",
        "tuning",
        "autotune",
        "correction",
        "humanize",
        "wander",
    ]);
    !singers && !tuning
}

/// A step of a shift in semitones that the shared grammar reads at its name ("pitch up a
/// notch", "increase the pitch", "the pitch is too high", "bring down the formants"): 1, 2 or
/// 4 semitones by the size said, from where it is.
fn shared_step(words: &Words, at: usize, now: f32, limit: f32) -> Option<f64> {
    let step = |size: Size| match size {
        Size::Small => 1.0,
        Size::Normal => 2.0,
        Size::Big => 4.0,
    };
    if let Some(way) = complaint_way(words) {
        let size = size(&window(words, at));
        return Some(f64::from((now + way * step(size)).clamp(-limit, limit)));
    }
    // "More deep", "more bass in the pitch": the "more" sizes a way down.
    let deeper = words.has_any(&["deep", "deeper", "bass", "grave", "low", "lower", "down"])
        && !words.has_any(&["high", "higher", "up"]);
    let v = match read_move(words, at)? {
        Move::Up(size) if deeper => now - step(size),
        Move::Up(size) => now + step(size),
        Move::Down(size) => now - step(size),
        _ => return None,
    };
    Some(f64::from(v.clamp(-limit, limit)))
}
