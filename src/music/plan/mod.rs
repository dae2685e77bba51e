//! Intent processing: turns a validated song intent into a musical plan (key and mode, tempo,
//! progression with the chosen rule-break, groove, arrangement, production notes) and explains
//! every choice in plain language. Deterministic for a seed; the plan converts straight into a
//! backing request.

use serde::Serialize;
use thiserror::Error;

use super::backing::{BackingRequest, GrooveTemplate, ProgressionChord};
use super::data::{self, Affect, RuleBreak, Section, TempoPreset};
use super::intent::{IntentError, SongIntent, ValidationReport};
use super::rng::{hash_str, Rng};
use super::theory::{Key, TheoryError};

mod arrangement;
mod groove;
mod harmony;
mod key;
mod tempo;

/// Why an intent could not become a plan.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PlanError {
    /// The intent has errors.
    #[error("{}", IntentError::Invalid(.0.clone()))]
    Invalid(ValidationReport),
    /// A data table holds a progression we cannot read.
    #[error("progression table: {0}")]
    Progression(#[from] TheoryError),
}

/// The rule-break the plan applies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanRule {
    /// Rule id.
    pub id: String,
    /// Family.
    pub family: String,
    /// What it means.
    pub description: String,
    /// What it does to the listener.
    pub effect: String,
    /// The songwriter's reason.
    pub justification: String,
}

/// The harmony of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanProgression {
    /// Numerals as written, e.g. "I-V-iv-I".
    pub numerals: String,
    /// The chords in the key with their numerals.
    pub chords: Vec<ProgressionChord>,
    /// Chord symbols that borrow notes from outside the key (the rule-break at work).
    pub borrowed: Vec<String>,
}

/// The groove of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanGroove {
    /// The intent's groove feel, if any.
    pub feel: Option<String>,
    /// Humaniser complexity 0..1.
    pub complexity: f64,
    /// Vulnerability 0..1.
    pub vulnerability: f64,
    /// Swing (0 = straight, 0.67 = triplet).
    pub swing: f64,
    /// Whole-band pocket in ms (+ = behind the beat).
    pub pocket_ms: f64,
    /// Rule-break template laid over the style's groove.
    pub template: GrooveTemplate,
}

/// One choice and the reason for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// What was chosen (key, tempo, ...).
    pub aspect: String,
    /// The choice.
    pub choice: String,
    /// Why, in plain language.
    pub why: String,
}

/// A musical plan for a song intent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The intent's title.
    pub title: String,
    /// Seed of every choice.
    pub seed: u64,
    /// The affect the mood maps to.
    pub affect: String,
    /// The key, e.g. "F major".
    pub key: Key,
    /// Tonic alone, e.g. "F".
    pub tonic: String,
    /// Mode id, e.g. "major", "dorian".
    pub mode: String,
    /// Tempo in BPM.
    pub tempo_bpm: f64,
    /// Time signature.
    pub time_signature: [u8; 2],
    /// Backing style id.
    pub style: String,
    /// The rule-break, if any.
    pub rule_break: Option<PlanRule>,
    /// Harmony.
    pub progression: PlanProgression,
    /// Groove.
    pub groove: PlanGroove,
    /// Sections.
    pub arrangement: Vec<Section>,
    /// Sum of the sections' bars.
    pub total_bars: u32,
    /// Notes for recording and mixing.
    pub production_notes: Vec<String>,
    /// Every choice explained.
    pub explanations: Vec<Explanation>,
    /// The intent's consistency warnings.
    pub warnings: Vec<String>,
}

/// The emotional reading of the intent that several choices share: the mood, the affect it
/// maps to, that affect's table entry and tempo preset, and the tension.
struct Feeling {
    /// The primary mood's name (Longing when none was given).
    mood: &'static str,
    /// The affect the mood maps to.
    affect_name: String,
    /// Its entry in the affect table (the first entry if the name is missing).
    affect: Option<&'static Affect>,
    /// Its emotional tempo preset, if any.
    preset: Option<&'static TempoPreset>,
    /// Secondary tension, 0..1.
    tension: f64,
}

impl Feeling {
    /// Reads the intent's mood and tension through the affect table.
    fn of(intent: &SongIntent) -> Feeling {
        let phase = &intent.song_intent;
        let mood = phase.mood_primary.map(|m| m.name()).unwrap_or("Longing");
        let tables = data::affects();
        let affect_name = tables
            .mood_to_affect
            .get(mood)
            .cloned()
            .unwrap_or_else(|| "longing".to_string());
        let affect = tables
            .affects
            .get(&affect_name)
            .or_else(|| tables.affects.values().next());
        let preset = tables.tempo_presets.get(&affect_name);
        Feeling {
            mood,
            affect_name,
            affect,
            preset,
            tension: phase.mood_secondary_tension.clamp(0.0, 1.0),
        }
    }
}

