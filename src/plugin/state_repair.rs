//! Repair of whatever a host or a project file hands the plugin as its state, before anything
//! uses it. nice-plug stores a loaded value as it is: an enum index past its variants makes the
//! next save panic inside the host (`ids[index]`), a float outside its range plays (an output
//! gain of 100 dB), and a non-finite one is saved back as `null`, which makes the next load
//! reject the whole state. Each repair is reported as one line for the host's log; one bad
//! field never discards the others.

use std::path::{Component, Path, PathBuf};

use nice_plug::plugin::{ParamValue, PluginState};
use nice_plug::prelude::{ParamPtr, Params};

use super::state::SavedSession;
use crate::params::DaiwParams;

/// The kind of value a parameter holds, read from a reference instance of the parameters.
#[derive(Debug, Clone, PartialEq)]
enum Expected {
    /// A float between `min` and `max` (plain units), `default` when unusable.
    Float { min: f32, max: f32, default: f32 },
    /// A whole number between `min` and `max`, `default` when unusable.
    Int { min: i32, max: i32, default: i32 },
    /// A switch.
    Bool { default: bool },
    /// An enum saved by its stable id.
    Enum {
        ids: Vec<&'static str>,
        default: usize,
    },
}

/// What every parameter id expects, from a fresh `DaiwParams` (its ranges and defaults are the
/// one source; nothing here repeats them).
fn expectations() -> Vec<(String, Expected)> {
    let reference = DaiwParams::default();
    reference
        .param_map()
        .into_iter()
        .map(|(id, ptr, _)| (id, expected_of(ptr)))
        .collect()
}

fn expected_of(ptr: ParamPtr) -> Expected {
    // SAFETY: `ptr` points into the `DaiwParams` that `expectations` owns for this whole call.
    unsafe {
        match ptr {
            ParamPtr::EnumParam(inner) => {
                let count = (*inner).len();
                let default = ptr.default_plain_value().round().max(0.0) as usize;
                // Each variant's stable id, read by moving the reference copy through them.
                let ids = (0..count)
                    .map(|index| {
                        ptr._internal_set_normalized_value(ptr.preview_normalized(index as f32));
                        (*inner).unmodulated_plain_id().unwrap_or("")
                    })
                    .collect();
                Expected::Enum { ids, default }
            }
            ParamPtr::BoolParam(_) => Expected::Bool {
                default: ptr.default_plain_value() > 0.5,
            },
            ParamPtr::IntParam(_) => Expected::Int {
                min: ptr.preview_plain(0.0).round() as i32,
                max: ptr.preview_plain(1.0).round() as i32,
                default: ptr.default_plain_value().round() as i32,
            },
            ParamPtr::FloatParam(_) => Expected::Float {
                min: ptr.preview_plain(0.0),
                max: ptr.preview_plain(1.0),
                default: ptr.default_plain_value(),
            },
        }
    }
}

/// Makes every parameter value in `state` one the plugin can play and save: unknown ids are
/// dropped, wrong types and non-finite numbers become the default, floats are clamped into
/// range, enums become a known stable id. Returns one line per repair.
pub fn repair_params(state: &mut PluginState) -> Vec<String> {
    let mut repairs = Vec::new();
    let expected = expectations();
    state.params.retain(|id, _| {
        let known = expected.iter().any(|(e, _)| e == id);
        if !known {
            repairs.push(format!("unknown parameter '{id}' ignored"));
        }
        known
    });
    for (id, expect) in &expected {
        let Some(value) = state.params.get_mut(id) else {
            continue;
        };
        if let Some((fixed, why)) = repaired_value(value, expect) {
            repairs.push(format!("parameter '{id}': {why}"));
            *value = fixed;
        }
    }
    repairs
}

