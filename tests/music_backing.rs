//! End-to-end tests of `daiw backing`: every style's MIDI read back with midly and, independently,
//! with the Python package mido and Debian's fluidsynth; the built-in synthesiser's WAV; and the
//! same request through Debian's `mma` as an anchor. Missing tools fail the tests.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use midly::{MetaMessage, MidiMessage, Smf, Timing, TrackEventKind};
use serde_json::Value;

use support::{output_dir, project_root, run_daiw, test_python};

/// The twelve styles the issue asks for.
const STYLES: [&str; 12] = [
    "pop", "rock", "funk", "hiphop", "ballad", "jazz", "blues", "latin", "reggae", "edm", "lofi",
    "neo_soul",
];

/// The small General MIDI soundfont from Debian's `timgm6mb-soundfont`.
const SOUNDFONT: &str = "/usr/share/sounds/sf2/TimGM6mb.sf2";

/// Pitch classes of the tonics the tests use (written out here, not taken from the library).
fn tonic(name: &str) -> u8 {
    match name {
        "C" => 0,
        "D" => 2,
        "Eb" => 3,
        "E" => 4,
        "F" => 5,
        "F#" => 6,
        "G" => 7,
        "A" => 9,
        "Bb" => 10,
        "B" => 11,
        other => panic!("test tonic {other}"),
    }
}

/// Scale steps of the modes the tests use.
fn mode_steps(mode: &str) -> [u8; 7] {
    match mode {
        "major" => [0, 2, 4, 5, 7, 9, 11],
        "minor" => [0, 2, 3, 5, 7, 8, 10],
        "dorian" => [0, 2, 3, 5, 7, 9, 10],
        "mixolydian" => [0, 2, 4, 5, 7, 9, 10],
        "phrygian" => [0, 1, 3, 5, 7, 8, 10],
        "lydian" => [0, 2, 4, 6, 7, 9, 11],
        other => panic!("test mode {other}"),
    }
}

/// One request per style: (style, tonic, mode, tempo, bars).
fn requests() -> Vec<(&'static str, &'static str, &'static str, f64, u32)> {
    vec![
        ("pop", "F", "major", 112.0, 8),
        ("rock", "E", "minor", 128.0, 9),
        ("funk", "A", "dorian", 104.0, 8),
        ("hiphop", "C", "minor", 88.0, 6),
        ("ballad", "Bb", "major", 70.0, 5),
        ("jazz", "F", "major", 160.0, 8),
        ("blues", "G", "major", 96.0, 12),
        ("latin", "D", "minor", 118.0, 7),
        ("reggae", "G", "mixolydian", 80.0, 8),
        ("edm", "F#", "minor", 128.0, 16),
        ("lofi", "Eb", "major", 84.0, 4),
        ("neo_soul", "B", "minor", 76.0, 8),
    ]
}

fn out_dir(name: &str) -> PathBuf {
    output_dir("music_tests", name)
}

