//! The backing track inside the real CLAP bundle: a project's saved backing comes back on
//! activation, follows the host's transport sample-accurately (shifted by the plugin's latency so
//! it lines up with the delayed voice), loops with the host, stops with it, sends its notes as
//! MIDI, and is saved again in the plugin state.

#[path = "common/clap_host.rs"]
mod clap_host;

use clap_host::{
    breadcrumb, load_bundle, BlockPattern, HostTransport, NoteOut, ParamChange, ParamDesc, Plugin,
    RunOptions, RunStats, Signal,
};
use daiw::assistant::state::BackingSpec;
use daiw::plugin::state::SavedSession;

const SAMPLE_RATE: f64 = 48_000.0;
const BLOCKS: BlockPattern = BlockPattern::Fixed(256);
const HOST_TEMPO: f64 = 120.0;

fn spec() -> BackingSpec {
    BackingSpec {
        key: "D".into(),
        mode: "minor".into(),
        tempo_bpm: 70,
        style: "pop".into(),
        bars: 2,
        seed: 5,
    }
}

fn find<'a>(params: &'a [ParamDesc], name: &str) -> &'a ParamDesc {
    params
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no parameter {name}"))
}

fn saved_session(plugin: &mut Plugin) -> SavedSession {
    let state = plugin.save_state_json();
    let text = state["fields"]["session"].as_str().expect("session field");
    serde_json::from_str(text).expect("session parses")
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

/// Note-ons the pattern should produce from beat 0 at the host tempo, as absolute samples.
fn expected_note_ons(latency: usize, until: usize) -> Vec<(usize, u16, u16)> {
    let pattern = spec().generate().expect("pattern");
    let samples_per_tick = SAMPLE_RATE * 60.0 / HOST_TEMPO / f64::from(pattern.ppq);
    let length = pattern.length_ticks() as usize;
    let mut out = Vec::new();
    for pass in 0.. {
        let mut any = false;
        for e in &pattern.events {
            let sample = ((pass * length + e.tick as usize) as f64 * samples_per_tick).round()
                as usize
                + latency;
            if sample < until {
                any = true;
                let channel = match e.part {
                    daiw::music::backing::Part::Drums => 9,
                    daiw::music::backing::Part::Bass => 0,
                    daiw::music::backing::Part::Chords => 1,
                };
                out.push((sample, u16::from(e.note), channel));
            }
        }
        if !any {
            break;
        }
    }
    out.sort();
    out
}

fn ons(notes: &[NoteOut]) -> Vec<(usize, u16, u16)> {
    let mut v: Vec<_> = notes
        .iter()
        .filter(|n| n.on)
        .map(|n| (n.sample, n.key, n.channel))
        .collect();
    v.sort();
    v
}

/// Runs `seconds` of silence in through the plugin against `transport`.
fn run(plugin: &mut Plugin, seconds: f64, transport: HostTransport) -> (Signal, RunStats) {
    let mut signal = Signal::sine(2, SAMPLE_RATE, seconds, 440.0, 0.0);
    let options = RunOptions {
        transport: Some(transport),
        real_time: false,
    };
    let stats = plugin
        .run_with(&mut signal, BLOCKS, &[], options)
        .unwrap_or_else(|e| panic!("run against {transport:?}: {e}"));
    (signal, stats)
}

#[test]
fn backing_follows_the_host_transport_and_survives_the_project() {
    let entry = load_bundle();
    let mut plugin = Plugin::new(&entry);
    let params = plugin.parameters();
    let backing_on = [ParamChange {
        sample: 0,
        param_id: find(&params, "Backing").id,
        value: 1.0,
    }];

    // A project saved with a backing is opened: state first, then activation.
    let saved = SavedSession {
        backing: Some(spec()),
        ..SavedSession::default()
    };
    plugin.load_state_with_field("session", &serde_json::to_value(&saved).expect("JSON"));
    plugin.activate(SAMPLE_RATE, BLOCKS.max_block());
    let latency = plugin.latency() as usize;

    breadcrumb("backing: 2 bars at the host's 120 BPM, twice round");
    let seconds = 8.5; // 2 bars of 4/4 at 120 BPM = 4 s; a bit over two passes.
    let mut signal = Signal::sine(2, SAMPLE_RATE, seconds, 440.0, 0.0);
    let transport = HostTransport {
        tempo: HOST_TEMPO,
        start_beat: 0.0,
        playing: true,
        loop_beats: None,
    };
    let stats = plugin
        .run_with(
            &mut signal,
            BLOCKS,
            &backing_on,
            RunOptions {
                transport: Some(transport),
                real_time: false,
            },
        )
        .unwrap_or_else(|e| panic!("transport run: {e}"));
    let frames = signal.frames();
    let got = ons(&stats.notes);
    let want = expected_note_ons(latency, frames);
    assert!(want.len() > 20, "the pattern has notes: {}", want.len());
    assert_eq!(
        got, want,
        "every note starts on its exact sample (host tempo, latency {latency})"
    );
    let offs = stats.notes.iter().filter(|n| !n.on).count();
    assert!(
        offs + 8 >= got.len(),
        "{offs} note-offs for {} note-ons",
        got.len()
    );
    // Sound: nothing before the first note, the backing after it, no NaNs, no clipping.
    let first = want[0].0;
    let left = &signal.output[0];
    assert!(left.iter().all(|x| x.is_finite() && x.abs() < 1.0));
    assert_eq!(rms(&left[..first]), 0.0, "silent before the first note");
    let level = rms(&left[first..]);
    assert!(level > 0.005, "the backing is audible: rms {level}");
    println!(
        "backing: {} note-ons, {} note-offs, rms {level:.4}, first note at sample {first}",
        got.len(),
        offs
    );

    breadcrumb("backing: host loop over beats 0..4");
    let looped = HostTransport {
        loop_beats: Some((0.0, 4.0)),
        ..transport
    };
    let (_, stats) = run(&mut plugin, 4.0, looped);
    // Beats 0..4 are 2 s; the loop plays them twice, the second time exactly 2 s later.
    let loop_samples = (2.0 * SAMPLE_RATE) as usize;
    let got = ons(&stats.notes);
    let first_pass: Vec<_> = got.iter().filter(|n| n.0 < loop_samples).collect();
    let second_pass: Vec<_> = got
        .iter()
        .filter(|n| n.0 >= loop_samples)
        .map(|n| (n.0 - loop_samples, n.1, n.2))
        .collect();
    assert!(!first_pass.is_empty());
    let shifted: Vec<_> = first_pass
        .iter()
        .filter(|n| n.0 >= latency)
        .map(|n| **n)
        .collect();
    assert_eq!(
        second_pass
            .iter()
            .filter(|n| n.0 >= latency)
            .copied()
            .collect::<Vec<_>>(),
        shifted,
        "the second pass repeats the first"
    );
    // At the loop point every held note ends before the pass starts again.
    let held_at_loop = stats
        .notes
        .iter()
        .filter(|n| !n.on && n.sample == loop_samples)
        .count();
    println!(
        "loop: {} notes per pass, {held_at_loop} released at the loop point",
        shifted.len()
    );

    breadcrumb("backing: host stopped");
    let stopped = HostTransport {
        playing: false,
        ..transport
    };
    let (signal, stats) = run(&mut plugin, 2.0, stopped);
    assert!(
        stats.notes.iter().all(|n| !n.on),
        "no note starts while stopped"
    );
    let tail = &signal.output[0][(0.5 * SAMPLE_RATE) as usize..];
    assert_eq!(rms(tail), 0.0, "silent once stopped");

    // The state still holds the backing, so saving the project keeps it.
    assert_eq!(saved_session(&mut plugin).backing, Some(spec()));
}
