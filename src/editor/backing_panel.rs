//! The backing panel: style, key, mode, tempo and bars; Generate (a fresh take each press);
//! Play/Stop preview (free-runs at the pattern's tempo when the host is not driving it); Export
//! MIDI to a file. Patterns are built here, on the GUI thread, and handed to the audio thread
//! through the pattern queue; the replaced ones come back and are dropped here.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use egui::{Color32, RichText};

use crate::assistant::model_file::daiw_home;
use crate::assistant::state::BackingSpec;
use crate::assistant::state::ParamValue;
use crate::music::backing::Pattern;
use crate::music::data::style_ids;
use crate::music::midi::write_smf;
use crate::music::theory::{PitchClass, ScaleKind};
use crate::plugin::backing_link::{player_pattern, BackingShared, PatternSender};

use super::param_access::ParamAccess;

/// The panel's state: the form, the pattern playing and the queue to the audio thread.
pub struct BackingPanel {
    /// The form's values (what Generate will make).
    pub form: BackingSpec,
    /// The pattern playing and what it was made from.
    pub current: Option<(BackingSpec, Pattern)>,
    /// Where Export MIDI writes (editable; empty = a name under ~/.daiw/exports/).
    pub export_path: String,
    /// The last result or problem, shown under the buttons.
    pub status: Option<Result<String, String>>,
    sender: PatternSender,
    shared: Arc<BackingShared>,
}

impl BackingPanel {
    /// A panel sending patterns through `sender`.
    pub fn new(sender: PatternSender, shared: Arc<BackingShared>) -> Self {
        Self {
            form: BackingSpec::default(),
            current: None,
            export_path: String::new(),
            status: None,
            sender,
            shared,
        }
    }

    /// Whether the preview is running.
    pub fn previewing(&self) -> bool {
        self.shared.preview.load(Ordering::Relaxed)
    }

    /// The play position 0..1 while the backing sounds.
    pub fn position(&self) -> Option<f64> {
        self.shared.position()
    }

    /// The name of the chord held on the MIDI input ("Am7"), if one is in force.
    pub fn held_chord(&self) -> Option<String> {
        self.shared
            .held_chord
            .load()
            .map(|(mask, bass)| super::held_chord::chord_name(mask, bass))
    }

    /// Sends `pattern` (made from `spec`) to the audio thread and shows it in the form.
    pub fn install(&mut self, spec: BackingSpec, pattern: Pattern) -> bool {
        let boxed = Box::new(player_pattern(&pattern));
        match self.sender.send(boxed) {
            Ok(()) => {
                self.form = spec.clone();
                self.current = Some((spec, pattern));
                true
            }
            Err(_) => {
                self.status = Some(Err(
                    "the audio thread has not taken the previous pattern yet (is audio running?)"
                        .into(),
                ));
                false
            }
        }
    }

    /// Generates from the form with a new seed, installs it and turns the backing on.
    pub fn generate(&mut self, params: &mut dyn ParamAccess) -> bool {
        let mut spec = self.form.clone();
        spec.seed = self
            .current
            .as_ref()
            .map_or(spec.seed, |(s, _)| s.seed)
            .wrapping_add(1);
        match spec.generate() {
            Ok(pattern) => {
                let summary = describe(&spec);
                if self.install(spec, pattern) {
                    params.set("backing_enabled", ParamValue::Bool(true));
                    self.status = Some(Ok(format!("new take: {summary}")));
                    return true;
                }
                false
            }
            Err(e) => {
                self.status = Some(Err(e));
                false
            }
        }
    }

    /// Play starts the free-running preview from bar 1 and turns the backing on; Stop ends
    /// the preview and turns the backing off (so it also stops in the standalone, which has no
    /// transport of its own).
    pub fn toggle_preview(&mut self, params: &mut dyn ParamAccess) {
        let on = !self.previewing();
        if on {
            if self.current.is_none() && !self.generate(params) {
                return;
            }
            self.shared.restart.store(true, Ordering::Relaxed);
        }
        params.set("backing_enabled", ParamValue::Bool(on));
        self.shared.preview.store(on, Ordering::Relaxed);
    }

