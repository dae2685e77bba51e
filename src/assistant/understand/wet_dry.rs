//! The dry side of the voice: "dry" said of the reverb (less of it, or, as a complaint,
//! more), and the dry/wet mix of the whole effect chain ("50 % wet", "blend some of my raw
//! voice back in", "too processed").

use serde_json::{json, Map, Value};

use super::normalise::Words;
use super::relative::{apply_fraction, read_move, size, value, Move, Size, Steps};
use super::Context;

/// "Dry the vocal up": less reverb (unless it is the dry signal of the mix).
pub(super) fn dry(words: &Words, ctx: &Context, args: &mut Map<String, Value>) {
    if !words.has_any(&["dry", "drier", "dryer"]) {
        return;
    }
    if words.has_any(&["signal", "blend", "mix", "untouched"]) {
        return;
    }
    // "I'm too dry", "sounds dry", "the reverb's a little dry": the singer wants space, not
    // less of it.
    let orders = words.has_any(&["make", "keep", "go", "want", "need", "get"]);
    let degree_before_dry = words.find_any(&["dry"]).is_some_and(|i| {
        (i.saturating_sub(2)..i).any(|k| {
            matches!(
                words.at(k),
                "bit" | "little" | "kinda" | "pretty" | "very" | "quite" | "rather" | "somewhat"
            )
        })
    });
    let complaint = words.has_phrase("too dry")
        || words.has_phrase("so dry")
        || words.has_any(&["sounds", "sound"]) && words.has("dry") && !words.has("make")
        || degree_before_dry && words.has_any(&["reverb", "echo"]) && !orders;
    // A reverb already read stays unless it was read the wrong way (the "dry" as a move).
    let now = ctx.state.number("mod_reverb");
    let read_up = args
        .get("reverb")
        .and_then(Value::as_f64)
        .is_some_and(|v| v >= f64::from(now));
    if args.contains_key("reverb") && (!complaint || read_up) {
        return;
    }
    if complaint {
        args.insert("reverb".into(), value((now + 0.2).clamp(0.3, 1.0)));
        return;
    }
    let v = match size(&words.texts()) {
        Size::Small => now - 0.15,
        Size::Normal => now - 0.25,
        Size::Big => 0.0,
    };
    // "Dry like a podcast", "dry like Eminem on Lose Yourself": a dry sound named.
    let named_dry = words.has("like") && size(&words.texts()) == Size::Normal;
    if words.has_any(&["completely", "bone", "totally", "fully"]) || named_dry {
        args.insert("reverb".into(), json!(0.0));
    } else {
        args.insert("reverb".into(), value(v.max(0.0)));
    }
}

/// The dry/wet mix: "50% wet", "blend some untouched voice back in".
pub(super) fn mix(words: &Words, ctx: &Context, args: &mut Map<String, Value>) {
    // "A bit of my raw voice under the effects": the untouched voice named is the mix.
    let raw_voice = (0..words.len()).find(|&i| {
        matches!(
            words.at(i),
            "raw" | "untouched" | "unprocessed" | "untreated" | "natural" | "real"
        ) && matches!(words.at(i + 1), "voice" | "vocal" | "signal" | "sound")
            && words.has_any(&["under", "underneath", "behind", "with", "in", "back"])
    });
    let Some(i) = words.find_any(&["mix", "wet", "blend"]).or(raw_voice) else {
        return;
    };
    let now = ctx.state.number("mod_mix");
    let steps = Steps {
        default: 0.5,
        floor_more: 0.0,
    };
    let m = read_move(words, i).unwrap_or(Move::Level(None));
    // More of the dry or untouched voice is less of the effect.
    let dry = words.has_any(&[
        "dry",
        "untouched",
        "original",
        "clean",
        "raw",
        "untreated",
        "unprocessed",
    ]);
    // "Too processed", "mix knob back a bit": less of the effect.
    let too_wet = [
        "too processed",
        "too wet",
        "over processed",
        "too much effect",
    ]
    .iter()
    .any(|p| words.has_phrase(p))
        || words.has("overprocessed");
    let m = match m {
        Move::Level(_) if too_wet || words.has("back") => Move::Down(size(&words.texts())),
        other => other,
    };
    // "Not fully wet, blend some dry in".
    let fully = words.has("fully") && !words.has_phrase("not fully");
    let v = match m {
        Move::Set(v) => Some(v),
        Move::Max if !dry => Some(1.0),
        _ if fully && !dry => Some(1.0),
        Move::Up(s) | Move::Down(s) if dry => Some(apply_fraction(Move::Down(s), now, steps)),
        // "Not fully wet, blend some dry in": the "not" is the wetness's, not an off.
        Move::Level(_) | Move::Off if dry => {
            Some(apply_fraction(Move::Down(Size::Normal), now, steps))
        }
        Move::Up(_) | Move::Down(_) | Move::By(_) | Move::Times(_) => {
            Some(apply_fraction(m, now, steps))
        }
        _ => None,
    };
    if let Some(v) = v {
        args.insert("mix".into(), value(v));
    }
}
