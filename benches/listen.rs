//! Cost of listening per second of analysis frames: note segmentation and the key estimate on
//! the pitch track of a sung phrase (vibrato, glides, consonants), as the live listener or
//! `daiw analyze` runs them. Throughput is in elements = seconds of singing. Run with
//! `cargo test -j2 --profile release-checked --features standalone,assert_process_allocs
//! --bench listen -- --bench`.
#![allow(missing_docs, reason = "criterion macros generate undocumented items")]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use daiw::dsp::synthetic_singer::{sing, test_phrase, SingerConfig};
use daiw::music::listen::key::key_from_notes;
use daiw::music::listen::{segment_notes, KeyListener};
use daiw::offline::analyze::{pitch_points, pitch_track};
use daiw::offline::wav::{Audio, WavFormat};

/// Twenty seconds of the test phrase in three registers, heard by the pitch detector.
fn heard_points() -> (Vec<daiw::music::listen::PitchPoint>, f64) {
    let segments: Vec<_> = [48.0, 55.0, 62.0]
        .iter()
        .cycle()
        .take(6)
        .flat_map(|&base| test_phrase(base))
        .collect();
    let performance = sing(&segments, &SingerConfig::default());
    let seconds = performance.samples.len() as f64 / 48_000.0;
    let audio = Audio {
        channels: vec![performance.samples],
        sample_rate: 48_000,
        format: WavFormat {
            bits: 32,
            float: true,
        },
    };
    (pitch_points(&pitch_track(&audio)), seconds)
}

fn listening(c: &mut Criterion) {
    let (points, seconds) = heard_points();
    let mut group = c.benchmark_group("listen_per_second");
    group.throughput(Throughput::Elements(seconds.round() as u64));
    group.bench_function("segment_notes", |b| {
        b.iter(|| segment_notes(black_box(&points), None))
    });
    let notes = segment_notes(&points, None);
    group.bench_function("key_from_notes", |b| {
        b.iter(|| key_from_notes(black_box(&notes)))
    });
    group.bench_function("key_listener_push_all", |b| {
        b.iter(|| {
            let mut listener = KeyListener::default();
            for &p in &points {
                listener.push(p);
            }
            listener.estimate()
        })
    });
    group.finish();
}

criterion_group!(benches, listening);
criterion_main!(benches);
