//! The assistant: where models live and how they are checked (the agent, router and LLM
//! backends build on this).

pub mod model_file;
