//! Harmony voices and Follow Chords in the real CLAP bundle (built with
//! `assert_process_allocs`, so any allocation on the audio thread aborts the test): a project
//! with a backing plays along the host's transport, correction follows its chords and two
//! harmony voices sing; the output stays finite, the voices are heard, and nothing allocates.
//! Build the bundle first: `cargo xtask bundle daiw --profile release-checked --features
//! standalone,assert_process_allocs`.

#[path = "common/clap_host.rs"]
mod clap_host;

use clap_host::{
    breadcrumb, load_bundle, BlockPattern, HostTransport, ParamChange, ParamDesc, Plugin,
    RunOptions, Signal,
};
use daiw::assistant::state::BackingSpec;
use daiw::plugin::state::SavedSession;

const SAMPLE_RATE: f64 = 48_000.0;
const SECONDS: f64 = 6.0;

fn find<'a>(params: &'a [ParamDesc], name: &str) -> &'a ParamDesc {
    params
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no parameter {name}"))
}

/// Runs the plugin with a backing at 100 BPM over a sung tone, `voices` harmony voices and
/// Follow Chords on; returns the output channels.
fn run(voices: f64, blocks: BlockPattern) -> Vec<Vec<f32>> {
    let entry = load_bundle();
    let mut plugin = Plugin::new(&entry);
    let params = plugin.parameters();
    let saved = SavedSession {
        backing: Some(BackingSpec {
            key: "C".into(),
            mode: "major".into(),
            tempo_bpm: 100,
            style: "pop".into(),
            bars: 4,
            seed: 3,
        }),
        ..SavedSession::default()
    };
    plugin.load_state_with_field("session", &serde_json::to_value(&saved).expect("JSON"));
    plugin.activate(SAMPLE_RATE, blocks.max_block());
    let change = |name: &str, value: f64| ParamChange {
        sample: 0,
        param_id: find(&params, name).id,
        value,
    };
    let changes = [
        change("Backing", 1.0),
        change("Backing Level", find(&params, "Backing Level").min),
        change("Follow Chords", 1.0),
        change("Harmony Voices", voices),
        change("Harmony Spread", 1.0),
    ];
    let mut signal = Signal::sine(2, SAMPLE_RATE, SECONDS, 207.0, 0.3);
    plugin
        .run_with(
            &mut signal,
            blocks,
            &changes,
            RunOptions {
                transport: Some(HostTransport {
                    tempo: 100.0,
                    start_beat: 0.0,
                    playing: true,
                    loop_beats: None,
                }),
                real_time: false,
            },
        )
        .unwrap_or_else(|e| panic!("run: {e}"));
    plugin.deactivate();
    std::mem::forget(entry);
    signal.output
}

#[test]
fn harmony_and_follow_chords_run_in_the_host_without_allocating() {
    breadcrumb("clap harmony: 2 voices, Follow Chords, backing at 100 BPM");
    let with = run(2.0, BlockPattern::Fixed(256));
    let without = run(0.0, BlockPattern::Fixed(256));
    for channel in with.iter().chain(&without) {
        assert!(channel.iter().all(|x| x.is_finite()), "non-finite output");
    }
    // Full spread puts voice 1 left and voice 2 right: the sides differ from the lead alone.
    let skip = (0.5 * SAMPLE_RATE) as usize;
    let difference = |ch: usize| -> f64 {
        with[ch][skip..]
            .iter()
            .zip(&without[ch][skip..])
            .map(|(a, b)| f64::from(a - b).powi(2))
            .sum::<f64>()
            / (with[ch].len() - skip) as f64
    };
    let (left, right) = (difference(0).sqrt(), difference(1).sqrt());
    println!("harmony adds rms {left:.4} left, {right:.4} right");
    assert!(left > 0.01 && right > 0.01, "{left} {right}");
    // Odd block sizes too (chord changes fall anywhere in a block).
    let odd = run(3.0, BlockPattern::Varying);
    assert!(odd.iter().flatten().all(|x| x.is_finite()));
}
