//! Song intent: the three-phase "interrogate before generate" schema (root, intent, technical
//! constraints) with the reference's JSON keys, its enumerations, and validation whose every
//! message names the field it is about.

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use thiserror::Error;

use super::data;
use super::theory::{Key, ScaleKind};

/// Lower-case letters and digits only: "Open/Vast", "open vast" and "OPEN-VAST" compare equal.
fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

macro_rules! choice_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $(#[doc = $text] $variant),+
        }

        impl $name {
            /// Every value, in the reference's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name as written in intent files.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Reads a name, ignoring case, spaces and punctuation ("open vast" is Open/Vast).
            pub fn parse(text: &str) -> Option<$name> {
                let wanted = squash(text);
                Self::ALL.iter().copied().find(|v| squash(v.name()) == wanted)
            }

            /// All names, comma-separated, for messages.
            pub fn names() -> String {
                Self::ALL.iter().map(|v| v.name()).collect::<Vec<_>>().join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }
    };
}

choice_enum!(
    /// What is at risk in the song.
    CoreStakes {
        Personal => "Personal",
        Relational => "Relational",
        Existential => "Existential",
        Survival => "Survival",
        Creative => "Creative",
        Moral => "Moral",
    }
);

choice_enum!(
    /// The primary mood.
    Mood {
        Grief => "Grief",
        Joy => "Joy",
        Nervousness => "Nervousness",
        Defiance => "Defiance",
        Liberation => "Liberation",
        Longing => "Longing",
        Rage => "Rage",
        Acceptance => "Acceptance",
        Nostalgia => "Nostalgia",
        Dissociation => "Dissociation",
        TriumphantHope => "Triumphant Hope",
        Bittersweet => "Bittersweet",
        Melancholy => "Melancholy",
        Euphoria => "Euphoria",
        Desperation => "Desperation",
        Serenity => "Serenity",
        Confusion => "Confusion",
        Determination => "Determination",
    }
);

choice_enum!(
    /// The sound picture.
    ImageryTexture {
        SharpEdges => "Sharp Edges",
        Muffled => "Muffled",
        OpenVast => "Open/Vast",
        Claustrophobic => "Claustrophobic",
        HazyDreamy => "Hazy/Dreamy",
        Crystalline => "Crystalline",
        MuddyThick => "Muddy/Thick",
        SparseEmpty => "Sparse/Empty",
        Chaotic => "Chaotic",
        FlowingLiquid => "Flowing/Liquid",
        Fractured => "Fractured",
        WarmEnveloping => "Warm/Enveloping",
        ColdDistant => "Cold/Distant",
        BlindingLight => "Blinding Light",
        DeepShadow => "Deep Shadow",
    }
);

choice_enum!(
    /// How exposed the voice is.
    Vulnerability {
        Low => "Low",
        Medium => "Medium",
        High => "High",
    }
);

choice_enum!(
    /// How the song moves through time.
    NarrativeArc {
        ClimbToClimax => "Climb-to-Climax",
        SlowReveal => "Slow Reveal",
        RepetitiveDespair => "Repetitive Despair",
        StaticReflection => "Static Reflection",
        SuddenShift => "Sudden Shift",
        Descent => "Descent",
        RiseAndFall => "Rise and Fall",
        Spiral => "Spiral",
    }
);

choice_enum!(
    /// The genre.
    Genre {
        CinematicNeoSoul => "Cinematic Neo-Soul",
        LoFiBedroom => "Lo-Fi Bedroom",
        IndustrialPop => "Industrial Pop",
        Synthwave => "Synthwave",
        ConfessionalAcoustic => "Confessional Acoustic",
        ArtRock => "Art Rock",
        IndieFolk => "Indie Folk",
        PostPunk => "Post-Punk",
        ChamberPop => "Chamber Pop",
        Electronic => "Electronic",
        HipHop => "Hip-Hop",
        RnB => "R&B",
        Alternative => "Alternative",
        Shoegaze => "Shoegaze",
        DreamPop => "Dream Pop",
    }
);

choice_enum!(
    /// The groove feel.
    GrooveFeel {
        StraightDriving => "Straight/Driving",
        LaidBack => "Laid Back",
        Swung => "Swung",
        Syncopated => "Syncopated",
        RubatoFree => "Rubato/Free",
        Mechanical => "Mechanical",
        OrganicBreathing => "Organic/Breathing",
        PushPull => "Push-Pull",
    }
);

