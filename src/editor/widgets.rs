//! Parameter controls by kind: a rotary knob for continuous values, a switch for on/off and a
//! named picker for choices. Every change is one host gesture (begin / set / end through
//! `ParamSetter`), so automation records it and the host's undo takes it back; a drag is one
//! gesture from press to release.

use egui::epaint::{PathShape, PathStroke};
use egui::{Color32, Pos2, Response, Role, Sense, Stroke, Vec2, WidgetInfo};
use nice_plug::prelude::*;

use super::theme;

/// Knob diameter in points at the normal size.
pub const KNOB_DIAMETER: f32 = 40.0;
/// Knob diameter in compact mode.
pub const KNOB_DIAMETER_COMPACT: f32 = 30.0;
/// Width of a knob's cell (caption and value fit under it).
pub const KNOB_CELL_WIDTH: f32 = 74.0;
/// Points of drag for the full range: long enough for fine moves, short enough for one swipe.
const DRAG_POINTS_FULL_RANGE: f32 = 220.0;
/// With Shift held the drag is this many times finer.
const FINE_DRAG_FACTOR: f32 = 8.0;
/// One arrow-key press moves this share of the range.
const KEY_STEP: f32 = 0.01;
/// The knob's arc spans this many radians (a gap at the bottom, as on hardware).
const ARC_SPAN: f32 = 1.5 * std::f32::consts::PI;

/// The normalized value a drag moves to: `start` plus the drag (up and right increase).
pub fn dragged_value(start: f32, drag: Vec2, fine: bool) -> f32 {
    let scale = if fine {
        DRAG_POINTS_FULL_RANGE * FINE_DRAG_FACTOR
    } else {
        DRAG_POINTS_FULL_RANGE
    };
    (start + (drag.x - drag.y) / scale).clamp(0.0, 1.0)
}

/// Moves `param` to `normalized` as a single gesture (clicks, resets, key presses).
fn one_gesture<P: Param>(setter: &ParamSetter, param: &P, plain: P::Plain) {
    setter.begin_set_parameter(param);
    setter.set_parameter(param, plain);
    setter.end_set_parameter(param);
}

/// A rotary knob with the parameter's name under it and its value with unit below that.
/// Drag up/right to raise (Shift: finer), double-click or Ctrl+click for the default, arrow
/// keys when focused.
pub fn knob<P: Param>(
    ui: &mut egui::Ui,
    param: &P,
    setter: &ParamSetter,
    diameter: f32,
) -> Response {
    let cell = Vec2::new(
        KNOB_CELL_WIDTH.max(diameter + 8.0),
        diameter + 2.0 * theme::SMALL_SIZE + 10.0,
    );
    let (rect, mut response) = ui.allocate_exact_size(cell, Sense::click_and_drag());
    let id = response.id;
    let normalized = param.unmodulated_normalized_value();
    if response.drag_started() {
        setter.begin_set_parameter(param);
        ui.memory_mut(|m| m.data.insert_temp(id, normalized));
    }
    if response.dragged() {
        let start = ui
            .memory(|m| m.data.get_temp::<f32>(id))
            .unwrap_or(normalized);
        let fine = ui.input(|i| i.modifiers.shift);
        let moved = dragged_value(start, response.drag_delta(), fine);
        ui.memory_mut(|m| m.data.insert_temp(id, moved));
        setter.set_parameter(param, param.preview_plain(moved));
        response.mark_changed();
    }
    if response.drag_stopped() {
        setter.end_set_parameter(param);
    }
    let reset =
        response.double_clicked() || (response.clicked() && ui.input(|i| i.modifiers.command));
    if reset {
        one_gesture(setter, param, param.default_plain_value());
        response.mark_changed();
    }
    if response.has_focus() {
        let step = ui.input(|i| {
            let up = i.key_pressed(egui::Key::ArrowUp) || i.key_pressed(egui::Key::ArrowRight);
            let down = i.key_pressed(egui::Key::ArrowDown) || i.key_pressed(egui::Key::ArrowLeft);
            up as i32 - down as i32
        });
        if step != 0 {
            let moved = (normalized + step as f32 * KEY_STEP).clamp(0.0, 1.0);
            one_gesture(setter, param, param.preview_plain(moved));
            response.mark_changed();
        }
    }
    let value_text = param.normalized_value_to_string(param.unmodulated_normalized_value(), true);
    response.widget_info(|| {
        WidgetInfo::slider(
            true,
            param.unmodulated_normalized_value() as f64,
            param.name(),
        )
    });
    let response = response.on_hover_text(format!(
        "{}: {value_text}\nDrag up/down (Shift: fine), double-click: default",
        param.name()
    ));
    if ui.is_rect_visible(rect) {
        let centre = Pos2::new(rect.center().x, rect.top() + diameter / 2.0 + 2.0);
        paint_knob(
            ui,
            centre,
            diameter / 2.0,
            param.unmodulated_normalized_value(),
            &response,
        );
        let painter = ui.painter();
        painter.text(
            Pos2::new(rect.center().x, rect.top() + diameter + 4.0),
            egui::Align2::CENTER_TOP,
            caption(ui, param.name(), rect.width()),
            theme::small(),
            theme::TEXT_DIM,
        );
        painter.text(
            Pos2::new(
                rect.center().x,
                rect.top() + diameter + 6.0 + theme::SMALL_SIZE,
            ),
            egui::Align2::CENTER_TOP,
            value_text,
            theme::small(),
            theme::TEXT,
        );
    }
    response
}

