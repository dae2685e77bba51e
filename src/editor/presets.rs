//! Presets in the window: the named tuning and voice presets (the DSP's tables), user presets
//! saved as JSON files under `~/.daiw/presets/`, and A/B compare (two slots of every value, one
//! click to switch). Everything is applied through `ParamAccess`, so in the plugin each move is
//! a host gesture that automation and undo see.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use thiserror::Error;

use crate::assistant::presets::{
    tune_preset, tune_preset_values, voice_preset, voice_preset_values,
};
use crate::assistant::state::{spec, ParamValue};
use crate::music::theory::{PitchClass, ScaleKind};
use crate::params::PARAM_IDS;

use super::param_access::ParamAccess;

/// Bypass is a monitoring switch and Voice to MIDI is routing, not part of a sound: presets
/// and A/B leave them alone.
const NOT_IN_PRESETS: [&str; 3] = ["bypass", "voice_midi", "voice_midi_channel"];
/// Longest user preset name (a file name on every system).
const MAX_NAME_CHARS: usize = 60;

/// A problem with a user preset file or name.
#[derive(Debug, Error)]
pub enum PresetFileError {
    /// The name is empty, too long or has characters a file name cannot.
    #[error("'{0}' is not a usable preset name (letters, digits, space, - and _; up to 60)")]
    BadName(String),
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not a preset.
    #[error("{path}: not a DAiW preset ({message})")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// Every preset-able value, by id.
pub type Values = BTreeMap<&'static str, ParamValue>;

/// The current values of every parameter a preset holds.
pub fn capture(params: &dyn ParamAccess) -> Values {
    PARAM_IDS
        .iter()
        .filter(|id| !NOT_IN_PRESETS.contains(id))
        .filter_map(|id| params.get(id).map(|v| (*id, v)))
        .collect()
}

/// Moves every parameter in `values` that differs (one gesture each); returns how many moved.
pub fn apply(values: &Values, params: &mut dyn ParamAccess) -> usize {
    let mut moved = 0;
    for (id, value) in values {
        if params.get(id) != Some(*value) && params.set(id, *value) {
            moved += 1;
        }
    }
    moved
}

/// The moves of the named tuning preset (correction character; key and scale stay).
pub fn tuning_values(name: &str) -> Option<Values> {
    let p = tune_preset(name)?;
    let mut values = Values::from(tune_preset_values(&p));
    values.insert("tune_enabled", ParamValue::Bool(true));
    Some(values)
}

/// The moves of the named voice preset.
pub fn voice_values(name: &str) -> Option<Values> {
    let p = voice_preset(name)?;
    Some(Values::from(voice_preset_values(&p)))
}

/// A preset name as shown: "hard_tune" -> "Hard tune".
pub fn display_name(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Two slots of every value; the active one follows the controls, a click swaps.
#[derive(Debug, Clone, Default)]
pub struct AbCompare {
    /// The other slot's values (`None` until the first switch copies the current ones).
    other: Option<Values>,
    /// Whether B is the active slot.
    pub b_active: bool,
}

impl AbCompare {
    /// Switches to the other slot: keeps the current values in this slot and applies the other
    /// one's (the first switch starts B as a copy of A, so both can then be edited apart).
    pub fn switch(&mut self, params: &mut dyn ParamAccess) {
        let current = capture(params);
        if let Some(other) = self.other.replace(current) {
            apply(&other, params);
        }
        self.b_active = !self.b_active;
    }

    /// Copies the active slot into the other one.
    pub fn copy_to_other(&mut self, params: &dyn ParamAccess) {
        self.other = Some(capture(params));
    }
}

/// Where user presets live: `<daiw home>/presets/`.
pub fn user_dir(home: &Path) -> PathBuf {
    home.join("presets")
}

/// Whether `name` can be a preset's file name on every system.
fn valid_name(name: &str) -> bool {
    let trimmed = name.trim();
    !trimmed.is_empty()
        && trimmed.chars().count() <= MAX_NAME_CHARS
        && trimmed
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
}

/// Saves `values` as `<dir>/<name>.json` (replacing a preset of that name the user saved).
pub fn save_user(dir: &Path, name: &str, values: &Values) -> Result<PathBuf, PresetFileError> {
    if !valid_name(name) {
        return Err(PresetFileError::BadName(name.to_string()));
    }
    let path = dir.join(format!("{}.json", name.trim()));
    let io = |source| PresetFileError::Io {
        path: path.clone(),
        source,
    };
    let json = serde_json::json!({ "daiw_preset": 1, "name": name.trim(), "values": values });
    let text = serde_json::to_string_pretty(&json).map_err(|e| io(std::io::Error::other(e)))?;
    std::fs::create_dir_all(dir).map_err(io)?;
    // A corrupt file of that name is the user's to look at: never written over.
    if path.exists() && load_user(&path).is_err() {
        return Err(PresetFileError::Malformed {
            path,
            message: "a file of that name exists and is not a preset; kept as it is".into(),
        });
    }
    std::fs::write(&path, text).map_err(io)?;
    Ok(path)
}

/// Reads one user preset; values are checked against each parameter's kind and range.
pub fn load_user(path: &Path) -> Result<(String, Values), PresetFileError> {
    let malformed = |message: String| PresetFileError::Malformed {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|source| PresetFileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| malformed(e.to_string()))?;
    let name = json
        .get("name")
        .and_then(|n| n.as_str())
        .ok_or_else(|| malformed("no name".into()))?
        .to_string();
    let raw = json
        .get("values")
        .and_then(|v| v.as_object())
        .ok_or_else(|| malformed("no values".into()))?;
    let mut values = Values::new();
    for id in PARAM_IDS.iter().filter(|id| !NOT_IN_PRESETS.contains(id)) {
        if let Some(value) = raw.get(*id) {
            let parsed = parse_value(id, value)
                .ok_or_else(|| malformed(format!("{id}: {value} is not a valid value")))?;
            values.insert(id, parsed);
        }
    }
    if values.is_empty() {
        return Err(malformed("no known parameters".into()));
    }
    Ok((name, values))
}

/// A JSON value for parameter `id`, of its kind and inside its range.
fn parse_value(id: &str, value: &serde_json::Value) -> Option<ParamValue> {
    let spec = spec(id)?;
    match spec.default {
        ParamValue::Bool(_) => value.as_bool().map(ParamValue::Bool),
        ParamValue::Float(_) => value
            .as_f64()
            .map(|v| v as f32)
            .filter(|v| v.is_finite() && *v >= spec.min && *v <= spec.max)
            .map(ParamValue::Float),
        ParamValue::Key(_) => PitchClass::from_str(value.as_str()?)
            .ok()
            .map(ParamValue::Key),
        ParamValue::Scale(_) => ScaleKind::from_str(value.as_str()?)
            .ok()
            .map(ParamValue::Scale),
    }
}

/// The user presets in `dir`, by name, and a message per file that could not be read (those
/// are skipped, never changed).
pub fn list_user(dir: &Path) -> (Vec<(String, Values)>, Vec<String>) {
    let mut presets = Vec::new();
    let mut problems = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (presets, problems); // no folder yet: no user presets
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    for path in paths {
        match load_user(&path) {
            Ok(preset) => presets.push(preset),
            Err(e) => problems.push(e.to_string()),
        }
    }
    (presets, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::presets::{TUNE_PRESET_NAMES, VOICE_PRESET_NAMES};
    use crate::editor::param_access::MapParams;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("daiw-presets-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn every_named_preset_applies_known_parameters() {
        for name in TUNE_PRESET_NAMES {
            let values = tuning_values(name).expect(name);
            let mut params = MapParams::new();
            apply(&values, &mut params);
            for (id, v) in &values {
                assert_eq!(params.get(id), Some(*v), "{name} {id}");
            }
        }
        for name in VOICE_PRESET_NAMES {
            assert!(voice_values(name).is_some(), "{name}");
        }
        assert!(tuning_values("nonsense").is_none());
        assert_eq!(display_name("hard_tune"), "Hard tune");
    }

    #[test]
    fn ab_switches_between_two_sets_of_values() {
        let mut params = MapParams::new();
        let mut ab = AbCompare::default();
        params.set("mod_reverb", ParamValue::Float(0.1));
        ab.switch(&mut params); // to B: a copy of A
        assert!(ab.b_active);
        assert_eq!(params.get("mod_reverb"), Some(ParamValue::Float(0.1)));
        params.set("mod_reverb", ParamValue::Float(0.8));
        params.set("tune_key", ParamValue::Key(PitchClass::E));
        ab.switch(&mut params); // back to A
        assert_eq!(params.get("mod_reverb"), Some(ParamValue::Float(0.1)));
        assert_eq!(params.get("tune_key"), Some(ParamValue::Key(PitchClass::C)));
        ab.switch(&mut params); // B again, as left
        assert_eq!(params.get("mod_reverb"), Some(ParamValue::Float(0.8)));
        assert_eq!(params.get("tune_key"), Some(ParamValue::Key(PitchClass::E)));
        // Bypass is not part of either slot.
        params.set("bypass", ParamValue::Bool(true));
        ab.switch(&mut params);
        assert_eq!(params.get("bypass"), Some(ParamValue::Bool(true)));
    }

    #[test]
    fn user_presets_round_trip_and_corrupt_files_are_skipped_untouched() {
        let dir = temp_dir("user");
        let mut params = MapParams::new();
        params.set("tune_key", ParamValue::Key(PitchClass::FSharp));
        params.set("tune_scale", ParamValue::Scale(ScaleKind::Dorian));
        params.set("mod_formant", ParamValue::Float(-3.5));
        let values = capture(&params);
        let path = save_user(&dir, "Dark verse", &values).expect("saved");
        assert_eq!(path, dir.join("Dark verse.json"));
        std::fs::write(dir.join("broken.json"), "{ not json").expect("write");
        std::fs::write(
            dir.join("range.json"),
            r#"{"name":"x","values":{"mod_mix":7}}"#,
        )
        .expect("write");
        let (presets, problems) = list_user(&dir);
        assert_eq!(presets.len(), 1);
        assert_eq!(presets[0].0, "Dark verse");
        assert_eq!(presets[0].1, values);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("broken.json")));
        assert!(problems.iter().any(|p| p.contains("mod_mix")));
        // Saving over the corrupt file is refused and the file stays as it was.
        assert!(save_user(&dir, "broken", &values).is_err());
        assert_eq!(
            std::fs::read_to_string(dir.join("broken.json")).expect("read"),
            "{ not json"
        );
        assert!(matches!(
            save_user(&dir, "../escape", &values),
            Err(PresetFileError::BadName(_))
        ));
        // Loading it back moves the parameters.
        let mut fresh = MapParams::new();
        assert!(apply(&presets[0].1, &mut fresh) >= 3);
        assert_eq!(fresh.get("mod_formant"), Some(ParamValue::Float(-3.5)));
        let _ = std::fs::remove_dir_all(dir);
    }
}
