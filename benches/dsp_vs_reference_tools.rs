//! Our DSP beside Debian's reference tools on the same synthetic singer, in one run:
//! pitch tracking against `aubiopitch` (aubio-tools) and a +3 semitone shift against
//! `rubberband` (rubberband-cli, R2 and R3 engines, with formant preservation). Reports speed
//! (real-time factor) and accuracy against the singer's ground truth; prints a Markdown table.
//!
//! Run: `cargo bench --bench dsp_vs_reference_tools` (scripts/setup.sh installs both tools).
#![allow(
    missing_docs,
    reason = "criterion_group! and criterion_main! generate undocumented public functions"
)]

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use daiw::dsp::lpc::median_formants;
use daiw::dsp::pitch_detector::PitchDetector;
use daiw::dsp::synthetic_singer::{sing, test_phrase, Performance, SingerConfig};
use daiw::dsp::VoiceSettings;
use daiw::offline::render::render;
use daiw::offline::wav::{self, Audio, WavFormat};

const SAMPLE_RATE: f32 = 48_000.0;

/// Median and share within 10 cents of absolute cent errors.
fn summary(mut errors: Vec<f32>) -> (f32, f32, usize) {
    if errors.is_empty() {
        return (f32::NAN, 0.0, 0);
    }
    errors.iter_mut().for_each(|e| *e = e.abs());
    errors.sort_by(f32::total_cmp);
    let within = errors.iter().filter(|&&e| e <= 10.0).count() as f32 / errors.len() as f32;
    (errors[errors.len() / 2], within, errors.len())
}

fn cents(a: f32, b: f32) -> f32 {
    1200.0 * (a / b).log2()
}

fn our_track(samples: &[f32]) -> Vec<(f64, f32)> {
    let mut detector = PitchDetector::default();
    detector.prepare(SAMPLE_RATE, 480);
    samples
        .iter()
        .filter_map(|&x| detector.push(x))
        .filter(|f| f.is_voiced())
        .map(|f| (f.time, f.f0))
        .collect()
}

fn errors_against(track: &[(f64, f32)], truth: &Performance, ratio: f32) -> Vec<f32> {
    let margin = 0.02 * SAMPLE_RATE as f64;
    track
        .iter()
        .filter(|(t, f)| *f > 0.0 && truth.voiced_around(*t, margin))
        .map(|&(t, f)| cents(f, truth.f0_at(t) * ratio))
        .collect()
}

