//! The chat panel: the conversation, the model's status, the input box (Enter sends,
//! Shift+Enter starts a new line) and a Stop button while the assistant is answering. It talks
//! to the assistant through `AssistantPort` and changes parameters through `ParamAccess`, so the
//! UI tests drive it with a scripted assistant and a map of parameters.

use egui::{Color32, Key, KeyboardShortcut, Modifiers, RichText};

use super::theme;

use crate::assistant::worker::{Event, Request};
use crate::plugin::state::SavedEntry;

use super::cards::ToolCard;
use super::param_access::ParamAccess;

/// Most entries the history keeps (the oldest go first), so a long session stays light.
pub const MAX_ENTRIES: usize = 400;

/// Where requests go: the real worker, or a script in tests.
pub trait AssistantPort {
    /// Sends a request without blocking.
    fn send(&mut self, request: Request);
    /// Stops the answer in progress.
    fn cancel(&mut self);
}

/// One line of the conversation.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// What the user typed.
    User(String),
    /// The assistant's words (`streaming` while tokens still arrive).
    Assistant {
        /// The text so far.
        text: String,
        /// Whether more tokens are expected.
        streaming: bool,
    },
    /// A tool call and what it changed.
    Card(ToolCard),
    /// A status notice (history loaded, model state changes).
    Notice(String),
    /// A problem, shown in red.
    Error(String),
}

/// The language model's state, as the status line shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelStatus {
    /// The worker has not been started (the window never opened).
    NotStarted,
    /// The worker is loading the model.
    Loading,
    /// The model (or server) answers; the text names it.
    Ready(String),
    /// No model: the reason; clear commands still go through the router.
    Unavailable(String),
}

impl ModelStatus {
    /// The status line's text and colour.
    fn line(&self) -> (String, Color32) {
        match self {
            ModelStatus::NotStarted => ("assistant not started".into(), Color32::GRAY),
            ModelStatus::Loading => (
                match crate::assistant::embedded::load_progress() {
                    Some(p) => format!(
                        "loading the model: {:.0} %... clear commands work already",
                        p * 100.0
                    ),
                    None => "loading the model... clear commands work already".into(),
                },
                theme::WAIT,
            ),
            ModelStatus::Ready(what) => (what.clone(), theme::OK),
            ModelStatus::Unavailable(why) => {
                // Say what to do, unless the reason already does.
                let fix = if why.contains("daiw model fetch") {
                    ""
                } else {
                    "; run `daiw model fetch` to install the default model"
                };
                (
                    format!(
                        "no language model ({why}). Clear commands (keys, scales, \"robot\", \
                         \"undo\") still work{fix}."
                    ),
                    theme::WARN,
                )
            }
        }
    }
}

/// Most of the panel's width a bubble takes: the other side shows whose turn it is.
const BUBBLE_SHARE: f32 = 0.86;

/// One message as a bubble: the user's on the right, the assistant's on the left; the text is
/// selectable (copyable) and announced as "You: ..." / "DAiW: ...".
fn bubble(ui: &mut egui::Ui, who: &str, text: &str, streaming: bool, mine: bool) {
    let layout = if mine {
        egui::Layout::top_down(egui::Align::Max)
    } else {
        egui::Layout::top_down(egui::Align::Min)
    };
    let max_width = ui.available_width() * BUBBLE_SHARE;
    ui.with_layout(layout, |ui| {
        egui::Frame::new()
            .fill(if mine {
                theme::BUBBLE_USER
            } else {
                theme::BUBBLE_ASSISTANT
            })
            .corner_radius(egui::CornerRadius::same(theme::ROUNDING))
            .inner_margin(egui::Margin::symmetric(10, 6))
            .show(ui, |ui| {
                ui.set_max_width(max_width);
                ui.label(
                    RichText::new(who)
                        .size(theme::SMALL_SIZE)
                        .color(theme::TEXT_DIM),
                );
                let shown = if streaming {
                    format!("{text} ...")
                } else {
                    text.to_string()
                };
                let label = ui.add(egui::Label::new(shown).selectable(true).wrap());
                label.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Label, true, format!("{who}: {text}"))
                });
            });
    });
}

