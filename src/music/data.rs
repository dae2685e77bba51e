//! The music brain's data tables, stored as JSON under `assets/music/` and compiled into the
//! binary (so the plugin and the CLI work from any directory); edit the JSON, rebuild, and the
//! tests check the tables still fit together.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// One entry of the rule-break catalogue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleBreak {
    /// Stable id, `FAMILY_Name` (e.g. `HARMONY_ModalInterchange`).
    pub id: String,
    /// Family: Harmony, Rhythm, Arrangement, Production, Melody, Texture or Temporal.
    pub family: String,
    /// The rule's name without the family.
    pub name: String,
    /// What breaking the rule means in practice.
    pub description: String,
    /// What the listener feels.
    pub effect: String,
    /// When it serves the song.
    pub when_to_use: String,
    /// Emotions it suits (lower case), used by `intent suggest`.
    pub example_emotions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(rename = "_about")]
    _about: String,
    rules: Vec<RuleBreak>,
}

/// An affect's modes, tempo range and arrangement density.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Affect {
    /// Mode names (ScaleKind ids or aliases); the first for low tension, the second for high.
    pub modes: Vec<String>,
    /// Tempo range in BPM.
    pub tempo: [f64; 2],
    /// sparse, moderate, full or dense.
    pub density: String,
}

/// An emotional tempo preset: BPM and pocket.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TempoPreset {
    /// Tempo in BPM.
    pub bpm: f64,
    /// Offset of the whole groove in ms (+ = behind the beat).
    pub pocket_ms: f64,
    /// Swing, when the preset has one (0 = straight, 0.67 = triplet).
    #[serde(default)]
    pub swing: Option<f64>,
    /// The reference's name for the preset.
    pub from: String,
}

/// `assets/music/affects.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AffectTable {
    #[serde(rename = "_about")]
    _about: String,
    /// Affect name -> modes, tempo, density.
    pub affects: BTreeMap<String, Affect>,
    /// Intent mood (e.g. "Triumphant Hope") -> affect name.
    pub mood_to_affect: BTreeMap<String, String>,
    /// Affect name -> tempo preset.
    pub tempo_presets: BTreeMap<String, TempoPreset>,
    /// Density -> backing style when no genre is given.
    pub density_style: BTreeMap<String, String>,
}

/// Progressions for major-third and minor-third keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressionLists {
    /// For Ionian, Lydian, Mixolydian.
    pub major: Vec<String>,
    /// For Aeolian, Dorian, Phrygian, Locrian and the minor scales.
    pub minor: Vec<String>,
}

/// `assets/music/harmony.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HarmonyTable {
    #[serde(rename = "_about")]
    _about: String,
    /// Rule whose progressions serve rules without harmony of their own.
    pub default_rule: String,
    /// Progressions when no rule is broken.
    pub no_rule: ProgressionLists,
    /// Rule id -> progressions.
    pub by_rule: BTreeMap<String, ProgressionLists>,
}

/// The humaniser's constants.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HumanizerConstants {
    /// Chance of a ghost note on an empty snare sixteenth (before the style's factor).
    pub ghost_probability: f64,
    /// Timing drift bound at complexity 1, in ticks.
    pub max_drift_ticks: f64,
    /// Every hit this many ticks late: machines are early, people lean back.
    pub late_bias_ticks: f64,
    /// Softest velocity.
    pub velocity_min: u8,
    /// Loudest velocity.
    pub velocity_max: u8,
    /// Chance of dropping an unprotected hit at complexity 1.
    pub max_dropout: f64,
    /// Role -> protection from dropouts (1 = never dropped).
    pub protection: BTreeMap<String, f64>,
    /// Role -> how strongly drift moves it.
    pub timing_multiplier: BTreeMap<String, f64>,
}

