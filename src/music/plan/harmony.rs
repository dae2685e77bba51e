//! The plan's backing style (the genre's, or the affect's density) and its progression (a
//! seeded pick from the rule-break's lists, spelled in the key).

use super::{Feeling, PlanError, PlanProgression};
use crate::music::backing::ProgressionChord;
use crate::music::data::{self, ProgressionLists, RuleBreak};
use crate::music::intent::SongIntent;
use crate::music::rng::Rng;
use crate::music::theory::{parse_progression, Key};

/// The backing style id and why: the genre's style, else the one for the affect's density.
pub(super) fn choose_style(intent: &SongIntent, feeling: &Feeling) -> (String, String) {
    let affect_name = &feeling.affect_name;
    let density = feeling
        .affect
        .map(|a| a.density.as_str())
        .unwrap_or("moderate");
    match intent.technical_constraints.technical_genre {
        Some(genre) => (
            data::production()
                .genre_style
                .get(genre.name())
                .cloned()
                .unwrap_or_else(|| "pop".to_string()),
            format!("the {genre} genre"),
        ),
        None => (
            data::affects()
                .density_style
                .get(density)
                .cloned()
                .unwrap_or_else(|| "pop".to_string()),
            format!("no genre was given; {affect_name} wants a {density} arrangement"),
        ),
    }
}

/// The progression in `key` with the text of its explanation (choice, why).
pub(super) fn choose_progression(
    rule: Option<&RuleBreak>,
    key: Key,
    mut rng: Rng,
) -> Result<(PlanProgression, String, String), PlanError> {
    let (lists, harmony_why) = progression_lists(rule);
    let options = if key.scale.has_major_third() {
        &lists.major
    } else {
        &lists.minor
    };
    let numerals = rng
        .pick(options)
        .cloned()
        .unwrap_or_else(|| "I-IV-V-I".to_string());
    let chords: Vec<ProgressionChord> = parse_progression(&numerals)?
        .into_iter()
        .map(|numeral| ProgressionChord {
            chord: numeral.in_key(key),
            numeral: numeral.numeral(),
        })
        .collect();
    let mut borrowed: Vec<String> = chords
        .iter()
        .filter(|c| !c.chord.is_diatonic_in(key))
        .map(|c| c.chord.symbol())
        .collect();
    borrowed.dedup();
    let symbols: Vec<String> = chords.iter().map(|c| c.chord.symbol()).collect();
    let choice = format!("{numerals} = {}", symbols.join(" "));
    let why = if borrowed.is_empty() {
        harmony_why
    } else {
        format!(
            "{harmony_why}; {} come from outside {key} on purpose",
            borrowed.join(", ")
        )
    };
    let progression = PlanProgression {
        numerals,
        chords,
        borrowed,
    };
    Ok((progression, choice, why))
}

/// The progressions to pick from and why: the rule's own, the default colour for a rule that
/// is not about harmony, or the in-key lists when no rule was chosen.
fn progression_lists(rule: Option<&RuleBreak>) -> (&'static ProgressionLists, String) {
    let harmony = data::harmony();
    match rule {
        Some(r) => match harmony.by_rule.get(&r.id) {
            Some(lists) => (
                lists,
                format!("{} shapes the harmony: {}", r.id, r.description),
            ),
            None => (
                harmony
                    .by_rule
                    .get(&harmony.default_rule)
                    .unwrap_or(&harmony.no_rule),
                format!(
                    "{} is not a harmony rule, so the harmony takes the default colour \
                     ({}): borrowed chords that let two feelings sound together",
                    r.id, harmony.default_rule
                ),
            ),
        },
        None => (
            &harmony.no_rule,
            "no rule-break was chosen, so the progression stays inside the key".to_string(),
        ),
    }
}
