//! Intent processing: turns a validated song intent into a musical plan (key and mode, tempo,
//! progression with the chosen rule-break, groove, arrangement, production notes) and explains
//! every choice in plain language. Deterministic for a seed; the plan converts straight into a
//! backing request.

use serde::Serialize;
use thiserror::Error;

use super::backing::{BackingRequest, GrooveTemplate, ProgressionChord};
use super::data::{self, RuleBreak, Section};
use super::intent::{parse_mode, GrooveFeel, IntentError, SongIntent, ValidationReport};
use super::rng::{hash_str, Rng};
use super::theory::{parse_progression, Key, Note, ScaleKind, TheoryError};

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

/// Tonics that sit well for most voices, for keys the intent leaves open.
const MAJOR_TONICS: [&str; 7] = ["C", "D", "Eb", "F", "G", "A", "Bb"];
const MINOR_TONICS: [&str; 7] = ["A", "B", "C", "D", "E", "F#", "G"];

/// Processes a valid intent into a plan; the same intent and seed always give the same plan.
pub fn process(intent: &SongIntent, seed: u64) -> Result<Plan, PlanError> {
    let report = intent.validate();
    if !report.is_valid() {
        return Err(PlanError::Invalid(report));
    }
    let root = Rng::new(seed ^ hash_str(&intent.title).rotate_left(7));
    let mut explanations = Vec::new();
    let mut explain = |aspect: &str, choice: String, why: String| {
        explanations.push(Explanation {
            aspect: aspect.to_string(),
            choice,
            why,
        })
    };
    let phase = &intent.song_intent;
    let tech = &intent.technical_constraints;
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
    let tension = phase.mood_secondary_tension.clamp(0.0, 1.0);

    // Key and mode.
    let affect_mode = affect
        .and_then(|a| a.modes.get(usize::from(tension >= 0.6)).or(a.modes.first()))
        .and_then(|m| m.parse::<ScaleKind>().ok())
        .unwrap_or(ScaleKind::Major);
    let given_mode = parse_mode(&tech.technical_mode);
    let given_key = (!tech.technical_key.is_empty())
        .then(|| Note::parse_prefix(&tech.technical_key).ok())
        .flatten();
    let key_names_mode = given_key.is_some_and(|(_, rest)| !rest.trim().is_empty());
    let mode_why =
        |scale: ScaleKind| {
            format!(
            "{mood} maps to the affect '{affect_name}', whose modes are {}; tension {tension:.2} \
             picks the {} one",
            affect.map(|a| a.modes.join(" and ")).unwrap_or_default(),
            if tension >= 0.6 { "second, more charged" } else { "first" }
        ) + &format!(" ({})", scale.display_name())
        };
    let (scale, scale_why) = match (given_mode, key_names_mode) {
        (Some(scale), _) => (scale, "you set technical_mode".to_string()),
        (None, true) => (
            intent.key().map(|k| k.scale).unwrap_or(affect_mode),
            "your technical_key names its mode".to_string(),
        ),
        (None, false) => (affect_mode, mode_why(affect_mode)),
    };
    let mut key_rng = root.fork("key");
    let (tonic, tonic_why) = match given_key {
        Some((note, _)) => (note, "you set technical_key".to_string()),
        None => {
            let list = if scale.has_major_third() {
                &MAJOR_TONICS
            } else {
                &MINOR_TONICS
            };
            let name = key_rng.pick(list).copied().unwrap_or("C");
            let note: Note = name
                .parse()
                .unwrap_or(Note::default_spelling(super::theory::PitchClass::C));
            (
                note,
                format!(
                    "no key was given; {name} is a comfortable singing key for this mode \
                     (chosen by seed {seed})"
                ),
            )
        }
    };
    let key = Key::new(tonic, scale);
    explain(
        "key",
        key.to_string(),
        format!("tonic: {tonic_why}; mode: {scale_why}"),
    );

    // Tempo.
    let [user_lo, user_hi] = tech.technical_tempo_range;
    let [affect_lo, affect_hi] = affect.map(|a| a.tempo).unwrap_or([80.0, 120.0]);
    let (lo, hi, range_why) = if affect_lo.max(user_lo) <= affect_hi.min(user_hi) {
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
    };
    let preset = tables.tempo_presets.get(&affect_name);
    let mut tempo_rng = root.fork("tempo");
    let (tempo, tempo_why) = match preset.filter(|p| (lo..=hi).contains(&p.bpm)) {
        Some(p) => (
            p.bpm,
            format!(
                "{range_why}; the '{}' tempo preset ({} BPM) lies inside it",
                p.from, p.bpm
            ),
        ),
        None => {
            let centre = lo + (hi - lo) * (0.35 + 0.3 * tension);
            let jitter = tempo_rng.range(-0.05, 0.05) * (hi - lo);
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
    };
    explain("tempo", format!("{tempo} BPM"), tempo_why);

    // Style.
    let production = data::production();
    let density = affect.map(|a| a.density.as_str()).unwrap_or("moderate");
    let (style, style_why) = match tech.technical_genre {
        Some(genre) => (
            production
                .genre_style
                .get(genre.name())
                .cloned()
                .unwrap_or_else(|| "pop".to_string()),
            format!("the {genre} genre"),
        ),
        None => (
            tables
                .density_style
                .get(density)
                .cloned()
                .unwrap_or_else(|| "pop".to_string()),
            format!("no genre was given; {affect_name} wants a {density} arrangement"),
        ),
    };
    let style_def = data::find_style(&style).map(|(_, s)| s);
    explain("style", style.clone(), style_why);

    // Rule-break and harmony.
    let rule: Option<&RuleBreak> = data::find_rule(&tech.technical_rule_to_break);
    let harmony = data::harmony();
    let (lists, harmony_why) = match rule {
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
    };
    let options = if key.scale.has_major_third() {
        &lists.major
    } else {
        &lists.minor
    };
    let mut harmony_rng = root.fork("harmony");
    let numerals = harmony_rng
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
    explain(
        "progression",
        format!("{numerals} = {}", symbols.join(" ")),
        if borrowed.is_empty() {
            harmony_why
        } else {
            format!(
                "{harmony_why}; {} come from outside {key} on purpose",
                borrowed.join(", ")
            )
        },
    );

    // Groove.
    let grooves = data::grooves();
    let feel = tech.technical_groove_feel;
    let complexity = feel
        .and_then(|f| grooves.feel_complexity.get(f.name()).copied())
        .unwrap_or(0.3);
    let vulnerability = phase
        .vulnerability_scale
        .and_then(|v| grooves.vulnerability.get(v.name()).copied())
        .unwrap_or(0.5);
    let mut swing = style_def.map(|s| s.swing).unwrap_or(0.0);
    let mut swing_why = format!("the {style} style's own swing");
    if let Some(s) = preset.and_then(|p| p.swing) {
        swing = s;
        swing_why = format!("the {affect_name} tempo preset swings at {s}");
    }
    match feel {
        Some(GrooveFeel::Swung) if swing < 0.5 => {
            swing = 0.55;
            swing_why = "the Swung feel asks for a clear shuffle".to_string();
        }
        Some(GrooveFeel::Mechanical) => {
            swing = 0.0;
            swing_why = "the Mechanical feel is straight and on the grid".to_string();
        }
        _ => {}
    }
    let pocket_ms = preset
        .filter(|p| (tempo - p.bpm).abs() < 0.5)
        .map(|p| p.pocket_ms)
        .unwrap_or(0.0);
    let t = &grooves.templates;
    let mut groove_rng = root.fork("groove");
    let template_name = match rule {
        Some(r) if r.family == "Rhythm" => Some(r.name.clone()),
        Some(_) => feel.and_then(|f| grooves.feel_template.get(f.name()).cloned()),
        None => None,
    };
    let (template, template_why) = match template_name.as_deref() {
        Some("ConstantDisplacement") => (
            GrooveTemplate::Displacement {
                ticks: t.ConstantDisplacement.displacement_ticks,
                velocities: t.ConstantDisplacement.velocities.clone(),
            },
            t.ConstantDisplacement.description.clone(),
        ),
        Some("TempoFluctuation") => (
            GrooveTemplate::Fluctuation {
                depth_bpm: t.TempoFluctuation.tempo_depth_bpm,
                swing: t.TempoFluctuation.swing,
                velocities: t.TempoFluctuation.velocities.clone(),
            },
            t.TempoFluctuation.description.clone(),
        ),
        Some("MetricModulation") => (
            GrooveTemplate::Metric {
                accent_steps: t.MetricModulation.accent_steps.clone(),
            },
            t.MetricModulation.description.clone(),
        ),
        Some("PolyrhythmicLayers") => (
            GrooveTemplate::Polyrhythm {
                group: t.PolyrhythmicLayers.group,
            },
            t.PolyrhythmicLayers.description.clone(),
        ),
        Some("DroppedBeats") => {
            let mut candidates = t.DroppedBeats.candidates.clone();
            let mut steps = Vec::new();
            while steps.len() < t.DroppedBeats.count && !candidates.is_empty() {
                let i = groove_rng.below(candidates.len());
                steps.push(candidates.remove(i));
            }
            steps.sort_unstable();
            (
                GrooveTemplate::Dropped { steps },
                t.DroppedBeats.description.clone(),
            )
        }
        _ => (GrooveTemplate::None, "the style's own groove".to_string()),
    };
    if let GrooveTemplate::Fluctuation { swing: min, .. } = &template {
        if swing < *min {
            swing = *min;
            swing_why = "tempo fluctuation brings a light swing".to_string();
        }
    }
    explain(
        "groove",
        format!(
            "complexity {complexity:.2}, swing {swing:.2}, pocket {pocket_ms:+} ms, {}",
            template_name.as_deref().unwrap_or("no template")
        ),
        format!(
            "{}; swing: {swing_why}; template: {template_why}; vulnerability {vulnerability:.1} \
             softens and loosens the velocities",
            match feel {
                Some(f) => format!("the {f} feel sets the humaniser's complexity"),
                None => "no groove feel was given, so the humaniser stays moderate".to_string(),
            }
        ),
    );

    // Arrangement.
    let arrangements = data::arrangements();
    let arc = phase.narrative_arc.map(|a| a.name());
    let (arrangement, arrangement_why) = match (
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
    };
    let total_bars: u32 = arrangement.iter().map(|s| s.bars).sum();
    explain(
        "arrangement",
        arrangement
            .iter()
            .map(|s| format!("{} {}", s.section, s.bars))
            .collect::<Vec<_>>()
            .join(", "),
        format!("{arrangement_why}; {total_bars} bars in all"),
    );

    // Production notes.
    let mut production_notes = Vec::new();
    if let Some(genre) = tech.technical_genre {
        if let Some(note) = production.genre.get(genre.name()) {
            production_notes.push(format!("{genre}: {note}"));
        }
    }
    if let Some(texture) = phase.imagery_texture {
        if let Some(note) = production.texture.get(texture.name()) {
            production_notes.push(format!("{texture}: {note}"));
        }
    }
    if let Some(v) = phase.vulnerability_scale {
        if let Some(note) = production.vulnerability.get(v.name()) {
            production_notes.push(format!("{v} vulnerability: {note}"));
        }
    }
    if let Some(r) = rule {
        production_notes.push(format!("{}: {} {}", r.id, r.description, r.effect));
    }
    if pocket_ms.abs() > 0.0 {
        production_notes.push(format!(
            "Play {} the beat ({pocket_ms:+} ms), as the {affect_name} preset suggests.",
            if pocket_ms > 0.0 {
                "behind"
            } else {
                "ahead of"
            }
        ));
    }

    Ok(Plan {
        title: intent.title.clone(),
        seed,
        affect: affect_name,
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
        progression: PlanProgression {
            numerals,
            chords,
            borrowed,
        },
        groove: PlanGroove {
            feel: feel.map(|f| f.name().to_string()),
            complexity,
            vulnerability,
            swing,
            pocket_ms,
            template,
        },
        arrangement,
        total_bars,
        production_notes,
        explanations,
        warnings: report.warnings.iter().map(|w| w.to_string()).collect(),
    })
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
    use crate::music::theory::PitchClass;

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
