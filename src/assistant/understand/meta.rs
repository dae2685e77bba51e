//! Requests about the conversation rather than a control: the current settings, starting
//! over, and edits too vague to carry out ("change it"), which get one short question.

use serde_json::json;

use super::normalise::Words;
use crate::assistant::tools::{ToolCall, ToolName};

/// Controls a question about the settings may name.
const CONTROL_NAMES: &[&str] = &[
    "reverb",
    "tuning",
    "autotune",
    "correction",
    "backing",
    "robot",
    "whisper",
    "breath",
    "compression",
    "pitch",
    "formant",
    "harmony",
    "harmonies",
    "retune",
    "output",
    "bypass",
    "humanize",
    "vibrato",
    "warmth",
    "presence",
    "spread",
];

/// "Would more compression help?", "would it sound better in minor?": an outcome asked
/// about, for the model to answer, not an order ("would you mind turning it down" orders).
pub fn asks_an_outcome(words: &Words) -> bool {
    words.at(0) == "would"
        && words.at(1) != "you"
        && words.has_any(&["help", "better", "worse", "work", "improve"])
}

/// Whether the request asks what the settings are.
pub fn is_state_question(words: &Words) -> bool {
    let subject = words.has_any(&[
        "settings",
        "state",
        "status",
        "parameters",
        "setup",
        "values",
        "value",
        "params",
        "knobs",
        "dials",
    ]);
    let ask = words.has_any(&[
        "what", "show", "current", "list", "tell", "whats", "what's", "dump", "check", "see",
        "read", "give", "say", "print", "display",
    ]);
    // "Compression: half of the current value" is an order about that value.
    let multiple = words.has_any(&["half", "halve", "double", "twice"]);
    (subject && (ask || words.len() <= 2) && !multiple)
        || words.has_phrase("show me everything")
        || words.has_phrase("where everything is")
        || words.has_phrase("everything set")
        || words.has_phrase("what key am i")
        || words.has_phrase("which key am i")
        || words.has_phrase("what key are we")
        || words.has_phrase("are at")
        || words.has_any(&["how", "what", "whats", "what's"])
            && (matches!(words.at(words.len().saturating_sub(1)), "set" | "at")
                // "What's the reverb set to?", "what key is the autotune set to".
                || words.len() >= 2
                    && words.at(words.len() - 1) == "to"
                    && words.at(words.len() - 2) == "set")
        // "What is the retune speed now?": a value asked for, not advice.
        // "Where's my reverb at?", "is the tuning on at the moment?".
        || words.has_any(&["where", "wheres", "where's"])
            && words.has_any(CONTROL_NAMES)
            // "Keep the pitch where it is" orders it left alone.
            && !words.has_any(&["keep", "leave", "hold", "stay", "stays"])
            // "Bump the verb by a quarter from where it is", "a notch under where it sits"
            // move from there.
            && !words.find_any(&["where", "wheres", "where's"]).is_some_and(|i| {
                matches!(
                    words.before(i),
                    "from" | "than" | "under" | "over" | "below" | "above" | "to" | "back" | "of"
                )
            })
        || matches!(words.at(0), "is" | "are")
            && words.has_any(&["on", "off", "active", "enabled"])
            && words.has_any(CONTROL_NAMES)
            && !words.has_any(&["too", "should"])
        // "How much verb have I got on?", "how much reverb is on me?".
        || words.has_phrase("how much")
            && words.has_any(CONTROL_NAMES)
            && words.has_any(&["on", "got", "using", "applied"])
            && !words.has_any(&["should", "would", "more", "less", "need", "want"])
        || asks_a_value(words)
        // "Remind me the bpm and key of the track".
        || words.has_phrase("remind me") && !words.has_phrase("remind me to")
        || words.has_any(&["what", "whats", "what's", "which", "how"])
            && (words.has_any(&["now", "currently", "current", "rn"])
                || words.has_phrase("at the moment")
                || words.has_phrase("right now"))
            && !words.has_any(&["should", "do", "can", "could", "next"])
            // "Reverb to half of what it is now" is an order, not a question.
            && !words.has_phrase("of what")
}