/// A knob's caption: the parameter's name, or its first word when the name is wider than the
/// knob's cell ("Vibrato Preservation" -> "Vibrato"); the hover text has the full name.
fn caption<'a>(ui: &egui::Ui, name: &'a str, width: f32) -> &'a str {
    let full = ui
        .painter()
        .layout_no_wrap(name.to_string(), theme::small(), theme::TEXT_DIM)
        .size()
        .x;
    if full <= width - 2.0 {
        name
    } else {
        name.split_whitespace().next().unwrap_or(name)
    }
}

/// The knob's face: track arc, value arc from the minimum (or the centre for bipolar
/// defaults), and a pointer.
fn paint_knob(ui: &egui::Ui, centre: Pos2, radius: f32, normalized: f32, response: &Response) {
    let painter = ui.painter();
    let face = if response.hovered() || response.dragged() {
        Color32::from_rgb(56, 62, 80)
    } else {
        Color32::from_rgb(44, 49, 63)
    };
    painter.circle_filled(centre, radius - 4.0, face);
    if response.has_focus() {
        painter.circle_stroke(centre, radius - 3.0, Stroke::new(1.0, theme::TEXT));
    }
    // Angles run clockwise from the lower left (-225 degrees) to the lower right (+45).
    let angle_of = |t: f32| std::f32::consts::PI * 0.75 + t * ARC_SPAN;
    let point = |a: f32, r: f32| centre + Vec2::new(a.cos(), a.sin()) * r;
    let arc = |from: f32, to: f32| -> Vec<Pos2> {
        let steps = (((to - from).abs() * 24.0) as usize).max(2);
        (0..=steps)
            .map(|i| {
                point(
                    angle_of(from + (to - from) * i as f32 / steps as f32),
                    radius - 1.5,
                )
            })
            .collect()
    };
    let track = PathStroke::new(3.0, theme::RIM);
    painter.add(PathShape::line(arc(0.0, 1.0), track));
    let value = PathStroke::new(3.0, theme::ACCENT);
    painter.add(PathShape::line(arc(0.0, normalized), value));
    let a = angle_of(normalized);
    painter.line_segment(
        [point(a, radius * 0.2), point(a, radius - 5.0)],
        Stroke::new(2.0, theme::TEXT),
    );
}

