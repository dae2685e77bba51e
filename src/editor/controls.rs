//! The parameter controls in cards by purpose (Tune, Modulate, Backing, Output), each control
//! fitting its kind: knobs for continuous values, switches for on/off, note and scale pickers
//! and a one-octave keyboard for the key. Rows wrap, so the cards reflow from a wide window
//! down to 800x500 (the caller scrolls what does not fit).

use nice_plug::prelude::IntParam;

use crate::assistant::listening::{key_words, CONFIDENT};
use crate::dsp::correction::FollowChords;
use crate::dsp::harmony::HarmonyMode;
use crate::music::listen::KeyEstimate;
use crate::params::{TuneParams, VoiceMidiParams};
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

/// Confidence from which the heard key is shown at all: below it the estimate is a guess
/// from a few notes (a short phrase gives 0.1-0.3).
pub const HEARD_SHOWN: f32 = 0.35;

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
    /// Chord following and harmony voices, the backing's switches, level and pattern panel.
    Backing,
}

/// The tab names as shown (and announced).
pub const TAB_NAMES: [(ControlsTab, &str); 2] = [
    (ControlsTab::Voice, "Voice"),
    (ControlsTab::Backing, "Backing track"),
];

/// The chords the audio thread reports, as the cards show them.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChordsShown<'a> {
    /// The name of the chord held on the MIDI input ("Am7"), if one is in force.
    pub held_on_midi: Option<&'a str>,
}

/// Draws the tab row and the chosen tab's cards; `backing_panel` draws the pattern controls
/// inside the Backing card. The caller provides the scrolling.
pub fn draw_controls(
    ui: &mut egui::Ui,
    params: &DaiwParams,
    setter: &ParamSetter,
    look: ControlsLook,
    tab: &mut ControlsTab,
    chords: ChordsShown,
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
        // The chords come from the backing, so what follows them sits with it.
        ControlsTab::Backing if ui.available_width() >= TWO_COLUMNS_MIN_WIDTH => {
            ui.columns(2, |columns| {
                backing_card(&mut columns[0], params, setter, look, backing_panel);
                harmony_card(&mut columns[1], params, setter, look, chords);
            });
        }
        ControlsTab::Backing => {
            backing_card(ui, params, setter, look, backing_panel);
            harmony_card(ui, params, setter, look, chords);
        }
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
        let custom = t.note_mask.value().clamp(0, 0x0fff) as u16;
        let mask = if custom != 0 {
            custom
        } else {
            t.scale.value().pitch_class_mask(key)
        };
        let size = if look.compact {
            KEYBOARD_SIZE_COMPACT
        } else {
            KEYBOARD_SIZE
        };
        // A click toggles the note in a custom note set (starting from the scale); a set with
        // no note left is refused, as correction needs a target.
        if let Some(pc) = keyboard::keyboard(ui, mask, key, size, true) {
            let toggled = keyboard::toggle(mask, pc);
            if toggled != 0 {
                set_int(setter, &t.note_mask, i32::from(toggled));
            }
        }
        if custom != 0 {
            ui.horizontal_wrapped(|ui| {
                ui.label(egui::RichText::new("Custom notes").color(theme::ACCENT));
                if ui.button("Back to the scale").clicked() {
                    set_int(setter, &t.note_mask, 0);
                }
            });
        }
        ui.horizontal_wrapped(|ui| {
            for p in [&t.retune_ms, &t.amount, &t.humanize, &t.vibrato] {
                widgets::knob(ui, p, setter, look.knob());
            }
        });
        ui.horizontal_wrapped(|ui| {
            widgets::switch(ui, &t.midi_targets, setter)
                .on_hover_text("Held MIDI notes become the targets instead of the scale");
            voice_midi_row(ui, &params.voice_midi, setter);
        });
    });
}