/// Everything the chat panel shows and keeps between frames (and between window openings).
#[derive(Debug, Clone)]
pub struct ChatState {
    /// The conversation, oldest first.
    pub entries: Vec<Entry>,
    /// The text being typed.
    pub input: String,
    /// Whether an answer is in progress.
    pub generating: bool,
    /// The model's state.
    pub status: ModelStatus,
}

impl Default for ChatState {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            input: String::new(),
            generating: false,
            status: ModelStatus::NotStarted,
        }
    }
}

impl Entry {
    /// The entry as the plugin state saves it (`None` for text still streaming).
    pub fn to_saved(&self) -> Option<SavedEntry> {
        Some(match self {
            Entry::User(text) => SavedEntry::User { text: text.clone() },
            Entry::Assistant {
                streaming: true, ..
            } => return None,
            Entry::Assistant { text, .. } => SavedEntry::Assistant { text: text.clone() },
            Entry::Card(card) => SavedEntry::Card {
                tool: card.tool.clone(),
                lines: card
                    .changes
                    .iter()
                    .map(|c| c.describe())
                    .chain(card.notes.iter().cloned())
                    .collect(),
                error: card.error.clone(),
                undone: card.undone,
            },
            Entry::Notice(text) => SavedEntry::Notice { text: text.clone() },
            Entry::Error(text) => SavedEntry::Error { text: text.clone() },
        })
    }

    /// An entry restored from the plugin state. Restored cards show what they did but have
    /// no Undo: the host's own undo history covers earlier sessions.
    pub fn from_saved(saved: SavedEntry) -> Self {
        match saved {
            SavedEntry::User { text } => Entry::User(text),
            SavedEntry::Assistant { text } => Entry::Assistant {
                text,
                streaming: false,
            },
            SavedEntry::Card {
                tool,
                lines,
                error,
                undone,
            } => Entry::Card(ToolCard {
                tool,
                changes: Vec::new(),
                notes: lines,
                error,
                undo_reported: true,
                undone,
            }),
            SavedEntry::Notice { text } => Entry::Notice(text),
            SavedEntry::Error { text } => Entry::Error(text),
        }
    }
}

