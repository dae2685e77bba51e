//! The assistant's memory: the conversation, suggested names and chosen presets, saved as
//! JSON under `~/.daiw/chat_history/`.
//!
//! The file is never lost: a file that cannot be read or is not valid history (not UTF-8, not
//! JSON, the wrong shape) is moved aside under a new name that never replaces another file, and
//! the user is told where; if it cannot be moved, the conversation is not saved at all. Writes
//! go to a temporary file in the same folder, then replace the history in one rename. Several
//! processes may talk as one persona (two `daiw chatbot`s): every read-merge-write holds an
//! advisory lock on `NAME.lock`, and a save re-reads the file and adds only this process's new
//! messages, so nobody's turns are lost.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::llm::{ChatMessage, Role};
use super::tools::ToolCall;

/// How long a save waits for another process's save of the same persona: a save takes
/// milliseconds, so a lock held this long belongs to a process that hangs.
const LOCK_WAIT: Duration = Duration::from_secs(10);
/// Pause between tries to take a busy lock.
const LOCK_RETRY: Duration = Duration::from_millis(20);
/// Names tried for one moved-aside or temporary file before giving up: each try has a new
/// counter value, so only a folder full of our own names exhausts them.
const NAME_TRIES: u64 = 1000;

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
    /// The lock shared with other processes could not be taken.
    #[error("could not save the chat history to {path}: its lock {lock} {reason}")]
    Lock {
        /// The history file.
        path: PathBuf,
        /// The lock file.
        lock: PathBuf,
        /// What happened.
        reason: String,
    },
    /// The file on disk became invalid and could not be moved aside, so it is left alone.
    #[error("{0}")]
    NotSaved(String),
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
    /// An error message shown in the assistant's place (the model failed or nobody could
    /// answer): kept for the record, never shown to the model as its own words.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub failed: bool,
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

/// How much of the history is already in the file: what a save adds is everything after.
#[derive(Debug, Clone, Default, PartialEq)]
struct Saved {
    messages: usize,
    names: usize,
    presets: usize,
    intent_path: Option<PathBuf>,
}

impl Saved {
    fn of(history: &ChatHistory) -> Self {
        Self {
            messages: history.messages.len(),
            names: history.names.len(),
            presets: history.presets.len(),
            intent_path: history.intent_path.clone(),
        }
    }
}

/// The history file of one conversation and what happened when it was opened.
#[derive(Debug)]
pub struct Memory {
    /// Empty when the conversation is not saved (no file, or a bad file that stays put).
    path: PathBuf,
    /// The remembered conversation.
    pub history: ChatHistory,
    /// A message for the user about loading (corrupt file moved aside), if any.
    pub notice: Option<String>,
    saved: Saved,
}

/// Seconds since 1970 (0 if the clock is before it).
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A process-wide counter for unique file names (with the time and the process id).
fn next_unique() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// What is on disk for a history file.
enum OnDisk {
    Missing,
    Valid(ChatHistory),
    /// Unreadable or not valid history: what is wrong, as "was corrupt (...)" or "could not
    /// be read (...)".
    Invalid(String),
}

fn read_disk(path: &Path) -> OnDisk {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return OnDisk::Missing,
        Err(err) => return OnDisk::Invalid(format!("could not be read ({err})")),
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return OnDisk::Invalid("was corrupt (it is not UTF-8 text)".into());
    };
    match serde_json::from_str::<ChatHistory>(text) {
        Ok(history) => OnDisk::Valid(history),
        Err(err) => OnDisk::Invalid(format!("was corrupt ({err})")),
    }
}

/// An advisory lock (`flock`) on a persona's `NAME.lock`, released when dropped. Only our own
/// processes take it; it orders their read-merge-write cycles.
struct PersonaLock {
    _file: File,
}

impl PersonaLock {
    fn take(lock: &Path) -> Result<Self, String> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(lock)
            .map_err(|e| format!("cannot be opened ({e})"))?;
        let started = Instant::now();
        loop {
            // SAFETY: flock on a descriptor `file` owns and keeps open; no pointers.
            let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            if rc == 0 {
                return Ok(Self { _file: file });
            }
            let err = std::io::Error::last_os_error();
            match err.kind() {
                std::io::ErrorKind::Interrupted => continue,
                std::io::ErrorKind::WouldBlock if started.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(LOCK_RETRY)
                }
                std::io::ErrorKind::WouldBlock => {
                    return Err(format!(
                        "is held by another process for more than {} s",
                        LOCK_WAIT.as_secs()
                    ))
                }
                _ => return Err(format!("cannot be taken ({err})")),
            }
        }
    }
}

