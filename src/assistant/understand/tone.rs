//! Warmth and presence: "warmer", "less bright", "tone 0.7", "cut the harsh top"; 0.5 is
//! flat and comparatives step from the current value.

use serde_json::{Map, Value};

use super::normalise::Words;
use super::relative::{apply_fraction, read_move, size, value, window, Move, Size, Steps};
use super::Context;

/// Warmth and presence: 0.5 is flat; comparatives step from the current value.
pub(super) fn tone(words: &Words, ctx: &Context, args: &mut Map<String, Value>) {
    let bass_in_voice = words.has_any(&["voice", "vocal", "vocals"]) && !words.has("too");
    let warm_at = words
        .find_any(&["warmth", "warm", "warmer", "warmest", "lows", "low-end"])
        .or_else(|| words.find_any(&["bass"]).filter(|_| bass_in_voice))
        .or_else(|| words.find_phrase("low end"))
        .or_else(|| words.find_phrase("too much bass"));
    if let Some(i) = warm_at {
        let m = super::relative::default_move(words, i, "mod_warmth")
            .unwrap_or_else(|| tone_move(words, i, &["colder"]));
        let default = if words.at(i).starts_with("warm") {
            0.7
        } else {
            0.3
        };
        let steps = Steps {
            default,
            floor_more: 0.0,
        };
        args.insert(
            "warmth".into(),
            value(apply_fraction(m, ctx.state.number("mod_warmth"), steps)),
        );
    }
    let bright_at = words
        .find_any(&[
            "presence", "brighter", "crisper", "clearer", "duller", "clear",
        ])
        .or_else(|| {
            words
                .find_any(&["darker"])
                .filter(|_| !args.contains_key("preset"))
        })
        .or_else(|| words.find_phrase("cut through"))
        // "Less edge on the vocal", "soften the bite": the presence by another name.
        .or_else(|| words.find_any(&["edge", "bite"]))
        .or_else(|| {
            // "Bright" with a direction or a measure moves the tone; alone it is the preset.
            words.find_any(&["bright", "brightness"]).filter(|_| {
                words.has_any(&[
                    "more", "less", "too", "not", "off", "down", "up", "reduce", "some", "lower",
                    "raise", "increase",
                ])
            })
        });
    if let Some(i) = bright_at {
        let m = if words.has_phrase("cut through") {
            Move::Up(Size::Normal)
        } else if let Some(m) = super::relative::default_move(words, i, "mod_presence") {
            m
        } else {
            tone_move(words, i, &["duller", "darker"])
        };
        let steps = Steps {
            default: 0.7,
            floor_more: 0.0,
        };
        args.insert(
            "presence".into(),
            value(apply_fraction(m, ctx.state.number("mod_presence"), steps)),
        );
    }
}

/// A tone control's move; a comparative ("warmer") is a step up unless `lowering` words say
/// down ("colder", "thin out the lows").
fn tone_move(words: &Words, at: usize, lowering: &[&str]) -> Move {
    let m = read_move(words, at).unwrap_or(Move::Level(None));
    let win = window(words, at);
    let down =
        words.has_any(lowering) || words.has_phrase("too much") || words.has_phrase("thin out");
    match m {
        // A tone control is flat at 0.5: "cut the low end off" lowers it, never to nothing.
        Move::Off => Move::Down(size(&win)),
        Move::Level(_) | Move::Up(_) if down => Move::Down(size(&win)),
        Move::Level(l) if words.at(at).ends_with("er") => match l {
            Some(v) if v < 0.5 => Move::Up(Size::Small),
            Some(_) => Move::Up(Size::Big),
            None => Move::Up(Size::Normal),
        },
        other => other,
    }
}
