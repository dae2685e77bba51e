#![allow(dead_code)]
//! A small CLAP host built on `clack-host`, capable enough to drive the DAiW bundle end to end.
//!
//! The host behaves like a real one where the plugin can observe it: audio runs on its own thread
//! between `start_processing` and `stop_processing`, the main thread keeps servicing
//! `request_callback` while audio runs, and the host implements the extensions nice-plug's CLAP
//! wrapper looks for (thread-check, params, latency, state, audio-ports, log). Everything the audio
//! thread touches is allocated before processing starts so the host never hides or causes
//! real-time problems in the plugin.

use clack_extensions::audio_ports::{
    AudioPortFlags, AudioPortInfoBuffer, AudioPortRescanFlags, AudioPortType, HostAudioPorts,
    HostAudioPortsImpl, PluginAudioPorts,
};
use clack_extensions::audio_ports_config::{AudioPortsConfigBuffer, PluginAudioPortsConfig};
use clack_extensions::latency::{HostLatency, HostLatencyImpl, PluginLatency};
use clack_extensions::log::{HostLog, HostLogImpl, LogSeverity};
use clack_extensions::note_ports::PluginNotePorts;
use clack_extensions::params::{
    HostParams, HostParamsImplMainThread, HostParamsImplShared, ParamClearFlags, ParamInfoBuffer,
    ParamInfoFlags, ParamRescanFlags, PluginParams,
};
use clack_extensions::state::{HostState, HostStateImpl, PluginState};
use clack_extensions::thread_check::{HostThreadCheck, HostThreadCheckImpl};
use clack_host::events::event_types::{
    NoteOffEvent, NoteOnEvent, ParamValueEvent, TransportEvent, TransportFlags,
};
use clack_host::events::spaces::CoreEventSpace;
use clack_host::events::{EventFlags, EventHeader, Match};
use clack_host::prelude::*;
use clack_host::utils::{BeatTime, SecondsTime};
use std::cell::Cell;
use std::ffi::CStr;
use std::fmt;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

/// CLAP id the bundle's factory must expose.
pub const PLUGIN_ID: &CStr = c"com.daiw.music-brain";

/// File name of the bundle produced by `cargo xtask bundle daiw`.
pub const BUNDLE_FILE_NAME: &str = "DAiW Music Brain.clap";

/// The command that produces the bundle, quoted in failure messages.
pub const BUNDLE_COMMAND: &str =
    "cargo xtask bundle daiw --profile release-checked --features standalone,assert_process_allocs";

thread_local! {
    /// Set while a thread is this host's audio thread, so thread-check answers truthfully.
    static IS_AUDIO_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Writes a progress line straight to stderr.
///
/// libtest only captures the `print!` family, and a plugin that aborts the process (for example an
/// allocation caught by `assert_process_allocs`) takes the captured output with it, so these lines
/// are what tells which case was running.
pub fn breadcrumb(message: &str) {
    let _ = writeln!(std::io::stderr(), "[clap_host] {message}");
}

/// Where the bundle is expected: `$DAIW_BUNDLE_DIR` if set, else `target/bundled` in the package.
pub fn bundle_path() -> PathBuf {
    let dir = match std::env::var_os("DAIW_BUNDLE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bundled"),
    };
    dir.join(BUNDLE_FILE_NAME)
}

/// Whether [`load_bundle_with`] keeps the library's code mapped after the last entry is dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unload {
    /// Pin the library (like hosts that keep plugin binaries loaded until they exit); dropping
    /// the entry still runs the CLAP `deinit`, but `dlclose` no longer unmaps the code.
    KeepMapped,
    /// Let `dlclose` unmap the library when the last entry goes away, as a host that truly
    /// unloads plugins would.
    Unmap,
}

/// Loads the bundle, pinned in memory (see [`Unload::KeepMapped`] for why the tests do this).
pub fn load_bundle() -> PluginEntry {
    load_bundle_with(Unload::KeepMapped)
}

/// The bundle's path, failing (never skipping) with a build hint when it is missing.
pub fn require_bundle() -> PathBuf {
    let path = bundle_path();
    assert!(
        path.exists(),
        "CLAP bundle not found at {}: build it with `{BUNDLE_COMMAND}` \
         (or set DAIW_BUNDLE_DIR to the directory holding \"{BUNDLE_FILE_NAME}\")",
        path.display()
    );
    path
}

