//! The retune time of the `voice_tune` reader: an exact time in ms, a bare number after
//! "retune", a step in ms from the time now, a share of it ("a third faster"), or slower and
//! faster by a size word.

use serde_json::{json, Map, Value};

use super::fractions::Share;
use super::normalise::{number, Words};
use super::relative::{value, Size};
use super::slots::millis;
use super::Context;

/// Retune time: exact ms, or slower/faster from where it is.
/// A number right after "retune" (one word may come between: "retune speed 50", "retune:
/// 120") is the retune time in ms when no other unit follows it.
fn bare_retune(words: &Words) -> Option<f32> {
    let at = words.find_any(&["retune"])?;
    (at + 1..=at + 2).find_map(|k| {
        // Digits only: "the retune half of what it is" is a multiple, not 0.5 ms. A sign is
        // a step ("retune time +20"), which `ms_step` reads.
        let digits = words
            .at(k)
            .trim_start_matches(['+', '-'])
            .starts_with(|c: char| c.is_ascii_digit());
        let v = number(words.at(k))
            .map(f64::abs)
            .filter(|v| digits && (0.0..=400.0).contains(v))?;
        (!matches!(
            words.at(k + 1),
            "%" | "percent" | "db" | "bpm" | "st" | "semitones"
        ))
        .then_some(v as f32)
    })
}

pub(super) fn retune(words: &Words, ctx: &Context, args: &mut Map<String, Value>) {
    let now = ctx.state.number("tune_retune_ms");
    if let Some(ms) = millis(words).or_else(|| bare_retune(words)) {
        let ms = match ms_step(words) {
            Some(sign) => now + sign * ms,
            None => ms,
        };
        args.insert("retune_ms".into(), value(ms.clamp(0.0, 400.0)));
        return;
    }
    if args.contains_key("preset") {
        return;
    }
    // "Really noticeable", "obvious": the hard, audible tuning (10 ms).
    if words.has_any(&["noticeable", "obvious", "audible"])
        && !words.has_any(&["not", "less", "too", "un", "never"])
    {
        args.insert("retune_ms".into(), json!(10.0));
        return;
    }
    // "Snap to the notes instantly": no glide at all.
    // "As fast as it goes" is at once; "twice as fast as now" is a step.
    let at_once = [
        "no glide",
        "no smoothing",
        "zero smoothing",
        "straight to the",
        "as fast as possible",
        "as quick as possible",
        "as fast as it",
        "as quick as it",
        "right onto",
    ]
    .iter()
    .any(|p| words.has_phrase(p));
    let instant = words
        .find_any(&["instant", "instantly", "immediately", "immediate"])
        .is_some_and(|i| {
            !(i.saturating_sub(3)..i).any(|k| matches!(words.at(k), "not" | "less" | "no"))
        });
    if at_once || instant {
        args.insert("retune_ms".into(), json!(0.0));
        return;
    }
    // "The tuning is lazy", "correction is too slow": a complaint about slowness asks for
    // faster, and one about speed for slower.
    // "Really slow retune" asks for one; "the correction is really slow" complains.
    let said_of = |p: &str| {
        words.find_phrase(p).is_some_and(|i| {
            matches!(
                words.before(i),
                "is" | "s" | "its" | "it's" | "feels" | "sounds" | "seems" | "are"
            )
        })
    };
    let complains_slow = ["too slow", "is slow", "so slow", "too slowly"]
        .iter()
        .any(|p| words.has_phrase(p))
        || said_of("very slow")
        || said_of("really slow")
        || words.has_any(&["lazy", "sluggish", "laggy"]);
    let complains_fast = ["too fast", "too quick", "too snappy"]
        .iter()
        .any(|p| words.has_phrase(p));
    // "Ease the retune speed": easing the tuning makes it gentler, so slower.
    let eases = ["ease up", "ease off", "loosen", "relax"]
        .iter()
        .any(|p| words.has_phrase(p))
        || words.has_any(&["ease", "soften"]) && words.has_any(&["speed", "retune", "time"]);
    let slower = words.has_any(&[
        "slower", "gentler", "smoother", "lazier", "longer", "softer", "subtler",
    ]) || words.has_phrase("more slow")
        || words.has("glide") && words.has("more")
        || words.has_phrase("more ms")
        || words.has_phrase("slow the")
        || eases
        || words.has("slow") && !complains_slow;
    // "Increase the retune time" is longer; "lower the retune ms" shorter.
    let names_time = words.has_any(&["time", "ms", "milliseconds"]);
    let lengthens = names_time && words.has_any(&["increase", "raise", "lengthen"]);
    let shortens = names_time && words.has_any(&["lower", "decrease", "reduce", "shorten"]);
    let slower = (slower && !complains_slow) || complains_fast || lengthens;
    let faster = words.has_any(&[
        "faster", "quicker", "snappier", "tighter", "tighten", "sooner", "shave",
    ]) || words.has_phrase("speed up")
        || words.has_phrase("speed the retune up")
        || words.has_phrase("more fast")
        || words.has_phrase("more quick")
        || words.has_phrase("more velocity")
        || words.has_phrase("less glide")
        || words.has_phrase("more snap")
        || shortens
        || complains_slow;
    // "Loosen the autotune", "relax it": the tuning's speed eases.
    let about_retune = words.has_any(&[
        "tune",
        "velocity",
        "retune",
        "correction",
        "tuning",
        "glide",
        "speed",
        "snap",
        "snaps",
        "grab",
        "autotune",
    ]) || eases && words.has("autotune");
    if !about_retune {
        return;
    }
    // "A third faster", "take a quarter off", "two thirds of what it is": a share of the
    // time now (faster is shorter).
    let cuts = words.has_any(&["cut", "off", "reduce", "take", "shorten"]);
    match super::fractions::share(words) {
        Some(Share::Of(m)) => {
            args.insert(
                "retune_ms".into(),
                value((now * m).round().clamp(0.0, 400.0)),
            );
            return;
        }
        Some(Share::Part(p)) if faster || slower || cuts => {
            let longer = slower && !faster && !cuts;
            let v = if longer {
                now * (1.0 + p)
            } else {
                now * (1.0 - p)
            };
            args.insert("retune_ms".into(), value(v.round().clamp(0.0, 400.0)));
            return;
        }
        _ => {}
    }
    let size = super::relative::size(&words.texts());
    // "Halve the retune time", "divided by two", "twice as fast": a multiple of the time.
    let halves = words.has_any(&["half", "halve"])
        || words.has_phrase("divided by two")
        || words.has_phrase("divided by 2")
        || words.has_any(&["twice", "double"])
            && (faster || words.has_any(&["fast", "quick", "rapid"]));
    if halves && !slower {
        args.insert("retune_ms".into(), value((now * 0.5).round()));
    } else if words.has_any(&["double", "twice", "x2", "2x"])
        && words.has_any(&["retune", "time", "long", "milliseconds", "ms"])
    {
        args.insert("retune_ms".into(), value((now * 2.0).min(400.0)));
    } else if slower && !faster {
        args.insert("retune_ms".into(), value(slower_ms(now, size)));
    } else if faster && !slower {
        args.insert("retune_ms".into(), value(faster_ms(now, size)));
    }
}

