//! The music brain: pure domain code (theory, song intent, backing patterns) with no plugin,
//! thread or GUI types, so the plugin, the assistant and the CLI can all share it.

pub mod backing;
pub mod cli;
pub mod data;
pub mod intent;
pub mod listen;
pub mod midi;
pub mod plan;
pub mod rng;
pub mod synth;
pub mod theory;
pub mod titles;
