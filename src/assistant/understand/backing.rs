//! The `backing_generate` reader: key, mode, tempo, style (named, from a genre word, an
//! artist or record, or a mood), bars; and changes to the current backing ("a bit faster",
//! "double time", "twice as long", "same groove but reggae") made from its spec.

use serde_json::{json, Map, Value};

use super::normalise::{number, Words};
use super::relative::{size, Size};
use super::slots::{find_bars, find_key, find_tempo};
use super::styles::style;
use super::Context;
use crate::assistant::state::BackingSpec;
use crate::assistant::tools::{ToolCall, ToolName};
use crate::music::theory::{PitchClass, ScaleKind};

/// Reads a `backing_generate` call from a clause (always a call: a backing request with no
/// details is a backing with the defaults).
pub fn read(words: &Words, ctx: &Context, with_key: bool) -> ToolCall {
    let mut args = Map::new();
    if let Some(spec) = ctx.backing.filter(|_| changes_current(words)) {
        return changed(words, spec);
    }
    if with_key {
        let (key, scale) = find_key(words);
        if let Some(k) = key {
            args.insert("key".into(), json!(k.name()));
        }
        if let Some(s) = scale {
            args.insert("mode".into(), json!(s.id()));
        } else if let Some(mood) = mood_mode(words) {
            // "A dark moody beat", "a happy track in G": the mood names the mode.
            args.insert("mode".into(), json!(mood.id()));
        } else if key.is_some() {
            // A key named alone is its major ("neo-soul in Eb"), as musicians mean it.
            args.insert("mode".into(), json!(ScaleKind::Major.id()));
        }
    }
    if let Some(t) = tempo(words) {
        args.insert("tempo_bpm".into(), json!(t));
    }
    if let Some(style) = style(words) {
        args.insert("style".into(), json!(style));
    }
    if let Some(n) = find_bars(words) {
        args.insert("bars".into(), json!(n));
    }
    ToolCall::new(ToolName::BackingGenerate, Value::Object(args))
}

/// The mode a mood names when no scale is said: dark, sad and moody moods are minor,
/// happy and bright ones major.
fn mood_mode(words: &Words) -> Option<ScaleKind> {
    let minor = words.has_any(&[
        "dark",
        "sad",
        "moody",
        "melancholy",
        "melancholic",
        "gloomy",
        "haunting",
        "somber",
        "sombre",
        "brooding",
        "tragic",
        "mournful",
    ]);
    let major = words.has_any(&[
        "happy",
        "joyful",
        "cheerful",
        "sunny",
        "uplifting",
        "bright",
        "feelgood",
    ]);
    match (minor, major) {
        (true, false) => Some(ScaleKind::Minor),
        (false, true) => Some(ScaleKind::Major),
        _ => None,
    }
}

/// The tempo asked for: a number, or "slow" / "fast" as a typical tempo of each.
fn tempo(words: &Words) -> Option<u32> {
    if let Some(t) = find_tempo(words, true) {
        return Some(t);
    }
    let negated_fast = words.has_phrase("nothing fast")
        || words.has_phrase("not fast")
        || words.has_phrase("don't make it fast")
        || words.has_phrase("not too fast");
    // Moods with a pace: "a chill vibe for late night", "an upbeat party track".
    let slow = words.has_any(&[
        "slow",
        "slower",
        "laid",
        "lullaby",
        "chill",
        "mellow",
        "relaxed",
        "calm",
        "downtempo",
    ]) || words.has_phrase("late night")
        || negated_fast;
    let fast = words.has_any(&[
        "fast",
        "faster",
        "uptempo",
        "energetic",
        "upbeat",
        "hype",
        "party",
        "danceable",
    ]) && !negated_fast;
    let very = words.has_any(&["really", "very", "super"]);
    match (slow, fast) {
        // Slow: 75 BPM, a slow ballad's pace; "really slow" 60.
        (true, false) => Some(if very { 60 } else { 75 }),
        // Fast: 128 BPM, dance tempo.
        (false, true) => Some(128),
        _ => None,
    }
}

