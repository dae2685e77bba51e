#![allow(dead_code)]
//! Checks shared by the CLAP host tests: levels, finiteness, parameter lookup.

use super::clap_host::{ParamDesc, Plugin, Signal};

/// Output Gain's normalised position for a dB value (the range is -36..+12 dB, linear in dB).
pub fn gain_db_to_normalized(db: f64) -> f64 {
    (db + 36.0) / 48.0
}

/// Linear amplitude for a dB value.
pub fn db_to_amplitude(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// Root mean square of a slice, accumulated in f64.
pub fn rms(samples: &[f32]) -> f64 {
    let sum: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    (sum / samples.len().max(1) as f64).sqrt()
}

/// Converts seconds to a frame index at `sample_rate`.
pub fn frame_at(seconds: f64, sample_rate: f64) -> usize {
    (seconds * sample_rate).round() as usize
}

/// Fails on the first non-finite output sample, with a count and its position.
pub fn check_finite(signal: &Signal, sample_rate: f64) -> Result<(), String> {
    for (channel, samples) in signal.output.iter().enumerate() {
        if let Some(index) = samples.iter().position(|s| !s.is_finite()) {
            let count = samples.iter().filter(|s| !s.is_finite()).count();
            return Err(format!(
                "output channel {channel} has {count} non-finite samples, the first at frame \
                 {index} ({:.4} s) = {} (outputs are pre-filled with NaN, so NaN can also mean \
                 the plugin never wrote that sample)",
                index as f64 / sample_rate,
                samples[index]
            ));
        }
    }
    Ok(())
}

/// The checks every run must pass: finite output and untouched input buffers.
pub fn check_run(signal: &Signal, sample_rate: f64) -> Result<(), String> {
    check_finite(signal, sample_rate)?;
    if !signal.input_untouched() {
        return Err("the plugin wrote into the host's input buffers".to_owned());
    }
    Ok(())
}

/// Per-channel output/input RMS ratio over `from..to` seconds of input, output shifted by latency.
pub fn gain_between(
    signal: &Signal,
    sample_rate: f64,
    latency: usize,
    from: f64,
    to: f64,
) -> Result<Vec<f64>, String> {
    let start = frame_at(from, sample_rate);
    let end = frame_at(to, sample_rate).min(signal.frames().saturating_sub(latency));
    if start >= end {
        return Err(format!(
            "a latency of {latency} samples leaves nothing of {from}..{to} s to measure in a \
             {:.2} s run",
            signal.frames() as f64 / sample_rate
        ));
    }
    Ok(signal
        .reference
        .iter()
        .zip(&signal.output)
        .map(|(input, output)| {
            rms(&output[start + latency..end + latency]) / rms(&input[start..end])
        })
        .collect())
}

/// Checks the output/input RMS ratio over `from..to` seconds is `expected` within `tolerance`.
pub fn check_gain(
    signal: &Signal,
    sample_rate: f64,
    latency: usize,
    (from, to): (f64, f64),
    expected: f64,
    tolerance: f64,
) -> Result<(), String> {
    let ratios = gain_between(signal, sample_rate, latency, from, to)?;
    println!("  RMS ratio over {from:.2}..{to:.2} s: {ratios:.5?} (expected {expected:.5})");
    match ratios
        .iter()
        .enumerate()
        .find(|(_, ratio)| ((*ratio / expected) - 1.0).abs() > tolerance)
    {
        Some((channel, ratio)) => Err(format!(
            "channel {channel}: output/input RMS ratio over {from:.2}..{to:.2} s is {ratio:.5}, \
             expected {expected:.5} ±{:.0} %",
            tolerance * 100.0
        )),
        None => Ok(()),
    }
}

/// The one parameter called `name`; fails listing every name when it is absent or ambiguous.
pub fn find_param<'a>(params: &'a [ParamDesc], name: &str) -> &'a ParamDesc {
    let mut matches = params.iter().filter(|param| param.name == name);
    let found = matches.next();
    let names: Vec<&str> = params.iter().map(|param| param.name.as_str()).collect();
    assert!(
        matches.next().is_none(),
        "more than one parameter is called {name:?}: {names:?}"
    );
    found.unwrap_or_else(|| panic!("no parameter called {name:?}; the plugin exposes {names:?}"))
}

/// Prints the parameter table with ids, ranges, current values and display text.
pub fn print_params(plugin: &mut Plugin, params: &[ParamDesc]) {
    println!("{} parameters:", params.len());
    for param in params {
        let value = plugin.param_value(param.id);
        let text = plugin.param_text(param.id, value);
        println!(
            "  id {:>10}  module {:<14} name {:<22} range {}..{}  default {:.6}  value {:.6} \
             ({text})  flags {:?}",
            param.id.get(),
            param.module,
            param.name,
            param.min,
            param.max,
            param.default,
            value,
            param.flags
        );
    }
}

/// Asserts a parameter's CLAP value, naming what should have set it.
pub fn assert_param_value(plugin: &mut Plugin, param: &ParamDesc, expected: f64, context: &str) {
    let value = plugin.param_value(param.id);
    assert!(
        (value - expected).abs() < 1e-6,
        "{context}: {} is {value} ({}), expected {expected} ({})",
        param.name,
        plugin.param_text(param.id, value),
        plugin.param_text(param.id, expected)
    );
}