/// Loads the bundle (see [`require_bundle`] for a missing one).
pub fn load_bundle_with(unload: Unload) -> PluginEntry {
    let path = require_bundle();
    // SAFETY: loading a dynamic library runs its initialisers; the bundle is this package's own
    // build output, which is exactly the code under test.
    let entry = unsafe { PluginEntry::load(&path) }.unwrap_or_else(|e| {
        panic!(
            "failed to load the CLAP entry from {}: {e} (rebuild it with `{BUNDLE_COMMAND}`)",
            path.display()
        )
    });
    if unload == Unload::KeepMapped {
        keep_mapped(&path);
    }
    entry
}

/// Marks the already loaded library `RTLD_NODELETE`, so later `dlclose` calls leave it mapped.
///
/// The plugin's Rust runtime registers pthread-key destructors on every host thread that calls
/// into it; if the library were unmapped, those threads would crash when they exit. libtest runs
/// each test on its own thread, so without this a test thread finishing after the last unload
/// can take the whole test binary down and hide every result.
/// `bundle_unload_is_safe_for_calling_threads` checks real unmapping on its own, in a child
/// process.
#[cfg(target_os = "linux")]
fn keep_mapped(path: &std::path::Path) {
    use std::ffi::{c_char, c_int, c_void, CString};
    use std::os::unix::ffi::OsStrExt;

    extern "C" {
        fn dlopen(filename: *const c_char, flags: c_int) -> *mut c_void;
    }
    // glibc's values; RTLD_NOLOAD makes this a flag update of the copy already loaded.
    const RTLD_NOW: c_int = 0x2;
    const RTLD_NOLOAD: c_int = 0x4;
    const RTLD_NODELETE: c_int = 0x1000;

    let c_path = CString::new(path.as_os_str().as_bytes()).expect("the bundle path has no NUL");
    // SAFETY: `c_path` is a valid NUL-terminated string and RTLD_NOLOAD never loads new code.
    // The extra reference is never released; RTLD_NODELETE keeps the code mapped either way.
    let handle = unsafe { dlopen(c_path.as_ptr(), RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE) };
    assert!(
        !handle.is_null(),
        "could not pin the loaded bundle {}",
        path.display()
    );
}

/// CPU time used by the calling thread so far.
#[cfg(target_os = "linux")]
fn thread_cpu_time() -> Duration {
    use std::ffi::{c_int, c_long};

    #[repr(C)]
    struct Timespec {
        seconds: c_long,
        nanoseconds: c_long,
    }
    extern "C" {
        fn clock_gettime(clock: c_int, out: *mut Timespec) -> c_int;
    }
    const CLOCK_THREAD_CPUTIME_ID: c_int = 3;
    let mut now = Timespec {
        seconds: 0,
        nanoseconds: 0,
    };
    // SAFETY: `now` is a valid, writable timespec for the duration of the call.
    let status = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut now) };
    if status != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        now.seconds.max(0) as u64,
        now.nanoseconds.clamp(0, 999_999_999) as u32,
    )
}

/// Other platforms report no CPU time.
#[cfg(not(target_os = "linux"))]
fn thread_cpu_time() -> Duration {
    Duration::ZERO
}

/// Other platforms unload as the OS does; only Linux runs these tests today.
#[cfg(not(target_os = "linux"))]
fn keep_mapped(_path: &std::path::Path) {}

/// Ids of every plugin the entry's plugin factory lists.
pub fn factory_plugin_ids(entry: &PluginEntry) -> Vec<String> {
    let factory = entry
        .get_plugin_factory()
        .expect("the CLAP entry must expose a plugin factory");
    factory
        .plugin_descriptors()
        .map(|descriptor| {
            let id = descriptor
                .id()
                .map(|id| id.to_string_lossy().into_owned())
                .unwrap_or_default();
            let name = descriptor
                .name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let version = descriptor
                .version()
                .map(|version| version.to_string_lossy().into_owned())
                .unwrap_or_default();
            println!("factory: id {id:?}, name {name:?}, version {version:?}");
            id
        })
        .collect()
}

/// The host's handler types, tied together for clack.
pub struct TestHost;

impl HostHandlers for TestHost {
    type Shared<'a> = HostShared;
    type MainThread<'a> = HostMainThread;
    type AudioProcessor<'a> = ();