/// Whether the words change the current backing rather than ask for a new one.
pub fn changes_current(words: &Words) -> bool {
    let new = words.has_any(&["new", "another", "different"]) || words.has_phrase("try again");
    // "Double it" alone names nothing: a multiple moves the backing only when something of
    // the backing is named ("double time", "twice as long", "half the tempo").
    let multiple = (words.has_any(&["double", "twice", "half", "x2", "2x"])
        || words.has_phrase("two times")
        || words.has_phrase("2 times"))
        && words.has_any(&[
            "time", "tempo", "bpm", "speed", "backing", "beat", "track", "groove", "loop", "bars",
            "long", "length", "fast", "slow", "faster", "slower", "quick", "quicker",
        ]);
    let tempo_move = words.has_any(&["faster", "slower", "quicker", "fast", "slow"])
        || multiple
        // "Speed the backing up a smidge", "take some speed off", "it's rushing".
        || words.has("speed") && words.has_any(&["up", "down", "off", "more", "less"])
        || words.has_any(&["rushing", "rush", "dragging", "drag", "sluggish"])
        // "Ten percent off the tempo", "backing at 90 % of its speed".
        || words.has_any(&["tempo", "bpm", "speed"])
            && (words.has("off") || super::fractions::share(words).is_some())
        || words.has_phrase("speed it up")
        || words.has_phrase("slow it down")
        // "Take it down to 90", "bring it up to 120": a tempo's number moved to.
        || words.has_any(&["down", "up"]) && words.has("to") && find_tempo(words, true).is_some()
        || words.has_any(&["tempo", "bpm"])
            && words.has_any(&[
                "up", "down", "by", "minus", "plus", "to", "lower", "higher", "raise", "reduce",
                "increase", "decrease", "halve", "rein", "ease", "push", "bump", "back",
            ]);
    let length = words.has_any(&[
        "long", "longer", "shorter", "bars", "bar", "loop", "length", "lengthen", "duration",
    ]);
    let restyle = words.has_any(&["same", "instead", "switch", "into", "now", "style", "more"])
        || words.has_any(&["jazzier", "funkier"]);
    // "Make a ballad backing, 16 bars" asks for a new one even while one plays.
    // "Make the beat 10 % slower" changes the one that plays: a comparative is a change.
    let making = words.has_any(&["make", "generate", "create", "give", "gimme"])
        && words.has_any(&["backing", "beat", "groove", "track"])
        && !words.has_any(&[
            "slower", "faster", "quicker", "longer", "shorter", "twice", "double", "now",
        ]);
    !new && !making
        && (tempo_move
            || length
            || restyle && style(words).is_some()
            || words.has("same")
            || transposition(words).is_some())
}

/// The backing moved by an interval, in semitones ("same backing a whole tone up",
/// "transpose the track up two semitones", "backing +2 semis"): an interval word is needed,
/// so "turn the backing up 2 dB" stays a level.
pub fn transposition(words: &Words) -> Option<i32> {
    let noun = words.find_any(&[
        "backing",
        "beat",
        "track",
        "accompaniment",
        "instrumental",
        "groove",
        "band",
        "music",
    ])?;
    // "Transpose the instrumental +1": the verb says the number is semitones.
    let interval = (0..words.len()).any(|i| super::slots::interval_at(words, i).is_some())
        || words.has_any(&["transpose", "transposed"])
            && words.texts().iter().any(|w| w.starts_with(['+', '-']));
    let level = words.has_any(&[
        "db", "decibels", "decibel", "level", "volume", "fader", "dbfs", "louder", "quieter",
    ]);
    if !interval || level {
        return None;
    }
    let semitones = super::slots::shift_near(words, noun, false)?;
    let whole = semitones.round();
    // A shift of cents or of more than two octaves is not a key change.
    (whole != 0.0 && whole.abs() <= 24.0).then_some(whole as i32)
}

/// The current backing's key moved by `semitones`.
fn transposed_key(spec: &BackingSpec, semitones: i32) -> Option<&'static str> {
    (0..12)
        .map(PitchClass::from_semitone)
        .find(|p| p.name() == spec.key)
        .map(|p| p.transpose(semitones).name())
}

