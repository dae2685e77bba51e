//! Build script: keeps the plugin library mapped after a host unloads it on Linux.
//!
//! Rust's runtime registers per-thread clean-up hooks on every host thread that calls into the
//! plugin; if the library were unmapped, those threads would jump into freed code when they
//! exit and take the host down. `-z nodelete` makes unloading leave the code in place.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
