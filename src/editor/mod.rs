//! The plugin window (egui through nice-plug-egui): the assistant's chat on the right, the live
//! pitch view and every parameter's control on the left. The window is resizable and the
//! panels reflow, so it reads at 100 % and 200 % scale.
//!
//! Threads: everything here runs on the GUI thread. The assistant worker's events arrive over
//! its crossbeam channel and are applied here through the host (`ParamSetter`); analysis
//! frames arrive from the audio thread through a ringbuf SPSC queue.

/// The backing panel: style, key, tempo, bars, generate, preview, export.
pub mod backing_panel;
/// Tool-call cards with before -> after and Undo.
pub mod cards;
/// The chat panel and its state.
pub mod chat;
/// The grouped parameter controls.
pub mod controls;
/// Parameter access by id: through the host, or a map for tests.
pub mod param_access;
/// The live pitch view and its analysis ring.
pub mod pitch_view;
/// One instance's window state and assistant worker.
pub mod session;

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Color32, RichText};
use nice_plug::context::gui::GuiContext;
use nice_plug::prelude::*;
use nice_plug_egui::{
    create_egui_editor, EguiEditor, EguiEditorState, EguiNiceSettings, Frame, NiceEguiApp,
};
use parking_lot::Mutex;

use crate::params::DaiwParams;
use crate::plugin::standalone_control;

use param_access::HostParams;
use session::Session;

/// The editor type the plugin exports.
pub type DaiwEditor = EguiEditor<DaiwEditorApp>;

/// Default window size in logical pixels.
pub const DEFAULT_SIZE: (u32, u32) = (1100, 680);
/// The chat panel's default width in points (the user can drag its edge).
pub const CHAT_DEFAULT_WIDTH: f32 = 380.0;
/// The pitch view's height in points.
pub const PITCH_VIEW_HEIGHT: f32 = 150.0;
/// How often the pitch view redraws while the window is open.
const PITCH_REFRESH: Duration = Duration::from_millis(33);

/// The editor's initial size and zoom.
pub fn default_state() -> Arc<EguiEditorState> {
    EguiEditorState::from_size(
        nice_plug::editor::dpi::LogicalSize::new(DEFAULT_SIZE.0 as f64, DEFAULT_SIZE.1 as f64),
        1.0,
    )
}

/// Builds the editor for one plugin instance around its shared session.
pub fn create(
    params: Arc<DaiwParams>,
    state: Arc<EguiEditorState>,
    session: Arc<Mutex<Session>>,
) -> Option<DaiwEditor> {
    let settings = EguiNiceSettings::new()
        .with_tile(crate::PLUGIN_NAME)
        .with_resize_hint(ResizeHint {
            can_resize: true,
            ..ResizeHint::default()
        });
    let notifier = session.lock().notifier();
    create_egui_editor(
        state,
        notifier,
        settings,
        DaiwEditorApp {
            params,
            session,
            gui_context: None,
        },
    )
}

/// Draws the whole window for one frame: polls the session (worker events, analysis frames,
/// saved state), then the title bar, the chat on the right, the pitch view and the controls.
pub fn draw_window(
    ui: &mut egui::Ui,
    params: &DaiwParams,
    setter: &ParamSetter,
    session: &mut Session,
) {
    let mut host = HostParams::new(params, setter);
    session.poll(&mut host);
    let Session {
        chat,
        link,
        pitch,
        backing,
        ..
    } = session;

    egui::Panel::top("title").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading(RichText::new(crate::PLUGIN_NAME).strong());
            ui.label(RichText::new("vocal tuning · voice design · backing").color(Color32::GRAY));
        });
    });
    egui::Panel::right("chat")
        .resizable(true)
        .default_size(CHAT_DEFAULT_WIDTH)
        .min_size(260.0)
        .show(ui, |ui| chat.ui(ui, link, &mut host));
    egui::CentralPanel::default().show(ui, |ui| {
        pitch.ui(
            ui,
            params.tune.key.value(),
            params.tune.scale.value(),
            PITCH_VIEW_HEIGHT,
        );
        ui.add_space(6.0);
        controls::draw_controls(ui, params, setter, |ui| backing.ui(ui, &mut host));
    });
}

/// The egui app behind the editor window.
pub struct DaiwEditorApp {
    params: Arc<DaiwParams>,
    session: Arc<Mutex<Session>>,
    gui_context: Option<GuiContext>,
}

impl NiceEguiApp for DaiwEditorApp {
    fn build(
        &mut self,
        _egui_ctx: egui::Context,
        nice_gui_ctx: GuiContext,
        _frame: &mut Frame,
    ) -> Result<(), nice_plug_egui::baseview::HandlerError> {
        self.gui_context = Some(nice_gui_ctx);
        // The worker starts with the first window, on this (GUI) thread, never on the audio
        // thread; it then lives as long as the plugin instance.
        self.session.lock().ensure_worker();
        Ok(())
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut Frame) {
        if standalone_control::editor_should_close(Instant::now()) {
            frame.baseview_window().request_close();
        }
        // The pitch view is live (and a close deadline must be noticed): keep redrawing.
        ui.ctx().request_repaint_after(PITCH_REFRESH);
        let Some(gui_context) = self.gui_context.as_ref() else {
            return;
        };
        let setter = gui_context.param_setter();
        let mut session = self.session.lock();
        draw_window(ui, &self.params, &setter, &mut session);
    }

    fn editor_closed(&mut self) {
        self.gui_context = None;
    }
}
