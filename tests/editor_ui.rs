//! UI tests of the chat panel with egui's own harness (egui_kittest): no plugin host, no window.
//! Parameters live in a map (`MapParams`), the assistant is a script or the real worker with the
//! router alone, so these run anywhere.

#[path = "support/editor.rs"]
mod editor_support;

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use daiw::assistant::agent::{AppliedCall, ChatTurn, Source};
use daiw::assistant::config::{AgentConfig, BackendKind, DEFAULT_CONFIG_YAML};
use daiw::assistant::state::{Effect, ParamValue};
use daiw::assistant::tools::{ToolCall, ToolName};
use daiw::assistant::worker::{AssistantWorker, Event, Request};
use daiw::editor::chat::{AssistantPort, ChatState, Entry, ModelStatus};
use daiw::editor::param_access::{MapParams, ParamAccess};
use daiw::music::theory::{PitchClass, ScaleKind};
use egui::{Key, Modifiers, Role};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

/// An assistant that answers each message with the next scripted list of events.
#[derive(Default)]
struct ScriptedPort {
    replies: VecDeque<Vec<Event>>,
    outbox: VecDeque<Event>,
    sent: Vec<String>,
    cancels: usize,
}

impl AssistantPort for ScriptedPort {
    fn send(&mut self, request: Request) {
        if let Request::Message(text) = request {
            self.sent.push(text);
            if let Some(events) = self.replies.pop_front() {
                self.outbox.extend(events);
            }
        }
    }

    fn cancel(&mut self) {
        self.cancels += 1;
    }
}

/// What the harness owns: the chat, the assistant and the parameters.
struct State<P: AssistantPort> {
    chat: ChatState,
    port: P,
    params: MapParams,
}

/// Draws the chat and, like the editor's frame, delivers the events that arrived.
fn frame(ui: &mut egui::Ui, state: &mut State<ScriptedPort>) {
    while let Some(event) = state.port.outbox.pop_front() {
        state.chat.handle_event(event, &mut state.params);
    }
    state.chat.ui(ui, &mut state.port, &mut state.params);
}

fn harness(
    replies: Vec<Vec<Event>>,
    pixels_per_point: f32,
) -> Harness<'static, State<ScriptedPort>> {
    let state = State {
        chat: ChatState::default(),
        port: ScriptedPort {
            replies: replies.into(),
            ..ScriptedPort::default()
        },
        params: MapParams::new(),
    };
    Harness::builder()
        .with_size(egui::vec2(420.0, 640.0))
        .with_pixels_per_point(pixels_per_point)
        .build_ui_state(frame, state)
}

/// The reply a "tune me to A minor, hard" request gets: one voice_tune call, three moves.
fn tune_turn() -> Vec<Event> {
    let call = AppliedCall {
        call: ToolCall::new(
            ToolName::VoiceTune,
            serde_json::json!({"key": "A", "scale": "minor", "retune_ms": 0}),
        ),
        effects: vec![
            Effect::SetParam {
                id: "tune_key",
                from: ParamValue::Key(PitchClass::C),
                to: ParamValue::Key(PitchClass::A),
            },
            Effect::SetParam {
                id: "tune_scale",
                from: ParamValue::Scale(ScaleKind::Major),
                to: ParamValue::Scale(ScaleKind::Minor),
            },
            Effect::SetParam {
                id: "tune_retune_ms",
                from: ParamValue::Float(60.0),
                to: ParamValue::Float(0.0),
            },
        ],
        error: None,
    };
    vec![
        Event::Token("Tuning you to ".into()),
        Event::Token("A minor.".into()),
        Event::Turn(ChatTurn {
            reply: "Tuned to A minor with a hard snap.".into(),
            calls: vec![call],
            source: Source::Router,
            errors: Vec::new(),
        }),
    ]
}

/// Types `text` into the chat's input box and presses Enter.
fn type_and_send<S>(harness: &mut Harness<'_, S>, text: &str) {
    harness.get_by_role(Role::MultilineTextInput).click();
    harness.run();
    harness
        .get_by_role(Role::MultilineTextInput)
        .type_text(text);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
}