/// Processes a valid intent into a plan; the same intent and seed always give the same plan.
pub fn process(intent: &SongIntent, seed: u64) -> Result<Plan, PlanError> {
    let report = intent.validate();
    if !report.is_valid() {
        return Err(PlanError::Invalid(report));
    }
    // Each choice draws from its own fork, so one choice's draws never shift another's.
    let root = Rng::new(seed ^ hash_str(&intent.title).rotate_left(7));
    let tech = &intent.technical_constraints;
    let feeling = Feeling::of(intent);
    let mut explanations = Vec::new();

    let (key, key_why) = key::choose_key(intent, &feeling, root.fork("key"), seed);
    explanations.push(explain("key", key.to_string(), key_why));
    let (tempo, tempo_why) = tempo::choose_tempo(intent, &feeling, root.fork("tempo"));
    explanations.push(explain("tempo", format!("{tempo} BPM"), tempo_why));
    let (style, style_why) = harmony::choose_style(intent, &feeling);
    explanations.push(explain("style", style.clone(), style_why));
    let rule: Option<&RuleBreak> = data::find_rule(&tech.technical_rule_to_break);
    let (progression, choice, why) = harmony::choose_progression(rule, key, root.fork("harmony"))?;
    explanations.push(explain("progression", choice, why));
    let (groove, choice, why) =
        groove::choose_groove(intent, &feeling, &style, tempo, rule, root.fork("groove"));
    explanations.push(explain("groove", choice, why));
    let (arrangement, arrangement_why) = arrangement::choose_arrangement(intent, rule);
    let total_bars: u32 = arrangement.iter().map(|s| s.bars).sum();
    explanations.push(explain(
        "arrangement",
        arrangement
            .iter()
            .map(|s| format!("{} {}", s.section, s.bars))
            .collect::<Vec<_>>()
            .join(", "),
        format!("{arrangement_why}; {total_bars} bars in all"),
    ));
    let production_notes = arrangement::production_notes(intent, &feeling, rule, groove.pocket_ms);

    Ok(Plan {
        title: intent.title.clone(),
        seed,
        affect: feeling.affect_name,
        key,
        tonic: key.tonic.to_string(),
        mode: key.scale.id().to_string(),
        tempo_bpm: tempo,
        time_signature: [4, 4],
        style,
        rule_break: rule.map(|r| PlanRule {
            id: r.id.clone(),
            family: r.family.clone(),
            description: r.description.clone(),
            effect: r.effect.clone(),
            justification: tech.rule_breaking_justification.clone(),
        }),
        progression,
        groove,
        arrangement,
        total_bars,
        production_notes,
        explanations,
        warnings: report.warnings.iter().map(|w| w.to_string()).collect(),
    })
}

/// One explanation.
fn explain(aspect: &str, choice: String, why: String) -> Explanation {
    Explanation {
        aspect: aspect.to_string(),
        choice,
        why,
    }
}

