//! The tool registry: every tool's arguments as one small schema, from which come the JSON
//! schemas (HTTP backend), the GBNF grammar (embedded backend), the prompt's tool list and the
//! validation of every call, whoever made it (router, model, server).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

use super::presets::{SPEECH_PROFILE_NAMES, TUNE_PRESET_NAMES, VOICE_PRESET_NAMES};

mod action;
mod schema;
mod validate;

pub use action::{Action, BackingArgs, HarmonyArgs, ListenTopic, MixArgs, ModulateArgs, TuneArgs};
pub use schema::{args_schema, openai_tools, prompt_tool_list};
pub use validate::{validate, ValidCall};

/// The tools, with the names the model, the CLI and the history files use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolName {
    /// Pitch correction: key, scale, speed, amount, presets.
    VoiceTune,
    /// Voice character: pitch/formant shift, robot, breath, effects, presets.
    VoiceModulate,
    /// Offline text to speech through the voice chain.
    VoiceSpeak,
    /// A backing pattern (drums, bass, chords).
    BackingGenerate,
    /// Levels and switches: backing on/off, backing level, follow host, output gain, bypass.
    MixControl,
    /// Song-title ideas.
    NameSuggest,
    /// A new song intent file.
    IntentNew,
    /// Reads a song intent and turns it into a plan.
    IntentProcess,
    /// Reverts the last applied call.
    Undo,
    /// Reports the current settings.
    GetState,
    /// Harmony voices: how many, how they choose notes, level, stereo spread.
    VoiceHarmony,
    /// What the plugin heard: the key of the singing, or a pitch report of the take.
    Listen,
}

impl ToolName {
    /// Every tool, in the order the prompt lists them.
    pub const ALL: [ToolName; 12] = [
        ToolName::VoiceTune,
        ToolName::VoiceModulate,
        ToolName::VoiceSpeak,
        ToolName::BackingGenerate,
        ToolName::MixControl,
        ToolName::NameSuggest,
        ToolName::IntentNew,
        ToolName::IntentProcess,
        ToolName::Undo,
        ToolName::GetState,
        ToolName::VoiceHarmony,
        ToolName::Listen,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ToolName::VoiceTune => "voice_tune",
            ToolName::VoiceModulate => "voice_modulate",
            ToolName::VoiceSpeak => "voice_speak",
            ToolName::BackingGenerate => "backing_generate",
            ToolName::MixControl => "mix_control",
            ToolName::NameSuggest => "name_suggest",
            ToolName::IntentNew => "intent_new",
            ToolName::IntentProcess => "intent_process",
            ToolName::Undo => "undo",
            ToolName::GetState => "get_state",
            ToolName::VoiceHarmony => "voice_harmony",
            ToolName::Listen => "listen",
        }
    }

    /// The tool called `name`.
    pub fn parse(name: &str) -> Option<ToolName> {
        Self::ALL.into_iter().find(|t| t.as_str() == name.trim())
    }
}

impl fmt::Display for ToolName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One tool call as it travels: a tool name and JSON arguments (not yet trusted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// The tool's name.
    pub tool: String,
    /// The arguments, an object.
    #[serde(default)]
    pub args: Map<String, Value>,
}

impl ToolCall {
    /// A call of `tool` with `args` (an object; anything else becomes no arguments).
    pub fn new(tool: ToolName, args: Value) -> Self {
        Self {
            tool: tool.as_str().to_string(),
            args: match args {
                Value::Object(map) => map,
                _ => Map::new(),
            },
        }
    }
}

/// Allowed backing styles.
pub const BACKING_STYLES: [&str; 12] = [
    "pop", "rock", "funk", "hiphop", "ballad", "jazz", "blues", "latin", "reggae", "edm", "lofi",
    "neo_soul",
];

/// The primary moods of a song intent (reference, phase 1).
pub const INTENT_MOODS: [&str; 18] = [
    "Grief",
    "Joy",
    "Nervousness",
    "Defiance",
    "Liberation",
    "Longing",
    "Rage",
    "Acceptance",
    "Nostalgia",
    "Dissociation",
    "Triumphant Hope",
    "Bittersweet",
    "Melancholy",
    "Euphoria",
    "Desperation",
    "Serenity",
    "Confusion",
    "Determination",
];

/// How correction targets follow the backing's chords, in parameter order.
pub const FOLLOW_CHORDS: [&str; 3] = ["off", "chord_tones", "chord_and_scale"];

/// How harmony voices choose their notes, in parameter order.
pub const HARMONY_MODES: [&str; 3] = ["chord", "diatonic", "midi"];

/// What `listen` reports.
pub const LISTEN_TOPICS: [&str; 2] = ["key", "pitch"];

