//! Backing generation costs: pattern generation, MIDI export and the fundsp WAV render.
//! Run with `cargo test -j2 --profile release-checked --features standalone,assert_process_allocs
//! --bench music_backing -- --bench` (or `cargo bench --bench music_backing`).
#![allow(
    missing_docs,
    reason = "criterion_group! and criterion_main! generate undocumented public functions"
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

use daiw::music::backing::{generate, BackingRequest};
use daiw::music::midi::to_smf_bytes;
use daiw::music::synth::render;
use daiw::music::theory::Key;

fn request(style: &str, bars: u32) -> BackingRequest {
    let key: Key = "A minor".parse().expect("a key");
    BackingRequest::new(key, 100.0, style, bars, 42)
}

fn backing(c: &mut Criterion) {
    let mut group = c.benchmark_group("music_backing");
    for style in ["funk", "jazz", "edm"] {
        let req = request(style, 32);
        group.bench_function(format!("generate_32_bars_{style}"), |b| {
            b.iter(|| generate(black_box(&req)).expect("generates"))
        });
    }
    let pattern = generate(&request("funk", 32)).expect("generates");
    group.bench_function("midi_export_32_bars_funk", |b| {
        b.iter(|| to_smf_bytes(black_box(&pattern)).expect("exports"))
    });
    group.sample_size(10);
    let short = generate(&request("funk", 8)).expect("generates");
    group.bench_function("wav_render_8_bars_funk_44k1", |b| {
        b.iter(|| render(black_box(&short), 44_100).expect("renders"))
    });
    group.finish();
}

criterion_group!(benches, backing);
criterion_main!(benches);