#[test]
fn typing_a_message_and_pressing_enter_shows_it_in_the_history() {
    let mut harness = harness(vec![], 1.0);
    harness.run();
    type_and_send(&mut harness, "hello there");
    assert!(harness.query_by_label("You: hello there").is_some());
    let state = harness.state();
    assert_eq!(state.port.sent, vec!["hello there".to_string()]);
    assert!(
        state.chat.input.is_empty(),
        "the box is cleared after sending"
    );
    assert!(state.chat.generating);
    // While the assistant answers, Stop is offered and reaches the assistant.
    harness.get_by_label("Stop").click();
    harness.run();
    assert_eq!(harness.state().port.cancels, 1);
}

#[test]
fn shift_enter_makes_a_new_line_instead_of_sending() {
    let mut harness = harness(vec![], 1.0);
    harness.run();
    harness.get_by_role(Role::MultilineTextInput).click();
    harness.run();
    harness
        .get_by_role(Role::MultilineTextInput)
        .type_text("first line");
    harness.run();
    harness.key_press_modifiers(Modifiers::SHIFT, Key::Enter);
    harness.run();
    harness
        .get_by_role(Role::MultilineTextInput)
        .type_text("second");
    harness.run();
    let state = harness.state();
    assert!(
        state.port.sent.is_empty(),
        "Shift+Enter sent {:?}",
        state.port.sent
    );
    assert_eq!(state.chat.input, "first line\nsecond");
    // The Send button sends the two lines as one message.
    harness.get_by_label("Send").click();
    harness.run();
    assert_eq!(
        harness.state().port.sent,
        vec!["first line\nsecond".to_string()]
    );
}

#[test]
fn a_scripted_tool_call_shows_its_card_and_moves_the_parameters() {
    let mut harness = harness(vec![tune_turn()], 1.0);
    harness.run();
    type_and_send(&mut harness, "tune me to A minor, hard");
    harness.run();
    assert!(harness.query_by_label("voice_tune").is_some());
    assert!(harness.query_by_label("tune_key: C -> A").is_some());
    assert!(harness
        .query_by_label("tune_scale: major -> minor")
        .is_some());
    assert!(harness
        .query_by_label("tune_retune_ms: 60 ms -> 0 ms")
        .is_some());
    assert!(harness
        .query_by_label("DAiW: Tuned to A minor with a hard snap.")
        .is_some());
    let state = harness.state();
    assert!(!state.chat.generating);
    assert_eq!(
        state.params.get("tune_key"),
        Some(ParamValue::Key(PitchClass::A))
    );
    assert_eq!(
        state.params.get("tune_scale"),
        Some(ParamValue::Scale(ScaleKind::Minor))
    );
    assert_eq!(
        state.params.get("tune_retune_ms"),
        Some(ParamValue::Float(0.0))
    );
}

#[test]
fn undo_on_the_card_reverts_the_values() {
    let mut harness = harness(vec![tune_turn()], 1.0);
    harness.run();
    let defaults = harness.state().params.values();
    type_and_send(&mut harness, "tune me to A minor, hard");
    harness.run();
    assert_ne!(harness.state().params.values(), defaults);
    harness.get_by_label("Undo voice_tune").click();
    harness.run();
    let state = harness.state();
    assert_eq!(state.params.values(), defaults);
    // Undo went through the same path as the call: three moves there, three back.
    assert_eq!(state.params.log.len(), 6);
    assert!(harness.query_by_label("undone").is_some());
    assert!(
        harness.query_by_label("Undo voice_tune").is_none(),
        "Undo is offered once"
    );
}

