//! The session's side of the plugin state: the chat and the backing written into the saved
//! session as they change, and everything taken back when the host loads a project (a song
//! intent's file written back only inside the DAiW home).

use crate::assistant::worker::Request;
use crate::plugin::state_repair::reroot_intent;

use super::super::chat::Entry;
use super::Session;

impl Session {
    /// Writes the chat into the saved state when it has changed shape.
    pub(super) fn save_chat(&mut self) {
        let shape = (
            self.chat.entries.len(),
            self.chat
                .entries
                .iter()
                .filter(|e| matches!(e, Entry::Card(c) if c.undone))
                .count(),
        );
        let streaming = matches!(
            self.chat.entries.last(),
            Some(Entry::Assistant {
                streaming: true,
                ..
            })
        );
        if shape == self.saved_shape || streaming {
            return;
        }
        self.saved_shape = shape;
        let entries = self
            .chat
            .entries
            .iter()
            .filter_map(Entry::to_saved)
            .collect();
        self.store.modify(|s| s.entries = entries);
    }

    /// Writes the backing into the saved state when another one is loaded (from the chat or
    /// the panel's Generate).
    pub(super) fn save_backing(&mut self) {
        let current = self.backing.current.as_ref().map(|(spec, _)| spec);
        if current.is_some() && current != self.saved_backing.as_ref() {
            self.saved_backing = current.cloned();
            let spec = self.saved_backing.clone();
            self.store.modify(|s| s.backing = spec);
        }
    }

    /// Takes over what the host just loaded: the chat, the agent's memory, the backing and
    /// the song intent (its file is written back if it has gone).
    pub(super) fn restore(&mut self) {
        let saved = self.store.get();
        self.chat.entries = saved
            .entries
            .iter()
            .cloned()
            .map(Entry::from_saved)
            .collect();
        self.chat.generating = false;
        self.saved_shape = (usize::MAX, 0);
        let memory = saved.memory.clone().unwrap_or_default();
        match &self.link.worker {
            Some(worker) => worker.send(Request::Restore(Box::new(memory))),
            None => self.memory_for_worker = Some(memory),
        }
        if let Some(spec) = saved.backing {
            let same = self
                .backing
                .current
                .as_ref()
                .is_some_and(|(s, _)| *s == spec);
            if !same {
                match spec.generate() {
                    Ok(pattern) => {
                        self.backing.install(spec, pattern);
                    }
                    Err(e) => self.chat.entries.push(Entry::Error(format!(
                        "the saved backing could not be rebuilt: {e}"
                    ))),
                }
            }
        }
        // What is loaded now is what the state holds (or, if the rebuild failed, what stays).
        self.saved_backing = self.backing.current.as_ref().map(|(spec, _)| spec.clone());
        if let Some(mut intent) = saved.intent {
            // Only a file in this home's intents folder that is gone is written back, and never
            // over anything that exists (not even a link): a project from someone else must not
            // plant files where it names.
            reroot_intent(&mut intent.path, &self.home);
            if let (false, Some(content)) = (intent.path.exists(), &intent.content) {
                let written = intent
                    .path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| write_new_file(&intent.path, content));
                if let Err(e) = written {
                    self.chat.entries.push(Entry::Error(format!(
                        "the song intent '{}' could not be written back to {}: {e}",
                        intent.title,
                        intent.path.display()
                    )));
                }
            }
        }
    }
}

/// Writes `content` as pretty JSON to a file that must not exist yet (created exclusively).
fn write_new_file(path: &std::path::Path, content: &serde_json::Value) -> std::io::Result<()> {
    use std::io::Write;
    let text = serde_json::to_string_pretty(content).map_err(std::io::Error::other)?;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(text.as_bytes())
}