/// What values an argument takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ArgKind {
    /// One of these names.
    Enum(&'static [&'static str]),
    /// A note name (sharps written; flats accepted on input).
    Key,
    /// A scale id.
    Scale,
    /// A whole number in a range.
    Integer {
        /// Lowest.
        min: i64,
        /// Highest.
        max: i64,
    },
    /// A number in a range.
    Number {
        /// Lowest.
        min: f64,
        /// Highest.
        max: f64,
    },
    /// A fraction 0..1.
    Fraction,
    /// true/false or a fraction 0..1.
    BoolOrFraction,
    /// true/false.
    Bool,
    /// A set of note names ("F#", "C D E G A", "C, E and G"), canonical as sharps in pitch
    /// order separated by spaces.
    Notes,
    /// Free text up to a length.
    Text {
        /// Longest allowed, in characters.
        max_len: usize,
    },
}

/// One argument of a tool.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArgSpec {
    /// The argument's name.
    pub name: &'static str,
    /// Its values.
    pub kind: ArgKind,
    /// Whether a call must give it.
    pub required: bool,
    /// One line for the schema.
    pub description: &'static str,
}

const fn arg(name: &'static str, kind: ArgKind, description: &'static str) -> ArgSpec {
    ArgSpec {
        name,
        kind,
        required: false,
        description,
    }
}

const fn required(name: &'static str, kind: ArgKind, description: &'static str) -> ArgSpec {
    ArgSpec {
        name,
        kind,
        required: true,
        description,
    }
}

/// One tool: its name, what it does, its arguments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ToolSpec {
    /// The tool.
    pub name: ToolName,
    /// One line for the prompt and the schema.
    pub description: &'static str,
    /// The arguments, in the order calls write them.
    pub args: &'static [ArgSpec],
    /// Whether a call needs at least one argument.
    pub needs_an_argument: bool,
}

const SEMITONES_PITCH: ArgKind = ArgKind::Number {
    min: -24.0,
    max: 24.0,
};
const SEMITONES_FORMANT: ArgKind = ArgKind::Number {
    min: -12.0,
    max: 12.0,
};

