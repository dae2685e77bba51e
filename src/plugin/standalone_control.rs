//! Process-wide switches the standalone binary sets before the plugin starts: run without a
//! window, or close after a given time (used by smoke tests and demos).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

static HEADLESS: AtomicBool = AtomicBool::new(false);
static CLOSE_AT: OnceLock<Instant> = OnceLock::new();

/// Asks the plugin to open no editor window in this process.
pub fn set_headless(headless: bool) {
    HEADLESS.store(headless, Ordering::Relaxed);
}

/// Whether the editor window is disabled in this process.
pub fn headless() -> bool {
    HEADLESS.load(Ordering::Relaxed)
}

/// Asks an open editor to close itself at `deadline` (the first call wins).
pub fn close_editor_at(deadline: Instant) {
    let _ = CLOSE_AT.set(deadline);
}

/// Whether an editor should close now because its deadline has passed.
pub fn editor_should_close(now: Instant) -> bool {
    CLOSE_AT.get().is_some_and(|deadline| now >= *deadline)
}

/// Whether a close deadline is set at all (the editor then keeps redrawing to notice it).
pub fn close_requested_later() -> bool {
    CLOSE_AT.get().is_some()
}