/// An on/off switch with its label; a click flips it as one gesture.
pub fn switch(ui: &mut egui::Ui, param: &BoolParam, setter: &ParamSetter) -> Response {
    let on = param.value();
    let track = Vec2::new(30.0, 16.0);
    let text = ui.painter().layout_no_wrap(
        param.name().to_string(),
        egui::FontId::proportional(theme::BODY_SIZE),
        theme::TEXT,
    );
    let size = Vec2::new(
        track.x + theme::SPACE + text.size().x,
        track.y.max(text.size().y) + 4.0,
    );
    let (rect, mut response) = ui.allocate_exact_size(size, Sense::click());
    let pressed = response.clicked()
        || (response.has_focus()
            && ui.input(|i| i.key_pressed(egui::Key::Space) || i.key_pressed(egui::Key::Enter)));
    if pressed {
        one_gesture(setter, param, !on);
        response.mark_changed();
    }
    let on = param.value();
    response.widget_info(|| WidgetInfo::selected(Role::CheckBox, true, on, param.name()));
    if ui.is_rect_visible(rect) {
        let painter = ui.painter();
        let track_rect = egui::Rect::from_min_size(
            Pos2::new(rect.left(), rect.center().y - track.y / 2.0),
            track,
        );
        let fill = if on {
            theme::ACCENT
        } else {
            Color32::from_rgb(60, 66, 84)
        };
        painter.rect_filled(track_rect, track.y / 2.0, fill);
        if response.has_focus() {
            painter.rect_stroke(
                track_rect.expand(1.5),
                track.y / 2.0,
                Stroke::new(1.0, theme::TEXT),
                egui::StrokeKind::Outside,
            );
        }
        let knob_x = if on {
            track_rect.right() - track.y / 2.0
        } else {
            track_rect.left() + track.y / 2.0
        };
        painter.circle_filled(
            Pos2::new(knob_x, track_rect.center().y),
            track.y / 2.0 - 2.5,
            theme::TEXT,
        );
        painter.galley(
            Pos2::new(
                track_rect.right() + theme::SPACE,
                rect.center().y - text.size().y / 2.0,
            ),
            text,
            theme::TEXT,
        );
    }
    response
}

/// A drop-down of every value of an enum parameter, named by `name_of`; picking one is one
/// gesture. `label` is what screen readers announce (and what tests look for).
pub fn picker<T: Enum + PartialEq + Copy + 'static>(
    ui: &mut egui::Ui,
    label: &str,
    param: &EnumParam<T>,
    setter: &ParamSetter,
    choices: &[T],
    name_of: impl Fn(T) -> String,
    width: f32,
) -> Response {
    let current = param.value();
    let mut picked = None;
    let response = egui::ComboBox::from_id_salt(label)
        .selected_text(name_of(current))
        .width(width)
        .show_ui(ui, |ui| {
            for &choice in choices {
                if ui
                    .selectable_label(choice == current, name_of(choice))
                    .clicked()
                {
                    picked = Some(choice);
                }
            }
        })
        .response;
    if let Some(choice) = picked.filter(|c| *c != current) {
        one_gesture(setter, param, choice);
    }
    response.widget_info(|| WidgetInfo::labeled(Role::ComboBox, true, label));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drag_moves_by_its_distance_and_stays_in_range() {
        // Up by the full-range distance goes from the bottom to the top.
        assert!(
            (dragged_value(0.0, Vec2::new(0.0, -DRAG_POINTS_FULL_RANGE), false) - 1.0).abs() < 1e-6
        );
        // Right counts like up; down like left.
        assert!((dragged_value(0.5, Vec2::new(22.0, 0.0), false) - 0.6).abs() < 1e-6);
        assert!((dragged_value(0.5, Vec2::new(0.0, 22.0), false) - 0.4).abs() < 1e-6);
        // Shift makes it eight times finer.
        assert!((dragged_value(0.5, Vec2::new(0.0, -22.0), true) - 0.5125).abs() < 1e-6);
        // Far past either end stays clamped.
        assert_eq!(dragged_value(0.9, Vec2::new(0.0, -1000.0), false), 1.0);
        assert_eq!(dragged_value(0.1, Vec2::new(0.0, 1000.0), false), 0.0);
    }
}
