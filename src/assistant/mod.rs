//! The assistant: an offline agent that turns requests into validated tool calls. A
//! deterministic router reads clear commands; a language model (embedded llama.cpp under a
//! grammar, an OpenAI-compatible server, or none) handles the rest. Effects are data; the
//! plugin and the CLI apply them their own way.

pub mod agent;
pub mod cli;
pub mod config;
pub mod descriptors;
pub mod embedded;
pub mod gguf;
pub mod grammar;
pub mod http;
pub mod http_answer;
pub mod listening;
pub mod llm;
pub mod memory;
pub mod model_check;
pub mod model_file;
pub mod music_bridge;
pub mod prefix_cache;
pub mod presets;
pub mod priority;
pub mod prompt;
pub mod reply;
pub mod router;
pub mod speech;
pub mod state;
pub mod tools;
pub mod understand;
pub mod worker;