/// The current backing with what the words change.
fn changed(words: &Words, spec: &BackingSpec) -> ToolCall {
    let mut tempo = spec.tempo_bpm as f64;
    let mut bars = spec.bars;
    let doubling = words.has_any(&["double", "twice", "x2", "2x"])
        || words.has_phrase("times two")
        || words.has_phrase("times 2")
        || words.has_phrase("two times")
        || words.has_phrase("2 times")
        || words.has_phrase("2 x");
    let halving = words.has_any(&["half", "halve", "hafl"])
        || words.has_phrase("divided by two")
        || words.has_phrase("divided by 2");
    let about_length = words.has_any(&[
        "long", "longer", "shorter", "bars", "bar", "loop", "length", "lengthen", "duration",
    ]);
    if let Some(n) = find_bars(words) {
        // "4 bars longer", "four more bars", "extend it by 4 bars", "+4 bars": added to the
        // length it has.
        // "Longer, like 32 bars" sets the length: the added count is tied to its word.
        let adds = words.has_phrase("bars longer")
            || words.has_phrase("bars more")
            || words.has_phrase("more bars")
            || words.has_phrase("extra bars")
            || words.has("extend") && words.has("by")
            || (1..words.len()).any(|i| {
                words.at(i - 1).starts_with('+')
                    && matches!(words.next_in_clause(i - 1), "bars" | "bar")
            });
        let shorter = words.has_any(&["shorter", "fewer", "less"]);
        bars = if adds && !shorter {
            (spec.bars + n).min(64)
        } else if shorter && n < spec.bars {
            spec.bars - n
        } else {
            n
        };
    } else if about_length && doubling || words.has_any(&["longer", "lengthen", "extend"]) {
        // "Make the loop longer": twice as long when no length is said.
        bars = (bars * 2).min(64);
    } else if about_length && halving || words.has("shorter") {
        bars = (bars / 2).max(1);
    }
    // The tempo moves on its own ("4 bpm faster, 16 bars long" changes both); a multiple
    // said of the length is the length's.
    let length_multiple = about_length && (doubling || halving);
    // "Two times slower", "twice as slow": half the tempo.
    let slows = words.has_any(&["slower", "slow"]);
    // "Same track but a half step higher": a key moved, not the tempo.
    let key_only = transposition(words).is_some()
        && !words.has_any(&["tempo", "bpm", "faster", "slower", "quicker", "speed"]);
    if !key_only {
        if doubling && !length_multiple && slows {
            tempo /= 2.0;
        } else if doubling && !length_multiple {
            tempo *= 2.0;
        } else if halving && !length_multiple {
            tempo /= 2.0;
        } else if let Some(t) = find_tempo(words, false).map(f64::from) {
            tempo = t;
        } else if let Some(t) = tempo_change(words, tempo) {
            tempo = t;
        }
    }
    let style = style(words).unwrap_or(&spec.style);
    let (key, mode) = find_key(words);
    let moved = transposition(words).and_then(|st| transposed_key(spec, st));
    let args = json!({
        "key": key.map(|k| k.name()).or(moved).unwrap_or(spec.key.as_str()),
        "mode": mode.map_or(spec.mode.as_str(), |m| m.id()),
        "tempo_bpm": (tempo.round() as u32).clamp(40, 240),
        "style": style,
        "bars": bars,
    });
    ToolCall::new(ToolName::BackingGenerate, args)
}