/// The displacement template.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisplacementTemplate {
    /// One line for the plan.
    pub description: String,
    /// How late every drum hit sits.
    pub displacement_ticks: i32,
    /// Velocities per sixteenth, repeated.
    pub velocities: Vec<u8>,
}

/// The tempo-fluctuation template.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FluctuationTemplate {
    /// One line for the plan.
    pub description: String,
    /// Peak tempo deviation in BPM.
    pub tempo_depth_bpm: f64,
    /// Minimum swing.
    pub swing: f64,
    /// Velocities per sixteenth, repeated.
    pub velocities: Vec<u8>,
}

/// The metric-modulation template.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricTemplate {
    /// One line for the plan.
    pub description: String,
    /// Accented sixteenths.
    pub accent_steps: Vec<u8>,
}

/// The polyrhythm template.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolyrhythmTemplate {
    /// One line for the plan.
    pub description: String,
    /// Hat grouping in sixteenths.
    pub group: u8,
}

/// The dropped-beats template.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DroppedTemplate {
    /// One line for the plan.
    pub description: String,
    /// How many steps fall silent.
    pub count: usize,
    /// Steps that may be chosen.
    pub candidates: Vec<u8>,
}

/// The groove templates of the rhythm rule-breaks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct Templates {
    /// RHYTHM_ConstantDisplacement.
    pub ConstantDisplacement: DisplacementTemplate,
    /// RHYTHM_TempoFluctuation.
    pub TempoFluctuation: FluctuationTemplate,
    /// RHYTHM_MetricModulation.
    pub MetricModulation: MetricTemplate,
    /// RHYTHM_PolyrhythmicLayers.
    pub PolyrhythmicLayers: PolyrhythmTemplate,
    /// RHYTHM_DroppedBeats.
    pub DroppedBeats: DroppedTemplate,
}

/// `assets/music/grooves.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrooveTable {
    #[serde(rename = "_about")]
    _about: String,
    /// Humaniser constants.
    pub humanizer: HumanizerConstants,
    /// Groove feel -> complexity 0..1.
    pub feel_complexity: BTreeMap<String, f64>,
    /// Vulnerability -> 0..1.
    pub vulnerability: BTreeMap<String, f64>,
    /// Rhythm-rule templates.
    pub templates: Templates,
    /// Groove feel -> template name for non-rhythm rules.
    pub feel_template: BTreeMap<String, String>,
}

/// One song section.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Name ("Verse").
    pub section: String,
    /// Length in bars.
    pub bars: u32,
    /// Energy 0..1.
    pub energy: f64,
}

/// `assets/music/arrangements.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrangementTable {
    #[serde(rename = "_about")]
    _about: String,
    /// For arcs without their own.
    pub default: Vec<Section>,
    /// Narrative arc -> sections.
    pub arcs: BTreeMap<String, Vec<Section>>,
    /// Rule id -> sections (overrides the arc).
    pub by_rule: BTreeMap<String, Vec<Section>>,
}

/// `assets/music/production.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductionTable {
    #[serde(rename = "_about")]
    _about: String,
    /// Genre -> backing style id.
    pub genre_style: BTreeMap<String, String>,
    /// Genre -> production note.
    pub genre: BTreeMap<String, String>,
    /// Imagery texture -> production note.
    pub texture: BTreeMap<String, String>,
    /// Vulnerability -> production note.
    pub vulnerability: BTreeMap<String, String>,
}

/// A drum voice of the kit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrumVoice {
    /// General MIDI percussion note.
    pub note: u8,
    /// kick, snare, hat, crash or perc: sets pocket, drift and protection.
    pub role: String,
}

/// One drum line of a style.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrumLine {
    /// Kit voice name.
    pub voice: String,
    /// The grid.
    pub grid: String,
    /// Grid for fill bars (the main grid when absent).
    #[serde(default)]
    pub fill: Option<String>,
}

