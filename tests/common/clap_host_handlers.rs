//! The host side clack calls into: the handler types, the state the plugin may touch from any
//! thread (requests, thread checks, logs) and the main thread's notification counters.

use clack_extensions::audio_ports::{AudioPortRescanFlags, HostAudioPorts, HostAudioPortsImpl};
use clack_extensions::latency::{HostLatency, HostLatencyImpl};
use clack_extensions::log::{HostLog, HostLogImpl, LogSeverity};
use clack_extensions::params::{
    HostParams, HostParamsImplMainThread, HostParamsImplShared, ParamClearFlags, ParamRescanFlags,
};
use clack_extensions::state::{HostState, HostStateImpl};
use clack_extensions::thread_check::{HostThreadCheck, HostThreadCheckImpl};
use clack_host::prelude::*;
use std::cell::Cell;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::thread::{self, ThreadId};

use super::IS_AUDIO_THREAD;

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
    pub(super) main_thread: ThreadId,
    pub(super) callback_requested: AtomicBool,
    pub(super) restart_requested: AtomicBool,
    pub(super) flush_requested: AtomicBool,
    pub(super) restarts: AtomicU32,
    pub(super) error_logs: AtomicU32,
}

impl HostShared {
    pub(super) fn new() -> Self {
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
    pub(super) param_rescans: Cell<u32>,
    pub(super) param_clears: Cell<u32>,
    pub(super) latency_changes: Cell<u32>,
    pub(super) state_dirty_marks: Cell<u32>,
    pub(super) audio_port_rescans: Cell<u32>,
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
