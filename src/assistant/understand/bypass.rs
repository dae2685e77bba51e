//! The plugin's bypass in a request about the output: "bypass the plugin", "stop bypassing",
//! "turn the plugin back on", and the level clauses beside such a switch.

use serde_json::{json, Map, Value};

use super::normalise::{Word, Words};

/// Bypass: "bypass the plugin", "bring the effects back", "unbypass".
pub(super) fn bypass(words: &Words, args: &mut Map<String, Value>) {
    // "Turn the plugin off (bypass)": the plugin is what goes off.
    let plugin_off = [
        "plugin off",
        "effects off",
        "off the plugin",
        "disable the plugin",
    ]
    .iter()
    .any(|p| words.has_phrase(p));
    if plugin_off {
        args.insert("bypass".into(), json!(true));
    } else if words.has("unbypass") || words.has("engage") || words.has_phrase("out of bypass") {
        args.insert("bypass".into(), json!(false));
    } else if words.has_any(&["bypass", "bypassing", "bypassed"]) {
        // "Don't bypass it anymore", "not bypass please, I want to hear the effect", "stop
        // bypassing".
        let negated = words
            .find_any(&["bypass", "bypassing", "bypassed"])
            .is_some_and(|i| {
                (i.saturating_sub(2)..i).any(|k| {
                    matches!(
                        words.at(k),
                        "don't" | "dont" | "not" | "no" | "stop" | "never"
                    )
                })
            });
        let off = negated || words.has_any(&["off", "disable", "stop", "remove", "un"]);
        args.insert("bypass".into(), json!(!off));
    } else if words.has_any(&["effects", "effect", "plugin"]) && words.has("back") {
        args.insert("bypass".into(), json!(false));
    } else if words.has_any(&["effects", "plugin", "everything"])
        && words.has_any(&["off", "disable"])
        && !speaks_of_level(words)
    {
        // "Turn the plugin off": the voice passes through untouched.
        args.insert("bypass".into(), json!(true));
    } else if words.has_any(&["effects", "plugin"]) && words.has_any(&["on", "enable", "activate"])
    {
        args.insert("bypass".into(), json!(false));
    }
}

/// Whether the clause is about a level, so its "off" takes some off ("plugin output: knock three
/// dB off", "ease the plugin's output level off a bit") rather than switching the plugin off.
fn speaks_of_level(words: &Words) -> bool {
    words.has_any(&[
        "level", "volume", "gain", "db", "hot", "clipping", "bit", "little", "touch", "slightly",
        "notch", "tad",
    ])
}

/// The clauses of `words` that do not switch the plugin, or `None` when every clause does.
pub(super) fn without_switches(words: &Words) -> Option<Words> {
    // The pieces between commas and other marks, as written.
    let mut pieces: Vec<Vec<Word>> = Vec::new();
    for w in &words.words {
        match pieces.last_mut() {
            Some(p) if !w.boundary => p.push(w.clone()),
            _ => pieces.push(vec![w.clone()]),
        }
    }
    let kept: Vec<_> = pieces
        .into_iter()
        .map(|words| Words { words })
        .filter(|c| {
            let mut probe = Map::new();
            bypass(c, &mut probe);
            probe.is_empty()
        })
        .flat_map(|c| c.words)
        .collect();
    (!kept.is_empty()).then_some(Words { words: kept })
}