fn run_tool(program: &str, args: &[&str]) -> Option<(String, f64)> {
    let start = Instant::now();
    let output = Command::new(program).args(args).output().ok()?;
    let seconds = start.elapsed().as_secs_f64();
    if !output.status.success() {
        eprintln!(
            "{program} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        return None;
    }
    Some((String::from_utf8_lossy(&output.stdout).to_string(), seconds))
}

fn formant_drift(output: &[f32], input: &[f32], truth: &Performance) -> (f32, f32) {
    let margin = 0.05 * SAMPLE_RATE as f64;
    let voiced = |i: usize| truth.voiced_around(i as f64, margin);
    let reference = median_formants(input, SAMPLE_RATE, voiced);
    let measured = median_formants(output, SAMPLE_RATE, voiced);
    match (reference, measured) {
        (Some((a1, a2)), Some((b1, b2))) => (100.0 * (b1 / a1 - 1.0), 100.0 * (b2 / a2 - 1.0)),
        _ => (f32::NAN, f32::NAN),
    }
}

fn main() {
    // Criterion's harness passes --bench; nothing to parse.
    let dir = std::env::temp_dir().join(format!("daiw-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut samples = Vec::new();
    let mut truth_f0 = Vec::new();
    for base in [48.0, 57.0, 64.0] {
        let p = sing(&test_phrase(base), &SingerConfig::default());
        samples.extend_from_slice(&p.samples);
        truth_f0.extend_from_slice(&p.f0);
    }
    let truth = Performance {
        samples: samples.clone(),
        f0: truth_f0,
        sample_rate: SAMPLE_RATE,
    };
    let seconds = samples.len() as f64 / SAMPLE_RATE as f64;
    let input = dir.join("singer.wav");
    let audio = Audio {
        channels: vec![samples.clone()],
        sample_rate: SAMPLE_RATE as u32,
        format: WavFormat {
            bits: 32,
            float: true,
        },
    };
    wav::write(&input, &audio).expect("write input");
    let path = |p: &Path| p.to_str().expect("utf-8 temp path").to_string();

    println!("\n{seconds:.1} s of synthetic singing at 48 kHz (3 phrases, 98-523 Hz).\n");
    println!("| task | tool | real-time factor | median error | within 10 cents | F1 / F2 drift |");
    println!("|---|---|---|---|---|---|");

    // Pitch tracking.
    let start = Instant::now();
    let ours = our_track(&samples);
    let ours_time = start.elapsed().as_secs_f64();
    let (median, within, n) = summary(errors_against(&ours, &truth, 1.0));
    println!(
        "| pitch track | daiw PitchDetector (real time, 10 ms) | {:.0}x | {median:.2} c | {:.1}% of {n} | - |",
        seconds / ours_time,
        100.0 * within
    );
    match run_tool(
        "aubiopitch",
        &[
            "-i",
            &path(&input),
            "-p",
            "yinfft",
            "-H",
            "256",
            "-B",
            "2048",
            "-s",
            "-60",
        ],
    ) {
        Some((text, wall)) => {
            let track: Vec<(f64, f32)> = text
                .lines()
                .filter_map(|l| {
                    let mut it = l.split_whitespace();
                    let t: f64 = it.next()?.parse().ok()?;
                    let f: f32 = it.next()?.parse().ok()?;
                    Some((t * SAMPLE_RATE as f64, f))
                })
                .collect();
            let (median, within, n) = summary(errors_against(&track, &truth, 1.0));
            println!(
                "| pitch track | aubiopitch yinfft (offline) | {:.0}x (process) | {median:.2} c | {:.1}% of {n} | - |",
                seconds / wall,
                100.0 * within
            );
        }
        None => println!("| pitch track | aubiopitch | not installed | | | |"),
    }

    // Pitch shift +3 semitones.
    let ratio = 2f32.powf(3.0 / 12.0);
    let settings = VoiceSettings {
        pitch_semitones: 3.0,
        ..VoiceSettings::default()
    };
    let start = Instant::now();
    let shifted = render(&audio, &settings);
    let ours_time = start.elapsed().as_secs_f64();
    let out = &shifted.channels[0];
    let (median, within, n) = summary(errors_against(&our_track(out), &truth, ratio));
    let (d1, d2) = formant_drift(out, &samples, &truth);
    println!(
        "| shift +3 st | daiw VoiceChain PSOLA (real time, 10 ms) | {:.0}x | {median:.2} c | {:.1}% of {n} | {d1:+.1}% / {d2:+.1}% |",
        seconds / ours_time,
        100.0 * within
    );
    for (label, extra) in [
        ("rubberband R2 -F (offline)", vec!["-F"]),
        ("rubberband R3 -F (offline)", vec!["-3", "-F"]),
    ] {
        let output = dir.join("rubberband.wav");
        let mut args = vec!["-q".to_string(), "-p".into(), "3".into()];
        args.extend(extra.iter().map(|s| s.to_string()));
        args.push(path(&input));
        args.push(path(&output));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        match run_tool("rubberband", &args)
            .and_then(|(_, wall)| wav::read(&output).ok().map(|a| (a, wall)))
        {
            Some((result, wall)) => {
                let out = &result.channels[0];
                let (median, within, n) = summary(errors_against(&our_track(out), &truth, ratio));
                let (d1, d2) = formant_drift(out, &samples, &truth);
                println!(
                    "| shift +3 st | {label} | {:.0}x (process) | {median:.2} c | {:.1}% of {n} | {d1:+.1}% / {d2:+.1}% |",
                    seconds / wall,
                    100.0 * within
                );
            }
            None => println!("| shift +3 st | {label} | not installed | | | |"),
        }
    }
    println!("\nAccuracy of shifted output is measured with our own detector on each output.");
    let _ = std::fs::remove_dir_all(&dir);
}
