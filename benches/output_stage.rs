//! Throughput of the output stage (smoothed gain + input sanitising) at 48 kHz stereo.
#![allow(
    missing_docs,
    reason = "criterion_group! and criterion_main! generate undocumented public functions"
)]
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use daiw::dsp::OutputStage;

fn bench_output_stage(c: &mut Criterion) {
    const BLOCK: usize = 512;
    let input: Vec<f32> = (0..BLOCK)
        .map(|i| (i as f32 * 440.0 * std::f32::consts::TAU / 48_000.0).sin() * 0.5)
        .collect();
    let mut group = c.benchmark_group("output_stage");
    group.throughput(Throughput::Elements((BLOCK * 2) as u64));
    for (name, ramping) in [("steady", false), ("ramping", true)] {
        group.bench_function(name, |b| {
            let mut stage = OutputStage::default();
            stage.reset(48_000.0, -3.0);
            let mut gain_db = -3.0f32;
            b.iter_batched_ref(
                || (input.clone(), input.clone()),
                |(left, right)| {
                    if ramping {
                        gain_db = if gain_db == 0.0 { -6.0 } else { 0.0 };
                    }
                    stage.process(&mut [&mut left[..], &mut right[..]], BLOCK, gain_db);
                },
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, bench_output_stage);
criterion_main!(benches);