/// The retune time a step slower by `size` from `now`: a bit, half as long again; plain,
/// twice; a lot, three times (at least 10 / 20 / 40 ms more, so a retune near 0 moves
/// audibly), at most 400 ms, in whole milliseconds.
pub(super) fn slower_ms(now: f32, size: Size) -> f32 {
    let v = match size {
        Size::Small => (now * 1.5).max(now + 10.0),
        Size::Normal => (now * 2.0).max(now + 20.0),
        Size::Big => (now * 3.0).max(now + 40.0),
    };
    v.min(400.0).round()
}

/// The retune time a step faster by `size` from `now` (0.7, 0.5 or 0.33 of it), in whole
/// milliseconds.
pub(super) fn faster_ms(now: f32, size: Size) -> f32 {
    let factor = match size {
        Size::Small => 0.7,
        Size::Normal => 0.5,
        Size::Big => 0.33,
    };
    (now * factor).round()
}

/// Whether the milliseconds named are a step from the retune time now, and which way: "20 ms
/// slower", "+20ms", "20 more ms", "down by 20 ms from where it is" (+1 longer, -1 shorter).
/// Only words beside the number count: in "retune 15 ms, and humanize a bit more" the
/// "more" is the humanize's.
fn ms_step(words: &Words) -> Option<f32> {
    let number = |i: usize| super::normalise::number(words.at(i)).is_some();
    // "Retune time +20": a signed number right after the retune's name is the step itself.
    let signed = |i: usize| {
        number(i)
            && words.at(i).starts_with(['+', '-'])
            && matches!(words.before(i), "retune" | "time" | "speed")
    };
    let at = (0..words.len())
        .find(|&i| {
            number(i)
                && matches!(
                    words.at(i + 1),
                    "ms" | "milliseconds" | "millisecond" | "msec" | "millis" | "more" | "less"
                )
        })
        .or_else(|| (0..words.len()).find(|&i| signed(i)))?;
    let text = words.at(at);
    if text.starts_with('+') {
        return Some(1.0);
    }
    if text.starts_with('-') && !words.has_any(&["to", "at"]) {
        return Some(-1.0);
    }
    // "80 ms, not more fast": a negated word gives no way.
    // Only the number's own clause: in "turn the tuning off. retune 20 ms" the "off" is the
    // switch's.
    let same_clause = |k: usize| {
        !(k.min(at) + 1..=k.max(at)).any(|b| words.words.get(b).is_some_and(|w| w.boundary))
    };
    let near: Vec<&str> = (at.saturating_sub(2)..=(at + 3).min(words.len()))
        .filter(|&k| same_clause(k))
        .filter(|&k| words.before(k) != "not")
        .map(|k| words.at(k))
        .collect();
    let from_now = [
        "from where",
        "from now",
        "than now",
        "from here",
        "than it is",
    ]
    .iter()
    .any(|p| words.has_phrase(p));
    let longer = [
        "slower",
        "longer",
        "more",
        "add",
        "plus",
        "extra",
        "lazier",
        "another",
        "additional",
    ];
    // "Take the retune time down by 20 ms": the time goes down.
    let shorter = [
        "faster", "quicker", "shorter", "less", "minus", "shave", "off", "snappier",
    ];
    // "Down by 20 ms", "up 20 ms": only before the number ("retune 15 ms, humanize up a bit").
    let way_before = |way: &str| (at.saturating_sub(2)..at).any(|k| words.at(k) == way);
    if near.iter().any(|w| longer.contains(w))
        || from_now && words.has_any(&["slow", "slower"])
        || way_before("up")
    {
        Some(1.0)
    } else if near.iter().any(|w| shorter.contains(w))
        || from_now && words.has_any(&["faster"])
        || way_before("down")
    {
        Some(-1.0)
    } else {
        None
    }
}
