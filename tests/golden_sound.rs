//! Golden sound: the synthetic singer through every tuning and voice preset, fingerprinted per
//! 10 ms (RMS in dB and f0), compared with the fingerprint stored in
//! `tests/data/golden_sound.json`, so speed work cannot change the sound silently.
//!
//! Tolerance per 10 ms frame: RMS within 0.5 dB where either side is above -50 dBFS; f0 within
//! 5 cents where both sides are voiced; voicing may differ in at most 2 % of the frames (a frame
//! on a voicing edge can tip either way with any rounding change).
//!
//! Regenerate only on purpose, and say why in the commit:
//! `DAIW_REGENERATE_GOLDEN=1 cargo test --profile release-checked --features
//! standalone,assert_process_allocs --test golden_sound`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use daiw::dsp::pitch_detector::PitchDetector;
use daiw::dsp::presets::{tuning_presets, voice_presets};
use daiw::dsp::synthetic_singer::{sing, test_phrase, SingerConfig};
use daiw::dsp::{VoiceChain, VoiceSettings};
use daiw::music::theory::{PitchClass, ScaleKind};

const SAMPLE_RATE: f32 = 48_000.0;
/// Fingerprint frame length: 10 ms.
const FRAME: usize = 480;
const RMS_TOLERANCE_DB: f32 = 0.5;
const RMS_FLOOR_DB: f32 = -50.0;
const F0_TOLERANCE_CENTS: f32 = 5.0;
const VOICING_MISMATCH: f32 = 0.02;

/// One 10 ms frame: RMS in dB (-120 for silence) and f0 in Hz (0 when unvoiced).
type Fingerprint = Vec<(f32, f32)>;

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden_sound.json")
}

/// Every preset's settings: tuning presets with tuning on in A minor, voice presets alone.
fn preset_settings() -> Vec<(String, VoiceSettings)> {
    let mut all = Vec::new();
    for (name, preset) in tuning_presets().expect("tuning presets") {
        let mut settings = VoiceSettings::default();
        settings.tune.enabled = true;
        settings.tune.key = PitchClass::A;
        settings.tune.scale = ScaleKind::Minor;
        preset.apply(&mut settings);
        all.push((format!("tuning/{name}"), settings));
    }
    for (name, preset) in voice_presets().expect("voice presets") {
        let mut settings = VoiceSettings::default();
        preset.apply(&mut settings);
        all.push((format!("voice/{name}"), settings));
    }
    all
}

fn fingerprint(settings: &VoiceSettings, input: &[f32]) -> Fingerprint {
    let mut chain = VoiceChain::default();
    chain.set_settings(settings);
    chain.prepare(SAMPLE_RATE, 512);
    let mut left = input.to_vec();
    let mut right = input.to_vec();
    for (l, r) in left.chunks_mut(512).zip(right.chunks_mut(512)) {
        chain.process(&mut [l, r]);
    }
    let mono: Vec<f32> = left
        .iter()
        .zip(&right)
        .map(|(l, r)| 0.5 * (l + r))
        .collect();
    let mut detector = PitchDetector::default();
    detector.prepare(SAMPLE_RATE, FRAME);
    // The detector reports every 5 ms; keep the frame that ends each 10 ms block.
    let mut f0 = Vec::new();
    for &x in &mono {
        if let Some(frame) = detector.push(x) {
            f0.push(if frame.is_voiced() { frame.f0 } else { 0.0 });
        }
    }
    mono.chunks_exact(FRAME)
        .enumerate()
        .map(|(i, chunk)| {
            let power = chunk.iter().map(|x| x * x).sum::<f32>() / FRAME as f32;
            let rms_db = if power > 1.0e-12 {
                10.0 * power.log10()
            } else {
                -120.0
            };
            let hz = f0.get(2 * i + 1).copied().unwrap_or(0.0);
            (
                (rms_db * 100.0).round() / 100.0,
                (hz * 100.0).round() / 100.0,
            )
        })
        .collect()
}

/// Differences between a fresh fingerprint and the stored one, as text.
fn compare(name: &str, now: &Fingerprint, stored: &Fingerprint) -> Vec<String> {
    if now.len() != stored.len() {
        return vec![format!(
            "{name}: {} frames, stored {}",
            now.len(),
            stored.len()
        )];
    }
    let mut failures = Vec::new();
    let mut voicing_mismatches = 0usize;
    for (i, (&(rms, f0), &(rms_0, f0_0))) in now.iter().zip(stored).enumerate() {
        if (rms > RMS_FLOOR_DB || rms_0 > RMS_FLOOR_DB) && (rms - rms_0).abs() > RMS_TOLERANCE_DB {
            failures.push(format!(
                "{name}: {} ms: RMS {rms:.2} dB, stored {rms_0:.2}",
                i * 10
            ));
        }
        match (f0 > 0.0, f0_0 > 0.0) {
            (true, true) => {
                let cents = 1200.0 * (f0 / f0_0).log2();
                if cents.abs() > F0_TOLERANCE_CENTS {
                    failures.push(format!(
                        "{name}: {} ms: f0 {f0:.2} Hz, stored {f0_0:.2} ({cents:+.1} c)",
                        i * 10
                    ));
                }
            }
            (false, false) => {}
            _ => voicing_mismatches += 1,
        }
    }
    if voicing_mismatches as f32 > VOICING_MISMATCH * now.len() as f32 {
        failures.push(format!(
            "{name}: voicing differs in {voicing_mismatches} of {} frames",
            now.len()
        ));
    }
    failures.truncate(5);
    failures
}

#[test]
fn every_preset_sounds_as_stored() {
    let input = sing(&test_phrase(57.0), &SingerConfig::default()).samples;
    let fresh: BTreeMap<String, Fingerprint> = preset_settings()
        .into_iter()
        .map(|(name, settings)| {
            let print = fingerprint(&settings, &input);
            (name, print)
        })
        .collect();
    let path = golden_path();
    if std::env::var_os("DAIW_REGENERATE_GOLDEN").is_some() {
        let json = serde_json::to_string(&fresh).expect("fingerprints serialise");
        std::fs::write(&path, json + "\n").expect("write the golden fingerprints");
        println!("regenerated {} ({} presets)", path.display(), fresh.len());
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; generate it on purpose with DAIW_REGENERATE_GOLDEN=1",
            path.display()
        )
    });
    let stored: BTreeMap<String, Fingerprint> =
        serde_json::from_str(&text).expect("golden fingerprints are JSON");
    let mut failures = Vec::new();
    for (name, print) in &fresh {
        match stored.get(name) {
            Some(old) => failures.extend(compare(name, print, old)),
            None => failures.push(format!("{name}: no stored fingerprint")),
        }
    }
    for name in stored.keys().filter(|n| !fresh.contains_key(*n)) {
        failures.push(format!("{name}: stored but no longer a preset"));
    }
    println!("{} presets compared", fresh.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
