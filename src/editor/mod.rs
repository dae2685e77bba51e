//! The plugin window (egui through nice-plug-egui): for now every parameter with a control,
//! grouped tune / modulate / backing / output.

use std::sync::Arc;
use std::time::Instant;

use egui::{Color32, RichText};
use nice_plug::context::gui::GuiContext;
use nice_plug::prelude::*;
use nice_plug_egui::widgets::ParamSlider;
use nice_plug_egui::{
    create_egui_editor, EguiEditor, EguiEditorState, EguiNiceSettings, Frame, NiceEguiApp,
    RepaintNotifier,
};

use crate::params::DaiwParams;
use crate::standalone_control;

/// The editor type the plugin exports.
pub type DaiwEditor = EguiEditor<DaiwEditorApp>;

/// Default window size in logical pixels.
pub const DEFAULT_SIZE: (u32, u32) = (900, 600);

/// The editor's initial size and zoom.
pub fn default_state() -> Arc<EguiEditorState> {
    EguiEditorState::from_size(
        nice_plug::editor::dpi::LogicalSize::new(DEFAULT_SIZE.0 as f64, DEFAULT_SIZE.1 as f64),
        1.0,
    )
}

/// Builds the editor for one plugin instance.
pub fn create(params: Arc<DaiwParams>, state: Arc<EguiEditorState>) -> Option<DaiwEditor> {
    let settings = EguiNiceSettings::new()
        .with_tile(crate::PLUGIN_NAME)
        .with_resize_hint(ResizeHint {
            can_resize: true,
            ..ResizeHint::default()
        });
    create_egui_editor(
        state,
        RepaintNotifier::new(),
        settings,
        DaiwEditorApp {
            params,
            gui_context: None,
        },
    )
}

/// The egui app behind the editor window.
pub struct DaiwEditorApp {
    params: Arc<DaiwParams>,
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
        Ok(())
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut Frame) {
        if standalone_control::editor_should_close(Instant::now()) {
            frame.baseview_window().request_close();
        } else if standalone_control::close_requested_later() {
            // egui only redraws on input; keep ticking so the deadline is noticed.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
        let Some(gui_context) = self.gui_context.as_ref() else {
            return;
        };
        let setter = gui_context.param_setter();
        draw_controls(ui, &self.params, &setter);
    }

    fn editor_closed(&mut self) {
        self.gui_context = None;
    }
}

/// Draws the grouped parameter controls.
fn draw_controls(ui: &mut egui::Ui, params: &DaiwParams, setter: &ParamSetter) {
    ui.horizontal(|ui| {
        ui.heading(RichText::new(crate::PLUGIN_NAME).strong());
        ui.label(RichText::new("vocal tuning · voice design · backing").color(Color32::GRAY));
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.columns(2, |columns| {
                group(&mut columns[0], "Tune", |ui| {
                    let t = &params.tune;
                    row(ui, &t.enabled, setter);
                    row(ui, &t.key, setter);
                    row(ui, &t.scale, setter);
                    row(ui, &t.retune_ms, setter);
                    row(ui, &t.amount, setter);
                    row(ui, &t.humanize, setter);
                    row(ui, &t.vibrato, setter);
                    row(ui, &t.midi_targets, setter);
                });
                group(&mut columns[0], "Backing", |ui| {
                    let b = &params.backing;
                    row(ui, &b.enabled, setter);
                    row(ui, &b.level_db, setter);
                    row(ui, &b.follow_host, setter);
                });
                group(&mut columns[1], "Modulate", |ui| {
                    let m = &params.modulate;
                    row(ui, &m.pitch, setter);
                    row(ui, &m.formant, setter);
                    row(ui, &m.robot, setter);
                    row(ui, &m.breath, setter);
                    row(ui, &m.whisper, setter);
                    row(ui, &m.warmth, setter);
                    row(ui, &m.presence, setter);
                    row(ui, &m.reverb, setter);
                    row(ui, &m.compression, setter);
                    row(ui, &m.mix, setter);
                });
                group(&mut columns[1], "Output", |ui| {
                    row(ui, &params.output_gain, setter);
                    row(ui, &params.bypass, setter);
                });
            });
        });
}

/// A titled frame around a group of controls.
fn group(ui: &mut egui::Ui, title: &str, body: impl FnOnce(&mut egui::Ui)) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_max_width(ui.available_width());
        ui.label(RichText::new(title).strong().size(15.0));
        egui::Grid::new(title)
            .num_columns(2)
            .spacing([8.0, 4.0])
            .show(ui, body);
    });
    ui.add_space(6.0);
}

/// One labelled parameter slider (works for float, bool and enum parameters alike).
fn row<P: Param>(ui: &mut egui::Ui, param: &P, setter: &ParamSetter) {
    ui.label(param.name());
    ui.add(ParamSlider::for_param(param, setter).with_width(130.0));
    ui.end_row();
}