    fn declare_extensions(builder: &mut HostExtensions<Self>, _shared: &Self::Shared<'_>) {
        // Note ports are deliberately not offered: nice-plug never asks for them, and clack 0.2.0's
        // host note-ports table is registered through an extra reference, so offering it would
        // hand any plugin that does ask a pointer to a pointer.
        builder
            .register::<HostLog>()
            .register::<HostThreadCheck>()
            .register::<HostParams>()
            .register::<HostState>()
            .register::<HostLatency>()
            .register::<HostAudioPorts>();
    }
}

/// Host state the plugin may touch from any thread.
pub struct HostShared {
    main_thread: ThreadId,
    callback_requested: AtomicBool,
    restart_requested: AtomicBool,
    flush_requested: AtomicBool,
    restarts: AtomicU32,
    error_logs: AtomicU32,
}

impl HostShared {
    fn new() -> Self {
        Self {
            // The instance is created on the thread that will act as the main thread.
            main_thread: thread::current().id(),
            callback_requested: AtomicBool::new(false),
            restart_requested: AtomicBool::new(false),
            flush_requested: AtomicBool::new(false),
            restarts: AtomicU32::new(0),
            error_logs: AtomicU32::new(0),
        }
    }
}

impl SharedHandler<'_> for HostShared {
    fn request_restart(&self) {
        self.restart_requested.store(true, Ordering::Release);
    }

    fn request_process(&self) {
        // Audio only runs inside `Plugin::run`, which processes continuously; nothing to wake up.
    }

    fn request_callback(&self) {
        self.callback_requested.store(true, Ordering::Release);
    }
}

impl HostThreadCheckImpl for HostShared {
    fn is_main_thread(&self) -> bool {
        thread::current().id() == self.main_thread
    }

    fn is_audio_thread(&self) -> bool {
        IS_AUDIO_THREAD.with(Cell::get)
    }
}

impl HostLogImpl for HostShared {
    fn log(&self, severity: LogSeverity, message: &str) {
        if severity >= LogSeverity::Error {
            self.error_logs.fetch_add(1, Ordering::Relaxed);
        }
        eprintln!("[plugin log {severity}] {message}");
    }
}

impl HostParamsImplShared for HostShared {
    fn request_flush(&self) {
        self.flush_requested.store(true, Ordering::Release);
    }
}

/// Host state that only the main thread touches; it just counts notifications.
#[derive(Default)]
pub struct HostMainThread {
    param_rescans: Cell<u32>,
    param_clears: Cell<u32>,
    latency_changes: Cell<u32>,
    state_dirty_marks: Cell<u32>,
    audio_port_rescans: Cell<u32>,
}

impl MainThreadHandler<'_> for HostMainThread {}

impl HostParamsImplMainThread for HostMainThread {
    fn rescan(&self, _flags: ParamRescanFlags) {
        self.param_rescans.set(self.param_rescans.get() + 1);
    }

    fn clear(&self, _param_id: ClapId, _flags: ParamClearFlags) {
        self.param_clears.set(self.param_clears.get() + 1);
    }
}

impl HostLatencyImpl for HostMainThread {
    fn changed(&self) {
        self.latency_changes.set(self.latency_changes.get() + 1);
    }
}

impl HostStateImpl for HostMainThread {
    fn mark_dirty(&self) {
        self.state_dirty_marks.set(self.state_dirty_marks.get() + 1);
    }
}

impl HostAudioPortsImpl for HostMainThread {
    fn is_rescan_flag_supported(&self, _flag: AudioPortRescanFlags) -> bool {
        // Every run re-reads the port layout after activation, so any rescan is fine.
        true
    }

    fn rescan(&self, _flags: AudioPortRescanFlags) {
        self.audio_port_rescans
            .set(self.audio_port_rescans.get() + 1);
    }
}

/// Snapshot of the notifications the plugin has sent the host so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostCounters {
    /// `params.rescan` calls.
    pub param_rescans: u32,
    /// `params.clear` calls.
    pub param_clears: u32,
    /// `latency.changed` calls.
    pub latency_changes: u32,
    /// `state.mark_dirty` calls.
    pub state_dirty_marks: u32,
    /// `audio_ports.rescan` calls.
    pub audio_port_rescans: u32,
    /// Restart requests the host honoured by re-activating.
    pub restarts: u32,
    /// Log messages of severity error or worse.
    pub error_logs: u32,
}

impl fmt::Display for HostCounters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "param rescans {}, param clears {}, latency changes {}, state dirty marks {}, \
             audio-port rescans {}, restarts {}, error logs {}",
            self.param_rescans,
            self.param_clears,
            self.latency_changes,
            self.state_dirty_marks,
            self.audio_port_rescans,
            self.restarts,
            self.error_logs
        )
    }
}

