//! Tests of lists of orders read piece by piece.
use super::*;
use crate::assistant::understand::tests::{calls, tools};

#[test]
fn pieces_part_at_breaks_and_keep_quotes_whole() {
    assert_eq!(
        order_pieces("1) G dorian 2) four titles, leaving home vibe"),
        ["G dorian", "four titles, leaving home vibe"]
    );
    assert_eq!(
        order_pieces("say \"stop. then go\" then start the beat"),
        ["say \"stop. then go\"", "start the beat"]
    );
    assert_eq!(
        order_pieces("bypass on; how in tune was that take?").len(),
        2
    );
    assert_eq!(order_pieces("less reverb and more presence").len(), 1);
}

#[test]
fn orders_the_whole_request_read_in_part_are_read_apart() {
    assert_eq!(
        tools("speak 'take two' (confident profile), then backing on"),
        ["voice_speak", "mix_control"]
    );
    assert_eq!(
        tools("1) G dorian 2) four titles, leaving home vibe"),
        ["voice_tune", "name_suggest"]
    );
    assert_eq!(
        tools("bypass on; how in tune was that take?"),
        ["mix_control", "listen"]
    );
    // Read whole, the key is shared: nothing is gained apart.
    assert_eq!(
        tools("tune me to G minor, then a backing in the same key"),
        ["voice_tune", "backing_generate"]
    );
}

#[test]
fn a_signed_step_from_here_keeps_its_sign() {
    let c = calls("backing -2 dB from here");
    assert_eq!(c[0].1["backing_level_db"], -14.0);
    let c = calls("ease the robot off, keep the pitch where it is; backing -2 dB from here");
    assert_eq!(tools_of(&c), ["voice_modulate", "mix_control"]);
}

fn tools_of(c: &[(String, serde_json::Value)]) -> Vec<&str> {
    c.iter().map(|c| c.0.as_str()).collect()
}

#[test]
fn a_new_intent_among_orders_is_made_then_planned() {
    assert_eq!(
        tools("intent: Glass Harbour. Then process. Then backing."),
        ["intent_new", "intent_process", "backing_generate"]
    );
    assert_eq!(
        tools("create the song intent Salt Orchard then turn it into a plan"),
        ["intent_new", "intent_process"]
    );
    assert_eq!(
        tools("create the intent Paper Lanterns + four name ideas"),
        ["intent_new", "name_suggest"]
    );
    // The effect's mix, not the song plan.
    assert_eq!(
        tools("mix knob back a bit, too processed"),
        ["voice_modulate"]
    );
}

#[test]
fn the_plugin_switched_beside_a_level() {
    let c = calls("stop bypassing; output a notch lower; backing on");
    assert_eq!(c[0].1["bypass"], false);
    assert!(c[0].1["output_gain_db"].as_f64().is_some_and(|v| v < 0.0));
    let c = calls("turn the plugin off (bypass) and after that rate my pitch");
    assert_eq!(c[0].1["bypass"], true);
    assert_eq!(tools_of(&c), ["mix_control", "listen"]);
}

/// The calls a request makes with a C major, 100 BPM pop backing loaded.
fn with_backing(text: &str) -> Vec<(String, serde_json::Value)> {
    use crate::assistant::state::{BackingSpec, ParamSnapshot};
    let state = ParamSnapshot::default();
    let spec = BackingSpec::default();
    let ctx = Context {
        state: &state,
        backing: Some(&spec),
    };
    match crate::assistant::understand::decide(text, &ctx) {
        Decision::Calls(c) => c
            .into_iter()
            .map(|c| (c.tool, serde_json::Value::Object(c.args)))
            .collect(),
        other => panic!("{text:?}: {other:?}"),
    }
}

#[test]
fn the_backing_playing_moves_its_tempo_or_key() {
    let c = with_backing("reduce the speed of the accompaniment, a bit");
    assert!(c[0].1["tempo_bpm"]
        .as_u64()
        .is_some_and(|t| (88..100).contains(&t)));
    assert_eq!(with_backing("I want speed of 130")[0].1["tempo_bpm"], 130);
    let c = with_backing("accelerate a little the backing");
    assert!(c[0].1["tempo_bpm"]
        .as_u64()
        .is_some_and(|t| (101..=112).contains(&t)));
    let c = with_backing("transpose the track up two semitones");
    assert_eq!(
        (c[0].0.as_str(), &c[0].1["key"]),
        ("backing_generate", &json!("D"))
    );
    assert_eq!(c[0].1["tempo_bpm"], 100);
    let c = with_backing("same track but a half step higher");
    assert_eq!(
        (&c[0].1["key"], &c[0].1["tempo_bpm"]),
        (&json!("C#"), &json!(100))
    );
    assert_eq!(
        with_backing("transpose the instrumental +1")[0].1["key"],
        "C#"
    );
    assert_eq!(with_backing("tempo one twelve")[0].1["tempo_bpm"], 112);
}

#[test]
fn the_backing_playing_is_switched_or_levelled_not_remade() {
    for text in [
        "give play to the base",
        "let sound the backing now",
        "connect the instrumental again",
    ] {
        let c = with_backing(text);
        assert_eq!(
            (c[0].0.as_str(), &c[0].1["backing"]),
            ("mix_control", &json!(true)),
            "{text}"
        );
    }
    let c = with_backing("the instrumental's buried under me, raise it");
    assert!(c[0].1["backing_level_db"]
        .as_f64()
        .is_some_and(|v| v > -12.0));
    // Another one is still made anew.
    assert_eq!(
        with_backing("another backing please")[0].0,
        "backing_generate"
    );
    assert_eq!(
        with_backing("the tempo of the beat two times more")[0].1["tempo_bpm"],
        200
    );
}

#[test]
fn the_backing_playing_gets_longer_shorter_or_a_tempo_moved_to() {
    assert_eq!(with_backing("make the loop longer")[0].1["bars"], 16);
    assert_eq!(with_backing("shorter loop please")[0].1["bars"], 4);
    assert_eq!(with_backing("8 more bars")[0].1["bars"], 16);
    let c = with_backing("take it down to 90");
    assert_eq!(
        (&c[0].1["tempo_bpm"], &c[0].1["style"]),
        (&json!(90), &json!("pop"))
    );
}
