#![allow(dead_code)]
//! A small CLAP host built on `clack-host`, capable enough to drive the DAiW bundle end to end.
//!
//! The host behaves like a real one where the plugin can observe it: audio runs on its own thread
//! between `start_processing` and `stop_processing`, the main thread keeps servicing
//! `request_callback` while audio runs, and the host implements the extensions nice-plug's CLAP
//! wrapper looks for (thread-check, params, latency, state, audio-ports, log). Everything the audio
//! thread touches is allocated before processing starts so the host never hides or causes
//! real-time problems in the plugin.
//!
//! One concern a file: this one loads the bundle; `clap_host_handlers.rs` is the host side
//! clack calls into; `clap_host_types.rs` the plain data a test hands in and gets back;
//! `clap_host_plugin.rs` one plugin instance (parameters, state, activation, runs);
//! `clap_host_audio.rs` the audio thread's process loop; `clap_session.rs` the setup the
//! playing tests share.

#[path = "clap_host_audio.rs"]
mod audio;
#[path = "clap_host_handlers.rs"]
mod handlers;
#[path = "clap_host_plugin.rs"]
mod plugin;
#[path = "clap_session.rs"]
pub mod session;
#[path = "clap_host_types.rs"]
mod types;

#[allow(unused_imports, reason = "not every test names the host types")]
pub use handlers::{HostCounters, HostMainThread, HostShared, TestHost};
pub use plugin::Plugin;
pub use types::*;

use clack_host::prelude::*;
use std::cell::Cell;
use std::ffi::CStr;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

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