/// One parameter as reported by `clap.params`.
#[derive(Clone, Debug)]
pub struct ParamDesc {
    /// CLAP parameter id (nice-plug's hash of the stable string id).
    pub id: ClapId,
    /// Display name.
    pub name: String,
    /// CLAP module path (nice-plug's parameter group).
    pub module: String,
    /// Lowest CLAP value.
    pub min: f64,
    /// Highest CLAP value.
    pub max: f64,
    /// Default CLAP value.
    pub default: f64,
    /// CLAP parameter flags.
    pub flags: ParamInfoFlags,
}

impl ParamDesc {
    /// The CLAP value for a normalised position (0..1) in this parameter's range.
    pub fn value_at(&self, normalized: f64) -> f64 {
        self.min + normalized * (self.max - self.min)
    }
}

/// One audio port as reported by `clap.audio-ports`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudioPortDesc {
    /// Channel count.
    pub channels: u32,
    /// Whether the port carries the `IS_MAIN` flag.
    pub is_main: bool,
    /// Port type string ("mono", "stereo", ...), if any.
    pub port_type: Option<String>,
}

/// One layout offered by `clap.audio-ports-config`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortConfigDesc {
    /// Id to pass to `select`.
    pub id: ClapId,
    /// Display name.
    pub name: String,
    /// Main input channel count, if the layout has a main input.
    pub main_in: Option<u32>,
    /// Main output channel count, if the layout has a main output.
    pub main_out: Option<u32>,
}

/// How a run slices its audio into process calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockPattern {
    /// Every call gets this many frames (the last one may get fewer).
    Fixed(usize),
    /// A deterministic walk through every size in 1..=1024, odd and even, in scrambled order.
    Varying,
}

impl BlockPattern {
    /// Largest block the pattern produces, used as `max_frames_count` on activation.
    pub fn max_block(self) -> usize {
        match self {
            Self::Fixed(frames) => frames,
            Self::Varying => 1024,
        }
    }

    /// Frames for the `index`th process call.
    pub fn size(self, index: usize) -> usize {
        match self {
            Self::Fixed(frames) => frames,
            // 389 is odd, so stepping by it modulo 1024 visits every residue once per cycle.
            Self::Varying => 1 + (index * 389) % 1024,
        }
    }
}

impl fmt::Display for BlockPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(frames) => write!(f, "block size {frames}"),
            Self::Varying => f.write_str("varying block sizes 1..=1024"),
        }
    }
}

/// A parameter value event to deliver at an absolute sample position of a run.
#[derive(Clone, Copy, Debug)]
pub struct ParamChange {
    /// Absolute frame index in the run.
    pub sample: usize,
    /// Target parameter.
    pub param_id: ClapId,
    /// New CLAP value.
    pub value: f64,
}

/// The host's transport for a run: playing from `start_beat` at `tempo`, optionally looping.
#[derive(Clone, Copy, Debug)]
pub struct HostTransport {
    /// Tempo in BPM.
    pub tempo: f64,
    /// Position in quarter notes at the first sample.
    pub start_beat: f64,
    /// Whether the transport plays.
    pub playing: bool,
    /// A loop (start, end) in quarter notes; block starts past the end wrap back.
    pub loop_beats: Option<(f64, f64)>,
}

/// A note the plugin sent out, at its absolute sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoteOut {
    /// Absolute sample of the event.
    pub sample: usize,
    /// Note on (true) or off.
    pub on: bool,
    /// MIDI key.
    pub key: u16,
    /// MIDI channel.
    pub channel: u16,
}

/// How a run is driven.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// The transport, if the host has one playing.
    pub transport: Option<HostTransport>,
    /// Wait for each block's deadline like a sound card would (otherwise as fast as possible).
    pub real_time: bool,
}

/// What a run did, for the log.
#[derive(Clone, Debug, Default)]
pub struct RunStats {
    /// Number of `process` calls.
    pub process_calls: usize,
    /// Events the plugin wrote to the output event list.
    pub output_events: u32,
    /// Calls that returned `Sleep` (allowed, but worth seeing for an effect).
    pub sleep_statuses: usize,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
    /// Notes the plugin sent out.
    pub notes: Vec<NoteOut>,
    /// Time of every `process` call, in call order.
    pub process_times: Vec<Duration>,
    /// CPU time the audio thread spent in every `process` call (Linux; zero elsewhere): the
    /// difference to `process_times` is time the OS gave to other threads.
    pub process_cpu_times: Vec<Duration>,
}

