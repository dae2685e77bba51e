//! End-to-end test of the built CLAP bundle, driven through a small `clack-host` based host.
//!
//! Build the bundle first (`cargo xtask bundle daiw --profile release-checked --features
//! standalone,assert_process_allocs`), then run `cargo test --profile release-checked
//! --features standalone,assert_process_allocs --test clap_host`.
//! A missing bundle fails every test with that hint; set `DAIW_BUNDLE_DIR` to use another folder.
//!
//! The tests keep the library mapped after unloading (see `Unload::KeepMapped`) so one crash on
//! thread exit cannot hide every other result; `bundle_unload_is_safe_for_calling_threads`
//! checks a real unload separately, in a child process.

#[path = "common/clap_checks.rs"]
mod clap_checks;
#[path = "common/clap_host.rs"]
mod clap_host;

use clap_checks::{
    assert_param_value, check_gain, check_run, db_to_amplitude, find_param, frame_at,
    gain_db_to_normalized, print_params,
};
use clap_host::{
    breadcrumb, factory_plugin_ids, load_bundle, load_bundle_with, require_bundle, BlockPattern,
    ParamChange, Plugin, Signal, Unload, PLUGIN_ID,
};
use std::process::Command;
use std::sync::mpsc;
use std::thread;

/// Display names of every parameter the plugin contract promises.
const EXPECTED_PARAMS: [&str; 31] = [
    "Tune",
    "Key",
    "Scale",
    "Retune Speed",
    "Amount",
    "Humanize",
    "Vibrato Preservation",
    "MIDI Targets",
    "Note Set",
    "Follow Chords",
    "Pitch",
    "Formant",
    "Robot",
    "Breathiness",
    "Whisper",
    "Warmth",
    "Presence",
    "Reverb",
    "Compression",
    "Mix",
    "Backing",
    "Backing Level",
    "Follow Host",
    "Harmony Voices",
    "Harmony Mode",
    "Harmony Level",
    "Harmony Spread",
    "Voice to MIDI",
    "Voice MIDI Channel",
    "Output Gain",
    "Bypass",
];

/// Name of the parameter the gain and state checks drive.
const OUTPUT_GAIN: &str = "Output Gain";

/// Test tone frequency in Hz.
const TONE_HZ: f64 = 440.0;

/// Test tone peak amplitude.
const TONE_AMPLITUDE: f64 = 0.5;

/// Length of every transparency run.
const TRANSPARENCY_SECONDS: f64 = 10.0;

/// Start of the measured steady part; the output window is additionally shifted by the latency.
const SETTLE_SECONDS: f64 = 0.5;

/// Allowed relative RMS error where the plugin should be transparent.
const UNITY_TOLERANCE: f64 = 0.01;

/// Allowed relative RMS error for the -6 dB output gain.
const GAIN_TOLERANCE: f64 = 0.02;

/// Set in the child process that `bundle_unload_is_safe_for_calling_threads` spawns.
const UNLOAD_CHILD_ENV: &str = "DAIW_CLAP_UNLOAD_CHILD";

/// Printed by that child once the calling thread has exited after the unload.
const UNLOAD_CHILD_DONE: &str = "unload child: the calling thread exited cleanly after the unload";

/// Block slicings every sample rate is run with.
const BLOCK_PATTERNS: [BlockPattern; 5] = [
    BlockPattern::Fixed(1),
    BlockPattern::Fixed(64),
    BlockPattern::Fixed(512),
    BlockPattern::Fixed(4096),
    BlockPattern::Varying,
];

/// Runs the 440 Hz transparency check for every block pattern at one sample rate.
fn transparency_suite(sample_rate: f64) {
    let entry = load_bundle();
    let mut plugin = Plugin::new(&entry);
    let mut signal = Signal::sine(
        2,
        sample_rate,
        TRANSPARENCY_SECONDS,
        TONE_HZ,
        TONE_AMPLITUDE,
    );
    let mut failures = Vec::new();

    for pattern in BLOCK_PATTERNS {
        let case = format!("{sample_rate} Hz, {pattern}");
        breadcrumb(&format!("running {case}"));
        plugin.activate(sample_rate, pattern.max_block());
        let latency = plugin.latency();
        signal.poison_output();
        let outcome = plugin.run(&mut signal, pattern, &[]).and_then(|stats| {
            println!(
                "{case}: latency {latency} samples, {}",
                stats.summary(signal.frames(), sample_rate)
            );
            check_run(&signal, sample_rate)?;
            check_gain(
                &signal,
                sample_rate,
                latency as usize,
                (SETTLE_SECONDS, TRANSPARENCY_SECONDS),
                1.0,
                UNITY_TOLERANCE,
            )
        });
        if let Err(e) = outcome {
            failures.push(format!("{case}: {e}"));
        }
        plugin.deactivate();
    }

    println!("host notifications: {}", plugin.host_counters());
    drop(plugin);
    drop(entry);
    assert!(
        failures.is_empty(),
        "{} of {} cases failed at {sample_rate} Hz:\n{}",
        failures.len(),
        BLOCK_PATTERNS.len(),
        failures.join("\n")
    );
}

