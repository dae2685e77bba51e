//! Questions about what the plugin heard: "what key am I in?", "how was my pitch?", "which
//! notes did I miss?" become a `listen` call (answered from the analysis, not the model).

use serde_json::json;

use super::normalise::Words;
use crate::assistant::tools::{ToolCall, ToolName};

/// Words that place the question on the singer's own singing.
const SELF_WORDS: [&str; 8] = ["i", "i'm", "im", "me", "my", "i've", "was", "singing"];

/// The `listen` call the words ask for, if they ask about the singer's key or pitch.
pub fn read(words: &Words) -> Option<ToolCall> {
    let about = if asks_key(words) {
        "key"
    } else if asks_pitch(words) {
        "pitch"
    } else {
        return None;
    };
    Some(ToolCall::new(ToolName::Listen, json!({ "about": about })))
}

/// "What key am I in?", "key?", "detect my key", "guess the key from my voice".
fn asks_key(words: &Words) -> bool {
    if !words.has("key")
        || words.has_any(&[
            "backing",
            "beat",
            "song",
            "track",
            "change",
            "intent",
            "tempo",
            "structure",
        ])
        || words.has_phrase("don't know")
        || words.has_phrase("dont know")
    {
        return false;
    }
    // An order to set a key ("key of A", "tune me to the key of E") is not a question.
    // "The tune I'm humming" is the song; "the key of the autotune" is a setting.
    let tune_order = words.has("tune") && !words.has_phrase("the tune");
    if words.has_any(&[
        "set",
        "put",
        "switch",
        "make",
        "autotune",
        "tuning",
        "correction",
    ]) || tune_order
    {
        return false;
    }
    let asks = words.has_any(&[
        "what",
        "what's",
        "whats",
        "wat",
        "which",
        "detect",
        "guess",
        "tell",
        "figure",
        "find",
        "know",
        "hear",
        "listen",
        "detection",
        "check",
        "identify",
        "analyse",
        "analyze",
    ]) || words.len() == 1;
    asks && (words.has_any(&SELF_WORDS)
        || words.has_any(&["this", "that", "vocal", "voice"])
        || words.len() == 1)
}

/// "How was my pitch?", "was I in tune", "which notes did I miss?", "pitch report".
fn asks_pitch(words: &Words) -> bool {
    let singer = words.has_any(&SELF_WORDS) || words.has_any(&["that", "take"]);
    // "Check my intonation", "did I hit the notes?".
    let intonation = words.has("intonation")
        && words.has_any(&["was", "were", "check", "how", "good", "bad", "rate", "is"])
        || words.has("hit") && words.has_any(&["notes", "note"]) && words.has("did");
    let report = intonation
        || words.has_phrase("pitch report")
        || words.has_phrase("rate my pitch")
        || words.has_phrase("in tune")
        || words.has_any(&["sharp", "flat", "accurate", "pitching", "miss", "off", "on"])
            && words.has_any(&["was", "were", "did", "how", "what", "which"])
        // "Am I singing sharp?"
        || words.has_any(&["sharp", "flat"]) && words.at(0) == "am"
        // "Check my pitch", "my pitch was good or no?".
        || words.has("pitch")
            && words.has_any(&["check", "rate", "judge", "was", "were"])
            && words.has_any(&["my", "i"]);
    let how_was = (words.has_phrase("how was") || words.has_phrase("how did"))
        && words.has_any(&["pitch", "take", "that", "do", "pitching"]);
    // "Take report please", "a report on my last take", "analyze my singing".
    let take_report = words.has("report") && words.has_any(&["take", "singing", "pitch", "my"])
        || words.has_any(&["analyze", "analyse", "evaluate", "assess"])
            && words.has_any(&["singing", "take", "vocal", "voice", "performance"]);
    // "How much reverb is on me currently?" asks for a setting, not a pitch report.
    let setting = words.has_any(&[
        "reverb",
        "retune",
        "speed",
        "compression",
        "whisper",
        "breath",
        "level",
        "volume",
        "backing",
        "amount",
        "humanize",
        "vibrato",
        "robot",
        "formant",
        "warmth",
        "presence",
        "mix",
        "output",
    ]);
    (report || how_was || take_report)
        && (singer || words.has_phrase("pitch report") || intonation || take_report)
        && !setting
        && !words.has_any(&["set", "make", "turn", "add"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn about(text: &str) -> Option<String> {
        read(&Words::new(text)).map(|c| c.args["about"].as_str().unwrap_or("").to_string())
    }

    #[test]
    fn key_and_pitch_questions() {
        assert_eq!(about("what key am I in?").as_deref(), Some("key"));
        assert_eq!(about("key?").as_deref(), Some("key"));
        assert_eq!(about("how was my pitch?").as_deref(), Some("pitch"));
        assert_eq!(about("take report please").as_deref(), Some("pitch"));
        assert_eq!(about("analyze my singing").as_deref(), Some("pitch"));
        assert_eq!(about("analyze the reverb").as_deref(), None);
        assert_eq!(about("was i in tune").as_deref(), Some("pitch"));
        assert_eq!(about("which notes did I miss?").as_deref(), Some("pitch"));
        assert_eq!(about("tune me to the key of E"), None);
        assert_eq!(about("what key is the backing in"), None);
        assert_eq!(about("more reverb"), None);
        assert_eq!(about("did I hit the notes?").as_deref(), Some("pitch"));
        assert_eq!(
            about("my intonation was good or bad?").as_deref(),
            Some("pitch")
        );
        assert_eq!(
            about("what key is the tune I'm humming in?").as_deref(),
            Some("key")
        );
        assert_eq!(about("in which key is the autotune now?"), None);
    }
}