#[test]
fn suggestions_after_an_answer_send_their_text() {
    let mut harness = harness(vec![tune_turn(), vec![]], 1.0);
    harness.run();
    // Before anything is asked, starters are offered.
    assert!(harness.query_by_label("Tune me to A minor").is_some());
    type_and_send(&mut harness, "tune me to A minor, hard");
    harness.run();
    // After a tuning: undo it (by asking), or push it further.
    assert!(harness.query_by_label("Undo").is_some());
    assert!(harness.query_by_label("Undo voice_tune").is_some());
    harness.get_by_label("Harder").click();
    harness.run();
    let state = harness.state();
    assert_eq!(
        state.port.sent,
        vec!["tune me to A minor, hard".to_string(), "Harder".to_string()]
    );
    assert!(state.chat.generating);
    // While the assistant answers there is nothing to suggest.
    assert!(harness.query_by_label("Harder").is_none());
}

#[test]
fn the_chat_reads_at_200_percent() {
    let mut harness = harness(vec![tune_turn()], 2.0);
    harness.run();
    type_and_send(&mut harness, "tune me to A minor, hard");
    harness.run();
    let card = harness.get_by_label("tune_key: C -> A").rect();
    let undo = harness.get_by_label("Undo voice_tune").rect();
    // Everything stays inside the 420-point-wide panel at double scale.
    assert!(
        card.right() <= 420.0 && undo.right() <= 420.0,
        "{card:?} {undo:?}"
    );
    assert!(harness.query_by_label("voice_tune").is_some());
}

#[test]
fn a_missing_model_is_an_honest_status_and_the_router_still_works() {
    let mut harness = harness(vec![], 1.0);
    harness.state_mut().chat.status = ModelStatus::Loading;
    harness.state_mut().port.outbox.push_back(Event::Error(
        "the model is not available: no such file: /nowhere/model.gguf".into(),
    ));
    harness.run();
    assert!(harness
        .query_by_label_contains("no language model (the model is not available")
        .is_some());
    assert!(harness
        .query_by_label_contains("daiw model fetch")
        .is_some());
    // The input stays usable: the router answers clear commands without a model.
    type_and_send(&mut harness, "up an octave");
    assert_eq!(harness.state().port.sent, vec!["up an octave".to_string()]);
}

/// The real worker behind the port: requests and events over its crossbeam channels.
struct WorkerPort(AssistantWorker);

impl AssistantPort for WorkerPort {
    fn send(&mut self, request: Request) {
        self.0.send(request);
    }

    fn cancel(&mut self) {
        self.0.cancel();
    }
}

#[test]
fn the_real_worker_with_the_router_moves_the_parameters_and_undo_reverts_them() {
    let home = std::env::temp_dir().join(format!("daiw-editor-ui-{}", std::process::id()));
    let mut config =
        AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, "none", &home).expect("config");
    config.backend = BackendKind::None;
    config.save_history = false;
    let worker = AssistantWorker::spawn(config, Box::new(|| {})).expect("spawn the worker");
    let state = State {
        chat: ChatState::default(),
        port: WorkerPort(worker),
        params: MapParams::new(),
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(420.0, 640.0))
        .build_ui_state(
            |ui, state: &mut State<WorkerPort>| {
                while let Some(event) = state.port.0.try_recv() {
                    state.chat.handle_event(event, &mut state.params);
                }
                state.chat.ui(ui, &mut state.port, &mut state.params);
            },
            state,
        );
    harness.run();
    let defaults = harness.state().params.values();
    type_and_send(&mut harness, "tune me to A minor, hard");
    let deadline = Instant::now() + Duration::from_secs(20);
    while harness.state().chat.generating && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        harness.step();
    }
    harness.run();
    let state = harness.state();
    assert!(!state.chat.generating, "no answer from the worker");
    assert_eq!(
        state.params.get("tune_key"),
        Some(ParamValue::Key(PitchClass::A))
    );
    assert_eq!(
        state.params.get("tune_scale"),
        Some(ParamValue::Scale(ScaleKind::Minor))
    );
    assert!(state
        .chat
        .entries
        .iter()
        .any(|e| matches!(e, Entry::Card(card) if card.tool == "voice_tune")));
    harness.get_by_label("Undo voice_tune").click();
    harness.run();
    assert_eq!(harness.state().params.values(), defaults);
}