#[test]
fn bundle_exposes_plugin_ports_and_parameters() {
    let entry = load_bundle();
    let expected_id = PLUGIN_ID.to_str().expect("the plugin id is UTF-8");
    assert_eq!(
        factory_plugin_ids(&entry),
        [expected_id],
        "the factory must list exactly one plugin, {expected_id}"
    );

    let mut plugin = Plugin::new(&entry);

    for (direction, ports) in [
        ("input", plugin.audio_ports(true)),
        ("output", plugin.audio_ports(false)),
    ] {
        println!("audio {direction} ports: {ports:?}");
        assert_eq!(ports.len(), 1, "expected one audio {direction} port");
        let port = &ports[0];
        assert!(
            port.is_main && port.channels == 2 && port.port_type.as_deref() == Some("stereo"),
            "the default audio {direction} port must be the main stereo port, got {port:?}"
        );
    }

    let configs = plugin.audio_port_configs();
    for config in &configs {
        println!(
            "audio port config {}: {:?}, main in {:?}, main out {:?}",
            config.id.get(),
            config.name,
            config.main_in,
            config.main_out
        );
    }
    assert!(
        configs
            .first()
            .is_some_and(|config| config.main_in == Some(2) && config.main_out == Some(2)),
        "the first (default) audio port config must be stereo in/out, got {configs:?}"
    );
    assert!(
        configs
            .iter()
            .any(|config| config.main_in == Some(1) && config.main_out == Some(1)),
        "a mono in/out audio port config must be offered, got {configs:?}"
    );

    let (note_inputs, note_outputs) = plugin.note_port_counts();
    println!("note ports: {note_inputs} in, {note_outputs} out");
    assert!(
        note_inputs >= 1 && note_outputs >= 1,
        "a note input and a note output port must be declared, got {note_inputs} in, \
         {note_outputs} out"
    );

    let params = plugin.parameters();
    print_params(&mut plugin, &params);
    let names: Vec<&str> = params.iter().map(|param| param.name.as_str()).collect();
    let missing: Vec<&str> = EXPECTED_PARAMS
        .into_iter()
        .filter(|name| !names.contains(name))
        .collect();
    assert!(
        missing.is_empty(),
        "missing parameters {missing:?}; the plugin exposes {names:?}"
    );
    if params.len() != EXPECTED_PARAMS.len() {
        println!(
            "note: {} parameters exposed, {} expected by name",
            params.len(),
            EXPECTED_PARAMS.len()
        );
    }

    let mut ids: Vec<u32> = params.iter().map(|param| param.id.get()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), params.len(), "CLAP parameter ids must be unique");

    for param in &params {
        assert!(
            param.min <= param.default && param.default <= param.max,
            "{}: default {} lies outside {}..{}",
            param.name,
            param.default,
            param.min,
            param.max
        );
        let default = param.default;
        assert_param_value(&mut plugin, param, default, "a fresh instance");
    }

    let gain = find_param(&params, OUTPUT_GAIN);
    assert_eq!(
        (gain.min, gain.max),
        (0.0, 1.0),
        "{OUTPUT_GAIN} should be exposed normalised 0..1"
    );
    assert!(
        (gain.default - gain_db_to_normalized(0.0)).abs() < 1e-6,
        "{OUTPUT_GAIN} must default to 0 dB (normalised {}), got {}",
        gain_db_to_normalized(0.0),
        gain.default
    );

    println!("host notifications: {}", plugin.host_counters());
    drop(plugin);
    drop(entry);
}

#[test]
fn transparent_at_44100_hz() {
    transparency_suite(44_100.0);
}

#[test]
fn transparent_at_48000_hz() {
    transparency_suite(48_000.0);
}

#[test]
fn transparent_at_96000_hz() {
    transparency_suite(96_000.0);
}