/// Moves `path` to `STEM.corrupt-TIME-PID-N.json` beside it and returns the new name. The
/// new name is first created exclusively (so no other file is ever replaced), then the rename
/// replaces only that empty placeholder.
fn move_aside(path: &Path, stem: &str) -> std::io::Result<PathBuf> {
    let (time, pid) = (now_secs(), std::process::id());
    for _ in 0..NAME_TRIES {
        let aside = path.with_file_name(format!(
            "{stem}.corrupt-{time}-{pid}-{}.json",
            next_unique()
        ));
        match OpenOptions::new().write(true).create_new(true).open(&aside) {
            Ok(_) => {}
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(err),
        }
        return match std::fs::rename(path, &aside) {
            Ok(()) => Ok(aside),
            Err(err) => {
                let _ = std::fs::remove_file(&aside);
                Err(err)
            }
        };
    }
    Err(std::io::Error::other("no free name to move it to"))
}

/// Writes `text` to `path` through a temporary file created exclusively in the same folder,
/// flushed to disk, then renamed over `path`, so a crash leaves the old file or the new one.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pid = std::process::id();
    for _ in 0..NAME_TRIES {
        let tmp = path.with_file_name(format!(".{name}.{pid}-{}.tmp", next_unique()));
        let mut file = match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => file,
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(err),
        };
        let written = file
            .write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .and_then(|()| std::fs::rename(&tmp, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        // The rename itself is durable once the folder is flushed too (best effort).
        if let Some(dir) = path.parent() {
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        return written;
    }
    Err(std::io::Error::other("no free name for a temporary file"))
}

impl Memory {
    /// The history folder inside the DAiW home.
    pub fn dir(home: &Path) -> PathBuf {
        home.join("chat_history")
    }

    /// A conversation kept in memory only: nothing is read or written (`daiw plan`, and the
    /// plugin, which keeps each instance's conversation in its project).
    pub fn detached() -> Self {
        Self {
            path: PathBuf::new(),
            history: ChatHistory::default(),
            notice: None,
            saved: Saved::default(),
        }
    }

    /// Opens (or starts) the conversation `name` in `home`'s history folder. A file that is not
    /// valid history is moved to `NAME.corrupt-TIME-PID-N.json` and reported in `notice`; one
    /// that cannot be moved is left as it is and this conversation is not saved.
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
        let dir = Self::dir(home);
        let mut memory = Self::detached();
        memory.path = dir.join(format!("{safe}.json"));
        if !dir.exists() {
            return memory;
        }
        // Reading needs no lock (files are replaced whole), but moving a bad file aside does:
        // another process may be writing a good one in its place. Without the lock (it cannot
        // be made), moving aside is still safe since it never replaces anything.
        let _lock = PersonaLock::take(&memory.lock_path()).ok();
        match read_disk(&memory.path) {
            OnDisk::Missing => {}
            OnDisk::Valid(history) => {
                memory.saved = Saved::of(&history);
                memory.history = history;
            }
            OnDisk::Invalid(problem) => {
                let shown = memory.path.display().to_string();
                match move_aside(&memory.path, &safe) {
                    Ok(aside) => {
                        memory.notice = Some(format!(
                            "the chat history {shown} {problem}; it was moved to {} and a new \
                             conversation started",
                            aside.display()
                        ))
                    }
                    Err(err) => {
                        memory.notice = Some(format!(
                            "the chat history {shown} {problem} and could not be moved aside \
                             ({err}); it is left as it is, so this conversation is not saved"
                        ));
                        memory.path = PathBuf::new();
                    }
                }
            }
        }
        memory
    }

    /// The file this conversation is saved in (empty when it is not saved).
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock_path(&self) -> PathBuf {
        self.path.with_extension("lock")
    }

    /// Replaces the remembered conversation (a plugin instance restoring its project); what
    /// it holds counts as saved already.
    pub fn replace(&mut self, history: ChatHistory) {
        self.saved = Saved::of(&history);
        self.history = history;
    }

    /// Adds a message.
    pub fn push(&mut self, role: Role, content: impl Into<String>, calls: Vec<ToolCall>) {
        self.history.messages.push(HistoryEntry {
            role,
            content: content.into(),
            calls,
            at: now_secs(),
            failed: false,
        });
    }

    /// Adds a failed turn: the user's words and the error shown instead of an answer, marked
    /// so the model never sees the error as something it said.
    pub fn push_failed(&mut self, user: impl Into<String>, error: impl Into<String>) {
        self.push(Role::User, user, Vec::new());
        self.history.messages.push(HistoryEntry {
            role: Role::Assistant,
            content: error.into(),
            calls: Vec::new(),
            at: now_secs(),
            failed: true,
        });
    }

    /// The last `turns` exchanges as the model saw them: the user's words and the
    /// assistant's compact JSON answer. Failed turns are left out.
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
                i -= 2;
                if assistant.failed {
                    continue;
                }
                let answer = match assistant.calls.first() {
                    Some(call) => serde_json::to_string(call).unwrap_or_default(),
                    None => serde_json::json!({"reply": assistant.content}).to_string(),
                };
                out.push(ChatMessage::new(Role::Assistant, answer));
                out.push(ChatMessage::new(Role::User, user.content.clone()));
                pairs += 1;
            } else {
                i -= 1;
            }
        }
        out.reverse();
        out
    }

    /// `base` (the file as it is now) with what this conversation added since it was opened
    /// or last saved: new messages, names and presets after it, a changed intent over it.
    fn with_news(&self, mut base: ChatHistory) -> ChatHistory {
        let (h, saved) = (&self.history, &self.saved);
        base.messages
            .extend_from_slice(h.messages.get(saved.messages..).unwrap_or_default());
        base.names
            .extend_from_slice(h.names.get(saved.names..).unwrap_or_default());
        base.presets
            .extend_from_slice(h.presets.get(saved.presets..).unwrap_or_default());
        if h.intent_path != saved.intent_path {
            base.intent_path = h.intent_path.clone();
        }
        base
    }

    /// Saves: under the persona's lock, re-reads the file, adds what this conversation added
    /// since it was opened (or last saved), and writes the result atomically. The merged
    /// history (with other processes' turns) becomes this conversation's. Returns a message
    /// for the user when the file on disk had become unusable and was moved aside.
    pub fn save(&mut self) -> Result<Option<String>, MemoryError> {
        if self.path.as_os_str().is_empty() {
            return Ok(None);
        }
        let path = self.path.clone();
        let write = |source| MemoryError::Write {
            path: path.clone(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(write)?;
        }
        let lock = self.lock_path();
        let _lock = PersonaLock::take(&lock).map_err(|reason| MemoryError::Lock {
            path: path.clone(),
            lock,
            reason,
        })?;
        let mut notice = None;
        let mut merged = match read_disk(&path) {
            // A file removed by hand means a fresh start: only what is new goes in.
            OnDisk::Missing => self.with_news(ChatHistory::default()),
            OnDisk::Valid(history) => self.with_news(history),
            OnDisk::Invalid(problem) => {
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let aside = move_aside(&path, &stem).map_err(|err| {
                    MemoryError::NotSaved(format!(
                        "the chat history {} {problem} when saving and could not be moved aside \
                         ({err}); it is left as it is and this conversation is not saved",
                        path.display()
                    ))
                })?;
                notice = Some(format!(
                    "the chat history {} {problem} when saving; it was moved to {}",
                    path.display(),
                    aside.display()
                ));
                // Nothing to merge with: this process's whole conversation is the best copy.
                self.history.clone()
            }
        };
        merged.version = 1;
        let text =
            serde_json::to_string_pretty(&merged).map_err(|e| write(std::io::Error::other(e)))?;
        write_atomically(&path, &text).map_err(write)?;
        self.saved = Saved::of(&merged);
        self.history = merged;
        Ok(notice)
    }
}

#[cfg(test)]
mod tests;
