//! The assistant's threads give way to audio: the worker lowers its own scheduling priority
//! before it loads or runs the model, and llama.cpp's compute threads, started from it, inherit
//! that. A host's audio thread usually runs at real-time priority anyway; this covers hosts and
//! systems where it does not, so generating text never delays a `process` call.

/// The nice value the assistant's threads run at (0 is normal, 19 the lowest priority).
pub const ASSISTANT_NICE: i32 = 10;

/// Lowers the calling thread's priority to `ASSISTANT_NICE` (Linux: per thread; elsewhere
/// nothing). Returns whether it took effect.
pub fn lower_this_thread() -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::{c_int, c_uint};
        extern "C" {
            fn setpriority(which: c_int, who: c_uint, prio: c_int) -> c_int;
            fn getpriority(which: c_int, who: c_uint) -> c_int;
        }
        const PRIO_PROCESS: c_int = 0;
        // SAFETY: plain system calls on the calling thread (who = 0), no pointers involved.
        unsafe {
            // Never raise a priority someone lowered further already.
            if getpriority(PRIO_PROCESS, 0) >= ASSISTANT_NICE {
                return true;
            }
            setpriority(PRIO_PROCESS, 0, ASSISTANT_NICE) == 0
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_lowers_only_itself() {
        let lowered = std::thread::spawn(lower_this_thread)
            .join()
            .expect("thread");
        assert!(lowered || !cfg!(target_os = "linux"));
        // This (test) thread keeps its own priority: the spawned one changed only itself.
        #[cfg(target_os = "linux")]
        {
            extern "C" {
                fn getpriority(which: std::ffi::c_int, who: std::ffi::c_uint) -> std::ffi::c_int;
            }
            // SAFETY: a plain system call about the calling thread.
            let own = unsafe { getpriority(0, 0) };
            assert!(
                own < ASSISTANT_NICE,
                "the test thread was lowered too: {own}"
            );
        }
    }
}
