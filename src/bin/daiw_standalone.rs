//! The standalone plugin host: JACK or ALSA when there is a device, the dummy backend otherwise.
//!
//! Besides nice-plug's own options (`--help` lists them) it understands:
//! `--no-editor` to run without a window, and `--run-for SECONDS` to exit cleanly after a while.

use std::time::{Duration, Instant};

use daiw::plugin::standalone_control;
use daiw::DaiwPlugin;
use nice_plug::prelude::*;

/// Options of ours, taken out of the argument list before nice-plug parses the rest.
struct OwnOptions {
    headless: bool,
    run_for: Option<Duration>,
}

fn split_args(args: Vec<String>) -> Result<(OwnOptions, Vec<String>), String> {
    let mut own = OwnOptions {
        headless: false,
        run_for: None,
    };
    let mut rest = Vec::with_capacity(args.len());
    let mut iter = args.into_iter();
    while let Some(arg) = iter.next() {
        if arg == "--no-editor" {
            own.headless = true;
        } else if arg == "--run-for" || arg.starts_with("--run-for=") {
            let value = match arg.strip_prefix("--run-for=") {
                Some(v) => v.to_string(),
                None => iter.next().ok_or("--run-for needs a number of seconds")?,
            };
            let seconds: f64 = value
                .parse()
                .map_err(|_| format!("--run-for: '{value}' is not a number of seconds"))?;
            if !(seconds.is_finite() && seconds > 0.0) {
                return Err(format!("--run-for: '{value}' must be a positive number"));
            }
            own.run_for = Some(Duration::from_secs_f64(seconds));
        } else {
            rest.push(arg);
        }
    }
    Ok((own, rest))
}

/// Says which backend was asked for; with `auto`, nice-plug logs the one it picks.
fn announce_backend(args: &[String]) {
    let mut chosen = "auto".to_string();
    for (i, arg) in args.iter().enumerate() {
        if let Some(v) = arg.strip_prefix("--backend=") {
            chosen = v.to_string();
        } else if (arg == "--backend" || arg == "-b") && i + 1 < args.len() {
            chosen = args[i + 1].clone();
        }
    }
    match chosen.as_str() {
        "dummy" => eprintln!("daiw-standalone: using the dummy audio backend (no audio device)"),
        "auto" => eprintln!(
            "daiw-standalone: audio backend auto: trying JACK, then ALSA, then the dummy backend"
        ),
        other => eprintln!("daiw-standalone: using the {other} audio backend"),
    }
}

/// `daiw_standalone model check --child --model PATH`: the standalone checks a model file in
/// a child of itself, the same way `daiw model check` does (so it needs no other program).
fn run_model_check_child(args: &[String]) -> Option<i32> {
    match args {
        [_, model, check, child, flag, path]
            if model == "model" && check == "check" && child == "--child" && flag == "--model" =>
        {
            match daiw::assistant::model_check::check_in_this_process(std::path::Path::new(path)) {
                Ok(said) => {
                    eprintln!("{said}");
                    Some(0)
                }
                Err(e) => {
                    eprintln!("daiw-standalone: model check: {e}");
                    Some(1)
                }
            }
        }
        _ => None,
    }
}

fn main() {
    let all: Vec<String> = std::env::args().collect();
    if let Some(code) = run_model_check_child(&all) {
        std::process::exit(code);
    }
    let (own, args) = match split_args(all) {
        Ok(split) => split,
        Err(message) => {
            eprintln!("daiw-standalone: {message}");
            std::process::exit(2);
        }
    };
    standalone_control::set_headless(own.headless);
    if let Some(duration) = own.run_for {
        standalone_control::close_editor_at(Instant::now() + duration);
        if own.headless {
            // Without a window nice-plug waits for Ctrl+C; a timed SIGINT ends it the same way.
            std::thread::spawn(move || {
                std::thread::sleep(duration);
                // SAFETY: raising a signal on our own process has no memory-safety preconditions.
                unsafe {
                    libc::raise(libc::SIGINT);
                }
            });
        }
    }
    announce_backend(&args);
    let ok = nice_export_standalone_with_args::<DaiwPlugin, _>(args);
    if !ok {
        eprintln!("daiw-standalone: the plugin host stopped with an error (see the log above)");
        std::process::exit(1);
    }
    eprintln!("daiw-standalone: exited cleanly");
}
