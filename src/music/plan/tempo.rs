//! The plan's tempo: the intent's range met with the affect's, then the affect's preset when it
//! fits or a point in the range set by tension.

use super::Feeling;
use crate::music::intent::SongIntent;
use crate::music::rng::Rng;

/// The tempo in BPM and why.
pub(super) fn choose_tempo(intent: &SongIntent, feeling: &Feeling, mut rng: Rng) -> (f64, String) {
    let (lo, hi, range_why) = tempo_range(intent, feeling);
    match feeling.preset.filter(|p| (lo..=hi).contains(&p.bpm)) {
        Some(p) => (
            p.bpm,
            format!(
                "{range_why}; the '{}' tempo preset ({} BPM) lies inside it",
                p.from, p.bpm
            ),
        ),
        None => {
            let tension = feeling.tension;
            // From 35 % of the range at no tension to 65 % at full, with ±5 % of seeded play.
            let centre = lo + (hi - lo) * (0.35 + 0.3 * tension);
            let jitter = rng.range(-0.05, 0.05) * (hi - lo);
            let bpm = (centre + jitter)
                .round()
                .clamp(lo.ceil(), hi.floor().max(lo.ceil()));
            (
                bpm,
                format!(
                    "{range_why}; tension {tension:.2} places it {} in that range",
                    if tension >= 0.5 { "higher" } else { "lower" }
                ),
            )
        }
    }
}

/// The range to choose in and why: where the intent's range and the affect's overlap, else the
/// intent's alone.
fn tempo_range(intent: &SongIntent, feeling: &Feeling) -> (f64, f64, String) {
    let affect_name = &feeling.affect_name;
    let [user_lo, user_hi] = intent.technical_constraints.technical_tempo_range;
    let [affect_lo, affect_hi] = feeling.affect.map(|a| a.tempo).unwrap_or([80.0, 120.0]);
    if affect_lo.max(user_lo) <= affect_hi.min(user_hi) {
        (
            affect_lo.max(user_lo),
            affect_hi.min(user_hi),
            format!(
                "your range {user_lo}-{user_hi} BPM overlaps {affect_name}'s {affect_lo}-{affect_hi}"
            ),
        )
    } else {
        (
            user_lo,
            user_hi,
            format!(
                "your range {user_lo}-{user_hi} BPM wins over {affect_name}'s \
                 {affect_lo}-{affect_hi}, which it does not meet"
            ),
        )
    }
}
