//! Validation of a call against its tool's argument specs: canonical values (sharps,
//! snake_case, rounded numbers) and the typed action, or a clear error.

use serde_json::Value;

use super::{
    arg_list, tool_spec, Action, ArgKind, ArgSpec, BackingArgs, HarmonyArgs, ListenTopic, MixArgs,
    ModulateArgs, ToolCall, ToolError, ToolName, TuneArgs, FOLLOW_CHORDS, HARMONY_MODES,
};
use crate::music::theory::{PitchClass, ScaleKind};

/// A call that passed validation: the canonical call (sharps, snake_case, numbers) and its
/// typed action.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidCall {
    /// The call with canonical argument values.
    pub call: ToolCall,
    /// The typed arguments.
    pub action: Action,
}

/// A value after checking, before it is put into the typed arguments.
#[derive(Debug, Clone, PartialEq)]
enum Checked {
    Name(String),
    Key(PitchClass),
    Scale(ScaleKind),
    Int(i64),
    Num(f64),
    Bool(bool),
    Text(String),
    Notes(u16),
}

impl Checked {
    fn to_json(&self) -> Value {
        match self {
            Checked::Name(s) | Checked::Text(s) => Value::String(s.clone()),
            Checked::Key(k) => Value::String(k.name().into()),
            Checked::Scale(s) => Value::String(s.id().into()),
            Checked::Int(i) => Value::from(*i),
            Checked::Num(n) => serde_json::Number::from_f64((n * 10_000.0).round() / 10_000.0)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Checked::Bool(b) => Value::Bool(*b),
            Checked::Notes(mask) => Value::String(notes_text(*mask)),
        }
    }

    fn f32(&self) -> Option<f32> {
        match self {
            Checked::Num(n) => Some(*n as f32),
            Checked::Int(i) => Some(*i as f32),
            Checked::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            _ => None,
        }
    }

    fn notes(&self) -> Option<u16> {
        match self {
            Checked::Notes(mask) => Some(*mask),
            _ => None,
        }
    }