/// Writes an unset choice as "" so the template shows where to fill in.
fn opt_name<T: fmt::Display, S: Serializer>(value: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.collect_str(v),
        None => s.serialize_str(""),
    }
}

/// Phase 0: the song's root.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct SongRoot {
    /// What happened (required).
    pub core_event: String,
    /// What holds the singer back.
    pub core_resistance: String,
    /// What the singer wants (required).
    pub core_longing: String,
    /// What is at risk.
    #[serde(serialize_with = "opt_name")]
    pub core_stakes: Option<CoreStakes>,
    /// How the singer or listener should change.
    pub core_transformation: String,
}

/// Phase 1: the emotional intent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SongIntentPhase {
    /// The main feeling (required).
    #[serde(serialize_with = "opt_name")]
    pub mood_primary: Option<Mood>,
    /// Pull of a second feeling, 0..1.
    pub mood_secondary_tension: f64,
    /// The sound picture.
    #[serde(serialize_with = "opt_name")]
    pub imagery_texture: Option<ImageryTexture>,
    /// How exposed the voice is.
    #[serde(serialize_with = "opt_name")]
    pub vulnerability_scale: Option<Vulnerability>,
    /// How the song moves.
    #[serde(serialize_with = "opt_name")]
    pub narrative_arc: Option<NarrativeArc>,
}

impl Default for SongIntentPhase {
    fn default() -> Self {
        SongIntentPhase {
            mood_primary: None,
            mood_secondary_tension: 0.5,
            imagery_texture: None,
            vulnerability_scale: None,
            narrative_arc: None,
        }
    }
}

/// Phase 2: technical constraints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechnicalConstraints {
    /// Genre.
    #[serde(serialize_with = "opt_name")]
    pub technical_genre: Option<Genre>,
    /// Tempo range in BPM.
    pub technical_tempo_range: [f64; 2],
    /// Key tonic ("F", "Bb") or a whole key ("A minor"); empty = from the mood.
    pub technical_key: String,
    /// Mode ("major", "dorian"); empty = from the mood or the key.
    pub technical_mode: String,
    /// Groove feel.
    #[serde(serialize_with = "opt_name")]
    pub technical_groove_feel: Option<GrooveFeel>,
    /// Rule-break id; empty = none.
    pub technical_rule_to_break: String,
    /// Why the rule is broken.
    pub rule_breaking_justification: String,
}

impl Default for TechnicalConstraints {
    fn default() -> Self {
        TechnicalConstraints {
            technical_genre: None,
            technical_tempo_range: [80.0, 120.0],
            technical_key: String::new(),
            technical_mode: String::new(),
            technical_groove_feel: None,
            technical_rule_to_break: String::new(),
            rule_breaking_justification: String::new(),
        }
    }
}

/// A whole song intent, as stored in an intent JSON file.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct SongIntent {
    /// Working title.
    pub title: String,
    /// Date written.
    pub created: String,
    /// Phase 0.
    pub song_root: SongRoot,
    /// Phase 1.
    pub song_intent: SongIntentPhase,
    /// Phase 2.
    pub technical_constraints: TechnicalConstraints,
}

/// One problem (or warning) about one field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issue {
    /// Dotted path of the field, e.g. `song_intent.mood_secondary_tension`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Errors and warnings of one intent.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ValidationReport {
    /// Problems that stop processing.
    pub errors: Vec<Issue>,
    /// Inconsistencies worth a look.
    pub warnings: Vec<Issue>,
}

/// Most errors (and, apart, warnings) one report collects. A hand-written intent has a handful
/// at most; a file with thousands of unknown fields would otherwise make a report (and an
/// error message) as large as the file. Past it, one last issue says that checking stopped.
pub const MAX_ISSUES: usize = 100;

impl ValidationReport {
    /// True without errors (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// Whether the report holds `MAX_ISSUES` errors (and the note that it stopped).
    pub fn is_full(&self) -> bool {
        self.errors.len() > MAX_ISSUES
    }

    fn error(&mut self, field: &str, message: impl Into<String>) {
        Self::add(&mut self.errors, field, message.into());
    }

