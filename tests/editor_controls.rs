//! The window's controls driven as a user would (egui_kittest, no window): the Key and Scale
//! pickers, switches, Ctrl+click reset on a knob, the preset menu, A/B compare and the scale
//! keyboard's toggles. Every change must reach the parameters as balanced host gestures
//! (begin / set / end), as a host records automation and undo.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use daiw::editor::keyboard;
use daiw::editor::session::Session;
use daiw::music::theory::{PitchClass, ScaleKind};
use daiw::params::DaiwParams;
use egui::Modifiers;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use nice_plug::prelude::{GuiContextInner, ParamSetter};

/// A host that moves parameters directly and counts gesture starts and ends.
#[derive(Default)]
struct CountingHost {
    begins: AtomicUsize,
    ends: AtomicUsize,
}

impl GuiContextInner for CountingHost {
    fn plugin_api(&self) -> nice_plug::prelude::PluginApi {
        nice_plug::prelude::PluginApi::Clap
    }
    unsafe fn raw_begin_set_parameter(&self, _param: nice_plug::params::internals::ParamPtr) {
        self.begins.fetch_add(1, Ordering::Relaxed);
    }
    unsafe fn raw_set_parameter_normalized(
        &self,
        param: nice_plug::params::internals::ParamPtr,
        normalized: f32,
    ) {
        // SAFETY: the parameters outlive the harness that draws them.
        unsafe {
            param._internal_set_normalized_value(normalized);
        }
    }
    unsafe fn raw_end_set_parameter(&self, _param: nice_plug::params::internals::ParamPtr) {
        self.ends.fetch_add(1, Ordering::Relaxed);
    }
    fn get_state(&self) -> nice_plug::prelude::PluginState {
        unreachable!("the editor never asks for the state")
    }
    fn set_state(&self, _state: nice_plug::prelude::PluginState) {
        unreachable!("the editor never sets the state")
    }
    fn request_restart(&self) {}
}

struct Window {
    params: Arc<DaiwParams>,
    host: CountingHost,
    session: Session,
}

impl Window {
    /// Gesture starts and ends so far.
    fn gestures(&self) -> (usize, usize) {
        (
            self.host.begins.load(Ordering::Relaxed),
            self.host.ends.load(Ordering::Relaxed),
        )
    }
}

fn window() -> Harness<'static, Window> {
    let params = Arc::new(DaiwParams::default());
    let (_tx, analysis) = daiw::editor::pitch_view::analysis_queue();
    let (patterns, _audio) = daiw::plugin::backing_link::pattern_queues();
    let session = Session::new(
        analysis,
        patterns,
        Arc::new(daiw::plugin::backing_link::BackingShared::default()),
        params.saved.clone(),
    );
    let state = Window {
        params,
        host: CountingHost::default(),
        session,
    };
    Harness::builder()
        .with_size(egui::vec2(1100.0, 680.0))
        .build_ui_state(
            |ui, w: &mut Window| {
                let setter = ParamSetter::new(&w.host);
                daiw::editor::draw_window(ui, &w.params, &setter, &mut w.session);
            },
            state,
        )
}

#[test]
fn key_and_scale_pickers_take_note_names_and_scale_names() {
    let mut harness = window();
    harness.run();
    harness.get_by_label("Key").click();
    harness.run();
    // The picker lists every note with both spellings of the black keys.
    assert!(harness.query_by_label("F#/Gb").is_some());
    harness.get_by_label("E").click();
    harness.run();
    assert_eq!(harness.state().params.tune.key.value(), PitchClass::E);
    harness.get_by_label("Scale").click();
    harness.run();
    harness.get_by_label("Dorian").click();
    harness.run();
    assert_eq!(harness.state().params.tune.scale.value(), ScaleKind::Dorian);
    // The keyboard shows E dorian: E the tonic, C# in, C out.
    assert!(harness.query_by_label("E, tonic").is_some());
    assert!(harness.query_by_label("C#/Db, in scale").is_some());
    assert!(harness.query_by_label("C, not in scale").is_some());
    let (begins, ends) = harness.state().gestures();
    assert_eq!((begins, ends), (2, 2), "one gesture per pick");
}