/// A style's bass part.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BassDef {
    /// The grid.
    pub grid: String,
    /// Grid below energy 0.7 (the main grid when absent).
    #[serde(default)]
    pub quiet_grid: Option<String>,
    /// General MIDI program (0-based).
    pub program: u8,
    /// Base velocity.
    pub velocity: u8,
}

/// A style's chord part.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChordDef {
    /// The grid.
    pub grid: String,
    /// General MIDI program (0-based).
    pub program: u8,
    /// Base velocity.
    pub velocity: u8,
    /// Most notes per chord.
    pub voices: usize,
    /// Lowest and highest MIDI note.
    pub register: [u8; 2],
    /// triad, seventh, ninth or blues.
    pub extension: String,
    /// One chord tone per attack instead of the whole chord.
    pub arpeggio: bool,
}

/// A style's default progression in scale degrees.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleProgression {
    /// Degrees for major-third keys.
    pub major: Vec<u8>,
    /// Degrees for minor-third keys.
    pub minor: Vec<u8>,
    /// Bars each chord lasts.
    pub bars_per_chord: u32,
}

/// One backing style.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleDef {
    /// One line for people.
    pub description: String,
    /// Where the numbers come from.
    pub source: String,
    /// Usual tempo range.
    pub tempo_range: [f64; 2],
    /// 0 = straight, 0.67 = triplet.
    pub swing: f64,
    /// "eighth" or "sixteenth".
    pub swing_unit: String,
    /// Window for pocket plus drift, in ticks.
    pub timing_ticks: [i32; 2],
    /// Role (kick, snare, hat, perc, bass, chords) -> offset in ms, + = late.
    pub pocket_ms: BTreeMap<String, f64>,
    /// Scales the humaniser's ghost-note chance.
    pub ghost_factor: f64,
    /// Crash on the first beat every N bars (0 = never).
    pub crash_every: u32,
    /// Fill in the last bar of every N (0 = never).
    pub fill_every: u32,
    /// Drum lines.
    pub drums: Vec<DrumLine>,
    /// Bass part.
    pub bass: BassDef,
    /// Chord part.
    pub chords: ChordDef,
    /// Default progression.
    pub progression: StyleProgression,
}

/// `assets/music/styles.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleTable {
    #[serde(rename = "_about")]
    _about: String,
    /// Voice name -> note and role.
    pub drum_kit: BTreeMap<String, DrumVoice>,
    /// Style id -> style.
    pub styles: BTreeMap<String, StyleDef>,
}

/// Word lists of one title mood.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitleMood {
    /// Finished titles.
    pub seeds: Vec<String>,
    /// Adjectives.
    pub adj: Vec<String>,
    /// Concrete nouns.
    pub noun: Vec<String>,
    /// Abstract nouns.
    #[serde(rename = "abstract")]
    pub abstract_: Vec<String>,
    /// Verbs ending in -ing.
    pub verb_ing: Vec<String>,
    /// Verbs in the past.
    pub verb_past: Vec<String>,
}

/// Extra words an imagery texture adds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitleImagery {
    /// Adjectives.
    pub adj: Vec<String>,
    /// Nouns.
    pub noun: Vec<String>,
}

/// `assets/music/titles.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitleTable {
    #[serde(rename = "_about")]
    _about: String,
    /// Title templates.
    pub templates: Vec<String>,
    /// Mood -> words.
    pub moods: BTreeMap<String, TitleMood>,
    /// Other mood words -> a mood above.
    pub aliases: BTreeMap<String, String>,
    /// Texture -> words.
    pub imagery: BTreeMap<String, TitleImagery>,
    /// Places.
    pub places: Vec<String>,
    /// Times.
    pub times: Vec<String>,
    /// Words never taken from intent text.
    pub stopwords: Vec<String>,
}