    /// Writes the current pattern as a Standard MIDI File; returns the path.
    pub fn export_midi(&mut self) -> Result<PathBuf, String> {
        let Some((spec, pattern)) = &self.current else {
            return Err("no backing yet: press Generate or ask the assistant".into());
        };
        let path = if self.export_path.trim().is_empty() {
            daiw_home().join("exports").join(format!(
                "backing-{}-{}-{}-{}bpm-{}.mid",
                spec.style,
                spec.key.replace('#', "s"),
                spec.mode,
                spec.tempo_bpm,
                spec.seed
            ))
        } else {
            PathBuf::from(self.export_path.trim())
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("could not create {}: {e}", dir.display()))?;
        }
        write_smf(pattern, &path).map_err(|e| e.to_string())?;
        Ok(path)
    }

    /// Drops patterns the audio thread has handed back.
    pub fn collect_garbage(&mut self) {
        self.sender.collect_garbage();
    }

    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, params: &mut dyn ParamAccess) {
        egui::Grid::new("backing_form")
            .num_columns(2)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                let label = ui.label("Style").id;
                egui::ComboBox::from_id_salt("backing_style")
                    .selected_text(self.form.style.as_str())
                    .show_ui(ui, |ui| {
                        for style in style_ids() {
                            ui.selectable_value(&mut self.form.style, style.to_string(), style);
                        }
                    })
                    .response
                    .labelled_by(label);
                ui.end_row();
                let label = ui.label("Key").id;
                egui::ComboBox::from_id_salt("backing_key")
                    .selected_text(self.form.key.as_str())
                    .show_ui(ui, |ui| {
                        for key in PitchClass::ALL {
                            ui.selectable_value(
                                &mut self.form.key,
                                key.name().to_string(),
                                key.name(),
                            );
                        }
                    })
                    .response
                    .labelled_by(label);
                ui.end_row();
                let label = ui.label("Mode").id;
                egui::ComboBox::from_id_salt("backing_mode")
                    .selected_text(self.form.mode.as_str())
                    .show_ui(ui, |ui| {
                        for mode in ScaleKind::ALL {
                            ui.selectable_value(
                                &mut self.form.mode,
                                mode.id().to_string(),
                                mode.id(),
                            );
                        }
                    })
                    .response
                    .labelled_by(label);
                ui.end_row();
                let label = ui.label("Tempo").id;
                ui.add(
                    egui::DragValue::new(&mut self.form.tempo_bpm)
                        .range(40..=240)
                        .suffix(" BPM"),
                )
                .labelled_by(label);
                ui.end_row();
                let label = ui.label("Bars").id;
                ui.add(egui::DragValue::new(&mut self.form.bars).range(1..=64))
                    .labelled_by(label);
                ui.end_row();
            });
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Generate")
                .on_hover_text("A new take from these settings")
                .clicked()
            {
                self.generate(params);
            }
            let play = if self.previewing() {
                "Stop"
            } else {
                "Play"
            };
            if ui
                .button(play)
                .on_hover_text("Preview at the pattern's tempo (the host's transport wins when Follow Host is on and it plays)")
                .clicked()
            {
                self.toggle_preview(params);
            }
            if ui.button("Export MIDI").clicked() {
                self.status = Some(
                    self.export_midi()
                        .map(|p| format!("MIDI written to {}", p.display())),
                );
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("MIDI file").id;
            ui.add(
                egui::TextEdit::singleline(&mut self.export_path)
                    .hint_text("~/.daiw/exports/backing-....mid")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label);
        });
        match &self.current {
            Some((spec, _)) => {
                ui.label(format!("Loaded: {}", describe(spec)));
            }
            None => {
                ui.label(
                    RichText::new(
                        "No backing yet: Generate, or ask \"a sad 70 bpm backing in D minor\"",
                    )
                    .italics()
                    .color(Color32::GRAY),
                );
            }
        }
        if let Some(position) = self.position() {
            ui.add(egui::ProgressBar::new(position as f32).desired_height(6.0));
        }
        match &self.status {
            Some(Ok(text)) => {
                ui.label(RichText::new(text.as_str()).color(Color32::GRAY));
            }
            Some(Err(text)) => {
                ui.label(RichText::new(text.as_str()).color(Color32::from_rgb(230, 110, 90)));
            }
            None => {}
        }
    }
}

/// "pop in C major, 100 BPM, 8 bars".
pub fn describe(spec: &BackingSpec) -> String {
    format!(
        "{} in {} {}, {} BPM, {} bars",
        spec.style, spec.key, spec.mode, spec.tempo_bpm, spec.bars
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::param_access::MapParams;
    use crate::plugin::backing_link::pattern_queues;

    #[test]
    fn generate_preview_and_export() {
        let (tx, mut rx) = pattern_queues();
        let shared = Arc::new(BackingShared::default());
        let mut panel = BackingPanel::new(tx, shared.clone());
        let mut params = MapParams::new();
        panel.form.style = "funk".into();
        panel.form.key = "E".into();
        panel.form.mode = "minor".into();
        assert!(panel.generate(&mut params));
        assert_eq!(params.get("backing_enabled"), Some(ParamValue::Bool(true)));
        let mut got = None;
        assert!(rx.receive(|p| got.replace(p)));
        let got = got.expect("pattern reached the audio side");
        let (spec, pattern) = panel.current.clone().expect("current");
        assert_eq!(spec.style, "funk");
        assert_eq!(got.length_ticks, pattern.length_ticks());
        // Generate again: a different take (new seed), same settings.
        assert!(panel.generate(&mut params));
        let (spec2, pattern2) = panel.current.clone().expect("current");
        assert_eq!(spec2.seed, spec.seed + 1);
        assert_ne!(pattern2.events, pattern.events);

        panel.toggle_preview(&mut params);
        assert!(shared.preview.load(Ordering::Relaxed));
        assert!(shared.restart.load(Ordering::Relaxed));
        panel.toggle_preview(&mut params);
        assert!(!shared.preview.load(Ordering::Relaxed));
        assert_eq!(params.get("backing_enabled"), Some(ParamValue::Bool(false)));

        let dir = std::env::temp_dir().join(format!("daiw-panel-{}", std::process::id()));
        panel.export_path = dir.join("take.mid").display().to_string();
        let path = panel.export_midi().expect("export");
        let bytes = std::fs::read(&path).expect("file");
        assert_eq!(&bytes[..4], b"MThd");
        let _ = std::fs::remove_dir_all(dir);

        panel.form.tempo_bpm = 500;
        assert!(!panel.generate(&mut params));
        assert!(matches!(panel.status, Some(Err(_))));
    }
}
