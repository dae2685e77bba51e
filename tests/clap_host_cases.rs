//! Host cases from clap-validator's catalogue and hostile input, on the built CLAP bundle:
//! state round trips, a parameter fuzz, a state saved right after a change, NaN and infinite
//! input. Build the bundle first (see `tests/clap_host.rs`).

#[path = "common/clap_checks.rs"]
mod clap_checks;
#[path = "common/clap_host.rs"]
mod clap_host;

use clap_checks::{
    assert_param_value, check_gain, check_run, find_param, frame_at, gain_db_to_normalized,
};
use clap_host::{breadcrumb, load_bundle, BlockPattern, ParamChange, Plugin, Signal};

/// Frequency of the test tone.
const TONE_HZ: f64 = 440.0;
/// Peak amplitude of the test tone.
const TONE_AMPLITUDE: f64 = 0.5;
/// Display name of the output gain parameter.
const OUTPUT_GAIN: &str = "Output Gain";
/// Allowed relative deviation from unity gain once the plugin has recovered.
const UNITY_TOLERANCE: f64 = 0.01;

#[test]
fn non_finite_input_gives_finite_silent_output() {
    const SAMPLE_RATE: f64 = 48_000.0;
    const SECONDS: f64 = 3.0;
    const BLOCK: usize = 512;

    let entry = load_bundle();
    let mut plugin = Plugin::new(&entry);
    plugin.activate(SAMPLE_RATE, BLOCK);
    let latency = plugin.latency() as usize;
    println!("latency: {latency} samples");

    let mut signal = Signal::sine(2, SAMPLE_RATE, SECONDS, TONE_HZ, TONE_AMPLITUDE);
    // A whole block of NaN, a block of +inf/-inf, then lone bad samples inside good audio.
    let nan_block = frame_at(0.5, SAMPLE_RATE)..frame_at(0.5, SAMPLE_RATE) + BLOCK;
    let inf_block = frame_at(0.75, SAMPLE_RATE)..frame_at(0.75, SAMPLE_RATE) + BLOCK;
    let lone = frame_at(1.0, SAMPLE_RATE) + 100;
    for channel in 0..2 {
        signal.overwrite_input(channel, nan_block.clone(), f32::NAN);
    }
    signal.overwrite_input(0, inf_block.clone(), f32::INFINITY);
    signal.overwrite_input(1, inf_block.clone(), f32::NEG_INFINITY);
    signal.overwrite_input(0, lone..lone + 1, f32::NAN);
    signal.overwrite_input(1, lone..lone + 1, f32::INFINITY);

    breadcrumb("48000 Hz, block size 512: NaN/inf input");
    let stats = plugin
        .run(&mut signal, BlockPattern::Fixed(BLOCK), &[])
        .unwrap_or_else(|e| panic!("NaN/inf run: {e}"));
    println!(
        "NaN/inf run: {}",
        stats.summary(signal.frames(), SAMPLE_RATE)
    );

    let mut failures = Vec::new();
    if let Err(e) = check_run(&signal, SAMPLE_RATE) {
        failures.push(format!("finite output: {e}"));
    }

    // Silence is required wherever the (latency-shifted) input frame was non-finite.
    for frame in 0..signal.frames().saturating_sub(latency) {
        let bad_input = signal.reference.iter().any(|ch| !ch[frame].is_finite());
        if !bad_input {
            continue;
        }
        if let Some((channel, value)) = signal
            .output
            .iter()
            .map(|ch| ch[frame + latency])
            .enumerate()
            .find(|(_, value)| value.is_nan() || value.abs() > 1e-6)
        {
            failures.push(format!(
                "silence: output channel {channel} frame {} is {value} for non-finite input \
                 frame {frame}",
                frame + latency
            ));
            break;
        }
    }

    // Afterwards the plugin must be transparent again rather than stuck muted or poisoned.
    if let Err(e) = check_gain(
        &signal,
        SAMPLE_RATE,
        latency,
        (2.0, SECONDS),
        1.0,
        UNITY_TOLERANCE,
    ) {
        failures.push(format!("recovery after non-finite input: {e}"));
    }

    plugin.deactivate();
    drop(plugin);
    drop(entry);
    assert!(
        failures.is_empty(),
        "non-finite input handling failed:\n{}",
        failures.join("\n")
    );
}

