//! The parameter controls, grouped tune / modulate / backing / output: one labelled slider per
//! parameter (float, bool and enum alike), laid out in two columns when there is room.

use egui::RichText;
use nice_plug::prelude::*;
use nice_plug_egui::widgets::ParamSlider;

use crate::params::DaiwParams;

/// Narrowest width (points) that still takes two columns of controls.
const TWO_COLUMNS_MIN_WIDTH: f32 = 560.0;

/// Draws every parameter's control, grouped; `backing_panel` draws the pattern controls inside
/// the Backing group.
pub fn draw_controls(
    ui: &mut egui::Ui,
    params: &DaiwParams,
    setter: &ParamSetter,
    backing_panel: impl FnOnce(&mut egui::Ui),
) {
    let tune = |ui: &mut egui::Ui| {
        group(ui, "Tune", |ui| {
            let t = &params.tune;
            row(ui, &t.enabled, setter);
            row(ui, &t.key, setter);
            row(ui, &t.scale, setter);
            row(ui, &t.retune_ms, setter);
            row(ui, &t.amount, setter);
            row(ui, &t.humanize, setter);
            row(ui, &t.vibrato, setter);
            row(ui, &t.midi_targets, setter);
        })
    };
    let backing = |ui: &mut egui::Ui| {
        group(ui, "Backing", |ui| {
            let b = &params.backing;
            row(ui, &b.enabled, setter);
            row(ui, &b.level_db, setter);
            row(ui, &b.follow_host, setter);
        });
    };
    let pattern = |ui: &mut egui::Ui| {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_max_width(ui.available_width());
            ui.label(RichText::new("Backing pattern").strong().size(15.0));
            backing_panel(ui);
        });
        ui.add_space(6.0);
    };
    let modulate = |ui: &mut egui::Ui| {
        group(ui, "Modulate", |ui| {
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
        })
    };
    let output = |ui: &mut egui::Ui| {
        group(ui, "Output", |ui| {
            row(ui, &params.output_gain, setter);
            row(ui, &params.bypass, setter);
        })
    };
    egui::ScrollArea::vertical()
        .id_salt("controls")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if ui.available_width() >= TWO_COLUMNS_MIN_WIDTH {
                // Balanced so the pattern's buttons are in view at the default size.
                ui.columns(2, |columns| {
                    tune(&mut columns[0]);
                    backing(&mut columns[0]);
                    output(&mut columns[0]);
                    modulate(&mut columns[1]);
                    pattern(&mut columns[1]);
                });
            } else {
                tune(ui);
                modulate(ui);
                backing(ui);
                pattern(ui);
                output(ui);
            }
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
