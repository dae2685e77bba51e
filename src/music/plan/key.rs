//! The plan's key: the mode (the intent's, or the affect's by tension) and the tonic (the
//! intent's, or a comfortable singing key chosen by seed).

use super::Feeling;
use crate::music::intent::{parse_mode, SongIntent};
use crate::music::rng::Rng;
use crate::music::theory::{Key, Note, PitchClass, ScaleKind};

/// Tonics that sit well for most voices, for keys the intent leaves open.
const MAJOR_TONICS: [&str; 7] = ["C", "D", "Eb", "F", "G", "A", "Bb"];
const MINOR_TONICS: [&str; 7] = ["A", "B", "C", "D", "E", "F#", "G"];

/// The key and why: tonic and mode, each with its reason.
pub(super) fn choose_key(
    intent: &SongIntent,
    feeling: &Feeling,
    mut rng: Rng,
    seed: u64,
) -> (Key, String) {
    let tech = &intent.technical_constraints;
    let given_key = (!tech.technical_key.is_empty())
        .then(|| Note::parse_prefix(&tech.technical_key).ok())
        .flatten();
    let key_names_mode = given_key.is_some_and(|(_, rest)| !rest.trim().is_empty());
    let (scale, scale_why) = choose_scale(intent, feeling, key_names_mode);
    let (tonic, tonic_why) = match given_key {
        Some((note, _)) => (note, "you set technical_key".to_string()),
        None => choose_tonic(scale, &mut rng, seed),
    };
    (
        Key::new(tonic, scale),
        format!("tonic: {tonic_why}; mode: {scale_why}"),
    )
}

/// The mode and why: technical_mode first, then a mode named in technical_key, then the
/// affect's.
fn choose_scale(
    intent: &SongIntent,
    feeling: &Feeling,
    key_names_mode: bool,
) -> (ScaleKind, String) {
    let affect_mode = affect_mode(feeling);
    match (
        parse_mode(&intent.technical_constraints.technical_mode),
        key_names_mode,
    ) {
        (Some(scale), _) => (scale, "you set technical_mode".to_string()),
        (None, true) => (
            intent.key().map(|k| k.scale).unwrap_or(affect_mode),
            "your technical_key names its mode".to_string(),
        ),
        (None, false) => (affect_mode, affect_mode_why(feeling, affect_mode)),
    }
}

/// The affect's mode: its first for low tension, its second (more charged) from tension 0.6.
fn affect_mode(feeling: &Feeling) -> ScaleKind {
    feeling
        .affect
        .and_then(|a| {
            a.modes
                .get(usize::from(feeling.tension >= 0.6))
                .or(a.modes.first())
        })
        .and_then(|m| m.parse::<ScaleKind>().ok())
        .unwrap_or(ScaleKind::Major)
}

/// Why the affect's mode was taken.
fn affect_mode_why(feeling: &Feeling, scale: ScaleKind) -> String {
    let Feeling {
        mood,
        affect_name,
        affect,
        tension,
        ..
    } = feeling;
    format!(
        "{mood} maps to the affect '{affect_name}', whose modes are {}; tension {tension:.2} \
         picks the {} one",
        affect.map(|a| a.modes.join(" and ")).unwrap_or_default(),
        if *tension >= 0.6 {
            "second, more charged"
        } else {
            "first"
        }
    ) + &format!(" ({})", scale.display_name())
}

/// A tonic from the singable list for the mode's third, chosen by seed, and why.
fn choose_tonic(scale: ScaleKind, rng: &mut Rng, seed: u64) -> (Note, String) {
    let list = if scale.has_major_third() {
        &MAJOR_TONICS
    } else {
        &MINOR_TONICS
    };
    let name = rng.pick(list).copied().unwrap_or("C");
    let note: Note = name
        .parse()
        .unwrap_or(Note::default_spelling(PitchClass::C));
    (
        note,
        format!(
            "no key was given; {name} is a comfortable singing key for this mode \
             (chosen by seed {seed})"
        ),
    )
}
