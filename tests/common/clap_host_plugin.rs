//! One plugin instance with the extension handles the tests use: parameters, state, ports,
//! activation, reset, and runs on a dedicated audio thread while this thread acts as the main
//! thread.

use clack_extensions::audio_ports::{
    AudioPortFlags, AudioPortInfoBuffer, AudioPortType, PluginAudioPorts,
};
use clack_extensions::audio_ports_config::{AudioPortsConfigBuffer, PluginAudioPortsConfig};
use clack_extensions::latency::PluginLatency;
use clack_extensions::note_ports::PluginNotePorts;
use clack_extensions::params::{ParamInfoBuffer, PluginParams};
use clack_extensions::state::PluginState;
use clack_host::prelude::*;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant};

use super::audio::{process_on_audio_thread, Events};
use super::handlers::{HostCounters, HostMainThread, HostShared, TestHost};
use super::types::*;
use super::PLUGIN_ID;

/// A plugin instance plus the extension handles the tests use.
pub struct Plugin {
    instance: PluginInstance<TestHost>,
    processor: Option<StoppedPluginAudioProcessor<TestHost>>,
    config: Option<PluginAudioConfiguration>,
    params: PluginParams,
    state: PluginState,
    latency: Option<PluginLatency>,
    audio_ports: PluginAudioPorts,
    audio_ports_config: Option<PluginAudioPortsConfig>,
    note_ports: Option<PluginNotePorts>,
}

impl Plugin {
    /// Instantiates the DAiW plugin from a loaded entry and fetches its extensions.
    pub fn new(entry: &PluginEntry) -> Self {
        let host_info = HostInfo::new(
            "DAiW clap_host test",
            "DAiW",
            "https://daiw.invalid",
            env!("CARGO_PKG_VERSION"),
        )
        .expect("host info strings contain no NUL bytes");
        let instance = PluginInstance::<TestHost>::new(
            |_| HostShared::new(),
            |_| HostMainThread::default(),
            entry,
            PLUGIN_ID,
            &host_info,
        )
        .unwrap_or_else(|e| panic!("failed to instantiate {PLUGIN_ID:?}: {e}"));

        let handle = instance.plugin_shared_handle();
        let params = handle
            .get_extension::<PluginParams>()
            .expect("the plugin must implement clap.params");
        let state = handle
            .get_extension::<PluginState>()
            .expect("the plugin must implement clap.state");
        let audio_ports = handle
            .get_extension::<PluginAudioPorts>()
            .expect("the plugin must implement clap.audio-ports");
        let latency = handle.get_extension::<PluginLatency>();
        let audio_ports_config = handle.get_extension::<PluginAudioPortsConfig>();
        let note_ports = handle.get_extension::<PluginNotePorts>();

        let mut plugin = Self {
            instance,
            processor: None,
            config: None,
            params,
            state,
            latency,
            audio_ports,
            audio_ports_config,
            note_ports,
        };
        plugin.pump_main_thread();
        plugin
    }

    /// Every parameter the plugin exposes, in its order.
    pub fn parameters(&mut self) -> Vec<ParamDesc> {
        let handle = self.instance.plugin_handle();
        let count = self.params.count(&handle);
        (0..count)
            .map(|index| {
                let mut buffer = ParamInfoBuffer::new();
                let info = self
                    .params
                    .get_info(&handle, index, &mut buffer)
                    .unwrap_or_else(|| panic!("params.get_info({index}) failed (count {count})"));
                ParamDesc {
                    id: info.id,
                    name: String::from_utf8_lossy(info.name).into_owned(),
                    module: String::from_utf8_lossy(info.module).into_owned(),
                    min: info.min_value,
                    max: info.max_value,
                    default: info.default_value,
                    flags: info.flags,
                }
            })
            .collect()
    }

    /// The saved state as JSON (nice-plug's CLAP state is a little-endian u64 length, then
    /// the JSON).
    pub fn save_state_json(&mut self) -> serde_json::Value {
        let bytes = self.save_state();
        assert!(bytes.len() > 8, "state too short");
        serde_json::from_slice(&bytes[8..]).expect("state is JSON")
    }

