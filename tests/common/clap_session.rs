//! The setup the playing CLAP tests share: the bundle loaded and one instance made, the
//! project's backing (as if the assistant had made one), parameters found by name, and a host
//! transport that plays.

use clack_host::prelude::PluginEntry;
use daiw::assistant::state::BackingSpec;
use daiw::plugin::state::SavedSession;

use super::{load_bundle, HostTransport, ParamChange, ParamDesc, Plugin, RunOptions};

/// One plugin instance from the bundle and its parameter list. The instance goes before the
/// entry that made it (fields drop in order).
pub struct Session {
    /// The instance.
    pub plugin: Plugin,
    /// Its parameters, as `clap.params` lists them.
    pub params: Vec<ParamDesc>,
    /// The loaded bundle, kept while the instance lives.
    entry: PluginEntry,
}

impl Session {
    /// Loads the bundle and makes an instance; `backing` becomes the project's backing.
    pub fn open(backing: Option<BackingSpec>) -> Self {
        let entry = load_bundle();
        let mut plugin = Plugin::new(&entry);
        let params = plugin.parameters();
        if backing.is_some() {
            let saved = SavedSession {
                backing,
                ..SavedSession::default()
            };
            let value = serde_json::to_value(&saved).expect("the session is JSON");
            plugin.load_state_with_field("session", &value);
        }
        Self {
            plugin,
            params,
            entry,
        }
    }

    /// The parameter called `name` (fails naming it when there is none).
    pub fn param(&self, name: &str) -> &ParamDesc {
        self.params
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no parameter {name}"))
    }

    /// `name` set to the CLAP value `value` from the first sample.
    pub fn set(&self, name: &str, value: f64) -> ParamChange {
        ParamChange {
            sample: 0,
            param_id: self.param(name).id,
            value,
        }
    }

    /// `name` set to the position `normalized` (0..1) of its range from the first sample.
    pub fn set_normalized(&self, name: &str, normalized: f64) -> ParamChange {
        self.set(name, self.param(name).value_at(normalized))
    }
}

/// A host transport playing from the first beat at `tempo` BPM, paced like a sound card when
/// `real_time`.
pub fn playing(tempo: f64, real_time: bool) -> RunOptions {
    RunOptions {
        transport: Some(HostTransport {
            tempo,
            start_beat: 0.0,
            playing: true,
            loop_beats: None,
        }),
        real_time,
    }
}
