//! Reading typed fields out of intent JSON, recording every problem under its dotted path
//! (unknown fields get the closest known name as a hint).

use serde_json::{Map, Value};

use super::report::ValidationReport;

pub(super) const TOP_FIELDS: [&str; 5] = [
    "title",
    "created",
    "song_root",
    "song_intent",
    "technical_constraints",
];
pub(super) const ROOT_FIELDS: [&str; 5] = [
    "core_event",
    "core_resistance",
    "core_longing",
    "core_stakes",
    "core_transformation",
];
pub(super) const INTENT_FIELDS: [&str; 5] = [
    "mood_primary",
    "mood_secondary_tension",
    "imagery_texture",
    "vulnerability_scale",
    "narrative_arc",
];
pub(super) const TECH_FIELDS: [&str; 7] = [
    "technical_genre",
    "technical_tempo_range",
    "technical_key",
    "technical_mode",
    "technical_groove_feel",
    "technical_rule_to_break",
    "rule_breaking_justification",
];

/// Reads typed fields out of one JSON object, recording what is wrong under its dotted path.
pub(super) struct Reader<'a> {
    pub(super) object: Option<&'a Map<String, Value>>,
    pub(super) prefix: &'a str,
    pub(super) report: &'a mut ValidationReport,
}

impl<'a> Reader<'a> {
    pub(super) fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    pub(super) fn check_unknown(&mut self, known: &[&str]) {
        let Some(object) = self.object else { return };
        for key in object.keys() {
            if self.report.is_full() {
                return;
            }
            // Keys starting with '_' are comments (the template's _help).
            if !key.starts_with('_') && !known.contains(&key.as_str()) {
                let hint = closest(key, known)
                    .map(|k| format!(" (did you mean '{k}'?)"))
                    .unwrap_or_default();
                let path = self.path(key);
                self.report.error(
                    &path,
                    format!("unknown field{hint}; expected one of: {}", known.join(", ")),
                );
            }
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<&'a Value> {
        self.object?.get(key).filter(|v| !v.is_null())
    }

    pub(super) fn string(&mut self, key: &str) -> String {
        match self.get(key) {
            None => String::new(),
            Some(Value::String(s)) => s.trim().to_string(),
            Some(other) => {
                let path = self.path(key);
                self.report
                    .error(&path, format!("expected text, found {}", kind(other)));
                String::new()
            }
        }
    }

    pub(super) fn choice<T: Copy>(
        &mut self,
        key: &str,
        parse: fn(&str) -> Option<T>,
        names: fn() -> String,
    ) -> Option<T> {
        let text = self.string(key);
        if text.is_empty() {
            return None;
        }
        let parsed = parse(&text);
        if parsed.is_none() {
            let path = self.path(key);
            self.report.error(
                &path,
                format!("'{text}' is not allowed; expected one of: {}", names()),
            );
        }
        parsed
    }

    pub(super) fn number(&mut self, key: &str, default: f64) -> f64 {
        match self.get(key) {
            None => default,
            Some(Value::Number(n)) => n.as_f64().unwrap_or(default),
            Some(other) => {
                let path = self.path(key);
                self.report
                    .error(&path, format!("expected a number, found {}", kind(other)));
                default
            }
        }
    }

    pub(super) fn range(&mut self, key: &str, default: [f64; 2]) -> [f64; 2] {
        let path = self.path(key);
        match self.get(key) {
            None => default,
            Some(Value::Array(items)) if items.len() == 2 => {
                match (items[0].as_f64(), items[1].as_f64()) {
                    (Some(lo), Some(hi)) => [lo, hi],
                    _ => {
                        self.report.error(&path, "expected two numbers [low, high]");
                        default
                    }
                }
            }
            Some(other) => {
                self.report.error(
                    &path,
                    format!("expected two numbers [low, high], found {}", kind(other)),
                );
                default
            }
        }
    }
}

pub(super) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The known name nearest to a misspelt one (at most two edits away).
fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let next = (row[j] + 1).min(row[j + 1] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}