    /// Loads a state given as JSON (see [`Plugin::save_state_json`]).
    pub fn load_state_json(&mut self, state: &serde_json::Value) {
        let json = serde_json::to_vec(state).expect("state bytes");
        let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
        bytes.extend(json);
        self.load_state(&bytes);
    }

    /// Loads the current state with the persisted field `key` replaced by `value` (nice-plug
    /// stores persisted fields as JSON strings).
    pub fn load_state_with_field(&mut self, key: &str, value: &serde_json::Value) {
        let mut state = self.save_state_json();
        let fields = state
            .get_mut("fields")
            .and_then(serde_json::Value::as_object_mut)
            .expect("state has persisted fields");
        fields.insert(key.to_owned(), serde_json::Value::String(value.to_string()));
        self.load_state_json(&state);
    }

    /// Current CLAP value of a parameter, via `params.get_value`.
    pub fn param_value(&mut self, id: ClapId) -> f64 {
        let handle = self.instance.plugin_handle();
        self.params
            .get_value(&handle, id)
            .unwrap_or_else(|| panic!("params.get_value({id}) failed"))
    }

    /// The plugin's display text for a CLAP value, or a marker when it has none.
    pub fn param_text(&mut self, id: ClapId, value: f64) -> String {
        let handle = self.instance.plugin_handle();
        let mut buffer = [0u8; 128];
        match self.params.value_to_text(&handle, id, value, &mut buffer) {
            Ok(text) => String::from_utf8_lossy(text).into_owned(),
            Err(_) => "<no text>".to_owned(),
        }
    }

    /// Serialises the plugin state through `clap.state`.
    pub fn save_state(&mut self) -> Vec<u8> {
        let handle = self.instance.plugin_handle();
        let mut bytes = Vec::new();
        self.state
            .save(&handle, &mut bytes)
            .unwrap_or_else(|e| panic!("state.save failed: {e}"));
        self.pump_main_thread();
        bytes
    }

    /// Offers the plugin any bytes as a state; a refusal is an `Err`, never a panic.
    pub fn try_load_state(&mut self, bytes: &[u8]) -> Result<(), String> {
        let handle = self.instance.plugin_handle();
        let mut reader = bytes;
        let result = self
            .state
            .load(&handle, &mut reader)
            .map_err(|e| e.to_string());
        self.pump_main_thread();
        result
    }

    /// Restores a state produced by [`Plugin::save_state`].
    pub fn load_state(&mut self, bytes: &[u8]) {
        let handle = self.instance.plugin_handle();
        let mut reader = bytes;
        self.state
            .load(&handle, &mut reader)
            .unwrap_or_else(|e| panic!("state.load of {} bytes failed: {e}", bytes.len()));
        self.pump_main_thread();
    }

    /// The plugin's reported latency in samples (0 when it has no latency extension).
    pub fn latency(&mut self) -> u32 {
        let handle = self.instance.plugin_handle();
        self.latency.map_or(0, |latency| latency.get(&handle))
    }

    /// Audio ports in one direction.
    pub fn audio_ports(&mut self, is_input: bool) -> Vec<AudioPortDesc> {
        let handle = self.instance.plugin_handle();
        let count = self.audio_ports.count(&handle, is_input);
        (0..count)
            .map(|index| {
                let mut buffer = AudioPortInfoBuffer::new();
                let info = self
                    .audio_ports
                    .get(&handle, index, is_input, &mut buffer)
                    .unwrap_or_else(|| {
                        panic!("audio_ports.get({index}, input: {is_input}) failed")
                    });
                AudioPortDesc {
                    channels: info.channel_count,
                    is_main: info.flags.contains(AudioPortFlags::IS_MAIN),
                    port_type: info
                        .port_type
                        .map(|AudioPortType(name)| name.to_string_lossy().into_owned()),
                }
            })
            .collect()
    }

