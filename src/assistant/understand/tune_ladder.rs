//! Tuning characters said as a comparison ("more natural", "less robotic", "the autotune is
//! too hard", "tune me harder"): one step along the ladder of tuning presets from the one
//! nearest the retune time now, the way a knob turns, never the preset the word names (a
//! "more natural" tuning from the natural preset had changed nothing).

use super::normalise::Words;

/// The tuning presets from the hardest to the gentlest (`vulnerable` is a character of its
/// own, not a step).
const LADDER: [&str; 5] = [
    "hard_tune",
    "aggressive",
    "moderate",
    "natural",
    "transparent",
];

/// Words for a gentle, natural tuning.
const GENTLE: &[&str] = &[
    "natural",
    "human",
    "transparent",
    "subtle",
    "organic",
    "relaxed",
    "realistic",
    "gentle",
    "invisible",
];

/// Words for a hard, audible tuning.
const HARD: &[&str] = &[
    "robotic",
    "aggressive",
    "hard",
    "obvious",
    "noticeable",
    "artificial",
    "strong",
    "extreme",
    "fake",
];

/// Which way along the ladder the words compare: +1 gentler, -1 harder.
pub fn way(words: &Words) -> Option<i32> {
    if words.has("harder") || words.has_phrase("less natural") || words.has_phrase("less human") {
        return Some(-1);
    }
    if words.has_phrase("tone down") {
        return Some(1);
    }
    (0..words.len()).find_map(|i| {
        let w = words.at(i);
        let gentle = GENTLE.contains(&w);
        if !gentle && !HARD.contains(&w) {
            return None;
        }
        // "Not so hard", "not as robotic": the comparison is "less".
        let negated = matches!(words.before(i), "so" | "as") && i >= 2 && words.at(i - 2) == "not";
        let more = match words.before(i) {
            "more" => 1,
            "less" | "too" => -1,
            _ if negated => -1,
            _ => return None,
        };
        Some(if gentle { more } else { -more })
    })
}

/// Where a comparison goes at least: "more natural" from a hard tune is natural, not the
/// next-hardest preset; "more robotic" from a gentle one is aggressive.
const GENTLER_AT_LEAST: usize = 3;
const HARDER_AT_LEAST: usize = 1;

/// The preset one step from the one nearest `now_ms` the `way` said (at least the natural
/// or the aggressive one), when that moves the retune time that way (a custom time beyond
/// the ladder's end has no such step).
pub fn step(now_ms: f32, way: i32) -> Option<&'static str> {
    let time = |name: &str| super::super::presets::tune_preset(name).map(|p| p.retune_ms);
    let nearest = (0..LADDER.len()).min_by(|&a, &b| {
        let d = |i: usize| time(LADDER[i]).map_or(f32::MAX, |t| (t - now_ms).abs());
        d(a).total_cmp(&d(b))
    })?;
    let next = if way > 0 {
        (nearest + 1).max(GENTLER_AT_LEAST)
    } else {
        nearest.checked_sub(1)?.min(HARDER_AT_LEAST)
    };
    let name = *LADDER.get(next)?;
    let moves_that_way = time(name).is_some_and(|t| (t - now_ms) * way as f32 > 0.0);
    moves_that_way.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_step_along_the_ladder() {
        let way_of = |t: &str| way(&Words::new(t));
        assert_eq!(way_of("more natural tuning"), Some(1));
        assert_eq!(way_of("less robotic autotune"), Some(1));
        assert_eq!(way_of("the tuning is too hard"), Some(1));
        assert_eq!(way_of("not so aggressive on the tuning"), Some(1));
        assert_eq!(way_of("tune me harder"), Some(-1));
        assert_eq!(way_of("more robotic tuning"), Some(-1));
        assert_eq!(way_of("less natural tuning"), Some(-1));
        assert_eq!(way_of("natural tuning"), None);
        assert_eq!(step(60.0, 1), Some("transparent"));
        assert_eq!(step(60.0, -1), Some("aggressive"));
        assert_eq!(step(0.0, 1), Some("natural"));
        assert_eq!(step(20.0, -1), Some("hard_tune"));
        assert_eq!(step(0.0, -1), None);
        // Beyond the gentlest preset, no preset is gentler.
        assert_eq!(step(200.0, 1), None);
    }
}