impl ChatState {
    /// Adds an entry, dropping the oldest past `MAX_ENTRIES`.
    fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
        if self.entries.len() > MAX_ENTRIES {
            let extra = self.entries.len() - MAX_ENTRIES;
            self.entries.drain(..extra);
        }
    }

    /// Sends the typed text (trimmed; empty text and a busy assistant send nothing).
    pub fn send_input(&mut self, port: &mut dyn AssistantPort) -> bool {
        let text = self.input.trim().to_string();
        if text.is_empty() || self.generating {
            return false;
        }
        self.input.clear();
        self.push(Entry::User(text.clone()));
        self.generating = true;
        port.send(Request::Message(text));
        true
    }

    /// Takes in one worker event: streams text, applies a finished turn's parameter moves
    /// through `params` and adds a card per call.
    pub fn handle_event(&mut self, event: Event, params: &mut dyn ParamAccess) {
        match event {
            Event::Token(token) => match self.entries.last_mut() {
                Some(Entry::Assistant {
                    text,
                    streaming: true,
                }) => text.push_str(&token),
                _ => self.push(Entry::Assistant {
                    text: token,
                    streaming: true,
                }),
            },
            Event::Turn(turn) => {
                // The finished reply replaces the streamed text: streamed tokens may be the
                // model's raw answer, the reply is what it means.
                if let Some(Entry::Assistant {
                    streaming: true, ..
                }) = self.entries.last()
                {
                    self.entries.pop();
                }
                for call in &turn.calls {
                    let card = ToolCard::from_call(call);
                    card.apply(params);
                    if card.tool == "undo" {
                        self.mark_undone_by(&card);
                    }
                    self.push(Entry::Card(card));
                }
                if !turn.reply.trim().is_empty() {
                    self.push(Entry::Assistant {
                        text: turn.reply.clone(),
                        streaming: false,
                    });
                }
                // A failed call's error is already on its card.
                for error in turn.errors {
                    if !turn.calls.iter().any(|c| c.error.as_ref() == Some(&error)) {
                        self.push(Entry::Error(error));
                    }
                }
                self.generating = false;
            }
            Event::Status(text) => {
                if text.starts_with("assistant ready") {
                    self.status = ModelStatus::Ready(text);
                } else {
                    self.push(Entry::Notice(text));
                }
            }
            // The session keeps the memory for the plugin state; nothing to show.
            Event::Memory(_) => {}
            Event::Error(text) => {
                if self.status == ModelStatus::Loading {
                    // A model that cannot load is worth a line in the host's log too.
                    nice_plug::nice_warn!("DAiW assistant: the model is not available: {text}");
                    self.status = ModelStatus::Unavailable(text);
                } else {
                    self.push(Entry::Error(text));
                }
                self.generating = false;
            }
        }
    }

    /// Draws the panel: status line (with the load progress), history, suggestions, input box
    /// and Send/Stop.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        port: &mut dyn AssistantPort,
        params: &mut dyn ParamAccess,
    ) {
        ui.heading("Assistant");
        let (status, colour) = self.status.line();
        ui.add(
            egui::Label::new(RichText::new(status).color(colour).size(theme::SMALL_SIZE)).wrap(),
        );
        if self.status == ModelStatus::Loading {
            if let Some(p) = crate::assistant::embedded::load_progress() {
                ui.add(egui::ProgressBar::new(p).desired_height(6.0));
            }
        }
        ui.separator();

        // The input area sits at the bottom; the history takes what is left above it.
        egui::Panel::bottom("chat_input")
            .resizable(false)
            .show(ui, |ui| {
                self.suggestions_ui(ui, port);
                self.input_ui(ui, port)
            });
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .stick_to_bottom(true)
            .show(ui, |ui| self.history_ui(ui, params));
        self.report_undos(port);
    }

    /// Follow-ups that fit the last answer, as one-click messages: the chat's next step is
    /// usually "undo", "more of that" or a neighbouring effect.
    pub fn suggestions(&self) -> Vec<&'static str> {
        if self.generating {
            return Vec::new();
        }
        // The last answer's card: only entries after the last message count.
        let mut last_card = None;
        for entry in self.entries.iter().rev() {
            match entry {
                Entry::Card(card) => {
                    last_card = Some(card);
                    break;
                }
                Entry::User(_) => break,
                _ => {}
            }
        }
        let answered = matches!(
            self.entries.last(),
            Some(
                Entry::Assistant {
                    streaming: false,
                    ..
                } | Entry::Card(_)
            )
        );
        if !answered {
            return if self.entries.is_empty() {
                vec!["Tune me to A minor", "Make it sound warmer", "Add reverb"]
            } else {
                Vec::new()
            };
        }
        let mut out = Vec::new();
        if let Some(card) = last_card.filter(|c| !c.undone && !c.changes.is_empty()) {
            out.push("Undo");
            match card.tool.as_str() {
                "voice_tune" => out.extend(["Harder", "More natural"]),
                "voice_modulate" => out.extend(["More", "Less", "Add reverb"]),
                "backing_generate" => out.extend(["A bit faster", "Another take"]),
                _ => out.push("Add reverb"),
            }
        } else {
            out.extend(["What are the current settings?", "Add reverb"]);
        }
        out
    }

    /// The suggestion chips; a click sends the text as a message.
    fn suggestions_ui(&mut self, ui: &mut egui::Ui, port: &mut dyn AssistantPort) {
        let suggestions = self.suggestions();
        if suggestions.is_empty() {
            return;
        }
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            for text in suggestions {
                let chip = egui::Button::new(RichText::new(text).size(theme::SMALL_SIZE))
                    .corner_radius(10.0)
                    .fill(theme::CARD);
                if ui
                    .add(chip)
                    .on_hover_text("Send this as a message")
                    .clicked()
                {
                    self.input = text.to_string();
                    self.send_input(port);
                }
            }
        });
    }

    /// The assistant's own "undo" reverted an earlier call: its card shows it as undone (and
    /// loses its Undo button, which would do nothing now).
    fn mark_undone_by(&mut self, undo: &ToolCard) {
        let reverses = |card: &ToolCard| {
            !card.changes.is_empty()
                && card.changes.len() == undo.changes.len()
                && card.changes.iter().all(|c| {
                    undo.changes
                        .iter()
                        .any(|u| u.id == c.id && u.from == c.to && u.to == c.from)
                })
        };
        let earlier = self.entries.iter_mut().rev().find_map(|e| match e {
            Entry::Card(card) if !card.undone && card.tool != "undo" && reverses(card) => {
                Some(card)
            }
            _ => None,
        });
        if let Some(card) = earlier {
            card.undone = true;
            card.undo_reported = true;
        }
    }

    /// Tells the assistant about cards undone with their button, so its own undo skips them.
    pub fn report_undos(&mut self, port: &mut dyn AssistantPort) {
        for entry in &mut self.entries {
            if let Entry::Card(card) = entry {
                if card.undone && !card.undo_reported {
                    card.undo_reported = true;
                    port.send(Request::Undone(
                        card.changes
                            .iter()
                            .map(|c| (c.id.to_string(), c.from, c.to))
                            .collect(),
                    ));
                }
            }
        }
    }

    fn history_ui(&mut self, ui: &mut egui::Ui, params: &mut dyn ParamAccess) {
        if self.entries.is_empty() {
            ui.label(
                RichText::new("Ask in your own words: \"tune me to A minor, hard\", \"up an octave with reverb\", \"a funk backing at 105\".")
                    .italics()
                    .color(theme::TEXT_DIM),
            );
        }
        for (index, entry) in self.entries.iter_mut().enumerate() {
            match entry {
                Entry::User(text) => bubble(ui, "You", text, false, true),
                Entry::Assistant { text, streaming } => bubble(ui, "DAiW", text, *streaming, false),
                Entry::Card(card) => card.ui(ui, index, params),
                Entry::Notice(text) => {
                    ui.add(egui::Label::new(
                        RichText::new(text.as_str())
                            .italics()
                            .size(theme::SMALL_SIZE)
                            .color(theme::TEXT_DIM),
                    ));
                }
                Entry::Error(text) => {
                    ui.add(egui::Label::new(
                        RichText::new(text.as_str()).color(theme::WARN),
                    ));
                }
            }
            ui.add_space(4.0);
        }
    }

    fn input_ui(&mut self, ui: &mut egui::Ui, port: &mut dyn AssistantPort) {
        ui.add_space(4.0);
        let id = egui::Id::unique("daiw_chat_input");
        // Plain Enter sends; the text box only sees Shift+Enter (its newline key below).
        let focused = ui.memory(|m| m.has_focus(id));
        let mut enter = false;
        if focused {
            ui.input_mut(|input| {
                input.events.retain(|event| {
                    let plain_enter = matches!(
                        event,
                        egui::Event::Key { key: Key::Enter, pressed: true, modifiers, .. }
                            if modifiers.is_none()
                    );
                    enter |= plain_enter;
                    !plain_enter
                });
            });
        }
        let edit = egui::TextEdit::multiline(&mut self.input)
            .id(id)
            .hint_text("Type a request... (Enter sends, Shift+Enter for a new line)")
            .desired_rows(2)
            .desired_width(f32::INFINITY)
            .return_key(KeyboardShortcut::new(Modifiers::SHIFT, Key::Enter));
        ui.add(edit);
        ui.horizontal(|ui| {
            if self.generating {
                if ui.button("Stop").clicked() {
                    port.cancel();
                }
                // A static label rather than a spinner: the window already redraws often.
                ui.label(RichText::new("answering...").italics());
            } else if ui.button("Send").clicked() {
                enter = true;
            }
        });
        if enter && self.send_input(port) {
            ui.memory_mut(|m| m.request_focus(id));
        }
        ui.add_space(2.0);
    }
}