    /// The layouts offered through `clap.audio-ports-config` (empty if unsupported).
    pub fn audio_port_configs(&mut self) -> Vec<PortConfigDesc> {
        let Some(configs) = self.audio_ports_config else {
            return Vec::new();
        };
        let handle = self.instance.plugin_handle();
        let count = configs.count(&handle);
        (0..count)
            .map(|index| {
                let mut buffer = AudioPortsConfigBuffer::new();
                let config = configs
                    .get(&handle, index, &mut buffer)
                    .unwrap_or_else(|| panic!("audio_ports_config.get({index}) failed"));
                PortConfigDesc {
                    id: config.id,
                    name: String::from_utf8_lossy(config.name).into_owned(),
                    main_in: config.main_input.map(|port| port.channel_count),
                    main_out: config.main_output.map(|port| port.channel_count),
                }
            })
            .collect()
    }

    /// Selects an audio port layout; only valid while inactive.
    pub fn select_audio_port_config(&mut self, id: ClapId) {
        assert!(
            self.processor.is_none(),
            "audio port configs can only be selected while the plugin is inactive"
        );
        let configs = self
            .audio_ports_config
            .expect("the plugin must implement clap.audio-ports-config");
        let handle = self.instance.plugin_handle();
        configs
            .select(&handle, id)
            .unwrap_or_else(|e| panic!("audio_ports_config.select({id}) failed: {e}"));
        self.pump_main_thread();
    }

    /// Number of note ports as (inputs, outputs); (0, 0) without the note-ports extension.
    pub fn note_port_counts(&mut self) -> (u32, u32) {
        let Some(note_ports) = self.note_ports else {
            return (0, 0);
        };
        let handle = self.instance.plugin_handle();
        (
            note_ports.count(&handle, true),
            note_ports.count(&handle, false),
        )
    }

    /// Activates for `sample_rate` with blocks of 1..=`max_frames` frames.
    pub fn activate(&mut self, sample_rate: f64, max_frames: usize) {
        let config = PluginAudioConfiguration {
            sample_rate,
            min_frames_count: 1,
            max_frames_count: u32::try_from(max_frames).expect("block size fits in u32"),
        };
        self.activate_with(config);
    }

    fn activate_with(&mut self, config: PluginAudioConfiguration) {
        assert!(self.processor.is_none(), "the plugin is already active");
        let processor = self
            .instance
            .activate(|_, _| (), config)
            .unwrap_or_else(|e| {
                panic!(
                    "activate({} Hz, {}..={} frames) failed: {e}",
                    config.sample_rate, config.min_frames_count, config.max_frames_count
                )
            });
        self.processor = Some(processor);
        self.config = Some(config);
        self.pump_main_thread();
    }

