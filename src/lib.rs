//! DAiW Music Brain: a vocal plugin (CLAP, VST3, standalone) with an offline assistant inside.
//!
//! This file is the module list and the plugin-format exports only. The domain core is
//! `music`; `dsp` and `assistant` build on it; `editor` draws the window; `plugin` is the glue
//! that nice-plug hosts.

use nice_plug::prelude::*;

pub mod assistant;
pub mod dsp;
pub mod editor;
pub mod music;
pub mod offline;
pub mod params;
pub mod plugin;

pub use plugin::{DaiwPlugin, DaiwVst3Plugin, CLAP_ID, PLUGIN_NAME};

nice_export_clap!(DaiwPlugin);
nice_export_vst3!(DaiwVst3Plugin);
