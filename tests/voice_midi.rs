//! Voice to MIDI in the real CLAP bundle (built with `assert_process_allocs`, so any allocation
//! on the audio thread aborts the test): phrases with known note onsets go in, and every
//! note-on must come out with the right key, on the right channel, on the onset's sample plus
//! the latency the plugin reports (which includes Voice to MIDI's lookahead once the switch is
//! on: the host reads it after the restart the change asks for); every note-on is paired with
//! its note-off and nothing hangs; and the lookahead only delays the sound, never changes it.
//! Build the bundle first:
//! `cargo xtask bundle daiw --profile release-checked --features standalone,assert_process_allocs`.

#[path = "common/clap_host.rs"]
mod clap_host;

use clap_host::{
    breadcrumb, load_bundle, BlockPattern, HostTransport, NoteOut, ParamChange, ParamDesc, Plugin,
    RunOptions, Signal,
};
use daiw::assistant::state::BackingSpec;
use daiw::dsp::synthetic_singer::{sing, GapKind, Segment, SingerConfig};
use daiw::plugin::state::SavedSession;
use daiw::plugin::voice_midi::lookahead_samples;

/// How far a note-on may land from its onset plus the reported latency, either way, in
/// seconds: the onset estimate reads 5 ms analysis frames (a hop of quantisation either side
/// of an interpolated crossing).
const TOLERANCE_S: f64 = 0.010;

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
    /// Voice to MIDI switched on (as a user does, while the plugin runs) before the run.
    voice_midi: bool,
    /// (parameter name, value, sample) during the run: sorted by sample.
    changes: Vec<(&'static str, f64, usize)>,
    transport: Option<HostTransport>,
    /// A project saved with a backing (D minor pop, 2 bars) is opened before activation.
    backing: Option<BackingSpec>,
}

impl Setup {
    fn on(sample_rate: f64, blocks: BlockPattern) -> Self {
        Self {
            sample_rate,
            blocks,
            voice_midi: true,
            changes: Vec::new(),
            transport: None,
            backing: None,
        }
    }
}

/// What a run gave.
struct Outcome {
    notes: Vec<NoteOut>,
    /// The left output channel.
    output: Vec<f32>,
    /// The latency the plugin reported for the run.
    latency: usize,
    /// The chain's own latency (reported before the switch went on).
    chain_latency: usize,
}