/// The registry: every tool and its arguments.
pub const TOOLS: [ToolSpec; 12] = [
    ToolSpec {
        name: ToolName::VoiceTune,
        description: "pitch correction (auto-tune): key, scale, retune speed, strength",
        args: &[
            arg("preset", ArgKind::Enum(&TUNE_PRESET_NAMES), "tuning preset"),
            arg("key", ArgKind::Key, "tonic: C C# D D# E F F# G G# A A# B"),
            arg("scale", ArgKind::Scale, "scale or mode"),
            arg(
                "retune_ms",
                ArgKind::Number {
                    min: 0.0,
                    max: 400.0,
                },
                "glide time in ms; 0 is a hard snap (robotic)",
            ),
            arg("amount", ArgKind::Fraction, "correction strength 0..1"),
            arg("humanize", ArgKind::Fraction, "natural drift kept 0..1"),
            arg("vibrato", ArgKind::Fraction, "vibrato kept 0..1"),
            arg("enabled", ArgKind::Bool, "tuning on or off"),
            arg(
                "follow_chords",
                ArgKind::Enum(&FOLLOW_CHORDS),
                "targets follow the backing's chords: off, chord_tones, chord_and_scale",
            ),
            arg(
                "notes",
                ArgKind::Notes,
                "only these notes are targets, e.g. \"C D E G A\"",
            ),
            arg(
                "drop_notes",
                ArgKind::Notes,
                "notes to leave out of the targets",
            ),
            arg(
                "add_notes",
                ArgKind::Notes,
                "notes to add back to the targets",
            ),
        ],
        needs_an_argument: true,
    },
    ToolSpec {
        name: ToolName::VoiceModulate,
        description: "voice character: pitch and formant shift, robot, breath, tone, reverb",
        args: &[
            arg("preset", ArgKind::Enum(&VOICE_PRESET_NAMES), "voice preset"),
            arg(
                "pitch_semitones",
                SEMITONES_PITCH,
                "pitch shift in semitones",
            ),
            arg(
                "formant_semitones",
                SEMITONES_FORMANT,
                "formant shift in semitones",
            ),
            arg("robot", ArgKind::BoolOrFraction, "robot voice amount"),
            arg("breathiness", ArgKind::Fraction, "breathiness 0..1"),
            arg("whisper", ArgKind::Fraction, "whisper 0..1"),
            arg("warmth", ArgKind::Fraction, "low warmth 0..1 (0.5 flat)"),
            arg("presence", ArgKind::Fraction, "brightness 0..1 (0.5 flat)"),
            arg("reverb", ArgKind::Fraction, "reverb 0..1"),
            arg("compression", ArgKind::Fraction, "compression 0..1"),
            arg("mix", ArgKind::Fraction, "dry/wet 0..1"),
        ],
        needs_an_argument: true,
    },
    ToolSpec {
        name: ToolName::VoiceSpeak,
        description: "speak text aloud through the voice chain (guide vocal, spoken word)",
        args: &[
            required("text", ArgKind::Text { max_len: 400 }, "the words"),
            arg(
                "profile",
                ArgKind::Enum(&SPEECH_PROFILE_NAMES),
                "speaking voice",
            ),
        ],
        needs_an_argument: true,
    },
    ToolSpec {
        name: ToolName::BackingGenerate,
        description: "make a backing track (drums, bass, chords)",
        args: &[
            arg("key", ArgKind::Key, "tonic"),
            arg("mode", ArgKind::Scale, "scale or mode"),
            arg(
                "tempo_bpm",
                ArgKind::Integer { min: 40, max: 240 },
                "tempo in BPM",
            ),
            arg("style", ArgKind::Enum(&BACKING_STYLES), "groove style"),
            arg(
                "bars",
                ArgKind::Integer { min: 1, max: 64 },
                "length in bars",
            ),
        ],
        needs_an_argument: false,
    },
    ToolSpec {
        name: ToolName::MixControl,
        description: "levels: backing on/off and volume, follow the host, output volume, bypass",
        args: &[
            arg("backing", ArgKind::Bool, "backing track on or off"),
            arg(
                "backing_level_db",
                ArgKind::Number {
                    min: -60.0,
                    max: 6.0,
                },
                "backing volume in dB",
            ),
            arg(
                "follow_host",
                ArgKind::Bool,
                "backing follows the DAW's transport",
            ),
            arg(
                "output_gain_db",
                ArgKind::Number {
                    min: -36.0,
                    max: 12.0,
                },
                "output volume in dB",
            ),
            arg("bypass", ArgKind::Bool, "pass the voice through untouched"),
        ],
        needs_an_argument: true,
    },
    ToolSpec {
        name: ToolName::NameSuggest,
        description: "suggest song titles for a mood or theme",
        args: &[
            arg("mood", ArgKind::Text { max_len: 60 }, "mood or theme"),
            arg(
                "count",
                ArgKind::Integer { min: 1, max: 20 },
                "how many titles",
            ),
        ],
        needs_an_argument: false,
    },
    ToolSpec {
        name: ToolName::IntentNew,
        description: "start a new song intent (what the song is about)",
        args: &[
            required("title", ArgKind::Text { max_len: 80 }, "working title"),
            arg("mood_primary", ArgKind::Enum(&INTENT_MOODS), "main mood"),
            arg(
                "core_event",
                ArgKind::Text { max_len: 200 },
                "what happened",
            ),
            arg(
                "core_longing",
                ArgKind::Text { max_len: 200 },
                "what is longed for",
            ),
        ],
        needs_an_argument: true,
    },
    ToolSpec {
        name: ToolName::IntentProcess,
        description: "turn the current song intent into a musical plan",
        args: &[],
        needs_an_argument: false,
    },
    ToolSpec {
        name: ToolName::Undo,
        description: "undo the last change",
        args: &[],
        needs_an_argument: false,
    },
    ToolSpec {
        name: ToolName::GetState,
        description: "show the current settings",
        args: &[],
        needs_an_argument: false,
    },
    ToolSpec {
        name: ToolName::VoiceHarmony,
        description:
            "harmony voices made from the lead: how many, chord or key notes, level, width",
        args: &[
            arg(
                "voices",
                ArgKind::Integer { min: 0, max: 3 },
                "number of harmony voices, 0 is off",
            ),
            arg(
                "mode",
                ArgKind::Enum(&HARMONY_MODES),
                "chord: tones of the backing's chord; diatonic: the key; midi: held notes",
            ),
            arg("level", ArgKind::Fraction, "harmony level 0..1"),
            arg(
                "spread",
                ArgKind::Fraction,
                "stereo width of the voices 0..1",
            ),
        ],
        needs_an_argument: true,
    },
    ToolSpec {
        name: ToolName::Listen,
        description: "what the plugin heard: the key of the singing or a pitch report of the take",
        args: &[required(
            "about",
            ArgKind::Enum(&LISTEN_TOPICS),
            "key or pitch",
        )],
        needs_an_argument: true,
    },
];

/// The spec of `tool`.
pub fn tool_spec(tool: ToolName) -> &'static ToolSpec {
    // TOOLS lists every ToolName in ALL order, so the index always exists.
    &TOOLS[ToolName::ALL.iter().position(|t| *t == tool).unwrap_or(0)]
}

