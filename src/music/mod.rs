//! The music brain: pure domain code (theory, song intent, backing patterns) with no plugin,
//! thread or GUI types, so the plugin, the assistant and the CLI can all share it.

pub mod theory;
