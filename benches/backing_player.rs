//! Cost of the real-time backing player on the audio thread: one second of a pattern at 48 kHz
//! in 128-sample blocks, following a running clock (sequencing, voices, mixing), for a sparse
//! style (ballad) and a busy one (funk). Also the GUI-side cost of building a pattern for it.
#![allow(
    missing_docs,
    reason = "criterion_group! and criterion_main! generate undocumented public functions"
)]
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use daiw::assistant::state::BackingSpec;
use daiw::dsp::backing_player::{BackingPlayer, Clock};
use daiw::plugin::backing_link::player_pattern;

const SAMPLE_RATE: f32 = 48_000.0;
const BLOCK: usize = 128;

fn spec(style: &str) -> BackingSpec {
    BackingSpec {
        style: style.into(),
        tempo_bpm: 100,
        bars: 8,
        ..BackingSpec::default()
    }
}

fn bench_backing_player(c: &mut Criterion) {
    let mut group = c.benchmark_group("backing_player");
    group.throughput(Throughput::Elements(SAMPLE_RATE as u64));
    for style in ["ballad", "funk"] {
        let pattern = spec(style).generate().expect("pattern");
        let mut player = BackingPlayer::default();
        player.prepare(SAMPLE_RATE, BLOCK);
        player.swap_pattern(Some(Box::new(player_pattern(&pattern))), &mut |_| {});
        let beats_per_sample = 100.0 / 60.0 / f64::from(SAMPLE_RATE);
        let mut beat = 0.0f64;
        let mut notes = 0usize;
        group.bench_function(format!("one_second_{style}"), |b| {
            b.iter(|| {
                for _ in 0..(SAMPLE_RATE as usize / BLOCK) {
                    let clock = Clock::Running {
                        beat,
                        beats_per_sample,
                    };
                    let (left, _) = player.process(BLOCK, clock, 0.25, &mut |_| notes += 1);
                    criterion::black_box(left);
                    beat += beats_per_sample * BLOCK as f64;
                }
            });
        });
        println!(
            "{style}: {} notes per pass, {} voices sounding at the end",
            pattern.events.len(),
            player.active_voices()
        );
    }
    group.finish();

    let mut group = c.benchmark_group("backing_handoff");
    let pattern = spec("funk").generate().expect("pattern");
    group.bench_function("player_pattern_8_bars_funk", |b| {
        b.iter(|| criterion::black_box(player_pattern(&pattern)))
    });
    group.finish();
}

criterion_group!(benches, bench_backing_player);
criterion_main!(benches);
