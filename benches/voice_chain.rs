//! Throughput of the whole `VoiceChain` at 48 kHz mono with tuning and modulation on, and of
//! its two analysis-heavy parts alone. Criterion reports time per second of audio: real-time
//! factor = 1 s / that time.
//!
//! On a loaded machine wall-clock figures swing by 3x; `DAIW_BENCH_ONCE=<case>` runs one case
//! for two seconds of audio without criterion, for an instruction count under valgrind:
//! `DAIW_BENCH_ONCE=tuning valgrind --tool=callgrind --toggle-collect='*process_one_second*'
//! target/release-checked/deps/voice_chain-<hash>` (divide by 2 for one second of audio).
#![allow(
    missing_docs,
    reason = "criterion_group! generates undocumented public functions"
)]
use criterion::{criterion_group, BatchSize, Criterion, Throughput};
use daiw::dsp::pitch_detector::PitchDetector;
use daiw::dsp::synthetic_singer::{sing, test_phrase, SingerConfig};
use daiw::dsp::{VoiceChain, VoiceSettings};
use daiw::music::theory::{PitchClass, ScaleKind};

const BLOCK: usize = 256;

/// One change to the settings, named for the benchmark.
type SettingsChange = fn(&mut VoiceSettings);

fn one_second_of_singing() -> Vec<f32> {
    let performance = sing(&test_phrase(57.0), &SingerConfig::default());
    performance.samples[9_600..9_600 + 48_000].to_vec()
}

fn settings(modulation: bool) -> VoiceSettings {
    let mut s = VoiceSettings::default();
    s.tune.enabled = true;
    s.tune.key = PitchClass::A;
    s.tune.scale = ScaleKind::Minor;
    s.tune.retune_ms = 20.0;
    if modulation {
        s.pitch_semitones = 2.0;
        s.formant_semitones = 1.0;
        s.breath = 0.2;
        s.whisper = 0.1;
        s.warmth = 0.6;
        s.presence = 0.6;
        s.compression = 0.5;
        s.reverb = 0.2;
    }
    s
}

fn bench_chain(c: &mut Criterion) {
    let audio = one_second_of_singing();
    let mut group = c.benchmark_group("voice_chain_48k_mono_1s");
    group.throughput(Throughput::Elements(audio.len() as u64));
    group.sample_size(20);
    // One second through a chain with `s`, in blocks, as the plugin runs it.
    let run = |b: &mut criterion::Bencher, s: &VoiceSettings| {
        let mut chain = VoiceChain::default();
        chain.set_settings(s);
        chain.prepare(48_000.0, BLOCK);
        b.iter_batched_ref(
            || audio.clone(),
            |buffer| {
                for block in buffer.chunks_mut(BLOCK) {
                    chain.process(&mut [block]);
                }
            },
            BatchSize::LargeInput,
        );
    };
    for (name, modulation) in [("tuning", false), ("tuning+modulation", true)] {
        group.bench_function(name, |b| run(b, &settings(modulation)));
    }
    // Each modulation alone on top of tuning, to see where the extra time goes.
    let alone: [(&str, SettingsChange); 8] = [
        ("+pitch", |s| s.pitch_semitones = 2.0),
        ("+formant", |s| s.formant_semitones = 1.0),
        ("+breath", |s| s.breath = 0.2),
        ("+whisper", |s| s.whisper = 0.1),
        ("+tone", |s| {
            s.warmth = 0.6;
            s.presence = 0.6
        }),
        ("+compression", |s| s.compression = 0.5),
        ("+reverb", |s| s.reverb = 0.2),
        ("+robot", |s| s.robot = 0.5),
    ];
    for (name, change) in alone {
        let mut s = settings(false);
        change(&mut s);
        group.bench_function(format!("tuning{name}"), |b| run(b, &s));
    }
    // Two harmony voices (diatonic: no backing in the bench), stereo spread, on top of tuning.
    let mut harmony = settings(false);
    harmony.harmony.voices = 2;
    harmony.harmony.mode = daiw::dsp::harmony::HarmonyMode::Diatonic;
    group.bench_function("tuning+2_harmony_voices", |b| run(b, &harmony));
    group.bench_function("pitch_detector_only", |b| {
        let mut detector = PitchDetector::default();
        detector.prepare(48_000.0, 480);
        b.iter(|| process_one_second_detector(&mut detector, &audio));
    });
    group.finish();
}

/// Every case of the breakdown by name, as the criterion group runs them.
fn case_settings(name: &str) -> Option<VoiceSettings> {
    let mut s = settings(false);
    match name {
        "tuning" => {}
        "tuning+modulation" => s = settings(true),
        "tuning+pitch" => s.pitch_semitones = 2.0,
        "tuning+formant" => s.formant_semitones = 1.0,
        "tuning+breath" => s.breath = 0.2,
        "tuning+whisper" => s.whisper = 0.1,
        "tuning+tone" => {
            s.warmth = 0.6;
            s.presence = 0.6
        }
        "tuning+compression" => s.compression = 0.5,
        "tuning+reverb" => s.reverb = 0.2,
        "tuning+robot" => s.robot = 0.5,
        "tuning+2_harmony_voices" => {
            s.harmony.voices = 2;
            s.harmony.mode = daiw::dsp::harmony::HarmonyMode::Diatonic;
        }
        _ => return None,
    }
    Some(s)
}

/// One second of audio through a chain set up for case `name`, once: what
/// `DAIW_BENCH_ONCE=name` runs instead of criterion, so an instruction counter (valgrind) sees
/// exactly this work (`--toggle-collect='*process_one_second*'`), independent of the machine's
/// load.
#[inline(never)]
fn process_one_second(chain: &mut VoiceChain, buffer: &mut [f32]) {
    for block in buffer.chunks_mut(BLOCK) {
        chain.process(&mut [block]);
    }
}

/// One second of audio through the pitch detector alone (`DAIW_BENCH_ONCE=pitch_detector_only`),
/// fed as the chain feeds it: a run up to each frame at a time.
#[inline(never)]
fn process_one_second_detector(detector: &mut PitchDetector, audio: &[f32]) -> usize {
    let mut voiced = 0usize;
    for block in audio.chunks(BLOCK) {
        let mut i = 0;
        while i < block.len() {
            let (taken, frame) = detector.push_slice(&block[i..]);
            i += taken;
            voiced += usize::from(frame.is_some_and(|frame| frame.is_voiced()));
        }
    }
    voiced
}

fn main() {
    if let Ok(name) = std::env::var("DAIW_BENCH_ONCE") {
        if name == "pitch_detector_only" {
            let audio = one_second_of_singing();
            let mut detector = PitchDetector::default();
            detector.prepare(48_000.0, 480);
            for _ in 0..2 {
                std::hint::black_box(process_one_second_detector(&mut detector, &audio));
            }
            return;
        }
        let Some(settings) = case_settings(&name) else {
            eprintln!("DAIW_BENCH_ONCE: no case {name}");
            std::process::exit(2);
        };
        let audio = one_second_of_singing();
        let mut chain = VoiceChain::default();
        chain.set_settings(&settings);
        chain.prepare(48_000.0, BLOCK);
        // Two seconds: the first with the chain starting up, the second warmed up.
        for _ in 0..2 {
            let mut buffer = audio.clone();
            process_one_second(&mut chain, &mut buffer);
            std::hint::black_box(&buffer);
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

criterion_group!(benches, bench_chain);