macro_rules! table {
    ($(#[$doc:meta])* $vis:vis $name:ident, $ty:ty, $file:literal) => {
        $(#[$doc])*
        $vis fn $name() -> &'static $ty {
            static CELL: OnceLock<$ty> = OnceLock::new();
            CELL.get_or_init(|| {
                // The file is compiled in and checked by the unit tests, so this cannot fail in a
                // build whose tests passed.
                serde_json::from_str(include_str!(concat!("../../assets/music/", $file)))
                    .unwrap_or_else(|e| panic!("assets/music/{} is invalid: {e}", $file))
            })
        }
    };
}

table!(
    /// The rule-break catalogue (`rule_breaks.json`).
    rule_breaks_file, RuleFile, "rule_breaks.json"
);
table!(
    /// Affect tables (`affects.json`).
    pub affects, AffectTable, "affects.json"
);
table!(
    /// Progressions per rule (`harmony.json`).
    pub harmony, HarmonyTable, "harmony.json"
);
table!(
    /// Humaniser and groove templates (`grooves.json`).
    pub grooves, GrooveTable, "grooves.json"
);
table!(
    /// Arrangements per arc (`arrangements.json`).
    pub arrangements, ArrangementTable, "arrangements.json"
);
table!(
    /// Production notes and genre styles (`production.json`).
    pub production, ProductionTable, "production.json"
);
table!(
    /// Backing styles (`styles.json`).
    pub styles, StyleTable, "styles.json"
);
table!(
    /// Title words (`titles.json`).
    pub titles, TitleTable, "titles.json"
);
table!(
    /// Intent field explanations (`intent_fields.json`).
    pub intent_fields, BTreeMap<String, String>, "intent_fields.json"
);

/// The 42 rule-breaks.
pub fn rule_breaks() -> &'static [RuleBreak] {
    &rule_breaks_file().rules
}

/// A rule-break by id (`HARMONY_ModalInterchange`) or bare name (`ModalInterchange`), ignoring
/// case.
pub fn find_rule(text: &str) -> Option<&'static RuleBreak> {
    let wanted = text.trim();
    rule_breaks()
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(wanted) || r.name.eq_ignore_ascii_case(wanted))
}

/// A backing style by id, accepting "neo-soul", "Neo Soul", "hip-hop", "lo-fi".
pub fn find_style(text: &str) -> Option<(&'static str, &'static StyleDef)> {
    let wanted: String = text
        .trim()
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    styles().styles.iter().find_map(|(id, style)| {
        let plain: String = id.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        (plain == wanted).then_some((id.as_str(), style))
    })
}

