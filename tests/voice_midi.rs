//! Voice to MIDI in the real CLAP bundle (built with `assert_process_allocs`, so any allocation
//! on the audio thread aborts the test): phrases with known note onsets go in, and every
//! note-on must come out with the right key, on the right channel, at the onset's sample plus
//! the plugin's latency (plus the tracker's confirmation, measured and bounded below); every
//! note-on is paired with its note-off and nothing hangs. Build the bundle first:
//! `cargo xtask bundle daiw --profile release-checked --features standalone,assert_process_allocs`.

#[path = "common/clap_host.rs"]
mod clap_host;

use clap_host::{
    breadcrumb, load_bundle, BlockPattern, HostTransport, NoteOut, ParamChange, ParamDesc, Plugin,
    RunOptions, Signal,
};
use daiw::dsp::synthetic_singer::{sing, GapKind, Segment, SingerConfig};

/// How late a note-on may come after its onset sounds in the output, in seconds: the
/// tracker's 35 ms confirmation, the detector's own onset delay (about 15-20 ms), more when a
/// note starts on a vibrato's steepest slope (the tracker waits for the pitch to hold), and
/// most at a legato step where the detector first takes the octave above for ~30 ms (the
/// phrase's step into G4: measured 78 ms).
const LATE_TOLERANCE_S: f64 = 0.085;
/// How early one may come: none, beyond the detector's centring (a couple of milliseconds).
const EARLY_TOLERANCE_S: f64 = 0.003;

/// A note of a test phrase: MIDI key and onset in input samples.
#[derive(Debug, Clone, Copy)]
struct Truth {
    key: u16,
    onset: usize,
}

fn find<'a>(params: &'a [ParamDesc], name: &str) -> &'a ParamDesc {
    params
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no parameter {name}"))
}