impl Plan {
    /// The backing request that plays this plan: the whole arrangement, energy per section.
    pub fn backing_request(&self) -> BackingRequest {
        let energy: Vec<f64> = self
            .arrangement
            .iter()
            .flat_map(|s| std::iter::repeat_n(s.energy, s.bars as usize))
            .collect();
        BackingRequest {
            key: self.key,
            tempo_bpm: self.tempo_bpm,
            style: self.style.clone(),
            bars: self.total_bars.max(1),
            seed: self.seed,
            progression: Some(self.progression.chords.clone()),
            bars_per_chord: Some(1),
            complexity: self.groove.complexity,
            vulnerability: self.groove.vulnerability,
            energy,
            groove: self.groove.template.clone(),
            swing: Some(self.groove.swing),
            pocket_ms: self.groove.pocket_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::music::backing::{generate, Part};
    use crate::music::intent::{Mood, NarrativeArc, Vulnerability};
    use crate::music::theory::{PitchClass, ScaleKind};

    fn intent() -> SongIntent {
        let mut intent = SongIntent::template("Test", "2025-01-01");
        intent.song_root.core_event = "The house was sold".into();
        intent.song_root.core_longing = "To go back once".into();
        intent.song_intent.mood_primary = Some(Mood::Grief);
        intent
    }

    #[test]
    fn modal_interchange_in_f_spells_bbm() {
        let mut i = intent();
        i.technical_constraints.technical_key = "F".into();
        i.technical_constraints.technical_mode = "major".into();
        i.technical_constraints.technical_rule_to_break = "HARMONY_ModalInterchange".into();
        i.technical_constraints.rule_breaking_justification = "memory darkens the room".into();
        let mut seen = false;
        for seed in 0..40 {
            let plan = process(&i, seed).unwrap();
            assert_eq!(plan.key.to_string(), "F major");
            let symbols: Vec<String> = plan
                .progression
                .chords
                .iter()
                .map(|c| c.chord.symbol())
                .collect();
            if plan.progression.numerals == "I-V-iv-I" {
                assert_eq!(symbols, ["F", "C", "Bbm", "F"]);
                assert_eq!(plan.progression.borrowed, ["Bbm"]);
                seen = true;
            }
            assert!(!plan.progression.borrowed.is_empty(), "{symbols:?}");
        }
        assert!(seen, "I-V-iv-I never chosen in 40 seeds");
    }

    #[test]
    fn affect_picks_mode_and_tempo_when_absent() {
        let plan = process(&intent(), 1).unwrap();
        // Grief: Aeolian at tension 0.5, 50-80 BPM meets the default 80-120 at 80.
        assert_eq!(plan.key.scale, ScaleKind::Minor);
        assert_eq!(plan.tempo_bpm, 80.0);
        let mut tense = intent();
        tense.song_intent.mood_secondary_tension = 0.9;
        tense.technical_constraints.technical_tempo_range = [40.0, 200.0];
        let plan = process(&tense, 1).unwrap();
        assert_eq!(plan.key.scale, ScaleKind::Phrygian);
        assert_eq!(plan.tempo_bpm, 72.0, "the grief preset");
        assert_eq!(plan.groove.pocket_ms, 18.0);
        for aspect in [
            "key",
            "tempo",
            "style",
            "progression",
            "groove",
            "arrangement",
        ] {
            assert!(
                plan.explanations.iter().any(|e| e.aspect == aspect),
                "{aspect}"
            );
        }
    }

    #[test]
    fn same_seed_same_plan() {
        let i = intent();
        assert_eq!(process(&i, 7), process(&i, 7));
        let plans: Vec<Plan> = (0..20).map(|s| process(&i, s).unwrap()).collect();
        assert!(plans
            .iter()
            .any(|p| p.key != plans[0].key || p.progression != plans[0].progression));
    }

    #[test]
    fn arcs_and_rules_shape_the_arrangement_and_groove() {
        let mut i = intent();
        i.song_intent.narrative_arc = Some(NarrativeArc::SuddenShift);
        let plan = process(&i, 0).unwrap();
        assert_eq!(plan.arrangement[3].section, "Drop");
        assert_eq!(plan.total_bars, 60);
        i.technical_constraints.technical_rule_to_break = "ARRANGEMENT_ExtremeDynamicRange".into();
        i.technical_constraints.rule_breaking_justification = "it breaks open".into();
        let plan = process(&i, 0).unwrap();
        assert_eq!(plan.arrangement[3].section, "Silence");
        i.technical_constraints.technical_rule_to_break = "RHYTHM_DroppedBeats".into();
        let plan = process(&i, 0).unwrap();
        match &plan.groove.template {
            GrooveTemplate::Dropped { steps } => assert_eq!(steps.len(), 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn invalid_intents_are_refused_with_fields() {
        let mut i = intent();
        i.song_root.core_event.clear();
        match process(&i, 0) {
            Err(PlanError::Invalid(report)) => {
                assert_eq!(report.errors[0].field, "song_root.core_event")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn plan_backing_plays_the_plan() {
        let mut i = intent();
        i.song_intent.vulnerability_scale = Some(Vulnerability::High);
        i.technical_constraints.technical_rule_to_break = "HARMONY_ModalInterchange".into();
        i.technical_constraints.rule_breaking_justification = "why not".into();
        i.song_intent.narrative_arc = Some(NarrativeArc::RepetitiveDespair);
        let plan = process(&i, 3).unwrap();
        let pattern = generate(&plan.backing_request()).unwrap();
        assert_eq!(pattern.bars, 40);
        assert_eq!(pattern.tempo_bpm, plan.tempo_bpm);
        for (span, chord) in pattern
            .chords
            .iter()
            .zip(plan.progression.chords.iter().cycle())
        {
            assert_eq!(span.chord, chord.chord);
        }
        for e in pattern.events.iter().filter(|e| e.part != Part::Drums) {
            let pc = PitchClass::from_semitone(e.note as i32);
            if !plan.key.contains(pc) {
                let span = pattern.chord_at(e.tick + 30).unwrap();
                assert!(
                    span.borrowed && span.chord.pitch_classes().contains(&pc),
                    "{e:?}"
                );
            }
        }
    }
}
