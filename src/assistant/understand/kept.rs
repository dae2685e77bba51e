//! Controls the request says to leave alone: "more presence, same reverb", "keep the reverb
//! as it is", "leave the whisper alone", "don't touch the robot". A reader that saw the
//! control's name may still have set it (the plain level of a named effect); the call keeps
//! every other argument.

use super::normalise::Words;
use crate::assistant::tools::ToolCall;

/// Each voice argument and the words that name its control.
const NAMES: [(&str, &[&str]); 8] = [
    ("reverb", &["reverb", "verb", "echo", "room", "space"]),
    ("whisper", &["whisper"]),
    ("breathiness", &["breath", "breathiness", "air"]),
    ("robot", &["robot"]),
    ("warmth", &["warmth"]),
    ("presence", &["presence"]),
    ("compression", &["compression", "comp", "compressor"]),
    ("humanize", &["humanize", "humanise"]),
];

/// Words that, in a control's own clause, leave it where it is.
const LEAVE: [&str; 6] = ["same", "keep", "leave", "alone", "untouched", "unchanged"];

/// Words that still move or size a control a "keep" names ("keep the reverb but lower",
/// "keep the whisper low", "keep some air").
const MOVES: &[&str] = &[
    "more", "less", "up", "down", "lower", "higher", "raise", "at", "to", "%", "percent", "bit",
    "louder", "quieter", "low", "high", "subtle", "light", "heavy", "little", "lot", "some", "max",
    "min", "off", "on", "half", "tiny", "touch", "small", "big", "from", "by", "than", "of",
    "double", "twice", "bump", "push", "pull", "boost", "cut", "drop", "add",
];

/// `call` without the arguments of controls the words leave alone; `None` when nothing is
/// left.
pub fn without_kept(mut call: ToolCall, words: &Words) -> Option<ToolCall> {
    let mut removed = false;
    for (arg, names) in NAMES {
        if call.args.contains_key(arg) && left_alone(words, names) {
            call.args.remove(arg);
            removed = true;
        }
    }
    // Calls without arguments (undo, a look at the settings) are kept as they are.
    (!removed || !call.args.is_empty()).then_some(call)
}

/// Whether a clause that names one of `names` leaves it where it is, and says nothing else.
fn left_alone(words: &Words, names: &[&str]) -> bool {
    let Some(at) = words.find_any(names) else {
        return false;
    };
    let start = words.clause_start(at);
    let end = (at + 1..words.len())
        .find(|&k| words.words[k].boundary)
        .unwrap_or(words.len());
    let clause: Vec<&str> = (start..end).map(|k| words.at(k)).collect();
    let leave = clause.iter().any(|w| LEAVE.contains(w))
        || clause
            .windows(3)
            .any(|w| w == ["as", "it", "is"] || w == ["where", "it", "is"])
        || clause
            .windows(2)
            .any(|w| matches!(w[0], "don't" | "dont") && w[1] == "touch");
    leave
        && !clause
            .iter()
            .any(|w| MOVES.contains(w) || w.parse::<f64>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kept(text: &str, args: serde_json::Value) -> Option<serde_json::Value> {
        let call = ToolCall::new(crate::assistant::tools::ToolName::VoiceModulate, args);
        without_kept(call, &Words::new(text)).map(|c| serde_json::Value::Object(c.args))
    }

    #[test]
    fn a_control_left_alone_is_not_moved() {
        assert_eq!(
            kept(
                "less compression, more presence, same reverb",
                json!({"compression": 0.0, "presence": 0.7, "reverb": 0.3})
            ),
            Some(json!({"compression": 0.0, "presence": 0.7}))
        );
        assert_eq!(
            kept("leave the whisper alone", json!({"whisper": 0.4})),
            None
        );
        // A keep that also moves it, or a clause of its own that moves it, stays.
        assert_eq!(
            kept("keep the reverb but a bit lower", json!({"reverb": 0.2})),
            Some(json!({"reverb": 0.2}))
        );
        assert_eq!(
            kept("more reverb", json!({"reverb": 0.5})),
            Some(json!({"reverb": 0.5}))
        );
    }
}
