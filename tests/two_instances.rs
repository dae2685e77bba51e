//! Two plugin instances in one process, as a DAW loads them on two vocal tracks: each has its
//! own window session, assistant worker, conversation, parameters and saved state, and both
//! chat at the same time through the one shared embedded model without hearing each other.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use daiw::assistant::config::{AgentConfig, BackendKind, DEFAULT_CONFIG_YAML};
use daiw::assistant::embedded;
use daiw::assistant::state::ParamValue;
use daiw::editor::chat::Entry;
use daiw::editor::param_access::{MapParams, ParamAccess};
use daiw::editor::pitch_view::analysis_queue;
use daiw::editor::session::Session;
use daiw::music::theory::{PitchClass, ScaleKind};
use daiw::plugin::backing_link::{pattern_queues, BackingShared};
use daiw::plugin::state::SessionStore;

/// One instance: its session (with a worker on the real default model) and its parameters.
struct Instance {
    session: Session,
    params: MapParams,
    store: Arc<SessionStore>,
}

fn instance(tag: &str, model: &std::path::Path) -> Instance {
    let home = std::env::temp_dir().join(format!("daiw-two-{tag}-{}", std::process::id()));
    let mut config = AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, tag, &home).expect("config");
    config.backend = BackendKind::Embedded;
    config.model_path = model.to_path_buf();
    config.save_history = false;
    let (_analysis_tx, analysis_rx) = analysis_queue();
    let (patterns, _audio) = pattern_queues();
    let store = Arc::new(SessionStore::default());
    let mut session = Session::new(
        analysis_rx,
        patterns,
        Arc::new(BackingShared::default()),
        store.clone(),
    );
    session.start_worker(config);
    Instance {
        session,
        params: MapParams::new(),
        store,
    }
}

impl Instance {
    fn send(&mut self, text: &str) {
        self.session.chat.input = text.into();
        assert!(self.session.chat.send_input(&mut self.session.link));
    }

    fn replies(&self) -> Vec<String> {
        self.session
            .chat
            .entries
            .iter()
            .filter_map(|e| match e {
                Entry::Assistant {
                    text,
                    streaming: false,
                } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }
}

/// Polls both (one GUI frame each) until neither is answering, or 60 s pass.
fn answer_both(a: &mut Instance, b: &mut Instance) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while (a.session.chat.generating || b.session.chat.generating) && Instant::now() < deadline {
        a.session.poll(&mut a.params);
        b.session.poll(&mut b.params);
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        !a.session.chat.generating && !b.session.chat.generating,
        "both answered"
    );
    a.session.poll(&mut a.params);
    b.session.poll(&mut b.params);
}

#[test]
fn two_instances_chat_at_once_without_interfering() {
    let model = support::model_path();
    let mut a = instance("a", &model);
    let mut b = instance("b", &model);

    // Both ask at the same time: one for the router, one for the model, then the other way.
    a.send("tune me to A minor, hard");
    b.send("hi there!");
    answer_both(&mut a, &mut b);
    a.send("what can you do?");
    b.send("add a lot of reverb and pitch me down an octave");
    answer_both(&mut a, &mut b);

    // Each instance's parameters moved only by its own requests.
    assert_eq!(
        a.params.get("tune_key"),
        Some(ParamValue::Key(PitchClass::A))
    );
    assert_eq!(
        a.params.get("tune_scale"),
        Some(ParamValue::Scale(ScaleKind::Minor))
    );
    assert_eq!(a.params.get("mod_pitch"), Some(ParamValue::Float(0.0)));
    assert_eq!(
        b.params.get("tune_key"),
        Some(ParamValue::Key(PitchClass::C))
    );
    assert_eq!(b.params.get("mod_pitch"), Some(ParamValue::Float(-12.0)));
    assert!(b.params.get("mod_reverb").and_then(|v| v.as_f32()) > Some(0.5));

    // Each conversation has its own messages and the model answered both.
    let users = |i: &Instance| -> Vec<String> {
        i.session
            .chat
            .entries
            .iter()
            .filter_map(|e| match e {
                Entry::User(text) => Some(text.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(users(&a), ["tune me to A minor, hard", "what can you do?"]);
    assert_eq!(
        users(&b),
        [
            "hi there!",
            "add a lot of reverb and pitch me down an octave"
        ]
    );
    assert!(!a.replies().is_empty() && !b.replies().is_empty());
    for (name, i) in [("a", &a), ("b", &b)] {
        let memory = i.store.get().memory.expect("memory saved in the state");
        let words: Vec<&str> = memory.messages.iter().map(|m| m.content.as_str()).collect();
        let other = if name == "a" {
            "hi there!"
        } else {
            "what can you do?"
        };
        assert!(
            !words.contains(&other),
            "instance {name} remembers the other one's message: {words:?}"
        );
    }
    println!("instance a replies: {:?}", a.replies());
    println!("instance b replies: {:?}", b.replies());

    // One engine for the process: the model was loaded once.
    let (_, load_time) = embedded::shared_model(&model).expect("shared model");
    assert_eq!(
        load_time,
        Duration::ZERO,
        "the model is shared, not reloaded"
    );
}