/// "How much vibrato do I have?", "what reverb am I on?", "is the humanize high?", "check
/// the compression", "current warmth?": a control's value asked for in other words, with no
/// way to move it.
fn asks_a_value(words: &Words) -> bool {
    let control = words.has_any(CONTROL_NAMES);
    let moves = words.has_any(&[
        "more", "less", "too", "should", "would", "need", "want", "up", "down", "set", "make",
        "turn", "raise", "lower", "add",
    ]);
    if !control || moves {
        return false;
    }
    let has = words.has_phrase("how much") && words.has_any(&["have", "got"]);
    let on = ["am i on", "are we on", "am i using", "are we using"]
        .iter()
        .any(|p| words.has_phrase(p));
    let level = matches!(words.at(0), "is" | "are")
        && words.has_any(&["high", "low", "loud", "quiet", "strong", "heavy", "much"]);
    // "Check my pitch" asks for a listen, not a setting.
    let check = words.at(0) == "check" && !words.has_phrase("my pitch") && !words.has("sing");
    let current = words.at(0) == "current";
    has || on || level || check || current
}

/// "What bpm is the backing?", "what key is the beat in", "is the beat playing", "which preset
/// am I on", "what scale am I tuned to", "tell me the current key": the backing's or the
/// tuning's settings asked for, with no way to move them.
pub fn asks_a_setting(words: &Words) -> bool {
    let asking = matches!(
        words.at(0),
        "what" | "whats" | "what's" | "which" | "how" | "is" | "are" | "tell"
    );
    let moves = words.has_any(&[
        "more", "less", "should", "would", "need", "want", "make", "turn", "change", "usually",
        "good", "best", "for", "sing",
    ]);
    // One question, not a question among orders ("tell me my key, then play the beat").
    let one_clause =
        super::clauses::split(words).len() == 1 && !words.has_any(&["then", "plus", "also", "and"]);
    if !asking || moves || !one_clause {
        return false;
    }
    // "The beat", "my backing": the one loaded, not "a typical drill beat".
    let backing = words.has_any(&["backing", "beat", "loop", "groove", "instrumental"])
        && words.has_any(&["the", "my", "this", "our"])
        && !words.has_any(&["typical", "usually", "normally", "usual"]);
    let attribute = words.has_any(&[
        "bpm", "tempo", "key", "style", "genre", "bars", "long", "fast", "playing", "mode",
    ]);
    let tuned = [
        "am i tuned",
        "am i set",
        "preset am i",
        "preset are we",
        "current key",
    ]
    .iter()
    .any(|p| words.has_phrase(p));
    // "What's my output level?": the value of the singer's own control (the pitch and the
    // key are the take's, for a listen).
    let mine = matches!(words.at(0), "what" | "whats" | "what's")
        && (words.at(1) == "my" || words.at(1) == "is" && words.at(2) == "my")
        && words.has_any(CONTROL_NAMES)
        && !words.has_any(&["pitch", "key", "note", "notes", "voice"]);
    backing && attribute || tuned || mine
}

/// "Backing level?", "retune speed?": a control named with a question mark and nothing
/// else asks where it is.
pub fn asks_bare_control(text: &str, words: &Words) -> bool {
    const SETTING: [&str; 6] = ["level", "speed", "amount", "time", "volume", "gain"];
    text.trim_end().ends_with('?')
        && words.len() <= 3
        && words.has_any(CONTROL_NAMES)
        && words.words.iter().all(|w| {
            CONTROL_NAMES.contains(&w.text.as_str())
                || SETTING.contains(&w.text.as_str())
                || matches!(w.text.as_str(), "the" | "my" | "retune")
        })
}

/// Whether the request asks to start over with a clean voice.
pub fn is_reset_all(words: &Words) -> bool {
    let everything = words.has_any(&["everything", "all"]);
    (everything && (words.has_phrase("back to normal") || words.has("reset")))
        || words.has_phrase("start over")
        || words.has_phrase("from scratch")
}

