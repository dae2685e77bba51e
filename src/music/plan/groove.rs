//! The plan's groove: humaniser complexity and vulnerability, swing, the emotional preset's
//! pocket and the rule-break's groove template.

use super::{Feeling, PlanGroove};
use crate::music::backing::GrooveTemplate;
use crate::music::data::{self, RuleBreak};
use crate::music::intent::{GrooveFeel, SongIntent};
use crate::music::rng::Rng;

/// The groove with the text of its explanation (choice, why).
pub(super) fn choose_groove(
    intent: &SongIntent,
    feeling: &Feeling,
    style: &str,
    tempo: f64,
    rule: Option<&RuleBreak>,
    rng: Rng,
) -> (PlanGroove, String, String) {
    let grooves = data::grooves();
    let feel = intent.technical_constraints.technical_groove_feel;
    let complexity = feel
        .and_then(|f| grooves.feel_complexity.get(f.name()).copied())
        .unwrap_or(0.3);
    let vulnerability = intent
        .song_intent
        .vulnerability_scale
        .and_then(|v| grooves.vulnerability.get(v.name()).copied())
        .unwrap_or(0.5);
    let (mut swing, mut swing_why) = choose_swing(feeling, style, feel);
    let pocket_ms = feeling
        .preset
        .filter(|p| (tempo - p.bpm).abs() < 0.5)
        .map(|p| p.pocket_ms)
        .unwrap_or(0.0);
    let template_name = template_name(rule, feel);
    let (template, template_why) = build_template(template_name.as_deref(), rng);
    if let GrooveTemplate::Fluctuation { swing: min, .. } = &template {
        if swing < *min {
            swing = *min;
            swing_why = "tempo fluctuation brings a light swing".to_string();
        }
    }
    let choice = format!(
        "complexity {complexity:.2}, swing {swing:.2}, pocket {pocket_ms:+} ms, {}",
        template_name.as_deref().unwrap_or("no template")
    );
    let why = format!(
        "{}; swing: {swing_why}; template: {template_why}; vulnerability {vulnerability:.1} \
         softens and loosens the velocities",
        match feel {
            Some(f) => format!("the {f} feel sets the humaniser's complexity"),
            None => "no groove feel was given, so the humaniser stays moderate".to_string(),
        }
    );
    let groove = PlanGroove {
        feel: feel.map(|f| f.name().to_string()),
        complexity,
        vulnerability,
        swing,
        pocket_ms,
        template,
    };
    (groove, choice, why)
}

/// Swing and why: the style's, overridden by the tempo preset's, then by the feel (Swung
/// lifts anything under 0.5 to a clear 0.55 shuffle; Mechanical is straight).
fn choose_swing(feeling: &Feeling, style: &str, feel: Option<GrooveFeel>) -> (f64, String) {
    let style_def = data::find_style(style).map(|(_, s)| s);
    let mut swing = style_def.map(|s| s.swing).unwrap_or(0.0);
    let mut swing_why = format!("the {style} style's own swing");
    if let Some(s) = feeling.preset.and_then(|p| p.swing) {
        swing = s;
        swing_why = format!("the {} tempo preset swings at {s}", feeling.affect_name);
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
    (swing, swing_why)
}

/// The groove template's name: a rhythm rule's own, else the feel's for any other rule, none
/// without a rule.
fn template_name(rule: Option<&RuleBreak>, feel: Option<GrooveFeel>) -> Option<String> {
    match rule {
        Some(r) if r.family == "Rhythm" => Some(r.name.clone()),
        Some(_) => feel.and_then(|f| data::grooves().feel_template.get(f.name()).cloned()),
        None => None,
    }
}

/// The template called `name` from the groove table, and its description; dropped beats are
/// drawn from the candidates by `rng`.
fn build_template(name: Option<&str>, mut rng: Rng) -> (GrooveTemplate, String) {
    let t = &data::grooves().templates;
    match name {
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
                let i = rng.below(candidates.len());
                steps.push(candidates.remove(i));
            }
            steps.sort_unstable();
            (
                GrooveTemplate::Dropped { steps },
                t.DroppedBeats.description.clone(),
            )
        }
        _ => (GrooveTemplate::None, "the style's own groove".to_string()),
    }
}
