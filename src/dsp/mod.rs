//! Audio-thread code only. Every unit is a plain struct: `prepare(sample_rate, ...)` may
//! allocate, `clear()` forgets all state in place (a host's reset), `process` never allocates,
//! locks nothing and cannot panic on any input.

pub mod backing_player;
pub mod backing_voice;
pub mod biquad;
pub mod correction;
mod fast_math;
pub mod formant_envelope;
pub mod formant_filter;
pub mod harmony;
pub mod history;
pub mod lag_lanes;
pub mod level_match;
pub mod live_notes;
pub mod live_onsets;
pub mod lookahead_delay;
pub mod lpc;
pub mod modulation;
pub mod noise;
pub mod noise_loop;
pub mod output_stage;
pub mod pitch_detector;
pub mod pitch_marks;
pub mod presets;
pub mod psola;
pub mod sanitize;
pub mod smoother;
pub mod synthetic_singer;
pub mod tonality;
pub mod voice_chain;
pub mod voice_settings;
mod wide;

pub use output_stage::OutputStage;
pub use voice_chain::{AnalysisFrame, VoiceChain, VoiceSettings};