/// A loud burst into 100 % reverb, a host reset, then silence: the reset forgets the tail, the
/// shifter's grains and the delayed dry signal, so every output sample after it is zero.
#[test]
fn host_reset_silences_the_reverb_tail() {
    const SAMPLE_RATE: f64 = 48_000.0;
    const BLOCKS: BlockPattern = BlockPattern::Fixed(512);
    let entry = load_bundle();
    let mut plugin = Plugin::new(&entry);
    let params = plugin.parameters();
    let reverb = find_param(&params, "Reverb").clone();
    let pitch = find_param(&params, "Pitch").clone();
    plugin.activate(SAMPLE_RATE, BLOCKS.max_block());
    let settings = [
        ParamChange {
            sample: 0,
            param_id: reverb.id,
            value: reverb.value_at(1.0),
        },
        ParamChange {
            sample: 0,
            param_id: pitch.id,
            value: pitch.value_at(0.6),
        },
    ];
    let mut burst = Signal::sine(2, SAMPLE_RATE, 0.5, 220.0, 0.9);
    plugin
        .run(&mut burst, BLOCKS, &settings)
        .unwrap_or_else(|e| panic!("burst run: {e}"));
    let tail = burst.output[0][burst.frames() - 2_000..]
        .iter()
        .fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(
        tail > 0.05,
        "the burst and its reverb were not heard ({tail})"
    );

    breadcrumb("48000 Hz: host reset after a reverb burst");
    plugin.reset();
    let mut silence = Signal::sine(2, SAMPLE_RATE, 1.0, 220.0, 0.0);
    plugin
        .run(&mut silence, BLOCKS, &[])
        .unwrap_or_else(|e| panic!("silence run: {e}"));
    for (channel, output) in silence.output.iter().enumerate() {
        let first = output.iter().position(|x| *x != 0.0);
        assert_eq!(first, None, "channel {channel}: sound after the reset");
    }
    plugin.deactivate();
}

