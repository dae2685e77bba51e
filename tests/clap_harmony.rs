//! Harmony voices and Follow Chords in the real CLAP bundle (built with
//! `assert_process_allocs`, so any allocation on the audio thread aborts the test): a project
//! with a backing plays along the host's transport, correction follows its chords and two
//! harmony voices sing; the output stays finite, the voices are heard, and nothing allocates.
//! Build the bundle first: `cargo xtask bundle daiw --profile release-checked --features
//! standalone,assert_process_allocs`.

#[path = "common/clap_host.rs"]
mod clap_host;

use clap_host::session::{playing, Session};
use clap_host::{breadcrumb, BlockPattern, Signal};
use daiw::assistant::state::BackingSpec;

const SAMPLE_RATE: f64 = 48_000.0;
const SECONDS: f64 = 6.0;

/// Runs the plugin with a backing at 100 BPM over a sung tone, `voices` harmony voices and
/// Follow Chords on; returns the output channels.
fn run(voices: f64, blocks: BlockPattern) -> Vec<Vec<f32>> {
    let mut session = Session::open(Some(BackingSpec {
        key: "C".into(),
        mode: "major".into(),
        tempo_bpm: 100,
        style: "pop".into(),
        bars: 4,
        seed: 3,
    }));
    let changes = [
        session.set("Backing", 1.0),
        session.set("Backing Level", session.param("Backing Level").min),
        session.set("Follow Chords", 1.0),
        session.set("Harmony Voices", voices),
        session.set("Harmony Spread", 1.0),
    ];
    session.plugin.activate(SAMPLE_RATE, blocks.max_block());
    let mut signal = Signal::sine(2, SAMPLE_RATE, SECONDS, 207.0, 0.3);
    session
        .plugin
        .run_with(&mut signal, blocks, &changes, playing(100.0, false))
        .unwrap_or_else(|e| panic!("run: {e}"));
    session.plugin.deactivate();
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