impl RunStats {
    /// One-line summary including the real-time factor for `frames` at `sample_rate`.
    pub fn summary(&self, frames: usize, sample_rate: f64) -> String {
        let audio_seconds = frames as f64 / sample_rate;
        let wall = self.elapsed.as_secs_f64();
        format!(
            "{} process calls, {:.3} s wall for {:.1} s of audio ({:.0}x real time), \
             {} output events, {} sleep statuses",
            self.process_calls,
            wall,
            audio_seconds,
            audio_seconds / wall.max(1e-9),
            self.output_events,
            self.sleep_statuses
        )
    }
}

/// Planar input and output audio for a run, plus a pristine copy of the input.
pub struct Signal {
    /// Input channels handed to the plugin.
    pub input: Vec<Vec<f32>>,
    /// Output channels the plugin writes.
    pub output: Vec<Vec<f32>>,
    /// What the input should still contain after the run.
    pub reference: Vec<Vec<f32>>,
}

impl Signal {
    /// A sine of `frequency` Hz and peak `amplitude` on every channel.
    pub fn sine(
        channels: usize,
        sample_rate: f64,
        seconds: f64,
        frequency: f64,
        amplitude: f64,
    ) -> Self {
        let frames = (sample_rate * seconds).round() as usize;
        let step = std::f64::consts::TAU * frequency / sample_rate;
        let wave: Vec<f32> = (0..frames)
            .map(|n| (amplitude * (step * n as f64).sin()) as f32)
            .collect();
        Self {
            input: vec![wave.clone(); channels],
            output: vec![vec![f32::NAN; frames]; channels],
            reference: vec![wave; channels],
        }
    }

    /// Frames per channel.
    pub fn frames(&self) -> usize {
        self.input.first().map_or(0, Vec::len)
    }

    /// Overwrites input samples (and the reference copy) on one channel.
    pub fn overwrite_input(&mut self, channel: usize, range: std::ops::Range<usize>, value: f32) {
        self.input[channel][range.clone()].fill(value);
        self.reference[channel][range].fill(value);
    }

    /// Fills the output with NaN so any sample the plugin fails to write is caught as non-finite.
    pub fn poison_output(&mut self) {
        for channel in &mut self.output {
            channel.fill(f32::NAN);
        }
    }

