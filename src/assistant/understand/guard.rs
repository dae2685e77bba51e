//! The last check on every decided call: a clause that only lowers, removes or switches off
//! never raises a control or switches one on, and one that only raises never lowers. An
//! argument that would is dropped (a call left with nothing is dropped too).

use serde_json::Value;

use super::normalise::Words;
use super::polarity::{polarity, Polarity};
use crate::assistant::state::{ParamSnapshot, ParamValue};
use crate::assistant::tools::ToolCall;

/// Which parameter each guarded argument sets. Pitch, formant and the dry/wet mix are not
/// here: their direction words name the value, not the effect ("more of the dry signal"
/// lowers the mix). Nor is bypass: "turn the plugin off" switches bypass on.
const GUARDED: [(&str, &str, &str); 14] = [
    ("voice_tune", "amount", "tune_amount"),
    ("voice_tune", "humanize", "tune_humanize"),
    ("voice_tune", "vibrato", "tune_vibrato"),
    ("voice_tune", "enabled", "tune_enabled"),
    ("voice_modulate", "robot", "mod_robot"),
    ("voice_modulate", "breathiness", "mod_breath"),
    ("voice_modulate", "whisper", "mod_whisper"),
    ("voice_modulate", "warmth", "mod_warmth"),
    ("voice_modulate", "presence", "mod_presence"),
    ("voice_modulate", "reverb", "mod_reverb"),
    ("voice_modulate", "compression", "mod_compression"),
    ("mix_control", "backing", "backing_enabled"),
    ("mix_control", "backing_level_db", "backing_level"),
    ("mix_control", "output_gain_db", "output_gain"),
];

fn as_number(v: &Value) -> Option<f32> {
    match v {
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        other => other.as_f64().map(|f| f as f32),
    }
}

fn current(state: &ParamSnapshot, id: &str) -> Option<f32> {
    match state.get(id)? {
        ParamValue::Float(v) => Some(v),
        ParamValue::Bool(b) => Some(if b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

/// The direction every clause of `words` shares, if they share one: "turn follow host off
/// and the backing on" switches one thing off and another on, so neither way is the group's.
fn shared_polarity(words: &Words) -> Option<Polarity> {
    let clauses = super::clauses::split(words);
    if clauses.len() < 2 {
        return polarity(words);
    }
    let first = polarity(&clauses[0])?;
    clauses[1..]
        .iter()
        .all(|c| polarity(c) == Some(first))
        .then_some(first)
}

/// Drops the arguments of `call` that move against the clause's direction; `None` when no
/// argument is left.
pub fn check(mut call: ToolCall, words: &Words, state: &ParamSnapshot) -> Option<ToolCall> {
    // "Without changing the pitch" says what stays, not which way things go.
    if words.has_phrase("without changing") || words.has_any(&["keep", "preserve", "leave"]) {
        return Some(call);
    }
    // One argument answers the whole request's direction ("add some low end body, it sounds
    // thin" never lowers the warmth); several may answer clauses that go different ways.
    let direction = if call.args.len() >= 2 {
        shared_polarity(words)
    } else {
        polarity(words)
    };
    let Some(direction) = direction else {
        return Some(call);
    };
    // "Don't iron out my vibrato, less tuning": the negation is of the tuning that destroys
    // the vibrato, so keeping more of it goes with the request's "down".
    let vibrato_spared = words.find_prefix(super::tune::VIBRATO_DESTROYERS).is_some();
    let had = call.args.len();
    call.args.retain(|arg, value| {
        if arg == "vibrato" && vibrato_spared {
            return true;
        }
        let Some((_, _, id)) = GUARDED.iter().find(|(t, a, _)| *t == call.tool && a == arg) else {
            return true;
        };
        match (as_number(value), current(state, id)) {
            (Some(new), Some(now)) => match direction {
                Polarity::Down => new <= now + 1e-4,
                Polarity::Up => new >= now - 1e-4,
            },
            _ => true,
        }
    });
    (had == 0 || !call.args.is_empty()).then_some(call)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::tools::ToolName;
    use serde_json::json;

    #[test]
    fn lowering_words_never_raise() {
        let mut state = ParamSnapshot::default();
        state.set("mod_reverb", ParamValue::Float(0.1));
        let raise = ToolCall::new(ToolName::VoiceModulate, json!({"reverb": 0.3}));
        assert!(check(raise.clone(), &Words::new("less reverb"), &state).is_none());
        assert!(check(raise, &Words::new("more reverb"), &state).is_some());
        let on = ToolCall::new(ToolName::MixControl, json!({"backing": true}));
        assert!(check(on, &Words::new("mute the backing"), &state).is_none());
    }

    #[test]
    fn clauses_that_go_different_ways_keep_their_arguments() {
        let mut state = ParamSnapshot::default();
        state.set("mod_robot", ParamValue::Float(0.7));
        state.set("mod_warmth", ParamValue::Float(0.5));
        let both = ToolCall::new(
            ToolName::VoiceModulate,
            json!({"robot": 0.0, "warmth": 0.7}),
        );
        let kept = check(both, &Words::new("robot off. warmer."), &state);
        assert_eq!(kept.map(|c| c.args.len()), Some(2));
        // One argument still answers the whole request's direction.
        let lower = ToolCall::new(ToolName::VoiceModulate, json!({"warmth": 0.3}));
        let text = "add some low end body, it sounds thin";
        assert!(check(lower, &Words::new(text), &state).is_none());
    }

    #[test]
    fn removing_words_never_raise() {
        let mut state = ParamSnapshot::default();
        state.set("mod_reverb", ParamValue::Float(0.4));
        let raise = ToolCall::new(ToolName::VoiceModulate, json!({"reverb": 0.5}));
        for text in [
            "no more reverb",
            "reverb off",
            "get rid of the reverb",
            "I don't want any reverb",
            "without reverb",
            "not so much reverb",
        ] {
            assert!(
                check(raise.clone(), &Words::new(text), &state).is_none(),
                "{text}"
            );
        }
        let off = ToolCall::new(ToolName::VoiceModulate, json!({"reverb": 0.0}));
        assert!(check(off, &Words::new("no more reverb"), &state).is_some());
        let gain_up = ToolCall::new(ToolName::MixControl, json!({"output_gain_db": 2.0}));
        assert!(check(gain_up, &Words::new("everything 2 dB quieter"), &state).is_none());
    }

    #[test]
    fn clauses_pushing_both_ways_are_not_vetoed() {
        let mut state = ParamSnapshot::default();
        state.set("mod_robot", ParamValue::Float(0.7));
        let both = ToolCall::new(
            ToolName::VoiceModulate,
            json!({"robot": 0.0, "breathiness": 0.4}),
        );
        let words = Words::new("turn off the robot, add some breath");
        let kept = check(both, &words, &state).expect("both kept");
        assert_eq!(kept.args.len(), 2);
    }
}