#[test]
fn switches_and_knob_reset_are_gestures() {
    let mut harness = window();
    harness.run();
    harness.get_by_label("Bypass").click();
    harness.run();
    assert!(harness.state().params.bypass.value());
    // Amount moved away from its default, then Ctrl+click puts it back.
    {
        let w = harness.state();
        let setter = ParamSetter::new(&w.host);
        setter.begin_set_parameter(&w.params.tune.amount);
        setter.set_parameter(&w.params.tune.amount, 0.3);
        setter.end_set_parameter(&w.params.tune.amount);
    }
    harness.run();
    assert!((harness.state().params.tune.amount.value() - 0.3).abs() < 1e-6);
    harness
        .get_by_label("Amount")
        .click_modifiers(Modifiers::COMMAND);
    harness.run();
    assert_eq!(harness.state().params.tune.amount.value(), 1.0);
    let (begins, ends) = harness.state().gestures();
    assert_eq!(begins, ends, "every gesture ends");
    assert_eq!(begins, 3);
}

#[test]
fn presets_and_a_b_compare_move_every_value_through_the_host() {
    let mut harness = window();
    harness.run();
    harness.get_by_label("Presets").click();
    harness.run();
    harness.get_by_label("Hard tune").click();
    harness.run();
    {
        let p = &harness.state().params;
        assert_eq!(p.tune.retune_ms.value(), 0.0);
        assert_eq!(p.tune.humanize.value(), 0.0);
        assert_eq!(p.tune.vibrato.value(), 0.0);
    }
    assert!(harness.query_by_label_contains("controls moved").is_some());
    // A holds the hard tune; B starts as its copy, then gets a long retune.
    harness.get_by_label("B").click();
    harness.run();
    {
        let w = harness.state();
        let setter = ParamSetter::new(&w.host);
        setter.begin_set_parameter(&w.params.tune.retune_ms);
        setter.set_parameter(&w.params.tune.retune_ms, 120.0);
        setter.end_set_parameter(&w.params.tune.retune_ms);
    }
    harness.run();
    harness.get_by_label("A").click();
    harness.run();
    assert_eq!(harness.state().params.tune.retune_ms.value(), 0.0);
    harness.get_by_label("B").click();
    harness.run();
    assert_eq!(harness.state().params.tune.retune_ms.value(), 120.0);
    let (begins, ends) = harness.state().gestures();
    assert_eq!(begins, ends, "every gesture ends");
}

#[test]
fn the_keyboard_returns_the_key_clicked_when_interactive() {
    struct Keys {
        mask: u16,
        clicks: Vec<PitchClass>,
        interactive: bool,
    }
    for interactive in [true, false] {
        let state = Keys {
            mask: ScaleKind::Major.pitch_class_mask(PitchClass::C),
            clicks: Vec::new(),
            interactive,
        };
        let mut harness = Harness::builder()
            .with_size(egui::vec2(240.0, 90.0))
            .build_ui_state(
                |ui, k: &mut Keys| {
                    let size = egui::vec2(210.0, 70.0);
                    if let Some(pc) =
                        keyboard::keyboard(ui, k.mask, PitchClass::C, size, k.interactive)
                    {
                        k.clicks.push(pc);
                        k.mask = keyboard::toggle(k.mask, pc);
                    }
                },
                state,
            );
        harness.run();
        harness.get_by_label("F#/Gb, not in scale").click();
        harness.run();
        harness.get_by_label("E, in scale").click();
        harness.run();
        let k = harness.state();
        if interactive {
            assert_eq!(k.clicks, [PitchClass::FSharp, PitchClass::E]);
            assert!(keyboard::contains(k.mask, PitchClass::FSharp));
            assert!(!keyboard::contains(k.mask, PitchClass::E));
        } else {
            assert!(
                k.clicks.is_empty(),
                "a display-only keyboard takes no clicks"
            );
        }
    }
}
