//! Song intent: the three-phase "interrogate before generate" schema (root, intent, technical
//! constraints) with the reference's JSON keys, its enumerations, and validation whose every
//! message names the field it is about.

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::data;
use super::theory::{Key, ScaleKind};

mod choices;
mod reader;
mod report;

use choices::squash;
pub use choices::*;
use reader::{kind, Reader, INTENT_FIELDS, ROOT_FIELDS, TECH_FIELDS, TOP_FIELDS};
pub use report::{IntentError, Issue, ValidationReport, MAX_ISSUES};

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
mod tests;
