//! Audio-thread code only. Every unit is a plain struct: `reset(sample_rate, max_block)` may
//! allocate, `process` never does, locks nothing and cannot panic on any input.

pub mod biquad;
pub mod history;
pub mod noise;
pub mod output_stage;
pub mod pitch_detector;
pub mod psola;
pub mod sanitize;
pub mod smoother;

pub use output_stage::OutputStage;
