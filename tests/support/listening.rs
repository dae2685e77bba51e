//! Sings a melody and hears it back through the real pitch detector, as `daiw analyze` does.
#![allow(dead_code)]

use daiw::dsp::synthetic_singer::{sing, Segment, SingerConfig, Vowel};
use daiw::music::listen::PitchPoint;
use daiw::offline::analyze::{pitch_points, pitch_track};
use daiw::offline::wav::{Audio, WavFormat};

/// The singer's audio at `sample_rate` as the WAV reader would give it.
pub fn sung_audio(segments: &[Segment], sample_rate: u32, vowel: Vowel, seed: u32) -> Audio {
    let performance = sing(
        segments,
        &SingerConfig {
            sample_rate: sample_rate as f32,
            vowel,
            seed,
            ..SingerConfig::default()
        },
    );
    Audio {
        channels: vec![performance.samples],
        sample_rate,
        format: WavFormat {
            bits: 32,
            float: true,
        },
    }
}

/// The detector's pitch track of the sung segments.
pub fn heard(segments: &[Segment], sample_rate: u32, vowel: Vowel, seed: u32) -> Vec<PitchPoint> {
    pitch_points(&pitch_track(&sung_audio(
        segments,
        sample_rate,
        vowel,
        seed,
    )))
}

/// Runs `job` on every item on two threads (the machine's cores), keeping the order.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], job: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let half = items.len().div_ceil(2);
    std::thread::scope(|scope| {
        let (first, second) = items.split_at(half);
        let job = &job;
        let other = scope.spawn(move || second.iter().map(job).collect::<Vec<R>>());
        let mut results: Vec<R> = first.iter().map(job).collect();
        results.extend(other.join().expect("worker thread"));
        results
    })
}