    fn warn(&mut self, field: &str, message: impl Into<String>) {
        Self::add(&mut self.warnings, field, message.into());
    }

    /// Adds an issue while there is room; the first one past `MAX_ISSUES` becomes the note
    /// that checking stopped, later ones are dropped.
    fn add(issues: &mut Vec<Issue>, field: &str, message: String) {
        match issues.len() {
            n if n < MAX_ISSUES => issues.push(Issue {
                field: field.to_string(),
                message,
            }),
            n if n == MAX_ISSUES => issues.push(Issue {
                field: "(file)".to_string(),
                message: format!(
                    "stopped after {MAX_ISSUES} problems; fix these and check again for more"
                ),
            }),
            _ => {}
        }
    }

    /// Adds `other`'s issues within the same limits.
    fn merge(&mut self, other: ValidationReport) {
        for issue in other.errors {
            Self::add(&mut self.errors, &issue.field, issue.message);
        }
        for issue in other.warnings {
            Self::add(&mut self.warnings, &issue.field, issue.message);
        }
    }
}

/// Why an intent could not be used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum IntentError {
    /// The text is not JSON.
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser says.
        message: String,
    },
    /// The JSON does not describe a valid intent.
    #[error("{}", .0.errors.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(ValidationReport),
}

const TOP_FIELDS: [&str; 5] = [
    "title",
    "created",
    "song_root",
    "song_intent",
    "technical_constraints",
];
const ROOT_FIELDS: [&str; 5] = [
    "core_event",
    "core_resistance",
    "core_longing",
    "core_stakes",
    "core_transformation",
];
const INTENT_FIELDS: [&str; 5] = [
    "mood_primary",
    "mood_secondary_tension",
    "imagery_texture",
    "vulnerability_scale",
    "narrative_arc",
];
const TECH_FIELDS: [&str; 7] = [
    "technical_genre",
    "technical_tempo_range",
    "technical_key",
    "technical_mode",
    "technical_groove_feel",
    "technical_rule_to_break",
    "rule_breaking_justification",
];

/// Reads typed fields out of one JSON object, recording what is wrong under its dotted path.
struct Reader<'a> {
    object: Option<&'a Map<String, Value>>,
    prefix: &'a str,
    report: &'a mut ValidationReport,
}

impl<'a> Reader<'a> {
    fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    fn check_unknown(&mut self, known: &[&str]) {
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

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.object?.get(key).filter(|v| !v.is_null())
    }

