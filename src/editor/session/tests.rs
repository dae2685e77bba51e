use super::*;
use crate::assistant::config::DEFAULT_CONFIG_YAML;
use crate::editor::param_access::MapParams;
use crate::editor::pitch_view::analysis_queue;
use crate::music::theory::{PitchClass, ScaleKind};
use std::time::{Duration, Instant};

fn session_with_router_only(tag: &str) -> Session {
    let (patterns, _audio_end) = crate::plugin::backing_link::pattern_queues();
    let store = Arc::new(SessionStore::default());
    session_with(tag, patterns, store)
}

fn session_with(tag: &str, patterns: PatternSender, store: Arc<SessionStore>) -> Session {
    let home = std::env::temp_dir().join(format!("daiw-session-{tag}-{}", std::process::id()));
    let mut config =
        AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, "none", &home).expect("config");
    config.backend = BackendKind::None;
    config.save_history = false;
    let (_tx, rx) = analysis_queue();
    let mut session = Session::new(rx, patterns, Arc::new(BackingShared::default()), store);
    session.start_worker(config);
    assert!(session.link.is_running());
    session
}

#[test]
fn a_loaded_intent_is_written_only_inside_home() {
    let (patterns, _audio) = crate::plugin::backing_link::pattern_queues();
    let store = Arc::new(SessionStore::default());
    let mut session = session_with("intent-path", patterns, store.clone());
    let outside = std::env::temp_dir().join(format!("daiw-planted-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&outside);
    let loaded = crate::plugin::state::SavedSession {
        intent: Some(SavedIntent {
            title: "t".into(),
            path: outside.join("deep/planted.json"),
            content: Some(serde_json::json!({"title": "t"})),
        }),
        ..Default::default()
    };
    nice_plug::params::persist::PersistentField::set(&store, loaded);
    session.poll(&mut MapParams::new());
    assert!(
        !outside.exists(),
        "nothing is created where the project says"
    );
    let inside = session.home.join("intents/planted.json");
    assert!(
        inside.exists(),
        "the intent comes back inside the DAiW home"
    );
    let _ = std::fs::remove_dir_all(&session.home);
}

/// Polls (one GUI frame each) until the answer in progress is in, or 20 s pass.
fn poll_until_answered(session: &mut Session, params: &mut MapParams) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while session.chat.generating && Instant::now() < deadline {
        session.poll(params);
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!session.chat.generating, "no answer");
}

#[test]
fn an_answer_finished_while_the_window_was_closed_is_applied_when_it_opens() {
    let mut session = session_with_router_only("closed");
    let mut params = MapParams::new();
    session.poll(&mut params);
    session.chat.input = "tune me to A minor, hard".into();
    assert!(session.chat.send_input(&mut session.link));
    // The window is closed: nobody polls while the worker answers.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(params.get("tune_key"), Some(ParamValue::Key(PitchClass::C)));
    // It opens again: the queued turn is applied through the parameters, with its card.
    poll_until_answered(&mut session, &mut params);
    assert_eq!(params.get("tune_key"), Some(ParamValue::Key(PitchClass::A)));
    assert_eq!(
        params.get("tune_scale"),
        Some(ParamValue::Scale(ScaleKind::Minor))
    );
    assert!(session
        .chat
        .entries
        .iter()
        .any(|e| matches!(e, Entry::Card(card) if card.tool == "voice_tune")));
}

#[test]
fn moves_made_outside_the_chat_reach_the_agent() {
    let mut session = session_with_router_only("sync");
    let mut params = MapParams::new();
    // The user (or host automation) moved the pitch; the next frame tells the agent.
    assert!(params.set("mod_pitch", ParamValue::Float(5.0)));
    session.poll(&mut params);
    session.chat.input = "down an octave".into();
    assert!(session.chat.send_input(&mut session.link));
    poll_until_answered(&mut session, &mut params);
    let card = session
        .chat
        .entries
        .iter()
        .find_map(|e| match e {
            Entry::Card(card) => Some(card.clone()),
            _ => None,
        })
        .expect("a card");
    assert_eq!(card.changes.len(), 1);
    assert_eq!(card.changes[0].from, ParamValue::Float(5.0));
    assert_eq!(card.changes[0].to, ParamValue::Float(-12.0));
    assert_eq!(params.get("mod_pitch"), Some(ParamValue::Float(-12.0)));
}

#[test]
fn conversation_backing_and_intent_survive_a_project_reload() {
    let (patterns, mut audio) = crate::plugin::backing_link::pattern_queues();
    let store = Arc::new(SessionStore::default());
    let mut session = session_with("save", patterns, store.clone());
    let mut params = MapParams::new();
    session.poll(&mut params);
    for text in [
        "tune me to A minor",
        "give me a funk backing in E minor at 105 bpm, 4 bars",
    ] {
        session.chat.input = text.into();
        assert!(session.chat.send_input(&mut session.link));
        poll_until_answered(&mut session, &mut params);
    }
    session.poll(&mut params);
    // The pattern went to the audio side and the state holds what rebuilds it.
    let mut installed = None;
    assert!(audio.receive(|p| installed.replace(p)));
    let saved = store.get();
    let spec = saved.backing.clone().expect("backing saved");
    assert_eq!((spec.style.as_str(), spec.key.as_str()), ("funk", "E"));
    assert_eq!((spec.tempo_bpm, spec.bars), (105, 4));
    assert_eq!(
        installed.expect("pattern").length_ticks,
        spec.generate().expect("rebuilds").length_ticks()
    );
    assert!(saved.entries.len() >= 4, "{:?}", saved.entries);
    let memory = saved.memory.clone().expect("agent memory saved");
    assert!(memory.messages.len() >= 4);

    // The project is saved (JSON, as nice-plug stores it) and opened in a new instance.
    let json = serde_json::to_string(&saved).expect("state");
    let (patterns, mut audio) = crate::plugin::backing_link::pattern_queues();
    let store = Arc::new(SessionStore::default());
    let mut reopened = session_with("load", patterns, store.clone());
    nice_plug::params::persist::PersistentField::set(
        &store,
        serde_json::from_str(&json).expect("parses"),
    );
    let mut params = MapParams::new();
    reopened.poll(&mut params);
    assert_eq!(
        reopened
            .chat
            .entries
            .iter()
            .filter_map(Entry::to_saved)
            .collect::<Vec<_>>(),
        saved.entries
    );
    let mut installed = None;
    assert!(audio.receive(|p| installed.replace(p)), "backing rebuilt");
    assert_eq!(
        reopened.backing.current.as_ref().map(|(s, _)| s.clone()),
        Some(spec.clone())
    );
    // The agent goes on from the restored conversation: its memory grows from there.
    reopened.chat.input = "what are the current settings?".into();
    assert!(reopened.chat.send_input(&mut reopened.link));
    poll_until_answered(&mut reopened, &mut params);
    let memory_after = reopened.store.get().memory.expect("memory");
    assert!(memory_after.messages.len() > memory.messages.len());
    // A take made with the panel's Generate alone is saved too.
    assert!(reopened.backing.generate(&mut params));
    reopened.poll(&mut params);
    let saved_take = reopened.store.get().backing.expect("backing");
    assert_eq!(saved_take.seed, spec.seed + 1);
}

#[test]
fn undo_on_a_card_is_not_undone_again_by_the_assistant() {
    let mut session = session_with_router_only("card-undo");
    let mut params = MapParams::new();
    session.poll(&mut params);
    for text in ["tune me to A minor", "up an octave"] {
        session.chat.input = text.into();
        assert!(session.chat.send_input(&mut session.link));
        poll_until_answered(&mut session, &mut params);
    }
    assert_eq!(params.get("mod_pitch"), Some(ParamValue::Float(12.0)));
    // Undo on the octave's card, as the button does; the window reports it.
    let card = session
        .chat
        .entries
        .iter_mut()
        .rev()
        .find_map(|e| match e {
            Entry::Card(card) => Some(card),
            _ => None,
        })
        .expect("the octave's card");
    card.undo(&mut params);
    session.chat.report_undos(&mut session.link);
    session.poll(&mut params);
    assert_eq!(params.get("mod_pitch"), Some(ParamValue::Float(0.0)));
    // "undo" now takes back the tuning, the call before.
    session.chat.input = "undo".into();
    assert!(session.chat.send_input(&mut session.link));
    poll_until_answered(&mut session, &mut params);
    assert_eq!(params.get("tune_key"), Some(ParamValue::Key(PitchClass::C)));
    assert_eq!(params.get("mod_pitch"), Some(ParamValue::Float(0.0)));
    // Both earlier cards now read as undone: one by its button, one by the chat's "undo".
    let undone: Vec<(String, bool)> = session
        .chat
        .entries
        .iter()
        .filter_map(|e| match e {
            Entry::Card(card) => Some((card.tool.clone(), card.undone)),
            _ => None,
        })
        .collect();
    assert_eq!(
        undone,
        [
            ("voice_tune".to_string(), true),
            ("voice_modulate".to_string(), true),
            ("undo".to_string(), false)
        ]
    );
}