/// A tempo from the current one: "to 105", "up 10 bpm", "by five", "a bit faster".
fn tempo_change(words: &Words, now: f64) -> Option<f64> {
    // "Too fast" and "not so fast" slow it down; "speed" alone says nothing of the way.
    let too_fast = words.has_phrase("too fast")
        || words.has_phrase("so fast")
        || words.has_phrase("less fast");
    // "The groove is too slow", "it's so slow": a complaint of slowness speeds it up.
    let too_slow = words.has_phrase("too slow")
        || words.has_phrase("so slow")
        || words.has_phrase("less slow");
    let down = (words.has_any(&[
        "slower", "down", "slow", "lower", "drop", "reduce", "decrease", "minus",
    ]) && !too_slow)
        || too_fast
        || words.at(0).starts_with('-') && number(words.at(0)).is_some();
    // "The groove's rushing", "don't rush it": slower; "it's dragging": faster ("drag the
    // bpm back" is a verb, slower).
    let rushing = words.has_any(&["rushing", "rush", "rushed"]);
    let dragging = words.has_any(&["dragging", "sluggish"]);
    let down = down || rushing && !dragging;
    let up = !too_fast
        && !rushing
        && (dragging
            || too_slow
            || words.has_any(&[
                "faster", "quicker", "up", "push", "bump", "fast", "raise", "increase",
            ]));
    // "Take some speed off the groove", "rein the bpm in", "ease off the tempo", "pull it
    // back a couple bpm".
    let eased = words.has("rein")
        || words.has("ease") && words.has_any(&["off", "back", "up"])
        || words.has_any(&["pull", "dial", "drag", "bring", "sit"]) && words.has("back");
    // "Ten percent off the tempo", "take 10 bpm off".
    let down = down || words.has("off") || eased;
    let up = up && !eased;
    if let Some(i) = words.find_any(&["to"]) {
        if let Some(v) = number(words.at(i + 1)).filter(|v| (40.0..=240.0).contains(v)) {
            return Some(v);
        }
    }
    // "90 % of its speed": the tempo times that share.
    if let Some(super::fractions::Share::Of(m)) = super::fractions::share(words) {
        return Some(now * f64::from(m));
    }
    // "10 % faster", "a tenth quicker": a share of the tempo.
    if let Some(share) = tempo_share(words) {
        if up != down {
            return Some(if down {
                now * (1.0 - share)
            } else {
                now * (1.0 + share)
            });
        }
    }
    let by = (0..words.len()).find_map(|i| {
        let v = number(words.at(i))?;
        // "Add 10 to the tempo", "tempo plus ten please", "+10": the number is a step too.
        let unit = matches!(words.next_in_clause(i), "bpm" | "" | "please")
            || matches!(words.before(i), "by" | "add" | "plus" | "minus" | "another")
            || words.at(i).starts_with(['+', '-']);
        // "Extend it by 4 bars" is the length's.
        let bars = matches!(words.next_in_clause(i), "bars" | "bar")
            || matches!(words.before(i), "bars" | "bar");
        (unit && !bars && (1.0..=60.0).contains(&v)).then_some(v)
    });
    // "A couple bpm faster", "a few bpm slower": two and four beats a minute.
    let by = by.or_else(|| {
        (0..words.len()).find_map(|i| {
            let step = match words.at(i) {
                "couple" => 2.0,
                "few" => 4.0,
                _ => return None,
            };
            (words.next_in_clause(i) == "bpm" || words.at(i + 2) == "bpm").then_some(step)
        })
    });
    if let Some(by) = by {
        return Some(if down { now - by } else { now + by });
    }
    // Steps of 8 %, 15 % and 30 % (a bit, plain, way): the corpus' ranges for tempo nudges.
    let factor = match size(&words.texts()) {
        Size::Small => 1.08,
        Size::Normal => 1.15,
        Size::Big => 1.3,
    };
    match (up, down) {
        (true, false) => Some(now * factor),
        (false, true) => Some(now / factor),
        _ => shared_tempo_step(words, now),
    }
}

/// A tempo step the shared grammar reads at the tempo's name when this reader's own words
/// said nothing ("the tempo is too low", "less bpm please", "tame the tempo"), in the same
/// steps of 8, 15 and 30 %.
fn shared_tempo_step(words: &Words, now: f64) -> Option<f64> {
    let at = words.find_any(&["tempo", "bpm", "pace"])?;
    let factor = |size: Size| match size {
        Size::Small => 1.08,
        Size::Normal => 1.15,
        Size::Big => 1.3,
    };
    match super::relative::read_move(words, at)? {
        super::relative::Move::Up(size) => Some(now * factor(size)),
        super::relative::Move::Down(size) => Some(now / factor(size)),
        _ => None,
    }
}

/// A share of the tempo named as a percentage ("10 %", "ten percent") or a fraction ("a
/// tenth", "a quarter"), up to a half.
fn tempo_share(words: &Words) -> Option<f64> {
    for i in 0..words.len() {
        let Some(v) = number(words.at(i)) else {
            continue;
        };
        if matches!(words.at(i + 1), "%" | "percent") && (1.0..=50.0).contains(&v.abs()) {
            return Some(v.abs() / 100.0);
        }
    }
    [
        ("tenth", 0.1),
        ("fifth", 0.2),
        ("quarter", 0.25),
        ("third", 1.0 / 3.0),
    ]
    .iter()
    .find(|(w, _)| words.has(w) && words.has_any(&["a", "one"]))
    .map(|(_, share)| *share)
}

#[cfg(test)]
#[path = "backing_tests.rs"]
mod tests;