/// clap-validator's state case: save, load that state, save again: the same bytes.
#[test]
fn state_save_load_save_gives_identical_bytes() {
    let entry = load_bundle();
    let mut plugin = Plugin::new(&entry);
    let params = plugin.parameters();
    // Move a few parameters off their defaults through the audio path first.
    plugin.activate(48_000.0, 512);
    let changes: Vec<ParamChange> = ["Pitch", "Reverb", "Output Gain", "Key"]
        .iter()
        .map(|name| {
            let p = find_param(&params, name);
            ParamChange {
                sample: 0,
                param_id: p.id,
                value: p.value_at(0.3),
            }
        })
        .collect();
    let mut signal = Signal::sine(2, 48_000.0, 0.1, TONE_HZ, TONE_AMPLITUDE);
    plugin
        .run(&mut signal, BlockPattern::Fixed(512), &changes)
        .unwrap_or_else(|e| panic!("run: {e}"));
    let first = plugin.save_state();
    plugin.load_state(&first);
    let second = plugin.save_state();
    assert_eq!(first, second, "save -> load -> save changed the state");
    plugin.deactivate();
}

/// clap-validator's parameter fuzz: every parameter gets a random value at the start of every
/// block for 1,000 blocks; the output stays finite and the input untouched.
#[test]
fn parameter_fuzz_keeps_the_output_finite() {
    const BLOCK: usize = 256;
    const BLOCKS: usize = 1_000;
    let entry = load_bundle();
    let mut plugin = Plugin::new(&entry);
    let params = plugin.parameters();
    plugin.activate(48_000.0, BLOCK);
    let mut seed = 0x9e37_79b9u32;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        f64::from(seed) / f64::from(u32::MAX)
    };
    let mut changes = Vec::with_capacity(BLOCKS * params.len());
    for block in 0..BLOCKS {
        for p in &params {
            changes.push(ParamChange {
                sample: block * BLOCK,
                param_id: p.id,
                value: p.value_at(random()),
            });
        }
    }
    let seconds = (BLOCKS * BLOCK) as f64 / 48_000.0;
    let mut signal = Signal::sine(2, 48_000.0, seconds, TONE_HZ, TONE_AMPLITUDE);
    plugin
        .run(&mut signal, BlockPattern::Fixed(BLOCK), &changes)
        .unwrap_or_else(|e| panic!("fuzz run: {e}"));
    check_run(&signal, 48_000.0).unwrap_or_else(|e| panic!("fuzz run: {e}"));
    plugin.deactivate();
}

/// A state saved right after a parameter change (one block later, as a DAW saving a few
/// milliseconds after a move) holds the new value, in this instance and in a fresh one.
#[test]
fn state_saved_right_after_a_change_holds_the_new_value() {
    let entry = load_bundle();
    let mut plugin = Plugin::new(&entry);
    let params = plugin.parameters();
    let gain = find_param(&params, OUTPUT_GAIN).clone();
    let minus_6_db = gain.value_at(gain_db_to_normalized(-6.0));
    plugin.activate(48_000.0, 512);
    let mut signal = Signal::sine(2, 48_000.0, 512.0 / 48_000.0, TONE_HZ, TONE_AMPLITUDE);
    let change = [ParamChange {
        sample: 0,
        param_id: gain.id,
        value: minus_6_db,
    }];
    plugin
        .run(&mut signal, BlockPattern::Fixed(512), &change)
        .unwrap_or_else(|e| panic!("run: {e}"));
    let state = plugin.save_state();
    plugin.deactivate();

    let mut fresh = Plugin::new(&entry);
    fresh.load_state(&state);
    assert_param_value(
        &mut fresh,
        &gain,
        minus_6_db,
        "a fresh instance loading a state saved one block after the change",
    );
}
