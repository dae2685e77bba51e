//! Tests of the references: matching names, cues, and the calls they reach.
use super::*;

fn sample() -> References {
    References::parse(
        r#"{"styles": {"hiphop": {"names": ["metro boomin", "madlib"]},
                        "reggae": {"names": ["gregory isaacs", "lovers rock"]},
                        "funk": {"names": ["sly and the family stone"],
                                 "common_word_names": ["prince"]}},
            "voices": {"robot": {"names": ["glados", "r2 d2", "c 3po"]},
                       "pitched_down": {"names": ["burial"]}}}"#,
    )
    .unwrap()
}

fn meanings(refs: &References, text: &str) -> Vec<Meaning> {
    refs.find(&Words::new(text))
        .into_iter()
        .map(|(_, m)| m)
        .collect()
}

#[test]
fn the_stored_file_is_valid_and_large() {
    let refs = References::parse(REFERENCES_JSON).unwrap();
    assert!(refs.len() >= 1000, "{} names", refs.len());
}

#[test]
fn names_are_found_across_spellings() {
    let refs = sample();
    let robot = [Meaning::Voice(VoiceRef::Robot)];
    assert_eq!(meanings(&refs, "make me sound like R2-D2"), robot);
    assert_eq!(meanings(&refs, "C-3PO voice on the chorus"), robot);
    assert_eq!(meanings(&refs, "GLaDOS from Portal"), robot);
    assert_eq!(
        meanings(&refs, "backing like Sly and the Family Stone, to dance"),
        [Meaning::Style("funk")]
    );
    assert_eq!(
        meanings(&refs, "Metro Boomin type beat, 140"),
        [Meaning::Style("hiphop")]
    );
    assert_eq!(
        meanings(&refs, "Gregory Isaacs lovers rock kind of backing"),
        [Meaning::Style("reggae"), Meaning::Style("reggae")]
    );
}

#[test]
fn everyday_words_need_a_cue() {
    let refs = sample();
    assert!(meanings(&refs, "the prince of the party").is_empty());
    assert_eq!(
        meanings(&refs, "a backing like prince"),
        [Meaning::Style("funk")]
    );
    assert_eq!(meanings(&refs, "Prince vibe"), [Meaning::Style("funk")]);
}

#[test]
fn unknown_groups_are_errors_not_guesses() {
    let bad = r#"{"styles": {"polka": {"names": ["x"]}}, "voices": {}}"#;
    assert!(matches!(
        References::parse(bad),
        Err(ReferencesError::UnknownGroup(_))
    ));
    assert!(References::parse("not json").is_err());
}

/// `DAIW_REFERENCES_DEBUG="text|text"` prints what each text names and the calls it
/// gets (for tuning).
#[test]
fn debug_print() {
    let Ok(texts) = std::env::var("DAIW_REFERENCES_DEBUG") else {
        return;
    };
    for text in texts.split('|') {
        let words = Words::new(text);
        let refs = stored();
        let found: Vec<String> = refs
            .find(&words)
            .iter()
            .map(|(i, m)| format!("{}:{m:?}", words.at(*i)))
            .collect();
        println!("{text} => {:?} => {found:?}", words.texts());
        println!("    calls: {:?}", calls(text));
        let state = crate::assistant::state::ParamSnapshot::default();
        let ctx = super::super::Context {
            state: &state,
            backing: None,
        };
        println!("    {}", super::super::explain(text, &ctx));
    }
}

/// The tools and arguments the router gives `text`, from the default state.
fn calls(text: &str) -> Vec<(String, serde_json::Value)> {
    let state = crate::assistant::state::ParamSnapshot::default();
    let ctx = super::super::Context {
        state: &state,
        backing: None,
    };
    match super::super::decide(text, &ctx) {
        super::super::Decision::Calls(c) => c
            .into_iter()
            .map(|c| (c.tool, serde_json::Value::Object(c.args)))
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn the_stored_knowledge_reaches_the_calls() {
    let c = calls("Metro Boomin type beat, 140");
    assert_eq!(c[0].0, "backing_generate");
    assert_eq!(c[0].1["style"], "hiphop");
    assert_eq!(c[0].1["tempo_bpm"], 140);
    let c = calls("GLaDOS from Portal");
    assert_eq!(c[0].0, "voice_modulate");
    assert_eq!(c[0].1["robot"], 0.8);
    let c = calls("Burial style pitched down vocal");
    assert!(c[0].1["pitch_semitones"].as_f64().is_some_and(|p| p < 0.0));
    // A genre word before the backing's noun outranks the names beside it.
    let c = calls("can you make a lo fi backing for a bedroom pop song?");
    assert_eq!(c[0].1["style"], "lofi");
    // An artist named for a voice ("velvet") is not a backing.
    let c = calls("Leon Bridges velvet, nice and round");
    assert!(
        c.iter().all(|(tool, _)| tool != "backing_generate"),
        "{c:?}"
    );
    // A preset named keeps its own values.
    let c = calls("use the ethereal voice preset");
    assert_eq!(c[0].1, serde_json::json!({"preset": "ethereal"}));
    // "Autotune" is the tuning's word, never a hard-tuned reference by itself.
    let c = calls("make the autotune react a bit sooner");
    assert_ne!(c[0].1.get("preset"), Some(&serde_json::json!("hard_tune")));
}

#[test]
fn accents_and_dots_fold() {
    assert_eq!(fold("rubén"), "ruben");
    assert_eq!(fold("r.l"), "rl");
    assert_eq!(fold("esbjörn"), "esbjorn");
}
