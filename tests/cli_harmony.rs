//! `daiw render --chords ... --follow-chords --harmony N --stems DIR` end to end: the output
//! becomes stereo, the stems folder holds the lead and one file per voice, each voice alone
//! sings chord tones, and bad charts or missing companions are refused with a clear error.

use std::path::PathBuf;

use daiw::dsp::synthetic_singer::{sing, Segment, SingerConfig};
use daiw::offline::analyze::pitch_track;
use daiw::offline::wav::{self, Audio, WavFormat};

mod support;

use support::run_daiw;

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("daiw-cli-harmony-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Four bars at 120 BPM (2 s each) of a mono singer around E4 and A4.
fn input(dir: &std::path::Path) -> PathBuf {
    let note = |midi: f32| Segment::Note {
        midi,
        seconds: 1.0,
        vibrato_cents: 0.0,
        vibrato_hz: 5.5,
    };
    let performance = sing(
        &[
            note(64.2),
            note(62.3),
            note(67.2),
            note(71.3),
            note(69.2),
            note(64.1),
            note(65.3),
            note(69.2),
        ],
        &SingerConfig {
            sample_rate: 44_100.0,
            ..SingerConfig::default()
        },
    );
    let path = dir.join("voice.wav");
    let audio = Audio {
        channels: vec![performance.samples],
        sample_rate: 44_100,
        format: WavFormat {
            bits: 24,
            float: false,
        },
    };
    wav::write(&path, &audio).expect("write");
    path
}

fn cents_to_mask(hz: f32, mask: u16) -> f32 {
    let cents = 6900.0 + 1200.0 * (hz / 440.0).log2();
    let centre = (cents / 100.0).round() as i32;
    (centre - 7..=centre + 7)
        .filter(|n| mask & (1 << n.rem_euclid(12)) != 0)
        .map(|n| (cents - n as f32 * 100.0).abs())
        .fold(f32::INFINITY, f32::min)
}

#[test]
fn render_with_chords_writes_a_stereo_mix_and_one_stem_per_voice() {
    let dir = temp_dir("stems");
    let input = input(&dir);
    let out = dir.join("out.wav");
    let stems = dir.join("stems");
    let output = run_daiw(&[
        "render",
        input.to_str().expect("path"),
        out.to_str().expect("path"),
        "--chords",
        "C G:1 Am F",
        "--tempo",
        "120",
        "--follow-chords",
        "--retune-ms",
        "0",
        "--vibrato",
        "0",
        "--humanize",
        "0",
        "--key",
        "C",
        "--harmony",
        "2",
        "--stems",
        stems.to_str().expect("path"),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mix = wav::read(&out).expect("mix");
    assert_eq!(mix.channels.len(), 2, "harmony makes the output stereo");
    assert_eq!(mix.format.bits, 24);
    let masks: [u16; 4] = [
        1 << 0 | 1 << 4 | 1 << 7,
        1 << 7 | 1 << 11 | 1 << 2,
        1 << 9 | 1 << 0 | 1 << 4,
        1 << 5 | 1 << 9 | 1 << 0,
    ];
    for name in ["lead.wav", "harmony-1.wav", "harmony-2.wav"] {
        let stem = wav::read(&stems.join(name)).expect(name);
        assert_eq!(stem.frames(), mix.frames());
        let rows = pitch_track(&stem);
        let judged: Vec<_> = rows
            .iter()
            .filter(|r| r.voiced && (r.time_s % 2.0) > 0.05 && (r.time_s % 2.0) < 1.95)
            .filter(|r| (r.time_s % 1.0) > 0.05 && (r.time_s % 1.0) < 0.95)
            .collect();
        let good = judged
            .iter()
            .filter(|r| cents_to_mask(r.f0_hz, masks[(r.time_s / 2.0) as usize % 4]) <= 20.0)
            .count();
        let share = good as f32 / judged.len().max(1) as f32;
        println!(
            "{name}: {:.1} % of {} frames on chord tones",
            100.0 * share,
            judged.len()
        );
        assert!(judged.len() > 500 && share >= 0.95, "{name}: {share}");
    }
    assert!(!stems.join("harmony-3.wav").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_charts_and_missing_companions_are_refused() {
    let dir = temp_dir("errors");
    let input = input(&dir);
    let out = dir.join("out.wav");
    let (i, o) = (input.to_str().expect("path"), out.to_str().expect("path"));
    for (args, expected) in [
        (
            vec!["--chords", "C Hm", "--tempo", "100"],
            "'Hm' is not a chord symbol",
        ),
        (vec!["--chords", "C G"], "--chords needs --tempo"),
        (vec!["--follow-chords"], "--follow-chords needs --chords"),
        (vec!["--chords", "C:0", "--tempo", "100"], "bar count"),
        (vec!["--harmony", "4", "--key", "C"], "out of range"),
        (vec!["--chords", "C", "--tempo", "900"], "out of range"),
    ] {
        let mut all = vec!["render", i, o];
        all.extend(args.iter().copied());
        let output = run_daiw(&all);
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} succeeded");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    assert!(!out.exists(), "nothing is written on an error");
    let _ = std::fs::remove_dir_all(&dir);
}