/// Why a call was refused; the text goes back to the model or the user.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ToolError {
    /// No tool has this name.
    #[error("there is no tool '{0}' (tools: {list})", list = tool_list())]
    UnknownTool(String),
    /// The tool has no such argument.
    #[error("{tool} has no argument '{arg}' (it takes: {allowed})")]
    UnknownArg {
        /// The tool.
        tool: ToolName,
        /// The argument given.
        arg: String,
        /// The arguments it takes.
        allowed: String,
    },
    /// A required argument is missing.
    #[error("{tool} needs '{arg}'")]
    MissingArg {
        /// The tool.
        tool: ToolName,
        /// The argument.
        arg: &'static str,
    },
    /// The call gives no argument although the tool needs one.
    #[error("{tool} needs at least one argument (it takes: {allowed})")]
    NoArgs {
        /// The tool.
        tool: ToolName,
        /// The arguments it takes.
        allowed: String,
    },
    /// A value has the wrong type or is out of range.
    #[error("{tool}.{arg}: {problem}")]
    BadValue {
        /// The tool.
        tool: ToolName,
        /// The argument.
        arg: &'static str,
        /// What is wrong.
        problem: String,
    },
}

pub(super) fn tool_list() -> String {
    ToolName::ALL.map(ToolName::as_str).join(", ")
}

pub(super) fn arg_list(spec: &ToolSpec) -> String {
    spec.args
        .iter()
        .map(|a| a.name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::music::theory::PitchClass;
    use serde_json::json;

    fn call(tool: &str, args: Value) -> ToolCall {
        ToolCall {
            tool: tool.into(),
            args: args.as_object().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn registry_covers_every_tool_in_order() {
        for (spec, name) in TOOLS.iter().zip(ToolName::ALL) {
            assert_eq!(spec.name, name);
            assert_eq!(ToolName::parse(name.as_str()), Some(name));
        }
    }

    #[test]
    fn valid_calls_are_canonicalised() {
        let v = validate(&call(
            "voice_tune",
            json!({"scale": "Minor", "key": "Bb", "retune_ms": "20"}),
        ))
        .expect("valid");
        assert_eq!(
            serde_json::to_value(&v.call).expect("json"),
            json!({"tool": "voice_tune", "args": {"key": "A#", "scale": "minor", "retune_ms": 20.0}})
        );
        let Action::Tune(args) = v.action else {
            panic!("tune")
        };
        assert_eq!(args.key, Some(PitchClass::ASharp));
        let v = validate(&call("voice_modulate", json!({"robot": true}))).expect("robot bool");
        assert_eq!(v.call.args["robot"], json!(1.0));
        let v = validate(&call(
            "name_suggest",
            json!({"theme": "summer", "count": 3}),
        ))
        .expect("theme alias");
        assert_eq!(v.call.args["mood"], json!("summer"));
        assert!(validate(&call("undo", json!({}))).is_ok());
        assert!(validate(&call("backing_generate", json!({}))).is_ok());
    }

    #[test]
    fn bad_calls_are_errors_not_panics() {
        let cases = [
            call("voice_tuner", json!({})),
            call("voice_tune", json!({})),
            call("voice_tune", json!({"key": "H"})),
            call("voice_tune", json!({"key": 3})),
            call("voice_tune", json!({"scale": "bebop"})),
            call("voice_tune", json!({"retune_ms": 401})),
            call("voice_tune", json!({"amount": 1.5})),
            call("voice_tune", json!({"amount": "lots"})),
            call("voice_tune", json!({"colour": "red"})),
            call("voice_modulate", json!({"pitch_semitones": 25})),
            call("voice_modulate", json!({"robot": "yes please"})),
            call("voice_modulate", json!({"preset": "squeaky"})),
            call("voice_speak", json!({"profile": "guide_confident"})),
            call("voice_speak", json!({"text": ""})),
            call("voice_speak", json!({"text": "x".repeat(401)})),
            call("backing_generate", json!({"tempo_bpm": 12})),
            call("backing_generate", json!({"bars": 2.5})),
            call("backing_generate", json!({"style": "polka"})),
            call("name_suggest", json!({"count": 0})),
            call("intent_new", json!({"mood_primary": "Joy"})),
            call("voice_modulate", json!({"mix": f64::NAN})),
        ];
        for case in cases {
            let err = validate(&case).expect_err(&format!("{case:?} must fail"));
            assert!(!err.to_string().is_empty());
        }
    }

    #[test]
    fn schemas_list_every_argument() {
        let tools = openai_tools();
        let list = tools.as_array().expect("array");
        assert_eq!(list.len(), ToolName::ALL.len());
        let tune = &list[0]["function"]["parameters"];
        assert_eq!(tune["properties"]["key"]["enum"][1], "C#");
        assert_eq!(tune["additionalProperties"], false);
        let speak = &list[2]["function"]["parameters"];
        assert_eq!(speak["required"], json!(["text"]));
        assert!(prompt_tool_list().contains("voice_tune (preset: transparent|"));
    }
}