    /// Whether the plugin left the input buffers exactly as handed over (compared bit for bit).
    pub fn input_untouched(&self) -> bool {
        self.input
            .iter()
            .zip(&self.reference)
            .all(|(a, b)| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()))
    }
}

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
        assert!(
            changes
                .windows(2)
                .all(|pair| pair[0].sample <= pair[1].sample),
            "parameter changes must be sorted by sample"
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
                        changes,
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

fn specific(m: Match<u16>) -> u16 {
    match m {
        Match::Specific(v) => v,
        Match::All => u16::MAX,
    }
}

fn note_on_out(position: usize, e: &NoteOnEvent) -> NoteOut {
    NoteOut {
        sample: position + e.header().time() as usize,
        on: true,
        key: specific(e.key()),
        channel: specific(e.channel()),
    }
}

fn note_off_out(position: usize, e: &NoteOffEvent) -> NoteOut {
    NoteOut {
        sample: position + e.header().time() as usize,
        on: false,
        key: specific(e.key()),
        channel: specific(e.channel()),
    }
}

/// The audio thread's side of [`Plugin::run`]; returns the stopped processor in every case.
fn process_on_audio_thread(
    processor: StoppedPluginAudioProcessor<TestHost>,
    signal: &mut Signal,
    blocks: BlockPattern,
    changes: &[ParamChange],
    options: RunOptions,
    sample_rate: f64,
) -> (
    StoppedPluginAudioProcessor<TestHost>,
    Result<RunStats, String>,
) {
    IS_AUDIO_THREAD.with(|flag| flag.set(true));
    let mut processor = match processor.start_processing() {
        Ok(processor) => processor,
        Err(e) => {
            let message = format!("start_processing failed: {e}");
            return (e.into_stopped_processor(), Err(message));
        }
    };

    // Everything the loop needs is allocated here, before the first process call.
    let channels = signal.input.len();
    let frames = signal.frames();
    let mut input_ports = AudioPorts::with_capacity(channels, 1);
    let mut output_ports = AudioPorts::with_capacity(channels, 1);
    let mut input_events = EventBuffer::with_capacity(changes.len().max(1));
    let mut output_events = EventBuffer::with_capacity(1024);
    let mut stats = RunStats {
        notes: Vec::with_capacity(1 << 16),
        process_times: Vec::with_capacity(frames / blocks.size(0).max(1) + 16),
        process_cpu_times: Vec::with_capacity(frames / blocks.size(0).max(1) + 16),
        ..RunStats::default()
    };
    let run_started = Instant::now();
    let mut next_change = 0;
    let mut position = 0;
    let mut result = Ok(());

    while position < frames {
        let end = frames.min(position + blocks.size(stats.process_calls));

        input_events.clear();
        while let Some(change) = changes.get(next_change).filter(|c| c.sample < end) {
            // A change scheduled before this block (impossible with sorted input) lands at 0.
            let time = u32::try_from(change.sample.saturating_sub(position))
                .expect("an in-block offset fits in u32");
            input_events.push(&ParamValueEvent::new(
                time,
                change.param_id,
                Pckn::match_all(),
                change.value,
            ));
            next_change += 1;
        }
        output_events.clear();

        let inputs = input_ports.with_input_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_input_only(
                signal
                    .input
                    .iter_mut()
                    .map(|channel| InputChannel::variable(&mut channel[position..end])),
            ),
        }]);
        let mut outputs = output_ports.with_output_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_output_only(
                signal
                    .output
                    .iter_mut()
                    .map(|channel| &mut channel[position..end]),
            ),
        }]);

        let transport = options.transport.map(|t| {
            let mut beat = t.start_beat + position as f64 * t.tempo / 60.0 / sample_rate;
            let mut flags = TransportFlags::HAS_TEMPO | TransportFlags::HAS_BEATS_TIMELINE;
            if let Some((start, end)) = t.loop_beats {
                if beat >= end {
                    beat = start + (beat - start).rem_euclid(end - start);
                }
                flags |= TransportFlags::IS_LOOP_ACTIVE;
            }
            if t.playing {
                flags |= TransportFlags::IS_PLAYING;
            }
            TransportEvent {
                header: EventHeader::new_core(0, EventFlags::empty()),
                flags,
                song_pos_beats: BeatTime::from_float(beat),
                song_pos_seconds: SecondsTime::from_float(beat * 60.0 / t.tempo),
                tempo: t.tempo,
                tempo_inc: 0.0,
                loop_start_beats: BeatTime::from_float(t.loop_beats.map_or(0.0, |l| l.0)),
                loop_end_beats: BeatTime::from_float(t.loop_beats.map_or(0.0, |l| l.1)),
                loop_start_seconds: SecondsTime::from_int(0),
                loop_end_seconds: SecondsTime::from_int(0),
                bar_start: BeatTime::from_float((beat / 4.0).floor() * 4.0),
                bar_number: (beat / 4.0).floor() as i32,
                time_signature_numerator: 4,
                time_signature_denominator: 4,
            }
        });
        if options.real_time {
            // A sound card asks for the next block when the previous one has played.
            let due = Duration::from_secs_f64(position as f64 / sample_rate);
            if let Some(wait) = due.checked_sub(run_started.elapsed()) {
                thread::sleep(wait);
            }
        }
        let call_started = Instant::now();
        let cpu_started = thread_cpu_time();
        let status = processor.process(
            &inputs,
            &mut outputs,
            &input_events.as_input(),
            &mut output_events.as_output(),
            Some(position as u64),
            transport.as_ref(),
        );
        stats.process_times.push(call_started.elapsed());
        stats
            .process_cpu_times
            .push(thread_cpu_time().saturating_sub(cpu_started));
        for event in output_events.iter() {
            match event.as_core_event() {
                Some(CoreEventSpace::NoteOn(e)) => stats.notes.push(note_on_out(position, e)),
                Some(CoreEventSpace::NoteOff(e)) => stats.notes.push(note_off_out(position, e)),
                _ => {}
            }
        }
        stats.process_calls += 1;
        match status {
            Ok(ProcessStatus::Sleep) => stats.sleep_statuses += 1,
            Ok(_) => {}
            Err(e) => {
                result = Err(format!(
                    "process call #{} (frames {position}..{end}) failed: {e}",
                    stats.process_calls
                ));
                break;
            }
        }
        stats.output_events += output_events.len();
        position = end;
    }

    let processor = processor.stop_processing();
    IS_AUDIO_THREAD.with(|flag| flag.set(false));
    (processor, result.map(|()| stats))
}