    fn string(&mut self, key: &str) -> String {
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

    fn choice<T: Copy>(
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

    fn number(&mut self, key: &str, default: f64) -> f64 {
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

    fn range(&mut self, key: &str, default: [f64; 2]) -> [f64; 2] {
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

fn kind(value: &Value) -> &'static str {
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

impl SongIntent {
    /// A blank intent with a title and date, ready to be filled in.
    pub fn template(title: &str, created: &str) -> SongIntent {
        SongIntent {
            title: title.to_string(),
            created: created.to_string(),
            ..SongIntent::default()
        }
    }

    /// The template file's JSON: the intent's fields plus a `_help` object explaining each one.
    pub fn to_template_json(&self) -> String {
        /// The intent's fields in schema order, then the explanations.
        #[derive(Serialize)]
        struct Template<'a> {
            #[serde(flatten)]
            intent: &'a SongIntent,
            #[serde(rename = "_help", serialize_with = "help_map")]
            help: &'a std::collections::BTreeMap<String, String>,
        }
        fn help_map<S: Serializer>(
            help: &&std::collections::BTreeMap<String, String>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            s.collect_map(help.iter().filter(|(k, _)| !k.starts_with('_')))
        }
        let template = Template {
            intent: self,
            help: data::intent_fields(),
        };
        serde_json::to_string_pretty(&template).unwrap_or_default()
    }

    /// The intent as pretty JSON (no help section).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads an intent file's text: structure and values are checked, every problem is reported
    /// with its field. Returns the intent with the report (warnings included) when the JSON
    /// itself could be read.
    pub fn check_json(text: &str) -> Result<(SongIntent, ValidationReport), IntentError> {
        let value: Value = serde_json::from_str(text).map_err(|e| IntentError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let mut report = ValidationReport::default();
        let Value::Object(top) = &value else {
            report.error(
                "(file)",
                format!("expected a JSON object, found {}", kind(&value)),
            );
            return Ok((SongIntent::default(), report));
        };
        let mut intent = SongIntent::default();
        {
            let mut r = Reader {
                object: Some(top),
                prefix: "",
                report: &mut report,
            };
            r.check_unknown(&TOP_FIELDS);
            intent.title = r.string("title");
            intent.created = r.string("created");
        }
        let phases = ["song_root", "song_intent", "technical_constraints"];
        let mut objects: [Option<&Map<String, Value>>; 3] = [None; 3];
        for (slot, name) in objects.iter_mut().zip(phases) {
            match top.get(name) {
                None | Some(Value::Null) => {}
                Some(Value::Object(map)) => *slot = Some(map),
                Some(other) => report.error(
                    name,
                    format!("expected an object of fields, found {}", kind(other)),
                ),
            }
        }
        {
            let mut r = Reader {
                object: objects[0],
                prefix: "song_root",
                report: &mut report,
            };
            r.check_unknown(&ROOT_FIELDS);
            let root = &mut intent.song_root;
            root.core_event = r.string("core_event");
            root.core_resistance = r.string("core_resistance");
            root.core_longing = r.string("core_longing");
            root.core_stakes = r.choice("core_stakes", CoreStakes::parse, CoreStakes::names);
            root.core_transformation = r.string("core_transformation");
        }
        {
            let mut r = Reader {
                object: objects[1],
                prefix: "song_intent",
                report: &mut report,
            };
            r.check_unknown(&INTENT_FIELDS);
            let phase = &mut intent.song_intent;
            phase.mood_primary = r.choice("mood_primary", Mood::parse, Mood::names);
            phase.mood_secondary_tension = r.number("mood_secondary_tension", 0.5);
            phase.imagery_texture = r.choice(
                "imagery_texture",
                ImageryTexture::parse,
                ImageryTexture::names,
            );
            phase.vulnerability_scale = r.choice(
                "vulnerability_scale",
                Vulnerability::parse,
                Vulnerability::names,
            );
            phase.narrative_arc =
                r.choice("narrative_arc", NarrativeArc::parse, NarrativeArc::names);
        }
        {
            let mut r = Reader {
                object: objects[2],
                prefix: "technical_constraints",
                report: &mut report,
            };
            r.check_unknown(&TECH_FIELDS);
            let tech = &mut intent.technical_constraints;
            tech.technical_genre = r.choice("technical_genre", Genre::parse, Genre::names);
            tech.technical_tempo_range = r.range("technical_tempo_range", [80.0, 120.0]);
            tech.technical_key = r.string("technical_key");
            tech.technical_mode = r.string("technical_mode");
            tech.technical_groove_feel = r.choice(
                "technical_groove_feel",
                GrooveFeel::parse,
                GrooveFeel::names,
            );
            tech.technical_rule_to_break = r.string("technical_rule_to_break");
            tech.rule_breaking_justification = r.string("rule_breaking_justification");
        }
        report.merge(intent.validate());
        Ok((intent, report))
    }

    /// Reads an intent and fails, naming every bad field, unless it is valid.
    pub fn from_json(text: &str) -> Result<SongIntent, IntentError> {
        let (intent, report) = SongIntent::check_json(text)?;
        if report.is_valid() {
            Ok(intent)
        } else {
            Err(IntentError::Invalid(report))
        }
    }

    /// The value rules: required fields, tension within 0..1, a sane tempo range, a known rule
    /// with a justification, a readable key and mode; High vulnerability with tension under 0.3
    /// is a warning.
    pub fn validate(&self) -> ValidationReport {
        let mut report = ValidationReport::default();
        if self.song_root.core_event.is_empty() {
            report.error(
                "song_root.core_event",
                "required: say what happened, in a sentence",
            );
        }
        if self.song_root.core_longing.is_empty() {
            report.error(
                "song_root.core_longing",
                "required: say what you want, underneath everything",
            );
        }
        if self.song_intent.mood_primary.is_none() {
            report.error(
                "song_intent.mood_primary",
                format!("required; one of: {}", Mood::names()),
            );
        }
        let tension = self.song_intent.mood_secondary_tension;
        if !(0.0..=1.0).contains(&tension) {
            report.error(
                "song_intent.mood_secondary_tension",
                format!("{tension} is outside 0.0..1.0"),
            );
        }
        let [lo, hi] = self.technical_constraints.technical_tempo_range;
        if !(20.0..=300.0).contains(&lo) || !(20.0..=300.0).contains(&hi) || lo > hi {
            report.error(
                "technical_constraints.technical_tempo_range",
                format!("[{lo}, {hi}] must be two tempos within 20..300 BPM, low first"),
            );
        }
        let tech = &self.technical_constraints;
        if !tech.technical_key.is_empty() && tech.technical_key.parse::<Key>().is_err() {
            report.error(
                "technical_constraints.technical_key",
                format!(
                    "'{}' is not a key; use a tonic like F, Bb, F# (or 'A minor')",
                    tech.technical_key
                ),
            );
        }
        if !tech.technical_mode.is_empty() && parse_mode(&tech.technical_mode).is_none() {
            report.error(
                "technical_constraints.technical_mode",
                format!(
                    "'{}' is not a mode; expected major, minor, ionian, aeolian or one of: {}",
                    tech.technical_mode,
                    ScaleKind::IDS.join(", ")
                ),
            );
        }
        if !tech.technical_rule_to_break.is_empty() {
            if data::find_rule(&tech.technical_rule_to_break).is_none() {
                report.error(
                    "technical_constraints.technical_rule_to_break",
                    format!(
                        "'{}' is not a rule-break id (e.g. HARMONY_ModalInterchange; \
                         `daiw intent suggest EMOTION` lists some)",
                        tech.technical_rule_to_break
                    ),
                );
            }
            if tech.rule_breaking_justification.is_empty() {
                report.error(
                    "technical_constraints.rule_breaking_justification",
                    "required when technical_rule_to_break is set: say why this rule is broken",
                );
            }
        }
        if self.song_intent.vulnerability_scale == Some(Vulnerability::High) && tension < 0.3 {
            report.warn(
                "song_intent.vulnerability_scale",
                format!(
                    "High vulnerability with mood_secondary_tension {tension} (< 0.3): exposed \
                     songs usually carry more inner conflict; check that this is what you mean"
                ),
            );
        }
        report
    }

    /// The key the intent asks for, if any: technical_key, with technical_mode when given.
    pub fn key(&self) -> Option<Key> {
        let tech = &self.technical_constraints;
        if tech.technical_key.is_empty() {
            return None;
        }
        let key: Key = tech.technical_key.parse().ok()?;
        match parse_mode(&tech.technical_mode) {
            Some(scale) => Some(Key::new(key.tonic, scale)),
            None => Some(key),
        }
    }

    /// The intent's words that carry meaning (for title seeding): event, longing, transformation.
    pub fn meaning_text(&self) -> String {
        [
            self.song_root.core_event.as_str(),
            self.song_root.core_longing.as_str(),
            self.song_root.core_transformation.as_str(),
        ]
        .join(" ")
    }
}

/// Reads a mode name: "major", "minor", the church modes and every scale id.
pub fn parse_mode(text: &str) -> Option<ScaleKind> {
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "" => None,
        "m" => Some(ScaleKind::Minor),
        _ => t.parse().ok(),
    }
}

/// Rule-breaks whose example emotions (or description) match `emotion`, best matches first.
pub fn suggest_rules(emotion: &str) -> Vec<&'static data::RuleBreak> {
    let wanted = squash(emotion);
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(u8, &data::RuleBreak)> = data::rule_breaks()
        .iter()
        .filter_map(|rule| {
            let exact = rule.example_emotions.iter().any(|e| squash(e) == wanted);
            let partial = rule.example_emotions.iter().any(|e| {
                let e = squash(e);
                e.starts_with(&wanted) || wanted.starts_with(&e)
            });
            let text = format!("{} {}", rule.effect, rule.when_to_use).to_lowercase();
            let mentioned = text.contains(&emotion.trim().to_lowercase());
            let score = if exact {
                3
            } else if partial {
                2
            } else if mentioned {
                1
            } else {
                0
            };
            (score > 0).then_some((score, rule))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    scored.into_iter().map(|(_, rule)| rule).collect()
}

/// Today's date as YYYY-MM-DD (UTC), from the system clock: the `created` field of new
/// intents.
pub fn today_utc() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    // Civil-from-days (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_json() -> String {
        r#"{
          "title": "Kitchen Floor",
          "created": "2025-01-01",
          "song_root": {
            "core_event": "My father's chair is empty",
            "core_resistance": "If I say it, it's true",
            "core_longing": "One more ordinary morning",
            "core_stakes": "Relational",
            "core_transformation": "From numbness to grief I can carry"
          },
          "song_intent": {
            "mood_primary": "Grief",
            "mood_secondary_tension": 0.6,
            "imagery_texture": "Muffled",
            "vulnerability_scale": "High",
            "narrative_arc": "Slow Reveal"
          },
          "technical_constraints": {
            "technical_genre": "Confessional Acoustic",
            "technical_tempo_range": [60, 80],
            "technical_key": "F",
            "technical_mode": "major",
            "technical_groove_feel": "Organic/Breathing",
            "technical_rule_to_break": "HARMONY_ModalInterchange",
            "rule_breaking_justification": "The borrowed iv is the memory darkening a bright room"
          }
        }"#
        .to_string()
    }

    fn errors_of(text: &str) -> Vec<String> {
        match SongIntent::from_json(text) {
            Err(IntentError::Invalid(report)) => {
                report.errors.iter().map(|i| i.field.clone()).collect()
            }
            Err(other) => vec![format!("json: {other}")],
            Ok(_) => Vec::new(),
        }
    }

    #[test]
    fn a_full_intent_reads_and_round_trips() {
        let intent = SongIntent::from_json(&valid_json()).expect("valid");
        assert_eq!(intent.song_intent.mood_primary, Some(Mood::Grief));
        assert_eq!(
            intent.key().map(|k| k.to_string()).as_deref(),
            Some("F major")
        );
        let again = SongIntent::from_json(&intent.to_json()).expect("round trip");
        assert_eq!(again, intent);
    }

    #[test]
    fn the_template_explains_every_field_and_reads_back() {
        let template = SongIntent::template("Untitled", "2025-01-01").to_template_json();
        let value: Value = serde_json::from_str(&template).unwrap();
        let help = value["_help"].as_object().unwrap();
        for f in ROOT_FIELDS {
            assert!(help.contains_key(&format!("song_root.{f}")), "{f}");
        }
        for f in INTENT_FIELDS {
            assert!(help.contains_key(&format!("song_intent.{f}")), "{f}");
        }
        for f in TECH_FIELDS {
            assert!(
                help.contains_key(&format!("technical_constraints.{f}")),
                "{f}"
            );
        }
        // Blank template: readable JSON, but the three required fields are named.
        let fields = errors_of(&template);
        assert_eq!(
            fields,
            [
                "song_root.core_event",
                "song_root.core_longing",
                "song_intent.mood_primary"
            ]
        );
    }

    #[test]
    fn bad_values_name_their_field() {
        let base = valid_json();
        let cases = [
            ("0.6", "1.5", "song_intent.mood_secondary_tension"),
            ("\"Grief\"", "\"Happy\"", "song_intent.mood_primary"),
            ("\"Muffled\"", "42", "song_intent.imagery_texture"),
            ("\"core_event\"", "\"core_evnt\"", "song_root.core_evnt"),
            (
                "[60, 80]",
                "[90, 60]",
                "technical_constraints.technical_tempo_range",
            ),
            (
                "\"technical_key\": \"F\"",
                "\"technical_key\": \"H\"",
                "technical_constraints.technical_key",
            ),
            (
                "\"major\"",
                "\"bebop\"",
                "technical_constraints.technical_mode",
            ),
            (
                "HARMONY_ModalInterchange",
                "HARMONY_Nope",
                "technical_constraints.technical_rule_to_break",
            ),
            (
                "\"The borrowed iv is the memory darkening a bright room\"",
                "\"\"",
                "technical_constraints.rule_breaking_justification",
            ),
        ];
        for (from, to, field) in cases {
            let text = base.replacen(from, to, 1);
            assert_ne!(text, base, "{from}");
            let fields = errors_of(&text);
            assert!(fields.iter().any(|f| f == field), "{field}: got {fields:?}");
        }
        // A missing required field is named too.
        let text = base.replacen("\"core_event\": \"My father's chair is empty\",", "", 1);
        assert_eq!(errors_of(&text), ["song_root.core_event"]);
        // An unknown top-level field with a suggestion.
        let text = base.replacen("\"created\"", "\"craeted\"", 1);
        match SongIntent::from_json(&text) {
            Err(e @ IntentError::Invalid(_)) => {
                assert!(e
                    .to_string()
                    .contains("craeted: unknown field (did you mean 'created'?)"))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            SongIntent::from_json("{ not json"),
            Err(IntentError::Json { line: 1, .. })
        ));
    }

    #[test]
    fn high_vulnerability_with_low_tension_is_a_warning() {
        let text = valid_json().replacen("0.6", "0.2", 1);
        let (_, report) = SongIntent::check_json(&text).unwrap();
        assert!(report.is_valid());
        assert_eq!(report.warnings.len(), 1);
        assert_eq!(report.warnings[0].field, "song_intent.vulnerability_scale");
    }

    #[test]
    fn choices_read_loosely() {
        assert_eq!(
            ImageryTexture::parse("open vast"),
            Some(ImageryTexture::OpenVast)
        );
        assert_eq!(Genre::parse("r&b"), Some(Genre::RnB));
        assert_eq!(
            NarrativeArc::parse("climb to climax"),
            Some(NarrativeArc::ClimbToClimax)
        );
        assert_eq!(Mood::ALL.len(), 18);
        assert_eq!(ImageryTexture::ALL.len(), 15);
        assert_eq!(Genre::ALL.len(), 15);
        assert_eq!(GrooveFeel::ALL.len(), 8);
        assert_eq!(NarrativeArc::ALL.len(), 8);
        for mood in Mood::ALL {
            assert!(
                data::affects().mood_to_affect.contains_key(mood.name()),
                "{mood}"
            );
        }
        for genre in Genre::ALL {
            assert!(
                data::production().genre_style.contains_key(genre.name()),
                "{genre}"
            );
            assert!(
                data::production().genre.contains_key(genre.name()),
                "{genre}"
            );
        }
        for texture in ImageryTexture::ALL {
            assert!(
                data::production().texture.contains_key(texture.name()),
                "{texture}"
            );
            assert!(
                data::titles().imagery.contains_key(texture.name()),
                "{texture}"
            );
        }
        for feel in GrooveFeel::ALL {
            assert!(
                data::grooves().feel_complexity.contains_key(feel.name()),
                "{feel}"
            );
        }
        for arc in data::arrangements().arcs.keys() {
            assert!(NarrativeArc::parse(arc).is_some(), "{arc}");
        }
    }

    #[test]
    fn suggestions_match_emotions() {
        let ids: Vec<&str> = suggest_rules("grief")
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert!(ids.contains(&"HARMONY_AvoidTonicResolution"));
        assert!(ids.contains(&"RHYTHM_DroppedBeats"));
        let ids: Vec<&str> = suggest_rules("Bittersweet")
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert!(ids.contains(&"HARMONY_ModalInterchange"));
        assert!(suggest_rules("zzzz").is_empty());
        assert!(suggest_rules("").is_empty());
    }

    #[test]
    fn validation_stops_after_the_issue_limit() {
        // Ten thousand unknown fields: one error each, until the limit.
        let fields: Vec<String> = (0..10_000).map(|i| format!("\"junk{i}\": 1")).collect();
        let text = format!("{{{}}}", fields.join(", "));
        let (_, report) = SongIntent::check_json(&text).expect("JSON");
        assert_eq!(report.errors.len(), MAX_ISSUES + 1);
        assert!(report.is_full());
        let last = report.errors.last().expect("the note");
        assert!(
            last.message
                .contains(&format!("stopped after {MAX_ISSUES} problems")),
            "{last}"
        );
        assert!(report.errors[..MAX_ISSUES]
            .iter()
            .all(|i| i.message.contains("unknown field")));
        let Err(err) = SongIntent::from_json(&text) else {
            panic!("an invalid intent")
        };
        assert!(err.to_string().contains("stopped after"), "{err}");

        // A few problems are all reported, with no note.
        let (_, report) = SongIntent::check_json("{\"junk\": 1}").expect("JSON");
        assert!(!report.is_full());
        assert!(report.errors.iter().all(|i| !i.message.contains("stopped")));
    }
}