/// What a run changes and how it is cut.
struct Setup {
    sample_rate: f64,
    blocks: BlockPattern,
    /// (parameter name, value, sample): sorted by sample.
    changes: Vec<(&'static str, f64, usize)>,
    transport: Option<HostTransport>,
}

impl Setup {
    fn on(sample_rate: f64, blocks: BlockPattern) -> Self {
        Self {
            sample_rate,
            blocks,
            changes: vec![("Voice to MIDI", 1.0, 0)],
            transport: None,
        }
    }
}

/// Runs `input` (mono, copied to both channels) through the plugin; returns the notes it sent
/// and its latency.
fn run(input: &[f32], setup: &Setup) -> (Vec<NoteOut>, usize) {
    let entry = load_bundle();
    let mut plugin = Plugin::new(&entry);
    let params = plugin.parameters();
    plugin.activate(setup.sample_rate, setup.blocks.max_block());
    let latency = plugin.latency() as usize;
    let changes: Vec<ParamChange> = setup
        .changes
        .iter()
        .map(|&(name, value, sample)| ParamChange {
            sample,
            param_id: find(&params, name).id,
            value,
        })
        .collect();
    let mut signal = Signal {
        input: vec![input.to_vec(); 2],
        output: vec![vec![f32::NAN; input.len()]; 2],
        reference: vec![input.to_vec(); 2],
    };
    let stats = plugin
        .run_with(
            &mut signal,
            setup.blocks,
            &changes,
            RunOptions {
                transport: setup.transport,
                real_time: false,
            },
        )
        .unwrap_or_else(|e| panic!("run: {e}"));
    assert!(signal.output.iter().flatten().all(|x| x.is_finite()));
    plugin.deactivate();
    std::mem::forget(entry);
    (stats.notes, latency)
}

/// Every note-on is followed by its own note-off (same key and channel) before the next
/// note-on, and nothing sounds at the end.
fn assert_paired(notes: &[NoteOut]) {
    let mut sounding: Option<NoteOut> = None;
    for note in notes {
        match (note.on, sounding) {
            (true, None) => sounding = Some(*note),
            (false, Some(on)) if on.key == note.key && on.channel == note.channel => {
                assert!(note.sample >= on.sample, "off before on: {on:?} {note:?}");
                sounding = None;
            }
            _ => panic!("unpaired {note:?} while {sounding:?} sounds\n{notes:?}"),
        }
    }
    assert_eq!(sounding, None, "a note hangs at the end");
}

/// Checks every note-on against the truth; returns each one's lateness in seconds.
fn check_onsets(notes: &[NoteOut], truth: &[Truth], latency: usize, sample_rate: f64) -> Vec<f64> {
    let ons: Vec<&NoteOut> = notes.iter().filter(|n| n.on).collect();
    let keys: Vec<u16> = ons.iter().map(|n| n.key).collect();
    let want: Vec<u16> = truth.iter().map(|t| t.key).collect();
    assert_eq!(keys, want, "note-on keys\n{ons:?}");
    ons.iter()
        .zip(truth)
        .map(|(on, t)| {
            let expected = t.onset + latency;
            let late = (on.sample as f64 - expected as f64) / sample_rate;
            assert!(
                (-EARLY_TOLERANCE_S..=LATE_TOLERANCE_S).contains(&late),
                "note {} expected at sample {expected} (onset {} + latency {latency}), came at \
                 {}: {:+.1} ms",
                t.key,
                t.onset,
                on.sample,
                late * 1000.0
            );
            late
        })
        .collect()
}

fn report(name: &str, lateness: &[f64]) {
    let ms: Vec<String> = lateness
        .iter()
        .map(|l| format!("{:+.1}", l * 1000.0))
        .collect();
    let mean = lateness.iter().sum::<f64>() / lateness.len().max(1) as f64;
    let max = lateness.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    println!(
        "{name}: note-on lateness after onset + latency, ms: [{}]; mean {:.1}, max {:.1}",
        ms.join(", "),
        mean * 1000.0,
        max * 1000.0
    );
}

/// The synthetic singer's phrase: attacks after silence, a breath and a fricative, a glide
/// into a note, a legato step of a third, vibrato up to 50 cents. All notes are in C major,
/// the default tuning, so the sung note and the key's note agree.
fn sung_phrase(sample_rate: f32) -> (Vec<f32>, Vec<Truth>) {
    let note = |midi: f32, seconds: f32, vibrato_cents: f32| Segment::Note {
        midi,
        seconds,
        vibrato_cents,
        vibrato_hz: 5.5,
    };
    let gap = |seconds: f32, kind: GapKind| Segment::Gap { seconds, kind };
    let segments = vec![
        gap(0.3, GapKind::Silence),
        note(57.0, 0.5, 0.0),
        gap(0.12, GapKind::Breath),
        note(60.0, 0.5, 40.0),
        Segment::Glide {
            from: 60.0,
            to: 64.0,
            seconds: 0.12,
        },
        note(64.0, 0.5, 0.0),
        note(67.0, 0.5, 30.0),
        gap(0.1, GapKind::Fricative),
        note(62.0, 0.6, 50.0),
        gap(0.3, GapKind::Silence),
        note(69.0, 0.4, 0.0),
        gap(0.4, GapKind::Silence),
    ];
    let performance = sing(
        &segments,
        &SingerConfig {
            sample_rate,
            ..SingerConfig::default()
        },
    );
    // Segment starts in samples, as `sing` renders them.
    let mut starts = Vec::new();
    let mut position = 0usize;
    for segment in &segments {
        starts.push(position);
        let seconds = match *segment {
            Segment::Note { seconds, .. }
            | Segment::Glide { seconds, .. }
            | Segment::Gap { seconds, .. } => seconds,
        };
        position += (seconds * sample_rate) as usize;
    }
    // The heard pitch lags the source by the tract's delay: read it off the first attack.
    let first_voiced = performance
        .f0
        .iter()
        .position(|&f| f > 0.0)
        .expect("the phrase is sung");
    let delay = first_voiced - starts[1];
    let truth = segments
        .iter()
        .zip(&starts)
        .filter_map(|(segment, &start)| match *segment {
            Segment::Note { midi, .. } => Some(Truth {
                key: midi.round() as u16,
                onset: start + delay,
            }),
            _ => None,
        })
        .collect();
    (performance.samples, truth)
}

/// Pure sine tones (no formants, no jitter, no vibrato: not what the tracker was tuned on),
/// with silences, one legato step of a whole tone and a high note.
fn sine_phrase(sample_rate: f32) -> (Vec<f32>, Vec<Truth>) {
    // (midi, seconds, silence before)
    let plan: [(f32, f32, f32); 5] = [
        (55.0, 0.4, 0.25),
        (62.0, 0.4, 0.15),
        (64.0, 0.4, 0.0),
        (79.0, 0.35, 0.2),
        (48.0, 0.5, 0.3),
    ];
    let mut samples = Vec::new();
    let mut truth = Vec::new();
    let mut phase = 0.0f64;
    for (midi, seconds, silence) in plan {
        if silence > 0.0 {
            samples.extend(std::iter::repeat_n(0.0, (silence * sample_rate) as usize));
            phase = 0.0;
        }
        truth.push(Truth {
            key: midi as u16,
            onset: samples.len(),
        });
        let hz = 440.0 * f64::from((midi - 69.0) / 12.0).exp2();
        for _ in 0..(seconds * sample_rate) as usize {
            samples.push((0.3 * phase.sin()) as f32);
            phase += std::f64::consts::TAU * hz / f64::from(sample_rate);
        }
    }
    samples.extend(std::iter::repeat_n(0.0, (0.3 * sample_rate) as usize));
    (samples, truth)
}

#[test]
fn sung_notes_arrive_on_their_onset_sample_plus_latency() {
    breadcrumb("voice midi: synthetic singer at 48 kHz, block 256");
    let (input, truth) = sung_phrase(48_000.0);
    let (notes, latency) = run(&input, &Setup::on(48_000.0, BlockPattern::Fixed(256)));
    assert_paired(&notes);
    let lateness = check_onsets(&notes, &truth, latency, 48_000.0);
    report("singer 48 kHz", &lateness);
    // Channel 1 (the parameter's default) is MIDI's channel 0.
    assert!(notes.iter().all(|n| n.channel == 0), "{notes:?}");

    breadcrumb("voice midi: the same at varying block sizes");
    let (varying, _) = run(&input, &Setup::on(48_000.0, BlockPattern::Varying));
    assert_eq!(varying.len(), notes.len(), "{varying:?}");
    for (a, b) in varying.iter().zip(&notes) {
        assert_eq!((a.on, a.key), (b.on, b.key));
        // A frame's event can only move at a block edge (clamped into its block).
        assert!(a.sample.abs_diff(b.sample) <= 1, "{a:?} vs {b:?}");
    }
}

#[test]
fn pure_sines_at_44k1_and_the_channel_parameter() {
    breadcrumb("voice midi: sine phrase at 44.1 kHz on channel 5");
    let (input, truth) = sine_phrase(44_100.0);
    let mut setup = Setup::on(44_100.0, BlockPattern::Fixed(441));
    // CLAP carries a whole-number parameter as its step from the lowest value: channel 5 is 4.
    setup.changes.push(("Voice MIDI Channel", 4.0, 0));
    let (notes, latency) = run(&input, &setup);
    assert_paired(&notes);
    let lateness = check_onsets(&notes, &truth, latency, 44_100.0);
    report("sines 44.1 kHz", &lateness);
    assert!(notes.iter().all(|n| n.channel == 4), "{notes:?}");

    breadcrumb("voice midi: singer at 44.1 kHz");
    let (input, truth) = sung_phrase(44_100.0);
    let (notes, latency) = run(&input, &Setup::on(44_100.0, BlockPattern::Fixed(128)));
    assert_paired(&notes);
    report(
        "singer 44.1 kHz",
        &check_onsets(&notes, &truth, latency, 44_100.0),
    );
}

#[test]
fn off_by_default_and_no_note_hangs_when_switched_off_or_bypassed() {
    let (input, truth) = sung_phrase(48_000.0);
    breadcrumb("voice midi: default parameters send nothing");
    let mut setup = Setup::on(48_000.0, BlockPattern::Fixed(512));
    setup.changes.clear();
    let (notes, _) = run(&input, &setup);
    assert!(notes.is_empty(), "{notes:?}");

    // Switched off in the middle of the second note: its note-off comes at that block.
    breadcrumb("voice midi: switched off mid-note");
    let off_at = truth[1].onset + 12_000;
    let mut setup = Setup::on(48_000.0, BlockPattern::Fixed(512));
    setup.changes.push(("Voice to MIDI", 0.0, off_at));
    let (notes, _) = run(&input, &setup);
    assert_paired(&notes);
    assert_eq!(notes.iter().filter(|n| n.on).count(), 2, "{notes:?}");
    let last = notes.last().expect("notes");
    assert!(
        !last.on && last.sample.abs_diff(off_at) < 512,
        "{last:?} vs {off_at}"
    );

    // Bypassed mid-note: the same.
    breadcrumb("voice midi: bypassed mid-note");
    let mut setup = Setup::on(48_000.0, BlockPattern::Fixed(512));
    setup.changes.push(("Bypass", 1.0, off_at));
    let (notes, _) = run(&input, &setup);
    assert_paired(&notes);
    assert_eq!(notes.iter().filter(|n| n.on).count(), 2, "{notes:?}");
}
