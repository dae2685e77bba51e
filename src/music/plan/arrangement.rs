//! The plan's arrangement (the rule-break's sections, the narrative arc's, or the standard song
//! form) and its production notes.

use super::Feeling;
use crate::music::data::{self, RuleBreak, Section};
use crate::music::intent::SongIntent;

/// The sections and why.
pub(super) fn choose_arrangement(
    intent: &SongIntent,
    rule: Option<&RuleBreak>,
) -> (Vec<Section>, String) {
    let arrangements = data::arrangements();
    let arc = intent.song_intent.narrative_arc.map(|a| a.name());
    match (
        rule.and_then(|r| arrangements.by_rule.get(&r.id)),
        arc.and_then(|a| arrangements.arcs.get(a)),
    ) {
        (Some(sections), _) => (
            sections.clone(),
            format!(
                "{} replaces the arc with whisper, explosion and silence",
                rule.map(|r| r.id.as_str()).unwrap_or_default()
            ),
        ),
        (None, Some(sections)) => (
            sections.clone(),
            format!("the {} arc", arc.unwrap_or_default()),
        ),
        (None, None) => (
            arrangements.default.clone(),
            match arc {
                Some(a) => format!("the {a} arc uses the standard song form"),
                None => "no narrative arc was given; the standard song form".to_string(),
            },
        ),
    }
}

/// Notes for recording and mixing: the genre's, the texture's, the vulnerability's, the
/// rule-break's, and where to sit against the beat.
pub(super) fn production_notes(
    intent: &SongIntent,
    feeling: &Feeling,
    rule: Option<&RuleBreak>,
    pocket_ms: f64,
) -> Vec<String> {
    let production = data::production();
    let phase = &intent.song_intent;
    let mut notes = Vec::new();
    if let Some(genre) = intent.technical_constraints.technical_genre {
        if let Some(note) = production.genre.get(genre.name()) {
            notes.push(format!("{genre}: {note}"));
        }
    }
    if let Some(texture) = phase.imagery_texture {
        if let Some(note) = production.texture.get(texture.name()) {
            notes.push(format!("{texture}: {note}"));
        }
    }
    if let Some(v) = phase.vulnerability_scale {
        if let Some(note) = production.vulnerability.get(v.name()) {
            notes.push(format!("{v} vulnerability: {note}"));
        }
    }
    if let Some(r) = rule {
        notes.push(format!("{}: {} {}", r.id, r.description, r.effect));
    }
    if pocket_ms.abs() > 0.0 {
        notes.push(format!(
            "Play {} the beat ({pocket_ms:+} ms), as the {} preset suggests.",
            if pocket_ms > 0.0 {
                "behind"
            } else {
                "ahead of"
            },
            feeling.affect_name
        ));
    }
    notes
}
