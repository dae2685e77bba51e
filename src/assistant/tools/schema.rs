//! The registry as JSON schemas (OpenAI-style tool list for the HTTP backend) and as the
//! prompt's tool list.

use serde_json::{Map, Value};

use super::{ArgKind, ArgSpec, ToolSpec, TOOLS};
use crate::music::theory::{PitchClass, ScaleKind};

/// The JSON schema of one argument.
fn arg_schema(arg: &ArgSpec) -> Value {
    let mut schema = match arg.kind {
        ArgKind::Enum(names) => serde_json::json!({"type": "string", "enum": names}),
        ArgKind::Key => serde_json::json!({"type": "string", "enum": PitchClass::NAMES}),
        ArgKind::Scale => serde_json::json!({"type": "string", "enum": ScaleKind::IDS}),
        ArgKind::Integer { min, max } => {
            serde_json::json!({"type": "integer", "minimum": min, "maximum": max})
        }
        ArgKind::Number { min, max } => {
            serde_json::json!({"type": "number", "minimum": min, "maximum": max})
        }
        ArgKind::Fraction => serde_json::json!({"type": "number", "minimum": 0, "maximum": 1}),
        ArgKind::BoolOrFraction => serde_json::json!({"anyOf": [
            {"type": "boolean"}, {"type": "number", "minimum": 0, "maximum": 1}]}),
        ArgKind::Bool => serde_json::json!({"type": "boolean"}),
        ArgKind::Text { max_len } => {
            serde_json::json!({"type": "string", "minLength": 1, "maxLength": max_len})
        }
        ArgKind::Notes => serde_json::json!({"type": "string", "minLength": 1, "maxLength": 60}),
    };
    if let Value::Object(map) = &mut schema {
        map.insert("description".into(), Value::String(arg.description.into()));
    }
    schema
}

/// The JSON schema of a tool's arguments object.
pub fn args_schema(spec: &ToolSpec) -> Value {
    let properties: Map<String, Value> = spec
        .args
        .iter()
        .map(|a| (a.name.to_string(), arg_schema(a)))
        .collect();
    let required: Vec<&str> = spec
        .args
        .iter()
        .filter(|a| a.required)
        .map(|a| a.name)
        .collect();
    serde_json::json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The tools in OpenAI's `tools` format for `/v1/chat/completions`.
pub fn openai_tools() -> Value {
    Value::Array(
        TOOLS
            .iter()
            .map(|t| {
                serde_json::json!({
                    "type": "function",
                    "function": {
                        "name": t.name.as_str(),
                        "description": t.description,
                        "parameters": args_schema(t),
                    }
                })
            })
            .collect(),
    )
}

/// A compact one-line-per-tool description for the system prompt.
pub fn prompt_tool_list() -> String {
    let mut out = String::new();
    for t in TOOLS.iter() {
        let args: Vec<String> = t
            .args
            .iter()
            .map(|a| {
                let values = match a.kind {
                    ArgKind::Enum(names) => names.join("|"),
                    ArgKind::Key => "C..B".into(),
                    ArgKind::Scale => "major|minor|dorian|...".into(),
                    ArgKind::Integer { min, max } => format!("{min}-{max}"),
                    ArgKind::Number { min, max } => format!("{min}..{max}"),
                    ArgKind::Fraction => "0-1".into(),
                    ArgKind::BoolOrFraction => "0-1".into(),
                    ArgKind::Bool => "true|false".into(),
                    ArgKind::Text { .. } => "text".into(),
                    ArgKind::Notes => "note names".into(),
                };
                format!("{}: {values}", a.name)
            })
            .collect();
        out.push_str(&format!(
            "- {} ({}): {}\n",
            t.name,
            args.join(", "),
            t.description
        ));
    }
    out
}
