//! The window's look in one place: palette, spacing, type sizes and the brand mark. Every other
//! editor module takes its colours and sizes from here, so the look changes in one file.

use egui::epaint::{CornerRadius, Stroke};
use egui::{Color32, FontFamily, FontId, Pos2, Rect, TextStyle, Vec2};

/// The window's background (behind the panels).
pub const BACKGROUND: Color32 = Color32::from_rgb(16, 18, 24);
/// Panel fill: a step lighter than the background.
pub const PANEL: Color32 = Color32::from_rgb(24, 27, 35);
/// A group's card fill: one more step, so groups read as objects on the panel.
pub const CARD: Color32 = Color32::from_rgb(32, 36, 47);
/// Lines between regions and the rims of cards.
pub const RIM: Color32 = Color32::from_rgb(52, 58, 74);
/// Main text.
pub const TEXT: Color32 = Color32::from_rgb(226, 230, 238);
/// Secondary text (units, hints, captions).
pub const TEXT_DIM: Color32 = Color32::from_rgb(140, 148, 166);
/// The brand and "active" colour: a warm coral, the colour of the corrected pitch line too.
pub const ACCENT: Color32 = Color32::from_rgb(255, 122, 89);
/// A second accent for the singer's own (input) pitch: cool teal against the coral.
pub const INPUT: Color32 = Color32::from_rgb(84, 200, 214);
/// Good news (model ready).
pub const OK: Color32 = Color32::from_rgb(110, 200, 120);
/// Waiting (model loading).
pub const WAIT: Color32 = Color32::from_rgb(226, 184, 82);
/// Problems (errors, missing model).
pub const WARN: Color32 = Color32::from_rgb(230, 110, 90);
/// The pitch graph's plot background.
pub const GRAPH: Color32 = Color32::from_rgb(18, 20, 26);
/// The user's chat bubbles.
pub const BUBBLE_USER: Color32 = Color32::from_rgb(58, 52, 84);
/// The assistant's chat bubbles.
pub const BUBBLE_ASSISTANT: Color32 = Color32::from_rgb(36, 44, 58);

/// The base unit of spacing, in points; gaps are multiples of it.
pub const SPACE: f32 = 6.0;
/// Corner radius of cards and bubbles.
pub const ROUNDING: u8 = 8;
/// Group titles.
pub const TITLE_SIZE: f32 = 15.0;
/// Body text.
pub const BODY_SIZE: f32 = 13.0;
/// Captions under knobs, units, legends.
pub const SMALL_SIZE: f32 = 11.0;
/// The product name in the title bar.
pub const BRAND_SIZE: f32 = 19.0;

/// A small caption font.
pub fn small() -> FontId {
    FontId::proportional(SMALL_SIZE)
}

/// Installs the palette, spacing and type sizes on `ctx` (cheap; called every frame so a host
/// that shares one egui context cannot leave another look behind).
pub fn apply(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(TITLE_SIZE, FontFamily::Proportional),
            ),
            (
                TextStyle::Body,
                FontId::new(BODY_SIZE, FontFamily::Proportional),
            ),
            (
                TextStyle::Button,
                FontId::new(BODY_SIZE, FontFamily::Proportional),
            ),
            (
                TextStyle::Small,
                FontId::new(SMALL_SIZE, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(12.0, FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.item_spacing = Vec2::new(SPACE, SPACE);
        style.spacing.button_padding = Vec2::new(SPACE * 1.5, SPACE * 0.5);
        style.spacing.interact_size.y = 22.0;
        let v = &mut style.visuals;
        v.dark_mode = true;
        v.panel_fill = PANEL;
        v.window_fill = PANEL;
        v.extreme_bg_color = BACKGROUND;
        v.faint_bg_color = CARD;
        v.override_text_color = Some(TEXT);
        v.selection.bg_fill = ACCENT.linear_multiply(0.7);
        v.selection.stroke = Stroke::new(1.0, TEXT);
        v.hyperlink_color = INPUT;
        let radius = CornerRadius::same(ROUNDING / 2);
        for w in [
            &mut v.widgets.noninteractive,
            &mut v.widgets.inactive,
            &mut v.widgets.hovered,
            &mut v.widgets.active,
            &mut v.widgets.open,
        ] {
            w.corner_radius = radius;
        }
        v.widgets.noninteractive.bg_stroke = Stroke::new(1.0, RIM);
        v.widgets.inactive.weak_bg_fill = Color32::from_rgb(44, 49, 63);
        v.widgets.inactive.bg_fill = Color32::from_rgb(44, 49, 63);
        v.widgets.hovered.weak_bg_fill = Color32::from_rgb(60, 66, 84);
        v.widgets.hovered.bg_fill = Color32::from_rgb(60, 66, 84);
        v.widgets.active.weak_bg_fill = ACCENT.linear_multiply(0.8);
    });
}

