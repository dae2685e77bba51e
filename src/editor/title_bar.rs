//! The title bar: the brand, the preset menu (tuning, voice and user presets; save the
//! current sound), A/B compare and the compact-mode switch.

use std::path::PathBuf;

use egui::RichText;

use super::param_access::ParamAccess;
use super::presets::{self, AbCompare, Values};
use super::theme;

/// What the title bar keeps between frames.
#[derive(Debug, Clone)]
pub struct TitleBar {
    /// A/B compare slots.
    pub ab: AbCompare,
    /// Smaller controls and graph, for small screens and laptops.
    pub compact: bool,
    /// The name typed for "Save as".
    pub save_name: String,
    /// The user presets read when the menu last opened.
    user: Vec<(String, Values)>,
    /// The last preset action's result (or why the files could not be read), shown in the bar.
    pub message: Option<String>,
    /// Where user presets are kept.
    dir: PathBuf,
    /// Whether the menu was open last frame (the folder is read again when it opens).
    menu_was_open: bool,
}

impl TitleBar {
    /// A bar whose user presets live in `<home>/presets`.
    pub fn new(home: &std::path::Path) -> Self {
        Self {
            ab: AbCompare::default(),
            compact: false,
            save_name: String::new(),
            user: Vec::new(),
            message: None,
            dir: presets::user_dir(home),
            menu_was_open: false,
        }
    }

    /// Draws the bar.
    pub fn ui(&mut self, ui: &mut egui::Ui, params: &mut dyn ParamAccess) {
        ui.horizontal(|ui| {
            theme::brand_mark(ui, 26.0);
            ui.label(
                RichText::new(crate::PLUGIN_NAME)
                    .strong()
                    .size(theme::BRAND_SIZE)
                    .color(theme::TEXT),
            );
            if !self.compact && ui.available_width() > 560.0 {
                ui.label(
                    RichText::new("vocal tuning · voice design · backing")
                        .size(theme::SMALL_SIZE)
                        .color(theme::TEXT_DIM),
                );
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.toggle_value(&mut self.compact, "Compact")
                    .on_hover_text("Smaller graph and controls");
                self.ab_ui(ui, params);
                self.menu_ui(ui, params);
                if let Some(message) = &self.message {
                    ui.add(
                        egui::Label::new(
                            RichText::new(message)
                                .size(theme::SMALL_SIZE)
                                .color(theme::TEXT_DIM),
                        )
                        .truncate(),
                    );
                }
            });
        });
    }

    /// The A/B buttons: the active slot lit; clicking the other one switches.
    fn ab_ui(&mut self, ui: &mut egui::Ui, params: &mut dyn ParamAccess) {
        // Right to left: B is drawn first so it ends up on the right.
        if ui
            .button("Copy")
            .on_hover_text("Copy the active slot's sound into the other slot")
            .clicked()
        {
            self.ab.copy_to_other(params);
            let to = if self.ab.b_active { "A" } else { "B" };
            self.message = Some(format!("copied to {to}"));
        }
        let b = ui
            .selectable_label(self.ab.b_active, "B")
            .on_hover_text("Compare: switch to slot B");
        let a = ui
            .selectable_label(!self.ab.b_active, "A")
            .on_hover_text("Compare: switch to slot A");
        if (a.clicked() && self.ab.b_active) || (b.clicked() && !self.ab.b_active) {
            self.ab.switch(params);
        }
    }

    /// The preset menu.
    fn menu_ui(&mut self, ui: &mut egui::Ui, params: &mut dyn ParamAccess) {
        let mut picked: Option<(String, Values)> = None;
        let response = ui.menu_button("Presets", |ui| {
            self.menu_body(ui, params, &mut picked);
        });
        let open = response.inner.is_some();
        if open && !self.menu_was_open {
            self.refresh();
        }
        self.menu_was_open = open;
        if let Some((name, values)) = picked {
            let moved = presets::apply(&values, params);
            self.message = Some(format!("{name}: {moved} controls moved"));
        }
    }

    /// The menu's entries; a pick closes the menu.
    fn menu_body(
        &mut self,
        ui: &mut egui::Ui,
        params: &mut dyn ParamAccess,
        picked: &mut Option<(String, Values)>,
    ) {
        {
            ui.set_min_width(190.0);
            ui.label(RichText::new("Tuning").strong());
            for name in crate::assistant::presets::TUNE_PRESET_NAMES {
                if let Some(values) = presets::tuning_values(name) {
                    if ui.button(presets::display_name(name)).clicked() {
                        *picked = Some((presets::display_name(name), values));
                    }
                }
            }
            ui.separator();
            ui.label(RichText::new("Voice").strong());
            for name in crate::assistant::presets::VOICE_PRESET_NAMES {
                if let Some(values) = presets::voice_values(name) {
                    if ui.button(presets::display_name(name)).clicked() {
                        *picked = Some((presets::display_name(name), values));
                    }
                }
            }
            ui.separator();
            ui.label(RichText::new("Yours").strong());
            if self.user.is_empty() {
                ui.label(
                    RichText::new("none saved yet")
                        .italics()
                        .color(theme::TEXT_DIM),
                );
            }
            for (name, values) in &self.user {
                if ui.button(name).clicked() {
                    *picked = Some((name.clone(), values.clone()));
                }
            }
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut self.save_name)
                        .hint_text("name")
                        .desired_width(110.0),
                );
                if ui.button("Save").clicked() {
                    self.save(params);
                }
            });
            if picked.is_some() {
                ui.close();
            }
        }
    }

    /// Reads the user presets again; unreadable files are reported and left alone.
    fn refresh(&mut self) {
        let (user, problems) = presets::list_user(&self.dir);
        self.user = user;
        if let Some(first) = problems.first() {
            let more = problems.len() - 1;
            self.message = Some(if more > 0 {
                format!("skipped {first} (and {more} more)")
            } else {
                format!("skipped {first}")
            });
        }
    }

    /// Saves the current values under the typed name.
    fn save(&mut self, params: &dyn ParamAccess) {
        let values = presets::capture(params);
        self.message = Some(
            match presets::save_user(&self.dir, &self.save_name, &values) {
                Ok(path) => {
                    let shown = format!("saved {}", path.display());
                    self.save_name.clear();
                    self.refresh();
                    shown
                }
                Err(e) => e.to_string(),
            },
        );
    }
}
