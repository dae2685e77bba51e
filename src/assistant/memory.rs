//! The assistant's memory: the conversation, suggested names and chosen presets, saved as
//! JSON under `~/.daiw/chat_history/`. A corrupt file is moved aside, never overwritten.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::llm::{ChatMessage, Role};
use super::tools::ToolCall;

/// Problems saving the history (loading problems are messages, not errors).
#[derive(Debug, Error)]
pub enum MemoryError {
    /// The file or folder could not be written.
    #[error("could not save the chat history to {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// One message in the saved conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Who said it.
    pub role: Role,
    /// What was shown.
    pub content: String,
    /// Tool calls the assistant made in this message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<ToolCall>,
    /// Seconds since 1970.
    #[serde(default)]
    pub at: u64,
}

/// Everything remembered between sessions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatHistory {
    /// File format version.
    #[serde(default)]
    pub version: u32,
    /// The conversation, oldest first.
    #[serde(default)]
    pub messages: Vec<HistoryEntry>,
    /// Song titles suggested so far.
    #[serde(default)]
    pub names: Vec<String>,
    /// Presets chosen, most recent last.
    #[serde(default)]
    pub presets: Vec<String>,
    /// The current song intent file.
    #[serde(default)]
    pub intent_path: Option<PathBuf>,
}

/// The history file of one conversation and what happened when it was opened.
#[derive(Debug)]
pub struct Memory {
    path: PathBuf,
    /// The remembered conversation.
    pub history: ChatHistory,
    /// A message for the user about loading (corrupt file moved aside), if any.
    pub notice: Option<String>,
}

/// Seconds since 1970 (0 if the clock is before it).
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Memory {
    /// The history folder inside the DAiW home.
    pub fn dir(home: &Path) -> PathBuf {
        home.join("chat_history")
    }

    /// Opens (or starts) the conversation `name` in `home`'s history folder. A file that is not
    /// valid history is renamed to `NAME.corrupt-TIME.json` and reported in `notice`.
    pub fn open(home: &Path, name: &str) -> Self {
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = Self::dir(home).join(format!("{safe}.json"));
        let mut memory = Memory {
            path: path.clone(),
            history: ChatHistory::default(),
            notice: None,
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return memory,
            Err(err) => {
                memory.notice = Some(format!(
                    "could not read the chat history {} ({err}); starting a new conversation",
                    path.display()
                ));
                return memory;
            }
        };
        match serde_json::from_str::<ChatHistory>(&text) {
            Ok(history) => memory.history = history,
            Err(err) => {
                let aside = path.with_file_name(format!("{safe}.corrupt-{}.json", now_secs()));
                let moved = std::fs::rename(&path, &aside);
                memory.notice = Some(match &moved {
                    Ok(()) => format!(
                        "the chat history {} was corrupt ({err}); it was moved to {} and a new \
                         conversation started",
                        path.display(),
                        aside.display()
                    ),
                    Err(move_err) => format!(
                        "the chat history {} is corrupt ({err}) and could not be moved aside \
                         ({move_err}); it will not be overwritten, so this conversation is not \
                         saved",
                        path.display()
                    ),
                });
                if moved.is_err() {
                    // Keep the corrupt file intact: point saving at nowhere.
                    memory.path = PathBuf::new();
                }
            }
        }
        memory
    }

    /// The file this conversation is saved in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds a message.
    pub fn push(&mut self, role: Role, content: impl Into<String>, calls: Vec<ToolCall>) {
        self.history.messages.push(HistoryEntry {
            role,
            content: content.into(),
            calls,
            at: now_secs(),
        });
    }

    /// The last `turns` exchanges as the model saw them: the user's words and the
    /// assistant's compact JSON answer.
    pub fn recent_for_model(&self, turns: usize) -> Vec<ChatMessage> {
        if turns == 0 {
            return Vec::new();
        }
        let mut out: Vec<ChatMessage> = Vec::new();
        let mut pairs = 0;
        let msgs = &self.history.messages;
        let mut i = msgs.len();
        while i >= 2 && pairs < turns {
            let (user, assistant) = (&msgs[i - 2], &msgs[i - 1]);
            if user.role == Role::User && assistant.role == Role::Assistant {
                let answer = match assistant.calls.first() {
                    Some(call) => serde_json::to_string(call).unwrap_or_default(),
                    None => serde_json::json!({"reply": assistant.content}).to_string(),
                };
                out.push(ChatMessage::new(Role::Assistant, answer));
                out.push(ChatMessage::new(Role::User, user.content.clone()));
                pairs += 1;
                i -= 2;
            } else {
                i -= 1;
            }
        }
        out.reverse();
        out
    }

    /// Writes the history (to a temporary file first, so a crash never leaves half a file).
    pub fn save(&self) -> Result<(), MemoryError> {
        if self.path.as_os_str().is_empty() {
            return Ok(());
        }
        let write = |source| MemoryError::Write {
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(write)?;
        }
        let mut history = self.history.clone();
        history.version = 1;
        let text =
            serde_json::to_string_pretty(&history).map_err(|e| write(std::io::Error::other(e)))?;
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(write)?;
        std::fs::rename(&tmp, &self.path).map_err(write)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistant::tools::ToolName;

    fn temp_home(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("daiw-memory-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn saves_and_reloads() {
        let home = temp_home("roundtrip");
        let mut m = Memory::open(&home, "default");
        assert!(m.notice.is_none());
        m.push(Role::User, "tune me to A minor", vec![]);
        m.push(
            Role::Assistant,
            "Tuned.",
            vec![ToolCall::new(
                ToolName::VoiceTune,
                serde_json::json!({"key": "A"}),
            )],
        );
        m.history.names.push("Golden Hour".into());
        m.save().expect("save");
        let again = Memory::open(&home, "default");
        assert_eq!(again.history.messages.len(), 2);
        assert_eq!(again.history.names, vec!["Golden Hour".to_string()]);
        let recent = again.recent_for_model(2);
        assert_eq!(recent.len(), 2);
        assert_eq!(recent[0].role, Role::User);
        assert!(recent[1].content.contains("voice_tune"));
    }

    #[test]
    fn corrupt_files_are_moved_aside() {
        let home = temp_home("corrupt");
        let dir = Memory::dir(&home);
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("default.json"), "{ not json").expect("write");
        let m = Memory::open(&home, "default");
        let notice = m.notice.clone().expect("notice");
        assert!(notice.contains("corrupt"), "{notice}");
        assert!(m.history.messages.is_empty());
        let aside: Vec<_> = std::fs::read_dir(&dir)
            .expect("list")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("corrupt"))
            .collect();
        assert_eq!(aside.len(), 1);
        let kept = std::fs::read_to_string(aside[0].path()).expect("read");
        assert_eq!(kept, "{ not json", "the corrupt content is kept as it was");
        m.save().expect("save fresh");
    }
}