/// A titled card around a group of controls.
pub fn card<R>(ui: &mut egui::Ui, title: &str, body: impl FnOnce(&mut egui::Ui) -> R) -> R {
    let inner = egui::Frame::new()
        .fill(CARD)
        .stroke(Stroke::new(1.0, RIM))
        .corner_radius(CornerRadius::same(ROUNDING))
        .inner_margin(egui::Margin::same((SPACE * 1.5) as i8))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                egui::RichText::new(title)
                    .strong()
                    .size(TITLE_SIZE)
                    .color(TEXT),
            );
            body(ui)
        })
        .inner;
    ui.add_space(SPACE);
    inner
}

/// The brand mark: a rounded square with a pitch line snapping onto a note (a curve that lands
/// on a straight line), drawn with shapes so it needs no image file and scales sharply.
pub fn brand_mark(ui: &mut egui::Ui, size: f32) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(size), egui::Sense::hover());
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, CornerRadius::same((size * 0.25) as u8), ACCENT);
    let at = |x: f32, y: f32| Pos2::new(rect.left() + x * size, rect.top() + y * size);
    // The singer's wobbly line on the left, landing on the note (the flat line) on the right.
    let wobble: Vec<Pos2> = (0..=12)
        .map(|i| {
            let t = i as f32 / 12.0;
            let y = 0.62 - 0.14 * (t * std::f32::consts::TAU * 1.5).sin() * (1.0 - t);
            at(0.16 + 0.4 * t, y - 0.1 * t)
        })
        .collect();
    let stroke = Stroke::new((size * 0.09).max(1.5), BACKGROUND);
    painter.add(egui::Shape::line(wobble, stroke));
    painter.line_segment([at(0.56, 0.52), at(0.84, 0.52)], stroke);
    painter.circle_filled(at(0.84, 0.52), size * 0.08, BACKGROUND);
    response
}

/// The rectangle of `rect` shrunk by the standard gap on every side.
pub fn inset(rect: Rect) -> Rect {
    rect.shrink(SPACE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_background_contrast_enough_to_read() {
        // WCAG's relative luminance: body text needs a contrast ratio of at least 4.5.
        fn luminance(c: Color32) -> f32 {
            let lin = |v: u8| {
                let v = v as f32 / 255.0;
                if v <= 0.039_28 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
        }
        let ratio = |a: Color32, b: Color32| {
            let (hi, lo) = (
                luminance(a).max(luminance(b)),
                luminance(a).min(luminance(b)),
            );
            (hi + 0.05) / (lo + 0.05)
        };
        for bg in [BACKGROUND, PANEL, CARD, BUBBLE_USER, BUBBLE_ASSISTANT] {
            assert!(ratio(TEXT, bg) >= 4.5, "{bg:?}: {}", ratio(TEXT, bg));
            assert!(
                ratio(TEXT_DIM, bg) >= 3.0,
                "{bg:?} dim: {}",
                ratio(TEXT_DIM, bg)
            );
        }
    }
}
