//! `daiw analyze --key / --notes [--csv] / --mid` end to end on a sung WAV in a known key, and
//! clear errors for bad input.

use std::path::{Path, PathBuf};

use daiw::dsp::synthetic_singer::{sing, SingerConfig};
use daiw::music::theory::ScaleKind;
use daiw::offline::wav::{self, Audio, WavFormat};
use midly::{MetaMessage, MidiMessage, Smf, TrackEventKind};

#[path = "support/melodies.rs"]
mod melodies;
mod support;

use melodies::{melody, MelodySpec};
use support::{output_dir, run_daiw};

/// A 12 s A minor tune as a 16-bit stereo WAV at 44.1 kHz; returns the path and the count of
/// notes sung.
fn sung_wav(dir: &Path) -> (PathBuf, usize) {
    let tune = melody(&MelodySpec::new(57, ScaleKind::Minor, 12.0, 42));
    let performance = sing(
        &tune.segments,
        &SingerConfig {
            sample_rate: 44_100.0,
            ..SingerConfig::default()
        },
    );
    let path = dir.join("a_minor.wav");
    let audio = Audio {
        channels: vec![performance.samples.clone(), performance.samples],
        sample_rate: 44_100,
        format: WavFormat {
            bits: 16,
            float: false,
        },
    };
    wav::write(&path, &audio).expect("write the WAV");
    (path, tune.notes.len())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

#[test]
fn key_notes_csv_and_midi_describe_the_take() {
    let dir = output_dir("cli_analyze", "take");
    let (input, sung) = sung_wav(&dir);
    let input = input.to_str().expect("utf-8 path");

    let key = run_daiw(&["analyze", input, "--key"]);
    assert!(key.status.success(), "{}", text(&key.stderr));
    let key: serde_json::Value = serde_json::from_slice(&key.stdout).expect("key JSON");
    assert_eq!(key["key"], "A", "{key}");
    assert_eq!(key["scale"], "minor", "{key}");
    let confidence = key["confidence"].as_f64().expect("confidence");
    assert!((0.3..=1.0).contains(&confidence), "{key}");

    let notes = run_daiw(&["analyze", input, "--notes"]);
    assert!(notes.status.success(), "{}", text(&notes.stderr));
    let notes: Vec<serde_json::Value> = serde_json::from_slice(&notes.stdout).expect("notes");
    assert!(
        notes.len().abs_diff(sung) <= sung / 10,
        "{} notes heard, {sung} sung",
        notes.len()
    );
    for note in &notes {
        for field in ["start_s", "end_s", "midi", "cents"] {
            assert!(note[field].is_number(), "{field} in {note}");
        }
        assert!(note["vibrato_hz"].is_number() || note["vibrato_hz"].is_null());
        assert!(note["vibrato_cents"].is_number() || note["vibrato_cents"].is_null());
        assert!(note["end_s"].as_f64() > note["start_s"].as_f64());
    }
    assert!(notes.iter().any(|n| n["vibrato_hz"].is_number()));

    let csv = run_daiw(&["analyze", input, "--notes", "--csv"]);
    assert!(csv.status.success(), "{}", text(&csv.stderr));
    let csv = text(&csv.stdout);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("start_s,end_s,midi,cents,vibrato_hz,vibrato_cents")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), notes.len());
    for (row, note) in rows.iter().zip(&notes) {
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields.len(), 6, "{row}");
        assert_eq!(fields[2], note["midi"].to_string());
    }

    let mid = dir.join("take.mid");
    let mid_path = mid.to_str().expect("utf-8 path");
    let written = run_daiw(&["analyze", input, "--mid", mid_path, "--tempo", "90"]);
    assert!(written.status.success(), "{}", text(&written.stderr));
    assert!(written.stdout.is_empty(), "--mid alone prints nothing");
    let bytes = std::fs::read(&mid).expect("the MIDI file");
    let smf = Smf::parse(&bytes).expect("a valid SMF");
    let (mut ons, mut tempo, mut tick) = (Vec::new(), None, 0u32);
    for event in &smf.tracks[0] {
        tick += event.delta.as_int();
        match event.kind {
            TrackEventKind::Midi {
                message: MidiMessage::NoteOn { key, .. },
                ..
            } => ons.push((tick, key.as_int())),
            TrackEventKind::Meta(MetaMessage::Tempo(t)) => {
                tempo = Some(60_000_000.0 / t.as_int() as f64)
            }
            _ => {}
        }
    }
    assert!((tempo.expect("a tempo") - 90.0).abs() < 0.01);
    assert_eq!(ons.len(), notes.len());
    // At 90 BPM and 480 PPQ a second is 720 ticks.
    for ((tick, key), note) in ons.iter().zip(&notes) {
        let start = note["start_s"].as_f64().expect("start") * 720.0;
        assert!((*tick as f64 - start).abs() <= 1.0, "{tick} vs {start}");
        assert_eq!(*key as u64, note["midi"].as_u64().expect("midi"));
    }
}

#[test]
fn bad_input_gives_clear_errors() {
    let dir = output_dir("cli_analyze", "bad");
    let not_wav = dir.join("notes.txt");
    std::fs::write(&not_wav, "this is not a WAV file").expect("write");
    let not_wav = not_wav.to_str().expect("utf-8 path");
    for flags in [
        &["--key"][..],
        &["--notes"],
        &["--mid", "/tmp/daiw-never.mid"],
    ] {
        let mut args = vec!["analyze", not_wav];
        args.extend_from_slice(flags);
        let result = run_daiw(&args);
        assert!(!result.status.success(), "{flags:?}");
        let message = text(&result.stderr);
        assert!(message.contains("notes.txt"), "{flags:?}: {message}");
        assert!(result.stdout.is_empty());
    }
    let (input, _) = sung_wav(&dir);
    let input = input.to_str().expect("utf-8 path");
    let tempo_alone = run_daiw(&["analyze", input, "--tempo", "90"]);
    assert!(!tempo_alone.status.success());
    assert!(text(&tempo_alone.stderr).contains("--mid"));
    let mid = dir.join("x.mid");
    let bad_tempo = run_daiw(&[
        "analyze",
        input,
        "--mid",
        mid.to_str().expect("utf-8 path"),
        "--tempo",
        "0",
    ]);
    assert!(!bad_tempo.status.success());
    assert!(
        text(&bad_tempo.stderr).contains("tempo"),
        "{}",
        text(&bad_tempo.stderr)
    );
    let key_csv = run_daiw(&["analyze", input, "--key", "--csv"]);
    assert!(!key_csv.status.success());
}

#[test]
fn silence_has_no_key_and_no_notes() {
    let dir = output_dir("cli_analyze", "silence");
    let path = dir.join("silence.wav");
    let audio = Audio {
        channels: vec![vec![0.0; 44_100]],
        sample_rate: 44_100,
        format: WavFormat {
            bits: 16,
            float: false,
        },
    };
    wav::write(&path, &audio).expect("write");
    let path = path.to_str().expect("utf-8 path");
    let key = run_daiw(&["analyze", path, "--key"]);
    assert!(key.status.success(), "{}", text(&key.stderr));
    let key: serde_json::Value = serde_json::from_slice(&key.stdout).expect("JSON");
    assert!(key["key"].is_null() && key["scale"].is_null());
    assert_eq!(key["confidence"], 0.0);
    let notes = run_daiw(&["analyze", path, "--notes"]);
    let notes: Vec<serde_json::Value> = serde_json::from_slice(&notes.stdout).expect("JSON");
    assert!(notes.is_empty());
}
