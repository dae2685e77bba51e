//! The tool registry: every tool's arguments as one small schema, from which come the JSON
//! schemas (HTTP backend), the GBNF grammar (embedded backend), the prompt's tool list and the
//! validation of every call, whoever made it (router, model, server).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

use super::presets::{SPEECH_PROFILE_NAMES, TUNE_PRESET_NAMES, VOICE_PRESET_NAMES};
use crate::music::theory::{PitchClass, ScaleKind};

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
}

impl ToolName {
    /// Every tool, in the order the prompt lists them.
    pub const ALL: [ToolName; 10] = [
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
pub const TOOLS: [ToolSpec; 10] = [
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

fn tool_list() -> String {
    ToolName::ALL.map(ToolName::as_str).join(", ")
}

fn arg_list(spec: &ToolSpec) -> String {
    spec.args
        .iter()
        .map(|a| a.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Validated `voice_tune` arguments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TuneArgs {
    /// Preset name.
    pub preset: Option<String>,
    /// Key.
    pub key: Option<PitchClass>,
    /// Scale.
    pub scale: Option<ScaleKind>,
    /// Retune time in ms.
    pub retune_ms: Option<f32>,
    /// Strength 0..1.
    pub amount: Option<f32>,
    /// Humanize 0..1.
    pub humanize: Option<f32>,
    /// Vibrato kept 0..1.
    pub vibrato: Option<f32>,
    /// On/off.
    pub enabled: Option<bool>,
}

/// Validated `voice_modulate` arguments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModulateArgs {
    /// Preset name.
    pub preset: Option<String>,
    /// Pitch shift, semitones.
    pub pitch_semitones: Option<f32>,
    /// Formant shift, semitones.
    pub formant_semitones: Option<f32>,
    /// Robot amount 0..1.
    pub robot: Option<f32>,
    /// Breathiness 0..1.
    pub breathiness: Option<f32>,
    /// Whisper 0..1.
    pub whisper: Option<f32>,
    /// Warmth 0..1.
    pub warmth: Option<f32>,
    /// Presence 0..1.
    pub presence: Option<f32>,
    /// Reverb 0..1.
    pub reverb: Option<f32>,
    /// Compression 0..1.
    pub compression: Option<f32>,
    /// Dry/wet 0..1.
    pub mix: Option<f32>,
}

/// Validated `backing_generate` arguments (absent ones are filled from the current state).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BackingArgs {
    /// Tonic.
    pub key: Option<PitchClass>,
    /// Mode.
    pub mode: Option<ScaleKind>,
    /// Tempo.
    pub tempo_bpm: Option<u32>,
    /// Style.
    pub style: Option<String>,
    /// Bars.
    pub bars: Option<u32>,
}

/// Validated `mix_control` arguments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MixArgs {
    /// Backing on/off.
    pub backing: Option<bool>,
    /// Backing level in dB.
    pub backing_level_db: Option<f32>,
    /// Follow the host's transport.
    pub follow_host: Option<bool>,
    /// Output gain in dB.
    pub output_gain_db: Option<f32>,
    /// Bypass.
    pub bypass: Option<bool>,
}

/// A validated call, typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `voice_tune`.
    Tune(TuneArgs),
    /// `voice_modulate`.
    Modulate(ModulateArgs),
    /// `voice_speak`.
    Speak {
        /// The words.
        text: String,
        /// Profile name.
        profile: String,
    },
    /// `backing_generate`.
    Backing(BackingArgs),
    /// `mix_control`.
    Mix(MixArgs),
    /// `name_suggest`.
    Names {
        /// Mood or theme.
        mood: Option<String>,
        /// How many.
        count: u32,
    },
    /// `intent_new`.
    IntentNew {
        /// Title.
        title: String,
        /// Other fields given (canonical JSON).
        fields: Map<String, Value>,
    },
    /// `intent_process`.
    IntentProcess,
    /// `undo`.
    Undo,
    /// `get_state`.
    GetState,
}

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

#[cfg(test)]
mod tests {
    use super::*;
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
