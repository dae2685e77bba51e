//! `daiw render` and `daiw analyze` end to end: real WAV files in and out, and clear errors for
//! bad input.

use std::path::{Path, PathBuf};
use std::process::Output;

use daiw::dsp::correction::hz_to_cents;
use daiw::dsp::pitch_detector::HOP_SECONDS;
use daiw::dsp::synthetic_singer::{sing, Segment, SingerConfig};
use daiw::offline::wav::{self, Audio, WavFormat};

mod support;

use support::run_daiw;

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("daiw-cli-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A sung phrase written as a 16-bit stereo WAV at 44.1 kHz, under a fresh name (tests run in
/// parallel and must not rewrite each other's input).
fn singer_wav(dir: &Path) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let performance = sing(
        &[
            Segment::Note {
                midi: 57.35, // A3, 35 cents sharp
                seconds: 1.0,
                vibrato_cents: 0.0,
                vibrato_hz: 5.5,
            },
            Segment::Note {
                midi: 60.7, // between C4 and C#4
                seconds: 1.0,
                vibrato_cents: 0.0,
                vibrato_hz: 5.5,
            },
        ],
        &SingerConfig {
            sample_rate: 44_100.0,
            ..SingerConfig::default()
        },
    );
    let path = dir.join(format!("voice-{id}.wav"));
    let audio = Audio {
        channels: vec![performance.samples.clone(), performance.samples],
        sample_rate: 44_100,
        format: WavFormat {
            bits: 16,
            float: false,
        },
    };
    wav::write(&path, &audio).expect("write input");
    path
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

#[test]
fn render_tunes_a_file_and_analyze_reads_it_back() {
    let dir = temp_dir();
    let input = singer_wav(&dir);
    let output = dir.join("tuned.wav");
    let result = run_daiw(&[
        "render",
        input.to_str().expect("utf-8 path"),
        output.to_str().expect("utf-8 path"),
        "--preset",
        "hard_tune",
        "--key",
        "A",
        "--scale",
        "minor",
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    let before = wav::read(&input).expect("input");
    let after = wav::read(&output).expect("output");
    assert_eq!(
        after.frames(),
        before.frames(),
        "same length (latency removed)"
    );
    assert_eq!(after.format, before.format);
    assert_eq!(after.channels.len(), 2);

    let analysis = run_daiw(&["analyze", output.to_str().expect("utf-8 path"), "--csv"]);
    assert!(analysis.status.success(), "{}", stderr(&analysis));
    let csv = String::from_utf8_lossy(&analysis.stdout);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("time_s,f0_hz,voiced"));
    // Every voiced hop in the steady parts sits on A3 (5700) or C4 (6000) in A minor.
    let mut off = 0;
    let mut voiced = 0;
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 3, "{line}");
        let time: f64 = fields[0].parse().expect("time");
        let f0: f32 = fields[1].parse().expect("f0");
        let steady = (0.15..0.95).contains(&time) || (1.15..1.95).contains(&time);
        if fields[2] == "1" && steady {
            voiced += 1;
            let cents = hz_to_cents(f0);
            let nearest = (cents / 100.0).round() * 100.0;
            if !(nearest == 5700.0 || nearest == 6000.0) || (cents - nearest).abs() > 10.0 {
                off += 1;
            }
        }
    }
    // The steady stretches last 1.6 s.
    let steady_hops = (1.6 / HOP_SECONDS) as usize;
    assert!(voiced * 10 > steady_hops * 9, "only {voiced} voiced hops");
    assert!(
        off * 20 < voiced,
        "{off} of {voiced} hops off the A minor notes"
    );

    let json = run_daiw(&["analyze", input.to_str().expect("utf-8 path")]);
    assert!(json.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    // Two seconds of audio: a row per hop.
    let expected = (2.0 / HOP_SECONDS) as usize;
    assert!(rows
        .as_array()
        .is_some_and(|r| r.len() + 5 >= expected && r.len() <= expected + 5));
}

#[test]
fn render_accepts_every_modulation_option() {
    let dir = temp_dir();
    let input = singer_wav(&dir);
    let output = dir.join("modulated.wav");
    let result = run_daiw(&[
        "render",
        input.to_str().expect("utf-8 path"),
        output.to_str().expect("utf-8 path"),
        "--pitch",
        "-12",
        "--formant",
        "2",
        "--breath",
        "0.3",
        "--whisper",
        "0.2",
        "--warmth",
        "0.7",
        "--presence",
        "0.6",
        "--reverb",
        "0.3",
        "--compression",
        "0.5",
        "--mix",
        "0.8",
        "--robot",
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    let after = wav::read(&output).expect("output");
    assert!(after.channels.iter().flatten().all(|x| x.is_finite()));
}

#[test]
fn bad_input_gives_clear_errors() {
    let dir = temp_dir();
    let not_wav = dir.join("notes.wav");
    std::fs::write(&not_wav, "these are lyrics, not audio").expect("write");
    let out = dir.join("out.wav");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "render".into(),
                not_wav.display().to_string(),
                out.display().to_string(),
            ],
            "not a readable WAV file",
        ),
        (
            vec!["analyze".into(), "/nonexistent/voice.wav".into()],
            "not a readable WAV file",
        ),
        (
            vec![
                "render".into(),
                singer_wav(&dir).display().to_string(),
                out.display().to_string(),
                "--amount".into(),
                "2".into(),
                "--key".into(),
                "C".into(),
            ],
            "out of range",
        ),
        (
            vec![
                "render".into(),
                singer_wav(&dir).display().to_string(),
                out.display().to_string(),
                "--scale".into(),
                "minor".into(),
            ],
            "needs --key",
        ),
        (
            vec![
                "render".into(),
                singer_wav(&dir).display().to_string(),
                out.display().to_string(),
                "--key".into(),
                "H".into(),
            ],
            "not a note name",
        ),
        (
            vec![
                "render".into(),
                singer_wav(&dir).display().to_string(),
                out.display().to_string(),
                "--preset".into(),
                "chipmunk".into(),
            ],
            "no preset named",
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let result = run_daiw(&args);
        assert!(!result.status.success(), "{args:?} succeeded");
        assert!(
            stderr(&result).contains(expected),
            "{args:?}: {}",
            stderr(&result)
        );
    }

    // A WAV cut short.
    let good = singer_wav(&dir);
    let bytes = std::fs::read(&good).expect("read");
    let cut = dir.join("cut.wav");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    let result = run_daiw(&["analyze", cut.to_str().expect("utf-8 path")]);
    assert!(!result.status.success());
    assert!(stderr(&result).contains("truncated"), "{}", stderr(&result));
}