/// Runs `input` (mono, copied to both channels) through the plugin.
fn run(input: &[f32], setup: &Setup) -> Outcome {
    let entry = load_bundle();
    let mut plugin = Plugin::new(&entry);
    let params = plugin.parameters();
    if let Some(spec) = &setup.backing {
        let saved = SavedSession {
            backing: Some(spec.clone()),
            ..SavedSession::default()
        };
        plugin.load_state_with_field("session", &serde_json::to_value(&saved).expect("JSON"));
    }
    plugin.activate(setup.sample_rate, setup.blocks.max_block());
    let chain_latency = plugin.latency() as usize;
    if setup.voice_midi {
        // The switch goes on while audio runs: the plugin reports its new latency and asks
        // for a restart, which this host (like a DAW) honours once the run is over.
        let silence = vec![vec![0.0; 4096]; 2];
        let mut warm_up = Signal {
            input: silence.clone(),
            output: silence.clone(),
            reference: silence,
        };
        let switch = ParamChange {
            sample: 0,
            param_id: find(&params, "Voice to MIDI").id,
            value: 1.0,
        };
        plugin
            .run(&mut warm_up, setup.blocks, &[switch])
            .unwrap_or_else(|e| panic!("warm-up: {e}"));
        let counters = plugin.host_counters();
        assert!(
            counters.restarts >= 1 && counters.latency_changes >= 1,
            "the latency change must reach the host: {counters}"
        );
    }
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
    Outcome {
        notes: stats.notes,
        output: signal.output.swap_remove(0),
        latency,
        chain_latency,
    }
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

/// Checks every note-on against the truth; returns each one's error in seconds (late > 0).
fn check_onsets(notes: &[NoteOut], truth: &[Truth], latency: usize, sample_rate: f64) -> Vec<f64> {
    let ons: Vec<&NoteOut> = notes.iter().filter(|n| n.on).collect();
    let keys: Vec<u16> = ons.iter().map(|n| n.key).collect();
    let want: Vec<u16> = truth.iter().map(|t| t.key).collect();
    assert_eq!(keys, want, "note-on keys\n{ons:?}");
    ons.iter()
        .zip(truth)
        .map(|(on, t)| {
            let expected = t.onset + latency;
            let error = (on.sample as f64 - expected as f64) / sample_rate;
            assert!(
                error.abs() <= TOLERANCE_S,
                "note {} expected at sample {expected} (onset {} + latency {latency}), came at \
                 {}: {:+.1} ms",
                t.key,
                t.onset,
                on.sample,
                error * 1000.0
            );
            error
        })
        .collect()
}

fn report(name: &str, errors: &[f64]) {
    let ms: Vec<String> = errors
        .iter()
        .map(|l| format!("{:+.1}", l * 1000.0))
        .collect();
    let mean = errors.iter().sum::<f64>() / errors.len().max(1) as f64;
    let mean_abs = errors.iter().map(|e| e.abs()).sum::<f64>() / errors.len().max(1) as f64;
    let max = errors.iter().map(|e| e.abs()).fold(0.0, f64::max);
    println!(
        "{name}: note-on error against onset + latency, ms: [{}]; mean {:+.1}, mean |error| \
         {:.1}, max |error| {:.1}",
        ms.join(", "),
        mean * 1000.0,
        mean_abs * 1000.0,
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
    let reference = run(&input, &Setup::on(48_000.0, BlockPattern::Fixed(256)));
    assert_eq!(
        reference.latency,
        reference.chain_latency + lookahead_samples(48_000.0),
        "the switch adds the lookahead to the reported latency"
    );
    assert_paired(&reference.notes);
    let errors = check_onsets(&reference.notes, &truth, reference.latency, 48_000.0);
    report("singer 48 kHz, block 256", &errors);
    // Channel 1 (the parameter's default) is MIDI's channel 0.
    assert!(
        reference.notes.iter().all(|n| n.channel == 0),
        "{:?}",
        reference.notes
    );

    // Every note at the same sample whatever the blocks: one-sample blocks, 4096, and sizes
    // 1..=1024 in scrambled order.
    for blocks in [
        BlockPattern::Fixed(1),
        BlockPattern::Fixed(4096),
        BlockPattern::Varying,
    ] {
        breadcrumb(&format!("voice midi: the same at {blocks}"));
        let outcome = run(&input, &Setup::on(48_000.0, blocks));
        assert_eq!(outcome.latency, reference.latency);
        assert_eq!(outcome.notes, reference.notes, "{blocks}");
    }
}

#[test]
fn the_lookahead_delays_the_sound_without_changing_it() {
    breadcrumb("voice midi: output on = output off delayed by the lookahead");
    let (input, _) = sung_phrase(48_000.0);
    let mut off = Setup::on(48_000.0, BlockPattern::Fixed(512));
    off.voice_midi = false;
    let off = run(&input, &off);
    let on = run(&input, &Setup::on(48_000.0, BlockPattern::Fixed(512)));
    assert!(off.notes.is_empty(), "{:?}", off.notes);
    assert_eq!(
        off.latency, off.chain_latency,
        "off: only the chain's latency"
    );
    let extra = on.latency - off.latency;
    assert_eq!(extra, lookahead_samples(48_000.0));
    let worst = on
        .output
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let want = if i >= extra {
                off.output[i - extra]
            } else {
                0.0
            };
            (x - want).abs()
        })
        .fold(0.0f32, f32::max);
    println!("lookahead {extra} samples: largest difference from the delayed output {worst:e}");
    assert!(worst <= 1e-6, "{worst}");
    assert!(
        off.output.iter().any(|x| x.abs() > 0.01),
        "the phrase is heard"
    );
}

#[test]
fn pure_sines_at_44k1_and_the_channel_parameter() {
    breadcrumb("voice midi: sine phrase at 44.1 kHz on channel 5");
    let (input, truth) = sine_phrase(44_100.0);
    let mut setup = Setup::on(44_100.0, BlockPattern::Fixed(441));
    // CLAP carries a whole-number parameter as its step from the lowest value: channel 5 is 4.
    setup.changes.push(("Voice MIDI Channel", 4.0, 0));
    let outcome = run(&input, &setup);
    assert_eq!(
        outcome.latency,
        outcome.chain_latency + lookahead_samples(44_100.0)
    );
    assert_paired(&outcome.notes);
    let errors = check_onsets(&outcome.notes, &truth, outcome.latency, 44_100.0);
    report("sines 44.1 kHz, block 441", &errors);
    assert!(
        outcome.notes.iter().all(|n| n.channel == 4),
        "{:?}",
        outcome.notes
    );
    for blocks in [
        BlockPattern::Fixed(1),
        BlockPattern::Fixed(4096),
        BlockPattern::Varying,
    ] {
        breadcrumb(&format!("voice midi: sines at {blocks}"));
        let other = run(&input, &Setup::on(44_100.0, blocks));
        let errors = check_onsets(&other.notes, &truth, other.latency, 44_100.0);
        report(&format!("sines 44.1 kHz, {blocks}"), &errors);
    }

    breadcrumb("voice midi: singer at 44.1 kHz");
    let (input, truth) = sung_phrase(44_100.0);
    let outcome = run(&input, &Setup::on(44_100.0, BlockPattern::Fixed(128)));
    assert_paired(&outcome.notes);
    report(
        "singer 44.1 kHz, block 128",
        &check_onsets(&outcome.notes, &truth, outcome.latency, 44_100.0),
    );
}

