//! The parameter controls in cards by purpose (Tune, Modulate, Backing, Output), each control
//! fitting its kind: knobs for continuous values, switches for on/off, note and scale pickers
//! and a one-octave keyboard for the key. Rows wrap, so the cards reflow from a wide window
//! down to 800x500 (the caller scrolls what does not fit).

use egui::Vec2;
use nice_plug::prelude::*;

use crate::music::theory::{PitchClass, ScaleKind};
use crate::params::DaiwParams;

use super::keyboard::{self, NOTE_NAMES};
use super::theme;
use super::widgets::{self, KNOB_DIAMETER, KNOB_DIAMETER_COMPACT};

/// Narrowest width (points) that still takes two columns of cards: two cards of four knobs.
const TWO_COLUMNS_MIN_WIDTH: f32 = 620.0;
/// The key keyboard's size at the normal size (one octave, seven white keys).
const KEYBOARD_SIZE: Vec2 = Vec2::new(196.0, 64.0);
/// The keyboard in compact mode.
const KEYBOARD_SIZE_COMPACT: Vec2 = Vec2::new(154.0, 46.0);

/// How the controls are drawn this frame.
#[derive(Debug, Clone, Copy)]
pub struct ControlsLook {
    /// Smaller knobs and keyboard.
    pub compact: bool,
}

impl ControlsLook {
    fn knob(self) -> f32 {
        if self.compact {
            KNOB_DIAMETER_COMPACT
        } else {
            KNOB_DIAMETER
        }
    }
}

/// Which group of cards the lower half shows: the voice (tuning, character, output) or the
/// backing track. Two tabs let each fit the default window without scrolling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ControlsTab {
    /// Tune, Modulate and Output.
    #[default]
    Voice,
    /// The backing's switches, level and pattern panel.
    Backing,
}

/// The tab names as shown (and announced).
pub const TAB_NAMES: [(ControlsTab, &str); 2] = [
    (ControlsTab::Voice, "Voice"),
    (ControlsTab::Backing, "Backing track"),
];

/// Draws the tab row and the chosen tab's cards; `backing_panel` draws the pattern controls
/// inside the Backing card. The caller provides the scrolling.
pub fn draw_controls(
    ui: &mut egui::Ui,
    params: &DaiwParams,
    setter: &ParamSetter,
    look: ControlsLook,
    tab: &mut ControlsTab,
    backing_panel: impl FnOnce(&mut egui::Ui),
) {
    ui.horizontal(|ui| {
        for (value, name) in TAB_NAMES {
            ui.selectable_value(
                tab,
                value,
                egui::RichText::new(name).size(theme::TITLE_SIZE),
            );
        }
    });
    ui.add_space(theme::SPACE / 2.0);
    match *tab {
        ControlsTab::Voice if ui.available_width() >= TWO_COLUMNS_MIN_WIDTH => {
            ui.columns(2, |columns| {
                tune_card(&mut columns[0], params, setter, look);
                output_card(&mut columns[0], params, setter, look);
                modulate_card(&mut columns[1], params, setter, look);
            });
        }
        ControlsTab::Voice => {
            tune_card(ui, params, setter, look);
            modulate_card(ui, params, setter, look);
            output_card(ui, params, setter, look);
        }
        ControlsTab::Backing => backing_card(ui, params, setter, look, backing_panel),
    }
}

/// Key, scale, the keyboard showing the scale, correction knobs, MIDI targets.
fn tune_card(ui: &mut egui::Ui, params: &DaiwParams, setter: &ParamSetter, look: ControlsLook) {
    let t = &params.tune;
    theme::card(ui, "Tune", |ui| {
        ui.horizontal_wrapped(|ui| {
            widgets::switch(ui, &t.enabled, setter);
            widgets::picker(
                ui,
                "Key",
                &t.key,
                setter,
                &PitchClass::ALL,
                |pc| NOTE_NAMES[pc.semitone() as usize].to_string(),
                64.0,
            );
            widgets::picker(
                ui,
                "Scale",
                &t.scale,
                setter,
                &ScaleKind::ALL,
                |s| s.display_name().to_string(),
                128.0,
            );
        });
        let key = t.key.value();
        let mask = t.scale.value().pitch_class_mask(key);
        let size = if look.compact {
            KEYBOARD_SIZE_COMPACT
        } else {
            KEYBOARD_SIZE
        };
        // Display only until the custom-scale mask parameter exists: then a click toggles
        // the note (keyboard::toggle) and the mask drives this display.
        let _toggled = keyboard::keyboard(ui, mask, key, size, false);
        ui.horizontal_wrapped(|ui| {
            for p in [&t.retune_ms, &t.amount, &t.humanize, &t.vibrato] {
                widgets::knob(ui, p, setter, look.knob());
            }
        });
        widgets::switch(ui, &t.midi_targets, setter)
            .on_hover_text("Held MIDI notes become the targets instead of the scale");
    });
}

/// Voice character: ten knobs, wrapped.
fn modulate_card(ui: &mut egui::Ui, params: &DaiwParams, setter: &ParamSetter, look: ControlsLook) {
    let m = &params.modulate;
    theme::card(ui, "Modulate", |ui| {
        ui.horizontal_wrapped(|ui| {
            for p in [
                &m.pitch,
                &m.formant,
                &m.robot,
                &m.breath,
                &m.whisper,
                &m.warmth,
                &m.presence,
                &m.reverb,
                &m.compression,
                &m.mix,
            ] {
                widgets::knob(ui, p, setter, look.knob());
            }
        });
    });
}

/// Output gain and bypass.
fn output_card(ui: &mut egui::Ui, params: &DaiwParams, setter: &ParamSetter, look: ControlsLook) {
    theme::card(ui, "Output", |ui| {
        ui.horizontal_wrapped(|ui| {
            widgets::knob(ui, &params.output_gain, setter, look.knob());
            widgets::switch(ui, &params.bypass, setter);
        });
    });
}

/// The backing's switches and level, then the pattern panel.
fn backing_card(
    ui: &mut egui::Ui,
    params: &DaiwParams,
    setter: &ParamSetter,
    look: ControlsLook,
    backing_panel: impl FnOnce(&mut egui::Ui),
) {
    let b = &params.backing;
    theme::card(ui, "Backing", |ui| {
        ui.horizontal_wrapped(|ui| {
            widgets::switch(ui, &b.enabled, setter);
            widgets::switch(ui, &b.follow_host, setter);
            widgets::knob(ui, &b.level_db, setter, look.knob());
        });
        ui.separator();
        backing_panel(ui);
    });
}