/// The value to store instead of `value`, and why, or `None` when `value` is fine.
fn repaired_value(value: &ParamValue, expect: &Expected) -> Option<(ParamValue, String)> {
    match (expect, value) {
        (Expected::Float { min, max, default }, ParamValue::F32(v)) => {
            if !v.is_finite() {
                Some((ParamValue::F32(*default), format!("{v} is not a number")))
            } else if v < min || v > max {
                let clamped = v.clamp(*min, *max);
                Some((
                    ParamValue::F32(clamped),
                    format!("{v} is outside {min}..{max}, clamped to {clamped}"),
                ))
            } else {
                None
            }
        }
        (Expected::Float { default, .. }, other) => Some((
            ParamValue::F32(*default),
            format!("{other:?} is not a number, default {default} used"),
        )),
        (Expected::Int { min, max, .. }, ParamValue::I32(v)) if v < min || v > max => {
            let clamped = (*v).clamp(*min, *max);
            Some((
                ParamValue::I32(clamped),
                format!("{v} is outside {min}..{max}, clamped to {clamped}"),
            ))
        }
        (Expected::Int { .. }, ParamValue::I32(_)) => None,
        (Expected::Int { min, max, .. }, ParamValue::F32(v)) if v.is_finite() => {
            let fixed = (v.round().clamp(*min as f32, *max as f32)) as i32;
            Some((
                ParamValue::I32(fixed),
                format!("{v} stored as the whole number {fixed}"),
            ))
        }
        (Expected::Int { default, .. }, other) => Some((
            ParamValue::I32(*default),
            format!("{other:?} is not a whole number, default {default} used"),
        )),
        (Expected::Bool { .. }, ParamValue::Bool(_)) => None,
        (Expected::Bool { default }, other) => Some((
            ParamValue::Bool(*default),
            format!("{other:?} is not on/off, default {default} used"),
        )),
        (Expected::Enum { ids, default }, value) => repaired_enum(value, ids, *default),
    }
}

