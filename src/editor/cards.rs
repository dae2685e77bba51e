//! A card for every tool call in the chat: which tool ran, what each parameter moved from and
//! to, anything else it produced, and an Undo button that moves the parameters back through
//! the same host path the call used.

use egui::RichText;

use super::theme;

use crate::assistant::agent::AppliedCall;
use crate::assistant::state::{spec, Effect, ParamValue};

use super::param_access::ParamAccess;

/// One parameter move a tool call made.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamChange {
    /// Stable parameter id.
    pub id: &'static str,
    /// Value before the call.
    pub from: ParamValue,
    /// Value the call set.
    pub to: ParamValue,
}

impl ParamChange {
    /// "tune_key: C -> A", with the parameter's unit; fractions in percent, as the controls
    /// show them.
    pub fn describe(&self) -> String {
        format!(
            "{}: {} -> {}",
            self.id,
            show_value(self.id, self.from),
            show_value(self.id, self.to)
        )
    }
}

/// A plain value as the controls show it: 0..1 fractions as percent, numbers with their unit.
fn show_value(id: &str, value: ParamValue) -> String {
    match (spec(id), value) {
        (Some(s), ParamValue::Float(v)) if s.unit.is_empty() && s.min == 0.0 && s.max == 1.0 => {
            format!("{:.0}%", v * 100.0)
        }
        (Some(s), _) => format!("{value}{}", s.unit),
        (None, _) => value.to_string(),
    }
}

/// What a tool does, in a musician's words, above its name on the card.
fn tool_title(tool: &str) -> &'static str {
    match tool {
        "voice_tune" => "Tuning",
        "voice_modulate" => "Voice",
        "voice_speak" => "Speech",
        "backing_generate" => "Backing",
        "mix_control" => "Mix",
        "name_suggest" => "Titles",
        "intent_new" | "intent_process" => "Song intent",
        "undo" => "Undo",
        "get_state" => "Settings",
        _ => "Tool",
    }
}

/// What one tool call did, as the chat shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCard {
    /// The tool's name.
    pub tool: String,
    /// Parameter moves, in the order they were applied.
    pub changes: Vec<ParamChange>,
    /// Other results (backing pattern, speech file, titles), one line each.
    pub notes: Vec<String>,
    /// Why the call could not be carried out, if it could not.
    pub error: Option<String>,
    /// Whether Undo was pressed.
    pub undone: bool,
    /// Whether the assistant has been told about the Undo.
    pub undo_reported: bool,
}

impl ToolCard {
    /// Builds the card for an applied call.
    pub fn from_call(call: &AppliedCall) -> Self {
        let mut changes = Vec::new();
        let mut notes = Vec::new();
        for effect in &call.effects {
            match effect {
                Effect::SetParam { id, from, to } => changes.push(ParamChange {
                    id,
                    from: *from,
                    to: *to,
                }),
                other => notes.push(other.to_string()),
            }
        }
        Self {
            tool: call.call.tool.clone(),
            changes,
            notes,
            error: call.error.clone(),
            undone: false,
            undo_reported: false,
        }
    }

    /// Applies the card's moves (when its turn arrives).
    pub fn apply(&self, params: &mut dyn ParamAccess) {
        for change in &self.changes {
            params.set(change.id, change.to);
        }
    }

    /// Moves every parameter back to its value before the call, last change first.
    pub fn undo(&mut self, params: &mut dyn ParamAccess) {
        if self.undone {
            return;
        }
        for change in self.changes.iter().rev() {
            params.set(change.id, change.from);
        }
        self.undone = true;
    }

    /// Draws the card; `index` keeps the Undo buttons' ids apart.
    pub fn ui(&mut self, ui: &mut egui::Ui, index: usize, params: &mut dyn ParamAccess) {
        let rim = if self.error.is_some() {
            theme::WARN
        } else if self.undone {
            theme::RIM
        } else {
            theme::ACCENT.linear_multiply(0.6)
        };
        egui::Frame::new()
            .fill(theme::CARD)
            .stroke(egui::Stroke::new(1.0, rim))
            .corner_radius(egui::CornerRadius::same(theme::ROUNDING))
            .inner_margin(egui::Margin::symmetric(10, 6))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(tool_title(&self.tool))
                            .size(theme::SMALL_SIZE)
                            .color(theme::TEXT_DIM),
                    );
                    ui.label(RichText::new(self.tool.as_str()).strong());
                    if !self.changes.is_empty() {
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            if self.undone {
                                ui.label(RichText::new("undone").italics());
                            } else {
                                let button = ui.push_id(index, |ui| ui.button("Undo")).inner;
                                // Announced with its tool: the chat may also offer an "Undo"
                                // suggestion, which asks the assistant instead.
                                let label = format!("Undo {}", self.tool);
                                button.widget_info(|| {
                                    egui::WidgetInfo::labeled(egui::Role::Button, true, &label)
                                });
                                if button
                                    .on_hover_text(
                                        "Move these parameters back (the host records it)",
                                    )
                                    .clicked()
                                {
                                    self.undo(params);
                                }
                            }
                        });
                    }
                });
                for change in &self.changes {
                    let text = RichText::new(change.describe()).monospace();
                    ui.label(if self.undone {
                        text.strikethrough()
                    } else {
                        text
                    });
                }
                for note in &self.notes {
                    ui.label(note);
                }
                if let Some(error) = &self.error {
                    ui.label(RichText::new(error).color(theme::WARN));
                }
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_like_the_controls() {
        let change = |id, from, to| ParamChange { id, from, to }.describe();
        assert_eq!(
            change(
                "tune_humanize",
                ParamValue::Float(0.15),
                ParamValue::Float(0.0)
            ),
            "tune_humanize: 15% -> 0%"
        );
        assert_eq!(
            change("mod_pitch", ParamValue::Float(0.0), ParamValue::Float(12.0)),
            "mod_pitch: 0 st -> 12 st"
        );
        assert_eq!(
            change("bypass", ParamValue::Bool(false), ParamValue::Bool(true)),
            "bypass: off -> on"
        );
    }
}