/// Runs `daiw backing` and returns its JSON summary; fails the test on a non-zero exit.
fn backing(args: &[&str]) -> Value {
    let out = run_daiw(&[&["backing"], args].concat());
    assert!(
        out.status.success(),
        "daiw backing {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("backing prints JSON")
}

fn generate(
    style: &str,
    tonic: &str,
    mode: &str,
    tempo: f64,
    bars: u32,
    dir: &Path,
) -> (Value, PathBuf) {
    let mid = dir.join(format!("{style}.mid"));
    let summary = backing(&[
        "--key",
        tonic,
        "--mode",
        mode,
        "--tempo",
        &tempo.to_string(),
        "--style",
        style,
        "--bars",
        &bars.to_string(),
        "--seed",
        "7",
        "--mid",
        mid.to_str().expect("UTF-8 path"),
    ]);
    (summary, mid)
}

/// A note read back from the file: absolute tick, channel, key, track name.
struct ReadNote {
    tick: u32,
    channel: u8,
    key: u8,
    track: String,
}

fn read_notes(smf: &Smf) -> Vec<ReadNote> {
    let mut notes = Vec::new();
    for track in &smf.tracks {
        let mut name = String::new();
        let mut now = 0u32;
        for event in track {
            now += event.delta.as_int();
            match event.kind {
                TrackEventKind::Meta(MetaMessage::TrackName(n)) => {
                    name = String::from_utf8_lossy(n).into_owned();
                }
                TrackEventKind::Midi {
                    channel,
                    message: MidiMessage::NoteOn { key, vel },
                } if vel.as_int() > 0 => notes.push(ReadNote {
                    tick: now,
                    channel: channel.as_int(),
                    key: key.as_int(),
                    track: name.clone(),
                }),
                _ => {}
            }
        }
    }
    notes
}

#[test]
fn every_style_reads_back_with_tempo_bars_key_drums_and_roots() {
    let dir = out_dir("styles");
    let styles: Vec<&str> = requests().iter().map(|r| r.0).collect();
    assert_eq!(styles, STYLES);
    for (style, tonic_name, mode, tempo, bars) in requests() {
        let (summary, mid) = generate(style, tonic_name, mode, tempo, bars, &dir);
        let bytes = std::fs::read(&mid).expect("the MIDI file was written");
        let smf = Smf::parse(&bytes).unwrap_or_else(|e| panic!("{style}: midly cannot parse: {e}"));
        assert_eq!(smf.header.format, midly::Format::Parallel, "{style}");
        let ppq = match smf.header.timing {
            Timing::Metrical(t) => t.as_int() as u32,
            other => panic!("{style}: timing {other:?}"),
        };
        assert_eq!(ppq, 480);
        let bar_ticks = ppq * 4;

        // Tempo and time signature in the conductor track.
        let mut tempos = Vec::new();
        let mut signature = None;
        for event in &smf.tracks[0] {
            match event.kind {
                TrackEventKind::Meta(MetaMessage::Tempo(t)) => {
                    tempos.push(60_000_000.0 / t.as_int() as f64)
                }
                TrackEventKind::Meta(MetaMessage::TimeSignature(n, d, _, _)) => {
                    signature = Some((n, 1u32 << d))
                }
                _ => {}
            }
        }
        assert_eq!(tempos.len(), 1, "{style}: one tempo");
        assert!(
            (tempos[0] - tempo).abs() < 0.01,
            "{style}: tempo {}",
            tempos[0]
        );
        assert_eq!(signature, Some((4, 4)), "{style}");

        // Exactly the asked number of bars: every track ends on the last bar line and no note
        // sounds past it.
        for (i, track) in smf.tracks.iter().enumerate() {
            let mut now = 0u32;
            for event in track {
                now += event.delta.as_int();
                assert!(now <= bars * bar_ticks, "{style}: track {i} event at {now}");
            }
            assert_eq!(now, bars * bar_ticks, "{style}: track {i} ends at {now}");
        }

        let notes = read_notes(&smf);
        // Drums on channel 10 (9 from 0), and only drums there.
        let drums: Vec<&ReadNote> = notes.iter().filter(|n| n.track == "Drums").collect();
        assert!(
            drums.len() >= bars as usize * 4,
            "{style}: {} drum notes",
            drums.len()
        );
        assert!(
            drums.iter().all(|n| n.channel == 9),
            "{style}: drums off channel 10"
        );
        assert!(notes
            .iter()
            .filter(|n| n.track != "Drums")
            .all(|n| n.channel != 9));

        // Pitched notes in key, except tones of chords the generator marks as borrowed and a
        // walking bass's half-step approach to the next root.
        let mask: u16 = mode_steps(mode)
            .iter()
            .fold(0, |m, s| m | 1 << ((tonic(tonic_name) + s) % 12));
        let spans: Vec<(u32, u32, u8, Vec<u8>, bool)> = summary["chords"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["start_tick"].as_u64().unwrap() as u32,
                    c["end_tick"].as_u64().unwrap() as u32,
                    c["root"].as_u64().unwrap() as u8,
                    c["pitch_classes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|p| p.as_u64().unwrap() as u8)
                        .collect(),
                    c["borrowed"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(spans.last().map(|s| s.1), Some(bars * bar_ticks), "{style}");
        let span_at = |tick: u32| {
            spans
                .iter()
                .position(|s| s.0 <= tick && tick < s.1)
                .unwrap_or(spans.len() - 1)
        };
        let mut out_of_key = 0;
        for note in notes.iter().filter(|n| n.track != "Drums") {
            let pc = note.key % 12;
            if mask & (1 << pc) != 0 {
                continue;
            }
            out_of_key += 1;
            // Humanised notes may sit a little early: look at the chord 40 ticks on as well.
            let here = span_at(note.tick);
            let later = span_at(note.tick + 40);
            let borrowed = [here, later]
                .iter()
                .any(|&i| spans[i].4 && spans[i].3.contains(&pc));
            let approach = note.track == "Bass"
                && [here, later].iter().any(|&i| {
                    let next = &spans[(i + 1) % spans.len()];
                    (next.2 + 11) % 12 == pc
                });
            assert!(
                borrowed || approach,
                "{style}: note {} at tick {} ({}) is outside {tonic_name} {mode} without a reason",
                note.key,
                note.tick,
                note.track
            );
        }
        if !matches!(style, "jazz" | "blues") {
            assert_eq!(
                out_of_key, 0,
                "{style}: the default progression stays in key"
            );
        }

        // Bass roots follow the progression: the first bass note of every chord is its root.
        let bass: Vec<&ReadNote> = notes.iter().filter(|n| n.track == "Bass").collect();
        assert!(bass.iter().all(|n| n.channel == 0));
        for (start, end, root, _, _) in &spans {
            let first = bass
                .iter()
                .find(|n| n.tick + 60 >= *start && n.tick + 60 < *end)
                .unwrap_or_else(|| panic!("{style}: no bass under the chord at {start}"));
            assert_eq!(
                first.key % 12,
                *root,
                "{style}: bass at {} is not the root",
                first.tick
            );
        }
        assert!(notes.iter().any(|n| n.track == "Chords" && n.channel == 1));
    }
}

#[test]
fn same_seed_same_file_other_seed_other_file() {
    let dir = out_dir("seeds");
    let run = |seed: &str, name: &str| {
        let path = dir.join(name);
        backing(&[
            "--key",
            "D",
            "--mode",
            "minor",
            "--tempo",
            "95",
            "--style",
            "funk",
            "--bars",
            "8",
            "--seed",
            seed,
            "--mid",
            path.to_str().unwrap(),
        ]);
        std::fs::read(path).unwrap()
    };
    assert_eq!(run("3", "a.mid"), run("3", "b.mid"));
    assert_ne!(run("3", "a.mid"), run("4", "c.mid"));
}

#[test]
fn an_independent_reader_agrees_mido_and_fluidsynth() {
    assert!(
        Path::new(SOUNDFONT).exists(),
        "{SOUNDFONT} is missing: install Debian's timgm6mb-soundfont (scripts/setup.sh)"
    );
    assert!(
        Command::new("fluidsynth").arg("--version").output().is_ok(),
        "fluidsynth is missing: install Debian's fluidsynth (scripts/setup.sh)"
    );
    let python = test_python();
    let reader = project_root().join("tests/music/midi_reader.py");
    let dir = out_dir("independent");
    for (style, tonic_name, mode, tempo, bars) in requests() {
        let (summary, mid) = generate(style, tonic_name, mode, tempo, bars, &dir);
        let wav = dir.join(format!("{style}.fluidsynth.wav"));
        let out = Command::new(&python)
            .arg(&reader)
            .arg(&mid)
            .args(["--render", wav.to_str().unwrap(), "--soundfont", SOUNDFONT])
            .output()
            .expect("run the Python reader");
        assert!(
            out.status.success(),
            "{style}: mido/fluidsynth failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let midi = &report["midi"];
        let expected = bars as f64 * 4.0 * 60.0 / tempo;
        assert_eq!(midi["type"], 1, "{style}");
        assert_eq!(midi["ticks_per_beat"], 480, "{style}");
        let length = midi["length_seconds"].as_f64().unwrap();
        assert!(
            (length - expected).abs() < 0.01,
            "{style}: mido says {length} s, expected {expected}"
        );
        let tempos: Vec<f64> = midi["tempos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_f64().unwrap())
            .collect();
        assert!(
            tempos.len() == 1 && (tempos[0] - tempo).abs() < 0.01,
            "{style}: {tempos:?}"
        );
        assert_eq!(midi["time_signatures"][0], serde_json::json!([4, 4]));
        let tracks = midi["tracks"].as_array().unwrap();
        let by_name: BTreeMap<&str, &Value> = tracks
            .iter()
            .map(|t| (t["name"].as_str().unwrap(), t))
            .collect();
        assert_eq!(
            by_name["Drums"]["channels"],
            serde_json::json!([9]),
            "{style}"
        );
        assert!(by_name["Drums"]["notes"].as_u64().unwrap() > 0);
        assert_eq!(
            by_name["Bass"]["programs"],
            serde_json::json!([[0, summary["programs"]["bass"]]])
        );
        assert_eq!(
            by_name["Chords"]["programs"],
            serde_json::json!([[1, summary["programs"]["chords"]]])
        );
        let audio = &report["audio"];
        let seconds = audio["seconds"].as_f64().unwrap();
        assert!(
            seconds >= expected - 0.05 && seconds <= expected + 15.0,
            "{style}: fluidsynth rendered {seconds} s for {expected} s of MIDI"
        );
        assert!(
            audio["rms"].as_f64().unwrap() > 0.005,
            "{style}: silent render"
        );
        assert!(audio["peak"].as_f64().unwrap() < 1.0);
        // Sound all the way through: every whole second of the song is audible.
        let per_second = audio["rms_per_second"].as_array().unwrap();
        for (i, rms) in per_second
            .iter()
            .take(expected.floor() as usize)
            .enumerate()
        {
            assert!(
                rms.as_f64().unwrap() > 0.002,
                "{style}: second {i} is silent"
            );
        }
    }
}

#[test]
fn the_fundsp_wav_matches_the_midi_length_is_audible_and_unclipped() {
    let dir = out_dir("wav");
    for (style, tonic_name, mode, tempo, _) in requests() {
        let bars = 4u32;
        let mid = dir.join(format!("{style}.mid"));
        let wav = dir.join(format!("{style}.wav"));
        let summary = backing(&[
            "--key",
            tonic_name,
            "--mode",
            mode,
            "--tempo",
            &tempo.to_string(),
            "--style",
            style,
            "--bars",
            &bars.to_string(),
            "--seed",
            "1",
            "--mid",
            mid.to_str().expect("UTF-8 path"),
            "--wav",
            wav.to_str().unwrap(),
        ]);
        assert_eq!(summary["wav"].as_str(), wav.to_str());
        // The MIDI's own length, from the file.
        let smf_bytes = std::fs::read(&mid).unwrap();
        let smf = Smf::parse(&smf_bytes).unwrap();
        let end: u32 = smf.tracks[0].iter().map(|e| e.delta.as_int()).sum();
        let midi_seconds = end as f64 / 480.0 * 60.0 / tempo;
        let mut reader = hound::WavReader::open(&wav).expect("a readable WAV");
        let spec = reader.spec();
        assert_eq!(
            (spec.channels, spec.sample_rate, spec.bits_per_sample),
            (2, 44100, 16)
        );
        let samples: Vec<i16> = reader.samples::<i16>().map(|s| s.unwrap()).collect();
        let frames = samples.len() / 2;
        let expected = (midi_seconds * 44100.0).round() as usize;
        assert!(
            frames.abs_diff(expected) <= 1,
            "{style}: {frames} frames, MIDI is {expected}"
        );
        let peak = samples.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
        assert!(peak < 32_000, "{style}: peak {peak} (clipping)");
        assert!(peak > 20_000, "{style}: peak {peak} (not normalised)");
        let rms = (samples.iter().map(|&s| (s as f64).powi(2)).sum::<f64>() / samples.len() as f64)
            .sqrt();
        assert!(rms > 0.02 * 32768.0, "{style}: rms {rms}");
        // Audible in every beat-long window after the first, not only at the start.
        let beat = (60.0 / tempo * 44100.0) as usize;
        for (i, window) in samples.chunks(beat * 2).enumerate() {
            let energy =
                window.iter().map(|&s| (s as f64).abs()).sum::<f64>() / window.len() as f64;
            assert!(energy > 100.0, "{style}: beat {i} is silent");
        }
    }
}

#[test]
fn bad_requests_fail_with_a_message() {
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "--key", "F", "--tempo", "100", "--style", "polka", "--bars", "4",
            ],
            "unknown style",
        ),
        (
            &[
                "--key", "H", "--tempo", "100", "--style", "pop", "--bars", "4",
            ],
            "is not a key",
        ),
        (
            &[
                "--key", "F", "--mode", "bebop", "--tempo", "100", "--style", "pop", "--bars", "4",
            ],
            "is not a mode",
        ),
        (
            &[
                "--key", "F", "--tempo", "1000", "--style", "pop", "--bars", "4",
            ],
            "outside 20..300",
        ),
    ];
    for (args, message) in cases {
        let out = run_daiw(&[&["backing"], args].concat());
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty());
    }
    let out = run_daiw(&["backing", "--key", "F"]);
    assert!(!out.status.success());
}

/// The mma groove that plays the same kind of music as each of our styles.
fn mma_groove(style: &str) -> &'static str {
    match style {
        "pop" => "8Beat",
        "rock" => "BasicRock",
        "funk" => "BVFunk",
        "hiphop" => "R&B",
        "ballad" => "PianoBallad",
        "jazz" => "Swing",
        "blues" => "Blues",
        "latin" => "Son",
        "reggae" => "Ska",
        "edm" => "Trance",
        "lofi" => "SlowJazz",
        _ => "DSoulPlus",
    }
}

/// Anchor: the same request (style, key, tempo, bars and our chords) through Debian's `mma`.
/// Both files must parse with the same tempo and length within one beat; the comparison of
/// instruments and timing is printed (run with --nocapture to read it).
#[test]
fn mma_anchor_generates_the_same_request() {
    let mma = Command::new("mma").arg("-v").output();
    assert!(
        mma.is_ok(),
        "mma is missing: install Debian's mma (scripts/setup.sh)"
    );
    let dir = out_dir("mma");
    let mut lines = Vec::new();
    for (style, tonic_name, mode, tempo, bars) in requests() {
        let started = Instant::now();
        let (summary, mid) = generate(style, tonic_name, mode, tempo, bars, &dir);
        let ours = started.elapsed();
        let chart: String = summary["chords"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{} {}\n", c["bar"], mma_chord(c["chord"].as_str().unwrap())))
            .collect();
        let source = format!("Tempo {tempo}\nGroove {}\n{chart}", mma_groove(style));
        let mma_file = dir.join(format!("{style}.mma"));
        let mma_mid = dir.join(format!("{style}.mma.mid"));
        std::fs::write(&mma_file, source).unwrap();
        let started = Instant::now();
        let out = Command::new("mma")
            .arg("-f")
            .arg(&mma_mid)
            .arg(&mma_file)
            .output()
            .expect("run mma");
        let theirs = started.elapsed();
        assert!(
            out.status.success() && mma_mid.exists(),
            "{style}: mma failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let describe = |path: &Path| {
            let bytes = std::fs::read(path).unwrap();
            let smf = Smf::parse(&bytes).unwrap();
            let ppq = match smf.header.timing {
                Timing::Metrical(t) => t.as_int() as f64,
                _ => panic!("timecode timing"),
            };
            let mut tempo_seen = 0.0;
            let mut end = 0u32;
            let mut programs = Vec::new();
            for track in &smf.tracks {
                let mut now = 0;
                for event in track {
                    now += event.delta.as_int();
                    match event.kind {
                        TrackEventKind::Meta(MetaMessage::Tempo(t)) => {
                            tempo_seen = 60_000_000.0 / t.as_int() as f64
                        }
                        TrackEventKind::Midi {
                            channel,
                            message: MidiMessage::ProgramChange { program },
                        } => programs.push(format!(
                            "ch{}:{}",
                            channel.as_int() + 1,
                            program.as_int()
                        )),
                        _ => {}
                    }
                }
                end = end.max(now);
            }
            let notes = read_notes(&smf);
            let drums = notes.iter().filter(|n| n.channel == 9).count();
            (
                tempo_seen,
                end as f64 / ppq * 60.0 / tempo,
                smf.tracks.len(),
                programs,
                notes.len(),
                drums,
            )
        };
        let (our_tempo, our_len, our_tracks, our_programs, our_notes, our_drums) = describe(&mid);
        let (mma_tempo, mma_len, mma_tracks, mma_programs, mma_notes, mma_drums) =
            describe(&mma_mid);
        assert!(
            (our_tempo - mma_tempo).abs() < 0.5,
            "{style}: tempo {our_tempo} vs mma {mma_tempo}"
        );
        let beat = 60.0 / tempo;
        assert!(
            (our_len - mma_len).abs() <= beat + 0.01,
            "{style}: {our_len:.2} s vs mma {mma_len:.2} s"
        );
        assert!(our_drums > 0 && mma_drums > 0);
        lines.push(format!(
            "{style:9} vs mma {:12} | tracks {our_tracks} vs {mma_tracks} | notes {our_notes} \
             ({our_drums} drums) vs {mma_notes} ({mma_drums}) | {our_len:.2} s vs {mma_len:.2} s | \
             programs [{}] vs [{}] | {:.0} ms vs {:.0} ms",
            mma_groove(style),
            our_programs.join(" "),
            mma_programs.join(" "),
            ours.as_secs_f64() * 1e3,
            theirs.as_secs_f64() * 1e3,
        ));
    }
    println!(
        "ours vs mma (same key, tempo, bars, chords):\n{}",
        lines.join("\n")
    );
}

/// Our chord symbol in mma's spelling (mma reads a bare "dim" as a diminished seventh).
fn mma_chord(symbol: &str) -> String {
    if let Some(root) = symbol.strip_suffix("dim") {
        format!("{root}mb5")
    } else {
        symbol.replace("mMaj7", "m(maj7)")
    }
}
