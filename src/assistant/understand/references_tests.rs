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

#[test]
fn accents_and_dots_fold() {
    assert_eq!(fold("rubén"), "ruben");
    assert_eq!(fold("r.l"), "rl");
    assert_eq!(fold("esbjörn"), "esbjorn");
}