#[test]
fn output_gain_event_and_state_round_trip() {
    const SAMPLE_RATE: f64 = 48_000.0;
    const SECONDS: f64 = 4.0;
    const BLOCKS: BlockPattern = BlockPattern::Fixed(512);
    let expected_gain = db_to_amplitude(-6.0);

    let entry = load_bundle();
    let mut plugin = Plugin::new(&entry);
    let params = plugin.parameters();
    let gain = find_param(&params, OUTPUT_GAIN).clone();
    let minus_6_db = gain.value_at(gain_db_to_normalized(-6.0));
    let unity = gain.value_at(gain_db_to_normalized(0.0));
    println!(
        "{OUTPUT_GAIN}: -6 dB is CLAP value {minus_6_db} ({}), 0 dB is {unity} ({})",
        plugin.param_text(gain.id, minus_6_db),
        plugin.param_text(gain.id, unity)
    );

    plugin.activate(SAMPLE_RATE, BLOCKS.max_block());
    let latency = plugin.latency() as usize;
    println!("latency: {latency} samples");
    let mut signal = Signal::sine(2, SAMPLE_RATE, SECONDS, TONE_HZ, TONE_AMPLITUDE);

    // 1. A param-value event at 1 s turns the output down by 6 dB.
    breadcrumb("48000 Hz: Output Gain to -6 dB through a param-value event");
    let to_minus_6 = [ParamChange {
        sample: frame_at(1.0, SAMPLE_RATE),
        param_id: gain.id,
        value: minus_6_db,
    }];
    let stats = plugin
        .run(&mut signal, BLOCKS, &to_minus_6)
        .unwrap_or_else(|e| panic!("-6 dB event run: {e}"));
    println!(
        "-6 dB event run: {}",
        stats.summary(signal.frames(), SAMPLE_RATE)
    );
    check_run(&signal, SAMPLE_RATE).unwrap_or_else(|e| panic!("-6 dB event run: {e}"));
    // Stop a block short of the event: without sample-accurate automation nice-plug applies an
    // event at the start of the block that carries it.
    let before_event = 1.0 - BLOCKS.max_block() as f64 / SAMPLE_RATE;
    check_gain(
        &signal,
        SAMPLE_RATE,
        latency,
        (SETTLE_SECONDS, before_event),
        1.0,
        UNITY_TOLERANCE,
    )
    .unwrap_or_else(|e| panic!("before the -6 dB event: {e}"));
    check_gain(
        &signal,
        SAMPLE_RATE,
        latency,
        (2.0, SECONDS),
        expected_gain,
        GAIN_TOLERANCE,
    )
    .unwrap_or_else(|e| panic!("after the -6 dB event: {e}"));
    assert_param_value(&mut plugin, &gain, minus_6_db, "after the -6 dB event");

    // 2. Save the -6 dB state.
    let state = plugin.save_state();
    println!("saved state: {} bytes", state.len());
    assert!(!state.is_empty(), "state.save wrote nothing");

    // 3. Back to 0 dB through another event.
    breadcrumb("48000 Hz: Output Gain back to 0 dB");
    signal.poison_output();
    let to_unity = [ParamChange {
        sample: 0,
        param_id: gain.id,
        value: unity,
    }];
    plugin
        .run(&mut signal, BLOCKS, &to_unity)
        .unwrap_or_else(|e| panic!("0 dB event run: {e}"));
    check_run(&signal, SAMPLE_RATE).unwrap_or_else(|e| panic!("0 dB event run: {e}"));
    check_gain(
        &signal,
        SAMPLE_RATE,
        latency,
        (2.0, SECONDS),
        1.0,
        UNITY_TOLERANCE,
    )
    .unwrap_or_else(|e| panic!("after the 0 dB event: {e}"));
    assert_param_value(&mut plugin, &gain, unity, "after the 0 dB event");

    // 4. Loading the saved state (active, not processing) restores -6 dB, audibly too.
    breadcrumb("48000 Hz: load the saved state while active");
    let before_load = plugin.host_counters();
    plugin.load_state(&state);
    assert_param_value(&mut plugin, &gain, minus_6_db, "after state.load");
    let after_load = plugin.host_counters();
    println!(
        "state.load sent {} params.rescan call(s)",
        after_load.param_rescans - before_load.param_rescans
    );
    signal.poison_output();
    plugin
        .run(&mut signal, BLOCKS, &[])
        .unwrap_or_else(|e| panic!("run after state.load: {e}"));
    check_run(&signal, SAMPLE_RATE).unwrap_or_else(|e| panic!("run after state.load: {e}"));
    check_gain(
        &signal,
        SAMPLE_RATE,
        latency,
        (SETTLE_SECONDS, SECONDS),
        expected_gain,
        GAIN_TOLERANCE,
    )
    .unwrap_or_else(|e| panic!("after state.load: {e}"));
    println!("host notifications: {}", plugin.host_counters());
    plugin.deactivate();
    drop(plugin);

    // 5. A fresh instance given the state before activation (a project reload) matches.
    breadcrumb("48000 Hz: load the saved state into a fresh, inactive instance");
    let mut fresh = Plugin::new(&entry);
    assert_param_value(&mut fresh, &gain, unity, "a fresh instance");
    fresh.load_state(&state);
    assert_param_value(
        &mut fresh,
        &gain,
        minus_6_db,
        "a fresh instance after state.load",
    );
    fresh.activate(SAMPLE_RATE, BLOCKS.max_block());
    let fresh_latency = fresh.latency() as usize;
    signal.poison_output();
    fresh
        .run(&mut signal, BLOCKS, &[])
        .unwrap_or_else(|e| panic!("fresh instance run: {e}"));
    check_run(&signal, SAMPLE_RATE).unwrap_or_else(|e| panic!("fresh instance run: {e}"));
    check_gain(
        &signal,
        SAMPLE_RATE,
        fresh_latency,
        (SETTLE_SECONDS, SECONDS),
        expected_gain,
        GAIN_TOLERANCE,
    )
    .unwrap_or_else(|e| panic!("fresh instance after state.load: {e}"));
    fresh.deactivate();
    drop(fresh);
    drop(entry);
}

#[test]
fn mono_layout_is_transparent() {
    const SAMPLE_RATE: f64 = 48_000.0;
    const SECONDS: f64 = 2.0;
    const BLOCKS: BlockPattern = BlockPattern::Fixed(512);

    let entry = load_bundle();
    let mut plugin = Plugin::new(&entry);
    let configs = plugin.audio_port_configs();
    let stereo = configs
        .first()
        .unwrap_or_else(|| panic!("the plugin offers no audio port configs"))
        .clone();
    let mono = configs
        .iter()
        .find(|config| config.main_in == Some(1) && config.main_out == Some(1))
        .unwrap_or_else(|| panic!("no mono in/out audio port config in {configs:?}"))
        .clone();
    println!(
        "selecting {:?} (id {}), later back to {:?} (id {})",
        mono.name,
        mono.id.get(),
        stereo.name,
        stereo.id.get()
    );

    plugin.select_audio_port_config(mono.id);
    for (direction, ports) in [
        ("input", plugin.audio_ports(true)),
        ("output", plugin.audio_ports(false)),
    ] {
        assert!(
            ports.first().is_some_and(|port| port.channels == 1),
            "after selecting the mono config the main {direction} port must be mono, got {ports:?}"
        );
    }

    breadcrumb("48000 Hz, block size 512, mono layout");
    plugin.activate(SAMPLE_RATE, BLOCKS.max_block());
    let latency = plugin.latency() as usize;
    let mut signal = Signal::sine(1, SAMPLE_RATE, SECONDS, TONE_HZ, TONE_AMPLITUDE);
    let stats = plugin
        .run(&mut signal, BLOCKS, &[])
        .unwrap_or_else(|e| panic!("mono run: {e}"));
    println!(
        "mono run: latency {latency}, {}",
        stats.summary(signal.frames(), SAMPLE_RATE)
    );
    check_run(&signal, SAMPLE_RATE).unwrap_or_else(|e| panic!("mono run: {e}"));
    check_gain(
        &signal,
        SAMPLE_RATE,
        latency,
        (SETTLE_SECONDS, SECONDS),
        1.0,
        UNITY_TOLERANCE,
    )
    .unwrap_or_else(|e| panic!("mono run: {e}"));
    plugin.deactivate();

    plugin.select_audio_port_config(stereo.id);
    assert!(
        plugin
            .audio_ports(true)
            .first()
            .is_some_and(|port| port.channels == 2),
        "selecting the first config again must restore stereo"
    );
    drop(plugin);
    drop(entry);
}