#[test]
fn the_pitch_view_draws_sung_notes_at_100_and_200_percent() {
    use daiw::dsp::pitch_detector::Voicing;
    use daiw::dsp::AnalysisFrame;
    use daiw::editor::pitch_view::{analysis_queue, PitchView};
    use ringbuf::traits::Producer;

    let (mut tx, mut rx) = analysis_queue();
    // Two seconds of a voice gliding from A3 to E4 with a gap, as the audio thread sends it.
    for i in 0..500 {
        let t = i as f64 * 0.004;
        let detected = 220.0 * 2f32.powf(7.0 * i as f32 / 500.0 / 12.0);
        let voicing = if (200..230).contains(&i) {
            Voicing::Unvoiced
        } else {
            Voicing::Voiced
        };
        let pushed = tx.try_push(AnalysisFrame {
            time_seconds: t,
            detected_hz: detected,
            output_hz: 220.0,
            voicing,
            level_db: -18.0,
        });
        assert!(pushed.is_ok());
    }
    let mut view = PitchView::default();
    view.drain(&mut rx);
    let (low, high) = view.note_range();
    assert!(low <= 57.0 && high >= 64.0, "range {low}..{high}");
    for scale in [1.0, 2.0] {
        let mut harness = Harness::builder()
            .with_size(egui::vec2(600.0, 200.0))
            .with_pixels_per_point(scale)
            .build_ui_state(
                |ui, view: &mut PitchView| {
                    view.ui(ui, PitchClass::A, ScaleKind::Minor, 150.0);
                },
                view.clone(),
            );
        harness.run();
    }
}

/// The backing panel with its audio-side queue end, as the plugin wires it.
struct BackingState {
    panel: daiw::editor::backing_panel::BackingPanel,
    audio: daiw::plugin::backing_link::PatternReceiver,
    params: MapParams,
    /// Tempos of the patterns the audio side received.
    received: Vec<f64>,
}

#[test]
fn the_backing_panel_generates_previews_and_exports_at_100_and_200_percent() {
    for scale in [1.0, 2.0] {
        let (sender, audio) = daiw::plugin::backing_link::pattern_queues();
        let shared = std::sync::Arc::new(daiw::plugin::backing_link::BackingShared::default());
        let state = BackingState {
            panel: daiw::editor::backing_panel::BackingPanel::new(sender, shared.clone()),
            audio,
            params: MapParams::new(),
            received: Vec::new(),
        };
        let mut harness = Harness::builder()
            .with_size(egui::vec2(420.0, 360.0))
            .with_pixels_per_point(scale)
            .build_ui_state(
                |ui, state: &mut BackingState| {
                    // The audio thread's side: take what the panel sent.
                    let received = &mut state.received;
                    state.audio.receive(|p| {
                        received.push(p.tempo_bpm);
                        None
                    });
                    state.panel.ui(ui, &mut state.params);
                },
                state,
            );
        harness.run();
        harness.get_by_label("Generate").click();
        harness.run();
        harness.get_by_label_contains("Loaded: pop in C major, 100 BPM, 8 bars");
        assert_eq!(
            harness.state().received.len(),
            1,
            "the pattern reached the audio side"
        );
        assert_eq!(
            harness.state().params.get("backing_enabled"),
            Some(ParamValue::Bool(true))
        );
        harness.get_by_label("Play").click();
        harness.run();
        assert!(shared.preview.load(std::sync::atomic::Ordering::Relaxed));
        harness.get_by_label("Stop").click();
        harness.run();
        assert!(!shared.preview.load(std::sync::atomic::Ordering::Relaxed));

        let dir = std::env::temp_dir().join(format!("daiw-ui-midi-{}-{scale}", std::process::id()));
        harness.state_mut().panel.export_path = dir.join("take.mid").display().to_string();
        harness.get_by_label("Export MIDI").click();
        harness.run();
        harness.get_by_label_contains("MIDI written to");
        let bytes = std::fs::read(dir.join("take.mid")).expect("MIDI file written");
        assert_eq!(&bytes[..4], b"MThd");
        let _ = std::fs::remove_dir_all(dir);
        // Nothing is cut off at this scale: the buttons lie inside the panel.
        let export = harness.get_by_label("Export MIDI");
        let bounds = export.rect();
        assert!(
            bounds.max.x <= 420.0 && bounds.max.y <= 360.0,
            "{bounds:?} at {scale}x"
        );
    }
}