/// Enums are always saved by stable id: an id or an index in range is kept (as the id), else
/// the default's id.
fn repaired_enum(
    value: &ParamValue,
    ids: &[&'static str],
    default: usize,
) -> Option<(ParamValue, String)> {
    let default_id = ids.get(default).copied().unwrap_or_default();
    match value {
        ParamValue::String(id) if ids.contains(&id.as_str()) => None,
        ParamValue::I32(index) => match usize::try_from(*index).ok().and_then(|i| ids.get(i)) {
            Some(id) => Some((
                ParamValue::String((*id).to_string()),
                format!("index {index} stored as its id '{id}'"),
            )),
            None => Some((
                ParamValue::String(default_id.to_string()),
                format!(
                    "index {index} is outside 0..{}, default '{default_id}' used",
                    ids.len()
                ),
            )),
        },
        other => Some((
            ParamValue::String(default_id.to_string()),
            format!("{other:?} is not one of {ids:?}, default '{default_id}' used"),
        )),
    }
}

/// Longest text kept in one saved chat entry, in characters: a project's chat is for reading
/// back, and a pathological entry (a pasted file, a hostile state) must not bloat every save.
pub const MAX_ENTRY_CHARS: usize = 20_000;

/// Makes a loaded session safe to use: bounded, every text entry of a sane length, a backing
/// that can be generated, and the song intent's file inside `home`'s `intents` folder (a
/// project from someone else must not make the plugin write where it names). Returns one line
/// per repair.
pub fn repair_session(session: &mut SavedSession, home: &Path) -> Vec<String> {
    let mut repairs = Vec::new();
    session.bound();
    for entry in &mut session.entries {
        if entry.truncate_text(MAX_ENTRY_CHARS) {
            repairs.push(format!(
                "a chat entry longer than {MAX_ENTRY_CHARS} characters was shortened"
            ));
        }
    }
    if let Some(spec) = &session.backing {
        if let Err(why) = spec.check() {
            repairs.push(format!("the saved backing was dropped: {why}"));
            session.backing = None;
        }
    }
    if let Some(intent) = &mut session.intent {
        if let Some(why) = reroot_intent(&mut intent.path, home) {
            repairs.push(format!("the song intent's file {why}"));
        }
    }
    if let Some(memory) = &mut session.memory {
        if let Some(path) = &mut memory.intent_path {
            if let Some(why) = reroot_intent(path, home) {
                repairs.push(format!("the remembered song intent {why}"));
            }
        }
    }
    repairs
}

/// Moves `path` into `dir` (same file name, made safe) unless it already lies there; says what
/// it did.
fn reroot(path: &mut PathBuf, dir: &Path) -> Option<String> {
    if lies_inside(path, dir) {
        return None;
    }
    let name = safe_file_name(path);
    let moved = dir.join(name);
    let why = format!("{} now lives in {}", path.display(), moved.display());
    *path = moved;
    Some(why)
}

/// Whether `path` is `dir/NAME` with a plain file name (no `..`, no deeper folders).
fn lies_inside(path: &Path, dir: &Path) -> bool {
    path.parent() == Some(dir)
        && matches!(path.components().next_back(), Some(Component::Normal(_)))
}

/// The file name of `path` with only letters, digits, `-`, `_` and `.` kept, ending in `.json`.
fn safe_file_name(path: &Path) -> String {
    let stem: String = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(80)
        .collect();
    if stem.is_empty() {
        "intent.json".into()
    } else {
        format!("{stem}.json")
    }
}

/// Moves an intent file's path into `home`'s `intents` folder unless it lies there already;
/// says what it did.
pub fn reroot_intent(path: &mut PathBuf, home: &Path) -> Option<String> {
    reroot(path, &home.join("intents"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::state::SavedIntent;
    use std::collections::BTreeMap;

    fn state(params: &[(&str, ParamValue)]) -> PluginState {
        PluginState {
            version: String::new(),
            params: params
                .iter()
                .map(|(id, v)| (id.to_string(), v.clone()))
                .collect(),
            fields: BTreeMap::new(),
        }
    }

    fn f32_of(state: &PluginState, id: &str) -> f32 {
        match state.params.get(id) {
            Some(ParamValue::F32(v)) => *v,
            other => panic!("{id}: {other:?}"),
        }
    }

    fn i32_of(state: &PluginState, id: &str) -> i32 {
        match state.params.get(id) {
            Some(ParamValue::I32(v)) => *v,
            other => panic!("{id}: {other:?}"),
        }
    }

    fn id_of<'a>(state: &'a PluginState, id: &str) -> &'a str {
        match state.params.get(id) {
            Some(ParamValue::String(v)) => v,
            other => panic!("{id}: {other:?}"),
        }
    }

    #[test]
    fn enum_indices_out_of_range_become_the_default_id() {
        let mut s = state(&[
            ("tune_scale", ParamValue::I32(13)),
            ("tune_key", ParamValue::I32(12)),
        ]);
        let repairs = repair_params(&mut s);
        assert_eq!(repairs.len(), 2, "{repairs:?}");
        assert_eq!(id_of(&s, "tune_scale"), "major");
        assert_eq!(id_of(&s, "tune_key"), "C");
        let mut s = state(&[
            ("tune_scale", ParamValue::I32(-1)),
            ("tune_key", ParamValue::String("H".into())),
        ]);
        repair_params(&mut s);
        assert_eq!(id_of(&s, "tune_scale"), "major");
        assert_eq!(id_of(&s, "tune_key"), "C");
    }

    #[test]
    fn whole_numbers_and_the_new_enums_are_repaired() {
        let mut s = state(&[
            ("tune_note_mask", ParamValue::I32(70_000)),
            ("harmony_voices", ParamValue::F32(2.4)),
            ("tune_follow_chords", ParamValue::I32(7)),
            ("harmony_mode", ParamValue::String("midi".into())),
        ]);
        let repairs = repair_params(&mut s);
        assert_eq!(repairs.len(), 3, "{repairs:?}");
        assert_eq!(i32_of(&s, "tune_note_mask"), 4095);
        assert_eq!(i32_of(&s, "harmony_voices"), 2);
        assert_eq!(id_of(&s, "tune_follow_chords"), "off");
        assert_eq!(id_of(&s, "harmony_mode"), "midi");
        let mut s = state(&[
            ("harmony_voices", ParamValue::F32(f32::NAN)),
            ("tune_note_mask", ParamValue::I32(1234)),
        ]);
        assert_eq!(repair_params(&mut s).len(), 1);
        assert_eq!(i32_of(&s, "harmony_voices"), 0);
        assert_eq!(i32_of(&s, "tune_note_mask"), 1234);
    }

    #[test]
    fn the_voice_midi_channel_stays_a_midi_channel() {
        let mut s = state(&[
            ("voice_midi_channel", ParamValue::I32(0)),
            ("voice_midi", ParamValue::F32(1.0)),
        ]);
        assert_eq!(repair_params(&mut s).len(), 2);
        assert_eq!(i32_of(&s, "voice_midi_channel"), 1);
        let mut s = state(&[("voice_midi_channel", ParamValue::F32(16.7))]);
        repair_params(&mut s);
        assert_eq!(i32_of(&s, "voice_midi_channel"), 16);
        let mut s = state(&[("voice_midi_channel", ParamValue::F32(f32::INFINITY))]);
        repair_params(&mut s);
        assert_eq!(i32_of(&s, "voice_midi_channel"), 1);
    }

    #[test]
    fn enum_indices_in_range_are_kept_as_ids() {
        let mut s = state(&[
            ("tune_key", ParamValue::I32(9)),
            ("tune_scale", ParamValue::String("dorian".into())),
        ]);
        let repairs = repair_params(&mut s);
        assert_eq!(repairs.len(), 1, "{repairs:?}");
        assert_eq!(id_of(&s, "tune_key"), "A");
        assert_eq!(id_of(&s, "tune_scale"), "dorian");
    }

    #[test]
    fn floats_are_clamped_and_non_finite_ones_reset() {
        let mut s = state(&[
            ("output_gain", ParamValue::F32(100.0)),
            ("mod_reverb", ParamValue::F32(1e39_f64 as f32)),
            ("mod_pitch", ParamValue::F32(f32::NAN)),
            ("tune_retune_ms", ParamValue::F32(-5.0)),
            ("mod_mix", ParamValue::F32(0.25)),
        ]);
        let repairs = repair_params(&mut s);
        assert_eq!(repairs.len(), 4, "{repairs:?}");
        assert_eq!(f32_of(&s, "output_gain"), 12.0);
        assert_eq!(f32_of(&s, "mod_reverb"), 0.0, "infinity -> default");
        assert_eq!(f32_of(&s, "mod_pitch"), 0.0);
        assert_eq!(f32_of(&s, "tune_retune_ms"), 0.0);
        assert_eq!(f32_of(&s, "mod_mix"), 0.25, "a good value is untouched");
    }

    #[test]
    fn wrong_types_and_unknown_ids_are_repaired_one_by_one() {
        let mut s = state(&[
            ("bypass", ParamValue::F32(1.0)),
            ("output_gain", ParamValue::Bool(true)),
            ("no_such_param", ParamValue::I32(3)),
            ("mod_breath", ParamValue::F32(0.4)),
        ]);
        let repairs = repair_params(&mut s);
        assert_eq!(repairs.len(), 3, "{repairs:?}");
        assert!(matches!(
            s.params.get("bypass"),
            Some(ParamValue::Bool(false))
        ));
        assert_eq!(f32_of(&s, "output_gain"), 0.0);
        assert!(!s.params.contains_key("no_such_param"));
        assert_eq!(f32_of(&s, "mod_breath"), 0.4);
    }

    #[test]
    fn a_repaired_state_saves_and_loads_as_json() {
        let mut s = state(&[("mod_reverb", ParamValue::F32(f32::INFINITY))]);
        repair_params(&mut s);
        let json = serde_json::to_string(&s).expect("json");
        assert!(!json.contains("null"), "{json}");
        let back: PluginState = serde_json::from_str(&json).expect("loads back");
        assert_eq!(f32_of(&back, "mod_reverb"), 0.0);
    }

    #[test]
    fn intent_paths_are_rerooted_into_home() {
        let home = Path::new("/home/someone/.daiw");
        let mut session = SavedSession {
            intent: Some(SavedIntent {
                title: "t".into(),
                path: PathBuf::from("/etc/cron.d/../evil file.json"),
                content: None,
            }),
            ..SavedSession::default()
        };
        let repairs = repair_session(&mut session, home);
        assert_eq!(repairs.len(), 1, "{repairs:?}");
        let intent = session.intent.as_ref().expect("intent kept");
        assert_eq!(intent.path, home.join("intents/evilfile.json"));
        // Already inside: untouched.
        assert!(repair_session(&mut session, home).is_empty());
        for sneaky in [
            "intents/../x.json",
            "intents/a/b.json",
            "/tmp/intents/x.json",
        ] {
            let path = if sneaky.starts_with('/') {
                PathBuf::from(sneaky)
            } else {
                home.join(sneaky)
            };
            assert!(!lies_inside(&path, &home.join("intents")), "{sneaky}");
        }
    }

    #[test]
    fn a_backing_that_cannot_be_generated_is_dropped() {
        let home = Path::new("/h");
        let mut session = SavedSession {
            backing: Some(crate::assistant::state::BackingSpec {
                bars: 1_000_000,
                ..Default::default()
            }),
            ..SavedSession::default()
        };
        let repairs = repair_session(&mut session, home);
        assert_eq!(repairs.len(), 1, "{repairs:?}");
        assert!(session.backing.is_none());
    }
}