#[test]
fn bundle_unload_is_safe_for_calling_threads() {
    if std::env::var_os(UNLOAD_CHILD_ENV).is_some() {
        unload_child();
        return;
    }
    // A failure here is a segfault, so the real unload runs in a child copy of this test binary.
    require_bundle();
    let exe = std::env::current_exe().expect("the test binary knows its own path");
    let output = Command::new(exe)
        .args([
            "bundle_unload_is_safe_for_calling_threads",
            "--exact",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(UNLOAD_CHILD_ENV, "1")
        .output()
        .expect("failed to start the unload child process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("unload child: {}", output.status);
    assert!(
        output.status.success() && stdout.contains(UNLOAD_CHILD_DONE),
        "after the host unloaded the bundle (last entry dropped, dlclose), the thread that had \
         called into the plugin died when it exited ({}). The plugin's Rust runtime leaves a \
         pthread-key destructor on every calling thread, so the library must stay mapped: link \
         the cdylib with `-Wl,-z,nodelete` (for example \
         `cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete` from build.rs on Linux).\n\
         --- child stdout ---\n{stdout}\n--- child stderr ---\n{stderr}",
        output.status
    );
}

/// The child half, shaped like a host with a plugin-scanner thread and a UI thread.
///
/// The scanner loads the bundle and creates a first instance (which starts nice-plug's shared
/// background thread); the worker then creates its own instance, the scanner drops its instance
/// and exits, and the worker processes, unloads the bundle for real and exits. The worker never
/// started a thread inside the plugin, so nothing keeps the library mapped once it unloads, yet
/// the plugin's runtime has left a thread-exit destructor on it.
fn unload_child() {
    const SAMPLE_RATE: f64 = 48_000.0;
    const BLOCKS: BlockPattern = BlockPattern::Fixed(512);

    let (entry_tx, entry_rx) = mpsc::channel();
    let (created_tx, created_rx) = mpsc::channel();
    let scanner = thread::Builder::new()
        .name("unload-scanner".to_owned())
        .spawn(move || {
            let entry = load_bundle_with(Unload::Unmap);
            let first = Plugin::new(&entry);
            entry_tx.send(entry).expect("the worker receives the entry");
            created_rx.recv().expect("the worker reports its instance");
            drop(first);
        })
        .expect("failed to spawn the unload scanner thread");
    let worker = thread::Builder::new()
        .name("unload-worker".to_owned())
        .spawn(move || {
            let entry = entry_rx.recv().expect("the scanner sends the entry");
            let mut plugin = Plugin::new(&entry);
            created_tx
                .send(())
                .expect("the scanner waits for this instance");
            scanner.join().expect("the unload scanner thread panicked");
            plugin.activate(SAMPLE_RATE, BLOCKS.max_block());
            let mut signal = Signal::sine(2, SAMPLE_RATE, 0.5, TONE_HZ, TONE_AMPLITUDE);
            plugin
                .run(&mut signal, BLOCKS, &[])
                .unwrap_or_else(|e| panic!("unload child run: {e}"));
            plugin.deactivate();
            drop(plugin);
            drop(entry);
            breadcrumb("unload child: bundle unloaded, now ending the thread that called into it");
        })
        .expect("failed to spawn the unload worker thread");
    worker.join().expect("the unload worker panicked");
    println!("{UNLOAD_CHILD_DONE}");
}