/// Voice to MIDI beside the MIDI targets: the switch and the channel the sung notes go out on.
fn voice_midi_row(ui: &mut egui::Ui, v: &VoiceMidiParams, setter: &ParamSetter) {
    widgets::switch(ui, &v.enabled, setter).on_hover_text(
        "Sends the notes you sing on the plugin's MIDI output, in time with the audio",
    );
    let current = v.channel.value();
    let label = v.channel.name();
    let response = egui::ComboBox::from_id_salt(label)
        .selected_text(format!("Ch {current}"))
        .width(58.0)
        .show_ui(ui, |ui| {
            for channel in 1..=16 {
                if ui
                    .selectable_label(channel == current, format!("Ch {channel}"))
                    .clicked()
                    && channel != current
                {
                    set_int(setter, &v.channel, channel);
                }
            }
        })
        .response;
    response
        .on_hover_text("MIDI channel of the sung notes (the backing uses 1, 2 and 10)")
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, label));
}

/// "Singing in E minor (0.87)" with a button that tunes to it: tuning on, key and scale, each
/// one host gesture (drawn right to left, so the button comes first).
pub fn heard_key(ui: &mut egui::Ui, t: &TuneParams, setter: &ParamSetter, heard: KeyEstimate) {
    let already =
        t.enabled.value() && t.key.value() == heard.tonic && t.scale.value() == heard.scale;
    if heard.confidence >= CONFIDENT && !already && ui.small_button("Tune to it").clicked() {
        setter.begin_set_parameter(&t.enabled);
        setter.set_parameter(&t.enabled, true);
        setter.end_set_parameter(&t.enabled);
        setter.begin_set_parameter(&t.key);
        setter.set_parameter(&t.key, heard.tonic);
        setter.end_set_parameter(&t.key);
        setter.begin_set_parameter(&t.scale);
        setter.set_parameter(&t.scale, heard.scale);
        setter.end_set_parameter(&t.scale);
    }
    let words = format!("Singing in {} ({:.2})", key_words(&heard), heard.confidence);
    ui.label(
        egui::RichText::new(words)
            .size(theme::SMALL_SIZE)
            .color(theme::TEXT_DIM),
    );
}

/// Sets an integer parameter as one host gesture.
fn set_int(setter: &ParamSetter, param: &IntParam, value: i32) {
    setter.begin_set_parameter(param);
    setter.set_parameter(param, value);
    setter.end_set_parameter(param);
}

/// What follows the backing's chords: the correction's targets and the harmony voices (how
/// many, how they choose notes, level and width); with Follow Chords on, the chord held on
/// the MIDI input that the correction follows.
fn harmony_card(
    ui: &mut egui::Ui,
    params: &DaiwParams,
    setter: &ParamSetter,
    look: ControlsLook,
    chords: ChordsShown,
) {
    let h = &params.harmony;
    theme::card(ui, "Chords & harmony", |ui| {
        let following = params.tune.follow_chords.value() != FollowChords::Off;
        if let Some(name) = chords.held_on_midi.filter(|_| following) {
            held_chord_line(ui, name);
        }
        ui.horizontal_wrapped(|ui| {
            ui.vertical(|ui| {
                widgets::picker(
                    ui,
                    "Follow Chords",
                    &params.tune.follow_chords,
                    setter,
                    &FollowChords::ALL,
                    |f| match f {
                        FollowChords::Off => "Off".to_string(),
                        FollowChords::ChordTones => "Chord tones".to_string(),
                        FollowChords::ChordAndScale => "Chord + scale".to_string(),
                    },
                    120.0,
                );
                widgets::picker(
                    ui,
                    "Harmony Mode",
                    &h.mode,
                    setter,
                    &HarmonyMode::ALL,
                    |m| match m {
                        HarmonyMode::Chord => "Chord tones".to_string(),
                        HarmonyMode::Diatonic => "In the key".to_string(),
                        HarmonyMode::Midi => "MIDI notes".to_string(),
                    },
                    120.0,
                );
            });
            widgets::knob(ui, &h.voices, setter, look.knob());
            for p in [&h.level, &h.spread] {
                widgets::knob(ui, p, setter, look.knob());
            }
        });
    });
}

/// "Am7 held on MIDI": the chord name large, the source small.
fn held_chord_line(ui: &mut egui::Ui, name: &str) {
    ui.horizontal(|ui| {
        ui.label(
            egui::RichText::new(name)
                .size(theme::TITLE_SIZE)
                .color(theme::TEXT),
        );
        ui.label(
            egui::RichText::new("held on MIDI")
                .size(theme::SMALL_SIZE)
                .color(theme::TEXT_DIM),
        );
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