    /// Calls the plugin's `reset` on an audio thread, between runs, as a host does on a
    /// transport jump or before an offline bounce (CLAP: audio thread, active plugin).
    pub fn reset(&mut self) {
        let mut processor = self
            .processor
            .take()
            .expect("activate() the plugin before reset()");
        let processor = thread::scope(|scope| {
            thread::Builder::new()
                .name("clap-audio".to_owned())
                .spawn_scoped(scope, move || {
                    processor.reset();
                    processor
                })
                .expect("failed to spawn the audio thread")
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        self.processor = Some(processor);
        self.pump_main_thread();
    }

    /// Deactivates; a no-op when inactive.
    pub fn deactivate(&mut self) {
        if let Some(processor) = self.processor.take() {
            self.instance.deactivate(processor);
        }
        self.config = None;
        self.pump_main_thread();
    }

    /// What the plugin has told the host so far.
    pub fn host_counters(&self) -> HostCounters {
        let mut counters = self.instance.access_handler(|main| HostCounters {
            param_rescans: main.param_rescans.get(),
            param_clears: main.param_clears.get(),
            latency_changes: main.latency_changes.get(),
            state_dirty_marks: main.state_dirty_marks.get(),
            audio_port_rescans: main.audio_port_rescans.get(),
            ..HostCounters::default()
        });
        self.instance.access_shared_handler(|shared| {
            counters.restarts = shared.restarts.load(Ordering::Acquire);
            counters.error_logs = shared.error_logs.load(Ordering::Acquire);
        });
        counters
    }

    /// Processes the whole signal on a dedicated audio thread, delivering `changes` as
    /// param-value events, while this (main) thread services the plugin's callback requests.
    ///
    /// The plugin must be active with a `max_frames_count` of at least `blocks.max_block()`, and
    /// the signal must have as many channels as the main ports.
    pub fn run(
        &mut self,
        signal: &mut Signal,
        blocks: BlockPattern,
        changes: &[ParamChange],
    ) -> Result<RunStats, String> {
        self.run_with(signal, blocks, changes, RunOptions::default())
    }

    /// [`Plugin::run`] with a transport and optional real-time pacing.
    pub fn run_with(
        &mut self,
        signal: &mut Signal,
        blocks: BlockPattern,
        changes: &[ParamChange],
        options: RunOptions,
    ) -> Result<RunStats, String> {
        self.run_with_notes(signal, blocks, changes, &[], options)
    }

    /// [`Plugin::run_with`] that also plays `notes` into the plugin's note input, each at its
    /// sample (sorted by sample, like `changes`).
    pub fn run_with_notes(
        &mut self,
        signal: &mut Signal,
        blocks: BlockPattern,
        changes: &[ParamChange],
        notes: &[NoteIn],
        options: RunOptions,
    ) -> Result<RunStats, String> {
        assert!(
            changes
                .windows(2)
                .all(|pair| pair[0].sample <= pair[1].sample),
            "parameter changes must be sorted by sample"
        );
        assert!(
            notes
                .windows(2)
                .all(|pair| pair[0].sample <= pair[1].sample),
            "notes must be sorted by sample"
        );
        let config = self.config.expect("activate() the plugin before run()");
        assert!(
            blocks.max_block() <= config.max_frames_count as usize,
            "{blocks} exceeds the activated maximum of {} frames",
            config.max_frames_count
        );
        let processor = self
            .processor
            .take()
            .expect("an active plugin has an audio processor");

        let started = Instant::now();
        let (processor, result) = thread::scope(|scope| {
            let audio = thread::Builder::new()
                .name("clap-audio".to_owned())
                .spawn_scoped(scope, move || {
                    process_on_audio_thread(
                        processor,
                        signal,
                        blocks,
                        Events { changes, notes },
                        options,
                        config.sample_rate,
                    )
                })
                .expect("failed to spawn the audio thread");
            // A real host keeps its main loop alive while audio runs; the plugin may need it.
            while !audio.is_finished() {
                self.pump_main_thread();
                thread::sleep(Duration::from_millis(1));
            }
            audio
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        let elapsed = started.elapsed();
        self.processor = Some(processor);
        self.pump_main_thread();
        self.honour_restart_request();
        result.map(|stats| RunStats { elapsed, ..stats })
    }

    /// Services callback and flush requests, as a host's main loop would.
    fn pump_main_thread(&mut self) {
        let wants_callback = self.instance.access_shared_handler(|shared| {
            shared.callback_requested.swap(false, Ordering::AcqRel)
        });
        if wants_callback {
            self.instance.call_on_main_thread_callback();
        }

        let wants_flush = self
            .instance
            .access_shared_handler(|shared| shared.flush_requested.swap(false, Ordering::AcqRel));
        // While active, flush belongs on the audio thread, and every run processes the plugin
        // anyway; only an inactive plugin needs the main-thread flush.
        if wants_flush {
            let params = self.params;
            if let Some(mut handle) = self.instance.inactive_plugin_handle() {
                params.flush(
                    &mut handle,
                    &InputEvents::empty(),
                    &mut OutputEvents::void(),
                );
            }
        }
    }

    /// Re-activates with the same configuration if the plugin asked for a restart.
    fn honour_restart_request(&mut self) {
        let requested = self
            .instance
            .access_shared_handler(|shared| shared.restart_requested.swap(false, Ordering::AcqRel));
        if let (true, Some(config)) = (requested, self.config) {
            println!("plugin requested a restart: deactivating and re-activating");
            self.deactivate();
            self.activate_with(config);
            self.instance
                .access_shared_handler(|shared| shared.restarts.fetch_add(1, Ordering::AcqRel));
        }
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        // CLAP requires deactivation before destruction; this also covers a test that panicked.
        self.deactivate();
    }
}