#[test]
fn off_by_default_and_no_note_hangs_when_switched_off_or_bypassed() {
    let (input, truth) = sung_phrase(48_000.0);
    breadcrumb("voice midi: default parameters send nothing and add no latency");
    let mut setup = Setup::on(48_000.0, BlockPattern::Fixed(512));
    setup.voice_midi = false;
    let outcome = run(&input, &setup);
    assert!(outcome.notes.is_empty(), "{:?}", outcome.notes);
    assert_eq!(outcome.latency, outcome.chain_latency);

    // Switched off in the middle of the second note: its note-off comes at that block, and
    // no note-on decided but still waiting goes out after it.
    breadcrumb("voice midi: switched off mid-note");
    let off_at = truth[1].onset + 12_000;
    let mut setup = Setup::on(48_000.0, BlockPattern::Fixed(512));
    setup.changes.push(("Voice to MIDI", 0.0, off_at));
    let outcome = run(&input, &setup);
    let notes = &outcome.notes;
    assert_paired(notes);
    assert_eq!(notes.iter().filter(|n| n.on).count(), 2, "{notes:?}");
    let last = notes.last().expect("notes");
    assert!(
        !last.on && last.sample.abs_diff(off_at) < 512,
        "{last:?} vs {off_at}"
    );

    // Switched off 60 ms into the third note: it was decided (about 40 ms after its onset)
    // but its note-on waits for the onset plus the latency (110 ms): it is dropped, while
    // the second note's note-off (due at about the third's onset) went out.
    breadcrumb("voice midi: switched off while a note-on waits");
    let decided = truth[2].onset + 2_880;
    let mut setup = Setup::on(48_000.0, BlockPattern::Fixed(512));
    setup.changes.push(("Voice to MIDI", 0.0, decided));
    let outcome = run(&input, &setup);
    assert_paired(&outcome.notes);
    let keys: Vec<u16> = outcome
        .notes
        .iter()
        .filter(|n| n.on)
        .map(|n| n.key)
        .collect();
    assert_eq!(
        keys,
        vec![truth[0].key, truth[1].key],
        "{:?}",
        outcome.notes
    );

    // Bypassed mid-note: the same as switching off.
    breadcrumb("voice midi: bypassed mid-note");
    let mut setup = Setup::on(48_000.0, BlockPattern::Fixed(512));
    setup.changes.push(("Bypass", 1.0, off_at));
    let outcome = run(&input, &setup);
    assert_paired(&outcome.notes);
    assert_eq!(
        outcome.notes.iter().filter(|n| n.on).count(),
        2,
        "{:?}",
        outcome.notes
    );
}

#[test]
fn the_backing_waits_with_the_audio() {
    breadcrumb("voice midi: the backing's sound and notes are delayed by the lookahead too");
    let seconds = 4.5;
    let silence = vec![0.0f32; (seconds * 48_000.0) as usize];
    let setup = |voice_midi: bool| Setup {
        sample_rate: 48_000.0,
        blocks: BlockPattern::Fixed(256),
        voice_midi,
        changes: vec![("Backing", 1.0, 0)],
        transport: Some(HostTransport {
            tempo: 120.0,
            start_beat: 0.0,
            playing: true,
            loop_beats: None,
        }),
        backing: Some(BackingSpec {
            key: "D".into(),
            mode: "minor".into(),
            tempo_bpm: 70,
            style: "pop".into(),
            bars: 2,
            seed: 5,
        }),
    };
    let off = run(&silence, &setup(false));
    let on = run(&silence, &setup(true));
    let extra = on.latency - off.latency;
    assert_eq!(extra, lookahead_samples(48_000.0));
    let ons = |notes: &[NoteOut]| -> Vec<(usize, u16, u16)> {
        notes
            .iter()
            .filter(|n| n.on)
            .map(|n| (n.sample, n.key, n.channel))
            .collect()
    };
    let shifted: Vec<_> = ons(&off.notes)
        .into_iter()
        .map(|(sample, key, channel)| (sample + extra, key, channel))
        .filter(|&(sample, _, _)| sample < silence.len())
        .collect();
    assert!(shifted.len() > 10, "the backing plays: {shifted:?}");
    assert_eq!(ons(&on.notes), shifted);
    let worst = on
        .output
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            (x - if i >= extra {
                off.output[i - extra]
            } else {
                0.0
            })
            .abs()
        })
        .fold(0.0f32, f32::max);
    assert!(worst <= 1e-6, "{worst}");
    println!(
        "backing: {} note-ons, each {extra} samples later; audio differs by at most {worst:e}",
        shifted.len()
    );
}
