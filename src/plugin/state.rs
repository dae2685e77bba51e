//! What a plugin instance saves in the host's project besides its parameters: the conversation
//! (bounded), the agent's memory of it, the current backing and the song intent. The host
//! reads and writes it through nice-plug's persistent-field hook; every write from the host
//! bumps a generation counter so the window and the audio side know to pick it up.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use nice_plug::params::persist::PersistentField;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::assistant::memory::ChatHistory;
use crate::assistant::state::BackingSpec;

/// At most this many chat entries are kept in the project (oldest dropped first).
pub const MAX_SAVED_ENTRIES: usize = 200;
/// At most this many messages of the agent's memory are kept in the project.
pub const MAX_SAVED_MESSAGES: usize = 60;

/// One entry of the chat as saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SavedEntry {
    /// What the user typed.
    User {
        /// The words.
        text: String,
    },
    /// The assistant's reply.
    Assistant {
        /// The words.
        text: String,
    },
    /// A tool card, as the lines it showed.
    Card {
        /// The tool.
        tool: String,
        /// Before -> after lines and other results.
        lines: Vec<String>,
        /// Why it failed, if it did.
        #[serde(default)]
        error: Option<String>,
        /// Whether it had been undone.
        #[serde(default)]
        undone: bool,
    },
    /// A notice.
    Notice {
        /// The words.
        text: String,
    },
    /// An error.
    Error {
        /// The words.
        text: String,
    },
}

impl SavedEntry {
    /// Shortens the entry's text (every line of a card) to at most `max_chars` characters;
    /// says whether anything was cut.
    pub fn truncate_text(&mut self, max_chars: usize) -> bool {
        let mut cut = false;
        let mut shorten = |text: &mut String| {
            if let Some((byte, _)) = text.char_indices().nth(max_chars) {
                text.truncate(byte);
                cut = true;
            }
        };
        match self {
            SavedEntry::User { text }
            | SavedEntry::Assistant { text }
            | SavedEntry::Notice { text }
            | SavedEntry::Error { text } => shorten(text),
            SavedEntry::Card {
                tool, lines, error, ..
            } => {
                shorten(tool);
                lines.iter_mut().for_each(&mut shorten);
                if let Some(error) = error {
                    shorten(error);
                }
            }
        }
        cut
    }
}

/// The song intent the conversation is working on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedIntent {
    /// Its title.
    pub title: String,
    /// Where it was written.
    pub path: PathBuf,
    /// The file's JSON, so the project restores it even if the file is gone.
    #[serde(default)]
    pub content: Option<serde_json::Value>,
}

/// Everything an instance saves besides parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedSession {
    /// Format version.
    #[serde(default)]
    pub version: u32,
    /// The chat as shown, oldest first.
    #[serde(default)]
    pub entries: Vec<SavedEntry>,
    /// The agent's memory (what the model sees of earlier turns).
    #[serde(default)]
    pub memory: Option<ChatHistory>,
    /// The backing playing, if one was made.
    #[serde(default)]
    pub backing: Option<BackingSpec>,
    /// The current song intent.
    #[serde(default)]
    pub intent: Option<SavedIntent>,
}

impl SavedSession {
    /// Drops the oldest entries and messages beyond the limits.
    pub fn bound(&mut self) {
        if self.entries.len() > MAX_SAVED_ENTRIES {
            let extra = self.entries.len() - MAX_SAVED_ENTRIES;
            self.entries.drain(..extra);
        }
        if let Some(memory) = &mut self.memory {
            if memory.messages.len() > MAX_SAVED_MESSAGES {
                let extra = memory.messages.len() - MAX_SAVED_MESSAGES;
                memory.messages.drain(..extra);
            }
        }
    }
}

/// The persistent field: the saved session plus a counter of host writes.
#[derive(Debug, Default)]
pub struct SessionStore {
    data: Mutex<SavedSession>,
    /// Bumped on every write by the host (a project or preset loaded).
    loaded: AtomicU64,
}

impl SessionStore {
    /// A copy of what is stored.
    pub fn get(&self) -> SavedSession {
        self.data.lock().clone()
    }

    /// Changes the stored session (GUI thread; the host reads it when it saves).
    pub fn modify(&self, f: impl FnOnce(&mut SavedSession)) {
        let mut data = self.data.lock();
        f(&mut data);
        data.bound();
    }

    /// How many times the host has written a state (compare to notice a new one).
    pub fn loads(&self) -> u64 {
        self.loaded.load(Ordering::Acquire)
    }
}

impl<'a> PersistentField<'a, SavedSession> for SessionStore {
    fn set(&self, mut new_value: SavedSession) {
        // Whatever a host or a project file holds is made safe before anyone reads it.
        let home = crate::assistant::model_file::daiw_home();
        for repair in super::state_repair::repair_session(&mut new_value, &home) {
            nice_plug::nice_warn!("DAiW state repaired: {repair}");
        }
        *self.data.lock() = new_value;
        self.loaded.fetch_add(1, Ordering::Release);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&SavedSession) -> R,
    {
        f(&self.data.lock())
    }
}

/// The parameters hold the store in an `Arc` so the window's session can share it.
impl<'a> PersistentField<'a, SavedSession> for Arc<SessionStore> {
    fn set(&self, new_value: SavedSession) {
        PersistentField::set(self.as_ref(), new_value);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&SavedSession) -> R,
    {
        PersistentField::map(self.as_ref(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json_and_stays_bounded() {
        let store = SessionStore::default();
        store.modify(|s| {
            for i in 0..(MAX_SAVED_ENTRIES + 50) {
                s.entries.push(SavedEntry::User {
                    text: format!("message {i}"),
                });
            }
            s.backing = Some(BackingSpec::default());
        });
        let json = PersistentField::map(&store, serde_json::to_string).expect("json");
        let back: SavedSession = serde_json::from_str(&json).expect("parses");
        assert_eq!(back.entries.len(), MAX_SAVED_ENTRIES);
        assert_eq!(
            back.entries[0],
            SavedEntry::User {
                text: "message 50".into()
            }
        );
        let before = store.loads();
        PersistentField::set(&store, back.clone());
        assert_eq!(store.loads(), before + 1);
        assert_eq!(store.get(), back);
        // Older or foreign states: missing fields default, never an error.
        let old: SavedSession = serde_json::from_str("{}").expect("empty state");
        assert_eq!(old, SavedSession::default());
    }
}