    fn text(&self) -> Option<String> {
        match self {
            Checked::Name(s) | Checked::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}

/// Lowercase with spaces and dashes as underscores: "Hard Tune" -> "hard_tune".
fn snake(text: &str) -> String {
    text.trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

fn number_of(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        // Models and servers sometimes quote numbers; "0.5" means 0.5, "50%" means 0.5.
        Value::String(s) => {
            let s = s.trim();
            match s.strip_suffix('%') {
                Some(p) => p.trim().parse::<f64>().ok().map(|v| v / 100.0),
                None => s.parse::<f64>().ok(),
            }
        }
        _ => None,
    }
    .filter(|v| v.is_finite())
}

fn check_value(tool: ToolName, spec: &ArgSpec, value: &Value) -> Result<Checked, ToolError> {
    let bad = |problem: String| ToolError::BadValue {
        tool,
        arg: spec.name,
        problem,
    };
    match spec.kind {
        ArgKind::Enum(names) => {
            let Some(text) = value.as_str() else {
                return Err(bad(format!("expected one of {}", names.join(", "))));
            };
            let wanted = snake(text);
            names
                .iter()
                .find(|n| snake(n) == wanted)
                .map(|n| Checked::Name(n.to_string()))
                .ok_or_else(|| bad(format!("'{text}' is not one of {}", names.join(", "))))
        }
        ArgKind::Key => {
            let text = value
                .as_str()
                .ok_or_else(|| bad("expected a note name such as \"A\" or \"F#\"".into()))?;
            text.parse::<PitchClass>()
                .map(Checked::Key)
                .map_err(|e| bad(e.to_string()))
        }
        ArgKind::Scale => {
            let text = value
                .as_str()
                .ok_or_else(|| bad("expected a scale name such as \"minor\"".into()))?;
            text.parse::<ScaleKind>()
                .map(Checked::Scale)
                .map_err(|e| bad(e.to_string()))
        }
        ArgKind::Integer { min, max } => {
            let v = number_of(value).ok_or_else(|| bad("expected a whole number".into()))?;
            if v.fract() != 0.0 {
                return Err(bad(format!("{v} is not a whole number")));
            }
            if v < min as f64 || v > max as f64 {
                return Err(bad(format!("{v} is outside {min}..{max}")));
            }
            Ok(Checked::Int(v as i64))
        }
        ArgKind::Number { min, max } => {
            let v = number_of(value).ok_or_else(|| bad("expected a number".into()))?;
            if v < min || v > max {
                return Err(bad(format!("{v} is outside {min}..{max}")));
            }
            Ok(Checked::Num(v))
        }
        ArgKind::Fraction => {
            let v = number_of(value).ok_or_else(|| bad("expected a number 0..1".into()))?;
            if !(0.0..=1.0).contains(&v) {
                return Err(bad(format!("{v} is outside 0..1")));
            }
            Ok(Checked::Num(v))
        }
        ArgKind::BoolOrFraction => match value {
            Value::Bool(b) => Ok(Checked::Num(if *b { 1.0 } else { 0.0 })),
            other => {
                let v = number_of(other)
                    .ok_or_else(|| bad("expected true, false or a number 0..1".into()))?;
                if !(0.0..=1.0).contains(&v) {
                    return Err(bad(format!("{v} is outside 0..1")));
                }
                Ok(Checked::Num(v))
            }
        },
        ArgKind::Bool => match value {
            Value::Bool(b) => Ok(Checked::Bool(*b)),
            Value::String(s) if matches!(snake(s).as_str(), "true" | "on" | "yes") => {
                Ok(Checked::Bool(true))
            }
            Value::String(s) if matches!(snake(s).as_str(), "false" | "off" | "no") => {
                Ok(Checked::Bool(false))
            }
            _ => Err(bad("expected true or false".into())),
        },
        ArgKind::Notes => parse_notes(value).map(Checked::Notes).map_err(bad),
        ArgKind::Text { max_len } => {
            let text = value
                .as_str()
                .ok_or_else(|| bad("expected text".into()))?
                .trim();
            if text.is_empty() {
                return Err(bad("is empty".into()));
            }
            if text.chars().count() > max_len {
                return Err(bad(format!("is longer than {max_len} characters")));
            }
            Ok(Checked::Text(text.to_string()))
        }
    }
}

/// Checks a call against its tool's schema and returns it canonical and typed.
pub fn validate(call: &ToolCall) -> Result<ValidCall, ToolError> {
    let tool =
        ToolName::parse(&call.tool).ok_or_else(|| ToolError::UnknownTool(call.tool.clone()))?;
    let spec = tool_spec(tool);
    let mut checked: Vec<(&'static str, Checked)> = Vec::new();
    for (name, value) in &call.args {
        // `theme` is how people say mood for titles.
        let name = if tool == ToolName::NameSuggest && name == "theme" {
            "mood"
        } else {
            name.as_str()
        };
        let arg =
            spec.args
                .iter()
                .find(|a| a.name == name)
                .ok_or_else(|| ToolError::UnknownArg {
                    tool,
                    arg: name.to_string(),
                    allowed: arg_list(spec),
                })?;
        if value.is_null() {
            continue;
        }
        checked.push((arg.name, check_value(tool, arg, value)?));
    }
    for arg in spec.args.iter().filter(|a| a.required) {
        if !checked.iter().any(|(n, _)| *n == arg.name) {
            return Err(ToolError::MissingArg {
                tool,
                arg: arg.name,
            });
        }
    }
    if spec.needs_an_argument && checked.is_empty() {
        return Err(ToolError::NoArgs {
            tool,
            allowed: arg_list(spec),
        });
    }
    // Canonical order is the spec's order, so plans and history read the same every time.
    checked.sort_by_key(|(n, _)| spec.args.iter().position(|a| a.name == *n));
    let get = |name: &str| checked.iter().find(|(n, _)| *n == name).map(|(_, c)| c);
    let num = |name: &str| get(name).and_then(Checked::f32);
    let action = match tool {
        ToolName::VoiceTune => Action::Tune(TuneArgs {
            preset: get("preset").and_then(Checked::text),
            key: match get("key") {
                Some(Checked::Key(k)) => Some(*k),
                _ => None,
            },
            scale: match get("scale") {
                Some(Checked::Scale(s)) => Some(*s),
                _ => None,
            },
            retune_ms: num("retune_ms"),
            amount: num("amount"),
            humanize: num("humanize"),
            vibrato: num("vibrato"),
            enabled: match get("enabled") {
                Some(Checked::Bool(b)) => Some(*b),
                _ => None,
            },
            follow_chords: get("follow_chords").and_then(|c| enum_index(c, &FOLLOW_CHORDS)),
            notes: get("notes").and_then(Checked::notes),
            drop_notes: get("drop_notes").and_then(Checked::notes),
            add_notes: get("add_notes").and_then(Checked::notes),
        }),
        ToolName::VoiceModulate => Action::Modulate(ModulateArgs {
            preset: get("preset").and_then(Checked::text),
            pitch_semitones: num("pitch_semitones"),
            formant_semitones: num("formant_semitones"),
            robot: num("robot"),
            breathiness: num("breathiness"),
            whisper: num("whisper"),
            warmth: num("warmth"),
            presence: num("presence"),
            reverb: num("reverb"),
            compression: num("compression"),
            mix: num("mix"),
        }),
        ToolName::VoiceSpeak => Action::Speak {
            text: get("text").and_then(Checked::text).unwrap_or_default(),
            profile: get("profile")
                .and_then(Checked::text)
                .unwrap_or_else(|| "narrator_neutral".into()),
        },
        ToolName::BackingGenerate => Action::Backing(BackingArgs {
            key: match get("key") {
                Some(Checked::Key(k)) => Some(*k),
                _ => None,
            },
            mode: match get("mode") {
                Some(Checked::Scale(s)) => Some(*s),
                _ => None,
            },
            tempo_bpm: num("tempo_bpm").map(|v| v as u32),
            style: get("style").and_then(Checked::text),
            bars: num("bars").map(|v| v as u32),
        }),
        ToolName::MixControl => {
            let flag = |name: &str| match get(name) {
                Some(Checked::Bool(b)) => Some(*b),
                _ => None,
            };
            Action::Mix(MixArgs {
                backing: flag("backing"),
                backing_level_db: num("backing_level_db"),
                follow_host: flag("follow_host"),
                output_gain_db: num("output_gain_db"),
                bypass: flag("bypass"),
            })
        }
        ToolName::NameSuggest => Action::Names {
            mood: get("mood").and_then(Checked::text),
            count: num("count").map(|v| v as u32).unwrap_or(5),
        },
        ToolName::IntentNew => Action::IntentNew {
            title: get("title").and_then(Checked::text).unwrap_or_default(),
            fields: checked
                .iter()
                .filter(|(n, _)| *n != "title")
                .map(|(n, c)| (n.to_string(), c.to_json()))
                .collect(),
        },
        ToolName::IntentProcess => Action::IntentProcess,
        ToolName::Undo => Action::Undo,
        ToolName::GetState => Action::GetState,
        ToolName::VoiceHarmony => Action::Harmony(HarmonyArgs {
            voices: num("voices").map(|v| v as u8),
            mode: get("mode").and_then(|c| enum_index(c, &HARMONY_MODES)),
            level: num("level"),
            spread: num("spread"),
        }),
        ToolName::Listen => Action::Listen(match get("about").and_then(Checked::text).as_deref() {
            Some("pitch") => ListenTopic::Pitch,
            _ => ListenTopic::Key,
        }),
    };
    let args = checked
        .iter()
        .map(|(n, c)| (n.to_string(), c.to_json()))
        .collect();
    Ok(ValidCall {
        call: ToolCall {
            tool: tool.as_str().to_string(),
            args,
        },
        action,
    })
}

/// Index of a checked enum name in `names`.
fn enum_index(checked: &Checked, names: &[&str]) -> Option<u8> {
    let name = checked.text()?;
    names.iter().position(|n| *n == name).map(|i| i as u8)
}

/// A note set from a string ("F#", "C D E G A", "C, E and G", "B flat") or an array of names.
fn parse_notes(value: &Value) -> Result<u16, String> {
    let words: Vec<String> = match value {
        Value::String(text) => note_words(text),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or("expected note names"))
            .collect::<Result<_, _>>()?,
        _ => return Err("expected note names such as \"C D E G A\"".into()),
    };
    let mut mask = 0u16;
    for word in &words {
        let pc = word.parse::<PitchClass>().map_err(|e| e.to_string())?;
        mask |= 1 << pc.semitone();
    }
    if mask == 0 {
        return Err("names no notes".into());
    }
    Ok(mask)
}

/// Splits "C, E and G" or "F sharp B flat" into note names ("sharp"/"flat" join the letter
/// before them).
fn note_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '/')
        .filter(|w| !w.is_empty() && !w.eq_ignore_ascii_case("and"))
    {
        let lower = word.to_ascii_lowercase();
        match (lower.as_str(), out.last_mut()) {
            ("sharp" | "flat", Some(last)) => {
                last.push(' ');
                last.push_str(&lower);
            }
            _ => out.push(word.to_string()),
        }
    }
    out
}

/// A note set as sharps in pitch order: "C D E G A".
pub fn notes_text(mask: u16) -> String {
    PitchClass::ALL
        .iter()
        .filter(|pc| mask & (1 << pc.semitone()) != 0)
        .map(|pc| pc.name())
        .collect::<Vec<_>>()
        .join(" ")
}