/// Starting over: natural tuning and a neutral voice (the key and scale stay: they describe
/// the song, not the effect).
pub fn reset_all() -> Vec<ToolCall> {
    vec![
        ToolCall::new(ToolName::VoiceTune, json!({"preset": "natural"})),
        ToolCall::new(ToolName::VoiceModulate, json!({"preset": "neutral"})),
    ]
}

/// The question for an edit that names nothing to edit ("change it", "make it better",
/// "more", "a bit less").
pub fn vague_edit(words: &Words) -> Option<String> {
    const RELATIVE: [&str; 10] = [
        "more", "less", "higher", "lower", "bigger", "smaller", "slower", "faster", "shorter",
        "longer",
    ];
    const FILLER: [&str; 12] = [
        "a", "bit", "little", "lot", "much", "please", "way", "even", "some", "it", "just", "make",
    ];
    let only_relative = words.has_any(&RELATIVE)
        && words
            .words
            .iter()
            .all(|w| RELATIVE.contains(&w.text.as_str()) || FILLER.contains(&w.text.as_str()));
    if only_relative {
        return Some("Which one: the reverb, the tuning, your level or the backing?".into());
    }
    // "Lower my voice": the pitch or the level?
    if words.has_any(&["lower", "raise"]) && words.has("voice") && words.len() <= 4 {
        return Some("Do you mean the pitch (say \"down a tone\") or the level?".into());
    }
    let edit = words.has_any(&[
        "change",
        "fix",
        "better",
        "improve",
        "tweak",
        "tweek",
        "adjust",
        "different",
        "edit",
    ]);
    let object = words.has_any(&["it", "this", "that", "something"]) || words.len() <= 2;
    (edit && object).then(|| super::OPEN_QUESTION.to_string())
}

/// Words that name nothing the assistant can change: pronouns, fillers, amounts and vague
/// verbs. A request made only of them ("do something", "halve it", "same but more") says
/// how much or that something should change, never what.
const SAYS_NOTHING: &[&str] = &[
    "a",
    "an",
    "the",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "them",
    "some",
    "something",
    "anything",
    "bit",
    "little",
    "lot",
    "lots",
    "much",
    "more",
    "less",
    "twice",
    "double",
    "half",
    "halve",
    "same",
    "but",
    "and",
    "or",
    "please",
    "pls",
    "plz",
    "can",
    "could",
    "would",
    "will",
    "you",
    "u",
    "do",
    "make",
    "just",
    "maybe",
    "hmm",
    "hm",
    "um",
    "so",
    "again",
    "even",
    "way",
    "as",
    "of",
    "different",
    "differently",
    "thing",
    "stuff",
    "try",
    "too",
    "very",
    "really",
    "slightly",
    "tad",
    "touch",
    "notch",
    "now",
    "kinda",
    "i",
    "want",
    "need",
    "go",
    "x2",
    "2x",
];

/// "Do something", "halve it", "bit more of that", "can you halve it?": every word names
/// nothing, so the request gets one question with the choices; examples that share only
/// these words ("a bit of whisper") are no evidence of what is meant.
pub fn names_nothing(words: &Words) -> bool {
    !words.is_empty()
        && words
            .words
            .iter()
            .all(|w| SAYS_NOTHING.contains(&w.text.as_str()))
}

