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
/// The name of the chord held on the MIDI input.
pub mod held_chord;
/// The one-octave keyboard showing (and, with a mask parameter, toggling) the scale's notes.
pub mod keyboard;
/// Parameter access by id: through the host, or a map for tests.
pub mod param_access;
/// The live pitch view and its analysis ring.
pub mod pitch_view;
/// Named and user presets, A/B compare.
pub mod presets;
/// One instance's window state and assistant worker.
pub mod session;
/// The window's size and compact mode, kept with the project.
pub mod take_export;
/// Palette, spacing, type sizes and the brand mark.
pub mod theme;
/// The title bar: brand, presets, A/B, compact mode.
pub mod title_bar;
/// Knobs, switches and pickers bound to parameters.
pub mod widgets;
pub mod window_size;

use std::sync::Arc;
use std::time::{Duration, Instant};

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
/// The smallest window size the layout is made for (everything reachable, scrolling inside).
pub const MIN_SIZE: (u32, u32) = (800, 500);
/// The chat panel's default width in points (the user can drag its edge).
pub const CHAT_DEFAULT_WIDTH: f32 = 380.0;
/// The chat never takes more than this share of the window, so the graph keeps the centre.
const CHAT_MAX_SHARE: f32 = 0.4;
/// The pitch graph's share of the central panel's height.
const GRAPH_SHARE: f32 = 0.36;
/// The pitch graph's height bounds in points (normal mode).
const GRAPH_HEIGHT: (f32, f32) = (170.0, 360.0);
/// The pitch graph's height in compact mode.
const GRAPH_HEIGHT_COMPACT: f32 = 140.0;
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

/// Installs the theme once per egui context (it survives frames; a marker in the context's
/// memory says it is there).
fn ensure_theme(ctx: &egui::Context) {
    let marker = egui::Id::unique("daiw_theme_applied");
    if !ctx.data(|d| d.get_temp::<bool>(marker).unwrap_or(false)) {
        theme::apply(ctx);
        ctx.data_mut(|d| d.insert_temp(marker, true));
    }
}

/// Draws the whole window for one frame: polls the session (worker events, analysis frames,
/// saved state), then the title bar, the chat on the right, and in the centre the pitch graph
/// above the controls (scrolling when the window is small).
pub fn draw_window(
    ui: &mut egui::Ui,
    params: &DaiwParams,
    setter: &ParamSetter,
    session: &mut Session,
) {
    ensure_theme(ui.ctx());
    let mut host = HostParams::new(params, setter);
    session.poll(&mut host);
    let window_width = ui.available_width();
    let screen = ui.ctx().content_rect().size() * ui.ctx().zoom_factor();
    session
        .window
        .record(screen.x, screen.y, session.title.compact);
    let Session {
        chat,
        link,
        pitch,
        backing,
        title,
        tab,
        heard,
        listening,
        ..
    } = session;
    egui::Panel::top("title")
        .frame(
            egui::Frame::new()
                .fill(theme::BACKGROUND)
                .inner_margin(egui::Margin::symmetric(8, 6)),
        )
        .show(ui, |ui| title.ui(ui, &mut host));
    let compact = title.compact;
    egui::Panel::right("chat")
        .resizable(true)
        .default_size(CHAT_DEFAULT_WIDTH.min(window_width * CHAT_MAX_SHARE))
        .min_size(240.0)
        .max_size(window_width * CHAT_MAX_SHARE)
        .show(ui, |ui| chat.ui(ui, link, &mut host));
    egui::CentralPanel::default().show(ui, |ui| {
        let graph_height = if compact {
            GRAPH_HEIGHT_COMPACT
        } else {
            (ui.available_height() * GRAPH_SHARE).clamp(GRAPH_HEIGHT.0, GRAPH_HEIGHT.1)
        };
        egui::ScrollArea::vertical()
            .id_salt("centre")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                pitch.ui_with(ui, tuning_grid(params), graph_height, |ui| {
                    take_row(ui, params, setter, *heard, listening, backing, chat);
                });
                ui.add_space(theme::SPACE);
                let look = controls::ControlsLook { compact };
                let held_chord = backing.held_chord();
                let chords = controls::ChordsShown {
                    held_on_midi: held_chord.as_deref(),
                };
                controls::draw_controls(ui, params, setter, look, tab, chords, |ui| {
                    backing.ui(ui, &mut host)
                });
            });
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

/// The note grid the pitch view draws: the custom note set while tuning corrects to one, else
/// the key's scale (the notes the take report measures a take from).
fn tuning_grid(params: &DaiwParams) -> pitch_view::NoteGrid {
    let tune = &params.tune;
    let custom = if tune.enabled.value() {
        tune.note_mask.value().clamp(0, 0x0fff) as u16
    } else {
        0
    };
    pitch_view::NoteGrid::for_tuning(tune.key.value(), tune.scale.value(), custom)
}

/// The graph header's listening row (drawn right to left): "Export take" and, when the key
/// of the singing is clear enough to mention, "Singing in E minor (0.87)" with "Tune to it".
fn take_row(
    ui: &mut egui::Ui,
    params: &DaiwParams,
    setter: &ParamSetter,
    heard: Option<crate::music::listen::KeyEstimate>,
    listening: &crate::assistant::listening::SharedListening,
    backing: &backing_panel::BackingPanel,
    chat: &mut chat::ChatState,
) {
    if ui
        .small_button("Export take")
        .on_hover_text("Writes the latest take's notes as MIDI to ~/.daiw/exports/take-N.mid")
        .clicked()
    {
        let tempo = backing
            .current
            .as_ref()
            .map_or(take_export::DEFAULT_TEMPO_BPM, |(spec, _)| {
                spec.tempo_bpm as f32
            });
        let key = Some(crate::music::theory::Key::from_pitch_class(
            params.tune.key.value(),
            params.tune.scale.value(),
        ));
        let dir = crate::assistant::model_file::daiw_home().join("exports");
        let entry = match take_export::export_take(&listening.lock(), key, tempo, &dir) {
            Ok(path) => chat::Entry::Notice(format!("Take saved as {}", path.display())),
            Err(e) => chat::Entry::Error(e),
        };
        chat.entries.push(entry);
    }
    if let Some(heard) = heard.filter(|h| h.confidence >= controls::HEARD_SHOWN) {
        controls::heard_key(ui, &params.tune, setter, heard);
    }
}