/// The whole window (title, chat, pitch view, every control, backing panel) as the plugin
/// draws it, with a router-only worker.
struct WindowState {
    params: std::sync::Arc<daiw::params::DaiwParams>,
    host: editor_support::TestHost,
    session: daiw::editor::session::Session,
}

fn window_harness(scale: f32) -> Harness<'static, WindowState> {
    let home = std::env::temp_dir().join(format!("daiw-ui-window-{}-{scale}", std::process::id()));
    let mut config =
        AgentConfig::from_yaml(DEFAULT_CONFIG_YAML, None, "none", &home).expect("config");
    config.backend = BackendKind::None;
    config.save_history = false;
    let params = std::sync::Arc::new(daiw::params::DaiwParams::default());
    let (mut session, _analysis) = editor_support::session(&params);
    session.start_worker(config);
    let state = WindowState {
        params,
        host: editor_support::TestHost::default(),
        session,
    };
    Harness::builder()
        .with_size(egui::vec2(
            daiw::editor::DEFAULT_SIZE.0 as f32,
            daiw::editor::DEFAULT_SIZE.1 as f32,
        ))
        .with_pixels_per_point(scale)
        .build_ui_state(
            |ui, state: &mut WindowState| {
                let setter = nice_plug::prelude::ParamSetter::new(&state.host);
                daiw::editor::draw_window(ui, &state.params, &setter, &mut state.session);
            },
            state,
        )
}

#[test]
fn the_whole_window_lays_out_and_works_at_100_and_200_percent() {
    let (width, height) = (
        daiw::editor::DEFAULT_SIZE.0 as f32,
        daiw::editor::DEFAULT_SIZE.1 as f32,
    );
    for scale in [1.0, 2.0] {
        let mut harness = window_harness(scale);
        harness.run();
        // Every region is there and inside the window: title, chat, groups, input.
        let first = |harness: &Harness<'_, WindowState>, label: &str| {
            harness
                .query_all_by_label(label)
                .next()
                .unwrap_or_else(|| panic!("no {label:?} at {scale}x"))
                .rect()
        };
        for label in [
            "DAiW Music Brain",
            "Assistant",
            "Tune",
            "Modulate",
            "Output",
            "Send",
        ] {
            let rect = first(&harness, label);
            assert!(
                rect.min.x >= 0.0 && rect.max.x <= width && rect.max.y <= height,
                "{label} at {rect:?} is outside the window at {scale}x"
            );
        }
        // The chat sits right of the controls.
        let chat = first(&harness, "Assistant");
        let tune = first(&harness, "Tune");
        assert!(
            chat.min.x > tune.max.x,
            "chat {chat:?} vs controls {tune:?}"
        );

        // "tune me to A minor, hard" moves the real parameters through the host's path.
        type_and_send(&mut harness, "tune me to A minor, hard");
        let deadline = Instant::now() + Duration::from_secs(10);
        while harness.state().params.tune.key.value() != PitchClass::A && Instant::now() < deadline
        {
            harness.run();
            std::thread::sleep(Duration::from_millis(10));
        }
        harness.run();
        let params = &harness.state().params;
        assert_eq!(params.tune.key.value(), PitchClass::A);
        assert_eq!(params.tune.scale.value(), ScaleKind::Minor);
        assert_eq!(params.tune.retune_ms.value(), 0.0);
        assert!(
            harness.state().host.gestures() >= 3,
            "every move went through a host gesture"
        );
        let card = harness.get_by_label("tune_key: C -> A").rect();
        assert!(card.max.x <= width, "card {card:?} at {scale}x");
        // Undo on the card puts them back.
        harness.get_by_label("Undo voice_tune").click();
        harness.run();
        let params = &harness.state().params;
        assert_eq!(params.tune.key.value(), PitchClass::C);
        assert_eq!(params.tune.scale.value(), ScaleKind::Major);
    }
}