/// Whether the request asks about a reason, a meaning or advice ("why does the plugin add
/// latency?", "what makes a scale pentatonic?", "what does 'pumping' mean?", "what retune
/// speed would you use on a ballad?"): its verbs are asked about, not ordered. A suggestion
/// ("why not add some compression?", "why don't you...") and a question about what the
/// speaker should do ("how do I...") are not such questions.
pub fn asks_about(words: &Words) -> bool {
    // "Can you explain the hard tune preset?", "tell me what a key signature means", "I don't
    // understand the spread": the meaning is asked for, not the thing.
    let meaning = words.has_any(&["explain", "define", "means", "meaning"])
        || ["don't understand", "dont understand", "do not understand"]
            .iter()
            .any(|p| words.has_phrase(p));
    if meaning && !words.has_any(&["and", "then", "also"]) {
        return true;
    }
    // "Do you know what a melisma is?", "what is a bridge": a thing named to be defined.
    let defined = [
        "what a",
        "what an",
        "what is a",
        "what is an",
        "what's a",
        "whats a",
    ]
    .iter()
    .any(|p| words.has_phrase(p))
        && !words.has_any(&["my", "i", "me", "we"]);
    if defined {
        return true;
    }
    if asks_an_outcome(words) {
        return true;
    }
    let first = words.at(0);
    // "How much reverb should I use on a vocal?", "do you think I should use more
    // compression?": advice asked for, not the change.
    let advice = [
        "should i",
        "should we",
        "do you think",
        "would you recommend",
    ]
    .iter()
    .any(|p| words.has_phrase(p));
    if advice
        && matches!(
            first,
            "how" | "what" | "whats" | "which" | "do" | "is" | "when"
        )
    {
        return true;
    }
    if first == "why" {
        let suggests = matches!(words.at(1), "not" | "dont" | "don't")
            || words.at(1) == "do" && words.at(2) == "not";
        return !suggests;
    }
    if !matches!(first, "what" | "whats" | "how") {
        return false;
    }
    let aux = matches!(
        words.at(1),
        "does" | "do" | "did" | "makes" | "make" | "made"
    ) && !matches!(words.at(2), "i" | "we" | "you" | "u" | "me");
    // "What retune speed would you use on a slow ballad?": the assistant's opinion.
    let opinion = first == "what"
        && (2..=4).any(|i| words.at(i) == "would" && matches!(words.at(i + 1), "you" | "u"));
    aux || opinion
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_reset_and_vague_edits() {
        assert!(is_state_question(&Words::new(
            "what are my current settings?"
        )));
        assert!(is_state_question(&Words::new(
            "how loud is the backing set?"
        )));
        assert!(is_state_question(&Words::new("status")));
        assert!(is_state_question(&Words::new("where's my reverb at?")));
        assert!(is_state_question(&Words::new(
            "is the tuning on at the moment?"
        )));
        assert!(is_state_question(&Words::new(
            "in which key is the autotune now?"
        )));
        assert!(!is_state_question(&Words::new("tune me to A minor")));
        assert!(is_reset_all(&Words::new("set everything back to normal")));
        assert!(vague_edit(&Words::new("hmm make it better")).is_some_and(|q| q.contains('?')));
        assert!(vague_edit(&Words::new("add some reverb")).is_none());
    }

    #[test]
    fn questions_about_reasons_and_words_that_name_nothing() {
        let about = |t: &str| asks_about(&Words::new(t));
        assert!(about("why does fast retune sound robotic?"));
        assert!(about("what does the spread do on the harmonies?"));
        assert!(about("what retune speed would you use on a ballad?"));
        assert!(!about("why not add some compression?"));
        assert!(!about("how do I make my voice deeper?"));
        assert!(!about("what is my reverb at?"));
        assert!(about("can you explain the hard tune preset?"));
        assert!(about("how much reverb should I use on a vocal?"));
        assert!(about("do you think I should use more compression?"));
        assert!(about("tell me what a key signature means"));
        assert!(!about("explain the spread and then set it to 80%"));
        let nothing = |t: &str| names_nothing(&Words::new(t));
        assert!(nothing("can you halve it?"));
        assert!(nothing("hmm, twice as much maybe"));
        assert!(!nothing("halve the reverb"));
        assert!(!nothing("yes"));
    }

    #[test]
    fn values_asked_in_other_words() {
        for text in [
            "how much vibrato do I have?",
            "what reverb am I on?",
            "is the humanize high?",
            "check the compression for me",
            "current warmth?",
            "where is the vibrato now?",
        ] {
            assert!(is_state_question(&Words::new(text)), "{text}");
        }
        for text in [
            "is the reverb too high?",
            "check my pitch",
            "how much reverb should I use?",
        ] {
            assert!(!is_state_question(&Words::new(text)), "{text}");
        }
    }
}
