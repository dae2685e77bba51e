//! Unit tests of the intent schema, reading and validation.

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