/// The style ids, sorted.
pub fn style_ids() -> Vec<&'static str> {
    styles().styles.keys().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::music::theory::{parse_progression, ScaleKind};

    #[test]
    fn every_table_loads() {
        assert_eq!(rule_breaks().len(), 42);
        assert!(!affects().affects.is_empty());
        assert!(!harmony().by_rule.is_empty());
        assert!(!grooves().feel_complexity.is_empty());
        assert!(!arrangements().default.is_empty());
        assert!(!production().texture.is_empty());
        assert_eq!(styles().styles.len(), 12);
        assert!(!titles().moods.is_empty());
        assert!(!intent_fields().is_empty());
    }

    #[test]
    fn rule_ids_are_unique_and_well_formed() {
        let families = [
            ("Harmony", 6),
            ("Rhythm", 5),
            ("Arrangement", 5),
            ("Production", 8),
            ("Melody", 6),
            ("Texture", 6),
            ("Temporal", 6),
        ];
        for (family, count) in families {
            let n = rule_breaks().iter().filter(|r| r.family == family).count();
            assert_eq!(n, count, "{family}");
        }
        let mut ids: Vec<&str> = rule_breaks().iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 42);
        for rule in rule_breaks() {
            assert_eq!(
                rule.id,
                format!("{}_{}", rule.family.to_ascii_uppercase(), rule.name)
            );
            assert!(!rule.example_emotions.is_empty());
        }
        assert_eq!(
            find_rule("modalinterchange").map(|r| r.id.as_str()),
            Some("HARMONY_ModalInterchange")
        );
    }

    #[test]
    fn cross_references_resolve() {
        for (name, affect) in &affects().affects {
            assert!(affect.tempo[0] < affect.tempo[1], "{name}");
            for mode in &affect.modes {
                assert!(mode.parse::<ScaleKind>().is_ok(), "{name}: {mode}");
            }
            assert!(
                affects().density_style.contains_key(&affect.density),
                "{name}"
            );
        }
        for affect in affects().mood_to_affect.values() {
            assert!(affects().affects.contains_key(affect), "{affect}");
        }
        for name in affects().tempo_presets.keys() {
            assert!(affects().affects.contains_key(name), "{name}");
        }
        for (rule, lists) in &harmony().by_rule {
            assert!(find_rule(rule).is_some(), "{rule}");
            for text in lists.major.iter().chain(&lists.minor) {
                assert!(parse_progression(text).is_ok(), "{rule}: {text}");
            }
        }
        assert!(find_rule(&harmony().default_rule).is_some());
        for rule in arrangements().by_rule.keys() {
            assert!(find_rule(rule).is_some(), "{rule}");
        }
        for style in production().genre_style.values() {
            assert!(find_style(style).is_some(), "{style}");
        }
        for (density, style) in &affects().density_style {
            assert!(
                density == "_about" || find_style(style).is_some(),
                "{style}"
            );
        }
        for alias in titles().aliases.values() {
            assert!(titles().moods.contains_key(alias), "{alias}");
        }
    }

    #[test]
    fn style_grids_are_well_formed() {
        let kit = &styles().drum_kit;
        for (id, style) in &styles().styles {
            let ok_len = |g: &str| g.chars().count() == 16 || g.chars().count() == 32;
            for line in &style.drums {
                assert!(kit.contains_key(&line.voice), "{id}: {}", line.voice);
                for grid in std::iter::once(&line.grid).chain(line.fill.as_ref()) {
                    assert!(ok_len(grid), "{id} {}: {grid}", line.voice);
                    assert!(
                        grid.chars().all(|c| ".xog123456789".contains(c)),
                        "{id}: {grid}"
                    );
                }
            }
            for grid in std::iter::once(&style.bass.grid).chain(style.bass.quiet_grid.as_ref()) {
                assert!(ok_len(grid), "{id}: {grid}");
                assert!(
                    grid.chars().all(|c| "R35678WArfo-.".contains(c)),
                    "{id}: {grid}"
                );
                let first = grid.chars().find(|c| !matches!(c, '.' | '-'));
                assert!(
                    matches!(first, Some('R' | 'W')),
                    "{id}: bass starts on the root"
                );
            }
            assert!(ok_len(&style.chords.grid), "{id}");
            assert!(
                style.chords.grid.chars().all(|c| "xo-.".contains(c)),
                "{id}"
            );
            assert!(
                ["triad", "seventh", "ninth", "blues"].contains(&style.chords.extension.as_str())
            );
            assert!(
                ["eighth", "sixteenth"].contains(&style.swing_unit.as_str()),
                "{id}"
            );
            assert!((0.0..=0.67).contains(&style.swing), "{id}");
            assert!(style.timing_ticks[0] <= style.timing_ticks[1], "{id}");
            assert!(
                style.chords.register[0] + 12 <= style.chords.register[1],
                "{id}"
            );
            for degree in style
                .progression
                .major
                .iter()
                .chain(&style.progression.minor)
            {
                assert!((1..=7).contains(degree), "{id}");
            }
            assert!(style.progression.bars_per_chord >= 1);
        }
        assert_eq!(find_style("Neo-Soul").map(|s| s.0), Some("neo_soul"));
        assert_eq!(find_style("hip hop").map(|s| s.0), Some("hiphop"));
        assert!(find_style("polka").is_none());
    }
}
