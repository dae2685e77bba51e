//! Offline processing for the command line: WAV files in and out, rendering through the same
//! `VoiceChain` the plugin runs, and pitch analysis.

pub mod analyze;
pub mod cli;
pub mod render;
pub mod render_chords;
pub mod wav;
