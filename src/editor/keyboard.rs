//! A one-octave keyboard that shows which pitch classes the tuner aims at: the active scale's
//! notes lit, the tonic brightest. It takes the notes as a 12-bit mask (bit n = pitch class n,
//! C = 0) and, when interactive, returns the key that was clicked, so a custom-scale parameter
//! (a mask; 0 = follow key and scale) can be toggled through it.

use egui::{Pos2, Rect, Role, Sense, Stroke, Vec2, WidgetInfo};

use crate::music::theory::PitchClass;

use super::theme;

/// Note names with both spellings for black keys, as a musician reads them on a picker.
pub const NOTE_NAMES: [&str; 12] = [
    "C", "C#/Db", "D", "D#/Eb", "E", "F", "F#/Gb", "G", "G#/Ab", "A", "A#/Bb", "B",
];
/// Every mask bit of an octave.
pub const FULL_MASK: u16 = 0x0fff;

/// White keys' pitch classes, left to right.
const WHITE: [u8; 7] = [0, 2, 4, 5, 7, 9, 11];
/// Black keys' pitch classes and the white key (index) each sits right of.
const BLACK: [(u8, usize); 5] = [(1, 0), (3, 1), (6, 3), (8, 4), (10, 5)];

/// `mask` with pitch class `pc` flipped (only the octave's 12 bits are kept).
pub fn toggle(mask: u16, pc: PitchClass) -> u16 {
    (mask ^ (1 << pc.semitone())) & FULL_MASK
}

/// Whether `mask` holds pitch class `pc`.
pub fn contains(mask: u16, pc: PitchClass) -> bool {
    mask & (1 << pc.semitone()) != 0
}

/// The rectangle of each of the 12 keys inside `rect`, indexed by pitch class.
pub fn key_rects(rect: Rect) -> [Rect; 12] {
    let white_width = rect.width() / WHITE.len() as f32;
    let mut rects = [Rect::NOTHING; 12];
    for (i, &pc) in WHITE.iter().enumerate() {
        let left = rect.left() + i as f32 * white_width;
        rects[pc as usize] = Rect::from_min_size(
            Pos2::new(left, rect.top()),
            Vec2::new(white_width, rect.height()),
        );
    }
    for &(pc, after) in &BLACK {
        let centre = rect.left() + (after + 1) as f32 * white_width;
        rects[pc as usize] = Rect::from_center_size(
            Pos2::new(centre, rect.top() + rect.height() * 0.31),
            Vec2::new(white_width * 0.62, rect.height() * 0.62),
        );
    }
    rects
}

/// Draws the keyboard `size` points large; returns the pitch class clicked (only when
/// `interactive`). Each key is its own accessible widget ("E, in scale").
pub fn keyboard(
    ui: &mut egui::Ui,
    mask: u16,
    tonic: PitchClass,
    size: Vec2,
    interactive: bool,
) -> Option<PitchClass> {
    let (rect, whole) = ui.allocate_exact_size(size, Sense::hover());
    // The keyboard as a whole is the Note Set control (each key is its own widget inside).
    let enabled = ui.is_enabled();
    whole.widget_info(|| egui::WidgetInfo::labeled(Role::Group, enabled, "Note Set"));
    let rects = key_rects(rect);
    let sense = if interactive {
        Sense::click()
    } else {
        Sense::hover()
    };
    let mut clicked = None;
    // Black keys are drawn (and hit-tested) after the white ones, so they win where they overlap.
    let order = WHITE.iter().chain(BLACK.iter().map(|(pc, _)| pc));
    for &pc_index in order {
        let pc = PitchClass::from_semitone(pc_index as i32);
        let key_rect = rects[pc_index as usize];
        let black = BLACK.iter().any(|(b, _)| *b == pc_index);
        let id = ui.scope_id().with(("keyboard_key", pc_index));
        let response = ui.interact(key_rect, id, sense);
        let lit = contains(mask, pc);
        let name = NOTE_NAMES[pc_index as usize];
        response.widget_info(|| {
            let state = match (pc == tonic, lit) {
                (true, _) => "tonic",
                (false, true) => "in scale",
                (false, false) => "not in scale",
            };
            WidgetInfo::selected(Role::Button, interactive, lit, format!("{name}, {state}"))
        });
        if response.clicked() {
            clicked = Some(pc);
        }
        let fill = match (pc == tonic, lit, black) {
            (true, _, _) => theme::ACCENT,
            (false, true, false) => egui::Color32::from_rgb(255, 196, 176),
            (false, true, true) => egui::Color32::from_rgb(196, 98, 76),
            (false, false, false) => egui::Color32::from_rgb(206, 210, 220),
            (false, false, true) => egui::Color32::from_rgb(30, 32, 40),
        };
        let painter = ui.painter();
        let key = key_rect.shrink2(Vec2::new(if black { 0.0 } else { 0.75 }, 0.0));
        painter.rect_filled(key, 3.0, fill);
        if response.hovered() && interactive {
            painter.rect_stroke(
                key,
                3.0,
                Stroke::new(1.5, theme::INPUT),
                egui::StrokeKind::Inside,
            );
        }
        if !black {
            painter.text(
                Pos2::new(key.center().x, key.bottom() - 3.0),
                egui::Align2::CENTER_BOTTOM,
                name,
                theme::small(),
                egui::Color32::from_rgb(40, 44, 56),
            );
        }
    }
    clicked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::music::theory::ScaleKind;

    #[test]
    fn toggling_flips_one_bit_and_back() {
        let major = ScaleKind::Major.pitch_class_mask(PitchClass::C);
        let with_fsharp = toggle(major, PitchClass::FSharp);
        assert!(contains(with_fsharp, PitchClass::FSharp));
        assert!(!contains(with_fsharp, PitchClass::CSharp));
        assert_eq!(with_fsharp.count_ones(), 8);
        assert_eq!(toggle(with_fsharp, PitchClass::FSharp), major);
        assert_eq!(toggle(0, PitchClass::B), 1 << 11);
    }

    #[test]
    fn every_key_has_its_own_place_and_black_keys_sit_between_whites() {
        let rect = Rect::from_min_size(Pos2::ZERO, Vec2::new(140.0, 60.0));
        let rects = key_rects(rect);
        for (pc, r) in rects.iter().enumerate() {
            assert!(
                r.width() > 0.0 && rect.contains_rect(r.shrink(0.5)),
                "{pc}: {r:?}"
            );
        }
        // C# between C and D, higher up than the white keys' name labels.
        let (c, cs, d) = (rects[0], rects[1], rects[2]);
        assert!(cs.center().x > c.center().x && cs.center().x < d.center().x);
        assert!(cs.bottom() < c.bottom() - 15.0);
    }
}
